//! `cargo xtask bench --compare`: oxlearn beside scikit-learn, LightGBM and
//! XGBoost on the same data, threads and hyperparameters, in one run.
//!
//! 1. `compare generate` (the oxlearn-benches binary) writes each workload's
//!    data once as `.npy` under `target/bench-compare/`, with a manifest.
//! 2. A virtualenv `target/bench-venv` gets the pinned peers of
//!    `benches/compare/requirements.txt`; without Python or the package index
//!    the peers are skipped with a message and the rest still runs.
//! 3. `benches/compare/peers.py` and `compare run` measure every workload, each
//!    fit in a child process (so peak memory is the fit's own).
//! 4. The tables and SVG charts go to `docs/benchmarks.md` and `docs/img/`,
//!    the headline table to the README.

use std::path::Path;

use serde_json::{Value, json};

use crate::report;
use crate::util::{cargo_step, output, root};

/// Options of one comparison run.
pub struct Options {
    /// Small sizes, one repeat: proves the machinery works.
    pub quick: bool,
    /// Threads every library gets.
    pub threads: usize,
    /// Timed fits per workload and library (default 3, 1 for `quick`).
    pub repeats: Option<usize>,
    /// Families to run (all when empty).
    pub families: Vec<String>,
}

/// Where a comparison run keeps its data and results.
fn results_dir(quick: bool) -> std::path::PathBuf {
    root().join(if quick {
        "target/bench-compare-quick"
    } else {
        "target/bench-compare"
    })
}

/// The combined results of the last comparison run, without measuring again.
pub fn load(quick: bool) -> Result<Value, String> {
    let dir = results_dir(quick);
    let manifest = read_json(&dir.join("manifest.json"))?;
    let peers = read_json(&dir.join("peers.json"))
        .unwrap_or_else(|_| json!({"versions": {}, "results": [], "skipped": "no peer results"}));
    let ours = read_json(&dir.join("ours.json"))?;
    Ok(report::combine(&manifest, &peers, &ours))
}

/// Runs the comparison and returns its combined results.
pub fn run(options: &Options) -> Result<Value, String> {
    let root = root();
    let dir = results_dir(options.quick);
    let dir_str = dir.to_str().ok_or("target path is not UTF-8")?.to_string();
    let threads = options.threads.to_string();
    let repeats = options
        .repeats
        .unwrap_or(if options.quick { 1 } else { 3 })
        .to_string();
    let mut args = vec![
        "run",
        "--quiet",
        "--profile",
        "bench",
        "--package",
        "oxlearn-benches",
        "--bin",
        "compare",
        "--",
        "generate",
        &dir_str,
        "--threads",
        &threads,
        "--repeats",
        &repeats,
    ];
    if options.quick {
        args.push("--quick");
    }
    args.extend(options.families.iter().map(String::as_str));
    cargo_step("generate comparison data", &args)?;
    let manifest = dir.join("manifest.json");
    let manifest_str = manifest.to_str().ok_or("path is not UTF-8")?.to_string();
    let peers_out = dir.join("peers.json");
    let peers = match python_env(&root) {
        Ok(python) => {
            println!("==> peers (scikit-learn, LightGBM, XGBoost)");
            let script = root.join("benches/compare/peers.py");
            let status = std::process::Command::new(&python)
                .arg(&script)
                .arg("all")
                .arg(&manifest)
                .arg(&peers_out)
                .status()
                .map_err(|e| format!("cannot run {}: {e}", python))?;
            if status.success() {
                read_json(&peers_out)?
            } else {
                println!("    peers failed ({status}); the report shows oxlearn alone");
                json!({"versions": {}, "results": [], "skipped": format!("peers.py failed ({status})")})
            }
        }
        Err(reason) => {
            println!("    peers skipped: {reason}");
            json!({"versions": {}, "results": [], "skipped": reason})
        }
    };
    let ours_out = dir.join("ours.json");
    let ours_str = ours_out.to_str().ok_or("path is not UTF-8")?.to_string();
    cargo_step(
        "measure oxlearn",
        &[
            "run",
            "--quiet",
            "--profile",
            "bench",
            "--package",
            "oxlearn-benches",
            "--bin",
            "compare",
            "--",
            "run",
            &manifest_str,
            &ours_str,
        ],
    )?;
    let ours = read_json(&ours_out)?;
    let manifest = read_json(&manifest)?;
    Ok(report::combine(&manifest, &peers, &ours))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))
}

/// The Python of `target/bench-venv`, created with the pinned peers when
/// missing; an explanation when that cannot be done.
fn python_env(root: &Path) -> Result<String, String> {
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    let python_str = python.to_str().ok_or("path is not UTF-8")?.to_string();
    let requirements = root.join("benches/compare/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let stamp = venv.join("oxlearn-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python_str);
    }
    let system = ["python3", "python"]
        .into_iter()
        .find(|p| output(p, &["--version"]).is_some())
        .ok_or("no Python 3 found (python3); install it to compare with scikit-learn, LightGBM and XGBoost")?;
    if !python.exists() {
        println!("==> creating virtualenv {}", venv.display());
        let venv_str = venv.to_str().ok_or("path is not UTF-8")?;
        run_quiet(system, &["-m", "venv", venv_str])
            .map_err(|e| format!("cannot create a virtualenv: {e}"))?;
    }
    println!(
        "==> installing pinned peers from {}",
        requirements.display()
    );
    let req_str = requirements.to_str().ok_or("path is not UTF-8")?;
    run_quiet(
        &python_str,
        &["-m", "pip", "install", "--quiet", "-r", req_str],
    )
    .map_err(|e| format!("cannot install the pinned peers from the Python package index: {e}"))?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(python_str)
}

fn run_quiet(program: &str, args: &[&str]) -> Result<(), String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(stderr.lines().last().unwrap_or("failed").to_string())
    }
}
