"""Do the labels give themselves away? For each anomaly type and each group of
should-be-useless features, how well does that group alone tell the type's entries from
the clean entries of their kind: ROC AUC of a cross-fitted target encoding (two folds by
entry id; a value's score is its smoothed anomaly share in the other fold), 0.5 = no
information.

    python docs/snippets/check_leakage.py OUTPUT_DIR [--fail-at 0.75] [--groups a,b]
        [--skip TYPE,TYPE:GROUP]

"Of their kind": the same source, document type and business process; within those,
the clean entries are weighted so that their strata (the kind itself, so that a type
with entries of two kinds meets each kind's clean entries; goods or not: a line on
inventory or goods received not invoiced; whether it touches the profit and loss, which
tells a payroll run from the payroll's payments and an invoice from a payment; the
amount's order of magnitude; and the lowest approval limit that covers the amount:
25 000, 100 000, 1 000 000, 10 000 000 or above) are spread as the
type's entries are. So a group is scored on what it tells beyond the honest features
(the amount, the accounts, the document type): a large entry needs a senior approver,
and is more often rounded, whether or not it is an anomaly. Prints the table; exits 1
when a checked group reaches --fail-at for any type (but the skipped types and
type:group pairs, each of which the caller must justify). Groups:
header (header text), lines (the entry's line texts), user (who entered it), approver,
cents (whether the amount is whole currency units, or whole hundreds), hour (the hour it
was entered), nulls (which of document, reversal and approver are empty), position (its
place in the file, in twentieths), neighbours (whether the rows before and after it in
the file were entered by the same user).
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
    "hour": "substr(created_at, 12, 2)",
    "nulls": "(document_id is null)::int || (reversal_of is null)::int || (approved_by is null)::int",
    "position": "cast(floor(20.0 * (rn - 1) / total_rows) as int)",
    "neighbours": "coalesce(prev_user = user_id, false)::int || coalesce(next_user = user_id, false)::int",
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


def auc(score: pd.Series, label: pd.Series, weight: pd.Series) -> float:
    """Weighted ROC AUC: the chance that a labelled entry scores above a clean one (ties
    count half), clean entries counted by their weight."""
    df = pd.DataFrame({"s": score.values, "p": label.values.astype(float) * weight.values,
                       "n": (~label.values).astype(float) * weight.values})
    g = df.groupby("s")[["p", "n"]].sum().sort_index()
    total_p, total_n = g["p"].sum(), g["n"].sum()
    if total_p == 0 or total_n == 0:
        return float("nan")
    below = g["n"].cumsum() - g["n"]
    return float((g["p"] * (below + 0.5 * g["n"])).sum() / (total_p * total_n))


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
        with e as (select *, row_number() over () as rn from {entries}),
        l as (
            select entry_id,
                   string_agg(distinct line_text, '|' order by line_text) as line_texts,
                   sum(cast(debit as decimal(18,2))) as debit,
                   bool_or(account in ('130000', '205000')) as goods,
                   bool_or(cast(account as integer) between 400000 and 899999) as pnl
            from {lines} group by entry_id
        )
        select e.entry_id, e.source, e.document_type, e.business_process, e.header_text, e.user_id, e.approved_by,
               e.created_at, e.document_id, e.reversal_of, e.rn, count(*) over () as total_rows,
               lag(e.user_id) over (order by e.rn) as prev_user, lead(e.user_id) over (order by e.rn) as next_user,
               coalesce(e.anomaly_type, '') as anomaly_type,
               l.line_texts, cast(round(l.debit * 100) as bigint) as amount,
               e.source || '/' || e.document_type || '/' || e.business_process || '/'
                   || (case when l.goods then 'g' else 's' end) || (case when l.pnl then 'p' else 'b' end)
                   || cast(floor(log10(greatest(l.debit, 0.01))) as int)
                   || '/' || (case when l.debit <= 25000 then 0 when l.debit <= 100000 then 1
                                   when l.debit <= 1000000 then 2 when l.debit <= 10000000 then 3
                                   else 4 end) as stratum,
               hash(e.entry_id) % 2 as fold
        from e join l using (entry_id)
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
        # Clean entries weighted so that their strata are spread as the type's are.
        per = pd.crosstab(sub["stratum"], label)
        share_pos = per.get(True, 0) / max(label.sum(), 1)
        share_neg = per.get(False, 0) / max((~label).sum(), 1)
        w = (share_pos / share_neg.where(share_neg > 0)).fillna(0.0)
        weight = pd.Series(1.0, index=sub.index).where(label, sub["stratum"].map(w).astype(float))
        row = {"type": t, "entries": int(label.sum()), "clean of kind": int((~label).sum()),
               "matched": int(((~label) & (weight > 0)).sum())}
        for g in GROUPS:
            key = sub["stratum"] + "/" + sub[g].astype(str)
            row[g] = auc(cross_fitted(key, label, sub["fold"]), label, weight)
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
