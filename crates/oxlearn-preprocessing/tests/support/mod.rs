//! Shared helpers of the reference tests: the scikit-learn fixture, data
//! sets as the fixture script sees them, and comparisons within 1e-10.
#![allow(dead_code)]

use ndarray::{Array1, Array2, Axis, s};
use oxlearn::Dataset;
use serde_json::Value;

pub const TOL: f64 = 1e-10;

pub fn fixtures() -> Value {
    let text = include_str!("../fixtures/preprocessing.json");
    serde_json::from_str(text).expect("fixture parses")
}

/// Numbers; `null` is NaN, the strings `"inf"` / `"-inf"` infinities.
pub fn vec1(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| match x.as_str() {
            Some(s) => s.parse().expect("a number"),
            None => x.as_f64().unwrap_or(f64::NAN),
        })
        .collect()
}

pub fn arr2(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().expect("rows").iter().map(vec1).collect();
    let d = rows.first().map_or(0, Vec::len);
    Array2::from_shape_vec((rows.len(), d), rows.concat()).expect("rectangular")
}

pub fn indices(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("indices")
        .iter()
        .map(|x| x.as_u64().expect("index") as usize)
        .collect()
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("strings")
        .iter()
        .map(|x| x.as_str().expect("string").to_string())
        .collect()
}

#[track_caller]
pub fn assert_close<'a>(
    actual: impl IntoIterator<Item = &'a f64>,
    expected: impl IntoIterator<Item = &'a f64>,
    what: &str,
) {
    let a: Vec<f64> = actual.into_iter().copied().collect();
    let e: Vec<f64> = expected.into_iter().copied().collect();
    assert_eq!(a.len(), e.len(), "{what}: length");
    for (i, (x, y)) in a.iter().zip(&e).enumerate() {
        let ok = x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= TOL * y.abs().max(1.0);
        assert!(ok, "{what}[{i}]: got {x}, expected {y}");
    }
}

#[track_caller]
pub fn assert_rows(out: &Array2<f64>, rows: &[usize], expected: &Value, what: &str) {
    let got = out.select(Axis(0), rows);
    let e = arr2(expected);
    assert_eq!(got.dim(), e.dim(), "{what}: shape");
    assert_close(got.iter(), e.iter(), what);
}

pub fn weights(n: usize) -> Array1<f64> {
    (0..n)
        .map(|i| {
            if i % 13 == 0 {
                0.0
            } else {
                0.5 + (i % 7) as f64 / 3.0
            }
        })
        .collect()
}

pub fn wine() -> Dataset<f64, usize> {
    oxlearn_datasets::wine().expect("wine")
}

pub fn digits() -> Dataset<f64, usize> {
    oxlearn_datasets::digits().expect("digits")
}

pub fn penguins() -> Dataset<f64, usize> {
    oxlearn_datasets::penguins().expect("penguins")
}

/// The numeric columns of penguins: bill length, bill depth, flipper
/// length, body mass, year.
pub fn penguins_numeric() -> Dataset<f64, ()> {
    let p = penguins();
    Dataset::from_records(p.records().select(Axis(1), &[1, 2, 3, 4, 6]))
}

/// A dataset of columns `cols` of `data`, with their names and categories.
pub fn columns<T>(
    data: &Dataset<f64, T>,
    cols: &[usize],
    rows: std::ops::Range<usize>,
) -> Dataset<f64, ()> {
    let x = data.records().slice(s![rows, ..]).select(Axis(1), cols);
    Dataset::from_records(x)
        .with_feature_names(cols.iter().map(|&j| data.feature_names()[j].clone()))
        .expect("names")
        .with_categories(cols.iter().map(|&j| data.categories()[j].clone()).collect())
        .expect("categories")
}

/// The categorical columns of adult.
pub const ADULT_CAT: [usize; 8] = [1, 3, 5, 6, 7, 8, 9, 13];

/// Checks a fitted `KBinsDiscretizer` against fixture `e`: edges, names,
/// column sums, and (for ordinal output) rows and their inverse.
#[track_caller]
pub fn check_k_bins(
    e: &Value,
    key: &str,
    data: &Dataset<f64, ()>,
    params: oxlearn_preprocessing::KBinsDiscretizer,
    rows: &[usize],
) {
    use oxlearn::{Fit, Transform};
    use oxlearn_preprocessing::InverseTransform;
    let m = params.fit(data.view()).expect("fit");
    let expected = e["bin_edges"].as_array().expect("edges");
    assert_eq!(m.bin_edges().len(), expected.len(), "{key}");
    for (got, want) in m.bin_edges().iter().zip(expected) {
        assert_close(got, &vec1(want), key);
    }
    let names: Vec<String> = (0..data.n_features()).map(|k| format!("f{k}")).collect();
    assert_eq!(m.feature_names_out(&names), strings(&e["names"]), "{key}");
    let out = m.transform(data.records()).expect("transform");
    assert_close(
        out.sum_axis(Axis(0)).iter(),
        vec1(&e["col_sums"]).iter(),
        key,
    );
    if !e["rows"].is_null() {
        assert_rows(&out, rows, &e["rows"], key);
        let back = m.inverse_transform(out.view()).expect("inverse");
        assert_rows(&back, rows, &e["inverse_rows"], key);
    }
}

/// `PowerTransformer`'s output on `x` with the given lambdas instead of the
/// fitted ones (then standardized as `params` says): the deterministic half
/// of the transformer, apart from where the likelihood maximum is found.
pub fn power_with_lambdas(
    params: oxlearn_preprocessing::PowerTransformer,
    x: ndarray::ArrayView2<'_, f64>,
    lambdas: &[f64],
) -> Array2<f64> {
    use oxlearn::{Fit, Transform};
    use oxlearn_preprocessing::{PowerTransformerModel, StandardScaler};
    let data = Dataset::from_records(x.to_owned());
    let raw = params.standardize(false).fit(data.view()).expect("fit");
    let mut json = serde_json::to_value(&raw).expect("serialise");
    json["lambdas"] = serde_json::json!(lambdas);
    let model: PowerTransformerModel<f64> = serde_json::from_value(json).expect("deserialise");
    let out = model.transform(x).expect("transform");
    if !params.standardize {
        return out;
    }
    let scaler = StandardScaler::default()
        .fit(Dataset::from_records(out.clone()).view())
        .expect("scaler");
    scaler.transform(out.view()).expect("scale")
}

/// Asserts that our lambdas are at least as likely as scikit-learn's
/// (to 1e-12 relative) under the log-likelihood `llf` of each column of `x`
/// (NaN left out).
#[track_caller]
pub fn assert_as_likely(
    x: ndarray::ArrayView2<'_, f64>,
    ours: &[f64],
    theirs: &[f64],
    llf: impl Fn(&[f64], f64) -> f64,
    what: &str,
) {
    for (j, (&mine, &sk)) in ours.iter().zip(theirs).enumerate() {
        let column: Vec<f64> = x
            .column(j)
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .collect();
        let (l_mine, l_sk) = (llf(&column, mine), llf(&column, sk));
        assert!(
            l_mine >= l_sk - 1e-12 * l_sk.abs(),
            "{what} column {j}: log-likelihood {l_mine} at our lambda {mine} < {l_sk} at scikit-learn's {sk}"
        );
    }
}
