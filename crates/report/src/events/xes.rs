//! One process's event log as XES (IEEE 1849): a trace per case (an order, or an
//! invoice without one), its events in time order.

use super::{Id, Logs, Money, Stamp, Step};
use std::io::{self, Write};

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<global scope="trace"><string key="concept:name" value="__INVALID__"/></global>
<global scope="event"><string key="concept:name" value="__INVALID__"/><date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/></global>
<classifier name="Activity" keys="concept:name"/>
"#;

/// Writes the log of the order-to-cash (`sale`) or procure-to-pay documents of `logs`;
/// returns its cases and events.
pub(super) fn write(logs: &Logs, sale: bool, w: &mut impl Write) -> io::Result<(u64, u64)> {
    // (the case's first event, the event), sorted: cases in the order they began.
    let mut events: Vec<((i64, u128), super::OrderKey, u32, Step)> = Vec::new();
    for (i, d) in logs.docs.iter().enumerate() {
        if d.kind.sale() != sale {
            continue;
        }
        let i = i as u32;
        let root = &logs.docs[d.root as usize];
        let case = (root.at, root.id);
        for step in logs.steps(i) {
            events.push((case, logs.order_key(i, step), i, step));
        }
    }
    events.sort_unstable_by_key(|e| (e.0, e.1));
    w.write_all(HEAD.as_bytes())?;
    let mut cases = 0u64;
    let mut current = None;
    for &(case, _, i, step) in &events {
        if current != Some(case) {
            if current.is_some() {
                w.write_all(b"</trace>\n")?;
            }
            current = Some(case);
            cases += 1;
            let root = &logs.docs[logs.docs[i as usize].root as usize];
            write!(
                w,
                "<trace>\n<string key=\"concept:name\" value=\"{}\"/>\n\
                 <string key=\"case_type\" value=\"{}\"/>\n<string key=\"company_code\" value=\"",
                Id(root.id),
                root.kind.name()
            )?;
            escaped(&logs.words[usize::from(root.company)], w)?;
            writeln!(
                w,
                "\"/>\n<string key=\"partner_id\" value=\"{}\"/>",
                Id(root.partner)
            )?;
        }
        write_event(logs, i, step, w)?;
    }
    if current.is_some() {
        w.write_all(b"</trace>\n")?;
    }
    w.write_all(b"</log>\n")?;
    Ok((cases, events.len() as u64))
}

/// One event: its activity, time, resource (who entered its entry; none for what the
/// bank did), document and amount.
fn write_event(logs: &Logs, i: u32, step: Step, w: &mut impl Write) -> io::Result<()> {
    let d = &logs.docs[i as usize];
    let activity = step.activity(d);
    write!(
        w,
        "<event><string key=\"concept:name\" value=\"{activity}\"/>\
         <date key=\"time:timestamp\" value=\"{}.000+00:00\"/>",
        Stamp(logs.time(i, step))
    )?;
    if d.user != u16::MAX && step != Step::Returned {
        w.write_all(b"<string key=\"org:resource\" value=\"")?;
        escaped(&logs.words[usize::from(d.user)], w)?;
        w.write_all(b"\"/>")?;
    }
    write!(
        w,
        "<string key=\"document_id\" value=\"{}\"/>\
         <string key=\"document_type\" value=\"{}\"/>\
         <float key=\"amount\" value=\"{}\"/>",
        Id(d.id),
        d.kind.name(),
        Money(d.amount)
    )?;
    if d.discount != 0 {
        write!(
            w,
            "<float key=\"discount_amount\" value=\"{}\"/>",
            Money(d.discount)
        )?;
    }
    w.write_all(b"<string key=\"currency\" value=\"")?;
    escaped(&logs.words[usize::from(d.currency)], w)?;
    w.write_all(b"\"/></event>\n")
}

/// `s` as XML attribute text.
fn escaped(s: &str, w: &mut impl Write) -> io::Result<()> {
    let mut from = 0;
    for (k, c) in s.char_indices() {
        let with = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            _ => continue,
        };
        w.write_all(&s.as_bytes()[from..k])?;
        w.write_all(with.as_bytes())?;
        from = k + 1;
    }
    w.write_all(&s.as_bytes()[from..])
}
