//! Behaviour beyond the reference values: bad input, solver choice, weights,
//! threads, serde, several targets.

use ndarray::{Array1, Array2, array, s};
use oxlearn::{Dataset, Fit, Predict};
use oxlearn_linear::{LinearError, LinearRegression, Ridge, RidgeCV, Solver};
use proptest::prelude::*;

/// A seeded, well-conditioned design with y = 1 + x·(1, -2, 3, ...) + noise.
fn design(n: usize, p: usize) -> Dataset<f64, f64> {
    let x = Array2::from_shape_fn((n, p), |(i, j)| {
        (((i * 31 + j * 17) % 97) as f64 / 97.0 - 0.5) * (j + 1) as f64 + ((i * j) as f64).sin()
    });
    let y = Array1::from_shape_fn(n, |i| {
        1.0 + (0..p)
            .map(|j| x[[i, j]] * (j as f64 + 1.0) * if j % 2 == 0 { 1.0 } else { -1.0 })
            .sum::<f64>()
            + 0.01 * ((i * 7) as f64).cos()
    });
    Dataset::new(x, y).expect("design")
}

fn is_core_error(err: &LinearError) -> bool {
    matches!(err, LinearError::Core(_))
}

#[test]
fn bad_records_and_targets_are_errors() {
    let ok = design(10, 2);
    // NaN and infinity in records and targets.
    let mut x = ok.records().to_owned();
    x[[3, 1]] = f64::NAN;
    let data = Dataset::new(x, ok.targets().to_owned()).expect("data");
    let err = LinearRegression::default()
        .fit(data.view())
        .expect_err("NaN record");
    assert!(err.to_string().contains("row 3, column 1"), "{err}");
    let mut y = ok.targets().to_owned();
    y[4] = f64::INFINITY;
    let data = Dataset::new(ok.records().to_owned(), y).expect("data");
    let err = Ridge::default()
        .fit(data.view())
        .expect_err("infinite target");
    assert!(err.to_string().contains("targets"), "{err}");
    // No samples, no features.
    let empty = Dataset::new(Array2::<f64>::zeros((0, 3)), Array1::zeros(0)).expect("data");
    assert!(LinearRegression::default().fit(empty.view()).is_err());
    let no_features = Dataset::new(Array2::<f64>::zeros((4, 0)), Array1::zeros(4)).expect("data");
    assert!(Ridge::default().fit(no_features.view()).is_err());
    // Targets of the wrong length (multi-target entry point).
    let y2 = Array2::<f64>::zeros((9, 2));
    let err = LinearRegression::default()
        .fit_multi(ok.records(), y2.view(), None)
        .expect_err("wrong length");
    assert!(
        is_core_error(&err) && err.to_string().contains("length 10"),
        "{err}"
    );
    let y0 = Array2::<f64>::zeros((10, 0));
    assert!(
        Ridge::default()
            .fit_multi(ok.records(), y0.view(), None)
            .is_err()
    );
    // Weights: wrong length, negative, all zero.
    let y2 = Array2::<f64>::zeros((10, 1));
    let w = Array1::<f64>::ones(3);
    assert!(
        LinearRegression::default()
            .fit_multi(ok.records(), y2.view(), Some(w.view()))
            .is_err()
    );
    let mut w = Array1::<f64>::ones(10);
    w[2] = -1.0;
    let err = Ridge::default()
        .fit_multi(ok.records(), y2.view(), Some(w.view()))
        .expect_err("negative weight");
    assert!(err.to_string().contains("weight 2"), "{err}");
    let zero = ok.clone().with_weights(Array1::zeros(10)).expect("weights");
    let err = LinearRegression::default()
        .fit(zero.view())
        .expect_err("zero weights");
    assert!(matches!(err, LinearError::ZeroWeightSum));
    let err = Ridge::default().fit(zero.view()).expect_err("zero weights");
    assert!(matches!(err, LinearError::ZeroWeightSum));
}

#[test]
fn bad_hyperparameters_are_errors() {
    let data = design(10, 2);
    for alpha in [-1.0, f64::NAN, f64::INFINITY] {
        let err = Ridge::default()
            .alpha(alpha)
            .fit(data.view())
            .expect_err("alpha");
        assert!(err.to_string().contains("`alpha`"), "{err}");
    }
    let err = Ridge::default()
        .n_threads(Some(0))
        .fit(data.view())
        .expect_err("threads");
    assert!(err.to_string().contains("`n_threads`"), "{err}");
    let err = LinearRegression::default()
        .n_threads(Some(0))
        .fit(data.view())
        .expect_err("threads");
    assert!(err.to_string().contains("`n_threads`"), "{err}");
    for level in [0.0, 1.0, f64::NAN] {
        let err = LinearRegression::default()
            .summary(data.view(), level)
            .expect_err("level");
        assert!(err.to_string().contains("`level`"), "{err}");
    }
    // Ridge with alpha = 0 is ordinary least squares.
    let ridge = Ridge::default().alpha(0.0).fit(data.view()).expect("fit");
    let ols = LinearRegression::default().fit(data.view()).expect("fit");
    for (a, b) in ridge.coef().iter().zip(ols.coef()) {
        assert!((a - b).abs() < 1e-9);
    }
}

#[test]
fn predict_checks_features_and_values() {
    let data = design(20, 3);
    let model = LinearRegression::default().fit(data.view()).expect("fit");
    assert_eq!(model.n_features_in(), 3);
    let err = model
        .predict(Array2::zeros((2, 4)).view())
        .expect_err("features");
    assert!(err.to_string().contains("3 features"), "{err}");
    let err = model
        .predict(array![[1.0, f64::NAN, 0.0]].view())
        .expect_err("NaN");
    assert!(err.to_string().contains("row 0, column 1"), "{err}");
    assert_eq!(
        model
            .predict(Array2::zeros((0, 3)).view())
            .expect("empty")
            .len(),
        0
    );
}

#[test]
fn solver_choice_and_minimum_norm() {
    // Well conditioned: Cholesky.
    let data = design(50, 4);
    let model = LinearRegression::default().fit(data.view()).expect("fit");
    assert_eq!(model.solver(), Solver::Cholesky);
    assert_eq!(model.rank(), 4);
    // A duplicated column: SVD, rank 4 of 5, the weight split evenly.
    let mut x = Array2::zeros((50, 5));
    x.slice_mut(s![.., ..4]).assign(&data.records());
    x.column_mut(4).assign(&data.records().column(0));
    let dup = Dataset::new(x, data.targets().to_owned()).expect("data");
    let model = LinearRegression::default().fit(dup.view()).expect("fit");
    assert_eq!(model.solver(), Solver::Svd);
    assert_eq!(model.rank(), 4);
    let c = model.coef();
    assert!((c[0] - c[4]).abs() < 1e-8, "min-norm splits evenly: {c}");
    // Wide: SVD, interpolates the training data.
    let wide = design(6, 10);
    let model = LinearRegression::default().fit(wide.view()).expect("fit");
    assert_eq!(model.solver(), Solver::Svd);
    let pred = model.predict(wide.records()).expect("predict");
    for (p, y) in pred.iter().zip(wide.targets()) {
        assert!((p - y).abs() < 1e-8);
    }
    let ridge = Ridge::default().fit(wide.view()).expect("fit");
    assert_eq!(ridge.solver(), Solver::Svd);
    // A constant column gets 0 and does not count in the rank.
    let mut x = data.records().to_owned();
    x.column_mut(2).fill(7.0);
    let constant = Dataset::new(x, data.targets().to_owned()).expect("data");
    let model = LinearRegression::default()
        .fit(constant.view())
        .expect("fit");
    assert_eq!(model.coef()[2], 0.0);
    assert_eq!(model.rank(), 3);
    assert_eq!(model.solver(), Solver::Cholesky);
    // Inference goes through the pseudo-inverse, as statsmodels: the rank
    // (4 with the constant) sets the degrees of freedom.
    let summary = LinearRegression::default()
        .summary(constant.view(), 0.95)
        .expect("rank-deficient summary");
    assert_eq!(summary.df_model, 3.0);
    assert_eq!(summary.df_resid, (constant.n_samples() - 4) as f64);
    assert!(summary.std_errors.iter().all(|v| v.is_finite()));
    let err = LinearRegression::default()
        .summary(design(3, 2).view(), 0.95)
        .expect_err("no residual df");
    assert!(matches!(
        err,
        LinearError::NoResidualDegreesOfFreedom { .. }
    ));
}

#[test]
fn weights_act_as_repetitions_and_zero_weights_as_removal() {
    let data = design(30, 3);
    let w = Array1::from_shape_fn(30, |i| [0.0, 1.0, 2.0][i % 3]);
    let weighted = data.clone().with_weights(w.clone()).expect("weights");
    // Repeat each row as many times as its weight.
    let mut rows = Vec::new();
    for i in 0..30 {
        for _ in 0..(w[i] as usize) {
            rows.push(i);
        }
    }
    let repeated = data.view().select(&rows).expect("select");
    for fit_intercept in [true, false] {
        let a = LinearRegression::default()
            .fit_intercept(fit_intercept)
            .fit(weighted.view())
            .expect("fit");
        let b = LinearRegression::default()
            .fit_intercept(fit_intercept)
            .fit(repeated.view())
            .expect("fit");
        for (u, v) in a.coef().iter().zip(b.coef()) {
            assert!((u - v).abs() < 1e-9);
        }
        assert!((a.intercept() - b.intercept()).abs() < 1e-9);
        let a = Ridge::default().fit(weighted.view()).expect("fit");
        let b = Ridge::default().fit(repeated.view()).expect("fit");
        for (u, v) in a.coef().iter().zip(b.coef()) {
            assert!((u - v).abs() < 1e-9);
        }
    }
}

#[test]
fn same_result_on_one_and_two_threads() {
    // Enough rows for several parallel tasks.
    let data = design(40_000, 5);
    for n_threads in [Some(1), Some(2), None] {
        let base = LinearRegression::default()
            .n_threads(Some(1))
            .fit(data.view())
            .expect("fit");
        let other = LinearRegression::default()
            .n_threads(n_threads)
            .fit(data.view())
            .expect("fit");
        assert_eq!(base, other);
        let base = Ridge::default()
            .n_threads(Some(1))
            .fit(data.view())
            .expect("fit");
        let other = Ridge::default()
            .n_threads(n_threads)
            .fit(data.view())
            .expect("fit");
        assert_eq!(base, other);
    }
}

#[test]
fn f32_and_f64_agree() {
    let data = design(200, 4);
    let (x, y, _) = data.clone().into_parts();
    let data32 = Dataset::new(x.mapv(|v| v as f32), y.mapv(|v| v as f32)).expect("data");
    let m64 = Ridge::default().fit(data.view()).expect("fit");
    let m32 = Ridge::default().fit(data32.view()).expect("fit");
    for (a, b) in m64.coef().iter().zip(m32.coef()) {
        assert!((a - f64::from(*b)).abs() < 1e-3 * a.abs().max(1.0));
    }
    let p32 = m32.predict(data32.records()).expect("predict");
    assert_eq!(p32.len(), 200);
    let s = LinearRegression::default()
        .summary(data32.view(), 0.9)
        .expect("summary");
    assert_eq!(s.params.len(), 5);
}

#[test]
fn models_round_trip_through_serde() {
    let data = design(30, 3);
    let model = Ridge::default().alpha(0.3).fit(data.view()).expect("fit");
    let json = serde_json::to_string(&model).expect("serialise");
    let back: oxlearn_linear::LinearModel<f64> = serde_json::from_str(&json).expect("load");
    assert_eq!(
        back.predict(data.records()).expect("p"),
        model.predict(data.records()).expect("p")
    );
    let y2 = Array2::from_shape_fn((30, 2), |(i, t)| data.targets()[i] * (t as f64 + 1.0));
    let multi = LinearRegression::default()
        .fit_multi(data.records(), y2.view(), None)
        .expect("fit");
    let json = serde_json::to_string(&multi).expect("serialise");
    let back: oxlearn_linear::MultiTargetLinearModel<f64> =
        serde_json::from_str(&json).expect("load");
    assert_eq!(back, multi);
    // A corrupted model: an error at predict, not a panic.
    let broken = json.replacen(
        "\"intercept\":{\"v\":1,\"dim\":[2]",
        "\"intercept\":{\"v\":1,\"dim\":[1]",
        1,
    );
    if let Ok(bad) = serde_json::from_str::<oxlearn_linear::MultiTargetLinearModel<f64>>(&broken) {
        assert!(bad.predict(data.records()).is_err());
    }
    let params = Ridge::default().alpha(2.0);
    let text = serde_json::to_string(&params).expect("serialise");
    assert_eq!(serde_json::from_str::<Ridge>(&text).expect("load"), params);
}

#[test]
fn several_targets_equal_separate_fits() {
    let data = design(40, 3);
    let y2 = Array2::from_shape_fn((40, 2), |(i, t)| {
        if t == 0 {
            data.targets()[i]
        } else {
            data.records()[[i, 1]] * 2.0 - 1.0
        }
    });
    let multi = Ridge::default()
        .alpha(0.5)
        .fit_multi(data.records(), y2.view(), None)
        .expect("fit");
    for t in 0..2 {
        let single = Dataset::new(data.records().to_owned(), y2.column(t).to_owned()).expect("d");
        let model = Ridge::default().alpha(0.5).fit(single.view()).expect("fit");
        for (a, b) in multi.coef().row(t).iter().zip(model.coef()) {
            assert!((a - b).abs() < 1e-10);
        }
        assert!((multi.intercept()[t] - model.intercept()).abs() < 1e-10);
    }
    let err = multi
        .predict(Array2::zeros((1, 2)).view())
        .expect_err("features");
    assert!(err.to_string().contains("3 features"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any finite data, any shape: a fit succeeds (or errs) without panicking,
    /// predictions are finite and have one value per row.
    #[test]
    fn fits_never_panic(
        n in 1usize..12,
        p in 1usize..8,
        seed in 0u64..1000,
        alpha in 0.0f64..10.0,
        fit_intercept: bool,
    ) {
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            (((i as u64 * 7 + j as u64 * 13 + seed) % 23) as f64) - 11.0
        });
        let y = Array1::from_shape_fn(n, |i| ((i as u64 * 5 + seed) % 17) as f64);
        let data = Dataset::new(x, y).expect("data");
        let ols = LinearRegression::default().fit_intercept(fit_intercept).fit(data.view());
        let model = ols.expect("fit");
        let pred = model.predict(data.records()).expect("predict");
        prop_assert_eq!(pred.len(), n);
        prop_assert!(pred.iter().all(|v| v.is_finite()));
        let cv = RidgeCV::default().fit_intercept(fit_intercept).fit(data.view()).expect("fit");
        prop_assert!(cv.predict(data.records()).expect("predict").iter().all(|v| v.is_finite()));
        let enet = oxlearn_linear::ElasticNet::default()
            .alpha(alpha + 0.01)
            .fit_intercept(fit_intercept)
            .fit(data.view())
            .expect("fit");
        prop_assert!(enet.predict(data.records()).expect("predict").iter().all(|v| v.is_finite()));
        let labels = data.targets().mapv(|v| v > 8.0);
        let classes = Dataset::new(data.records().to_owned(), labels).expect("data");
        if let Ok(model) = oxlearn_linear::LogisticRegression::default().fit(classes.view()) {
            let proba = oxlearn::PredictProba::predict_proba(&model, classes.records()).expect("proba");
            prop_assert!(proba.iter().all(|p| (0.0..=1.0).contains(p)));
        }
        let ridge = Ridge::default().alpha(alpha).fit_intercept(fit_intercept).fit(data.view());
        let pred = ridge.expect("fit").predict(data.records()).expect("predict");
        prop_assert!(pred.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn ridge_cv_agrees_with_ridge_and_validates() {
    let data = design(60, 4);
    let cv = RidgeCV::default()
        .alphas(vec![0.01, 0.1, 1.0])
        .fit(data.view())
        .expect("fit");
    let ridge = Ridge::default()
        .alpha(cv.alpha())
        .fit(data.view())
        .expect("fit");
    for (a, b) in cv.coef().iter().zip(ridge.coef()) {
        assert!((a - b).abs() < 1e-9 * b.abs().max(1.0));
    }
    assert!((cv.intercept() - ridge.intercept()).abs() < 1e-9);
    assert_eq!(cv.model().solver(), Solver::Eigen);
    assert_eq!(cv.alphas(), &[0.01, 0.1, 1.0]);
    // f32 records pick the same alpha.
    let (x, y, _) = data.clone().into_parts();
    let data32 = Dataset::new(x.mapv(|v| v as f32), y.mapv(|v| v as f32)).expect("data");
    let cv32 = RidgeCV::default()
        .alphas(vec![0.01, 0.1, 1.0])
        .fit(data32.view())
        .expect("fit");
    assert_eq!(cv32.alpha(), cv.alpha());
    assert_eq!(cv32.n_features_in(), 4);
    // Same on 1 and 2 threads.
    let big = design(20_000, 3);
    let one = RidgeCV::default()
        .n_threads(Some(1))
        .fit(big.view())
        .expect("fit");
    let two = RidgeCV::default()
        .n_threads(Some(2))
        .fit(big.view())
        .expect("fit");
    assert_eq!(one, two);
    // Bad hyperparameters and input.
    for alphas in [vec![], vec![1.0, -1.0], vec![f64::NAN], vec![0.0]] {
        let err = RidgeCV::default()
            .alphas(alphas)
            .fit(data.view())
            .expect_err("alphas");
        assert!(err.to_string().contains("`alphas`"), "{err}");
    }
    assert!(
        RidgeCV::default()
            .n_threads(Some(0))
            .fit(data.view())
            .is_err()
    );
    let mut x = data.records().to_owned();
    x[[0, 0]] = f64::NAN;
    let bad = Dataset::new(x, data.targets().to_owned()).expect("data");
    assert!(RidgeCV::default().fit(bad.view()).is_err());
    assert!(cv.predict(Array2::zeros((1, 3)).view()).is_err());
    let zero = data
        .clone()
        .with_weights(Array1::zeros(60))
        .expect("weights");
    assert!(matches!(
        RidgeCV::default().fit(zero.view()),
        Err(LinearError::ZeroWeightSum)
    ));
}

#[test]
fn non_negative_least_squares() {
    let data = design(60, 4);
    // The design's true coefficients alternate in sign: the negative ones go to 0.
    let model = LinearRegression::default()
        .positive(true)
        .fit(data.view())
        .expect("fit");
    assert_eq!(model.solver(), Solver::ActiveSet);
    assert!(model.coef().iter().all(|c| *c >= 0.0));
    assert_eq!(model.coef()[1], 0.0);
    assert!(model.coef()[0] > 0.0);
    // When the unconstrained solution is non-negative, both agree.
    let y = data.records().column(0).mapv(|v| 2.0 * v) + data.records().column(2).mapv(|v| 0.5 * v);
    let easy = Dataset::new(data.records().to_owned(), y).expect("data");
    let a = LinearRegression::default()
        .positive(true)
        .fit(easy.view())
        .expect("fit");
    let b = LinearRegression::default().fit(easy.view()).expect("fit");
    for (u, v) in a.coef().iter().zip(b.coef()) {
        assert!((u - v).abs() < 1e-9, "{u} vs {v}");
    }
    // Several targets, f32, and no inference statistics.
    let y2 = Array2::from_shape_fn((60, 2), |(i, t)| {
        data.targets()[i] * if t == 0 { 1.0 } else { -1.0 }
    });
    let multi = LinearRegression::default()
        .positive(true)
        .fit_multi(data.records(), y2.view(), None)
        .expect("fit");
    assert!(multi.coef().iter().all(|c| *c >= 0.0));
    let (x, y, _) = data.clone().into_parts();
    let data32 = Dataset::new(x.mapv(|v| v as f32), y.mapv(|v| v as f32)).expect("data");
    let m32 = LinearRegression::default()
        .positive(true)
        .fit(data32.view())
        .expect("fit");
    assert!(m32.coef().iter().all(|c| *c >= 0.0));
    let err = LinearRegression::default()
        .positive(true)
        .summary(data.view(), 0.95)
        .expect_err("inference");
    assert!(err.to_string().contains("`positive`"), "{err}");
}
