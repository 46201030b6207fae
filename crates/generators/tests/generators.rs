//! The generators' contract: determinism by index, balanced entries, realistic
//! distributions, and links that resolve.

use std::collections::{HashMap, HashSet};
use synth_generators::{Batch, GeneratorConfig, JournalGenerator, MasterData};
use synth_model::{Date, JournalLine, Record, Table, Value};

fn generator() -> JournalGenerator {
    JournalGenerator::new(GeneratorConfig::default()).expect("default config is valid")
}

#[test]
fn a_range_equals_the_same_slice_of_a_full_run_whatever_the_batch_size() {
    let g = generator();
    let full = g.generate_range(0..3000).expect("valid range");
    for batch_size in [1u64, 7, 100, 999, 3000] {
        let mut joined = Batch::default();
        for b in g.generate_stream(0..3000, batch_size).expect("valid range") {
            joined.entries.extend(b.entries);
            joined.lines.extend(b.lines);
            joined.documents.extend(b.documents);
            joined.items.extend(b.items);
            joined.quotations.extend(b.quotations);
            joined.edges.extend(b.edges);
            joined.payslips.extend(b.payslips);
            joined.claims.extend(b.claims);
            joined.bank_statements.extend(b.bank_statements);
            joined.bank_lines.extend(b.bank_lines);
            joined.stock.extend(b.stock);
            joined.intercompany.extend(b.intercompany);
            joined.anomalies.extend(b.anomalies);
            joined.foreign.extend(b.foreign);
        }
        joined.range = 0..3000;
        assert!(joined == full, "batch size {batch_size} differs");
    }
    let mid = g.generate_range(1234..1300).expect("valid range");
    assert_eq!(mid.entries[..], full.entries[1234..1300]);
    // A different seed gives different data.
    let other = JournalGenerator::new(GeneratorConfig {
        seed: 7,
        ..GeneratorConfig::default()
    })
    .expect("valid");
    assert_ne!(
        other.generate_range(0..10).expect("valid range").entries,
        full.entries[..10]
    );
}

#[test]
fn every_entry_balances_over_one_million_entries() {
    let g = generator();
    let mut batch = Batch::with_capacity(50_000);
    let mut lines_total = 0usize;
    for start in (0..1_000_000u64).step_by(50_000) {
        g.generate_batch(&mut batch, start..start + 50_000)
            .expect("valid range");
        let mut k = 0;
        for e in &batch.entries {
            let lines = &batch.lines[k..k + e.line_count as usize];
            k += lines.len();
            let (mut debit, mut credit) = (0i64, 0i64);
            for (n, l) in lines.iter().enumerate() {
                assert_eq!(l.entry_id, e.entry_id);
                assert_eq!(l.line_number as usize, n + 1);
                assert!(
                    (l.debit == 0) != (l.credit == 0),
                    "exactly one side non-zero: {l:?}"
                );
                assert!(l.debit >= 0 && l.credit >= 0);
                debit += l.debit;
                credit += l.credit;
            }
            assert_eq!(debit, credit, "entry {:x} does not balance", e.entry_id);
        }
        assert_eq!(k, batch.lines.len());
        lines_total += k;
    }
    assert!(lines_total > 2_500_000, "{lines_total} lines");
}

#[test]
fn line_counts_are_heavy_tailed() {
    let b = generator().generate_range(0..200_000).expect("valid range");
    let counts: Vec<u32> = b.entries.iter().map(|e| e.line_count).collect();
    let n = counts.len() as f64;
    let share =
        |lo: u32, hi: u32| counts.iter().filter(|c| (lo..=hi).contains(*c)).count() as f64 / n;
    let mean = counts.iter().map(|c| f64::from(*c)).sum::<f64>() / n;
    let max = counts.iter().copied().max().unwrap_or(0);
    // A real ledger's: 61% two-line, 6.3% with 10-99 lines, 0.76% with 100-999, 0.02%
    // with 1 000 or more.
    assert!(
        (0.50..0.70).contains(&share(2, 2)),
        "two-line {}",
        share(2, 2)
    );
    assert!(
        (0.05..0.08).contains(&share(10, 99)),
        "10-99 {}",
        share(10, 99)
    );
    assert!(
        (0.006..0.0095).contains(&share(100, 999)),
        "100-999 {}",
        share(100, 999)
    );
    assert!(
        (0.0001..0.0004).contains(&share(1000, u32::MAX)),
        "1000+ {}",
        share(1000, u32::MAX)
    );
    assert!((5.0..=11.0).contains(&mean), "mean lines {mean}");
    assert!((1000..=1536).contains(&max), "longest entry {max}");
}

#[test]
fn allocations_move_costs_between_cost_centers_and_leave_every_account_as_it_was() {
    let b = generator().generate_range(0..100_000).expect("valid range");
    let mut lines = b.lines.iter().peekable();
    let mut allocations = 0;
    for e in &b.entries {
        let mine: Vec<&JournalLine> =
            std::iter::from_fn(|| lines.next_if(|l| l.entry_id == e.entry_id)).collect();
        if e.business_process != "cost_allocation" {
            continue;
        }
        allocations += 1;
        assert!(!e.is_anomaly && e.user_id == "SYS_CO" && e.source == "automated");
        assert_eq!(mine.len() % 2, 0);
        let mut per_account: HashMap<u32, i64> = HashMap::new();
        let mut triples = std::collections::HashSet::new();
        for pair in mine.chunks(2) {
            let (to, from) = (pair[0], pair[1]);
            assert_eq!(to.account, from.account);
            assert_eq!(to.debit, from.credit);
            assert!(to.debit > 0);
            let (to_cc, from_cc) = (
                to.cost_center.expect("receiver"),
                from.cost_center.expect("sender"),
            );
            assert_ne!(to_cc, from_cc);
            assert!(
                triples.insert((to.account, to_cc, from_cc)),
                "a triple twice"
            );
            *per_account.entry(to.account).or_default() += to.debit - from.credit;
        }
        assert!(per_account.values().all(|v| *v == 0));
        assert!(
            b.edges.iter().all(|g| g.entry_id != e.entry_id),
            "no graph edges"
        );
    }
    assert!(allocations > 4_000, "{allocations} allocations");

    // No shares: no allocations, and only the invoices' own items make long entries.
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = 100_000;
    c.transactions.long_entries = synth_generators::LongEntries {
        lines_10_to_99: 0.0,
        lines_100_to_999: 0.0,
        lines_1000_or_more: 0.0,
    };
    let b = JournalGenerator::new(c)
        .expect("valid")
        .generate_range(0..100_000)
        .expect("valid");
    assert!(
        b.entries
            .iter()
            .all(|e| e.business_process != "cost_allocation")
    );
}

#[test]
fn no_entry_has_more_lines_than_max_lines() {
    for max_lines in [6u32, 9, 100] {
        let mut c = GeneratorConfig::default();
        c.transactions.target_count = 300_000;
        c.transactions.max_lines = max_lines;
        // Two companies in VAT countries: invoices from abroad self-assess two tax lines.
        c.companies[0].currency = "EUR".into();
        let g = JournalGenerator::new(c).expect("valid");
        let b = g.generate_range(0..300_000).expect("valid range");
        let worst = b.entries.iter().map(|e| e.line_count).max().unwrap_or(0);
        assert!(
            worst <= max_lines,
            "max_lines {max_lines}: an entry of {worst} lines"
        );
        assert!(
            b.entries.iter().all(|e| e.line_count >= 2),
            "max_lines {max_lines}"
        );
    }
}

/// Nigrini's mean absolute deviation of first digits from Benford's law.
fn benford_mad(amounts: impl Iterator<Item = i64>) -> f64 {
    let mut observed = [0f64; 9];
    for a in amounts.filter(|a| *a > 0) {
        observed[(a.to_string().as_bytes()[0] - b'1') as usize] += 1.0;
    }
    let n: f64 = observed.iter().sum();
    (1..=9)
        .map(|d| (observed[d - 1] / n - (1.0 + 1.0 / d as f64).log10()).abs())
        .sum::<f64>()
        / 9.0
}

#[test]
fn amounts_follow_benford() {
    let b = generator().generate_range(0..200_000).expect("valid range");
    let lines = benford_mad(b.lines.iter().map(|l| l.debit.max(l.credit)));
    // Close conformity (Nigrini): MAD below 0.006.
    assert!(lines < 0.006, "first-digit MAD of line amounts {lines}");
    let invoices = benford_mad(
        b.documents
            .iter()
            .filter(|d| d.document_type.ends_with("invoice"))
            .map(|d| d.amount),
    );
    assert!(
        invoices < 0.012,
        "first-digit MAD of invoice amounts {invoices}"
    );
}

#[test]
fn posting_dates_have_period_end_spikes_and_quiet_weekends() {
    let g = generator();
    let b = g.generate_range(0..300_000).expect("valid range");
    let (first, last) = (
        Date::from_ymd(2024, 1, 1).expect("valid"),
        Date::from_ymd(2024, 12, 31).expect("valid"),
    );
    let mut per_day: HashMap<Date, f64> = HashMap::new();
    for e in &b.entries {
        assert!(e.posting_date >= first && e.posting_date <= last);
        assert!(e.document_date <= e.posting_date);
        let (y, m, _) = e.posting_date.ymd();
        // The year-end closing entries post on 31 December in period 13.
        let period = if e.header_text == "Year-end closing" {
            assert_eq!((m, e.posting_date.ymd().2), (12, 31));
            13
        } else {
            m
        };
        assert_eq!(
            (i32::from(e.fiscal_year), u32::from(e.fiscal_period)),
            (y, period)
        );
        *per_day.entry(e.posting_date).or_default() += 1.0;
    }
    let avg = |f: &dyn Fn(Date) -> bool| {
        let days: Vec<f64> = (first.0..=last.0)
            .map(Date)
            .filter(|d| f(*d))
            .map(|d| per_day.get(&d).copied().unwrap_or(0.0))
            .collect();
        days.iter().sum::<f64>() / days.len() as f64
    };
    let is_month_end = |d: Date| {
        let (y, m, day) = d.ymd();
        day + 2 >= synth_model::days_in_month(y, m)
    };
    let mid_weekday = avg(&|d| !d.is_weekend() && (10..=20).contains(&d.ymd().2));
    let weekend = avg(&|d| d.is_weekend() && !is_month_end(d));
    let month_end_weekday = avg(&|d| !d.is_weekend() && is_month_end(d) && d.ymd().1 % 3 != 0);
    let year_end_weekday = avg(&|d| !d.is_weekend() && d.ymd().1 == 12 && d.ymd().2 >= 27);
    println!(
        "mid {mid_weekday} month end {month_end_weekday} year end {year_end_weekday} weekend {weekend}"
    );
    assert!(
        month_end_weekday > 1.3 * mid_weekday,
        "month end {month_end_weekday} vs mid {mid_weekday}"
    );
    assert!(
        year_end_weekday > 1.2 * month_end_weekday,
        "year end {year_end_weekday} vs month end {month_end_weekday}"
    );
    assert!(
        weekend < 0.3 * mid_weekday,
        "weekend {weekend} vs weekday {mid_weekday}"
    );
}

#[test]
fn accounts_pair_sensibly_and_partners_exist() {
    let g = generator();
    let md: &MasterData = g.master_data();
    let vendors: HashSet<u128> = md.vendors.iter().map(|v| v.vendor_id).collect();
    let customers: HashSet<u128> = md.customers.iter().map(|c| c.customer_id).collect();
    let accounts: HashSet<u32> = md.accounts.iter().map(|a| a.account).collect();
    let b = g.generate_range(0..50_000).expect("valid range");
    let mut k = 0;
    let mut sources = HashSet::new();
    let mut users = HashSet::new();
    let mut companies = HashSet::new();
    for e in &b.entries {
        let lines = &b.lines[k..k + e.line_count as usize];
        k += lines.len();
        sources.insert(e.source);
        users.insert(e.user_id);
        companies.insert((
            e.company_code.as_str().to_string(),
            e.currency.as_str().to_string(),
        ));
        for l in lines {
            assert!(
                accounts.contains(&l.account),
                "unknown account {}",
                l.account
            );
            match l.account {
                200000 => assert!(vendors.contains(&l.partner_id.expect("AP line has a vendor"))),
                // A top-side entry (`fictitious_revenue`) books receivables of no
                // customer: that is what it is.
                120000 if e.anomaly_type == Some("fictitious_revenue") => {
                    assert_eq!(l.partner_id, None)
                }
                120000 => {
                    assert!(customers.contains(&l.partner_id.expect("AR line has a customer")))
                }
                _ => assert_eq!(l.partner_id, None),
            }
        }
        let debits: HashSet<u32> = lines
            .iter()
            .filter(|l| l.debit > 0)
            .map(|l| l.account)
            .collect();
        let credits: HashSet<u32> = lines
            .iter()
            .filter(|l| l.credit > 0)
            .map(|l| l.account)
            .collect();
        let within = |set: &HashSet<u32>, allowed: &[u32]| set.iter().all(|a| allowed.contains(a));
        if e.business_process == "intercompany" {
            // A group company's charge, shipment of goods or loan: on the accounts of
            // group companies (a shipment's goods on inventory, their cost and the
            // buyer's price difference), with the buyer's reverse charge and its
            // realised exchange difference.
            let (d, c): (&[u32], &[u32]) = match e.document_type {
                "DR" => (&[125000, 501000], &[430000, 431000, 130000]),
                "KR" => (&[675000, 130000, 505100, 145000], &[206000, 505100, 220000]),
                "KZ" => (&[206000, 696000], &[110000, 476000]),
                // A loan paid out or received, or its interest paid or received.
                "SA" => (&[127000, 110000, 698000], &[110000, 207000, 481000]),
                _ => (&[110000], &[125000]),
            };
            assert!(within(&debits, d) && within(&credits, c), "{e:?}");
            continue;
        }
        match e.document_type {
            // A vendor invoice from abroad: output tax self-assessed (the reverse charge).
            "KR" => assert!(
                within(&credits, &[200000, 505000, 220000]) && credits.contains(&200000),
                "{credits:?}"
            ),
            // A payment in another currency: the difference to the invoice's rate is a
            // realised exchange gain or loss, and the bank charges the transfer abroad.
            "KZ" => assert!(
                debits.contains(&200000)
                    && within(&debits, &[200000, 695000, 696000])
                    && within(&credits, &[110000, 450000, 476000]),
                "{debits:?} {credits:?}"
            ),
            "DR" => assert!(
                debits == HashSet::from([120000])
                    && within(&credits, &[400000, 410000, 420000, 220000]),
                "{credits:?}"
            ),
            "DZ" => assert!(
                credits.contains(&120000)
                    && within(&credits, &[120000, 476000])
                    && within(&debits, &[110000, 440000, 696000]),
                "{debits:?}"
            ),
            // An order priced off the standard cost leaves a price difference.
            "WE" => assert!(
                within(&debits, &[130000, 505000])
                    && debits.contains(&130000)
                    && within(&credits, &[205000, 505000])
                    && credits.contains(&205000),
                "{debits:?} {credits:?}"
            ),
            "WL" => {
                assert!(debits == HashSet::from([500000]) && credits == HashSet::from([130000]))
            }
            _ => {}
        }
    }
    assert_eq!(sources, HashSet::from(["manual", "automated"]));
    assert!(users.len() >= 10, "users {users:?}");
    assert_eq!(companies.len(), 2);
}

#[test]
fn documents_and_graph_links_resolve() {
    let g = generator();
    let b = g.generate_range(0..20_000).expect("valid range");
    let entries: HashSet<u128> = b.entries.iter().map(|e| e.entry_id).collect();
    let docs: HashMap<u128, &synth_model::Document> =
        b.documents.iter().map(|d| (d.document_id, d)).collect();
    assert_eq!(docs.len(), b.documents.len(), "document ids are unique");
    let mut payments_with_invoice = 0;
    for d in &b.documents {
        if let Some(r) = d.reference_document_id {
            let referenced = docs
                .get(&r)
                .unwrap_or_else(|| panic!("{} references a missing document", d.document_type));
            assert_eq!(referenced.partner_id, d.partner_id);
            if d.document_type == "payment" {
                assert_eq!(referenced.document_type, "vendor_invoice");
                assert!(
                    d.amount <= referenced.amount,
                    "a payment pays at most its invoice"
                );
                assert!(d.document_date > referenced.document_date);
                payments_with_invoice += 1;
            }
        }
        if let Some(e) = d.entry_id {
            assert!(entries.contains(&e));
        }
        let items: i64 = b
            .items
            .iter()
            .filter(|i| i.document_id == d.document_id)
            .map(|i| i.amount)
            .sum();
        if d.item_count > 0 {
            assert_eq!(
                items,
                d.amount - d.tax_amount,
                "items add up to the document's net"
            );
        }
        // Past the first company's opening items (an invoice and its settlement each).
        if d.document_id == b.documents[2000.min(b.documents.len() - 1)].document_id {
            break;
        }
    }
    assert!(payments_with_invoice > 0);
    for e in &b.entries {
        if let Some(d) = e.document_id {
            assert_eq!(docs.get(&d).and_then(|d| d.entry_id), Some(e.entry_id));
        }
    }
    let nodes: HashSet<u128> = g.master_data().nodes.iter().map(|n| n.node_id).collect();
    for edge in &b.edges {
        assert!(
            nodes.contains(&edge.source_node_id) && nodes.contains(&edge.target_node_id),
            "{edge:?}"
        );
        assert!(entries.contains(&edge.entry_id));
        assert!(edge.amount > 0);
    }
}

#[test]
fn cleared_registry_rebuilds_identically() {
    let mut g = generator();
    let before = synth_generators::master::build(&GeneratorConfig::default());
    assert_eq!(**g.master_data(), before);
    assert!(g.clear_caches() > 0);
    assert_eq!(**g.master_data(), before);
}

#[test]
fn invalid_config_names_the_field() {
    let mut c = GeneratorConfig::default();
    c.transactions.max_lines = 1;
    let e = JournalGenerator::new(c).expect_err("max_lines 1 is invalid");
    assert_eq!(
        e.to_string(),
        "transactions.max_lines: expected from 6 to 100000, got 1"
    );
    let mut c = GeneratorConfig::default();
    c.transactions.long_entries.lines_100_to_999 = f64::NAN;
    let e = JournalGenerator::new(c).expect_err("a share that is not a number");
    assert_eq!(
        e.to_string(),
        "transactions.long_entries.lines_100_to_999: expected a share from 0.0 to 0.25, got NaN"
    );
    let mut c = GeneratorConfig::default();
    c.transactions.long_entries.lines_10_to_99 = 0.2;
    c.transactions.long_entries.lines_100_to_999 = 0.1;
    let e = JournalGenerator::new(c).expect_err("shares over 0.25 together");
    assert!(
        e.to_string()
            .starts_with("transactions.long_entries: expected shares that add up to at most 0.25"),
        "{e}"
    );
}

/// Checks every value of every row against its column: type and nullability.
struct SchemaCheck {
    rows: usize,
}

impl synth_model::TableVisitor for SchemaCheck {
    type Error = String;
    fn rows<R: Record + Send + Sync + 'static>(
        &mut self,
        table: Table,
        rows: &[R],
    ) -> Result<(), String> {
        assert_eq!(R::TABLE, table.name());
        for r in rows {
            let mut k = 0;
            let mut bad = None;
            r.visit(&mut |v: Value<'_>| {
                let c = R::SCHEMA[k];
                if !v.fits(c.ty) || (v == Value::Null && !c.nullable) {
                    bad.get_or_insert(format!(
                        "{}.{}: {v:?} in a {:?} column",
                        table, c.name, c.ty
                    ));
                }
                k += 1;
            });
            assert_eq!(k, R::SCHEMA.len(), "{table}: one value per column");
            if let Some(b) = bad {
                return Err(b);
            }
        }
        self.rows += rows.len();
        Ok(())
    }
}

#[test]
fn every_value_of_every_table_fits_its_column() {
    let g = generator();
    let mut check = SchemaCheck { rows: 0 };
    g.master_data().visit(&mut check).expect("master data fits");
    g.generate_range(0..20_000)
        .expect("range")
        .visit(&mut check)
        .expect("batch fits");
    assert!(check.rows > 60_000, "{} rows checked", check.rows);
    // Records own no heap: their size is their memory. Printed for the docs.
    for t in Table::ALL {
        println!("{t}: {} bytes", t.record_bytes());
    }
    assert!(Table::JournalLines.record_bytes() <= 128);
    assert!(Table::JournalEntries.record_bytes() <= 256);
}

#[test]
fn an_inverted_range_is_an_error() {
    let g = generator();
    #[allow(clippy::reversed_empty_ranges)]
    let e = g.generate_range(10..5).expect_err("10..5 is no range");
    assert_eq!(
        e.to_string(),
        "invalid range of entries 10..5: the end is before the start"
    );
    let mut b = Batch::default();
    #[allow(clippy::reversed_empty_ranges)]
    let r = g.generate_batch(&mut b, 10..5);
    assert!(r.is_err());
    #[allow(clippy::reversed_empty_ranges)]
    let s = g.generate_stream(10..5, 3);
    assert!(s.is_err());
    assert_eq!(
        g.generate_range(5..5).expect("empty is fine").entries.len(),
        0
    );
}

#[test]
fn seasonality_shapes_the_months_and_bad_weights_are_refused() {
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = 60_000;
    c.anomalies.enabled = false;
    // July four times as busy as any other month.
    c.transactions.seasonality = [1.0; 12];
    c.transactions.seasonality[6] = 4.0;
    let b = JournalGenerator::new(c)
        .expect("valid")
        .generate_range(0..60_000)
        .expect("valid range");
    let invoices = |m: u32| {
        b.documents
            .iter()
            .filter(|d| d.document_type == "customer_invoice" && d.document_date.ymd().1 == m)
            .count() as f64
    };
    let (july, june, august) = (invoices(7), invoices(6), invoices(8));
    assert!(
        july > 3.0 * june && july > 3.0 * august,
        "{june} {july} {august}"
    );

    let mut c = GeneratorConfig::default();
    c.transactions.seasonality = [0.0; 12];
    let e = JournalGenerator::new(c).expect_err("no month has any weight");
    assert!(
        e.to_string()
            .starts_with("transactions.seasonality: expected 12 weights"),
        "{e}"
    );
    let mut c = GeneratorConfig::default();
    c.transactions.seasonality[3] = f64::NAN;
    assert!(JournalGenerator::new(c).is_err());
}
