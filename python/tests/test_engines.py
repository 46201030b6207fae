"""Inside the engines: Spark's data source in local[2] mode (Java from the system) and
Dask on a real LocalCluster of 2 worker processes; the same rows as the CLI's files and
the Python stream, table by table."""

from __future__ import annotations

import hashlib
import os
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import synthdata
from conftest import ENTRIES, manifest

TABLES = ["journal_lines", "journal_entries", "vendors"]


def fingerprint(rows: int, debit, credit, keys) -> tuple:
    """Row count, the sums of debits and credits, and a hash of the sorted keys."""
    h = hashlib.sha256()
    for k in sorted(keys):
        h.update(repr(k).encode())
    return rows, Decimal(debit or 0), Decimal(credit or 0), h.hexdigest()


def key_columns(table: str):
    return {
        "journal_lines": ["entry_id", "line_number"],
        "journal_entries": ["entry_id"],
        "vendors": ["vendor_id"],
    }[table]


def arrow_fingerprint(t: pa.Table, table: str) -> tuple:
    cols = key_columns(table)
    keys = zip(*(t.column(c).to_pylist() for c in cols))
    debit = sum(t.column("debit").to_pylist()) if "debit" in t.column_names else 0
    credit = sum(t.column("credit").to_pylist()) if "credit" in t.column_names else 0
    return fingerprint(t.num_rows, debit, credit, keys)


def cli_table(run: Path, table: str) -> pa.Table:
    m = manifest(run)
    t = next(t for t in m["tables"] if t["table"] == table)
    whole = pa.concat_tables(pq.read_table(run / f["path"]) for f in t["files"])
    # The files store ids as 16 bytes; the streams give them as UUID text.
    cols = []
    for name in whole.column_names:
        c = whole.column(name)
        if pa.types.is_fixed_size_binary(c.type):
            import uuid

            c = pa.array([None if v is None else str(uuid.UUID(bytes=v)) for v in c.to_pylist()])
        cols.append(c)
    return pa.table(cols, names=whole.column_names)


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    import synthdata.spark

    session = (
        SparkSession.builder.master("local[2]")
        .appName("synthdata-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    synthdata.spark.register(session)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dask_client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def spark_reader(spark, config: synthdata.Config, table: str):
    return (
        spark.read.format("synthdata")
        .option("table", table)
        .option("yaml", config.yaml)
        .load()
    )


def test_spark_gives_one_partition_per_part(spark, config):
    df = spark_reader(spark, config, "journal_lines")
    assert df.rdd.getNumPartitions() == synthdata.plan(config).parts == 3
    assert dict(df.dtypes)["debit"] == "decimal(18,2)"
    assert dict(df.dtypes)["entry_id"] == "string"
    short = (
        spark.read.format("synthdata")
        .option("table", "journal_entries")
        .option("entries", "2.5k")
        .option("part_entries", 1000)
        .option("anomalies.rate", 0.01)
        .load()
    )
    assert short.count() == 2500 and short.rdd.getNumPartitions() == 3


def test_spark_dask_python_and_the_cli_hold_the_same_rows(spark, dask_client, config, cli_run):
    import synthdata.dask

    for table in TABLES:
        cli = arrow_fingerprint(cli_table(cli_run, table), table)
        python = arrow_fingerprint(synthdata.read(config, table), table)
        sdf = spark_reader(spark, config, table)
        cols = key_columns(table)
        rows = sdf.select(*cols, *[c for c in ("debit", "credit") if c in sdf.columns]).collect()
        spark_fp = fingerprint(
            len(rows),
            sum(r["debit"] for r in rows) if "debit" in sdf.columns else 0,
            sum(r["credit"] for r in rows) if "credit" in sdf.columns else 0,
            [tuple(r[c] for c in cols) for r in rows],
        )
        ddf = synthdata.dask.read(config, table)
        pdf = ddf.compute()
        dask_fp = fingerprint(
            len(pdf),
            sum(pdf["debit"].tolist()) if "debit" in pdf else 0,
            sum(pdf["credit"].tolist()) if "credit" in pdf else 0,
            [tuple(int(x) if isinstance(x, int) else x for x in k) for k in pdf[cols].itertuples(index=False)],
        )
        assert python == cli, table
        assert spark_fp == cli, table
        assert dask_fp == cli, table
    assert cli[0] > 0


def test_spark_writes_parquet_with_the_clis_rows(spark, config, cli_run, tmp_path):
    out = tmp_path / "spark-lines"
    spark_reader(spark, config, "journal_lines").write.parquet(str(out))
    mine = pq.read_table(out)
    assert arrow_fingerprint(mine, "journal_lines") == arrow_fingerprint(
        cli_table(cli_run, "journal_lines"), "journal_lines"
    )


def test_dask_has_a_partition_per_part_and_runs_on_the_workers(dask_client, config):
    import synthdata.dask

    lines = synthdata.dask.read(config, "journal_lines")
    assert lines.npartitions == 3
    by_account = lines.groupby("account")[["debit", "credit"]].sum().compute()
    assert by_account["debit"].sum() == by_account["credit"].sum()
    assert len(dask_client.scheduler_info()["workers"]) == 2
    vendors = synthdata.dask.read(config, "vendors")
    assert vendors.npartitions == 1
    with pytest.raises(synthdata.ConfigError, match="no table"):
        synthdata.dask.read(config, "ledger")


def test_entries_count_matches_everywhere(spark, config):
    assert spark_reader(spark, config, "journal_entries").count() == ENTRIES
