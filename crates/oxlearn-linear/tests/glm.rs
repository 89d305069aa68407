//! Poisson, Gamma and Tweedie regression (log link) against scikit-learn
//! 1.7.2 (lbfgs, tol 1e-10) on standardised diabetes and california_housing,
//! with and without intercept and weights: coefficients (on 1% of the
//! largest for near-zero ones), intercepts and predictions within 1e-4
//! relative; and behaviour (target domains, bad
//! hyperparameters, threads, f32, serde).

mod common;

use common::{assert_close, fixture, floats, weights};
use ndarray::{Array1, Array2, array, s};
use oxlearn::{Dataset, Fit, Predict};
use oxlearn_linear::{GammaRegressor, LinearError, Link, PoissonRegressor, TweedieRegressor};

const RTOL: f64 = 1e-4;

fn standardised(data: Dataset<f64, f64>) -> Dataset<f64, f64> {
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

#[test]
fn glms_match_scikit_learn() {
    let fx = fixture();
    for case in fx["glm"].as_array().expect("glm cases") {
        let name = case["name"].as_str().expect("name");
        let raw = match case["dataset"].as_str().expect("dataset") {
            "diabetes" => oxlearn_datasets::diabetes(),
            _ => oxlearn_datasets::california_housing(),
        };
        let mut data = standardised(raw.expect("bundled data"));
        if case["weighted"].as_bool().expect("weighted") {
            let n = data.n_samples();
            data = data.with_weights(weights(n)).expect("weights");
        }
        let link = match case["link"].as_str().expect("link") {
            "identity" => Link::Identity,
            "log" => Link::Log,
            _ => Link::Auto,
        };
        let model = TweedieRegressor::default()
            .power(case["power"].as_f64().expect("power"))
            .link(link)
            .alpha(case["alpha"].as_f64().expect("alpha"))
            .fit_intercept(case["fit_intercept"].as_bool().expect("fit_intercept"))
            .tol(1e-10)
            .max_iter(10_000)
            .fit(data.view())
            .expect("fit");
        assert!(model.converged(), "{name} did not converge");
        // Coefficients near zero are compared on 1% of the vector's scale:
        // they are the least determined by the data.
        let expected = floats(&case["coef"]);
        let scale = expected.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (j, (a, e)) in model.coef().iter().zip(&expected).enumerate() {
            let tol = RTOL * e.abs().max(0.01 * scale);
            assert!((a - e).abs() <= tol, "{name} coef[{j}]: {a} vs {e}");
        }
        let intercept = case["intercept"].as_f64().expect("intercept");
        assert!(
            (model.intercept() - intercept).abs() <= RTOL * intercept.abs().max(1.0),
            "{name} intercept {} vs {intercept}",
            model.intercept()
        );
        let head = data.records().slice(s![..5, ..]).to_owned();
        let pred = model.predict(head.view()).expect("predict");
        assert_close(
            &pred.to_vec(),
            &floats(&case["pred_head"]),
            RTOL,
            &format!("{name} pred"),
        );
    }
}

#[test]
fn glms_behave() {
    let data = standardised(oxlearn_datasets::diabetes().expect("diabetes"));
    // Bad hyperparameters.
    for (model, name) in [
        (TweedieRegressor::default().power(0.5), "`power`"),
        (TweedieRegressor::default().power(-1.0), "`power`"),
        (TweedieRegressor::default().power(f64::NAN), "`power`"),
        (TweedieRegressor::default().alpha(-1.0), "`alpha`"),
        (TweedieRegressor::default().max_iter(0), "`max_iter`"),
        (TweedieRegressor::default().tol(f64::NAN), "`tol`"),
        (
            TweedieRegressor::default().n_threads(Some(0)),
            "`n_threads`",
        ),
    ] {
        let err = model.fit(data.view()).expect_err("invalid");
        assert!(err.to_string().contains(name), "{err}");
    }
    // Targets outside the domain, NaN, zero weights.
    let x = Array2::<f64>::zeros((3, 1));
    let with_zero = Dataset::new(x.clone(), array![0.0, 1.0, 2.0]).expect("data");
    assert!(PoissonRegressor::default().fit(with_zero.view()).is_ok());
    let err = GammaRegressor::default()
        .fit(with_zero.view())
        .expect_err("gamma needs y > 0");
    assert!(err.to_string().contains("target 0"), "{err}");
    let negative = Dataset::new(x.clone(), array![1.0, -1.0, 2.0]).expect("data");
    let err = PoissonRegressor::default()
        .fit(negative.view())
        .expect_err("negative");
    assert!(err.to_string().contains(">= 0"), "{err}");
    assert!(
        TweedieRegressor::default()
            .power(0.0)
            .fit(negative.view())
            .is_ok()
    );
    let zeros = Dataset::new(x.clone(), array![0.0, 0.0, 0.0]).expect("data");
    assert!(PoissonRegressor::default().fit(zeros.view()).is_err());
    let nan = Dataset::new(x.clone(), array![1.0, f64::NAN, 2.0]).expect("data");
    assert!(PoissonRegressor::default().fit(nan.view()).is_err());
    let zero_w = data
        .clone()
        .with_weights(Array1::zeros(data.n_samples()))
        .expect("w");
    assert!(matches!(
        PoissonRegressor::default().fit(zero_w.view()),
        Err(LinearError::ZeroWeightSum)
    ));
    // A fit: positive predictions, feature checks, threads, f32, serde.
    let model = PoissonRegressor::default().fit(data.view()).expect("fit");
    assert!(
        model
            .predict(data.records())
            .expect("p")
            .iter()
            .all(|v| *v > 0.0)
    );
    assert_eq!(model.n_features_in(), 10);
    assert!(model.predict(Array2::zeros((1, 3)).view()).is_err());
    assert!(
        model
            .linear_predictor(Array2::from_elem((1, 10), f64::NAN).view())
            .is_err()
    );
    let one = GammaRegressor::default()
        .n_threads(Some(1))
        .fit(data.view())
        .expect("fit");
    let two = GammaRegressor::default()
        .n_threads(Some(2))
        .fit(data.view())
        .expect("fit");
    assert_eq!(one, two);
    let (x, y, _) = data.clone().into_parts();
    let data32 = Dataset::new(x.mapv(|v| v as f32), y.mapv(|v| v as f32)).expect("data");
    let m32 = PoissonRegressor::default().fit(data32.view()).expect("fit");
    for (a, b) in m32.coef().iter().zip(model.coef()) {
        assert!((f64::from(*a) - b).abs() < 1e-3 * b.abs().max(0.01));
    }
    let json = serde_json::to_string(&model).expect("serialise");
    let back: oxlearn_linear::GlmModel<f64> = serde_json::from_str(&json).expect("load");
    assert_eq!(back, model);
    let short = PoissonRegressor::default()
        .max_iter(1)
        .tol(0.0)
        .fit(data.view())
        .expect("fit");
    assert!(!short.converged());
}
