//! Shared helpers of the integration tests: the scikit-learn fixture and
//! tolerant comparisons.

#![allow(dead_code)]

use ndarray::{Array1, Array2};
use oxlearn::Dataset;
use serde_json::Value;

/// The fixture written by `xtask/fixtures/linear.py`.
pub fn fixture() -> Value {
    let text = include_str!("../fixtures/linear.json");
    serde_json::from_str(text).expect("valid fixture JSON")
}

/// The fixture's deterministic sample weights (every 13th zero).
pub fn weights(n: usize) -> Array1<f64> {
    Array1::from_shape_fn(n, |i| {
        if i % 13 == 0 {
            0.0
        } else {
            0.5 + 1.5 * ((i * 7919) % 1009) as f64 / 1008.0
        }
    })
}

/// A JSON array of numbers.
pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// The data of a fixture case: a bundled data set or stored inputs, with the
/// fixture weights when the case is weighted.
pub fn case_data(case: &Value) -> Dataset<f64, f64> {
    let data = match case["dataset"].as_str().expect("dataset name") {
        "diabetes" => oxlearn_datasets::diabetes().expect("diabetes"),
        "california_housing" => oxlearn_datasets::california_housing().expect("california"),
        "inline" => {
            let y = Array1::from(floats(&case["y"]));
            let p = case["n_features"].as_u64().expect("n_features") as usize;
            let x = Array2::from_shape_vec((y.len(), p), floats(&case["x"])).expect("shape");
            Dataset::new(x, y).expect("dataset")
        }
        other => panic!("unknown dataset {other}"),
    };
    if case["weighted"].as_bool().unwrap_or(false) {
        let n = data.n_samples();
        data.with_weights(weights(n)).expect("weights")
    } else {
        data
    }
}

/// `|actual - expected| <= rtol * max(|expected|, floor)` elementwise, where
/// `floor` is 1e-3 of the largest expected magnitude (so entries near zero
/// are compared on the vector's scale).
pub fn assert_close(actual: &[f64], expected: &[f64], rtol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    let scale = expected.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let tol = rtol * e.abs().max(1e-3 * scale).max(f64::MIN_POSITIVE);
        assert!(
            (a - e).abs() <= tol,
            "{what}[{i}]: got {a}, expected {e} (diff {:e}, tol {tol:e})",
            (a - e).abs()
        );
    }
}
