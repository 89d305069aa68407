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
use crate::{compare, report};

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
    modified: std::time::SystemTime,
}

/// Parsed `bench` arguments.
struct Args {
    quick: bool,
    compare: bool,
    report_only: bool,
    threads: usize,
    repeats: Option<usize>,
    names: Vec<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        quick: false,
        compare: false,
        report_only: false,
        threads: 2,
        repeats: None,
        names: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => parsed.quick = true,
            "--compare" => parsed.compare = true,
            "--report" => parsed.report_only = true,
            "--threads" => {
                parsed.threads = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--threads needs a number of threads >= 1")?;
            }
            "--repeats" => {
                parsed.repeats = Some(
                    it.next()
                        .and_then(|v| v.parse().ok())
                        .filter(|&n| n > 0)
                        .ok_or("--repeats needs a number of timed fits >= 1")?,
                );
            }
            a if a.starts_with('-') => return Err(format!("unknown bench option {a}")),
            a => parsed.names.push(a.to_string()),
        }
    }
    Ok(parsed)
}

/// Runs the suites (and the comparison with `--compare`), then writes the
/// report: `docs/benchmarks.md` and the README's headline table, or
/// `target/bench-quick.md` for `--quick`.
pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let mut cargo_args = vec!["bench", "--package", "oxlearn-benches"];
    if args.compare && !args.names.is_empty() {
        for family in &args.names {
            cargo_args.extend(["--bench", family.as_str()]);
        }
    } else {
        cargo_args.push("--benches");
    }
    cargo_args.push("--");
    if args.quick {
        cargo_args.extend(QUICK_ARGS);
    }
    if !args.compare {
        cargo_args.extend(args.names.iter().map(String::as_str));
    }
    let started = std::time::SystemTime::now();
    if !args.report_only {
        cargo_step("criterion suites", &cargo_args)?;
    }
    let mut results = Vec::new();
    collect(&root().join("target/criterion"), &mut results)?;
    results.sort_by(|a, b| a.id.cmp(&b.id));
    // A run of every suite (or a quick one) reports exactly what it measured;
    // a filtered run keeps the earlier figures of the suites it skipped.
    if !args.report_only && (args.quick || args.names.is_empty()) {
        results.retain(|m| m.modified >= started);
    }
    let comparison = if args.compare && args.report_only {
        Some(compare::load(args.quick)?)
    } else if args.compare {
        let options = compare::Options {
            quick: args.quick,
            threads: args.threads,
            repeats: args.repeats,
            families: args.names.clone(),
        };
        Some(compare::run(&options)?)
    } else {
        None
    };
    let (path, img_dir, img_link) = if args.quick {
        (
            root().join("target/bench-quick.md"),
            root().join("target/bench-quick-img"),
            "bench-quick-img",
        )
    } else {
        (
            root().join("docs/benchmarks.md"),
            root().join("docs/img"),
            "img",
        )
    };
    let previous = if args.quick {
        String::new()
    } else {
        std::fs::read_to_string(&path).unwrap_or_default()
    };
    let mut text = header(args.quick);
    let compare_section = match &comparison {
        Some(report) => report::markdown(report, &img_dir, img_link)?,
        None => report::marked(&previous, "compare")
            .map(str::to_string)
            .unwrap_or_else(|| "## Side by side with scikit-learn, LightGBM and XGBoost\n\nNot measured yet: run `cargo xtask bench --compare`.\n".to_string()),
    };
    text = report::replace_marked(&text, "compare", &compare_section);
    text = report::replace_marked(&text, "criterion", &criterion_table(&results));
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if let (Some(report), false) = (&comparison, args.quick) {
        let readme_path = root().join("README.md");
        let readme = std::fs::read_to_string(&readme_path).map_err(|e| e.to_string())?;
        let updated = report::replace_marked(&readme, "headline", &report::headline(report));
        std::fs::write(&readme_path, updated).map_err(|e| e.to_string())?;
    }
    println!(
        "bench: {} criterion benchmarks{} summarised in {}",
        results.len(),
        if comparison.is_some() {
            " and the comparison"
        } else {
            ""
        },
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
    let modified = std::fs::metadata(dir.join("estimates.json"))
        .and_then(|m| m.modified())
        .unwrap_or(std::time::UNIX_EPOCH);
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
        modified,
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

/// The top of the report: what measured it, and how.
fn header(quick: bool) -> String {
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
        "Generated by `cargo xtask bench` (last run {date}{}): do not edit by hand.\n",
        if quick {
            ", quick mode: few samples, small sizes; proves the machinery, not for comparison"
        } else {
            ""
        }
    );
    let _ = writeln!(s, "- Machine: {cpu}, {cores} logical cores");
    let _ = writeln!(s, "- oxlearn {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(
        s,
        "- Toolchain: {rustc}, profile `bench` (opt-level 3, thin LTO)"
    );
    s
}

/// The criterion section: every benchmark with its median and interval.
fn criterion_table(results: &[Measurement]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Criterion suites\n");
    let _ = writeln!(
        s,
        "Median time per iteration with its 95% confidence interval (`benches/*.rs`).\n"
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
    s
}
