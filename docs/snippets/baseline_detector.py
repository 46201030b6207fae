"""A baseline detector for the labelled anomalies, on honest features only: what a model
reaches without the giveaways (texts, users, row order). Writes predictions that
`synthdata score` reads.

    python docs/snippets/baseline_detector.py OUTPUT_DIR PREDICTIONS.csv
        [--model gbm|isolation] [--split YYYY-MM-DD | --test-company CODE]
        [--per-type TABLE.json]

Features per entry: the amount (log), line count, manual or automated, document type,
business process, hour and weekday entered, days between posting and entry, approved,
approved by its own user, amount over the approver's limit, whole units, round thousands,
a document, a reversal, the day of the month, and the accounts' pattern (petty cash or
bank debited while an expense is credited; payables debited; inventory or GR/IR), and
the document chain the entry's document sits in: payments of the same invoice and the
days since the first, an invoice's days before its delivery, its price over its order's,
how far above the winner the runner-up of its order's tender bid (1 without a tender),
whether it references an order or receipt, its vendor's age in days and orders, days from
invoice to payment, days since the vendor's bank account last changed; and the
document's date before the posting, the user's role, revenue debited or credited, a
fixed asset debited, accrued liabilities debited or credited (and whether an accrual
was ever reversed), receivables without a customer, an expense claim's amount over its
company's and category's 99th percentile, whether its receipt was claimed before, and
whether the same user posted the same entry (lines, text) before; how close the
document's vendor sits to an employee's home (the same street, the same street name, the
same postcode), and how many manual entries of the entry's approver its user approved
within a week (and the largest of them against its approver's limit).
`gbm` (default): a gradient-boosted classifier trained on the labels of the entries
posted before --split (default: 1 July of the first year) and scored on those after:
a temporal split (score it with `synthdata score DIR PREDICTIONS.csv --scored-only`).
`--test-company CODE` splits by company instead: trained on the others, scored on it.
`isolation`: an IsolationForest, unsupervised, on every entry. Rows are ordered by
entry id, so that a run gives the same scores each time (the models' random draws are
seeded). `--per-type TABLE.json`: also one model per type, trained on that type's
entries against the clean entries before the split and measured after it (ROC AUC and
precision at k = the type's test count), written as JSON: the measure of each type's
difficulty level.
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
    # Postcodes as text: a US ZIP code may start with a zero.
    types = ", types={'postcode': 'VARCHAR'}" if table in ("vendors", "customers", "employees") else ""
    return f"read_csv({files!r}, header=true{types})"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("predictions", type=Path)
    ap.add_argument("--model", choices=["gbm", "isolation"], default="gbm")
    ap.add_argument("--split", default=None)
    ap.add_argument("--test-company", default=None)
    ap.add_argument("--per-type", type=Path, default=None)
    args = ap.parse_args()
    con = duckdb.connect()
    e, l, u = (relation(args.out, t) for t in ("journal_entries", "journal_lines", "users"))
    d, i, v, b = (relation(args.out, t) for t in ("documents", "document_items", "vendors", "vendor_bank_changes"))
    c = relation(args.out, "expense_claims")
    emp, cu, m = (relation(args.out, t) for t in ("employees", "customers", "materials"))
    q = relation(args.out, "quotations")
    frame = con.sql(f"""
        with docs as (select * from {d}),
        pays as (
            select document_id, count(*) over (partition by reference_document_id) as payments_of_invoice,
                   date_diff('day', min(document_date) over (partition by reference_document_id), document_date)
                       as days_after_first_payment
            from docs where document_type = 'payment'),
        items as (
            select inv.document_id, gr.document_id as gr_id, inv.company_code,
                   cast(ii.unit_price as double) as inv_price, cast(pi.unit_price as double) as po_price,
                   cast(mt.standard_cost as double) as standard_cost,
                   date_diff('day', inv.document_date, po.document_date) as order_after_invoice_days,
                   po.document_id as po_id
            from docs inv join docs gr on gr.document_id = inv.reference_document_id and gr.document_type = 'goods_receipt'
            join docs po on po.document_id = gr.reference_document_id and po.document_type = 'purchase_order'
            join {i} ii on ii.document_id = inv.document_id
            join {i} pi on pi.document_id = po.document_id and pi.item_number = ii.item_number
            left join {m} mt on mt.material_id = pi.material_id
            where inv.document_type = 'vendor_invoice'),
        rate as (select company_code, median(po_price / nullif(standard_cost, 0)) as fx from items group by 1),
        tenders as (
            select purchase_order_id as po_id,
                   min(cast(amount as double)) filter (where not awarded)
                       / max(cast(amount as double)) filter (where awarded) - 1 as runner_up_above
            from {q} group by 1),
        prices as (
            select document_id, max(inv_price / nullif(po_price, 0)) as price_over_order,
                   max(po_price / nullif(standard_cost * fx, 0)) as order_over_standard,
                   max(order_after_invoice_days) as order_after_invoice_days,
                   max(coalesce(t.runner_up_above, 1)) as runner_up_above
            from items join rate using (company_code) left join tenders t using (po_id) group by 1
            union all
            select gr_id, 1, max(po_price / nullif(standard_cost * fx, 0)), 0, max(coalesce(t.runner_up_above, 1))
            from items join rate using (company_code) left join tenders t using (po_id) group by 1),
        orders as (select partner_id, count(*) as vendor_orders from docs where document_type = 'purchase_order' group by 1),
        homes as (
            select vd.vendor_id, em.company_code,
                   max(case when vd.street = em.street then 3
                            when regexp_replace(vd.street, '[0-9-]+', '', 'g')
                                 = regexp_replace(em.street, '[0-9-]+', '', 'g') then 2 else 1 end) as vendor_home_match
            from {v} vd join {emp} em on em.postcode = vd.postcode and em.city = vd.city
            group by 1, 2),
        chain as (
            select x.document_id, coalesce(p.payments_of_invoice, 0) as payments_of_invoice,
                   coalesce(p.days_after_first_payment, 0) as days_after_first_payment,
                   coalesce(date_diff('day', x.document_date, dl.document_date), 0) as days_before_delivery,
                   coalesce(pr.price_over_order, 1) as price_over_order,
                   coalesce(pr.order_over_standard, 1) as order_over_standard,
                   coalesce(pr.order_after_invoice_days, 0) as order_after_invoice_days,
                   coalesce(pr.runner_up_above, 1) as runner_up_above,
                   (x.bank_account in (select bank_account from {emp}))::int as paid_to_employee_account,
                   coalesce((vd.bank_account in (select bank_account from {emp}))::int, 0) as vendor_account_of_employee,
                   coalesce((select count(*) from {v} w where w.vat_id = vd.vat_id
                                                         and w.created_date < vd.created_date), 0) as older_vendors_same_tax_id,
                   case when x.document_type = 'receipt' and x.discount_amount > 0
                        then date_diff('day', ref.document_date, x.document_date) - coalesce(cust.cash_discount_days, 0)
                        else 0 end as discount_days_late,
                   (x.reference_document_id is not null)::int as has_reference,
                   coalesce(date_diff('day', vd.created_date, x.document_date), 9999) as vendor_age_days,
                   coalesce(o.vendor_orders, 0) as vendor_orders,
                   coalesce(date_diff('day', ref.document_date, x.document_date), 0) as days_from_reference,
                   coalesce((select min(date_diff('day', cast(c.changed_at as date), x.document_date)) from {b} c
                             where c.vendor_id = x.partner_id and cast(c.changed_at as date) <= x.document_date), 9999)
                       as days_since_bank_change,
                   coalesce(hm.vendor_home_match, 0) as vendor_home_match
            from docs x left join pays p using (document_id) left join prices pr using (document_id)
            left join homes hm on hm.vendor_id = x.partner_id and hm.company_code = x.company_code
            left join docs dl on dl.document_id = x.reference_document_id and dl.document_type = 'delivery'
                and x.document_type = 'customer_invoice'
            left join docs ref on ref.document_id = x.reference_document_id
            left join {v} vd on vd.vendor_id = x.partner_id
            left join {cu} cust on cust.customer_id = x.partner_id
            left join orders o on o.partner_id = x.partner_id),
        claims as (
            select cast(x.entry_id as varchar) as entry_id,
                   cast(x.amount as double) / nullif(quantile_cont(cast(x.amount as double), 0.99)
                       over (partition by x.company_code, x.category), 0) as claim_over_p99,
                   row_number() over (partition by x.employee_id, x.expense_date, x.amount, x.category
                                      order by x.submitted_date, x.entry_id) - 1 as receipt_claimed_before,
                   coalesce(date_diff('day', em.leave_date, x.expense_date), -9999) as days_after_leaving
            from {c} x left join {emp} em using (employee_id)),
        signature as (
            select entry_id, string_agg(account || ':' || coalesce(cost_center, '') || ':' || debit || ':' || credit,
                                        ' ' order by line_number) as lines
            from {l} where entry_id in (select entry_id from {e} where source = 'manual') group by 1),
        repeats as (
            select cast(s.entry_id as varchar) as entry_id,
                   row_number() over (partition by x.company_code, x.user_id, x.header_text, s.lines
                                      order by x.posting_date, x.created_at, x.entry_id) - 1 as same_entry_before
            from signature s join {e} x using (entry_id) where x.source = 'manual'),
        approvals as (
            select cast(x.entry_id as varchar) as entry_id, x.company_code, x.user_id, x.approved_by, x.posting_date,
                   t.amount / nullif(cast(a.approval_limit as double), 0) as of_limit
            from {e} x join (select entry_id, sum(cast(debit as double)) as amount from {l} group by 1) t using (entry_id)
            join {u} a on a.user_id = x.approved_by
            where x.source = 'manual' and x.approved_by <> x.user_id),
        reciprocal as (
            select p.entry_id, count(q.entry_id) as reciprocal_approvals, max(q.of_limit) as reciprocal_of_limit
            from approvals p join approvals q
              on q.company_code = p.company_code and q.user_id = p.approved_by and q.approved_by = p.user_id
             and abs(date_diff('day', p.posting_date, q.posting_date)) <= 7
            group by 1),
        released as (
            select distinct cast(reversal_of as varchar) as entry_id from {e} where reversal_of is not null),
        lines as (
            select entry_id, sum(cast(debit as double)) as amount,
                   bool_or(account between 400000 and 429999 and debit > 0) as revenue_debit,
                   bool_or(account between 400000 and 429999 and credit > 0) as revenue_credit,
                   bool_or(account between 150000 and 158999 and debit > 0) as asset_debit,
                   bool_or(account = 210000 and debit > 0) as accrual_debit,
                   bool_or(account = 210000 and credit > 0) as accrual_credit,
                   bool_or(account = 120000 and partner_id is null) as receivable_without_customer,
                   bool_or(account in (100000, 110000) and debit > 0) as cash_debit,
                   bool_or(account between 500000 and 699999 and credit > 0) as expense_credit,
                   bool_or(account = 200000 and debit > 0) as payables_debit,
                   bool_or(account in (130000, 205000)) as goods
            from {l} group by 1)
        select cast(e.entry_id as varchar) as entry_id, e.posting_date, e.is_anomaly,
               cast(e.company_code as varchar) as company_code,
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
               date_diff('day', e.document_date, e.posting_date) as document_lag_days,
               hash(coalesce(ur.role, '')) % 1000 as user_role,
               l.revenue_debit::int as revenue_debit, l.revenue_credit::int as revenue_credit,
               l.asset_debit::int as asset_debit, l.accrual_debit::int as accrual_debit,
               (l.accrual_credit and rv.entry_id is null)::int as accrual_never_reversed,
               l.receivable_without_customer::int as receivable_without_customer,
               coalesce(cl.claim_over_p99, 0) as claim_over_p99,
               coalesce(cl.receipt_claimed_before, 0) as receipt_claimed_before,
               coalesce(cl.days_after_leaving, -9999) as days_after_leaving,
               coalesce(rp.same_entry_before, 0) as same_entry_before,
               l.cash_debit::int as cash_debit, l.expense_credit::int as expense_credit,
               (l.cash_debit and l.expense_credit)::int as cash_against_expense,
               l.payables_debit::int as payables_debit, l.goods::int as goods,
               e.anomaly_type,
               coalesce(ch.payments_of_invoice, 0) as payments_of_invoice,
               coalesce(ch.days_after_first_payment, 0) as days_after_first_payment,
               coalesce(ch.days_before_delivery, 0) as days_before_delivery,
               coalesce(ch.price_over_order, 1) as price_over_order,
               coalesce(ch.order_over_standard, 1) as order_over_standard,
               coalesce(ch.order_after_invoice_days, 0) as order_after_invoice_days,
               coalesce(ch.runner_up_above, 1) as runner_up_above,
               coalesce(ch.paid_to_employee_account, 0) as paid_to_employee_account,
               coalesce(ch.vendor_account_of_employee, 0) as vendor_account_of_employee,
               coalesce(ch.older_vendors_same_tax_id, 0) as older_vendors_same_tax_id,
               coalesce(ch.discount_days_late, 0) as discount_days_late,
               coalesce(ch.has_reference, 0) as has_reference,
               coalesce(ch.vendor_age_days, 9999) as vendor_age_days,
               coalesce(ch.vendor_orders, 0) as vendor_orders,
               coalesce(ch.days_from_reference, 0) as days_from_reference,
               coalesce(ch.days_since_bank_change, 9999) as days_since_bank_change,
               coalesce(ch.vendor_home_match, 0) as vendor_home_match,
               coalesce(rc.reciprocal_approvals, 0) as reciprocal_approvals,
               coalesce(rc.reciprocal_of_limit, 0) as reciprocal_of_limit
        from {e} e join lines l using (entry_id) left join {u} a on a.user_id = e.approved_by
        left join {u} ur on ur.user_id = e.user_id
        left join claims cl on cl.entry_id = cast(e.entry_id as varchar)
        left join repeats rp on rp.entry_id = cast(e.entry_id as varchar)
        left join released rv on rv.entry_id = cast(e.entry_id as varchar)
        left join chain ch on ch.document_id = e.document_id
        left join reciprocal rc on rc.entry_id = cast(e.entry_id as varchar)
        order by e.entry_id
    """).df()
    features = [c for c in frame.columns
                if c not in ("entry_id", "posting_date", "is_anomaly", "anomaly_type", "company_code")]
    x = frame[features].fillna(0).to_numpy(dtype=float)
    y = frame["is_anomaly"].astype(bool).to_numpy()
    if args.model == "isolation":
        model = IsolationForest(n_estimators=200, random_state=0).fit(x)
        keep = np.ones(len(frame), dtype=bool)
        score = -model.score_samples(x)
    else:
        train = training_rows(frame, args)
        keep = ~train
        if y[train].sum() == 0:
            sys.exit("no labelled entry before the split: nothing to learn from")
        model = HistGradientBoostingClassifier(max_iter=200, random_state=0).fit(x[train], y[train])
        # Log-odds, not probabilities: those saturate at 1.0 and tie the best.
        score = model.decision_function(x)
    if args.per_type is not None:
        per_type(frame, x, args)
    out = frame.loc[keep, ["entry_id"]].assign(score=score[keep])
    out.to_csv(args.predictions, index=False)
    print(f"{args.model}: {len(out)} entries scored, {int(y[keep].sum())} of them labelled, to {args.predictions}")
    return 0


def training_rows(frame, args) -> np.ndarray:
    """The rows to train on: posted before the split date, or of another company."""
    if args.test_company is not None:
        companies = frame["company_code"].astype(str)
        if not (companies == args.test_company).any():
            sys.exit(f"no entries of company {args.test_company} in {args.out}")
        return (companies != args.test_company).to_numpy()
    dates = frame["posting_date"].astype("datetime64[ns]")
    split = np.datetime64(args.split or f"{dates.min().year}-07-01")
    return (dates < split).to_numpy()


def per_type(frame, x, args) -> None:
    """One model per type: its entries against the clean ones, temporal split."""
    import json

    from sklearn.metrics import roc_auc_score

    train = training_rows(frame, args)
    kind = frame["anomaly_type"].fillna("").to_numpy()
    clean = kind == ""
    table = {}
    for t in sorted(set(kind) - {""}):
        mine = kind == t
        fit, test = (mine | clean) & train, (mine | clean) & ~train
        if mine[fit].sum() < 2 or mine[test].sum() < 2:
            continue
        # Balanced: a few dozen entries of a type against half a million clean ones.
        model = HistGradientBoostingClassifier(max_iter=200, random_state=0, class_weight="balanced",
                                               early_stopping=False).fit(x[fit], mine[fit])
        score = model.decision_function(x[test])
        k = int(mine[test].sum())
        best = np.argsort(-score, kind="stable")[:k]
        table[t] = {"roc_auc": float(roc_auc_score(mine[test], score)),
                    "precision_at_k": float(mine[test][best].mean()), "test_entries": k}
        print(f"{t:<26} ROC AUC {table[t]['roc_auc']:.3f}  P@k {table[t]['precision_at_k']:.3f}  ({k} test entries)")
    args.per_type.write_text(json.dumps(table, indent=1))


if __name__ == "__main__":
    sys.exit(main())
