"""The event logs of `synthdata export-ocel RUN LOGS`, read by pm4py and held against
the run's own tables in DuckDB.

    python check_event_logs.py RUN LOGS

- Each XES log (procure_to_pay.xes, order_to_cash.xes): pm4py's variants equal, case
  for case, the chains DuckDB builds from documents and journal_entries (each document
  an activity at its entry's created_at, an order before what follows it, a blocked
  order's block after its creation); the happy path is the most frequent variant; the
  documented variants are there in the numbers the tables give (credit blocks, cash
  discounts, invoices paid in two parts, orders delivered or received in two parts, invoices
  without an order, transfers the
  vendor's bank returned and their second sending, from bank_statement_lines,
  deliveries invoiced before they left, which are the labelled
  revenue_before_delivery); the inductive
  miner discovers a net that replays every trace (fitness 1.0) and whose directly-follows
  graph holds the happy path.
- The OCEL 2.0 log (ocel2.json): pm4py reads it; its events are the documents (and the
  blocks, returns and second sendings), its objects the documents, partners and materials, each type as many as the
  tables hold (partners and materials: those in a document, which pm4py keeps); the object-centric directly-follows graph is discovered; flattened on
  sales_order it has one case per sales order.

Exits 1 naming the first difference. Prints each process's variants with their shares.
"""

import glob
import sys
import warnings

import duckdb
import pm4py

warnings.filterwarnings("ignore")

run, logs = sys.argv[1], sys.argv[2]
con = duckdb.connect()


def table(name):
    files = sorted(glob.glob(f"{run}/{name}.*") + glob.glob(f"{run}/{name}/*"))
    files = [f for f in files if not f.endswith(".partial")]
    if not files:
        sys.exit(f"FAILED: {run} has no {name} files")
    if files[0].endswith(".parquet"):
        return f"read_parquet({files!r})"
    if ".jsonl" in files[0]:
        return f"read_json_auto({files!r})"
    return f"read_csv_auto({files!r}, all_varchar=false)"


failed = False


def q(sql):
    return con.sql(sql).fetchall()[0][0]


def fail(msg):
    global failed
    print("FAILED:", msg)
    failed = True


ACTIVITY = """
case document_type
  when 'purchase_order' then 'Create Purchase Order'
  when 'goods_receipt' then 'Receive Goods'
  when 'vendor_invoice' then 'Record Vendor Invoice'
  when 'payment' then if(discount_amount > 0, 'Pay Vendor Invoice with Cash Discount', 'Pay Vendor Invoice')
  when 'sales_order' then 'Create Sales Order'
  when 'delivery' then 'Deliver Goods'
  when 'customer_invoice' then 'Issue Customer Invoice'
  when 'dunning_notice' then 'Send Dunning Notice'
  when 'receipt' then if(discount_amount > 0, 'Receive Customer Payment with Cash Discount', 'Receive Customer Payment')
end"""
RANK = """list_position(['purchase_order','goods_receipt','vendor_invoice','payment','sales_order',
  'delivery','customer_invoice','dunning_notice','receipt'], document_type)"""

con.sql(f"""
create table docs as
select d.document_id, d.document_type, d.reference_document_id, d.status, d.partner_id,
       d.discount_amount, {ACTIVITY} as activity, {RANK} as rank,
       -- Documents without an entry (orders, invoices carried over) start their chain.
       coalesce(e.created_at::timestamp, d.document_date::timestamp) as ts
from {table('documents')} d
left join (select entry_id, created_at from {table('journal_entries')}) e using (entry_id)
""")
# The first document of each chain (chains are at most four documents long).
con.sql("""
create table chain as
with recursive up(document_id, node, depth) as (
  select document_id, document_id, 0 from docs
  union all
  select up.document_id, d.reference_document_id, depth + 1
  from up join docs d on d.document_id = up.node
  where d.reference_document_id is not null and depth < 8
)
select document_id, arg_max(node, depth) as root from up group by document_id
""")
# Payments whose transfer the vendor's bank sent back: the day the bank booked the
# return, and the last day it booked a transfer of the payment when that is later (the
# transfer sent again); both stamped 09:00.
con.sql(f"""
create table returns as
with x as (select document_id, transaction_code, booking_date from {table('bank_statement_lines')}
           where transaction_code in ('return', 'transfer_out') and document_id is not null)
select r.document_id, r.back, o.last_out as again
from (select document_id, max(booking_date) as back from x where transaction_code = 'return' group by 1) r
left join (select document_id, max(booking_date) as last_out from x where transaction_code = 'transfer_out' group by 1) o
  on o.document_id = r.document_id and o.last_out > r.back
join docs d on d.document_id = r.document_id and d.document_type = 'payment'
""")
con.sql("""
create table events as
select c.root, d.activity, d.ts, d.rank, 0 as part, d.document_type, d.status
from docs d join chain c using (document_id)
union all
select c.root, 'Block Sales Order', d.ts + interval 60 second, d.rank, 1 as part, d.document_type, d.status
from docs d join chain c using (document_id)
where d.document_type = 'sales_order' and d.status = 'blocked'
union all
select c.root, 'Payment Returned by Bank', r.back::timestamp + interval 9 hour, d.rank, 2 as part, d.document_type, d.status
from docs d join chain c using (document_id) join returns r using (document_id)
union all
select c.root, 'Send Payment Again', r.again::timestamp + interval 9 hour, d.rank, 3 as part, d.document_type, d.status
from docs d join chain c using (document_id) join returns r using (document_id)
where r.again is not null
""")

HAPPY = {
    "procure_to_pay": ("Create Purchase Order", "Receive Goods", "Record Vendor Invoice",
                       "Pay Vendor Invoice"),
    "order_to_cash": ("Create Sales Order", "Deliver Goods", "Issue Customer Invoice",
                      "Receive Customer Payment"),
}

for process, sale in [("procure_to_pay", False), ("order_to_cash", True)]:
    types = "('sales_order','delivery','customer_invoice','dunning_notice','receipt')"
    where = f"document_type {'' if sale else 'not '}in {types}"
    expected = {
        tuple(v): n
        for v, n in con.sql(f"""
            select trace, count(*) from (
              select root, list(activity order by ts, rank, part) as trace
              from events where {where} group by root)
            group by trace""").fetchall()
    }
    log = pm4py.read_xes(f"{logs}/{process}.xes", return_legacy_log_object=False)
    variants = {tuple(k): v for k, v in pm4py.get_variants(log).items()}
    total = sum(variants.values())
    print(f"{process}: {total} cases, {len(log)} events, {len(variants)} variants")
    for v, n in sorted(variants.items(), key=lambda x: -x[1]):
        print(f"  {n:8d} {n / total:7.2%}  {' > '.join(v)}")
    if variants != expected:
        diff = set(variants.items()) ^ set(expected.items())
        fail(f"{process}: pm4py's variants differ from the tables' chains: {sorted(diff)[:4]}")
    top = max(variants.items(), key=lambda x: x[1])[0] if variants else ()
    if top != HAPPY[process]:
        fail(f"{process}: the most frequent variant is {top}, not the happy path")

    def count(activity):
        return sum(n * v.count(activity) for v, n in variants.items())

    # The documented variants, against the tables.
    kind = "payment" if not sale else "receipt"
    discount = HAPPY[process][3] + " with Cash Discount"
    want = {
        discount: q(f"select count(*) from docs where document_type = '{kind}' and discount_amount > 0"),
    }
    if not sale:
        want["Payment Returned by Bank"] = q("select count(*) from returns")
        want["Send Payment Again"] = q("select count(again) from returns")
    if sale:
        want["Block Sales Order"] = q(
            "select count(*) from docs where document_type = 'sales_order' and status = 'blocked'")
        want["Send Dunning Notice"] = q(
            "select count(*) from docs where document_type = 'dunning_notice'")
    for activity, n in want.items():
        if count(activity) != n or n == 0:
            fail(f"{process}: {activity} {count(activity)} times, the tables say {n}")
    invoice = "vendor_invoice" if not sale else "customer_invoice"
    two = q(f"""select count(*) from (select reference_document_id from docs
                where document_type = '{kind}' group by 1 having count(*) = 2)""")
    paid_twice = sum(n for v, n in variants.items()
                     if sum(a.startswith(HAPPY[process][3]) for a in v) == 2)
    if paid_twice != two or two == 0:
        fail(f"{process}: {paid_twice} cases paid in two, the tables say {two}")
    # Orders of goods that move in two parts (what was on back order moves later).
    movement, moves = ("delivery", "Deliver Goods") if sale else ("goods_receipt", "Receive Goods")
    split = q(f"""select count(*) from (select reference_document_id from docs
                 where document_type = '{movement}' group by 1 having count(*) = 2)""")
    moved_twice = sum(n for v, n in variants.items() if v.count(moves) == 2)
    print(f"  {moves} in two parts {moved_twice} (the tables: {split})")
    if moved_twice != split or split == 0:
        fail(f"{process}: {moved_twice} cases with {moves} twice, the tables say {split}")
    without_order = sum(n for v, n in variants.items() if v[0] == HAPPY[process][2])
    dunned = sum(n for v, n in variants.items() if "Send Dunning Notice" in v)
    print(f"  credit blocks {want.get('Block Sales Order', 0)}, cash discounts {want[discount]},"
          f" dunning notices {want.get('Send Dunning Notice', 0)} in {dunned} cases,"
          f" paid in two {two}, cases starting at the {invoice} {without_order},"
          f" transfers returned {want.get('Payment Returned by Bank', 0)}"
          f" (sent again {want.get('Send Payment Again', 0)})")
    if sale:
        early = sum(n for v, n in variants.items()
                    if "Deliver Goods" in v and v.index("Issue Customer Invoice") < v.index("Deliver Goods"))
        labelled = q(f"""select count(*) from {table('anomalies')}
                        where anomaly_type in ('revenue_before_delivery', 'bill_and_hold')""")
        print(f"  invoiced before delivery {early} (labelled revenue_before_delivery or bill_and_hold: {labelled})")
        if early > labelled:
            fail(f"{process}: {early} deliveries invoiced before they left, {labelled} labelled")

    net, im, fm = pm4py.discover_petri_net_inductive(log)
    fitness = pm4py.fitness_token_based_replay(log, net, im, fm)["log_fitness"]
    dfg, _, _ = pm4py.discover_dfg(log)
    happy = HAPPY[process]
    missing = [e for e in zip(happy, happy[1:]) if dfg.get(e, 0) == 0]
    print(f"  inductive miner: {len(net.transitions)} transitions, fitness {fitness:.4f};"
          f" happy path edges {[dfg.get(e, 0) for e in zip(happy, happy[1:])]}")
    if fitness < 0.9999:
        fail(f"{process}: the discovered net replays the log with fitness {fitness}")
    if missing:
        fail(f"{process}: the directly-follows graph lacks {missing}")

ocel = pm4py.read_ocel2_json(f"{logs}/ocel2.json")
n_docs = q("select count(*) from docs")
n_blocks = q("select count(*) from docs where document_type = 'sales_order' and status = 'blocked'")
n_returns = q("select count(*) + count(again) from returns")
if len(ocel.events) != n_docs + n_blocks + n_returns:
    fail(f"OCEL: {len(ocel.events)} events, the tables give {n_docs + n_blocks + n_returns}")
types = ocel.objects["ocel:type"].value_counts().to_dict()
for t, n in con.sql("select document_type, count(*) from docs group by 1").fetchall():
    if types.get(t) != n:
        fail(f"OCEL: {types.get(t)} {t} objects, the documents table has {n}")
# pm4py keeps the partners and materials that take part in an event.
sales = "('sales_order','delivery','customer_invoice','dunning_notice','receipt')"
for t, sql in [
    ("vendor", f"select count(distinct partner_id) from docs where document_type not in {sales}"),
    ("customer", f"select count(distinct partner_id) from docs where document_type in {sales}"),
    ("material", f"select count(distinct material_id) from {table('document_items')}"),
]:
    n = q(sql)
    if types.get(t) != n:
        fail(f"OCEL: {types.get(t)} {t} objects, the tables have {n} in documents")
ocdfg = pm4py.discover_ocdfg(ocel)
flat = pm4py.ocel_flattening(ocel, "sales_order")
orders = q("select count(*) from docs where document_type = 'sales_order'")
cases = flat["case:concept:name"].nunique()
print(f"OCEL: {len(ocel.events)} events, {len(ocel.objects)} objects of {len(types)} types,"
      f" {len(ocel.relations)} event-object relations; OC-DFG over"
      f" {len(ocdfg['activities'])} activities; flattened on sales_order: {cases} cases")
if cases != orders:
    fail(f"OCEL flattened on sales_order: {cases} cases, {orders} sales orders")
if failed:
    sys.exit(1)
print("event logs: pm4py agrees with the tables")
