//! `cargo xtask bench`: run the criterion suites and write a summary.
//!
//! Criterion stores each benchmark's estimates under `target/criterion`; after
//! the run every benchmark that ran is listed with its median time (and
//! throughput where the suite declares one) in `docs/benchmarks.md`, together
//! with the machine and toolchain that measured it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{cargo_step, output, root};

/// Criterion arguments for `--quick`: enough to prove the suites run.
const QUICK_ARGS: [&str; 6] = [
    "--warm-up-time",
    "0.2",
    "--measurement-time",
    "0.5",
    "--sample-size",
    "10",
];

/// One measured benchmark.
struct Measurement {
    id: String,
    median_ns: f64,
    low_ns: f64,
    high_ns: f64,
    elements: Option<f64>,
}

/// Runs the suites (filtered by an optional name) and writes the summary.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut filter: Option<&str> = None;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--compare" => {
                return Err(
                    "`--compare` (side by side with scikit-learn, LightGBM and XGBoost) \
                     is not implemented yet; see the open benchmark issue"
                        .to_string(),
                );
            }
            a if a.starts_with('-') => return Err(format!("unknown bench option {a}")),
            a => filter = Some(a),
        }
    }
    let mut cargo_args = vec!["bench", "--package", "oxlearn-benches", "--benches", "--"];
    if quick {
        cargo_args.extend(QUICK_ARGS);
    }
    if let Some(f) = filter {
        cargo_args.push(f);
    }
    cargo_step("criterion suites", &cargo_args)?;
    let criterion_dir = root().join("target/criterion");
    let mut results = Vec::new();
    collect(&criterion_dir, &mut results)?;
    results.sort_by(|a, b| a.id.cmp(&b.id));
    let report = render(&results, quick);
    let path = root().join("docs/benchmarks.md");
    std::fs::write(&path, report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(
        "bench: {} benchmarks summarised in {}",
        results.len(),
        path.display()
    );
    Ok(())
}

/// Finds every `new/estimates.json` below `dir`.
fn collect(dir: &Path, out: &mut Vec<Measurement>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            if let Some(m) = read_measurement(&path)? {
                out.push(m);
            }
        } else if path
            .file_name()
            .is_none_or(|n| n != "report" && n != "base")
        {
            collect(&path, out)?;
        }
    }
    Ok(())
}

fn read_json(path: &PathBuf) -> Result<Option<Value>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("cannot parse {}: {e}", path.display())),
        Err(_) => Ok(None),
    }
}

fn read_measurement(dir: &Path) -> Result<Option<Measurement>, String> {
    let (Some(bench), Some(est)) = (
        read_json(&dir.join("benchmark.json"))?,
        read_json(&dir.join("estimates.json"))?,
    ) else {
        return Ok(None);
    };
    let median = &est["median"];
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    Ok(Some(Measurement {
        id: bench["full_id"].as_str().unwrap_or("?").to_string(),
        median_ns: num(&median["point_estimate"]),
        low_ns: num(&median["confidence_interval"]["lower_bound"]),
        high_ns: num(&median["confidence_interval"]["upper_bound"]),
        elements: bench["throughput"]["Elements"]
            .as_f64()
            .or_else(|| bench["throughput"]["Bytes"].as_f64()),
    }))
}

fn human_time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn render(results: &[Measurement], quick: bool) -> String {
    let mut s = String::new();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = output("rustc", &["--version"]).unwrap_or_else(|| "rustc (unknown)".into());
    let date = output("date", &["-u", "+%Y-%m-%d"]).unwrap_or_default();
    let _ = writeln!(s, "# oxlearn benchmarks\n");
    let _ = writeln!(
        s,
        "Generated by `cargo xtask bench{}` on {date}: do not edit by hand.\n",
        if quick { " --quick" } else { "" }
    );
    let _ = writeln!(s, "- Machine: {cpu}, {cores} logical cores");
    let _ = writeln!(s, "- Toolchain: {rustc}");
    let _ = writeln!(
        s,
        "- Mode: {}\n",
        if quick {
            "quick (few samples; proves the suites run, not for comparison)"
        } else {
            "full criterion runs"
        }
    );
    let _ = writeln!(s, "## Criterion suites\n");
    let _ = writeln!(
        s,
        "Median time per iteration with its 95% confidence interval.\n"
    );
    let _ = writeln!(s, "| benchmark | median | 95% CI | throughput |");
    let _ = writeln!(s, "|---|---:|---|---:|");
    for m in results {
        let throughput = m.elements.map_or(String::new(), |e| {
            format!("{:.3e} elem/s", e / (m.median_ns / 1e9))
        });
        let _ = writeln!(
            s,
            "| {} | {} | {} .. {} | {throughput} |",
            m.id,
            human_time(m.median_ns),
            human_time(m.low_ns),
            human_time(m.high_ns)
        );
    }
    let _ = writeln!(
        s,
        "\nComparisons with scikit-learn, LightGBM and XGBoost (`cargo xtask bench --compare`) \
         come with the benchmark-comparison issue; until then no ratio to those peers is claimed."
    );
    s
}
