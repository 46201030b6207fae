"""A baseline detector for the labelled anomalies, on honest features only: what a model
reaches without the giveaways (texts, users, row order). Writes predictions that
`synthdata score` reads.

    python docs/snippets/baseline_detector.py OUTPUT_DIR PREDICTIONS.csv
        [--model gbm|isolation] [--split YYYY-MM-DD]

Features per entry: the amount (log), line count, manual or automated, document type,
business process, hour and weekday entered, days between posting and entry, approved,
approved by its own user, amount over the approver's limit, whole units, round thousands,
a document, a reversal, the day of the month, and the accounts' pattern (petty cash or
bank debited while an expense is credited; payables debited; inventory or GR/IR).
`gbm` (default): a gradient-boosted classifier trained on the labels of the entries
posted before --split (default: 1 July of the first year) and scored on those after:
a temporal split (score it with `synthdata score DIR PREDICTIONS.csv --scored-only`).
`isolation`: an IsolationForest, unsupervised, on every entry. Rows are ordered by
entry id, so that a run gives the same scores each time (the models' random draws are
seeded).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest


def relation(out: Path, table: str) -> str:
    single = [p for p in out.glob(f"{table}.*") if p.suffix != ".partial"]
    files = [str(p) for p in single] or sorted(str(p) for p in (out / table).glob("part-*"))
    if not files:
        sys.exit(f"no {table} in {out}")
    if files[0].endswith(".parquet"):
        return f"read_parquet({files!r})"
    return f"read_csv({files!r}, header=true)"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("predictions", type=Path)
    ap.add_argument("--model", choices=["gbm", "isolation"], default="gbm")
    ap.add_argument("--split", default=None)
    args = ap.parse_args()
    con = duckdb.connect()
    e, l, u = (relation(args.out, t) for t in ("journal_entries", "journal_lines", "users"))
    frame = con.sql(f"""
        with lines as (
            select entry_id, sum(cast(debit as double)) as amount,
                   bool_or(account in (100000, 110000) and debit > 0) as cash_debit,
                   bool_or(account between 500000 and 699999 and credit > 0) as expense_credit,
                   bool_or(account = 200000 and debit > 0) as payables_debit,
                   bool_or(account in (130000, 205000)) as goods
            from {l} group by 1)
        select cast(e.entry_id as varchar) as entry_id, e.posting_date, e.is_anomaly,
               ln(1 + l.amount) as log_amount, e.line_count,
               (e.source = 'manual')::int as manual,
               hash(e.document_type) % 1000 as document_type,
               hash(e.business_process) % 1000 as process,
               hour(cast(e.created_at as timestamp)) as hour,
               dayofweek(e.posting_date) as weekday,
               date_diff('day', e.posting_date, cast(cast(e.created_at as timestamp) as date)) as lag_days,
               (e.approved_by is not null)::int as approved,
               coalesce((e.approved_by = e.user_id)::int, 0) as own_approval,
               coalesce(l.amount / nullif(cast(a.approval_limit as double), 0), 0) as over_limit,
               (round(l.amount * 100) % 100 = 0)::int as whole,
               (round(l.amount * 100) % 100000 = 0)::int as thousands,
               (e.document_id is not null)::int as has_document,
               (e.reversal_of is not null)::int as is_reversal,
               day(e.posting_date) as day_of_month,
               l.cash_debit::int as cash_debit, l.expense_credit::int as expense_credit,
               (l.cash_debit and l.expense_credit)::int as cash_against_expense,
               l.payables_debit::int as payables_debit, l.goods::int as goods
        from {e} e join lines l using (entry_id) left join {u} a on a.user_id = e.approved_by
        order by e.entry_id
    """).df()
    features = [c for c in frame.columns if c not in ("entry_id", "posting_date", "is_anomaly")]
    x = frame[features].fillna(0).to_numpy(dtype=float)
    y = frame["is_anomaly"].astype(bool).to_numpy()
    if args.model == "isolation":
        model = IsolationForest(n_estimators=200, random_state=0).fit(x)
        keep = np.ones(len(frame), dtype=bool)
        score = -model.score_samples(x)
    else:
        dates = frame["posting_date"].astype("datetime64[ns]")
        split = np.datetime64(args.split or f"{dates.min().year}-07-01")
        train = (dates < split).to_numpy()
        keep = ~train
        if y[train].sum() == 0:
            sys.exit("no labelled entry before the split: nothing to learn from")
        model = HistGradientBoostingClassifier(max_iter=200, random_state=0).fit(x[train], y[train])
        # Log-odds, not probabilities: those saturate at 1.0 and tie the best.
        score = model.decision_function(x)
    out = frame.loc[keep, ["entry_id"]].assign(score=score[keep])
    out.to_csv(args.predictions, index=False)
    print(f"{args.model}: {len(out)} entries scored, {int(y[keep].sum())} of them labelled, to {args.predictions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
