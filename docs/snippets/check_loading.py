"""Runs every code block of docs/src/output/loading.md on real runs, so the page cannot
drift from the files: a run of one part and a run of several parts, each as CSV
(`output`) and Parquet (`output-parquet`).

    check_loading.py SYNTHDATA_BINARY [--postgres] [--spark]

`sql` blocks run in DuckDB, `python` blocks in one namespace per run (in page order),
with `--spark` the `pyspark` blocks too (pyspark and Java needed), and with
`--postgres` the `sh` blocks run against the PostgreSQL server that the PG*
environment variables name (the database `synth` is dropped before each run). Exits 1
on the first failure, naming the block; fails as well when the page has no block of a
kind it should have.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs/src/output/loading.md"


def blocks(text):
    """(language, code, line) of each fenced block."""
    found = []
    for m in re.finditer(r"^```(\w+)\n(.*?)^```", text, re.S | re.M):
        found.append((m.group(1), m.group(2), text[: m.start()].count("\n") + 1))
    return found


def generate(binary, out, args):
    cmd = [binary, "generate", "--quiet", "--out", out, *args]
    subprocess.run(cmd, check=True)


def main():
    binary = str(Path(sys.argv[1]).resolve())
    postgres = "--postgres" in sys.argv
    spark = "--spark" in sys.argv
    page = blocks(PAGE.read_text())
    kinds = {lang for lang, _, _ in page}
    for needed in ["sql", "python"] + (["sh"] if postgres else []) + (["pyspark"] if spark else []):
        if needed not in kinds:
            sys.exit(f"FAIL: {PAGE} has no {needed} block")
    layouts = {
        "one part": ["--entries", "20000"],
        "several parts": ["--entries", "30000", "--part-entries", "10000"],
    }
    env = dict(os.environ, PATH=f"{Path(binary).parent}:{os.environ.get('PATH', '')}")
    for name, args in layouts.items():
        with tempfile.TemporaryDirectory() as tmp:
            generate(binary, f"{tmp}/output", args)
            generate(binary, f"{tmp}/output-parquet", [*args, "--format", "parquet"])
            Path(tmp, "spark.yaml").write_text("output:\n  parquet_uuid: false\n")
            generate(binary, f"{tmp}/output-spark",
                     [*args, "--format", "parquet", "--config", f"{tmp}/spark.yaml"])
            parts = len(list(Path(tmp, "output").glob("journal_lines/part-*.csv")))
            if (parts > 1) != (name == "several parts"):
                sys.exit(f"FAIL: the {name} run has {parts} part files of journal_lines")
            os.symlink(ROOT / "docs", Path(tmp, "docs"))
            cwd = os.getcwd()
            os.chdir(tmp)
            namespace = {}
            try:
                for lang, code, line in page:
                    where = f"{PAGE.name}:{line} ({lang}, {name})"
                    try:
                        if lang == "sql":
                            rows = duckdb.connect().execute(code).fetchall()
                            if not rows:
                                raise AssertionError("the last statement returned no rows")
                        elif lang == "python" or (lang == "pyspark" and spark):
                            exec(compile(code, where, "exec"), namespace)
                        elif lang == "sh" and postgres:
                            subprocess.run(["dropdb", "--if-exists", "synth"], check=True, env=env)
                            subprocess.run(["bash", "-euo", "pipefail", "-c", code], check=True, env=env)
                    except Exception as e:  # noqa: BLE001 - the block's own failure, named
                        sys.exit(f"FAIL: {where}: {type(e).__name__}: {e}")
                    ran = lang in ("sql", "python") or (lang == "sh" and postgres) or (
                        lang == "pyspark" and spark)
                    print(f"{'ok' if ran else 'not run here (--postgres, --spark)'}: {where}")
            finally:
                os.chdir(cwd)
    print("every block of loading.md ran on one part and on several")


if __name__ == "__main__":
    main()
