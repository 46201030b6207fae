//! Labelled anomalies, in memory: which cases carry them is a pure function of (seed,
//! index), every label resolves to the rows it names, the counts per type follow the
//! rate and weights, and switching them off leaves clean books.

use std::collections::{HashMap, HashSet};
use synth_generators::{
    AnomalyType, AnomalyWeights, Batch, Difficulty, GeneratorConfig, JournalGenerator,
};

/// UUID text of an id, as the labels spell it.
fn uuid_string(id: u128) -> String {
    let h = format!("{id:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The entries an anomaly names, as the label spells them ("" when none).
fn entries_of(a: &synth_model::Anomaly) -> &str {
    a.entry_ids.as_ref().map_or("", |x| x.as_str())
}

fn generator(entries: u64, f: impl FnOnce(&mut GeneratorConfig)) -> JournalGenerator {
    let mut c = GeneratorConfig::default();
    c.transactions.target_count = entries;
    f(&mut c);
    JournalGenerator::new(c).expect("valid config")
}

fn all(g: &JournalGenerator, n: u64) -> Batch {
    g.generate_range(0..n).expect("range")
}

#[test]
fn labels_resolve_to_marked_entries_and_their_documents() {
    let n = 200_000;
    let g = generator(n, |_| {});
    let b = all(&g, n);
    assert!(!b.anomalies.is_empty());
    let entries: HashMap<String, _> = b
        .entries
        .iter()
        .map(|e| (uuid_string(e.entry_id), e))
        .collect();
    let documents: HashSet<String> = b
        .documents
        .iter()
        .map(|d| uuid_string(d.document_id))
        .collect();
    let mut labelled = HashSet::new();
    for a in &b.anomalies {
        assert!(AnomalyType::from_name(a.anomaly_type).is_some());
        if a.anomaly_type == "payroll_diversion" {
            // Labelled on payslips: the books are right.
            assert!(a.entry_ids.is_none(), "{a:?}");
            continue;
        }
        for id in entries_of(a).split(' ') {
            let e = entries.get(id).unwrap_or_else(|| panic!("{id} of {a:?}"));
            assert!(e.is_anomaly);
            assert_eq!(e.anomaly_type, Some(a.anomaly_type));
            // A month's cycle count writes off every theft of its month (up to three),
            // a payroll run pays every ghost of its company (up to two): their labels
            // share its entry.
            assert!(
                labelled.insert(id.to_string())
                    || matches!(a.anomaly_type, "inventory_theft" | "ghost_employee"),
                "one label per entry: {a:?}"
            );
        }
        if let Some(docs) = &a.document_ids {
            for id in docs.as_str().split(' ') {
                assert!(documents.contains(id), "{id} of {a:?}");
            }
        }
        if let Some(lines) = &a.line_refs {
            for r in lines.as_str().split(' ') {
                let (entry, line) = r.split_once(':').expect("ENTRY:LINE");
                let e = entries[entry];
                let line: u32 = line.parse().expect("number");
                assert!(line >= 1 && line <= e.line_count);
            }
        }
    }
    // Every marked entry is in a label.
    let marked = b.entries.iter().filter(|e| e.is_anomaly).count();
    assert_eq!(marked, labelled.len());
}

#[test]
fn counts_follow_the_rate_and_weights_and_the_generator_knows_them() {
    let n = 400_000;
    let g = generator(n, |c| {
        c.anomalies.rate = 0.02;
        c.anomalies.weights.round_amount = 3.0;
        c.anomalies.weights.benford_violation = 0.0;
    });
    let b = all(&g, n);
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for a in &b.anomalies {
        *seen.entry(a.anomaly_type).or_default() += 1;
    }
    let blocks = (n - g.scheduled_entries()) as f64 / 4.0;
    // The default weights (1, and 0 for the data-quality family), one at 3, one at 0.
    let defaults = AnomalyWeights::default();
    let w = |t: &AnomalyType| match t.name() {
        "round_amount" => 3.0,
        "benford_violation" => 0.0,
        _ => defaults.get(*t),
    };
    let total_weight: f64 = AnomalyType::ALL.iter().map(w).sum();
    for t in AnomalyType::ALL {
        let w = w(t);
        let mut want = blocks * 0.02 * w / total_weight;
        if t.name() == "ghost_employee" {
            // At most two a company.
            want = want.min(2.0 * g.master_data().companies.len() as f64);
        }
        let got = seen.get(t.name()).copied().unwrap_or(0) as f64;
        assert!(
            (got - want).abs() <= 0.05 * want + 2.0,
            "{}: {got} vs {want:.0}",
            t.name()
        );
    }
    // The counts the summary reports, for the whole run and any range of it.
    for range in [0..n, 0..1_000, 123_457..300_001, 399_000..n] {
        let want = g.anomaly_counts(range.clone());
        let b = g.generate_range(range.clone()).expect("range");
        for (t, k) in want {
            let got = b
                .anomalies
                .iter()
                .filter(|a| a.anomaly_type == t.name())
                .count() as u64;
            assert_eq!(got, k, "{} in {range:?}", t.name());
        }
    }
}

#[test]
fn any_range_holds_the_same_anomalies_as_the_full_run() {
    let n = 120_000;
    let g = generator(n, |c| c.anomalies.rate = 0.05);
    let full = all(&g, n);
    let mut joined = Batch::default();
    let mut at = 0;
    for size in [1u64, 7, 333, 4096, 17_001].iter().cycle() {
        if at >= n {
            break;
        }
        let end = (at + size).min(n);
        let b = g.generate_range(at..end).expect("range");
        joined.entries.extend_from_slice(&b.entries);
        joined.lines.extend_from_slice(&b.lines);
        joined.documents.extend_from_slice(&b.documents);
        joined.anomalies.extend_from_slice(&b.anomalies);
        at = end;
    }
    assert_eq!(joined.anomalies, full.anomalies);
    assert_eq!(joined.entries, full.entries);
    assert_eq!(joined.lines, full.lines);
    assert_eq!(joined.documents, full.documents);
}

#[test]
fn switched_off_there_are_none() {
    let n = 200_000;
    let g = generator(n, |c| c.anomalies.enabled = false);
    let b = all(&g, n);
    assert!(b.anomalies.is_empty());
    assert!(
        b.entries
            .iter()
            .all(|e| !e.is_anomaly && e.anomaly_type.is_none())
    );
    assert!(b.entries.iter().all(|e| e.approved_by != Some(e.user_id)));
    assert!(g.anomaly_counts(0..n).iter().all(|(_, k)| *k == 0));
    // The same happens at rate 0.
    let g = generator(n, |c| c.anomalies.rate = 0.0);
    assert!(all(&g, 50_000).anomalies.is_empty());
}

/// Checks every vendor payment of `b` against the bank-account history of the master
/// data; returns the payments within 45 days after a change of their vendor's account.
fn payments_after_changes(g: &JournalGenerator, b: &Batch) -> Vec<u128> {
    let md = g.master_data();
    let mut history: HashMap<u128, Vec<&synth_model::VendorBankChange>> = HashMap::new();
    for c in &md.vendor_bank_changes {
        history.entry(c.vendor_id).or_default().push(c);
    }
    for v in &md.vendors {
        if let Some(h) = history.get_mut(&v.vendor_id) {
            h.sort_by_key(|c| c.changed_at);
            // Each change starts from the account the one before left, the last is current.
            for w in h.windows(2) {
                assert_eq!(w[0].new_bank_account, w[1].old_bank_account);
            }
            assert_eq!(h.last().map(|c| c.new_bank_account), Some(v.bank_account));
            assert!(h.iter().all(|c| c.changed_at.date() > v.created_date));
        }
    }
    let vendors: HashMap<u128, _> = md.vendors.iter().map(|v| (v.vendor_id, v)).collect();
    let mut near = Vec::new();
    // (A diverted payment goes to an employee's account, whatever the vendor master says.)
    let diverted: HashSet<u128> = b
        .anomalies
        .iter()
        .filter(|a| a.anomaly_type == "payment_diversion")
        .flat_map(|a| {
            a.document_ids
                .iter()
                .flat_map(|ids| ids.as_str().split(' '))
        })
        .filter_map(|s| u128::from_str_radix(&s.replace('-', ""), 16).ok())
        .collect();
    for p in b
        .documents
        .iter()
        .filter(|d| d.document_type == "payment" && !diverted.contains(&d.document_id))
    {
        let v = vendors[&p.partner_id];
        let h = history.get(&p.partner_id).map_or(&[][..], |h| h.as_slice());
        let expected = h
            .iter()
            .rev()
            .find(|c| c.changed_at.date() <= p.document_date)
            .map(|c| c.new_bank_account)
            .or(h.first().map(|c| c.old_bank_account))
            .unwrap_or(v.bank_account);
        assert_eq!(
            p.bank_account,
            Some(expected),
            "payment {:x}",
            p.document_id
        );
        if h.iter().any(|c| {
            let day = c.changed_at.date();
            p.document_date >= day && p.document_date <= day.add_days(45)
        }) {
            near.push(p.entry_id.expect("a payment's entry"));
        }
    }
    assert!(
        b.documents
            .iter()
            .filter(|d| d.document_type != "payment")
            .all(|d| d.bank_account.is_none())
    );
    near
}

#[test]
fn a_payment_soon_after_a_bank_account_change_is_always_the_labelled_one() {
    let n = 400_000;
    let g = generator(n, |c| c.anomalies.rate = 0.02);
    let b = all(&g, n);
    let near = payments_after_changes(&g, &b);
    let labelled: Vec<&synth_model::Anomaly> = b
        .anomalies
        .iter()
        .filter(|a| a.anomaly_type == "vendor_bank_change")
        .collect();
    assert!(labelled.len() > 20, "{}", labelled.len());
    assert_eq!(near.len(), labelled.len());
    let ids: HashSet<String> = labelled.iter().map(|a| entries_of(a).to_string()).collect();
    for e in near {
        assert!(ids.contains(&uuid_string(e)), "unlabelled payment {e:x}");
        let entry = b.entries.iter().find(|x| x.entry_id == e).expect("entry");
        assert_eq!(entry.anomaly_type, Some("vendor_bank_change"));
    }
    // The changes of the anomalies and the ordinary ones are all in the vendor master.
    let md = g.master_data();
    assert!(md.vendor_bank_changes.len() > 2 * labelled.len());

    // Switched off, the ordinary changes remain and no payment follows one closely.
    let g = generator(n, |c| c.anomalies.enabled = false);
    let b = all(&g, n);
    assert!(g.master_data().vendor_bank_changes.len() > 20);
    assert!(payments_after_changes(&g, &b).is_empty());
}

#[test]
fn anomaly_vendors_are_bounded_by_the_vendor_master_whatever_the_labels() {
    // Many more fictitious-vendor and diverted-payment labels than 40 vendors allow
    // vendors of their own: at most 4 fictitious and 10 occasional vendors.
    let n = 200_000;
    let g = generator(n, |c| {
        c.master_data.vendors = 40;
        c.anomalies.rate = 0.05;
        for t in AnomalyType::ALL {
            let on = matches!(
                t,
                AnomalyType::FictitiousVendor | AnomalyType::VendorBankChange
            );
            c.anomalies.weights.set(*t, f64::from(u8::from(on)));
        }
    });
    let b = all(&g, n);
    let md = g.master_data();
    assert_eq!(md.vendors.len(), 40 + 4 + 10);
    let count = |t: &str| b.anomalies.iter().filter(|a| a.anomaly_type == t).count();
    assert!(
        count("fictitious_vendor") > 100,
        "{}",
        count("fictitious_vendor")
    );
    // Each fictitious vendor bills several times, every invoice after its creation and
    // labelled; no configured vendor is fictitious.
    let fictitious: HashMap<u128, &synth_model::Vendor> = md.vendors[40..44]
        .iter()
        .map(|v| (v.vendor_id, v))
        .collect();
    let labelled: HashSet<u128> = b
        .entries
        .iter()
        .filter(|e| e.anomaly_type == Some("fictitious_vendor"))
        .map(|e| e.entry_id)
        .collect();
    let mut invoices: HashMap<u128, usize> = HashMap::new();
    for d in b
        .documents
        .iter()
        .filter(|d| d.document_type == "vendor_invoice")
    {
        if let Some(v) = fictitious.get(&d.partner_id) {
            assert!(d.document_date > v.created_date, "{d:?} before {v:?}");
            assert!(labelled.contains(&d.entry_id.expect("entry")), "{d:?}");
            *invoices.entry(d.partner_id).or_default() += 1;
        }
    }
    assert_eq!(invoices.len(), 4);
    assert!(invoices.values().all(|k| *k > 10), "{invoices:?}");
    // Diverted payments: one vendor's are months apart, each found after its change and
    // labelled; the histories hold (checked by payments_after_changes).
    let diverted = count("vendor_bank_change");
    assert!(diverted > 10, "{diverted}");
    assert_eq!(payments_after_changes(&g, &b).len(), diverted);
    let mut by_vendor: HashMap<u128, Vec<synth_model::Date>> = HashMap::new();
    for c in &md.vendor_bank_changes {
        by_vendor
            .entry(c.vendor_id)
            .or_default()
            .push(c.changed_at.date());
    }
    let occasional: HashSet<u128> = md.vendors[44..].iter().map(|v| v.vendor_id).collect();
    assert!(
        occasional
            .iter()
            .any(|v| by_vendor.get(v).is_some_and(|d| d.len() >= 4))
    );
}

/// A run of `n` entries with only `types` weighted, at `level` (or easy with `types[0]`
/// at `level` when `only_first`).
/// Each user, by login.
fn approval_limits(g: &JournalGenerator) -> HashMap<&'static str, synth_model::User> {
    g.master_data()
        .users
        .iter()
        .map(|u| (u.user_id, *u))
        .collect()
}

/// The limit `e`'s approver approved it under: the one in force the day it was entered
/// (0 when nobody approved it).
fn limit_of(
    users: &HashMap<&'static str, synth_model::User>,
    e: &synth_model::JournalEntry,
) -> i64 {
    e.approved_by
        .map_or(0, |u| users[u].limit_on(e.created_at.date()))
}

/// A run of `n` entries with every type on by default at `level`, at a rate of 2%.
fn every_type_at(n: u64, level: Difficulty) -> (JournalGenerator, Batch) {
    let g = generator(n, |c| {
        c.anomalies.rate = 0.02;
        c.anomalies.difficulty = level;
    });
    let b = all(&g, n);
    (g, b)
}

fn at_level(
    n: u64,
    types: &[AnomalyType],
    level: Difficulty,
    only_first: bool,
) -> (JournalGenerator, Batch) {
    let g = generator(n, |c| {
        let mut w = AnomalyWeights::default();
        for t in AnomalyType::ALL {
            w.set(*t, f64::from(u8::from(types.contains(t))));
        }
        c.anomalies.weights = w;
        c.anomalies.rate = 0.02;
        if only_first {
            c.anomalies.difficulty_by_type.approval_above_limit = Some(level);
        } else {
            c.anomalies.difficulty = level;
        }
    });
    let b = all(&g, n);
    (g, b)
}

/// Each entry's total debit.
fn totals(b: &Batch) -> HashMap<u128, i64> {
    let mut t = HashMap::new();
    for l in &b.lines {
        *t.entry(l.entry_id).or_insert(0) += l.debit;
    }
    t
}

#[test]
fn levels_move_each_type_toward_the_clean_rows_and_add_look_alikes() {
    use AnomalyType as A;
    let types = [
        A::ApprovalAboveLimit,
        A::BackdatedEntry,
        A::OffHoursEntry,
        A::RoundAmount,
    ];
    let n = 60_000;
    let mut lateness = Vec::new();
    for level in [Difficulty::Easy, Difficulty::Realistic, Difficulty::Hard] {
        let (g, b) = at_level(n, &types, level, false);
        let limits = approval_limits(&g);
        let total = totals(&b);
        // Every entry balances at every level.
        let mut credit: HashMap<u128, i64> = HashMap::new();
        for l in &b.lines {
            *credit.entry(l.entry_id).or_insert(0) += l.credit;
        }
        assert_eq!(total, credit, "{level:?}: an entry does not balance");
        for a in &b.anomalies {
            assert_eq!(a.difficulty, level.name());
            assert_eq!(
                a.family,
                AnomalyType::from_name(a.anomaly_type)
                    .expect("type")
                    .family()
                    .name()
            );
        }
        let (mut over, mut late, mut look_alikes) = (Vec::new(), Vec::new(), 0);
        // Above-limit approvals within the approver's limit as the users table shows it
        // today (approved before the limit was raised), and clean approvals above the
        // previous limit of a user whose limit was raised (approved after).
        let (mut hidden, mut raised_clean) = (0, 0);
        for e in &b.entries {
            let hour = e.created_at.seconds_of_day() / 3600;
            let lag = e.created_at.date().0 - e.posting_date.0;
            if let Some(u) = e.approved_by.map(|u| &limits[u]) {
                let t = total[&e.entry_id];
                if e.anomaly_type.is_none() && t > u.previous_approval_limit {
                    assert!(u.approval_limit_since <= Some(e.created_at.date()), "{e:?}");
                    raised_clean += 1;
                }
                if e.anomaly_type == Some("approval_above_limit") && t <= u.approval_limit {
                    assert!(u.approval_limit_since > Some(e.created_at.date()), "{e:?}");
                    hidden += 1;
                }
            }
            match e.anomaly_type {
                Some("approval_above_limit") => {
                    let limit = limit_of(&limits, e);
                    over.push(total[&e.entry_id] as f64 / limit as f64);
                }
                Some("backdated_entry") => {
                    let (_, pm, _) = e.posting_date.ymd();
                    let (_, cm, _) = e.created_at.date().ymd();
                    assert!(pm != cm, "{level:?}: backdated within its month: {e:?}");
                    late.push(lag);
                }
                None if e.source == "manual" && !(7..19).contains(&hour) => look_alikes += 1,
                None if e.source == "manual" && lag > 0 => look_alikes += 1,
                _ => {}
            }
        }
        let min = over.iter().copied().fold(f64::MAX, f64::min);
        let max = over.iter().copied().fold(0.0, f64::max);
        assert!(!over.is_empty() && min > 1.0, "{level:?}: {min}");
        let (want_min, want_max) = level.pick((1.1, 3.6), (1.02, 1.5), (1.0, 1.1));
        assert!(
            min >= want_min - 0.01 && max <= want_max + 0.01,
            "{level:?}: {min}..{max}"
        );
        lateness.push(late.iter().sum::<i32>() as f64 / late.len().max(1) as f64);
        assert!(raised_clean > 0, "{level:?}: no raised limit used");
        // About a third of the above-limit approvals (realistic) and half (hard) were
        // signed off before a raise that now covers them; none at easy.
        let share = f64::from(hidden) / over.len() as f64;
        let (low, high) = level.pick((0.0, 0.0), (0.15, 0.5), (0.35, 0.8));
        assert!(
            (low..=high).contains(&share),
            "{level:?}: {hidden} of {}",
            over.len()
        );
        // Clean look-alikes (late at a close, entered in the next month's first days)
        // only above easy.
        match level {
            Difficulty::Easy => assert_eq!(look_alikes, 0),
            _ => assert!(look_alikes > 0, "{level:?}: no near misses"),
        }
    }
    assert!(
        lateness[0] > lateness[1] && lateness[1] > lateness[2],
        "{lateness:?}"
    );

    // One type at another level: only its labels say so, the rest stay easy.
    let (_, b) = at_level(n, &types, Difficulty::Hard, true);
    for a in &b.anomalies {
        let hard = a.anomaly_type == "approval_above_limit";
        assert_eq!(a.difficulty, if hard { "hard" } else { "easy" });
    }
}

#[test]
fn the_data_quality_family_is_off_by_default_and_damages_only_its_labelled_rows() {
    use AnomalyType as A;
    let dq = [
        A::MissingCostCenter,
        A::MissingText,
        A::EncodingDamage,
        A::Typo,
    ];
    let defaults = AnomalyWeights::default();
    for t in AnomalyType::ALL {
        let off = t.family() == synth_generators::Family::DataQuality;
        assert_eq!(off, dq.contains(t), "{}", t.name());
        assert_eq!(
            defaults.get(*t),
            if off { 0.0 } else { 1.0 },
            "{}",
            t.name()
        );
    }
    let n = 60_000;
    let g = generator(n, |c| {
        for t in AnomalyType::ALL {
            c.anomalies
                .weights
                .set(*t, f64::from(u8::from(dq.contains(t))));
        }
        c.anomalies.rate = 0.05;
    });
    let b = all(&g, n);
    let mut seen = HashMap::new();
    for e in &b.entries {
        let no_text = e.header_text.is_empty();
        let damaged = e.header_text.contains('\u{FFFD}');
        const TYPOS: &[&str] = &[
            "Petty cahs",
            "Cash purhcase",
            "Petty cash vocuher",
            "Reclassifciation",
            "Cost center corretcion",
            "Reclass, see meom",
            "Expense cliam",
            "Travel expense reoprt",
            "Employee reimbursment",
            "Direct debti",
            "Bank debti",
            "Standing oredr",
        ];
        let typo = TYPOS.contains(&e.header_text);
        let lost = b.lines.iter().any(|l| {
            l.entry_id == e.entry_id
                && l.cost_center.is_none()
                && (500_000..700_000).contains(&l.account)
                && e.source == "manual"
        });
        let want = match e.anomaly_type {
            Some("missing_text") => (true, false, false, false),
            Some("encoding_damage") => (false, true, false, false),
            Some("missing_cost_center") => (false, false, true, false),
            Some("typo") => (false, false, false, true),
            _ => (false, false, false, false),
        };
        assert_eq!((no_text, damaged, lost, typo), want, "{e:?}");
        *seen.entry(e.anomaly_type).or_insert(0) += 1;
    }
    for t in dq {
        assert!(
            seen.get(&Some(t.name())).copied().unwrap_or(0) > 10,
            "{}: {seen:?}",
            t.name()
        );
    }
    // The line that lost its cost center is the one the label names.
    for a in b
        .anomalies
        .iter()
        .filter(|a| a.anomaly_type == "missing_cost_center")
    {
        let refs = a.line_refs.as_ref().expect("line_refs");
        assert_eq!(refs.as_str().split(' ').count(), 1, "{a:?}");
        assert_eq!(a.family, "data_quality");
    }
}

#[test]
fn each_manual_entry_type_carries_its_mark_and_no_clean_entry_does() {
    // What each of five single-entry types is, as an auditor's rule reads it: every
    // labelled entry of the type meets it, no other entry does, at every level.
    use synth_model::{JournalEntry, JournalLine};
    type Rule = fn(&JournalEntry, &[&JournalLine], &HashSet<&str>) -> bool;
    let rules: [(&str, Rule); 7] = [
        ("fictitious_revenue", |e, lines, _| {
            e.source == "manual"
                && e.document_type == "SA"
                && lines
                    .iter()
                    .any(|l| (400_000..430_000).contains(&l.account) && l.credit > 0)
        }),
        ("suspicious_text", |e, _, _| {
            let h = e.header_text.to_lowercase();
            e.source == "manual"
                && [
                    "plug",
                    "cfo",
                    "do not reverse",
                    "override",
                    "forecast",
                    "instructed",
                    "confidential",
                    "top-side",
                ]
                .iter()
                .any(|w| h.contains(w))
        }),
        ("missing_approval", |e, _, _| {
            e.source == "manual" && e.document_type == "SA" && e.approved_by.is_none()
        }),
        ("unusual_user", |e, _, accounting| {
            e.source == "manual"
                && e.document_type == "SA"
                && matches!(e.business_process, "general_ledger" | "expenses")
                && !accounting.contains(e.user_id)
        }),
        ("wrong_period", |e, _, _| {
            let (y, m, _) = e.posting_date.ymd();
            let (dy, dm, _) = e.document_date.ymd();
            e.source == "manual"
                && e.document_type == "SA"
                && e.business_process == "expenses"
                && (y, m) != (dy, dm)
        }),
        ("misposting", |e, lines, _| {
            e.source == "manual"
                && lines
                    .iter()
                    .any(|l| (400_000..430_000).contains(&l.account) && l.debit > 0)
        }),
        ("improper_capitalization", |e, lines, _| {
            e.source == "manual"
                && e.document_type == "SA"
                && lines
                    .iter()
                    .any(|l| (150_000..159_000).contains(&l.account) && l.debit > 0)
        }),
    ];
    for level in [Difficulty::Easy, Difficulty::Hard] {
        let n = 150_000;
        let (g, b) = every_type_at(n, level);
        let accounting: HashSet<&str> = g
            .master_data()
            .users
            .iter()
            .filter(|u| {
                matches!(
                    u.role,
                    "gl_accountant"
                        | "senior_accountant"
                        | "controller"
                        | "finance_director"
                        | "cfo"
                )
            })
            .map(|u| u.user_id)
            .collect();
        let mut lines: HashMap<u128, Vec<&JournalLine>> = HashMap::new();
        for l in &b.lines {
            lines.entry(l.entry_id).or_default().push(l);
        }
        for (t, rule) in rules {
            let mut found = 0;
            for e in &b.entries {
                let hit = rule(e, &lines[&e.entry_id], &accounting);
                assert_eq!(hit, e.anomaly_type == Some(t), "{t} at {level:?}: {e:?}");
                found += usize::from(hit);
            }
            assert!(found >= 15, "{t} at {level:?}: {found}");
        }
        // A padded meal claim is above every clean one of its company.
        let kind: HashMap<u128, Option<&str>> = b
            .entries
            .iter()
            .map(|e| (e.entry_id, e.anomaly_type))
            .collect();
        let meals = |padded: bool| {
            let mut most: HashMap<_, (i64, i64)> = HashMap::new();
            for c in b.claims.iter().filter(|c| c.category == "meals") {
                if (kind[&c.entry_id] == Some("inflated_expense_claim")) == padded {
                    let m = most.entry(c.company_code).or_insert((i64::MAX, 0));
                    *m = (m.0.min(c.amount), m.1.max(c.amount));
                }
            }
            most
        };
        let (padded, clean) = (meals(true), meals(false));
        assert!(!padded.is_empty());
        for (company, (lowest, _)) in padded {
            assert!(lowest > clean[&company].1, "{company:?} at {level:?}");
        }
    }
}

#[test]
fn a_duplicate_repeats_an_earlier_case_and_no_clean_case_repeats_one() {
    let n = 150_000;
    for level in [Difficulty::Easy, Difficulty::Hard] {
        let (_, b) = every_type_at(n, level);
        let entry: HashMap<u128, &synth_model::JournalEntry> =
            b.entries.iter().map(|e| (e.entry_id, e)).collect();
        // Claims: the same receipt submitted again, eight days or more after the first
        // (a day's clean claims are all submitted within a week of it).
        let mut receipts: HashMap<_, Vec<&synth_model::ExpenseClaim>> = HashMap::new();
        for c in &b.claims {
            let key = (
                c.employee_id,
                c.expense_date,
                c.amount,
                c.category,
                c.description,
            );
            receipts.entry(key).or_default().push(c);
        }
        let mut again = 0;
        for claims in receipts.values() {
            for c in claims {
                let repeat = claims
                    .iter()
                    .any(|o| c.submitted_date.0 >= o.submitted_date.0 + 8);
                let t = entry[&c.entry_id].anomaly_type;
                assert_eq!(repeat, t == Some("duplicate_expense_claim"), "{c:?}");
                again += usize::from(repeat);
            }
        }
        assert!(again >= 15, "{again} at {level:?}");
        // Reclassifications: every line the same, by the same user with the same text,
        // approved by the same user, within the level's days of the first.
        type Lines<'a> = Vec<(u32, Option<&'a str>, i64, i64)>;
        let mut lines: HashMap<u128, Lines> = HashMap::new();
        for l in &b.lines {
            lines.entry(l.entry_id).or_default().push((
                l.account,
                l.cost_center,
                l.debit,
                l.credit,
            ));
        }
        let mut seen: HashMap<_, Vec<&synth_model::JournalEntry>> = HashMap::new();
        for e in &b.entries {
            if e.business_process == "general_ledger" && e.source == "manual" {
                let key = (
                    e.company_code,
                    e.user_id,
                    e.approved_by,
                    e.header_text,
                    &lines[&e.entry_id],
                );
                seen.entry(key).or_default().push(e);
            }
        }
        let mut twice = 0;
        let days = level.pick(30, 70, 160);
        for same in seen.values() {
            for e in same {
                let at = |x: &synth_model::JournalEntry| (x.posting_date, x.created_at, x.entry_id);
                let repeat = same
                    .iter()
                    .any(|o| at(o) < at(e) && e.posting_date.0 - o.posting_date.0 <= days);
                assert_eq!(repeat, e.anomaly_type == Some("duplicate_entry"), "{e:?}");
                twice += usize::from(repeat);
            }
        }
        assert!(twice >= 15, "{twice} at {level:?}");
    }
}

#[test]
fn a_cookie_jar_accrual_is_never_reversed_and_only_its_release_debits_accruals_by_hand() {
    let n = 150_000;
    let g = generator(n, |c| c.anomalies.rate = 0.02);
    let b = all(&g, n);
    let reversed: HashSet<u128> = b.entries.iter().filter_map(|e| e.reversal_of).collect();
    let mut accrued: HashMap<u128, i64> = HashMap::new();
    let mut released: HashMap<u128, i64> = HashMap::new();
    for l in b.lines.iter().filter(|l| l.account == 210_000) {
        *accrued.entry(l.entry_id).or_default() += l.credit;
        *released.entry(l.entry_id).or_default() += l.debit;
    }
    let by_id: HashMap<u128, &synth_model::JournalEntry> =
        b.entries.iter().map(|e| (e.entry_id, e)).collect();
    // A manual debit of accrued liabilities that reverses nothing is a release.
    for e in &b.entries {
        let release = e.source == "manual"
            && e.reversal_of.is_none()
            && released.get(&e.entry_id).is_some_and(|d| *d > 0);
        assert_eq!(
            release,
            e.anomaly_type == Some("cookie_jar_reserve")
                && accrued.get(&e.entry_id).is_none_or(|c| *c == 0),
            "{e:?}"
        );
    }
    let mut labels = 0;
    for a in b
        .anomalies
        .iter()
        .filter(|a| a.anomaly_type == "cookie_jar_reserve")
    {
        let ids: Vec<u128> = entries_of(a)
            .split(' ')
            .map(|s| u128::from_str_radix(&s.replace('-', ""), 16).expect("uuid"))
            .collect();
        let [accrual, release] = ids[..] else {
            panic!("two entries: {a:?}")
        };
        assert!(!reversed.contains(&accrual), "{a:?}");
        assert_eq!(accrued[&accrual], released[&release], "{a:?}");
        assert!(
            by_id[&accrual].posting_date < by_id[&release].posting_date,
            "{a:?}"
        );
        labels += 1;
    }
    assert!(labels >= 15, "{labels}");
}

/// The ids a label names in `list` (space-separated UUIDs).
fn ids_of(list: &str) -> Vec<u128> {
    list.split(' ')
        .filter_map(|s| u128::from_str_radix(&s.replace('-', ""), 16).ok())
        .collect()
}

/// The types whose traces in master data and documents the next test follows.
const TRACED: [&str; 6] = [
    "shell_vendor",
    "duplicate_vendor",
    "payment_diversion",
    "former_employee_claim",
    "kickback",
    "transposed_digits",
];

#[test]
fn the_vendor_and_employee_types_leave_the_traces_their_queries_look_for() {
    let n = 150_000;
    let g = generator(n, |c| {
        c.anomalies.rate = 0.02;
        for t in AnomalyType::ALL {
            c.anomalies.weights.set(*t, 0.0);
        }
        for t in TRACED {
            c.anomalies
                .weights
                .set(AnomalyType::from_name(t).expect("type"), 1.0);
        }
    });
    let b = all(&g, n);
    let md = g.master_data();
    let employee_accounts: HashSet<_> = md.employees.iter().map(|e| e.bank_account).collect();
    let vendor = |id: u128| {
        md.vendors
            .iter()
            .find(|v| v.vendor_id == id)
            .expect("vendor")
    };
    let docs: HashMap<u128, &synth_model::Document> =
        b.documents.iter().map(|d| (d.document_id, d)).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for a in &b.anomalies {
        *seen.entry(a.anomaly_type).or_default() += 1;
        let named: Vec<&synth_model::Document> = a
            .document_ids
            .as_ref()
            .map(|l| ids_of(l.as_str()))
            .unwrap_or_default()
            .iter()
            .filter_map(|id| docs.get(id).copied())
            .collect();
        match a.anomaly_type {
            "shell_vendor" => {
                let v = vendor(a.partner_id.expect("partner"));
                assert!(employee_accounts.contains(&v.bank_account), "{v:?}");
            }
            "duplicate_vendor" => {
                let copy = vendor(a.partner_id.expect("partner"));
                let twin = md
                    .vendors
                    .iter()
                    .find(|v| v.vat_id == copy.vat_id && v.vendor_id != copy.vendor_id)
                    .expect("an older vendor with its tax ID");
                assert!(twin.created_date < copy.created_date);
                assert_eq!(twin.bank_account, copy.bank_account);
            }
            "payment_diversion" => {
                let pay = named
                    .iter()
                    .find(|d| d.document_type == "payment")
                    .expect("payment");
                let to = pay.bank_account.expect("account");
                assert!(employee_accounts.contains(&to), "{pay:?}");
                assert_ne!(Some(to), Some(vendor(pay.partner_id).bank_account));
            }
            "former_employee_claim" => {
                let entry = ids_of(entries_of(a))[0];
                let claim = b
                    .claims
                    .iter()
                    .find(|c| c.entry_id == entry)
                    .expect("claim");
                let e = md
                    .employees
                    .iter()
                    .find(|e| e.employee_id == claim.employee_id)
                    .expect("employee");
                assert!(
                    e.leave_date.is_some_and(|l| l < claim.expense_date),
                    "{claim:?}"
                );
                assert_eq!(claim.bank_account, e.bank_account);
            }
            "kickback" => {
                assert_eq!(ids_of(entries_of(a)).len(), 2, "receipt and invoice");
                let po = named
                    .iter()
                    .find(|d| d.document_type == "purchase_order")
                    .expect("order");
                let item = b
                    .items
                    .iter()
                    .find(|i| i.document_id == po.document_id && i.item_number == 1)
                    .expect("item");
                let m = md
                    .materials
                    .iter()
                    .find(|m| Some(m.material_id) == item.material_id)
                    .expect("material");
                // The default companies' rates are 1 (USD) and 0.92 (EUR).
                let rate = if po.currency.as_str() == "USD" {
                    1.0
                } else {
                    0.92
                };
                let over = item.unit_price as f64 / (m.standard_cost as f64 * rate);
                assert!(over > 1.2, "{over}: {item:?}");
            }
            "transposed_digits" => {
                let price = |kind: &str| {
                    let d = named.iter().find(|d| d.document_type == kind).expect(kind);
                    b.items
                        .iter()
                        .find(|i| i.document_id == d.document_id && i.item_number == 1)
                        .expect("item")
                        .unit_price
                };
                let (a, b) = (
                    price("vendor_invoice").to_string(),
                    price("purchase_order").to_string(),
                );
                let differ: Vec<usize> = (0..a.len())
                    .filter(|&i| a.as_bytes()[i] != b.as_bytes()[i])
                    .collect();
                assert_eq!(a.len(), b.len());
                assert!(differ.len() == 2 && differ[1] == differ[0] + 1, "{a} {b}");
            }
            other => panic!("{other} was not weighted"),
        }
    }
    for t in TRACED {
        assert!(seen.get(t).copied().unwrap_or(0) >= 20, "{t}: {seen:?}");
    }
}

#[test]
fn a_split_entry_is_two_parts_below_a_limit_that_their_sum_exceeds_and_no_clean_pair_is() {
    use synth_model::JournalEntry;
    let n = 150_000;
    for level in [Difficulty::Easy, Difficulty::Hard] {
        let (g, b) = every_type_at(n, level);
        let limits = approval_limits(&g);
        // Each manual reclassification's total and shape: its accounts, cost centers
        // and sides, whatever the amounts.
        type Shape<'a> = (i64, Vec<(u32, Option<&'a str>, bool)>);
        let mut shape: HashMap<u128, Shape> = HashMap::new();
        for l in &b.lines {
            let s = shape.entry(l.entry_id).or_default();
            s.0 += l.debit;
            s.1.push((l.account, l.cost_center, l.debit > 0));
        }
        let reclasses: Vec<&JournalEntry> = b
            .entries
            .iter()
            .filter(|e| {
                e.source == "manual"
                    && e.document_type == "SA"
                    && e.business_process == "general_ledger"
            })
            .collect();
        let (share, days) = level.pick((0.9, 0), (0.85, 4), (0.8, 14));
        // Whether two entries are a split, as the documented rule reads it (`naive`:
        // against the lowest limit, whoever approved them).
        let rule = |a: &JournalEntry, b: &JournalEntry, naive: bool| {
            let (ta, sa) = &shape[&a.entry_id];
            let (tb, sb) = &shape[&b.entry_id];
            let mut sa = sa.clone();
            let mut sb = sb.clone();
            sa.sort();
            sb.sort();
            let lim = |e: &JournalEntry| match naive {
                true => 2_500_000,
                false => limit_of(&limits, e),
            };
            let near = |t: i64, l: i64| t <= l && t as f64 >= share * l as f64;
            a.company_code == b.company_code
                && a.user_id == b.user_id
                && sa == sb
                && lim(a) == lim(b)
                && near(*ta, lim(a))
                && near(*tb, lim(b))
                && ta + tb > lim(a)
                && (a.posting_date.0 - b.posting_date.0).abs() <= days
        };
        let split = |a: &JournalEntry, b: &JournalEntry| rule(a, b, false);
        let labelled: Vec<Vec<u128>> = b
            .anomalies
            .iter()
            .filter(|a| a.anomaly_type == "split_entry")
            .map(|a| ids_of(entries_of(a)))
            .collect();
        assert!(labelled.len() >= 15, "{level:?}: {}", labelled.len());
        let entry: HashMap<u128, &JournalEntry> =
            b.entries.iter().map(|e| (e.entry_id, e)).collect();
        for pair in &labelled {
            let [x, y] = pair[..] else {
                panic!("two entries: {pair:?}")
            };
            assert!(
                split(entry[&x], entry[&y]),
                "{level:?}: {:?} {:?} {:?} {:?}",
                entry[&x],
                entry[&y],
                shape[&x],
                shape[&y]
            );
            // One accountant approves what a senior accountant should have.
            assert_eq!(limit_of(&limits, entry[&x]), 2_500_000);
        }
        // No two clean reclassifications meet the rule; above easy, some meet the naive
        // one: the look-alikes, approved by a senior accountant.
        let mut look_alikes = 0;
        for (i, a) in reclasses.iter().enumerate() {
            for b in &reclasses[i + 1..] {
                if a.anomaly_type.is_none() || b.anomaly_type.is_none() {
                    assert!(!split(a, b), "{level:?}: {a:?} {b:?}");
                    if rule(a, b, true) {
                        // A senior accountant's, or the controllers' after a raise.
                        assert!(limit_of(&limits, a) >= 10_000_000, "{a:?}");
                        look_alikes += 1;
                    }
                }
            }
        }
        match level {
            Difficulty::Easy => assert_eq!(look_alikes, 0),
            _ => assert!(look_alikes >= 10, "{look_alikes}"),
        }
    }
}

/// The employees by id, and whose each bank account is.
#[allow(clippy::type_complexity)]
fn employees_and_accounts(
    md: &synth_generators::MasterData,
) -> (HashMap<u128, &synth_model::Employee>, HashMap<&str, u128>) {
    (
        md.employees.iter().map(|e| (e.employee_id, e)).collect(),
        md.employees
            .iter()
            .map(|e| (e.bank_account.as_str(), e.employee_id))
            .collect(),
    )
}

#[test]
fn a_payroll_diversion_pays_exactly_its_labelled_payslips_elsewhere() {
    let n = 150_000;
    for level in [Difficulty::Easy, Difficulty::Hard] {
        let (g, b) = every_type_at(n, level);
        let md = g.master_data();
        let (employee, accounts) = employees_and_accounts(md);
        // The employee's account of a day, as the master and its change log say.
        let changed: HashMap<u128, &synth_model::EmployeeBankChange> = md
            .employee_bank_changes
            .iter()
            .map(|c| (c.employee_id, c))
            .collect();
        assert!(!changed.is_empty(), "some employees change banks");
        assert_eq!(changed.len(), md.employee_bank_changes.len(), "once each");
        let account_on = |id: u128, day: synth_model::Date| match changed.get(&id) {
            Some(c) if day < c.changed_at.date() => c.old_bank_account,
            _ => employee[&id].bank_account,
        };
        // Those still employed (a payslip after leaving is a ghost employee's).
        let employed = |p: &synth_model::Payslip| {
            employee[&p.employee_id]
                .leave_date
                .is_none_or(|d| p.period_start <= d)
        };
        let elsewhere: HashSet<u128> = b
            .payslips
            .iter()
            .filter(|p| employed(p))
            .filter(|p| p.bank_account != account_on(p.employee_id, p.pay_date))
            .map(|p| p.payslip_id)
            .collect();
        // Reimbursements go to the account of their day, always.
        let posted: HashMap<u128, synth_model::Date> = b
            .entries
            .iter()
            .map(|e| (e.entry_id, e.posting_date))
            .collect();
        for c in &b.claims {
            assert_eq!(
                c.bank_account,
                account_on(c.employee_id, posted[&c.entry_id]),
                "{c:?}"
            );
        }
        // Some payslips before an ordinary change go to the old account: what a rule
        // that reads the master alone flags too.
        let before = b
            .payslips
            .iter()
            .filter(|p| p.bank_account != employee[&p.employee_id].bank_account)
            .filter(|p| !elsewhere.contains(&p.payslip_id))
            .count();
        assert!(before > 0, "{level:?}");
        let labels: Vec<&synth_model::Anomaly> = b
            .anomalies
            .iter()
            .filter(|a| a.anomaly_type == "payroll_diversion")
            .collect();
        assert!(labels.len() >= 15, "{level:?}: {}", labels.len());
        let mut labelled = HashSet::new();
        for a in &labels {
            assert!(a.entry_ids.is_none(), "the books are right: {a:?}");
            let ids = ids_of(a.payslip_ids.as_ref().map_or("", |x| x.as_str()));
            assert!(!ids.is_empty(), "{a:?}");
            for id in &ids {
                let p = b
                    .payslips
                    .iter()
                    .find(|p| p.payslip_id == *id)
                    .expect("a labelled payslip is written");
                assert_eq!(Some(p.employee_id), a.partner_id, "the employee paid");
                // A colleague's account, or (hard) one nobody in the data has.
                let owner = accounts.get(p.bank_account.as_str());
                match level {
                    Difficulty::Hard => assert_eq!(owner, None, "{p:?}"),
                    _ => assert!(owner.is_some_and(|o| *o != p.employee_id), "{p:?}"),
                }
                labelled.insert(*id);
            }
            let runs = ids.len();
            match level {
                Difficulty::Hard => assert_eq!(runs, 1, "one run"),
                _ => assert!(runs == 2 || runs == 4, "two months: {runs}"),
            }
        }
        assert_eq!(elsewhere, labelled, "{level:?}");
        // The payslips carry their label, as entries do.
        for p in b.payslips.iter().filter(|p| employed(p)) {
            let diverted = labelled.contains(&p.payslip_id);
            assert_eq!(p.is_anomaly, diverted, "{p:?}");
            assert_eq!(p.anomaly_type, diverted.then_some("payroll_diversion"));
        }
    }
}

#[test]
fn a_ghost_employee_is_paid_after_leaving_exactly_in_its_labelled_payslips_and_runs() {
    let n = 150_000;
    for level in [Difficulty::Easy, Difficulty::Realistic, Difficulty::Hard] {
        let (g, b) = every_type_at(n, level);
        let md = g.master_data();
        let (employee, accounts) = employees_and_accounts(md);
        // What a rule finds: payslips for a period after the leave date; those of a
        // salary are the ghosts', the others (above easy) pay a leaver's unused
        // vacation a month late, unlabelled, to their own account.
        let (after, late): (Vec<&synth_model::Payslip>, Vec<&synth_model::Payslip>) = b
            .payslips
            .iter()
            .filter(|p| {
                employee[&p.employee_id]
                    .leave_date
                    .is_some_and(|d| p.period_start > d)
            })
            .partition(|p| p.salary > 0);
        for p in &late {
            assert!(
                p.vacation_payout > 0 && p.gross == p.vacation_payout,
                "{p:?}"
            );
            assert!(!p.is_anomaly, "{p:?}");
            assert_eq!(accounts.get(p.bank_account.as_str()), Some(&p.employee_id));
        }
        match level {
            Difficulty::Easy => assert!(late.is_empty(), "{}", late.len()),
            _ => assert!(!late.is_empty(), "{level:?}: no look-alike"),
        }
        let labels: Vec<&synth_model::Anomaly> = b
            .anomalies
            .iter()
            .filter(|a| a.anomaly_type == "ghost_employee")
            .collect();
        // At most two a company, and the run finds room for them.
        assert!(
            (2..=2 * md.companies.len()).contains(&labels.len()),
            "{level:?}: {}",
            labels.len()
        );
        let (mut slips, mut runs) = (HashSet::new(), HashSet::new());
        for a in &labels {
            let ids = ids_of(a.payslip_ids.as_ref().map_or("", |x| x.as_str()));
            let entries = ids_of(entries_of(a));
            for id in &ids {
                let p = b
                    .payslips
                    .iter()
                    .find(|p| p.payslip_id == *id)
                    .expect("a labelled payslip is written");
                assert_eq!(Some(p.employee_id), a.partner_id, "the employee paid");
                assert!(entries.contains(&p.entry_id), "its run is named: {a:?}");
                // A colleague's account (easy), else one nobody in the data has.
                let owner = accounts.get(p.bank_account.as_str());
                match level {
                    Difficulty::Easy => {
                        assert!(owner.is_some_and(|o| *o != p.employee_id), "{p:?}")
                    }
                    _ => assert_eq!(owner, None, "{p:?}"),
                }
                // No time off nor overtime, but at the hard level.
                if level != Difficulty::Hard {
                    assert_eq!((p.vacation_days + p.sick_days, p.overtime), (0, 0), "{p:?}");
                }
                slips.insert(*id);
            }
            runs.extend(entries);
        }
        let found: HashSet<u128> = after.iter().map(|p| p.payslip_id).collect();
        assert_eq!(
            found, slips,
            "{level:?}: the payslips after leaving are the labelled"
        );
        // The runs that pay them are marked, and only those.
        let marked: HashSet<u128> = b
            .entries
            .iter()
            .filter(|e| e.anomaly_type == Some("ghost_employee"))
            .map(|e| e.entry_id)
            .collect();
        let paying: HashSet<u128> = after.iter().map(|p| p.entry_id).collect();
        assert_eq!(marked, runs, "{level:?}");
        assert_eq!(marked, paying, "{level:?}");
        for p in &b.payslips {
            assert_eq!(
                p.anomaly_type == Some("ghost_employee"),
                found.contains(&p.payslip_id),
                "{p:?}"
            );
        }
    }
}

#[test]
fn an_inventory_theft_is_written_off_by_its_months_count_and_no_clean_count_loses_as_much() {
    let n = 150_000;
    for level in [Difficulty::Easy, Difficulty::Hard] {
        let (g, b) = every_type_at(n, level);
        let months = f64::from(g.config().months);
        // Each company's average month of goods issued, at cost.
        let mut cogs: HashMap<synth_model::CompanyCode, f64> = HashMap::new();
        for s in b.stock.iter().filter(|s| s.movement_type == "goods_issue") {
            *cogs.entry(s.company_code).or_insert(0.0) -= s.value as f64 / months;
        }
        let entries: HashMap<u128, &synth_model::JournalEntry> =
            b.entries.iter().map(|e| (e.entry_id, e)).collect();
        let share = |s: &synth_model::StockMovement| -(s.value as f64) / cogs[&s.company_code];
        let (mut stolen, mut clean) = (Vec::new(), Vec::new());
        for s in b
            .stock
            .iter()
            .filter(|s| s.movement_type == "count_difference")
        {
            let e = entries[&s.entry_id];
            assert_eq!(e.header_text, "Cycle count and scrap");
            match s.anomaly_type {
                Some(t) => {
                    assert_eq!(t, "inventory_theft");
                    assert!(s.is_anomaly && s.quantity < 0, "{s:?}");
                    assert_eq!(e.anomaly_type, Some("inventory_theft"), "{e:?}");
                    stolen.push(share(s));
                }
                None => {
                    assert!(!s.is_anomaly);
                    clean.push(share(s));
                }
            }
        }
        // Only count differences carry the mark.
        assert!(
            b.stock
                .iter()
                .all(|s| s.movement_type == "count_difference" || !s.is_anomaly)
        );
        let labels: Vec<&synth_model::Anomaly> = b
            .anomalies
            .iter()
            .filter(|a| a.anomaly_type == "inventory_theft")
            .collect();
        assert!(labels.len() >= 10, "{level:?}: {}", labels.len());
        assert_eq!(stolen.len(), labels.len(), "one marked movement per theft");
        let lines: HashMap<(u128, u32), &synth_model::JournalLine> = b
            .lines
            .iter()
            .map(|l| ((l.entry_id, l.line_number), l))
            .collect();
        for a in &labels {
            let ids = ids_of(entries_of(a));
            assert_eq!(ids.len(), 1, "{a:?}");
            assert_eq!(entries[&ids[0]].posting_date, a.posting_date);
            let refs = a.line_refs.as_ref().map_or("", |x| x.as_str());
            let texts: Vec<&str> = refs
                .split(' ')
                .map(|r| {
                    let (id, n) = r.split_once(':').expect("ENTRY:LINE");
                    assert_eq!(id, uuid_string(ids[0]));
                    lines[&(ids[0], n.parse().expect("a line number"))].line_text
                })
                .collect();
            assert_eq!(texts, ["Cycle count difference", "Stock adjustment"]);
        }
        let largest_clean = clean.iter().copied().fold(0.0, f64::max);
        let smallest_theft = stolen.iter().copied().fold(f64::MAX, f64::min);
        assert!(largest_clean < 0.003, "{level:?}: {largest_clean}");
        match level {
            // Far above any clean loss.
            Difficulty::Easy => assert!(smallest_theft > 0.01, "{smallest_theft}"),
            // Within what clean counts lose.
            _ => assert!(
                smallest_theft > 0.0001 && smallest_theft < largest_clean,
                "{smallest_theft} vs {largest_clean}"
            ),
        }
    }
}

#[test]
fn a_count_writes_off_at_most_three_thefts() {
    let n = 100_000;
    let g = generator(n, |c| {
        let mut w = AnomalyWeights::default();
        for t in AnomalyType::ALL {
            w.set(*t, f64::from(u8::from(*t == AnomalyType::InventoryTheft)));
        }
        c.anomalies.weights = w;
        c.anomalies.rate = 0.5;
    });
    let b = all(&g, n);
    let mut per_entry: HashMap<String, usize> = HashMap::new();
    for a in b.anomalies.iter() {
        assert_eq!(a.anomaly_type, "inventory_theft");
        *per_entry.entry(entries_of(a).to_string()).or_default() += 1;
    }
    // Two companies, twelve months: every count full, none over.
    let counts = b
        .entries
        .iter()
        .filter(|e| e.header_text == "Cycle count and scrap")
        .count();
    assert_eq!(counts, 24);
    assert_eq!(per_entry.len(), counts);
    assert!(per_entry.values().all(|k| *k == 3), "{per_entry:?}");
    // And the generator's summary agrees.
    let summary: u64 = g.anomaly_counts(0..n).iter().map(|(_, k)| *k).sum();
    assert_eq!(summary, 72);
}

#[test]
fn a_collusion_is_two_accountants_approving_each_other_and_no_clean_pair_does_so_at_easy() {
    use synth_model::JournalEntry;
    let n = 150_000;
    for level in [Difficulty::Easy, Difficulty::Hard] {
        let (g, b) = every_type_at(n, level);
        let limits = approval_limits(&g);
        let total = totals(&b);
        let entry: HashMap<u128, &JournalEntry> =
            b.entries.iter().map(|e| (e.entry_id, e)).collect();
        let (share, days) = level.pick((0.55, 0), (0.35, 7), (0.15, 21));
        let labels: Vec<Vec<u128>> = b
            .anomalies
            .iter()
            .filter(|a| a.anomaly_type == "collusion")
            .map(|a| ids_of(entries_of(a)))
            .collect();
        assert!(labels.len() >= 15, "{level:?}: {}", labels.len());
        for ids in &labels {
            assert_eq!(ids.len(), 4, "{ids:?}");
            let es: Vec<&JournalEntry> = ids.iter().map(|id| entry[id]).collect();
            let (x, y) = (es[0].user_id, es[1].user_id);
            assert_ne!(x, y);
            for (k, e) in es.iter().enumerate() {
                let (by, approver) = if k % 2 == 0 { (x, y) } else { (y, x) };
                assert_eq!((e.user_id, e.approved_by), (by, Some(approver)), "{e:?}");
                assert_eq!(e.anomaly_type, Some("collusion"));
                assert_eq!(
                    (e.source, e.document_type, e.business_process),
                    ("manual", "SA", "general_ledger")
                );
                let lim = limit_of(&limits, e);
                assert_eq!(lim, 2_500_000, "approved by an accountant");
                let t = total[&e.entry_id] as f64;
                assert!(t >= share * lim as f64 && t < 0.8 * lim as f64, "{t}");
                assert!((e.posting_date.0 - es[0].posting_date.0).abs() <= days);
                assert_eq!(e.company_code, es[0].company_code);
            }
        }
        if level != Difficulty::Easy {
            continue;
        }
        // The easy rule: a pair of users who each enter, the same day, two entries or
        // more that the other approves, each 55% of the limit or more, below it.
        let big: Vec<&JournalEntry> = b
            .entries
            .iter()
            .filter(|e| {
                e.source == "manual"
                    && e.document_type == "SA"
                    && e.business_process == "general_ledger"
                    && e.approved_by.is_some_and(|u| {
                        let (t, l) = (total[&e.entry_id], limit_of(&limits, e));
                        u != e.user_id && t < l && t as f64 >= 0.55 * l as f64
                    })
            })
            .collect();
        for a in &big {
            let count = |user: &str, approver: Option<&str>| {
                big.iter()
                    .filter(|b| {
                        b.company_code == a.company_code
                            && b.user_id == user
                            && b.approved_by == approver
                            && b.posting_date == a.posting_date
                    })
                    .count()
            };
            let same = count(a.user_id, a.approved_by);
            let back = count(a.approved_by.unwrap_or("-"), Some(a.user_id));
            // Every collusion is found, and nothing clean: a labelled entry of another
            // scheme that its users happen to enter the same day counts with theirs.
            let found = same >= 2 && back >= 2;
            if a.anomaly_type == Some("collusion") {
                assert!(found, "{a:?}: {same} {back}");
            } else {
                assert!(!found || a.is_anomaly, "{a:?}: {same} {back}");
            }
        }
    }
}

#[test]
fn a_conflict_of_interest_vendor_sits_at_an_employees_home_as_its_level_says() {
    let n = 150_000;
    for level in [Difficulty::Easy, Difficulty::Realistic, Difficulty::Hard] {
        let (g, b) = at_level(n, &[AnomalyType::ConflictOfInterest], level, false);
        let md = g.master_data();
        let docs: HashMap<u128, &synth_model::Document> =
            b.documents.iter().map(|d| (d.document_id, d)).collect();
        let entry: HashMap<u128, &synth_model::JournalEntry> =
            b.entries.iter().map(|e| (e.entry_id, e)).collect();
        fn number(s: &str) -> Option<&str> {
            s.split(' ')
                .find(|w| w.chars().all(|c| c.is_ascii_digit() || c == '-'))
        }
        let street_name = |s: &str| {
            s.split(' ')
                .filter(|w| !w.chars().all(|c| c.is_ascii_digit() || c == '-'))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let labels: Vec<_> = b
            .anomalies
            .iter()
            .filter(|a| a.anomaly_type == "conflict_of_interest")
            .collect();
        assert!(labels.len() >= 15, "{level:?}: {}", labels.len());
        let invoice_of = |a: &synth_model::Anomaly| {
            ids_of(a.document_ids.as_ref().expect("documents").as_str())
                .iter()
                .filter_map(|id| docs.get(id))
                .find(|d| d.document_type == "vendor_invoice")
                .map(|d| (d.partner_id, d.document_date))
                .expect("invoice")
        };
        let mut first_day: HashMap<u128, synth_model::Date> = HashMap::new();
        for a in &labels {
            let (v, day) = invoice_of(a);
            let f = first_day.entry(v).or_insert(day);
            *f = (*f).min(day);
        }
        let mut conflict_vendors = HashSet::new();
        for a in &labels {
            let v = md
                .vendors
                .iter()
                .find(|v| Some(v.vendor_id) == a.partner_id)
                .expect("the vendor");
            conflict_vendors.insert(v.vendor_id);
            let company = md
                .companies
                .iter()
                .find(|c| c.company_code == a.company_code)
                .expect("company");
            assert_eq!(v.country, company.country);
            let ids = ids_of(a.document_ids.as_ref().expect("documents").as_str());
            let invoice = ids
                .iter()
                .filter_map(|id| docs.get(id))
                .find(|d| d.document_type == "vendor_invoice")
                .expect("invoice");
            let payment = ids
                .iter()
                .filter_map(|id| docs.get(id))
                .find(|d| d.document_type == "payment")
                .expect("payment");
            let day = invoice.document_date;
            assert!(v.created_date.0 <= day.0 - 60, "an established vendor");
            // Paid by the payment run, by its terms.
            let pay = entry[&payment.entry_id.expect("entry")];
            assert_eq!((pay.user_id, pay.source), ("SYS_PAYRUN", "automated"));
            assert!(payment.document_date.0 >= day.0);
            // An employee of the company on the vendor's first invoice's day lives
            // there.
            let first = first_day[&v.vendor_id];
            let home = md.employees.iter().find(|e| {
                e.company_code == a.company_code
                    && e.hire_date <= first
                    && e.leave_date.is_none_or(|l| l >= first)
                    && e.postcode == v.postcode
                    && e.city == v.city
                    && match level {
                        Difficulty::Easy => e.street == v.street,
                        Difficulty::Realistic => {
                            street_name(e.street.as_str()) == street_name(v.street.as_str())
                                && number(e.street.as_str()) != number(v.street.as_str())
                        }
                        Difficulty::Hard => {
                            street_name(e.street.as_str()) != street_name(v.street.as_str())
                        }
                    }
            });
            assert!(home.is_some(), "{level:?}: {v:?}");
        }
        if level == Difficulty::Easy {
            // No other vendor is at an employee's address.
            let homes: HashSet<_> = md
                .employees
                .iter()
                .map(|e| (e.street, e.postcode, e.city))
                .collect();
            for v in &md.vendors {
                assert_eq!(
                    homes.contains(&(v.street, v.postcode, v.city)),
                    conflict_vendors.contains(&v.vendor_id),
                    "{v:?}"
                );
            }
        }
    }
}

#[test]
fn the_vendor_master_is_written_by_creation_date_so_no_row_tells_an_anomalys_vendor() {
    let n = 150_000;
    let g = generator(n, |c| c.anomalies.rate = 0.02);
    let md = g.master_data();
    let written = g.master_tables();
    let key = |v: &synth_model::Vendor| (v.created_date, v.vendor_id);
    assert!(written.vendors.windows(2).all(|w| key(&w[0]) < key(&w[1])));
    let mut a: Vec<u128> = md.vendors.iter().map(|v| v.vendor_id).collect();
    let mut b: Vec<u128> = written.vendors.iter().map(|v| v.vendor_id).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "the same vendors");
    // The graph's vendor nodes in the same order, every other node as it was.
    let nodes: Vec<u128> = written
        .nodes
        .iter()
        .filter(|x| x.node_type == "vendor")
        .map(|x| x.node_id)
        .collect();
    let order: Vec<u128> = written.vendors.iter().map(|v| v.vendor_id).collect();
    assert_eq!(nodes, order);
    assert_eq!(written.nodes.len(), md.nodes.len());
    for (x, y) in written.nodes.iter().zip(&md.nodes) {
        assert_eq!(x.node_type, y.node_type);
        if x.node_type != "vendor" {
            assert_eq!(x, y);
        }
    }
    // The vendors the anomalies made before the period (a conflict of interest's, the
    // occasional ones of a bank-account change) sit among the configured vendors.
    let b = all(&g, n);
    let configured = g.config().master_data.vendors as usize;
    let row: HashMap<u128, usize> = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let rows: Vec<usize> = b
        .anomalies
        .iter()
        .filter(|a| {
            matches!(
                a.anomaly_type,
                "conflict_of_interest" | "vendor_bank_change"
            )
        })
        .filter_map(|a| a.partner_id.and_then(|p| row.get(&p).copied()))
        .collect();
    assert!(rows.len() >= 20, "{}", rows.len());
    assert!(
        rows.iter().filter(|r| **r < configured).count() * 2 > rows.len(),
        "{rows:?}"
    );
}

#[test]
fn a_rigged_tender_is_won_by_its_ring_in_turn_and_only_its_covers_bid_so_close() {
    use AnomalyType as A;
    use std::collections::BTreeMap;
    use synth_model::{Document, Quotation};
    for level in [Difficulty::Easy, Difficulty::Hard] {
        let (_, b) = at_level(150_000, &[A::BidRigging, A::Kickback], level, false);
        let docs: HashMap<u128, &Document> =
            b.documents.iter().map(|d| (d.document_id, d)).collect();
        let mut tenders: BTreeMap<u128, Vec<&Quotation>> = BTreeMap::new();
        for q in &b.quotations {
            tenders.entry(q.request_id).or_default().push(q);
        }
        // The orders and vendors of the labels.
        let label_of = |t: &str| -> HashMap<u128, u128> {
            b.anomalies
                .iter()
                .filter(|a| a.anomaly_type == t)
                .flat_map(|a| {
                    let docs = &docs;
                    let partner = a.partner_id.expect("a vendor");
                    a.document_ids
                        .as_ref()
                        .map(|l| ids_of(l.as_str()))
                        .unwrap_or_default()
                        .into_iter()
                        .filter(move |id| docs[id].document_type == "purchase_order")
                        .map(move |id| (id, partner))
                })
                .collect()
        };
        let rigged = label_of("bid_rigging");
        let kickbacks = label_of("kickback");
        assert!(rigged.len() >= 20, "{level:?}: {} rigged", rigged.len());
        assert!(
            tenders.len() > 4 * rigged.len(),
            "{} tenders",
            tenders.len()
        );
        let (low, high) = level.pick((1.005, 1.025), (1.01, 1.04), (1.015, 1.06));
        let mut ring: HashMap<_, HashSet<u128>> = HashMap::new();
        let mut winners: HashMap<_, HashSet<u128>> = HashMap::new();
        for bids in tenders.values() {
            let won: Vec<&&Quotation> = bids.iter().filter(|q| q.awarded).collect();
            assert_eq!(won.len(), 1, "{bids:?}");
            let w = won[0];
            let po = docs[&w.purchase_order_id];
            // The lowest bid wins, and the order is its vendor's at its amount.
            assert_eq!(po.document_type, "purchase_order");
            assert_eq!((po.partner_id, po.amount), (w.vendor_id, w.amount));
            assert!(bids.len() >= 3, "{bids:?}");
            let mut vendors = HashSet::new();
            for q in bids {
                assert!(vendors.insert(q.vendor_id), "a vendor bids once: {bids:?}");
                assert_eq!(
                    (q.request_id, q.company_code),
                    (w.request_id, po.company_code)
                );
                assert_eq!(q.purchase_order_id, po.document_id);
                assert!(q.request_date < q.quotation_date && q.quotation_date < po.document_date);
                assert_eq!(q.is_anomaly, rigged.contains_key(&po.document_id), "{q:?}");
                if q.awarded {
                    continue;
                }
                let above = q.amount as f64 / w.amount as f64;
                assert!(above > 1.0, "{bids:?}");
                if q.is_anomaly {
                    assert!(above >= low - 1e-4 && above <= high + 1e-4, "{above}");
                    assert_eq!(q.anomaly_type, Some("bid_rigging"));
                } else if level == Difficulty::Easy {
                    // At easy no clean tender comes as close.
                    assert!(above >= 1.01 - 1e-4, "{above}: {bids:?}");
                }
            }
            if let Some(partner) = rigged.get(&po.document_id) {
                assert_eq!(w.vendor_id, *partner);
                ring.entry(po.company_code).or_default().extend(vendors);
                winners
                    .entry(po.company_code)
                    .or_default()
                    .insert(w.vendor_id);
            }
            // A kickback's order is never a tender's.
            assert!(!kickbacks.contains_key(&po.document_id));
        }
        assert!(!kickbacks.is_empty());
        // Each company's rigged tenders are among three vendors, that take turns.
        for (company, vendors) in &ring {
            assert!((2..=3).contains(&vendors.len()), "{company:?}: {vendors:?}");
            assert!(winners[company].len() >= 2, "{company:?}: {winners:?}");
        }
    }
}
