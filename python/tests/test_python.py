"""The Python face: configs, plans, every table as a stream, equality with the CLI's
files, the memory limit, Ctrl-C, and the command the wheel installs."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import synthdata
from conftest import ENTRIES, PART_ENTRIES, manifest, synthdata_command


def cli_part(run: Path, table: str, part: int) -> pa.Table:
    m = manifest(run)
    t = next(t for t in m["tables"] if t["table"] == table)
    files = [f for f in t["files"] if f.get("part", 0) == part]
    assert files, f"{table} part {part} in the manifest"
    return pa.concat_tables(pq.read_table(run / f["path"]) for f in files)


def same_rows(a: pa.Table, b: pa.Table) -> None:
    assert a.num_rows == b.num_rows
    assert a.column_names == b.column_names
    for name in a.column_names:
        x, y = a.column(name).combine_chunks(), b.column(name).combine_chunks()
        if x.type != y.type:
            y = y.cast(x.type)
        assert x.equals(y), f"column {name} differs"


def test_the_plan_cuts_the_entries_into_parts(config):
    p = synthdata.plan(config)
    assert (p.entries, p.part_entries, p.parts) == (ENTRIES, PART_ENTRIES, 3)
    assert p.range(2) == range(20_000, 30_000)
    assert "journal_lines" in p.streaming_tables and "vendors" not in p.streaming_tables
    with pytest.raises(IndexError):
        p.range(3)


def test_every_table_streams_with_the_rows_the_cli_writes(config, cli_run):
    m = manifest(cli_run)
    cli_rows = {t["table"]: t["rows"] for t in m["tables"]}
    p = synthdata.plan(config)
    rows = {t: 0 for t in p.tables}
    for part in range(p.parts):
        for name, stream in synthdata.generate(config, part=part).items():
            rows[name] += pa.table(stream).num_rows
    assert rows == cli_rows


@pytest.mark.parametrize("table", ["journal_entries", "journal_lines", "documents", "anomalies"])
def test_a_part_equals_the_clis_part(config, cli_run, table):
    for part in (0, 2):
        mine = pa.table(synthdata.generate(config, table, part, binary_ids=True)[table])
        same_rows(cli_part(cli_run, table, part), mine)


def test_master_tables_come_whole_with_part_zero(config, cli_run):
    vendors = pa.table(synthdata.generate(config, "vendors", 0, binary_ids=True)["vendors"])
    same_rows(cli_part(cli_run, "vendors", 0), vendors)
    assert pa.table(synthdata.generate(config, "vendors", 1)["vendors"]).num_rows == 0


def test_any_batch_size_gives_the_same_rows(config):
    a = pa.table(synthdata.generate(config, "journal_lines", 1, batch_entries=7)["journal_lines"])
    b = pa.table(synthdata.generate(config, "journal_lines", 1)["journal_lines"])
    assert a.equals(b)


def test_engines_take_the_stream_without_pyarrow_glue(config):
    lines = synthdata.generate(config, "journal_lines", 1)["journal_lines"]
    [(debit, credit, n)] = duckdb.sql(
        "select sum(debit), sum(credit), count(*) from lines"
    ).fetchall()
    assert debit == credit and n > PART_ENTRIES
    entries = pl.DataFrame(synthdata.generate(config, "journal_entries", 1)["journal_entries"])
    assert entries.height == PART_ENTRIES
    assert entries["entry_id"].dtype == pl.String
    n = 0
    for batch in synthdata.generate(config, "documents", 2)["documents"]:
        n += pa.record_batch(batch).num_rows
    assert n > 0
    pandas = synthdata.read(config, "vendors").to_pandas()
    assert len(pandas) > 0


def test_a_stream_is_read_once(config):
    s = synthdata.generate(config, "anomalies")["anomalies"]
    pa.table(s)
    with pytest.raises(ValueError, match="read already"):
        pa.table(s)


def test_config_errors_name_every_field():
    with pytest.raises(synthdata.ConfigError) as e:
        synthdata.Config(entries=-1, seed="x", format="xml", anomaly_rate=2)
    text = str(e.value)
    for key in ("transactions.target_count", "global.seed", "output.format", "anomalies.rate"):
        assert key in text, text
    assert "line" not in text, "no lines of a text the caller never saw"
    with pytest.raises(synthdata.ConfigError, match="colour: not a setting"):
        synthdata.Config(colour=True)
    with pytest.raises(synthdata.ConfigError, match="no table"):
        synthdata.generate(synthdata.Config(entries=100), "ledger")
    with pytest.raises(synthdata.ConfigError, match="not written by this config"):
        synthdata.generate(synthdata.Config(entries=100, documents=False), "documents")
    with pytest.raises(ValueError, match="part 5 does not exist"):
        synthdata.generate(synthdata.Config(entries=100), "journal_lines", 5)


def test_a_config_file_reads_as_the_cli_reads_it(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("global:\n  seed: seven\noutput:\n  format: xml\n")
    with pytest.raises(synthdata.ConfigError) as e:
        synthdata.Config(path)
    assert str(path) in str(e.value) and "line 2" in str(e.value)
    done = subprocess.run(
        [synthdata_command(), "validate", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    for line in done.stderr.strip().splitlines():
        assert line.removeprefix("error: ") in str(e.value)


def test_a_config_that_cannot_run_here_still_prints_and_says_why_on_use():
    huge = synthdata.Config(entries="1T", part_entries="1B", memory_limit="1GiB")
    assert "cannot run here" in repr(huge)
    with pytest.raises(synthdata.MemoryLimitError, match="planning the labelled anomalies"):
        synthdata.plan(huge)


def test_a_config_pickles_as_its_text(config):
    again = pickle.loads(pickle.dumps(config))
    assert again == config and again.yaml == config.yaml
    assert synthdata.Config.from_dict({"transactions": {"target_count": "2.5k"}}) == \
        synthdata.Config(entries=2500)


def test_a_part_that_cannot_fit_the_limit_raises_with_the_numbers():
    config = synthdata.Config(entries=2_000_000, memory_limit="64MiB")
    with pytest.raises(synthdata.MemoryLimitError) as e:
        synthdata.generate(config, "journal_lines")
    text = str(e.value)
    assert "64.0 MiB" in text and "MiB in Arrow" in text and "output.part_entries" in text
    # Smaller parts fit.
    small = config.with_settings(part_entries=20_000)
    assert synthdata.generate(small, "journal_lines")["journal_lines"].estimated_bytes < 64 << 20


def test_write_equals_the_cli(config, cli_run, tmp_path):
    summary = synthdata.write(config.with_settings(format="parquet"), tmp_path / "py")
    assert summary["entries_written"] == ENTRIES and summary["parts"] == 3
    theirs = manifest(cli_run)
    mine = manifest(tmp_path / "py")
    digest = lambda m: sorted((f["path"], f["xxh3"]) for t in m["tables"] for f in t["files"])
    assert digest(mine) == digest(theirs)
    with pytest.raises(synthdata.RunError, match="not empty"):
        synthdata.write(config, tmp_path / "py")


def run_python(code: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ctrl_c_stops_a_long_stream_between_batches():
    # The child reads parts until a signal stops it: it cannot end on its own.
    child = run_python(
        """
        import pyarrow as pa, synthdata
        config = synthdata.Config(entries="1B")
        k = 0
        while True:
            for i, b in enumerate(synthdata.generate(config, "journal_lines", k)["journal_lines"]):
                if k == 0 and i == 0:
                    print("started", flush=True)
            k += 1
        """
    )
    assert child.stdout.readline().strip() == "started"
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0 and "KeyboardInterrupt" in err, err


def test_ctrl_c_stops_streams_read_whole_by_pyarrow():
    # A signal that lands while pyarrow reads in C stops the stream there ("interrupted");
    # one that lands between two reads is Python's KeyboardInterrupt.
    child = run_python(
        """
        import pyarrow as pa, synthdata
        config = synthdata.Config(entries="1B")
        print("started", flush=True)
        k = 0
        while True:
            pa.table(synthdata.generate(config, "journal_lines", k)["journal_lines"])
            k += 1
        """
    )
    assert child.stdout.readline().strip() == "started"
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0, err
    assert "KeyboardInterrupt" in err or "interrupted" in err, err


def test_ctrl_c_stops_write_cleanly(tmp_path):
    out = tmp_path / "run"
    child = run_python(
        f"""
        import synthdata
        try:
            synthdata.write(synthdata.Config(entries="1B", part_entries=50_000,
                            settings={{"output.space_check": False}}), {str(out)!r})
        except synthdata.Interrupted as e:
            print("Interrupted:", e, flush=True)
            raise SystemExit(130)
        """
    )
    until = time.monotonic() + 120
    while not (out / "manifest.json").exists():
        assert time.monotonic() < until, "the run never wrote its manifest"
        assert child.poll() is None, child.stderr.read()
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    stdout, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Interrupted: interrupted after" in stdout
    m = manifest(out)
    assert m["complete"] is False and m["stop_reason"] == "interrupted"


def test_the_wheel_installs_the_command(tmp_path):
    cmd = synthdata_command()
    done = subprocess.run([cmd, "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "synthdata" in done.stdout
    done = subprocess.run(
        [cmd, "generate", "-n", "2000", "--out", str(tmp_path / "o"), "--json", "--no-config"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["entries_written"] == 2000
    done = subprocess.run([cmd, "generate", "--entries", "ten"], capture_output=True, text=True)
    assert done.returncode == 2 and "--entries" in done.stderr
    assert os.access(cmd, os.X_OK)
