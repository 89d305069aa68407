//! LogisticRegression against scikit-learn 1.7.2 (lbfgs, tol 1e-10) on
//! standardised breast_cancer (binary, balanced class weights with sample
//! weights, L1 against saga), wine and iris (multinomial, with and without
//! intercept, elastic net against saga):
//! coefficients, intercepts and probabilities within 1e-4 relative, the same
//! training accuracy; and behaviour (bad input, threads, f32, serde).

mod common;

use common::{assert_close, fixture, floats, weights};
use ndarray::{Array1, Array2, array, s};
use oxlearn::metrics::accuracy_score;
use oxlearn::{Dataset, Fit, Predict, PredictProba};
use oxlearn_linear::{ClassWeight, LinearError, LogisticRegression, Penalty};

const RTOL: f64 = 1e-4;

/// Columns standardised to mean 0 and population standard deviation 1.
fn standardised(data: Dataset<f64, usize>) -> Dataset<f64, usize> {
    let (mut x, y, _) = data.into_parts();
    for mut col in x.columns_mut() {
        let mean = col.mean().unwrap_or(0.0);
        let std = col
            .mapv(|v| (v - mean).powi(2))
            .mean()
            .unwrap_or(1.0)
            .sqrt();
        col.mapv_inplace(|v| (v - mean) / std);
    }
    Dataset::new(x, y).expect("data")
}

fn load(name: &str) -> Dataset<f64, usize> {
    let data = match name {
        "breast_cancer" => oxlearn_datasets::breast_cancer(),
        "wine" => oxlearn_datasets::wine(),
        "iris" => oxlearn_datasets::iris(),
        other => panic!("unknown dataset {other}"),
    };
    standardised(data.expect("bundled data"))
}

#[test]
fn logistic_regression_matches_scikit_learn() {
    let fx = fixture();
    for case in fx["logistic"].as_array().expect("logistic cases") {
        let name = case["name"].as_str().expect("name");
        let mut data = load(case["dataset"].as_str().expect("dataset"));
        if case["weighted"].as_bool().expect("weighted") {
            let n = data.n_samples();
            data = data.with_weights(weights(n)).expect("weights");
        }
        let class_weight = if case["balanced"].as_bool().expect("balanced") {
            ClassWeight::Balanced
        } else {
            ClassWeight::Uniform
        };
        let penalty = match case["penalty"].as_str().expect("penalty") {
            "l1" => Penalty::L1,
            "elasticnet" => Penalty::ElasticNet {
                l1_ratio: case["l1_ratio"].as_f64().expect("l1_ratio"),
            },
            _ => Penalty::L2,
        };
        let model = LogisticRegression::default()
            .c(case["C"].as_f64().expect("C"))
            .penalty(penalty)
            .fit_intercept(case["fit_intercept"].as_bool().expect("fit_intercept"))
            .class_weight(class_weight)
            .tol(1e-10)
            .max_iter(10_000)
            .fit(data.view())
            .expect("fit");
        assert!(model.converged(), "{name} did not converge");
        if penalty != Penalty::L2 {
            for (c, e) in model.coef().iter().zip(floats(&case["coef"])) {
                assert_eq!(*c == 0.0, e == 0.0, "{name}: sparsity pattern {c} vs {e}");
            }
        }
        assert_close(
            &model.coef().iter().copied().collect::<Vec<_>>(),
            &floats(&case["coef"]),
            RTOL,
            &format!("{name} coef"),
        );
        assert_close(
            &model.intercept().to_vec(),
            &floats(&case["intercept"]),
            RTOL,
            &format!("{name} intercept"),
        );
        let head = data.records().slice(s![..5, ..]).to_owned();
        let proba = model.predict_proba(head.view()).expect("proba");
        assert_close(
            &proba.iter().copied().collect::<Vec<_>>(),
            &floats(&case["proba_head"]),
            RTOL,
            &format!("{name} probabilities"),
        );
        let pred = model.predict(data.records()).expect("predict");
        let acc = accuracy_score(&data.targets().to_owned(), &pred).expect("accuracy");
        assert_eq!(
            acc,
            case["accuracy"].as_f64().expect("accuracy"),
            "{name} accuracy"
        );
    }
}

#[test]
fn logistic_regression_behaves() {
    let data = load("wine");
    // Bad hyperparameters.
    for (model, name) in [
        (LogisticRegression::default().c(0.0), "`c`"),
        (LogisticRegression::default().c(f64::NAN), "`c`"),
        (LogisticRegression::default().max_iter(0), "`max_iter`"),
        (LogisticRegression::default().tol(-1.0), "`tol`"),
        (
            LogisticRegression::default().n_threads(Some(0)),
            "`n_threads`",
        ),
        (
            LogisticRegression::default().class_weight(ClassWeight::PerClass(vec![1.0, -1.0, 1.0])),
            "`class_weight`",
        ),
    ] {
        let err = model.fit(data.view()).expect_err("invalid");
        assert!(err.to_string().contains(name), "{err}");
    }
    for l1_ratio in [-0.1, 1.1, f64::NAN] {
        let err = LogisticRegression::default()
            .penalty(Penalty::ElasticNet { l1_ratio })
            .fit(data.view())
            .expect_err("l1_ratio");
        assert!(err.to_string().contains("`l1_ratio`"), "{err}");
    }
    // Elastic net with l1_ratio 0 is the L2 penalty; a strong L1 penalty is sparse.
    let l2 = LogisticRegression::default()
        .tol(1e-10)
        .fit(data.view())
        .expect("fit");
    let en0 = LogisticRegression::default()
        .penalty(Penalty::ElasticNet { l1_ratio: 0.0 })
        .tol(1e-10)
        .fit(data.view())
        .expect("fit");
    for (a, b) in l2.coef().iter().zip(en0.coef()) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
    }
    let sparse = LogisticRegression::default()
        .penalty(Penalty::L1)
        .c(0.05)
        .fit(data.view())
        .expect("fit");
    let zeros = sparse.coef().iter().filter(|c| **c == 0.0).count();
    assert!(zeros > 10, "{zeros} zeros of {}", sparse.coef().len());
    let params = LogisticRegression::default().penalty(Penalty::ElasticNet { l1_ratio: 0.3 });
    let text = serde_json::to_string(&params).expect("serialise");
    assert_eq!(
        serde_json::from_str::<LogisticRegression>(&text).expect("load"),
        params
    );
    let err = LogisticRegression::default()
        .class_weight(ClassWeight::PerClass(vec![1.0, 2.0]))
        .fit(data.view())
        .expect_err("wrong length");
    assert!(err.to_string().contains("class_weight"), "{err}");
    // Bad data: one class, NaN, empty, all weights zero.
    let one = Dataset::new(array![[1.0f64], [2.0]], array![3, 3]).expect("data");
    let err = LogisticRegression::default()
        .fit(one.view())
        .expect_err("one class");
    assert!(
        matches!(err, LinearError::Core(oxlearn::Error::TooFewClasses { .. })),
        "{err}"
    );
    let nan = Dataset::new(array![[1.0f64], [f64::NAN]], array![0, 1]).expect("data");
    assert!(LogisticRegression::default().fit(nan.view()).is_err());
    let empty =
        Dataset::new(Array2::<f64>::zeros((0, 2)), Array1::<usize>::zeros(0)).expect("data");
    assert!(LogisticRegression::default().fit(empty.view()).is_err());
    let zero = data
        .clone()
        .with_weights(Array1::zeros(data.n_samples()))
        .expect("w");
    assert!(matches!(
        LogisticRegression::default().fit(zero.view()),
        Err(LinearError::ZeroWeightSum)
    ));
    // A fit: probabilities sum to 1, classes sorted, predict checks features.
    let model = LogisticRegression::default().fit(data.view()).expect("fit");
    assert_eq!(model.classes(), &[0, 1, 2]);
    let proba = model.predict_proba(data.records()).expect("proba");
    for row in proba.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-12 && row.iter().all(|p| (0.0..=1.0).contains(p)));
    }
    assert_eq!(
        model.decision_function(data.records()).expect("d").dim(),
        (178, 3)
    );
    assert!(model.predict(Array2::zeros((1, 12)).view()).is_err());
    assert!(
        model
            .predict_proba(Array2::from_elem((1, 13), f64::NAN).view())
            .is_err()
    );
    // Explicit class weights equal to 1 are the uniform weights.
    let ones = LogisticRegression::default()
        .class_weight(ClassWeight::PerClass(vec![1.0; 3]))
        .fit(data.view())
        .expect("fit");
    assert_eq!(ones, model);
    // Same result on 1 and 2 threads.
    let one = LogisticRegression::default()
        .n_threads(Some(1))
        .fit(data.view())
        .expect("fit");
    let two = LogisticRegression::default()
        .n_threads(Some(2))
        .fit(data.view())
        .expect("fit");
    assert_eq!(one, two);
    // Non-convergence is reported.
    let short = LogisticRegression::default()
        .max_iter(1)
        .tol(0.0)
        .fit(data.view())
        .expect("fit");
    assert!(!short.converged());
    assert_eq!(short.n_iter(), 1);
    // No penalty approaches a very weak L2 penalty (non-separable data).
    let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 3)) % 17) as f64 / 17.0);
    let y: Array1<u8> = (0..200)
        .map(|i| u8::from((i * 7) % 10 < 4 + (i % 3)))
        .collect();
    let noisy = Dataset::new(x, y).expect("data");
    let none = LogisticRegression::default()
        .penalty(Penalty::None)
        .tol(1e-10)
        .max_iter(1000)
        .fit(noisy.view())
        .expect("fit");
    let weak = LogisticRegression::default()
        .c(1e8)
        .tol(1e-10)
        .max_iter(1000)
        .fit(noisy.view())
        .expect("fit");
    for (a, b) in none.coef().iter().zip(weak.coef()) {
        assert!((a - b).abs() < 1e-4 * b.abs().max(1.0), "{a} vs {b}");
    }
    // f32 records, string labels, serde.
    let (x, y, _) = load("breast_cancer").into_parts();
    let labels: Array1<String> = y.mapv(|c| {
        if c == 1 {
            "benign".into()
        } else {
            "malignant".into()
        }
    });
    let data32 = Dataset::new(x.mapv(|v| v as f32), labels).expect("data");
    let m32 = LogisticRegression::default()
        .fit(data32.view())
        .expect("fit");
    assert_eq!(
        m32.classes(),
        ["benign".to_string(), "malignant".to_string()]
    );
    let pred = m32.predict(data32.records()).expect("predict");
    let acc = accuracy_score(&data32.targets().to_owned(), &pred).expect("accuracy");
    assert!(acc > 0.97, "{acc}");
    let json = serde_json::to_string(&m32).expect("serialise");
    let back: oxlearn_linear::LogisticRegressionModel<f32, String> =
        serde_json::from_str(&json).expect("load");
    assert_eq!(back, m32);
    let params = LogisticRegression::default().class_weight(ClassWeight::Balanced);
    let text = serde_json::to_string(&params).expect("serialise");
    assert_eq!(
        serde_json::from_str::<LogisticRegression>(&text).expect("load"),
        params
    );
}
