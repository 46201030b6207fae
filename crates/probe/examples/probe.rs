//! Prints every reading of the probe as JSON, to compare with `/proc` by hand.

use serde_json::json;

fn main() -> Result<(), synth_probe::ProbeError> {
    let rss = synth_probe::RssReader::new()?.read()?;
    let limit = synth_probe::LimitDiscovery::system().discover()?;
    let cgroups = synth_probe::LimitDiscovery::system().cgroups()?;
    let pressure = synth_probe::system_pressure()?;
    let report = json!({
        "rss_bytes": rss.rss_bytes,
        "footprint_bytes": rss.footprint_bytes,
        "peak_rss_bytes": synth_probe::peak_rss_bytes()?,
        "heap_bytes": synth_probe::heap_bytes(),
        "limit": {
            "bytes": limit.bytes,
            "source": limit.source.kind(),
            "detail": limit.source.to_string(),
            "soft_ceiling": limit.soft_ceiling,
            "total_ram": limit.total_ram,
            "available_ram": limit.available_ram,
        },
        "cgroups": cgroups.iter().map(|c| json!({
            "version": format!("{:?}", c.version),
            "dir": c.dir,
            "limit_bytes": c.limit.as_ref().map(|l| l.0),
            "high_bytes": c.high,
            "pressure_some_avg10": c.pressure.map(|p| p.some_avg10),
        })).collect::<Vec<_>>(),
        "pressure": pressure.map(|p| json!({"some_avg10": p.some_avg10, "full_avg10": p.full_avg10})),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    Ok(())
}
