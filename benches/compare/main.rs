//! The Rust side of `cargo xtask bench --compare`.
//!
//! ```text
//! compare generate DIR [--quick] [--threads N] [--repeats R] [FAMILY...]
//!     writes each workload's data once as .npy and DIR/manifest.json
//! compare run DIR/manifest.json OUT.json
//!     measures oxlearn on every workload, each in a child process
//! compare one DIR/manifest.json WORKLOAD
//!     one measurement, JSON on stdout
//! ```

mod ours;
mod workloads;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use ndarray::{Array1, Array2, s};
use oxlearn_datasets::{read_npy, write_npy};
use serde_json::{Value, json};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("run") if args.len() == 3 => run_all(Path::new(&args[1]), Path::new(&args[2])),
        Some("one") if args.len() == 3 => run_one(Path::new(&args[1]), &args[2]),
        _ => Err("usage: compare generate DIR [--quick] [--threads N] [--repeats R] [FAMILY...] | run MANIFEST OUT | one MANIFEST WORKLOAD".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Generates the data of the selected workloads and writes the manifest.
fn generate(args: &[String]) -> Result<(), String> {
    let mut dir = None;
    let mut quick = false;
    let mut threads = 2usize;
    let mut repeats = 3usize;
    let mut families = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--threads" => {
                threads = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--threads needs a number")?
            }
            "--repeats" => {
                repeats = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--repeats needs a number")?
            }
            other if dir.is_none() => dir = Some(PathBuf::from(other)),
            other => families.push(other.to_string()),
        }
    }
    let dir = dir.ok_or("generate needs an output folder")?;
    std::fs::create_dir_all(&dir).map_err(err)?;
    let mut data = BTreeMap::new();
    let mut entries = Vec::new();
    for w in workloads::all() {
        if !families.is_empty() && !families.iter().any(|f| f == w.family) {
            continue;
        }
        let key = w.data.key(quick);
        if !data.contains_key(&key) {
            let (x, y) = w.data.generate(quick).map_err(err)?;
            let n_train = (x.nrows() as f64 * w.train_fraction).round() as usize;
            let files = [
                ("x_train", x.slice(s![..n_train, ..]).to_owned()),
                ("x_test", x.slice(s![n_train.., ..]).to_owned()),
            ];
            let mut entry =
                json!({"n_samples": x.nrows(), "n_features": x.ncols(), "n_train": n_train});
            for (name, array) in files {
                let file = format!("{key}_{name}.npy");
                write_npy(dir.join(&file), &array).map_err(err)?;
                entry[name] = json!(file);
            }
            for (name, array) in [
                ("y_train", y.slice(s![..n_train]).to_owned()),
                ("y_test", y.slice(s![n_train..]).to_owned()),
            ] {
                let file = format!("{key}_{name}.npy");
                write_npy(dir.join(&file), &array).map_err(err)?;
                entry[name] = json!(file);
            }
            data.insert(key.clone(), entry);
        }
        entries.push(json!({
            "family": w.family,
            "name": w.name,
            "title": w.title,
            "task": w.task.as_str(),
            "data": key,
            "params": w.params,
            "peers": w.peers,
            "target_ratio": w.target_ratio,
            "ours": ours::available(w.name),
        }));
    }
    let manifest = json!({"threads": threads, "repeats": repeats, "quick": quick, "workloads": entries, "data": data});
    let text = serde_json::to_string_pretty(&manifest).map_err(err)?;
    std::fs::write(dir.join("manifest.json"), text).map_err(err)?;
    println!(
        "compare: {} workloads, {} datasets in {}",
        manifest["workloads"].as_array().map_or(0, Vec::len),
        manifest["data"].as_object().map_or(0, |d| d.len()),
        dir.display()
    );
    Ok(())
}

fn read_manifest(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(err)
}

/// Measures every implemented workload in its own child process.
fn run_all(manifest_path: &Path, out: &Path) -> Result<(), String> {
    let manifest = read_manifest(manifest_path)?;
    let exe = std::env::current_exe().map_err(err)?;
    let mut results = Vec::new();
    for w in manifest["workloads"].as_array().into_iter().flatten() {
        let name = w["name"].as_str().unwrap_or_default();
        if !w["ours"].as_bool().unwrap_or(false) {
            results.push(
                json!({"workload": name, "library": "oxlearn", "error": "not implemented yet"}),
            );
            continue;
        }
        println!("    {:<12} {name}", "oxlearn");
        let child = Command::new(&exe)
            .arg("one")
            .arg(manifest_path)
            .arg(name)
            .output()
            .map_err(err)?;
        if child.status.success() {
            results.push(serde_json::from_slice(&child.stdout).map_err(err)?);
        } else {
            let stderr = String::from_utf8_lossy(&child.stderr);
            let last = stderr.lines().last().unwrap_or("failed").to_string();
            results.push(json!({"workload": name, "library": "oxlearn", "error": last}));
        }
    }
    let text = serde_json::to_string_pretty(&json!({"results": results})).map_err(err)?;
    std::fs::write(out, text).map_err(err)
}

/// The loaded data of one workload.
pub struct Data {
    /// Training records.
    pub x_train: Array2<f64>,
    /// Training targets (class labels as numbers).
    pub y_train: Array1<f64>,
    /// Held-out records.
    pub x_test: Array2<f64>,
    /// Held-out targets.
    pub y_test: Array1<f64>,
    /// One `()` per training row: the targets of unsupervised fits.
    pub no_targets: Array1<()>,
    /// The training targets as class labels, for classifiers.
    pub labels_train: Array1<usize>,
}

fn run_one(manifest_path: &Path, name: &str) -> Result<(), String> {
    let manifest = read_manifest(manifest_path)?;
    let w = manifest["workloads"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|w| w["name"] == name)
        .ok_or_else(|| format!("no workload {name} in the manifest"))?;
    let entry = &manifest["data"][w["data"].as_str().unwrap_or_default()];
    let base = manifest_path.parent().unwrap_or(Path::new("."));
    let file = |key: &str| base.join(entry[key].as_str().unwrap_or_default());
    let x_train: Array2<f64> = read_npy(file("x_train")).map_err(err)?;
    let y_train: Array1<f64> = read_npy(file("y_train")).map_err(err)?;
    let data = Data {
        labels_train: y_train.mapv(|v| v as usize),
        y_train,
        no_targets: Array1::from_elem(x_train.nrows(), ()),
        x_train,
        x_test: read_npy(file("x_test")).map_err(err)?,
        y_test: read_npy(file("y_test")).map_err(err)?,
    };
    let threads = manifest["threads"].as_u64().unwrap_or(2) as usize;
    let repeats = manifest["repeats"].as_u64().unwrap_or(3) as usize;
    let measured = ours::measure(name, &w["params"], &data, threads, repeats.max(1))?;
    println!("{}", serde_json::to_string(&measured).map_err(err)?);
    Ok(())
}
