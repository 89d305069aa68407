//! Reference tests against scikit-learn 1.7.2 (fixtures written by
//! `xtask/fixtures/cluster.py`).
//!
//! - k-means (Lloyd and Elkan) started from the same centres: the same labels, iteration
//!   counts and predictions; centres and distances within 1e-8 (relative,
//!   absolute below 1); inertia and score within 1e-6 relative.
//! - mini-batch k-means, `partial_fit` over fixed batches from the same
//!   centres: the same labels after every batch; centres and counts within
//!   1e-8, inertia within 1e-6 (relative, absolute below 1).
//! - DBSCAN: the same labels (adjusted Rand index 1.0, and even the same
//!   numbering) and the same core samples.

use ndarray::{Array1, Array2};
use oxlearn::metrics::adjusted_rand_score;
use oxlearn::{Dataset, Fit, PartialFit, Predict, Transform};
use oxlearn_cluster::{Algorithm, Dbscan, Init, KMeans, Metric, MiniBatchKMeans};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows = v.as_array().unwrap();
    let d = rows[0].as_array().unwrap().len();
    Array2::from_shape_vec(
        (rows.len(), d),
        rows.iter()
            .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()))
            .collect(),
    )
    .unwrap()
}

fn floats(v: &Value) -> Array1<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn dataset(fixture: &Value, case: &Value) -> Dataset<f64, ()> {
    let x = matrix(&fixture["data"][case["data"].as_str().unwrap()]);
    let data = Dataset::from_records(x);
    match &case["weights"] {
        Value::Null => data,
        w => data.with_weights(floats(w)).unwrap(),
    }
}

#[test]
fn kmeans_matches_sklearn_from_given_centres() {
    let fixture = load("kmeans");
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let data = dataset(&fixture, case);
        let init = matrix(&case["init"]);
        let algorithm = match case["algorithm"].as_str().unwrap() {
            "elkan" => Algorithm::Elkan,
            _ => Algorithm::Lloyd,
        };
        let params = KMeans::new(init.nrows())
            .init(Init::Centers(init))
            .algorithm(algorithm)
            .max_iter(case["max_iter"].as_u64().unwrap() as usize)
            .tol(case["tol"].as_f64().unwrap());
        let model = params.fit(data.view()).unwrap();
        let labels: Vec<i64> = model.labels().iter().map(|&l| l as i64).collect();
        assert_eq!(labels, ints(&case["labels"]), "{name}: labels");
        assert_eq!(
            model.n_iter() as u64,
            case["n_iter"].as_u64().unwrap(),
            "{name}: n_iter"
        );
        let centers = matrix(&case["centers"]);
        for (a, b) in model.cluster_centers().iter().zip(&centers) {
            assert!(close(*a, *b, 1e-8), "{name}: centre {a} vs {b}");
        }
        let inertia = case["inertia"].as_f64().unwrap();
        assert!(
            close(model.inertia(), inertia, 1e-6),
            "{name}: inertia {} vs {inertia}",
            model.inertia()
        );
        let head = data.records().slice_move(ndarray::s![..20, ..]);
        let predicted: Vec<i64> = model
            .predict(head)
            .unwrap()
            .iter()
            .map(|&l| l as i64)
            .collect();
        assert_eq!(predicted, ints(&case["predict"]), "{name}: predict");
        let score = case["score"].as_f64().unwrap();
        assert!(
            close(model.score(head).unwrap(), score, 1e-6),
            "{name}: score"
        );
        let dist = model
            .transform(data.records().slice_move(ndarray::s![..5, ..]))
            .unwrap();
        for (a, b) in dist.iter().zip(&matrix(&case["transform"])) {
            assert!(close(*a, *b, 1e-8), "{name}: transform {a} vs {b}");
        }
    }
}

#[test]
fn kmeans_f32_agrees_with_sklearn_f64() {
    let fixture = load("kmeans");
    let case = &fixture["cases"][0];
    let x = matrix(&fixture["data"]["iris_std"]).mapv(|v| v as f32);
    let init = matrix(&case["init"]);
    let model = KMeans::new(3)
        .init(Init::Centers(init))
        .fit(Dataset::from_records(x).view())
        .unwrap();
    let labels: Vec<i64> = model.labels().iter().map(|&l| l as i64).collect();
    assert_eq!(labels, ints(&case["labels"]));
    for (a, b) in model
        .cluster_centers()
        .iter()
        .zip(&matrix(&case["centers"]))
    {
        assert!(close(f64::from(*a), *b, 1e-4));
    }
}

#[test]
fn minibatch_partial_fit_matches_sklearn() {
    let fixture = load("minibatch");
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let data = dataset(&fixture, case);
        let init = matrix(&case["init"]);
        let params = MiniBatchKMeans::new(init.nrows())
            .init(Init::Centers(init))
            .reassignment_ratio(case["reassignment_ratio"].as_f64().unwrap());
        let batch = case["batch"].as_u64().unwrap() as usize;
        let mut model = None;
        for (b, expected) in case["steps"].as_array().unwrap().iter().enumerate() {
            let part = data
                .view()
                .slice(b * batch, ((b + 1) * batch).min(data.n_samples()))
                .unwrap();
            let model = match model.as_mut() {
                None => model.insert(params.partial_fit(part).unwrap()),
                Some(m) => {
                    m.partial_fit(part).unwrap();
                    m
                }
            };
            let labels: Vec<i64> = model.labels().iter().map(|&l| l as i64).collect();
            assert_eq!(
                labels,
                ints(&expected["labels"]),
                "{name} batch {b}: labels"
            );
            for (a, e) in model
                .cluster_centers()
                .iter()
                .zip(&matrix(&expected["centers"]))
            {
                assert!(close(*a, *e, 1e-8), "{name} batch {b}: centre {a} vs {e}");
            }
            for (a, e) in model.counts().iter().zip(&floats(&expected["counts"])) {
                assert!(close(*a, *e, 1e-8), "{name} batch {b}: count {a} vs {e}");
            }
            let inertia = expected["inertia"].as_f64().unwrap();
            assert!(
                close(model.inertia(), inertia, 1e-6),
                "{name} batch {b}: inertia"
            );
            assert_eq!(model.n_steps(), b + 1);
        }
    }
}

fn metric(name: &str) -> Metric {
    match name {
        "euclidean" => Metric::Euclidean,
        "manhattan" => Metric::Manhattan,
        "chebyshev" => Metric::Chebyshev,
        other => panic!("unknown metric {other}"),
    }
}

#[test]
fn dbscan_matches_sklearn() {
    let fixture = load("dbscan");
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let data = dataset(&fixture, case);
        let params = Dbscan::new(
            case["eps"].as_f64().unwrap(),
            case["min_samples"].as_u64().unwrap() as usize,
        )
        .metric(metric(case["metric"].as_str().unwrap()));
        for n_threads in [Some(1), Some(2)] {
            let model = params
                .clone()
                .n_threads(n_threads)
                .fit(data.view())
                .unwrap();
            let expected = ints(&case["labels"]);
            let ari = adjusted_rand_score(model.labels(), &Array1::from(expected.clone())).unwrap();
            assert_eq!(ari, 1.0, "{name}: ARI");
            assert_eq!(model.labels().to_vec(), expected, "{name}: labels");
            let core: Vec<i64> = model
                .core_sample_indices()
                .iter()
                .map(|&i| i as i64)
                .collect();
            assert_eq!(
                core,
                ints(&case["core_sample_indices"]),
                "{name}: core samples"
            );
            assert_eq!(model.components().nrows(), core.len());
        }
    }
}

#[test]
fn dbscan_f32_matches_sklearn() {
    let fixture = load("dbscan");
    let case = &fixture["cases"][0];
    let x = matrix(&fixture["data"]["moons"]).mapv(|v| v as f32);
    let model = Dbscan::new(0.15, 5)
        .fit(Dataset::from_records(x).view())
        .unwrap();
    assert_eq!(model.labels().to_vec(), ints(&case["labels"]));
}
