//! The object-centric event log, OCEL 2.0 JSON: object and event types with their
//! attributes, the objects (documents, partners, materials) with their relations, and
//! the events with theirs, in time order.

use super::{BLOCK, Id, Kind, Logs, Money, NONE, RETURNED, SENT_AGAIN, Stamp, Step};
use std::io::{self, Write};

/// The time OCEL 2.0 gives an object attribute that never changes.
const SINCE_EVER: &str = "1970-01-01T00:00:00Z";

/// Writes the log of `logs` with `events` (in time order); returns the objects written.
pub(super) fn write(logs: &Logs, events: &[(u32, Step)], w: &mut impl Write) -> io::Result<u64> {
    w.write_all(b"{\"objectTypes\":[")?;
    let document = [
        ("company_code", "string"),
        ("amount", "float"),
        ("currency", "string"),
        ("status", "string"),
    ];
    let mut types: Vec<(&str, &[(&str, &str)])> = Kind::ALL
        .iter()
        .map(|k| (k.name(), &document[..]))
        .collect();
    let partner: &[(&str, &str)] = &[("name", "string"), ("country", "string")];
    types.push(("vendor", partner));
    types.push(("customer", partner));
    types.push(("material", &[("description", "string")]));
    write_types(&types, w)?;
    w.write_all(b"],\"eventTypes\":[")?;
    let event: &[(&str, &str)] = &[
        ("company_code", "string"),
        ("amount", "float"),
        ("currency", "string"),
        ("resource", "string"),
    ];
    let payment: &[(&str, &str)] = &[
        ("company_code", "string"),
        ("amount", "float"),
        ("currency", "string"),
        ("resource", "string"),
        ("discount_amount", "float"),
    ];
    let mut types: Vec<(&str, &[(&str, &str)])> = Vec::new();
    for k in Kind::ALL {
        types.push((k.activity(false), event));
        if matches!(k, Kind::Payment | Kind::Receipt) {
            types.push((k.activity(true), payment));
        }
        if k == Kind::Payment {
            types.push((RETURNED, event));
            types.push((SENT_AGAIN, event));
        }
        if k == Kind::SalesOrder {
            types.push((BLOCK, event));
        }
    }
    write_types(&types, w)?;
    w.write_all(b"],\"objects\":[")?;
    let objects = write_objects(logs, w)?;
    w.write_all(b"],\"events\":[")?;
    for (n, &(i, step)) in events.iter().enumerate() {
        if n > 0 {
            w.write_all(b",")?;
        }
        write_event(logs, i, step, w)?;
    }
    w.write_all(b"]}\n")?;
    Ok(objects)
}

/// `[{"name": .., "attributes": [{"name": .., "type": ..}]}]`'s inside.
fn write_types(types: &[(&str, &[(&str, &str)])], w: &mut impl Write) -> io::Result<()> {
    for (n, (name, attributes)) in types.iter().enumerate() {
        let sep = if n > 0 { "," } else { "" };
        write!(w, "{sep}{{\"name\":\"{name}\",\"attributes\":[")?;
        for (k, (a, t)) in attributes.iter().enumerate() {
            let sep = if k > 0 { "," } else { "" };
            write!(w, "{sep}{{\"name\":\"{a}\",\"type\":\"{t}\"}}")?;
        }
        w.write_all(b"]}")?;
    }
    Ok(())
}

/// A JSON string of any text.
fn text(s: &str, w: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer(&mut *w, s).map_err(io::Error::other)
}

/// The objects: each document (its company, amount, currency and final status; the
/// document it follows and its partner), then the partners and the materials.
fn write_objects(logs: &Logs, w: &mut impl Write) -> io::Result<u64> {
    let mut n = 0u64;
    let mut sep = |w: &mut dyn Write| {
        n += 1;
        if n > 1 { w.write_all(b",") } else { Ok(()) }
    };
    for d in &logs.docs {
        sep(w)?;
        let word = |x: u16| logs.words[usize::from(x)].as_str();
        write!(
            w,
            "{{\"id\":\"{}\",\"type\":\"{}\",\"attributes\":[\
             {{\"name\":\"company_code\",\"time\":\"{SINCE_EVER}\",\"value\":",
            Id(d.id),
            d.kind.name()
        )?;
        text(word(d.company), w)?;
        write!(
            w,
            "}},{{\"name\":\"amount\",\"time\":\"{SINCE_EVER}\",\"value\":{}}},\
             {{\"name\":\"currency\",\"time\":\"{SINCE_EVER}\",\"value\":",
            Money(d.amount)
        )?;
        text(word(d.currency), w)?;
        write!(
            w,
            "}},{{\"name\":\"status\",\"time\":\"{SINCE_EVER}\",\"value\":"
        )?;
        text(word(d.status), w)?;
        w.write_all(b"}],\"relationships\":[")?;
        let partner = if d.kind.sale() { "customer" } else { "vendor" };
        write!(
            w,
            "{{\"objectId\":\"{}\",\"qualifier\":\"{partner}\"}}",
            Id(d.partner)
        )?;
        if d.parent != NONE {
            let p = &logs.docs[d.parent as usize];
            write!(
                w,
                ",{{\"objectId\":\"{}\",\"qualifier\":\"follows {}\"}}",
                Id(p.id),
                p.kind.name()
            )?;
        }
        w.write_all(b"]}")?;
    }
    for (id, name, country, customer) in &logs.partners {
        sep(w)?;
        let kind = if *customer { "customer" } else { "vendor" };
        write!(
            w,
            "{{\"id\":\"{}\",\"type\":\"{kind}\",\"attributes\":[\
             {{\"name\":\"name\",\"time\":\"{SINCE_EVER}\",\"value\":",
            Id(*id)
        )?;
        text(name, w)?;
        write!(
            w,
            "}},{{\"name\":\"country\",\"time\":\"{SINCE_EVER}\",\"value\":"
        )?;
        text(country, w)?;
        w.write_all(b"}]}")?;
    }
    for (id, description) in &logs.materials {
        sep(w)?;
        write!(
            w,
            "{{\"id\":\"{}\",\"type\":\"material\",\"attributes\":[\
             {{\"name\":\"description\",\"time\":\"{SINCE_EVER}\",\"value\":",
            Id(*id)
        )?;
        text(description, w)?;
        w.write_all(b"}]}")?;
    }
    Ok(n)
}

/// Step `step` of document `i` (its own event, a sales order's credit block, a
/// payment's return or second sending): its activity, time and attributes; related to
/// its document, the document that one follows and the first of its chain, its partner
/// and the materials of its items.
fn write_event(logs: &Logs, i: u32, step: Step, w: &mut impl Write) -> io::Result<()> {
    let d = &logs.docs[i as usize];
    let discount = d.discount != 0 && step == Step::Main;
    let activity = step.activity(d);
    let suffix = step.suffix();
    let word = |x: u16| logs.words[usize::from(x)].as_str();
    write!(
        w,
        "{{\"id\":\"e-{}{suffix}\",\"type\":\"{activity}\",\"time\":\"{}Z\",\"attributes\":[\
         {{\"name\":\"company_code\",\"value\":",
        Id(d.id),
        Stamp(logs.time(i, step))
    )?;
    text(word(d.company), w)?;
    write!(
        w,
        "}},{{\"name\":\"amount\",\"value\":{}}},{{\"name\":\"currency\",\"value\":",
        Money(d.amount)
    )?;
    text(word(d.currency), w)?;
    w.write_all(b"}")?;
    if d.user != u16::MAX && step != Step::Returned {
        w.write_all(b",{\"name\":\"resource\",\"value\":")?;
        text(word(d.user), w)?;
        w.write_all(b"}")?;
    }
    if discount {
        write!(
            w,
            ",{{\"name\":\"discount_amount\",\"value\":{}}}",
            Money(d.discount)
        )?;
    }
    write!(
        w,
        "],\"relationships\":[{{\"objectId\":\"{}\",\"qualifier\":\"{}\"}}",
        Id(d.id),
        d.kind.name()
    )?;
    // The document it follows, and the first of its chain when that is another.
    let root = (d.root != i && d.root != d.parent).then_some(d.root);
    for j in [Some(d.parent).filter(|&p| p != NONE), root]
        .into_iter()
        .flatten()
    {
        let p = &logs.docs[j as usize];
        write!(
            w,
            ",{{\"objectId\":\"{}\",\"qualifier\":\"{}\"}}",
            Id(p.id),
            p.kind.name()
        )?;
    }
    let partner = if d.kind.sale() { "customer" } else { "vendor" };
    write!(
        w,
        ",{{\"objectId\":\"{}\",\"qualifier\":\"{partner}\"}}",
        Id(d.partner)
    )?;
    for m in logs.materials_of(i) {
        write!(
            w,
            ",{{\"objectId\":\"{}\",\"qualifier\":\"material\"}}",
            Id(logs.materials[m as usize].0)
        )?;
    }
    w.write_all(b"]}")
}
