//! `oxlearn::metrics` against scikit-learn 1.7.2.
//!
//! `tests/fixtures/metrics.json` is written by `xtask/fixtures/metrics.py`
//! (`cargo xtask fixtures`): predictions, probabilities, scores and cluster
//! labels of scikit-learn models on real data sets (diabetes, breast cancer,
//! iris, wine) and a few edge cases, with scikit-learn's value of every
//! metric, unweighted and weighted, for every averaging mode.
//!
//! Tolerance: every value agrees within `1e-10 * max(1, |expected|)`, that
//! is 1e-10 absolute for values up to 1 and 1e-10 relative above (MAPE
//! with a zero target reaches 1e15).

use ndarray::{Array1, Array2};
use oxlearn::metrics::{self, Average};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/metrics.json");
const TOL: f64 = 1e-10;

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("the metrics fixture is valid JSON")
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    let tol = TOL * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: oxlearn {actual:e}, scikit-learn {expected:e} (difference {:e}, tolerance {tol:e})",
        (actual - expected).abs()
    );
}

fn assert_all_close(actual: &[f64], expected: &Value, what: &str) {
    let expected = floats(expected);
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        assert_close(*a, *e, &format!("{what}[{i}]"));
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_i64().expect("an integer"))
        .collect()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().expect("rows").iter().map(floats).collect();
    let n_cols = rows.first().map_or(0, Vec::len);
    Array2::from_shape_vec((rows.len(), n_cols), rows.concat()).expect("a rectangular matrix")
}

fn average(entry: &Value) -> Average<i64> {
    match entry["average"].as_str().expect("an average") {
        "binary" => Average::Binary {
            pos_label: entry["pos_label"].as_i64().expect("a pos_label"),
        },
        "macro" => Average::Macro,
        "micro" => Average::Micro,
        "weighted" => Average::Weighted,
        other => panic!("unknown average {other}"),
    }
}

#[test]
fn regression_metrics_match_scikit_learn() {
    let fixture = fixture();
    let mut checked = 0;
    for case in fixture["regression"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("a name");
        let t = Array1::from(floats(&case["y_true"]));
        let p = Array1::from(floats(&case["y_pred"]));
        let w = Array1::from(floats(&case["sample_weight"]));
        for entry in case["expected"].as_array().expect("entries") {
            let metric = entry["metric"].as_str().expect("a metric");
            let weighted = entry["weighted"].as_bool().expect("weighted");
            let actual = match (metric, weighted) {
                ("r2_score", false) => metrics::r2_score(&t, &p),
                ("r2_score", true) => metrics::r2_score_weighted(&t, &p, &w),
                ("mean_squared_error", false) => metrics::mean_squared_error(&t, &p),
                ("mean_squared_error", true) => metrics::mean_squared_error_weighted(&t, &p, &w),
                ("root_mean_squared_error", false) => metrics::root_mean_squared_error(&t, &p),
                ("root_mean_squared_error", true) => {
                    metrics::root_mean_squared_error_weighted(&t, &p, &w)
                }
                ("mean_absolute_error", false) => metrics::mean_absolute_error(&t, &p),
                ("mean_absolute_error", true) => metrics::mean_absolute_error_weighted(&t, &p, &w),
                ("median_absolute_error", false) => metrics::median_absolute_error(&t, &p),
                ("median_absolute_error", true) => {
                    metrics::median_absolute_error_weighted(&t, &p, &w)
                }
                ("explained_variance_score", false) => metrics::explained_variance_score(&t, &p),
                ("explained_variance_score", true) => {
                    metrics::explained_variance_score_weighted(&t, &p, &w)
                }
                ("mean_absolute_percentage_error", false) => {
                    metrics::mean_absolute_percentage_error(&t, &p)
                }
                ("mean_absolute_percentage_error", true) => {
                    metrics::mean_absolute_percentage_error_weighted(&t, &p, &w)
                }
                ("max_error", false) => metrics::max_error(&t, &p),
                other => panic!("unknown regression metric {other:?}"),
            };
            let expected = entry["value"].as_f64().expect("a value");
            let what = format!("{name}: {metric} (weighted: {weighted})");
            assert_close(actual.expect(&what), expected, &what);
            checked += 1;
        }
    }
    assert!(checked >= 70, "only {checked} regression values checked");
}

/// Checks one classification entry; returns false for metrics that need
/// probabilities when the case has none (never the case in the fixture).
fn check_classification_entry(
    name: &str,
    entry: &Value,
    t: &Array1<i64>,
    p: &Array1<i64>,
    proba: Option<&Array2<f64>>,
    w: &Array1<f64>,
) {
    let metric = entry["metric"].as_str().expect("a metric");
    let weighted = entry["weighted"].as_bool().expect("weighted");
    let what = format!("{name}: {metric} {entry}");
    let value = &entry["value"];
    let scalar = |result: oxlearn::Result<f64>| {
        assert_close(
            result.expect(&what),
            value.as_f64().expect("a value"),
            &what,
        );
    };
    let beta = entry["beta"].as_f64().unwrap_or(1.0);
    match metric {
        "accuracy_score" if weighted => scalar(metrics::accuracy_score_weighted(t, p, w)),
        "accuracy_score" => scalar(metrics::accuracy_score(t, p)),
        "balanced_accuracy_score" if weighted => {
            scalar(metrics::balanced_accuracy_score_weighted(t, p, w));
        }
        "balanced_accuracy_score" => scalar(metrics::balanced_accuracy_score(t, p)),
        "matthews_corrcoef" if weighted => scalar(metrics::matthews_corrcoef_weighted(t, p, w)),
        "matthews_corrcoef" => scalar(metrics::matthews_corrcoef(t, p)),
        "precision_score" | "recall_score" | "f1_score" | "fbeta_score" => {
            let avg = average(entry);
            let result = match (metric, weighted) {
                ("precision_score", false) => metrics::precision_score(t, p, avg),
                ("precision_score", true) => metrics::precision_score_weighted(t, p, avg, w),
                ("recall_score", false) => metrics::recall_score(t, p, avg),
                ("recall_score", true) => metrics::recall_score_weighted(t, p, avg, w),
                ("f1_score", false) => metrics::f1_score(t, p, avg),
                ("f1_score", true) => metrics::f1_score_weighted(t, p, avg, w),
                (_, false) => metrics::fbeta_score(t, p, beta, avg),
                (_, true) => metrics::fbeta_score_weighted(t, p, beta, avg, w),
            };
            scalar(result);
        }
        "precision_recall_fscore_support" => {
            let prf = if weighted {
                metrics::precision_recall_fscore_support_weighted(t, p, beta, w)
            } else {
                metrics::precision_recall_fscore_support(t, p, beta)
            }
            .expect(&what);
            assert_eq!(prf.labels, ints(&value["labels"]), "{what}");
            assert_all_close(&prf.precision, &value["precision"], &what);
            assert_all_close(&prf.recall, &value["recall"], &what);
            assert_all_close(&prf.fscore, &value["fscore"], &what);
            assert_all_close(&prf.support, &value["support"], &what);
        }
        "confusion_matrix" => {
            let expected = matrix(&value["matrix"]);
            let (labels, actual) = if weighted {
                let cm = metrics::confusion_matrix_weighted(t, p, w).expect(&what);
                (cm.labels, cm.matrix)
            } else {
                let cm = metrics::confusion_matrix(t, p).expect(&what);
                (cm.labels, cm.matrix.mapv(|c| c as f64))
            };
            assert_eq!(labels, ints(&value["labels"]), "{what}");
            assert_eq!(actual.dim(), expected.dim(), "{what}");
            for (a, e) in actual.iter().zip(&expected) {
                assert_close(*a, *e, &what);
            }
        }
        "log_loss" => {
            let proba = proba.expect("probabilities");
            let result = if weighted {
                metrics::log_loss_weighted(t, proba, None, w)
            } else {
                metrics::log_loss(t, proba, None)
            };
            scalar(result);
        }
        "roc_auc_score" => {
            let score = proba.expect("probabilities").column(1).to_owned();
            let result = if weighted {
                metrics::roc_auc_score_weighted(t, &score, w)
            } else {
                metrics::roc_auc_score(t, &score)
            };
            scalar(result);
        }
        "roc_auc_score_ovr" => {
            let proba = proba.expect("probabilities");
            let avg = average(entry);
            let result = if weighted {
                metrics::roc_auc_score_ovr_weighted(t, proba, avg, w)
            } else {
                metrics::roc_auc_score_ovr(t, proba, avg)
            };
            scalar(result);
        }
        "brier_score_loss" | "roc_curve" => {
            let pos = entry["pos_label"].as_i64().expect("a pos_label");
            // The probability of `pos`: columns follow the sorted labels.
            let mut classes = t.to_vec();
            classes.sort_unstable();
            classes.dedup();
            let col = classes.binary_search(&pos).expect("pos_label is a class");
            let score = proba.expect("probabilities").column(col).to_owned();
            if metric == "brier_score_loss" {
                let result = if weighted {
                    metrics::brier_score_loss_weighted(t, &score, &pos, w)
                } else {
                    metrics::brier_score_loss(t, &score, &pos)
                };
                scalar(result);
            } else {
                let roc = if weighted {
                    metrics::roc_curve_weighted(t, &score, &pos, w)
                } else {
                    metrics::roc_curve(t, &score, &pos)
                }
                .expect(&what);
                assert_all_close(&roc.fpr, &value["fpr"], &what);
                assert_all_close(&roc.tpr, &value["tpr"], &what);
                assert_eq!(roc.thresholds[0], f64::INFINITY, "{what}");
                assert_all_close(&roc.thresholds[1..], &value["thresholds"], &what);
            }
        }
        other => panic!("unknown classification metric {other}"),
    }
}

#[test]
fn classification_metrics_match_scikit_learn() {
    let fixture = fixture();
    let mut checked = 0;
    for case in fixture["classification"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("a name");
        let t = Array1::from(ints(&case["y_true"]));
        let p = Array1::from(ints(&case["y_pred"]));
        let w = Array1::from(floats(&case["sample_weight"]));
        let proba = (!case["proba"].is_null()).then(|| matrix(&case["proba"]));
        for entry in case["expected"].as_array().expect("entries") {
            check_classification_entry(name, entry, &t, &p, proba.as_ref(), &w);
            checked += 1;
        }
    }
    assert!(
        checked >= 350,
        "only {checked} classification values checked"
    );
}

#[test]
fn clustering_metrics_match_scikit_learn() {
    let fixture = fixture();
    let data = &fixture["clustering_data"];
    let mut checked = 0;
    for case in fixture["clustering"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("a name");
        let x = matrix(&data[case["x"].as_str().expect("a data set name")]);
        let t = Array1::from(ints(&case["labels_true"]));
        let p = Array1::from(ints(&case["labels_pred"]));
        let expect = |key: &str| case[key].as_f64().expect("a value");
        let what = |key: &str| format!("{name}: {key}");
        assert_close(
            metrics::adjusted_rand_score(&t, &p).expect(name),
            expect("adjusted_rand_score"),
            &what("adjusted_rand_score"),
        );
        assert_close(
            metrics::normalized_mutual_info_score(&t, &p).expect(name),
            expect("normalized_mutual_info_score"),
            &what("normalized_mutual_info_score"),
        );
        assert_close(
            metrics::silhouette_score(&x, &p).expect(name),
            expect("silhouette_score_pred"),
            &what("silhouette_score_pred"),
        );
        assert_close(
            metrics::silhouette_score(&x, &t).expect(name),
            expect("silhouette_score_true"),
            &what("silhouette_score_true"),
        );
        let samples = metrics::silhouette_samples(&x, &p).expect(name);
        assert_all_close(
            samples.as_slice().expect("contiguous"),
            &case["silhouette_samples_pred"],
            &what("silhouette_samples_pred"),
        );
        // f32 records give the same result to single precision.
        let s32 = metrics::silhouette_score(&x.mapv(|v| v as f32), &p).expect(name);
        assert!(
            (s32 - expect("silhouette_score_pred")).abs() < 1e-5,
            "{name}: f32"
        );
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} clustering cases checked");
}
