"""Do the labels give themselves away? For each anomaly type and each group of
should-be-useless features, how well does that group alone tell the type's entries from
the clean entries of their kind (the same source and document type): ROC AUC of a
cross-fitted target encoding (two folds by entry id; a value's score is its smoothed
anomaly share in the other fold), 0.5 = no information.

    python docs/snippets/check_leakage.py OUTPUT_DIR [--fail-at 0.75] [--groups a,b]
        [--skip TYPE,TYPE:GROUP]

"Of their kind": the same source, document type and business process. Prints the
table; exits 1 when a checked group reaches --fail-at for any type (but the skipped
types and type:group pairs, each of which the caller must justify). Groups:
header (header text), lines (the entry's line texts), user (who entered it), approver,
cents (whether the amount is whole currency units, or whole hundreds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pandas as pd

GROUPS = {
    "header": "header_text",
    "lines": "line_texts",
    "user": "user_id",
    "approver": "coalesce(approved_by, '-')",
    "cents": "case when amount % 10000 = 0 then 'hundreds' when amount % 100 = 0 then 'whole' else 'cents' end",
}


def files(out: Path, table: str) -> list[str]:
    single = [p for p in out.glob(f"{table}.*") if p.suffix != ".partial"]
    return [str(p) for p in single] or sorted(str(p) for p in (out / table).glob("part-*"))


def relation(out: Path, table: str) -> str:
    f = files(out, table)
    if not f:
        sys.exit(f"no {table} in {out}")
    if f[0].endswith(".parquet"):
        return f"read_parquet({f!r})"
    return f"read_csv({f!r}, header=true, all_varchar=true)"


def auc(score: pd.Series, label: pd.Series) -> float:
    ranks = score.rank(method="average")
    n_pos = int(label.sum())
    n_neg = len(label) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[label].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def cross_fitted(values: pd.Series, label: pd.Series, fold: pd.Series, m: float = 20.0) -> pd.Series:
    prior = label.mean()
    out = pd.Series(0.0, index=values.index)
    for f in (0, 1):
        train = fold != f
        stats = pd.DataFrame({"v": values[train], "y": label[train]}).groupby("v")["y"].agg(["sum", "count"])
        enc = (stats["sum"] + prior * m) / (stats["count"] + m)
        test = fold == f
        out[test] = values[test].map(enc).fillna(prior).astype(float)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--fail-at", type=float, default=0.75)
    ap.add_argument("--groups", default=",".join(GROUPS))
    ap.add_argument("--skip", default="")
    args = ap.parse_args()
    checked = [g for g in args.groups.split(",") if g]
    skip = {s for s in args.skip.split(",") if s}
    con = duckdb.connect()
    entries = relation(args.out, "journal_entries")
    lines = relation(args.out, "journal_lines")
    frame = con.sql(
        f"""
        with l as (
            select entry_id,
                   string_agg(distinct line_text, '|' order by line_text) as line_texts,
                   sum(cast(debit as decimal(18,2))) as debit
            from {lines} group by entry_id
        )
        select e.entry_id, e.source, e.document_type, e.business_process, e.header_text, e.user_id, e.approved_by,
               coalesce(e.anomaly_type, '') as anomaly_type,
               l.line_texts, cast(round(l.debit * 100) as bigint) as amount,
               hash(e.entry_id) % 2 as fold
        from {entries} e join l using (entry_id)
        """
    ).df()
    for name, expr in GROUPS.items():
        frame[name] = con.sql(f"select {expr} as v from frame").df()["v"].values
    types = sorted(t for t in frame["anomaly_type"].unique() if t)
    if not types:
        print("no labelled entries: nothing to leak")
        return 0
    rows = []
    for t in types:
        pos = frame["anomaly_type"] == t
        kind = ["source", "document_type", "business_process"]
        kinds = set(frame.loc[pos, kind].itertuples(index=False, name=None))
        same_kind = pd.Series(list(frame[kind].itertuples(index=False, name=None))).isin(kinds).values
        sub = frame[(pos | ((frame["anomaly_type"] == "") & same_kind))]
        label = sub["anomaly_type"] == t
        row = {"type": t, "entries": int(label.sum()), "clean of kind": int((~label).sum())}
        for g in GROUPS:
            row[g] = auc(cross_fitted(sub[g].astype(str), label, sub["fold"]), label)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("type")
    print(table.to_string(float_format="{:.3f}".format))
    bad = [
        (t, g, table.loc[t, g])
        for t in table.index
        for g in checked
        if table.loc[t, g] >= args.fail_at and t not in skip and f"{t}:{g}" not in skip
    ]
    for t, g, a in bad:
        print(f"FAILED: {t}: {g} alone gives ROC AUC {a:.3f} (>= {args.fail_at})")
    if not bad:
        print(f"ok: no checked group ({', '.join(checked)}) reaches ROC AUC {args.fail_at} for any type")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
