//! Reference tests of minimal cost-complexity pruning against scikit-learn
//! 1.7.2 (fixture `tests/fixtures/trees.json`, its `ccp` entries, written by
//! `xtask/fixtures/trees.py`). The unpruned trees are compared as in
//! `reference.rs` (ties included).
//!
//! `cost_complexity_pruning_path` alphas and impurities within 1e-9
//! (within a run of equal alphas only the run's last impurity: the order in
//! which equally weak links are pruned is arbitrary), and the tree pruned with
//! a `ccp_alpha` halfway between two alphas of the path: node count, leaves,
//! depth and predictions equal; all only when our unpruned tree made the
//! same children as scikit-learn's at every tie (else the path is checked at
//! its ends).

mod common;

use common::{classification_data, close, floats, list, regression_data, walk};
use oxlearn::{Fit, Predict};
use oxlearn_trees::{CcpPath, DecisionTreeClassifier, DecisionTreeRegressor, MaxFeatures, Tree};
use serde_json::Value;

/// One pruning entry: our path, unpruned tree and pruned tree (node count,
/// leaves, depth, predictions) against scikit-learn's.
fn check_ccp(
    entry: &Value,
    path: CcpPath,
    full: &Tree<f64>,
    pruned: (usize, usize, usize, Vec<f64>),
) -> Vec<String> {
    let name = entry["name"].as_str().unwrap();
    let mut w = walk(name, full, &entry["full_tree"]);
    let alphas = floats(&entry["ccp_alphas"]);
    let impurities = floats(&entry["impurities"]);
    let (a, i) = (&path.ccp_alphas, &path.impurities);
    // Always: alpha 0 first, the root alone last.
    if a.first() != Some(&0.0) || !close(*i.last().unwrap(), *impurities.last().unwrap(), 1e-9) {
        w.fail(format!(
            "path ends: alphas {:?}.., impurities ..{:?}",
            a.first(),
            i.last()
        ));
    }
    if !w.errors.is_empty() {
        return w.errors;
    }
    if !w.same_partitions {
        eprintln!(
            "{name}: the unpruned tree took another equally good split: path checked at its ends"
        );
        return w.errors;
    }
    if a.len() != alphas.len() || i.len() != impurities.len() {
        w.fail(format!(
            "path of {} steps, expected {}",
            a.len(),
            alphas.len()
        ));
        return w.errors;
    }
    let equal = list(&entry["equal_to_next"]);
    for k in 0..alphas.len() {
        if !close(a[k], alphas[k], 1e-9) {
            w.fail(format!("alpha {k}: {} vs {}", a[k], alphas[k]));
        }
        let run_end = k + 1 == alphas.len() || !equal[k].as_bool().unwrap();
        if run_end && !close(i[k], impurities[k], 1e-9) {
            w.fail(format!("impurity {k}: {} vs {}", i[k], impurities[k]));
        }
    }
    let (nodes, leaves, depth, predict) = pruned;
    let expected = [
        ("node_count", nodes, "node_count"),
        ("n_leaves", leaves, "n_leaves"),
        ("max_depth", depth, "max_depth"),
    ];
    for (what, x, key) in expected {
        if x != entry[key].as_u64().unwrap() as usize {
            w.fail(format!("pruned {what} {x}, expected {}", entry[key]));
        }
    }
    let theirs = floats(&entry["predict"]);
    let bad = predict
        .iter()
        .zip(&theirs)
        .filter(|(x, y)| !close(**x, **y, 1e-9))
        .count();
    if bad > 0 {
        w.fail(format!(
            "pruned predictions: {bad} of {} differ",
            theirs.len()
        ));
    }
    w.errors
}

#[test]
fn pruning_path_matches_sklearn() {
    let fixture = common::load("trees");
    let mut errors = Vec::new();
    for entry in list(&fixture["ccp"]) {
        let alpha = entry["ccp_alpha"].as_f64().unwrap();
        if entry["criterion"] == "gini" {
            let data = classification_data(&fixture, entry["data"].as_str().unwrap());
            let params = DecisionTreeClassifier::default()
                .max_features(MaxFeatures::All)
                .seed(0);
            let path = params.cost_complexity_pruning_path(data.view()).unwrap();
            let full = params.fit(data.view()).unwrap();
            let pruned = params.clone().ccp_alpha(alpha).fit(data.view()).unwrap();
            let predict: Vec<f64> = pruned
                .predict(data.records())
                .unwrap()
                .iter()
                .map(|&c| c as f64)
                .collect();
            let t = pruned.tree();
            errors.extend(check_ccp(
                entry,
                path,
                full.tree(),
                (t.node_count(), t.n_leaves(), t.max_depth(), predict),
            ));
        } else {
            let data = regression_data(entry["data"].as_str().unwrap());
            let params = DecisionTreeRegressor::default()
                .max_features(MaxFeatures::All)
                .seed(0);
            let path = params.cost_complexity_pruning_path(data.view()).unwrap();
            let full = params.fit(data.view()).unwrap();
            let pruned = params.clone().ccp_alpha(alpha).fit(data.view()).unwrap();
            let predict = pruned.predict(data.records()).unwrap().to_vec();
            let t = pruned.tree();
            errors.extend(check_ccp(
                entry,
                path,
                full.tree(),
                (t.node_count(), t.n_leaves(), t.max_depth(), predict),
            ));
        }
    }
    assert!(
        errors.is_empty(),
        "{} mismatches:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
