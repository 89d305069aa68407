//! `cargo xtask fixtures`: regenerate the scikit-learn reference fixtures.
//!
//! Every `xtask/fixtures/*.py` script is run, in file-name order, from the
//! workspace root with the Python of a virtualenv at `target/fixtures-venv`
//! holding exactly the packages pinned in `xtask/fixtures/requirements.txt`.
//! The scripts write small JSON files under `crates/*/tests/fixtures/`, which
//! are committed: tests read them, so neither tests nor CI need Python.

use std::path::Path;

use crate::util::{self, output, root};

/// Creates the virtualenv when missing, installs the pinned packages, and runs
/// every fixture script.
pub fn run() -> Result<(), String> {
    let root = root();
    let venv = root.join("target/fixtures-venv");
    let python = venv.join("bin/python");
    let requirements = root.join("xtask/fixtures/requirements.txt");
    let python_str = path_str(&python)?;
    if !python.exists() {
        let system = ["python3", "python"]
            .into_iter()
            .find(|p| output(p, &["--version"]).is_some())
            .ok_or("Python 3 is needed to regenerate fixtures and none was found (python3)")?;
        println!("==> creating virtualenv {}", venv.display());
        util::run(system, &["-m", "venv", path_str(&venv)?])?;
    }
    println!(
        "==> installing pinned packages from {}",
        requirements.display()
    );
    util::run(
        python_str,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            path_str(&requirements)?,
        ],
    )?;
    let mut scripts: Vec<_> = std::fs::read_dir(root.join("xtask/fixtures"))
        .map_err(|e| format!("cannot list xtask/fixtures: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "py"))
        .collect();
    scripts.sort();
    for script in &scripts {
        println!("==> {}", script.display());
        util::run(python_str, &[path_str(script)?])?;
    }
    println!(
        "fixtures: {} scripts run; review and commit the changed JSON files",
        scripts.len()
    );
    Ok(())
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("path {} is not valid UTF-8", path.display()))
}
