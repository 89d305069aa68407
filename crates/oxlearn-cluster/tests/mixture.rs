//! Gaussian mixtures: reference tests against scikit-learn 1.7.2 (fixtures
//! written by `xtask/fixtures/cluster_mixture.py`) and properties.
//!
//! - Started from the same weights, means and precisions (iris, standardised
//!   wine, blobs; all four covariance types): the same iteration counts,
//!   convergence flags and labels; weights, means, covariances and precision
//!   factors within 1e-8 (relative, absolute below 1); lower bound,
//!   per-sample log-likelihoods, score, BIC and AIC within 1e-8 relative;
//!   probabilities within 1e-8.
//! - The default k-means initialisation on well separated blobs: the same
//!   lower bound and BIC within 1e-6 relative.

use ndarray::{Array1, Array2, ArrayD, IxDyn, array};
use oxlearn::{Dataset, Fit, Predict, PredictProba};
use oxlearn_cluster::{
    ClusterError, CovarianceType, GaussianMixture, GaussianMixtureModel, InitParams,
};
use serde_json::Value;

fn load() -> Value {
    let path = format!("{}/tests/fixtures/mixture.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every number of a nested JSON array, in order, and the shape.
fn flatten(v: &Value, out: &mut Vec<f64>, shape: &mut Vec<usize>, depth: usize) {
    match v {
        Value::Array(items) => {
            if shape.len() == depth {
                shape.push(items.len());
            }
            for item in items {
                flatten(item, out, shape, depth + 1);
            }
        }
        other => out.push(other.as_f64().unwrap()),
    }
}

fn tensor(v: &Value) -> ArrayD<f64> {
    let (mut values, mut shape) = (Vec::new(), Vec::new());
    flatten(v, &mut values, &mut shape, 0);
    ArrayD::from_shape_vec(IxDyn(&shape), values).unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    tensor(v).into_dimensionality().unwrap()
}

fn vector(v: &Value) -> Array1<f64> {
    tensor(v).into_dimensionality().unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn assert_all_close<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
    tol: f64,
    what: &str,
) {
    let (a, b): (Vec<f64>, Vec<f64>) = (
        a.into_iter().copied().collect(),
        b.into_iter().copied().collect(),
    );
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (x, y) in a.iter().zip(&b) {
        assert!(close(*x, *y, tol), "{what}: {x} vs {y}");
    }
}

fn records(fixture: &Value, name: &str) -> Array2<f64> {
    match name {
        "iris" => oxlearn_datasets::iris().unwrap().records().to_owned(),
        other => matrix(&fixture["data"][other]),
    }
}

fn kind(name: &str) -> CovarianceType {
    match name {
        "full" => CovarianceType::Full,
        "tied" => CovarianceType::Tied,
        "diag" => CovarianceType::Diag,
        _ => CovarianceType::Spherical,
    }
}

fn params_of(case: &Value) -> GaussianMixture {
    let p = &case["params"];
    GaussianMixture::new(p["n_components"].as_u64().unwrap() as usize)
        .covariance_type(kind(p["covariance_type"].as_str().unwrap()))
        .tol(p["tol"].as_f64().unwrap())
        .reg_covar(p["reg_covar"].as_f64().unwrap())
        .max_iter(p["max_iter"].as_u64().unwrap() as usize)
        .weights_init(Some(vector(&case["weights_init"])))
        .means_init(Some(matrix(&case["means_init"])))
        .precisions_init(Some(tensor(&case["precisions_init"])))
}

#[test]
fn matches_sklearn_from_given_parameters() {
    let fixture = load();
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let x = records(&fixture, case["data"].as_str().unwrap());
        let model = params_of(case)
            .fit(Dataset::from_records(x.clone()).view())
            .unwrap();
        assert_eq!(
            model.n_iter() as u64,
            case["n_iter"].as_u64().unwrap(),
            "{name}: n_iter"
        );
        assert_eq!(
            model.converged(),
            case["converged"].as_bool().unwrap(),
            "{name}"
        );
        assert_all_close(model.weights(), &vector(&case["weights"]), 1e-8, name);
        assert_all_close(model.means(), &matrix(&case["means"]), 1e-8, name);
        let cov = tensor(&case["covariances"]);
        assert_eq!(model.covariances().shape(), cov.shape(), "{name}");
        assert_all_close(model.covariances(), &cov, 1e-8, name);
        if !case["precisions_cholesky"].is_null() {
            let pc = tensor(&case["precisions_cholesky"]);
            assert_all_close(model.precisions_cholesky(), &pc, 1e-8, name);
        }
        let lb = case["lower_bound"].as_f64().unwrap();
        assert!(
            close(model.lower_bound(), lb, 1e-8),
            "{name}: lower bound {} vs {lb}",
            model.lower_bound()
        );
        let head = x.slice(ndarray::s![..10, ..]);
        assert_all_close(
            &model.score_samples(head).unwrap(),
            &vector(&case["score_samples"]),
            1e-8,
            name,
        );
        for (key, value) in [
            ("score", model.score(x.view()).unwrap()),
            ("bic", model.bic(x.view()).unwrap()),
            ("aic", model.aic(x.view()).unwrap()),
        ] {
            let expected = case[key].as_f64().unwrap();
            assert!(
                close(value, expected, 1e-8),
                "{name}: {key} {value} vs {expected}"
            );
        }
        let predicted: Vec<u64> = model
            .predict(x.slice(ndarray::s![..30, ..]))
            .unwrap()
            .iter()
            .map(|&l| l as u64)
            .collect();
        let expected: Vec<u64> = case["predict"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(predicted, expected, "{name}: predict");
        let proba = model.predict_proba(x.slice(ndarray::s![..5, ..])).unwrap();
        for (a, b) in proba.iter().zip(&matrix(&case["predict_proba"])) {
            assert!((a - b).abs() <= 1e-8, "{name}: proba {a} vs {b}");
        }
    }
}

#[test]
fn kmeans_initialisation_matches_sklearn_on_separated_blobs() {
    let fixture = load();
    let x = matrix(&fixture["data"]["blobs"]);
    for case in fixture["kmeans_init"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let model = GaussianMixture::new(4)
            .covariance_type(kind(case["covariance_type"].as_str().unwrap()))
            .tol(1e-9)
            .max_iter(200)
            .fit(Dataset::from_records(x.clone()).view())
            .unwrap();
        let lb = case["lower_bound"].as_f64().unwrap();
        assert!(close(model.lower_bound(), lb, 1e-6), "{name}: lower bound");
        let bic = case["bic"].as_f64().unwrap();
        assert!(
            close(model.bic(x.view()).unwrap(), bic, 1e-6),
            "{name}: bic"
        );
    }
}

#[test]
fn f32_agrees_with_sklearn_f64() {
    let fixture = load();
    let case = &fixture["cases"][0];
    assert_eq!(case["name"], "iris_full");
    let x = records(&fixture, "iris").mapv(|v| v as f32);
    let model = params_of(case)
        .fit(Dataset::from_records(x.clone()).view())
        .unwrap();
    for (a, b) in model.means().iter().zip(&matrix(&case["means"])) {
        assert!(close(f64::from(*a), *b, 1e-4), "{a} vs {b}");
    }
    let lb = case["lower_bound"].as_f64().unwrap();
    assert!(close(f64::from(model.lower_bound()), lb, 1e-4));
    let proba = model.predict_proba(x.view()).unwrap();
    for row in proba.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-5);
    }
}

/// Four overlapping groups, 4500 rows in 5 dimensions (several blocks of rows
/// and several M-step tasks).
fn groups() -> Array2<f64> {
    Array2::from_shape_fn((4500, 5), |(i, j)| {
        let g = (i % 4) as f64;
        let noise = (((i * 7919 + j * 104_729) % 1000) as f64 / 1000.0 - 0.5) * 3.0;
        g * 2.0 * ((j % 2) as f64 + 0.5) + noise + 0.3 * ((i * 31 + j) % 17) as f64 / 17.0
    })
}

#[test]
fn same_seed_same_model_on_one_and_two_threads() {
    let x = groups();
    let data = Dataset::from_records(x);
    for kind in [
        CovarianceType::Full,
        CovarianceType::Tied,
        CovarianceType::Diag,
        CovarianceType::Spherical,
    ] {
        for init in [
            InitParams::KMeans,
            InitParams::KMeansPlusPlus,
            InitParams::Random,
            InitParams::RandomFromData,
        ] {
            let params = GaussianMixture::new(4)
                .covariance_type(kind)
                .init_params(init)
                .n_init(2)
                .seed(11)
                .max_iter(20);
            let one = params.clone().n_threads(Some(1)).fit(data.view()).unwrap();
            let two = params.clone().n_threads(Some(2)).fit(data.view()).unwrap();
            assert_eq!(one, two, "{kind:?} {init:?}");
            let other = params.seed(12).n_threads(Some(2)).fit(data.view()).unwrap();
            assert!(other.lower_bound().is_finite());
        }
    }
}

#[test]
fn probabilities_labels_and_likelihoods_agree() {
    let data = Dataset::from_records(groups());
    let model = GaussianMixture::new(3).fit(data.view()).unwrap();
    assert_eq!(model.classes(), &[0, 1, 2]);
    assert_eq!(model.n_components(), 3);
    let x = data.records();
    let proba = model.predict_proba(x).unwrap();
    let labels = model.predict(x).unwrap();
    for (row, &l) in proba.rows().into_iter().zip(&labels) {
        assert!((row.sum() - 1.0).abs() < 1e-12);
        assert!(row.iter().all(|&p| (0.0..=1.0).contains(&p)));
        assert!(row.iter().all(|&p| p <= row[l]));
    }
    let ss = model.score_samples(x).unwrap();
    assert!((ss.mean().unwrap() - model.score(x).unwrap()).abs() < 1e-12);
    // The training log-likelihood grows with EM: the final score is at least
    // the last lower bound (computed before the last M-step).
    assert!(model.score(x).unwrap() >= model.lower_bound() - 1e-12);
    let p = model.precisions();
    assert_eq!(p.shape(), &[3, 5, 5]);
    let n = x.nrows() as f64;
    let k = model.n_parameters() as f64;
    let score = model.score(x).unwrap();
    assert!((model.bic(x).unwrap() - (-2.0 * score * n + k * n.ln())).abs() < 1e-9);
    assert!((model.aic(x).unwrap() - (-2.0 * score * n + 2.0 * k)).abs() < 1e-9);
}

#[test]
fn serde_round_trip_predicts_identically() {
    let data = Dataset::from_records(groups());
    for kind in [CovarianceType::Full, CovarianceType::Spherical] {
        let model = GaussianMixture::new(3)
            .covariance_type(kind)
            .fit(data.view())
            .unwrap();
        let json = serde_json::to_string(&model).unwrap();
        let back: GaussianMixtureModel<f64> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.classes(), &[0, 1, 2]);
        let x = data.records();
        assert_eq!(back.predict(x).unwrap(), model.predict(x).unwrap());
        assert_eq!(
            back.score_samples(x).unwrap(),
            model.score_samples(x).unwrap()
        );
        // A corrupted model is rejected.
        let mut v: Value = serde_json::from_str(&json).unwrap();
        v["weights"]["data"] = serde_json::json!([0.5, 0.5]);
        assert!(serde_json::from_value::<GaussianMixtureModel<f64>>(v).is_err());
    }
}

#[test]
fn bad_input_is_an_error() {
    let x = array![[0.0, 1.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0], [5.0, 6.0]];
    let data = Dataset::from_records(x.clone());
    let fit = |p: GaussianMixture| p.fit(data.view());
    assert!(fit(GaussianMixture::new(0)).is_err());
    assert!(fit(GaussianMixture::new(6)).is_err());
    assert!(fit(GaussianMixture::new(2).reg_covar(-1.0)).is_err());
    assert!(fit(GaussianMixture::new(2).reg_covar(f64::NAN)).is_err());
    assert!(fit(GaussianMixture::new(2).tol(-1e-3)).is_err());
    assert!(fit(GaussianMixture::new(2).max_iter(0)).is_err());
    assert!(fit(GaussianMixture::new(2).n_init(0)).is_err());
    assert!(fit(GaussianMixture::new(2).n_threads(Some(0))).is_err());
    // Wrong *_init shapes and values.
    assert!(fit(GaussianMixture::new(2).weights_init(Some(array![1.0]))).is_err());
    assert!(fit(GaussianMixture::new(2).weights_init(Some(array![0.6, 0.6]))).is_err());
    assert!(fit(GaussianMixture::new(2).weights_init(Some(array![1.5, -0.5]))).is_err());
    assert!(fit(GaussianMixture::new(2).means_init(Some(Array2::zeros((2, 3))))).is_err());
    assert!(
        fit(GaussianMixture::new(2).means_init(Some(array![[0.0, f64::NAN], [1.0, 1.0]]))).is_err()
    );
    let eye = ArrayD::from_shape_fn(IxDyn(&[2, 2, 2]), |i| f64::from(u8::from(i[1] == i[2])));
    assert!(fit(GaussianMixture::new(2).precisions_init(Some(eye.clone()))).is_ok());
    let wrong = ArrayD::zeros(IxDyn(&[2, 2]));
    assert!(fit(GaussianMixture::new(2).precisions_init(Some(wrong))).is_err());
    let mut not_pd = eye.clone();
    not_pd[[1, 0, 1]] = 2.0;
    not_pd[[1, 1, 0]] = 2.0;
    let err = fit(GaussianMixture::new(2).precisions_init(Some(not_pd))).unwrap_err();
    assert!(err.to_string().contains("precisions_init"), "{err}");
    let negative = ArrayD::from_elem(IxDyn(&[2]), -1.0);
    assert!(
        fit(GaussianMixture::new(2)
            .covariance_type(CovarianceType::Spherical)
            .precisions_init(Some(negative)))
        .is_err()
    );
    // Data.
    let empty = Dataset::from_records(Array2::<f64>::zeros((0, 2)));
    assert!(GaussianMixture::new(1).fit(empty.view()).is_err());
    let single = Dataset::from_records(array![[1.0, 2.0]]);
    assert!(GaussianMixture::new(1).fit(single.view()).is_err());
    let nan = Dataset::from_records(array![[1.0, f64::NAN], [0.0, 0.0], [1.0, 1.0]]);
    assert!(GaussianMixture::new(1).fit(nan.view()).is_err());
    let inf = Dataset::from_records(array![[1.0, f64::INFINITY], [0.0, 0.0], [1.0, 1.0]]);
    assert!(GaussianMixture::new(1).fit(inf.view()).is_err());
    let weighted = Dataset::from_records(x.clone())
        .with_weights(Array1::ones(5))
        .unwrap();
    let err = GaussianMixture::new(2).fit(weighted.view()).unwrap_err();
    assert!(matches!(err, ClusterError::SampleWeightsUnsupported { .. }));
    // Predict-time checks.
    let model = fit(GaussianMixture::new(2)).unwrap();
    assert!(model.predict(Array2::zeros((2, 3)).view()).is_err());
    assert!(model.predict_proba(array![[f64::NAN, 0.0]].view()).is_err());
    assert!(model.score_samples(Array2::zeros((1, 1)).view()).is_err());
    assert!(model.score(Array2::zeros((0, 2)).view()).is_err());
    assert!(model.bic(Array2::zeros((0, 2)).view()).is_err());
}

#[test]
fn collapsed_component_names_reg_covar() {
    let x = array![[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0]];
    let err = GaussianMixture::new(2)
        .reg_covar(0.0)
        .fit(Dataset::from_records(x.clone()).view())
        .unwrap_err();
    assert!(
        matches!(err, ClusterError::IllDefinedCovariance { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("component"), "{err}");
    assert!(err.to_string().contains("reg_covar"), "{err}");
    // The default regularisation keeps it positive definite.
    let model: GaussianMixtureModel<f64> = GaussianMixture::new(2)
        .fit(Dataset::from_records(x).view())
        .unwrap();
    assert!(model.lower_bound().is_finite());
}

/// The empirical mean and covariance (divided by n) of some rows.
fn moments(rows: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (n, d) = (rows.len() as f64, rows[0].len());
    let mean: Vec<f64> = (0..d)
        .map(|f| rows.iter().map(|r| r[f]).sum::<f64>() / n)
        .collect();
    let cov = (0..d)
        .map(|a| {
            (0..d)
                .map(|b| {
                    rows.iter()
                        .map(|r| (r[a] - mean[a]) * (r[b] - mean[b]))
                        .sum::<f64>()
                        / n
                })
                .collect()
        })
        .collect();
    (mean, cov)
}

#[test]
fn samples_follow_the_fitted_mixture() {
    let iris = oxlearn_datasets::iris().expect("iris");
    for kind in [
        CovarianceType::Full,
        CovarianceType::Tied,
        CovarianceType::Diag,
        CovarianceType::Spherical,
    ] {
        let model = GaussianMixture::new(3)
            .covariance_type(kind)
            .fit(Dataset::from_records(iris.records().to_owned()).view())
            .expect("fit");
        let n = 60_000;
        let (rows, components) = model.sample(n, 3).expect("sample");
        assert_eq!(rows.dim(), (n, 4));
        // Grouped by component, in component order.
        assert!(components.windows(2).into_iter().all(|w| w[0] <= w[1]));
        let (again, _) = model.sample(n, 3).expect("sample");
        assert_eq!(rows, again, "same seed, same rows");
        let covariances = model.covariances();
        for j in 0..3 {
            let mine: Vec<Vec<f64>> = rows
                .outer_iter()
                .zip(&components)
                .filter(|(_, c)| **c == j)
                .map(|(r, _)| r.to_vec())
                .collect();
            let share = mine.len() as f64 / n as f64;
            assert!(
                (share - model.weights()[j]).abs() < 0.01,
                "{kind:?} weight {j}: {share}"
            );
            let (mean, cov) = moments(&mine);
            let want = |a: usize, b: usize| match kind {
                CovarianceType::Full => covariances[[j, a, b]],
                CovarianceType::Tied => covariances[[a, b]],
                CovarianceType::Diag => {
                    if a == b {
                        covariances[[j, a]]
                    } else {
                        0.0
                    }
                }
                CovarianceType::Spherical => {
                    if a == b {
                        covariances[[j]]
                    } else {
                        0.0
                    }
                }
            };
            let scale = (0..4).map(|a| want(a, a)).fold(0.0, f64::max);
            for a in 0..4 {
                let sd = want(a, a).sqrt();
                assert!(
                    (mean[a] - model.means()[[j, a]]).abs() < 0.05 * sd,
                    "{kind:?} mean {j},{a}: {} vs {}",
                    mean[a],
                    model.means()[[j, a]]
                );
                for (b, &got) in cov[a].iter().enumerate() {
                    assert!(
                        (got - want(a, b)).abs() < 0.05 * scale,
                        "{kind:?} covariance {j},{a},{b}: {got} vs {}",
                        want(a, b)
                    );
                }
            }
        }
        assert!(model.sample(0, 3).is_err());
        assert!(model.sample(usize::MAX, 3).is_err());
    }
}

#[test]
fn warm_start_continues_the_iterations() {
    let x = groups();
    let data = Dataset::from_records(x);
    for kind in [
        CovarianceType::Full,
        CovarianceType::Tied,
        CovarianceType::Diag,
        CovarianceType::Spherical,
    ] {
        let params = GaussianMixture::new(4)
            .covariance_type(kind)
            .tol(0.0)
            .seed(5);
        let ten = params.clone().max_iter(10).fit(data.view()).expect("fit");
        let four = params.clone().max_iter(4).fit(data.view()).expect("fit");
        let six_more = GaussianMixture::default()
            .warm_start(&four)
            .tol(0.0)
            .max_iter(6)
            .fit(data.view())
            .expect("warm start");
        assert_eq!(six_more.n_components(), 4);
        assert_eq!(six_more.covariance_type(), kind);
        for (a, b) in six_more.means().iter().zip(ten.means().iter()) {
            assert!(
                (a - b).abs() < 1e-8 * b.abs().max(1.0),
                "{kind:?} means: {a} vs {b}"
            );
        }
        for (a, b) in six_more.covariances().iter().zip(ten.covariances().iter()) {
            assert!(
                (a - b).abs() < 1e-8 * b.abs().max(1.0),
                "{kind:?} covariances: {a} vs {b}"
            );
        }
        assert!(
            (six_more.lower_bound() - ten.lower_bound()).abs() < 1e-8 * ten.lower_bound().abs()
        );
    }
}
