"""Looks for every anomaly type in a synthdata CSV output directory with a DuckDB
query that knows nothing of the labels, then compares what it found with the labels.

Usage: python3 check_anomalies.py DIR [--clean] [--rate R]

- every label resolves to existing entries and documents;
- for the types generated at the easy level (the `difficulty` column of `anomalies`):
  every entry a query finds is labelled with that type (no unlabelled irregularity), and
  every labelled entry of the type is found by its query (the anomaly is in the data);
- for the types at the realistic or hard level: the query's thresholds follow the level,
  and what it finds is measured, not required: its precision (the clean look-alikes it
  flags) and its recall (what it misses, as of a user's digits spread among ordinary
  work);
- with --rate R (the config's anomalies.rate, equal weights): each type's count is
  within 15% of its share, or within 2 of it where that is more;
- with --clean (a run with anomalies.enabled: false): no query finds anything.

Needs the `duckdb` and `holidays` packages. Exit 1 on any failure.
"""
import sys
from pathlib import Path

import duckdb
import holidays as public_holidays

args = sys.argv[1:]
d = Path(args[0])
clean = "--clean" in args
rate = float(args[args.index("--rate") + 1]) if "--rate" in args else None

con = duckdb.connect()
money = {"journal_lines": ["debit", "credit"], "documents": ["amount", "tax_amount", "discount_amount"],
         "document_items": ["unit_price", "amount"], "users": ["approval_limit", "previous_approval_limit"],
         "expense_claims": ["amount", "tax_amount"], "materials": ["standard_cost", "sales_price"],
         "customers": ["credit_limit"], "employees": ["monthly_salary", "annual_raise_percent", "bonus_percent"],
         "stock_movements": ["unit_cost", "value"], "quotations": ["amount"]}
for t in ("journal_entries", "journal_lines", "documents", "document_items", "accounts", "users",
          "companies", "vendors", "vendor_bank_changes", "expense_claims", "anomalies", "materials",
          "customers", "employees", "payslips", "employee_bank_changes", "stock_movements", "quotations"):
    types = ", ".join([f"'{c}': 'DECIMAL(18,2)'" for c in money.get(t, [])]
                      + (["'postcode': 'VARCHAR'"] if t in ("customers", "vendors", "employees") else []))
    con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_csv('{d}/{t}.csv', header=true, types={{{types}}})")

# Public holidays of each company's country over the period, for the off-hours query.
years = [r[0] for r in con.execute("SELECT DISTINCT year(posting_date) FROM journal_entries").fetchall()]
rows = []
for code, country in con.execute("SELECT company_code, country FROM companies").fetchall():
    for day in public_holidays.country_holidays(country, years=years):
        rows.append((str(code), day))
con.execute("CREATE TABLE holiday (company_code VARCHAR, day DATE)")
if rows:
    con.executemany("INSERT INTO holiday VALUES (?, ?)", rows)

# Whether two amounts differ by two adjacent digits swapped (a keying error).
con.execute("""CREATE MACRO swapped(a, b) AS (
    SELECT a <> b AND length(x) = length(y) AND EXISTS (
        SELECT 1 FROM range(1, length(x)) r(i)
        WHERE x[:i - 1] = y[:i - 1] AND x[i + 2:] = y[i + 2:] AND x[i] = y[i + 1] AND x[i + 1] = y[i])
    FROM (SELECT CAST(round(a * 100) AS BIGINT)::VARCHAR x, CAST(round(b * 100) AS BIGINT)::VARCHAR y))""")
# A purchase chain: the invoice, its goods receipt and its order, item by item.
con.execute("""CREATE VIEW chain AS
    SELECT inv.entry_id, gr.entry_id gr_entry, inv.document_date inv_date, po.document_date po_date, po.document_id po_id,
           inv.company_code, ii.unit_price inv_price, pi.unit_price po_price, pi.material_id,
           inv.currency = (SELECT k.currency FROM companies k WHERE k.company_code = inv.company_code) at_home
    FROM documents inv
    JOIN documents gr ON gr.document_id = inv.reference_document_id AND gr.document_type = 'goods_receipt'
    JOIN documents po ON po.document_id = gr.reference_document_id AND po.document_type = 'purchase_order'
    JOIN document_items ii ON ii.document_id = inv.document_id
    JOIN document_items pi ON pi.document_id = po.document_id AND pi.item_number = ii.item_number
    WHERE inv.document_type = 'vendor_invoice'""")
# Each company's rate of order prices to the materials' standard costs (in the base
# currency): the median ratio of its orders in its own currency.
con.execute("""CREATE VIEW fx AS SELECT company_code, median(po_price / standard_cost) fx FROM chain
               JOIN materials USING (material_id) WHERE at_home GROUP BY 1""")
# Customer invoices posted before the delivery they bill, and whether it came by the
# 10th of the next month.
con.execute("""CREATE VIEW billed_early AS
    SELECT inv.entry_id, date_diff('month', ie.posting_date, de.posting_date) = 1
                         AND day(de.posting_date) <= 10 AS by_the_10th
    FROM documents inv
    JOIN documents dl ON dl.document_id = inv.reference_document_id AND dl.document_type = 'delivery'
    JOIN journal_entries ie ON ie.entry_id = inv.entry_id
    JOIN journal_entries de ON de.entry_id = dl.entry_id
    WHERE inv.document_type = 'customer_invoice' AND ie.posting_date < de.posting_date""")

con.execute("""CREATE TABLE totals AS
    SELECT e.*, t.total FROM journal_entries e
    JOIN (SELECT entry_id, sum(debit) total FROM journal_lines GROUP BY 1) t USING (entry_id)""")

# The level each type was generated at (easy where a run has no label of it).
LEVEL = dict(con.execute("SELECT anomaly_type, any_value(difficulty) FROM anomalies GROUP BY 1").fetchall())


def by_level(t, easy, realistic, hard):
    return {"easy": easy, "realistic": realistic, "hard": hard}[LEVEL.get(t, "easy")]


SPLIT_SHARE = by_level("split_purchase", 0.9, 0.85, 0.8)
ROUND_MIN, ROUND_STEP = by_level("round_amount", (10000, 1000), (5000, 500), (1000, 100))
PRICE_OVER = by_level("price_variance", 1.10, 1.05, 1.0)
PAID_WITHIN = by_level("fictitious_vendor", 7, 14, 24)
PADDED_OVER = by_level("inflated_expense_claim", 2.0, 1.15, 1.0)
SPLIT_ENTRY_SHARE, SPLIT_ENTRY_DAYS = by_level("split_entry", (0.9, 0), (0.85, 4), (0.8, 14))
THEFT_SHARE = by_level("inventory_theft", 0.01, 0.0004, 0.00015)
# How far a rigged tender's order is priced above the standard cost, and how close the
# ring's cover bids come to the winner's.
RIGGED_OVER, COVER_WITHIN = by_level("bid_rigging", (1.032, 1.025), (1.032, 1.04), (1.025, 1.06))
COLLUSION_SHARE, COLLUSION_DAYS = by_level("collusion", (0.55, 0), (0.35, 7), (0.15, 21))
DUPLICATE_DAYS = by_level("duplicate_entry", 30, 70, 160)
# How much of an employee's home address a vendor's must share: the whole address, the
# street without its house number, the postcode.
HOME_MATCH = by_level("conflict_of_interest", "v.street = e.street",
                      "regexp_replace(v.street, '[0-9-]+', '', 'g') = regexp_replace(e.street, '[0-9-]+', '', 'g')",
                      "true")

# Each query returns the entries it finds: (entry_id). Thresholds are those of the
# easy level, widened where a type was generated at another (see by_level above).
DETECTORS = {
    # Two payment documents of one invoice for the same amount: the later is the duplicate.
    "duplicate_payment": """
        SELECT entry_id FROM (
            SELECT entry_id, row_number() OVER (PARTITION BY reference_document_id, amount
                                               ORDER BY document_date, entry_id) k
            FROM documents WHERE document_type = 'payment') WHERE k > 1""",
    # Manual vendor invoices of one clerk, vendor and day, each within 10% below an
    # approval limit (20% at the hard level), two or more of them.
    "split_purchase": f"""
        WITH inv AS (
            SELECT e.entry_id, e.company_code, e.posting_date, e.user_id, l.partner_id, t.total AS gross
            FROM journal_entries e JOIN journal_lines l USING (entry_id) JOIN totals t USING (entry_id)
            WHERE e.document_type = 'KR' AND e.source = 'manual' AND l.account = 200000 AND l.credit > 0),
        lim AS (SELECT DISTINCT u.approval_limit AS l FROM users u
                WHERE u.user_id IN (SELECT approved_by FROM journal_entries WHERE approved_by IS NOT NULL)),
        near AS (SELECT inv.*, lim.l FROM inv JOIN lim ON inv.gross < lim.l AND inv.gross >= {SPLIT_SHARE} * lim.l)
        SELECT a.entry_id FROM near a JOIN near b
            ON a.company_code = b.company_code AND a.posting_date = b.posting_date AND a.user_id = b.user_id
           AND a.partner_id = b.partner_id AND a.l = b.l AND a.entry_id <> b.entry_id""",
    # Manual reclassifications of one accountant on the same accounts and cost centers,
    # each within 10% below its approver's limit (15% realistic, 20% hard) and together
    # above it, on the same day (within 4 days realistic, 14 hard).
    "split_entry": f"""
        WITH m AS (
            SELECT e.entry_id, e.company_code, e.user_id, e.posting_date, t.total, u.approval_limit lim,
                   string_agg(l.account || ':' || coalesce(l.cost_center, '') || ':' || (l.debit > 0)::INT,
                              ' ' ORDER BY l.account, l.cost_center, l.debit > 0) shape
            FROM journal_entries e JOIN journal_lines l USING (entry_id) JOIN totals t USING (entry_id)
            JOIN users u ON u.user_id = e.approved_by
            WHERE e.source = 'manual' AND e.document_type = 'SA' AND e.business_process = 'general_ledger'
              AND t.total <= u.approval_limit AND t.total >= {SPLIT_ENTRY_SHARE} * u.approval_limit
            GROUP BY ALL)
        SELECT DISTINCT a.entry_id FROM m a JOIN m b
            ON a.company_code = b.company_code AND a.user_id = b.user_id AND a.shape = b.shape
           AND a.lim = b.lim AND a.entry_id <> b.entry_id
           AND abs(date_diff('day', a.posting_date, b.posting_date)) <= {SPLIT_ENTRY_DAYS}
           AND a.total + b.total > a.lim""",
    "self_approval": "SELECT entry_id FROM journal_entries WHERE approved_by = user_id",
    # Above the limit in force the day the entry was entered: the previous one before a
    # raise.
    "approval_above_limit": """
        SELECT t.entry_id FROM totals t JOIN users u ON u.user_id = t.approved_by
        WHERE t.total > CASE WHEN CAST(t.created_at AS DATE) < u.approval_limit_since
                             THEN u.previous_approval_limit ELSE u.approval_limit END""",
    # Manual entries entered outside 07:00-19:00, or on a weekend or public holiday.
    "off_hours_entry": """
        SELECT t.entry_id FROM totals t
        WHERE t.source = 'manual' AND (
            hour(t.created_at) < 7 OR hour(t.created_at) >= 19
            OR dayofweek(t.posting_date) IN (0, 6)
            OR EXISTS (SELECT 1 FROM holiday h WHERE h.company_code = t.company_code::VARCHAR
                                                 AND h.day = t.posting_date))""",
    # Manual G/L postings of a round thousand, at least 10 000 (a round 100 from 1 000 at
    # the hard level).
    "round_amount": f"""
        SELECT entry_id FROM totals
        WHERE source = 'manual' AND document_type = 'SA' AND total >= {ROUND_MIN} AND total % {ROUND_STEP} = 0""",
    # Manual entries without a document that debit cash or bank and credit an expense.
    "unusual_account_pair": """
        SELECT DISTINCT e.entry_id FROM journal_entries e
        JOIN journal_lines dr ON dr.entry_id = e.entry_id AND dr.account IN (100000, 110000) AND dr.debit > 0
        JOIN journal_lines cr ON cr.entry_id = e.entry_id AND cr.credit > 0
        JOIN accounts a ON a.account = cr.account AND a.account_type = 'expense'
        WHERE e.source = 'manual' AND e.document_id IS NULL""",
    # Entered more than three days after the posting date.
    "backdated_entry": """
        SELECT entry_id FROM journal_entries WHERE CAST(created_at AS DATE) > posting_date + INTERVAL 3 DAY""",
    # Vendor invoices for goods that reference no goods receipt or order.
    "invoice_without_order": """
        SELECT DISTINCT d.entry_id FROM documents d JOIN document_items i USING (document_id)
        WHERE d.document_type = 'vendor_invoice' AND d.reference_document_id IS NULL
          AND i.material_id IS NOT NULL AND d.entry_id IS NOT NULL""",
    # Invoice prices more than 10% above the purchase order's, item by item (any
    # amount above at the hard level), other than two digits swapped (a keying error).
    "price_variance": f"""
        SELECT DISTINCT entry_id FROM chain
        WHERE inv_price > {PRICE_OVER} * po_price AND NOT swapped(inv_price, po_price)""",
    # Invoice prices that are the order's with two adjacent digits swapped.
    "transposed_digits": "SELECT DISTINCT entry_id FROM chain WHERE swapped(inv_price, po_price)",
    # Orders raised after the invoice they should have preceded.
    "purchase_order_after_invoice": "SELECT DISTINCT entry_id FROM chain WHERE po_date > inv_date",
    # Order prices above the material's standard cost in the company's currency (the
    # company's median ratio of order price to standard cost), by more than 3.2% (clean
    # orders are at most 2.5% off it), of an order no tender awarded: the receipt and
    # the invoice.
    "kickback": """
        WITH over AS (SELECT c.entry_id, c.gr_entry FROM chain c JOIN materials m USING (material_id)
                 JOIN fx USING (company_code) WHERE c.at_home AND c.po_price > 1.032 * fx.fx * m.standard_cost
                   AND c.po_id NOT IN (SELECT purchase_order_id FROM quotations))
        SELECT entry_id FROM over UNION SELECT gr_entry FROM over""",
    # Orders a tender awarded, priced above the standard cost by more than 3.2% (2.5% at
    # the hard level), whose every losing bid is within 2.5% of the winner's (4%
    # realistic, 6% hard): the cover bids of a ring. The receipt and the invoice.
    "bid_rigging": f"""
        WITH covered AS (SELECT w.purchase_order_id FROM quotations w JOIN quotations l USING (request_id)
                    WHERE w.awarded GROUP BY 1
                    HAVING count(*) > 1 AND max(l.amount) <= {COVER_WITHIN} * any_value(w.amount)),
        over AS (SELECT c.entry_id, c.gr_entry FROM chain c JOIN materials m USING (material_id)
                 JOIN fx USING (company_code) JOIN covered ON covered.purchase_order_id = c.po_id
                 WHERE c.at_home AND c.po_price > {RIGGED_OVER} * fx.fx * m.standard_cost)
        SELECT entry_id FROM over UNION SELECT gr_entry FROM over""",
    # Customer invoices posted before their delivery, which comes by the 10th of the
    # next month.
    "revenue_before_delivery": "SELECT entry_id FROM billed_early WHERE by_the_10th",
    # Customer invoices posted before their delivery, which comes later than that.
    "bill_and_hold": "SELECT entry_id FROM billed_early WHERE NOT by_the_10th",
    # Customer payments that took the cash discount more than five days after the
    # customer's discount period.
    "unearned_discount": """
        SELECT r.entry_id FROM documents r
        JOIN documents inv ON inv.document_id = r.reference_document_id AND inv.document_type = 'customer_invoice'
        JOIN customers c ON c.customer_id = r.partner_id
        WHERE r.document_type = 'receipt' AND r.discount_amount > 0
          AND r.document_date > inv.document_date + CAST(c.cash_discount_days AS INTEGER) + 5""",
    # Service invoices (no goods receipt) posted more than ten days after their date,
    # in a later month.
    "unrecorded_liability": """
        SELECT e.entry_id FROM documents inv JOIN journal_entries e USING (entry_id)
        WHERE inv.document_type = 'vendor_invoice'
          AND e.posting_date > inv.document_date + 10 AND month(e.posting_date) <> month(inv.document_date)
          AND NOT EXISTS (SELECT 1 FROM documents gr WHERE gr.document_id = inv.reference_document_id
                                                       AND gr.document_type = 'goods_receipt')""",
    # A reversal entered by hand, the entry it reverses, and the entry posted again
    # within a week by the same user with the same text.
    "reversal_reposted": """
        WITH r AS (SELECT * FROM journal_entries WHERE reversal_of IS NOT NULL AND source = 'manual')
        SELECT entry_id FROM r
        UNION SELECT reversal_of FROM r
        UNION SELECT n.entry_id FROM r JOIN journal_entries o ON o.entry_id = r.reversal_of
            JOIN journal_entries n ON n.company_code = o.company_code AND n.user_id = o.user_id
             AND n.header_text = o.header_text AND n.entry_id <> o.entry_id
             AND n.posting_date BETWEEN r.posting_date AND r.posting_date + INTERVAL 7 DAY""",
    # Users whose manual entries' first digits stray from Benford's law (MAD > 0.04,
    # Nigrini's nonconformity is 0.015), over at least 30 entries (the fewest a run of 300 000 entries gives one user
    # with 41 types; clean users post hundreds): all their entries.
    "benford_violation": """
        WITH m AS (SELECT user_id, entry_id,
                          CAST(left(regexp_replace(CAST(total AS VARCHAR), '^[0.]+', ''), 1) AS INT) AS digit
                   FROM totals WHERE source = 'manual' AND total >= 10),
        n AS (SELECT user_id, count(*) c FROM m GROUP BY 1 HAVING count(*) >= 30),
        f AS (SELECT m.user_id, g.digit, count(m.entry_id) FILTER (WHERE m.digit = g.digit) * 1.0 / any_value(n.c) p
              FROM n JOIN m USING (user_id) CROSS JOIN range(1, 10) g(digit) GROUP BY 1, 2),
        mad AS (SELECT user_id, avg(abs(p - log10(1 + 1.0 / digit))) mad FROM f GROUP BY 1)
        SELECT m.entry_id FROM m JOIN mad USING (user_id) WHERE mad.mad > 0.04""",
    # Vendors created within 30 days before their first invoice, never sent a purchase
    # order: each of their invoices paid within 7 days (24 at the hard level), and its
    # payment.
    "fictitious_vendor": f"""
        WITH first_invoice AS (
            SELECT partner_id, min(document_date) AS first_day FROM documents
            WHERE document_type = 'vendor_invoice' GROUP BY 1),
        suspect AS (
            SELECT v.vendor_id FROM vendors v JOIN first_invoice f ON f.partner_id = v.vendor_id
            WHERE f.first_day BETWEEN v.created_date AND v.created_date + INTERVAL 30 DAY
              AND v.vendor_id NOT IN (SELECT partner_id FROM documents WHERE document_type = 'purchase_order')
              -- (a shell vendor's account is an employee's; a duplicate has an older twin)
              AND v.bank_account NOT IN (SELECT bank_account FROM employees)
              AND v.vat_id NOT IN (SELECT vat_id FROM vendors w WHERE w.created_date < v.created_date)),
        inv AS (SELECT d.* FROM documents d JOIN suspect s ON s.vendor_id = d.partner_id
                WHERE d.document_type = 'vendor_invoice'),
        pay AS (SELECT p.* FROM documents p JOIN inv ON p.reference_document_id = inv.document_id
                WHERE p.document_type = 'payment' AND p.document_date <= inv.document_date + INTERVAL {PAID_WITHIN} DAY)
        SELECT inv.entry_id FROM inv WHERE inv.document_id IN (SELECT reference_document_id FROM pay)
        UNION SELECT entry_id FROM pay""",
    # Expense claims of an employee for an expense after the day they left.
    "former_employee_claim": """
        SELECT c.entry_id FROM expense_claims c JOIN employees e USING (employee_id)
        WHERE c.expense_date > e.leave_date""",
    # Vendor payments sent to an employee's bank account, the vendor's own account not
    # being one (a shell vendor's is).
    "payment_diversion": """
        SELECT p.entry_id FROM documents p JOIN vendors v ON v.vendor_id = p.partner_id
        WHERE p.document_type = 'payment' AND p.bank_account IN (SELECT bank_account FROM employees)
          AND v.bank_account NOT IN (SELECT bank_account FROM employees)""",
    # Vendors paid into an employee's bank account: their invoices and payments.
    "shell_vendor": """
        WITH v AS (SELECT vendor_id FROM vendors WHERE bank_account IN (SELECT bank_account FROM employees))
        SELECT entry_id FROM documents JOIN v ON v.vendor_id = partner_id
        WHERE document_type IN ('vendor_invoice', 'payment')""",
    # Vendors with the tax ID of a vendor created before them: their invoices and payments.
    "duplicate_vendor": """
        WITH v AS (SELECT vendor_id FROM vendors v
                   WHERE EXISTS (SELECT 1 FROM vendors w WHERE w.vat_id = v.vat_id AND w.created_date < v.created_date))
        SELECT entry_id FROM documents JOIN v ON v.vendor_id = partner_id
        WHERE document_type IN ('vendor_invoice', 'payment')""",
    # Accrued liabilities released by a manual entry that reverses no accrual, and the
    # earlier accrual of that amount, expense account and cost center in that company
    # that no reversal names.
    "cookie_jar_reserve": """
        WITH rel AS (
            SELECT e.entry_id, e.company_code, e.posting_date, x.account, x.cost_center, x.credit AS amount
            FROM journal_entries e JOIN journal_lines l USING (entry_id)
            JOIN journal_lines x ON x.entry_id = e.entry_id AND x.account <> 210000 AND x.credit > 0
            WHERE e.source = 'manual' AND e.reversal_of IS NULL AND l.account = 210000 AND l.debit > 0),
        kept AS (
            SELECT e.entry_id, e.company_code, e.posting_date, x.account, x.cost_center, x.debit AS amount
            FROM journal_entries e JOIN journal_lines l USING (entry_id)
            JOIN journal_lines x ON x.entry_id = e.entry_id AND x.account <> 210000 AND x.debit > 0
            WHERE l.account = 210000 AND l.credit > 0
              AND e.entry_id NOT IN (SELECT reversal_of FROM journal_entries WHERE reversal_of IS NOT NULL))
        SELECT entry_id FROM rel
        UNION SELECT k.entry_id FROM kept k JOIN rel r
            ON r.company_code = k.company_code AND r.amount = k.amount AND r.account = k.account
           AND r.cost_center = k.cost_center AND k.posting_date <= r.posting_date""",
    # Meal claims above twice the 99th percentile of a company's meal claims (1.15 times
    # at the realistic level, the percentile itself at the hard one).
    "inflated_expense_claim": f"""
        WITH p AS (SELECT company_code, quantile_cont(amount, 0.99) p99 FROM expense_claims
                   WHERE category = 'meals' GROUP BY 1)
        SELECT c.entry_id FROM expense_claims c JOIN p USING (company_code)
        WHERE c.category = 'meals' AND c.amount > {PADDED_OVER} * p.p99""",
    # Manual G/L postings that credit a sales revenue account (revenue is booked by
    # customer invoices).
    "fictitious_revenue": """
        SELECT DISTINCT e.entry_id FROM journal_entries e JOIN journal_lines l USING (entry_id)
        WHERE e.source = 'manual' AND e.document_type = 'SA'
          AND l.account BETWEEN 400000 AND 429999 AND l.credit > 0""",
    # Manual entries whose header text has words auditors search for.
    "suspicious_text": """
        SELECT entry_id FROM journal_entries
        WHERE source = 'manual' AND regexp_matches(lower(header_text),
            'plug|cfo|do not reverse|override|forecast|instructed|confidential|top-side')""",
    # Manual G/L reclassifications of one company, user, approver and text the same in
    # every line (account, cost center, amount) as one posted up to 30 days before (70
    # realistic, 160 hard): the later ones.
    "duplicate_entry": f"""
        WITH m AS (
            SELECT e.entry_id, e.company_code, e.user_id, e.approved_by, e.header_text, e.posting_date, e.created_at,
                   string_agg(l.account || ':' || coalesce(l.cost_center, '') || ':' || l.debit || ':' || l.credit,
                              ' ' ORDER BY l.line_number) lines
            FROM journal_entries e JOIN journal_lines l USING (entry_id)
            WHERE e.source = 'manual' AND e.document_type = 'SA' AND e.business_process = 'general_ledger'
            GROUP BY ALL)
        SELECT DISTINCT b.entry_id FROM m a JOIN m b
            ON a.company_code = b.company_code AND a.user_id = b.user_id AND a.header_text = b.header_text
           AND a.lines = b.lines AND a.approved_by IS NOT DISTINCT FROM b.approved_by
           AND (a.posting_date, a.created_at, a.entry_id) < (b.posting_date, b.created_at, b.entry_id)
           AND date_diff('day', a.posting_date, b.posting_date) <= {DUPLICATE_DAYS}""",
    # Expense claims of one employee for the same receipt (day, amount, category,
    # description) as one submitted at least eight days before. (Clean claims can match
    # in all of that, two taxi rides at one fare, but a day's claims are all submitted
    # within a week of it.)
    "duplicate_expense_claim": """
        SELECT b.entry_id FROM expense_claims a JOIN expense_claims b
            ON a.employee_id = b.employee_id AND a.expense_date = b.expense_date AND a.amount = b.amount
           AND a.category = b.category AND a.description = b.description
           AND b.submitted_date >= a.submitted_date + INTERVAL 8 DAY""",
    # Manual G/L postings (document type SA) without an approval: every other manual
    # entry has one.
    "missing_approval": """
        SELECT entry_id FROM journal_entries
        WHERE source = 'manual' AND document_type = 'SA' AND approved_by IS NULL""",
    # Manual G/L postings of the general ledger and expenses entered by a user whose role
    # is not in accounting (a clerk of goods, receivables or payables).
    "unusual_user": """
        SELECT e.entry_id FROM journal_entries e JOIN users u USING (user_id)
        WHERE e.source = 'manual' AND e.document_type = 'SA'
          AND e.business_process IN ('general_ledger', 'expenses')
          AND u.role NOT IN ('gl_accountant', 'senior_accountant', 'controller', 'finance_director', 'cfo')""",
    # Manual expenses posted in another month than their document's date.
    "wrong_period": """
        SELECT entry_id FROM journal_entries
        WHERE source = 'manual' AND document_type = 'SA' AND business_process = 'expenses'
          AND date_trunc('month', document_date) <> date_trunc('month', posting_date)""",
    # Manual entries that debit a sales revenue account.
    "misposting": """
        SELECT DISTINCT e.entry_id FROM journal_entries e JOIN journal_lines l USING (entry_id)
        WHERE e.source = 'manual' AND l.account BETWEEN 400000 AND 429999 AND l.debit > 0""",
    # Manual G/L postings that debit a fixed asset account (assets are capitalised by
    # vendor invoices, entered in the asset register).
    "improper_capitalization": """
        SELECT DISTINCT e.entry_id FROM journal_entries e JOIN journal_lines l USING (entry_id)
        WHERE e.source = 'manual' AND e.document_type = 'SA'
          AND l.account BETWEEN 150000 AND 158999 AND l.debit > 0""",
    # Data quality (off by default). Manual entries with an expense line that has no
    # cost center.
    "missing_cost_center": """
        SELECT DISTINCT e.entry_id FROM journal_entries e JOIN journal_lines l USING (entry_id)
        JOIN accounts a ON a.account = l.account
        WHERE e.source = 'manual' AND a.account_type = 'expense' AND l.cost_center IS NULL""",
    # Entries without a header text.
    "missing_text": "SELECT entry_id FROM journal_entries WHERE coalesce(header_text, '') = ''",
    # Header texts with U+FFFD, the replacement character of a broken decoding.
    "encoding_damage": "SELECT entry_id FROM journal_entries WHERE contains(header_text, '\ufffd')",
    # Header texts used a hundred times less than one a typing error away from them
    # (two letters swapped, one left out or changed), broken encodings aside.
    "typo": """
        WITH t AS (SELECT header_text h, count(*) n FROM journal_entries WHERE header_text <> '' GROUP BY 1),
        typo AS (SELECT DISTINCT r.h FROM t r JOIN t c
                 ON c.n >= 100 * r.n AND damerau_levenshtein(r.h, c.h) = 1 AND NOT contains(r.h, '\ufffd'))
        SELECT entry_id FROM journal_entries WHERE header_text IN (SELECT h FROM typo)""",
    # Invoices and payments of vendors registered at the home address of an employee of
    # the company they bill (the same street without the house number at the realistic
    # level, the same postcode at the hard one).
    "conflict_of_interest": f"""
        WITH v AS (SELECT DISTINCT v.vendor_id, e.company_code FROM vendors v JOIN employees e
                   ON e.postcode = v.postcode AND e.city = v.city AND e.region = v.region AND {HOME_MATCH})
        SELECT d.entry_id FROM documents d JOIN v ON v.vendor_id = d.partner_id AND v.company_code = d.company_code
        WHERE d.document_type IN ('vendor_invoice', 'payment')""",
    # Manual reclassifications of a pair of users who, within the same day (7 days
    # realistic, 21 hard), each enter two or more that the other approves: a pair
    # approving each other. Each at 55% of its approver's limit or more (35% realistic,
    # 15% hard), below it.
    "collusion": f"""
        WITH m AS (
            SELECT e.entry_id, e.company_code, e.user_id, e.approved_by, e.posting_date
            FROM totals e JOIN users u ON u.user_id = e.approved_by
            WHERE e.source = 'manual' AND e.document_type = 'SA' AND e.business_process = 'general_ledger'
              AND e.user_id <> e.approved_by
              AND e.total < u.approval_limit AND e.total >= {COLLUSION_SHARE} * u.approval_limit)
        SELECT a.entry_id FROM m a JOIN m b
            ON b.company_code = a.company_code AND abs(date_diff('day', a.posting_date, b.posting_date)) <= {COLLUSION_DAYS}
           AND ((b.user_id = a.user_id AND b.approved_by = a.approved_by)
                OR (b.user_id = a.approved_by AND b.approved_by = a.user_id))
        GROUP BY a.entry_id
        HAVING count(*) FILTER (WHERE b.user_id = a.user_id) >= 2
           AND count(*) FILTER (WHERE b.user_id = a.approved_by) >= 2""",
    # A cycle count that loses more of one material than 1% of the company's average
    # month of goods issued at cost (0.04% realistic, 0.015% hard): clean counts lose
    # about 0.5% of a material's own issues.
    "inventory_theft": f"""
        WITH cogs AS (SELECT company_code, -sum(value) / count(DISTINCT date_trunc('month', posting_date)) monthly
                      FROM stock_movements WHERE movement_type = 'goods_issue' GROUP BY 1)
        SELECT DISTINCT s.entry_id FROM stock_movements s JOIN cogs USING (company_code)
        WHERE s.movement_type = 'count_difference' AND -s.value > {THEFT_SHARE} * cogs.monthly""",
    # Payroll runs that pay someone for a period after their leave date (a leaver kept
    # on the payroll; above easy the rule also finds the runs that pay a leaver's unused
    # vacation a month late, the clean look-alikes).
    "ghost_employee": """
        SELECT DISTINCT p.entry_id FROM payslips p JOIN employees e USING (employee_id)
        WHERE p.period_start > e.leave_date""",
    # Payments to a vendor within 30 days after its bank account was changed.
    "vendor_bank_change": """
        SELECT DISTINCT p.entry_id FROM documents p
        JOIN vendor_bank_changes c ON c.vendor_id = p.partner_id
        WHERE p.document_type = 'payment'
          AND p.document_date BETWEEN CAST(c.changed_at AS DATE) AND CAST(c.changed_at AS DATE) + INTERVAL 30 DAY""",
}

# The types labelled on payslips, not entries (the books are right): each query returns
# the payslips it finds, (payslip_id).
PAYSLIP_DETECTORS = {
    # Payslips paid to another account than the employee's of the pay day, as the
    # employee master and its change log say (a naive rule that reads the master
    # alone also flags the payslips paid before an ordinary change of account), to
    # someone still employed (a payslip after leaving is a ghost employee's).
    "payroll_diversion": """
        SELECT p.payslip_id FROM payslips p JOIN employees e USING (employee_id)
        WHERE p.period_start <= coalesce(e.leave_date, DATE '9999-12-31') AND p.bank_account <> coalesce(
            (SELECT last(c.new_bank_account ORDER BY c.changed_at) FROM employee_bank_changes c
             WHERE c.employee_id = p.employee_id AND CAST(c.changed_at AS DATE) <= p.pay_date),
            (SELECT first(c.old_bank_account ORDER BY c.changed_at) FROM employee_bank_changes c
             WHERE c.employee_id = p.employee_id),
            e.bank_account)""",
}

DATA_QUALITY = {"missing_cost_center", "missing_text", "encoding_damage", "typo"}
failures = []


def check(name, ok, measure):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {measure}")
    if not ok:
        failures.append(name)


def one(sql, params=None):
    return con.execute(sql, params or []).fetchone()


labels = one("SELECT count(*) FROM anomalies")[0]
if clean:
    check("no labels in clean books", labels == 0, f"{labels} labels")
    n = one("SELECT count(*) FROM journal_entries WHERE is_anomaly OR anomaly_type IS NOT NULL")[0]
    check("no entry marked in clean books", n == 0, f"{n} entries")
    n = one("SELECT count(*) FROM payslips WHERE is_anomaly OR anomaly_type IS NOT NULL")[0]
    check("no payslip marked in clean books", n == 0, f"{n} payslips")
    n = one("SELECT count(*) FROM stock_movements WHERE is_anomaly OR anomaly_type IS NOT NULL")[0]
    check("no stock movement marked in clean books", n == 0, f"{n} movements")
    n = one("SELECT count(*) FROM quotations WHERE is_anomaly OR anomaly_type IS NOT NULL")[0]
    check("no bid marked in clean books", n == 0, f"{n} bids")
else:
    n = one("""SELECT count(*) FROM anomalies a, unnest(string_split(a.entry_ids, ' ')) u(id)
               ANTI JOIN journal_entries e ON CAST(e.entry_id AS VARCHAR) = u.id""")[0]
    check("every labelled entry exists", n == 0, f"{n} missing")
    n = one("""SELECT count(*) FROM anomalies a, unnest(string_split(a.document_ids, ' ')) u(id)
               ANTI JOIN documents d ON CAST(d.document_id AS VARCHAR) = u.id""")[0]
    check("every labelled document exists", n == 0, f"{n} missing")
    # A rigged tender's bids carry its label, and only they: the bids of the orders its
    # labels name; the winner is the label's vendor, the others the ring's.
    n, marked = one("""WITH rigged AS (SELECT CAST(u.id AS UUID) po, a.partner_id FROM anomalies a,
                                 unnest(string_split(a.document_ids, ' ')) u(id)
                               WHERE a.anomaly_type = 'bid_rigging')
               SELECT count(*) FILTER (WHERE q.is_anomaly IS DISTINCT FROM (r.po IS NOT NULL)
                                         OR (q.anomaly_type IS NOT DISTINCT FROM 'bid_rigging') <> q.is_anomaly
                                         OR (q.awarded AND r.po IS NOT NULL AND q.vendor_id <> r.partner_id)),
                      count(*) FILTER (WHERE q.is_anomaly)
               FROM quotations q LEFT JOIN rigged r ON r.po = q.purchase_order_id""")
    check("a rigged tender's bids are labelled, and no other bid", n == 0, f"{n} wrong of {marked} marked")
    # The master grain, as anomalies.md derives it: every row resolves to its master table,
    # and each anomaly with a partner has one.
    con.execute("""CREATE TABLE parties AS
        WITH labelled AS (SELECT a.anomaly_id, e.* FROM anomalies a, unnest(string_split(a.entry_ids, ' ')) u(id)
                          JOIN journal_entries e ON CAST(e.entry_id AS VARCHAR) = u.id)
        SELECT a.anomaly_id, CASE WHEN v.vendor_id IS NOT NULL THEN 'vendor'
                                  WHEN c.customer_id IS NOT NULL THEN 'customer' ELSE 'employee' END AS master,
               CAST(a.partner_id AS VARCHAR) AS id, 'partner' AS role
        FROM anomalies a LEFT JOIN vendors v ON v.vendor_id = a.partner_id
        LEFT JOIN customers c ON c.customer_id = a.partner_id
        WHERE a.partner_id IS NOT NULL
        UNION
        SELECT a.anomaly_id, 'vendor', CAST(q.vendor_id AS VARCHAR), 'bidder'
        FROM anomalies a, unnest(string_split(a.document_ids, ' ')) u(id)
        JOIN quotations q ON CAST(q.purchase_order_id AS VARCHAR) = u.id
        WHERE a.anomaly_type = 'bid_rigging'
        UNION
        SELECT anomaly_id, 'user', user_id, 'entered' FROM labelled WHERE source = 'manual'
        UNION
        SELECT anomaly_id, 'user', approved_by, 'approved' FROM labelled WHERE approved_by IS NOT NULL""")
    unresolved, parties, without = one("""
        SELECT count(*) FILTER (WHERE (p.master = 'vendor' AND v.vendor_id IS NULL)
                                   OR (p.master = 'customer' AND c.customer_id IS NULL)
                                   OR (p.master = 'employee' AND m.employee_id IS NULL)
                                   OR (p.master = 'user' AND s.user_id IS NULL)),
               count(*),
               (SELECT count(*) FROM anomalies a WHERE a.partner_id IS NOT NULL
                  AND a.anomaly_id NOT IN (SELECT anomaly_id FROM parties WHERE role = 'partner'))
        FROM parties p LEFT JOIN vendors v ON p.master = 'vendor' AND CAST(v.vendor_id AS VARCHAR) = p.id
        LEFT JOIN customers c ON p.master = 'customer' AND CAST(c.customer_id AS VARCHAR) = p.id
        LEFT JOIN employees m ON p.master = 'employee' AND CAST(m.employee_id AS VARCHAR) = p.id
        LEFT JOIN users s ON p.master = 'user' AND s.user_id = p.id""")
    check("the master rows each anomaly involves resolve to their tables", unresolved == 0 and without == 0,
          f"{parties} rows, {unresolved} unresolved, {without} partners missing")
    n = one("""SELECT count(*) FROM (
                 SELECT e.entry_id, e.anomaly_type, a.anomaly_type AS t FROM journal_entries e
                 FULL JOIN (SELECT a.anomaly_type, CAST(u.id AS UUID) id FROM anomalies a,
                            unnest(string_split(a.entry_ids, ' ')) u(id)) a ON a.id = e.entry_id
                 WHERE e.is_anomaly OR a.id IS NOT NULL)
               WHERE anomaly_type IS DISTINCT FROM t""")[0]
    check("is_anomaly and anomaly_type agree with the labels", n == 0, f"{n} entries")
    # An inventory theft marks the count difference that writes it off, one per label,
    # in the count entry its label names.
    n = one("""SELECT count(*) FROM stock_movements s JOIN journal_entries e USING (entry_id)
               WHERE s.is_anomaly <> (s.anomaly_type IS NOT NULL)
                  OR (s.is_anomaly AND (s.movement_type <> 'count_difference'
                                        OR e.anomaly_type IS DISTINCT FROM s.anomaly_type))""")[0]
    check("stock movements marked only as their entry is", n == 0, f"{n} movements")
    marked = one("SELECT count(*) FROM stock_movements WHERE anomaly_type = 'inventory_theft'")[0]
    thefts = one("SELECT count(*) FROM anomalies WHERE anomaly_type = 'inventory_theft'")[0]
    check("one marked movement per inventory theft", marked == thefts, f"{marked} movements, {thefts} labels")
    n = one("SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY 1 HAVING sum(debit) <> sum(credit))")[0]
    check("every entry balances, anomalies included", n == 0, f"{n} unbalanced")

# The vendor master's bank-account history agrees with the payments and the vendors.
n = one("""WITH h AS (SELECT vendor_id, changed_at, old_bank_account, new_bank_account,
                        row_number() OVER (PARTITION BY vendor_id ORDER BY changed_at) k
                 FROM vendor_bank_changes)
           SELECT count(*) FROM documents p JOIN vendors v ON v.vendor_id = p.partner_id
           WHERE p.document_type = 'payment' AND p.entry_id NOT IN
                 (SELECT entry_id FROM journal_entries WHERE anomaly_type = 'payment_diversion')
             AND p.bank_account IS DISTINCT FROM coalesce(
               (SELECT last(new_bank_account ORDER BY changed_at) FROM h
                WHERE h.vendor_id = p.partner_id AND CAST(h.changed_at AS DATE) <= p.document_date),
               (SELECT first(old_bank_account ORDER BY changed_at) FROM h WHERE h.vendor_id = p.partner_id),
               v.bank_account)""")[0]
check("every vendor payment goes to the account of its day", n == 0, f"{n} payments")
n = one("""SELECT count(*) FROM vendors v JOIN (SELECT vendor_id, last(new_bank_account ORDER BY changed_at) a
                                                FROM vendor_bank_changes GROUP BY 1) c USING (vendor_id)
           WHERE v.bank_account <> c.a""")[0]
check("every vendor's account is its last change's", n == 0, f"{n} vendors")
n = one("""SELECT count(*) FROM (SELECT vendor_id, changed_at, new_bank_account,
                                        lead(old_bank_account) OVER (PARTITION BY vendor_id ORDER BY changed_at) nxt
                                 FROM vendor_bank_changes) WHERE nxt IS NOT NULL AND nxt <> new_bank_account""")[0]
check("each change starts from the account the one before set", n == 0, f"{n} changes")

counts = dict(con.execute("SELECT anomaly_type, count(*) FROM anomalies GROUP BY 1").fetchall())
if rate is not None:
    entries = one("SELECT count(*) FROM journal_entries")[0]
    # The data-quality family is off by default: its types count where a run has them.
    on = [t for t in [*DETECTORS, *PAYSLIP_DETECTORS] if t not in DATA_QUALITY or counts.get(t)]
    want_all = rate * entries / 4 / len(on)
    companies = one("SELECT count(*) FROM companies")[0]
    for t in on:
        # Ghost employees are at most two a company.
        want = min(want_all, 2 * companies) if t == "ghost_employee" else want_all
        k = counts.get(t, 0)
        check(f"{t}: injected count within 15% of the rate (or 2)", abs(k - want) <= max(0.15 * want, 2.0),
              f"{k} (expected {want:.0f})")

def run_rule(t, sql):
    """Runs type t's query into the table `found`: how many it finds, or None in clean
    books (where it must find nothing)."""
    con.execute(f"CREATE OR REPLACE TABLE found AS {sql}")
    found = one("SELECT count(*) FROM found")[0]
    if clean:
        check(f"{t}: none in clean books", found == 0, f"{found} found")
        return None
    return found


# A collusion's pair are G/L accountants: a split entry or a cookie-jar release that one
# of them enters, the other approving, on a collusion's day meets the collusion's rule
# with theirs. Such an entry is labelled (with its own type), never clean.
OTHER_LABELS_MAY_MATCH = {"collusion"}

for t, sql in DETECTORS.items():
    found = run_rule(t, sql)
    if found is None:
        continue
    unlabelled = one("""SELECT count(*) FROM found f JOIN journal_entries e USING (entry_id)
                        WHERE e.anomaly_type IS DISTINCT FROM ?""", [t])[0]
    if t in OTHER_LABELS_MAY_MATCH:
        other = one("""SELECT count(*) FROM found f JOIN journal_entries e USING (entry_id)
                       WHERE e.is_anomaly AND e.anomaly_type <> ?""", [t])[0]
        if other:
            print(f"     {t}: {other} found carry another type's label")
        unlabelled -= other
    labelled = one("SELECT count(*) FROM journal_entries WHERE anomaly_type = ?", [t])[0]
    missed = one("""SELECT count(*) FROM journal_entries e ANTI JOIN found f USING (entry_id)
                    WHERE e.anomaly_type = ?""", [t])[0]
    if LEVEL.get(t, "easy") == "easy":
        check(f"{t}: every one found is labelled", unlabelled == 0,
              f"{found} found, {unlabelled} unlabelled ({counts.get(t, 0)} labels, {labelled} entries)")
        check(f"{t}: every labelled entry is found", missed == 0, f"{missed} of {labelled} missed")
    else:
        precision = (found - unlabelled) / found if found else 0.0
        recall = (labelled - missed) / labelled if labelled else 0.0
        print(f"     {t} ({LEVEL[t]}): the rule finds {found}, precision {precision:.3f}, "
              f"recall {recall:.3f} ({labelled} labelled entries)")

for t, sql in PAYSLIP_DETECTORS.items():
    found = run_rule(t, sql)
    if found is None:
        continue
    con.execute("""CREATE OR REPLACE TABLE slips AS
        SELECT DISTINCT CAST(u.id AS UUID) payslip_id FROM anomalies a, unnest(string_split(a.payslip_ids, ' ')) u(id)
        WHERE a.anomaly_type = ?""", [t])
    unlabelled = one("SELECT count(*) FROM found ANTI JOIN slips USING (payslip_id)")[0]
    labelled = one("SELECT count(*) FROM slips")[0]
    missed = one("SELECT count(*) FROM slips ANTI JOIN found USING (payslip_id)")[0]
    check(f"{t}: every payslip found is labelled", unlabelled == 0,
          f"{found} found, {unlabelled} unlabelled ({counts.get(t, 0)} labels, {labelled} payslips)")
    check(f"{t}: every labelled payslip is found", missed == 0, f"{missed} of {labelled} missed")
    n = one("""SELECT count(*) FROM anomalies a WHERE anomaly_type = ? AND (entry_ids IS NOT NULL
               OR partner_id NOT IN (SELECT p.employee_id FROM payslips p JOIN slips USING (payslip_id)))""", [t])[0]
    check(f"{t}: labels name no entry and the employee paid", n == 0, f"{n} labels")
    n = one("""SELECT count(*) FROM payslips p LEFT JOIN slips s USING (payslip_id)
               WHERE (s.payslip_id IS NOT NULL) <> (p.anomaly_type IS NOT DISTINCT FROM ?)
                  OR p.is_anomaly <> (p.anomaly_type IS NOT NULL)""", [t])[0]
    check(f"{t}: payslips.is_anomaly and anomaly_type agree with the labels", n == 0, f"{n} payslips")

# A ghost employee's label names the payslips paid a salary after the leave date (all of
# them, marked), the payroll entries that pay them and the employee; the other payslips
# after a leave date pay unused vacation alone, without salary.
if not clean:
    con.execute("""CREATE OR REPLACE TABLE slips AS
        SELECT DISTINCT CAST(u.id AS UUID) payslip_id, a.partner_id FROM anomalies a,
            unnest(string_split(a.payslip_ids, ' ')) u(id) WHERE a.anomaly_type = 'ghost_employee'""")
    after, labelled, unmarked, late = one("""SELECT count(*) FILTER (WHERE p.period_start > e.leave_date AND p.salary > 0),
            count(s.payslip_id),
            count(*) FILTER (WHERE (s.payslip_id IS NOT NULL)
                                   <> (p.anomaly_type IS NOT DISTINCT FROM 'ghost_employee')
                                OR (s.payslip_id IS NOT NULL AND s.partner_id <> p.employee_id)
                                OR (s.payslip_id IS NOT NULL) <> (p.period_start > coalesce(e.leave_date, DATE '9999-12-31')
                                                                  AND p.salary > 0)),
            count(*) FILTER (WHERE p.period_start > e.leave_date AND p.salary = 0 AND p.vacation_payout > 0)
        FROM payslips p JOIN employees e USING (employee_id) LEFT JOIN slips s USING (payslip_id)""")
    check("ghost_employee: the labels name exactly the payslips of a salary after a leave date, each marked and "
          "the employee's", unmarked == 0 and after == labelled, f"{after} after leaving, {labelled} labelled, "
          f"{unmarked} otherwise; {late} unused-vacation payouts a month late")

if failures:
    print(f"{len(failures)} checks failed", file=sys.stderr)
    sys.exit(1)
print("all anomaly checks passed")
