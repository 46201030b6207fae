"""Loads a synthdata dataset in every format with pandas, Polars and DuckDB, as the
snippets in docs/src/output/formats.md do, and checks what the readers see.

Usage: python3 check_readers.py DIR   (DIR holds csv/, jsonl/ and parquet/ runs of one config,
and optionally parquet-snappy/ and parquet-none/: the same run with other compression)
"""
import json
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

base = Path(sys.argv[1])
manifests = {f: json.loads((base / f / "manifest.json").read_text()) for f in ("csv", "jsonl", "parquet")}
rows = {t["table"]: t["rows"] for t in manifests["csv"]["tables"]}
for fmt, m in manifests.items():
    assert m["complete"], fmt
    assert {t["table"]: t["rows"] for t in m["tables"]} == rows, fmt

out = base / "csv"
# pandas (the snippet)
lines = pd.read_csv(out / "journal_lines.csv", dtype={"partner_id": "string"})
entries = pd.read_json(base / "jsonl" / "journal_entries.jsonl", lines=True)
docs = pd.read_parquet(base / "parquet" / "documents.parquet")
assert len(lines) == rows["journal_lines"] and len(entries) == rows["journal_entries"] and len(docs) == rows["documents"]
sums = lines.groupby("entry_id")[["debit", "credit"]].sum()
assert ((sums["debit"] - sums["credit"]).abs() < 1e-6).all(), "every entry balances"
assert list(lines.columns) == ["entry_id", "line_number", "account", "debit", "credit", "tax_code", "cost_center", "partner_id", "line_text"]
assert lines["debit"].dtype == "float64" and entries["fiscal_year"].dtype == "int64"
assert isinstance(docs["amount"].iloc[0], Decimal), type(docs["amount"].iloc[0])
assert docs["document_date"].iloc[0].__class__.__name__ in ("date", "Timestamp"), type(docs["document_date"].iloc[0])
pq_lines = pd.read_parquet(base / "parquet" / "journal_lines.parquet")
assert (pq_lines["debit"].apply(lambda d: int(d * 100)) == (lines["debit"] * 100).round().astype("int64")).all()

# Polars (the snippet)
pl_lines = pl.read_csv(out / "journal_lines.csv")
pl_entries = pl.read_ndjson(base / "jsonl" / "journal_entries.jsonl", infer_schema_length=None)
pl_docs = pl.read_parquet(base / "parquet" / "documents.parquet")
assert pl_lines.height == rows["journal_lines"] and pl_entries.height == rows["journal_entries"]
assert pl_docs.height == rows["documents"]
assert pl_docs.schema["amount"] == pl.Decimal(18, 2), pl_docs.schema["amount"]
assert pl_docs.schema["document_date"] == pl.Date, pl_docs.schema["document_date"]

# DuckDB (the snippets)
con = duckdb.connect()
by_type = con.sql(f"""
    SELECT e.document_type, count(*) AS entries, sum(l.debit) AS debit
    FROM '{out}/journal_entries.csv' e JOIN '{out}/journal_lines.csv' l USING (entry_id)
    GROUP BY 1 ORDER BY 2 DESC""").fetchall()
assert {r[0] for r in by_type} >= {"KR", "KZ", "DR", "DZ"}, by_type
types = {r[0]: r[1] for r in con.sql(f"DESCRIBE SELECT * FROM read_parquet('{base}/parquet/journal_lines.parquet')").fetchall()}
assert types["entry_id"] == "UUID" and types["debit"] == "DECIMAL(18,2)", types
etypes = {r[0]: r[1] for r in con.sql(f"DESCRIBE SELECT * FROM read_parquet('{base}/parquet/journal_entries.parquet')").fetchall()}
assert etypes["created_at"] == "TIMESTAMP", etypes
for fmt, reader in (("csv", "read_csv"), ("jsonl", "read_json_auto")):
    ctypes = {r[0]: r[1] for r in con.sql(f"DESCRIBE SELECT * FROM {reader}('{base}/{fmt}/journal_entries.{fmt}')").fetchall()}
    assert ctypes["created_at"] == "TIMESTAMP", (fmt, ctypes)
same = con.execute(f"""SELECT count(*) FROM read_csv('{out}/journal_entries.csv') c
    JOIN read_parquet('{base}/parquet/journal_entries.parquet') p USING (entry_id)
    WHERE c.created_at = p.created_at""").fetchall()[0][0]
assert same == rows["journal_entries"], same
assert con.execute(f"SELECT count(*) FROM read_json_auto('{base}/jsonl/journal_entries.jsonl')").fetchall()[0][0] == rows["journal_entries"]
jtypes = {r[0]: r[1] for r in con.sql(f"DESCRIBE SELECT * FROM read_json_auto('{base}/jsonl/journal_lines.jsonl')").fetchall()}
assert jtypes["debit"] == "DOUBLE" and jtypes["entry_id"] == "UUID", jtypes
csv_total = con.execute(f"SELECT sum(debit) FROM '{out}/journal_lines.csv'").fetchall()[0][0]
pq_total = con.execute(f"SELECT sum(debit) FROM read_parquet('{base}/parquet/journal_lines.parquet')").fetchall()[0][0]
assert abs(float(csv_total) - float(pq_total)) < 0.005, (csv_total, pq_total)
# Other Parquet codecs: the same rows, table by table.
for codec in ("snappy", "none"):
    other = base / f"parquet-{codec}"
    if other.exists():
        for table in rows:
            want = pd.read_parquet(base / "parquet" / f"{table}.parquet")
            got = pd.read_parquet(other / f"{table}.parquet")
            assert want.equals(got), (codec, table)
            assert pl.read_parquet(other / f"{table}.parquet").height == rows[table], (codec, table)
# Compressed text (csv-zstd/, jsonl-gzip/, ...): each reader opens the file as it is.
for fmt, ext in (("csv", "csv"), ("jsonl", "jsonl")):
    for codec, suffix in (("zstd", ".zst"), ("gzip", ".gz")):
        d = base / f"{fmt}-{codec}"
        if not d.exists():
            continue
        m = json.loads((d / "manifest.json").read_text())
        assert m["complete"] and {t["table"]: t["rows"] for t in m["tables"]} == rows, (fmt, codec)
        path = d / f"journal_lines.{ext}{suffix}"
        assert path.exists(), path
        if fmt == "csv":
            got = pd.read_csv(path, dtype={"partner_id": "string"})
            assert got.equals(lines), (fmt, codec, "pandas")
            assert pl.read_csv(path).height == rows["journal_lines"], (fmt, codec, "polars")
            n = con.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchall()[0][0]
        else:
            assert len(pd.read_json(path, lines=True)) == rows["journal_lines"], (fmt, codec, "pandas")
            n = con.execute(f"SELECT count(*) FROM read_json_auto('{path}')").fetchall()[0][0]
        assert n == rows["journal_lines"], (fmt, codec, "duckdb", n)
        total = con.execute(f"SELECT sum(debit) FROM '{path}'").fetchall()[0][0]
        assert abs(float(total) - float(csv_total)) < 0.005, (fmt, codec, total)
print(f"readers OK: pandas {pd.__version__}, polars {pl.__version__}, duckdb {duckdb.__version__}; "
      f"{rows['journal_entries']} entries, {rows['journal_lines']} lines in each format")
