//! Workspace automation for oxlearn, run as `cargo xtask <command>`.
//!
//! - `test`: format check, clippy with warnings denied, every test (unit,
//!   integration, examples, doc tests), and a build of all examples and
//!   benches. This is the README's test command and what CI runs.
//! - `ci`: the same as `test`, with the environment CI expects.
//! - `bench [--quick] [FILTER]`: every criterion suite in `benches/`, then a
//!   summary written to `docs/benchmarks.md`; `--compare [FAMILY...]` also
//!   measures scikit-learn, LightGBM and XGBoost on the same workloads.
//! - `fixtures`: regenerates the scikit-learn reference fixtures with the
//!   pinned Python packages of `xtask/fixtures/requirements.txt`, in a
//!   virtualenv under `target/` that it creates when missing.

mod bench;
mod compare;
mod fixtures;
mod report;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test                  fmt check, clippy -D warnings, all tests and doc tests,
                        build of every example and bench (what CI runs)
  ci                    same as test
  bench [--quick] [F]   run the criterion suites (only those matching F),
                        write the summary to docs/benchmarks.md
  bench --compare [--quick] [--threads N] [--repeats R] [FAMILY...]
                        also compare with scikit-learn, LightGBM, XGBoost
                        on the same data and threads (default 2)
  bench --compare --report
                        rewrite the report from the last run's results
  fixtures              regenerate reference fixtures with pinned scikit-learn
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") | Some("ci") => test(),
        Some("bench") => bench::run(&args[1..]),
        Some("fixtures") => fixtures::run(),
        Some("-h") | Some("--help") | Some("help") => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!(
            "unknown command {:?}\n{USAGE}",
            other.unwrap_or("(none)")
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The full check: what `.ci/run` and the README's test command run.
fn test() -> Result<(), String> {
    let steps: [(&str, &[&str]); 5] = [
        ("format check", &["fmt", "--all", "--", "--check"]),
        (
            "clippy (warnings denied)",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        (
            "unit, integration and example tests",
            &[
                "test",
                "--workspace",
                "--lib",
                "--bins",
                "--tests",
                "--examples",
            ],
        ),
        ("doc tests", &["test", "--workspace", "--doc"]),
        (
            "build of all examples and benches",
            &["build", "--workspace", "--examples", "--benches"],
        ),
    ];
    let start = std::time::Instant::now();
    for (name, args) in steps {
        util::cargo_step(name, args)?;
    }
    println!(
        "xtask test: all steps passed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
