//! Lasso, ElasticNet, their paths and cross-validated variants: bad input,
//! warm starts, positivity, selection, threads, serde.

use ndarray::{Array1, Array2, array};
use oxlearn::{Dataset, Fit, Predict};
use oxlearn_linear::{LinearError, LinearRegression};

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

#[test]
fn elastic_net_and_lasso_behave() {
    use oxlearn_linear::{ElasticNet, Lasso, Selection};
    let data = design(80, 6);
    // Bad hyperparameters.
    for (model, name) in [
        (ElasticNet::default().alpha(-0.1), "`alpha`"),
        (ElasticNet::default().l1_ratio(-0.1), "`l1_ratio`"),
        (ElasticNet::default().l1_ratio(f64::NAN), "`l1_ratio`"),
        (ElasticNet::default().max_iter(0), "`max_iter`"),
        (ElasticNet::default().tol(-1.0), "`tol`"),
        (ElasticNet::default().n_threads(Some(0)), "`n_threads`"),
    ] {
        let err = model.fit(data.view()).expect_err("invalid");
        assert!(err.to_string().contains(name), "{err}");
    }
    assert!(
        Lasso::default()
            .alpha(f64::INFINITY)
            .fit(data.view())
            .is_err()
    );
    // Bad data.
    let mut y = data.targets().to_owned();
    y[0] = f64::NAN;
    let bad = Dataset::new(data.records().to_owned(), y).expect("data");
    assert!(Lasso::default().fit(bad.view()).is_err());
    let zero = data
        .clone()
        .with_weights(Array1::zeros(80))
        .expect("weights");
    assert!(matches!(
        ElasticNet::default().fit(zero.view()),
        Err(LinearError::ZeroWeightSum)
    ));
    // A large alpha zeroes everything; the intercept is then the mean.
    let model = Lasso::default().alpha(1e6).fit(data.view()).expect("fit");
    assert!(model.coef().iter().all(|c| *c == 0.0));
    let mean = data.targets().mean().expect("mean");
    assert!((model.intercept() - mean).abs() < 1e-9);
    // Lasso is ElasticNet with l1_ratio 1; alpha 0 with l1_ratio 0 is OLS.
    let lasso = Lasso::default()
        .alpha(0.05)
        .tol(1e-10)
        .fit(data.view())
        .expect("fit");
    let enet = ElasticNet::default()
        .alpha(0.05)
        .l1_ratio(1.0)
        .tol(1e-10)
        .fit(data.view())
        .expect("fit");
    assert_eq!(lasso, enet);
    let ols = LinearRegression::default().fit(data.view()).expect("fit");
    let cd = ElasticNet::default()
        .alpha(0.0)
        .tol(1e-14)
        .max_iter(100_000)
        .fit(data.view())
        .expect("fit");
    for (a, b) in cd.coef().iter().zip(ols.coef()) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} vs {b}");
    }
    // Warm start from the solution converges at once to the same answer.
    let warm = Lasso::default()
        .alpha(0.05)
        .tol(1e-10)
        .fit_from(data.view(), lasso.coef().view())
        .expect("fit");
    assert!(warm.n_iter() <= 2, "{}", warm.n_iter());
    for (a, b) in warm.coef().iter().zip(lasso.coef()) {
        assert!((a - b).abs() < 1e-8);
    }
    assert!(
        Lasso::default()
            .fit_from(data.view(), Array1::zeros(2).view())
            .is_err()
    );
    // Positive coefficients.
    let pos = Lasso::default()
        .alpha(0.01)
        .positive(true)
        .fit(data.view())
        .expect("fit");
    assert!(pos.coef().iter().all(|c| *c >= 0.0));
    // Random selection: seeded, reproducible, same solution at tight tol.
    let random = |seed| {
        ElasticNet::default()
            .alpha(0.05)
            .selection(Selection::Random)
            .seed(seed)
            .tol(1e-10)
            .fit(data.view())
            .expect("fit")
    };
    assert_eq!(random(3), random(3));
    let cyclic = ElasticNet::default()
        .alpha(0.05)
        .tol(1e-10)
        .fit(data.view())
        .expect("fit");
    for (a, b) in random(3).coef().iter().zip(cyclic.coef()) {
        assert!((a - b).abs() < 1e-5 * b.abs().max(1.0));
    }
    // Not converging is reported, not printed.
    let short = ElasticNet::default()
        .alpha(1e-4)
        .tol(1e-14)
        .max_iter(2)
        .fit(data.view())
        .expect("fit");
    assert!(!short.converged());
    assert_eq!(short.n_iter(), 2);
    assert!(short.dual_gap() > 0.0);
    // Threads, f32, serde, predict checks.
    let big = design(20_000, 5);
    let one = ElasticNet::default()
        .alpha(0.01)
        .n_threads(Some(1))
        .fit(big.view())
        .expect("fit");
    let two = ElasticNet::default()
        .alpha(0.01)
        .n_threads(Some(2))
        .fit(big.view())
        .expect("fit");
    assert_eq!(one, two);
    let (x, y, _) = data.clone().into_parts();
    let data32 = Dataset::new(x.mapv(|v| v as f32), y.mapv(|v| v as f32)).expect("data");
    let m32 = Lasso::default()
        .alpha(0.05)
        .tol(1e-10)
        .fit(data32.view())
        .expect("fit");
    for (a, b) in m32.coef().iter().zip(lasso.coef()) {
        assert!((f64::from(*a) - b).abs() < 1e-3 * b.abs().max(1.0));
    }
    let json = serde_json::to_string(&lasso).expect("serialise");
    let back: oxlearn_linear::ElasticNetModel<f64> = serde_json::from_str(&json).expect("load");
    assert_eq!(back, lasso);
    assert_eq!(lasso.n_features_in(), 6);
    assert!(lasso.predict(Array2::zeros((1, 5)).view()).is_err());
    assert!(
        lasso
            .predict(array![[f64::NAN, 0.0, 0.0, 0.0, 0.0, 0.0]].view())
            .is_err()
    );
    let text = serde_json::to_string(&Lasso::default()).expect("serialise");
    assert_eq!(
        serde_json::from_str::<Lasso>(&text).expect("load"),
        Lasso::default()
    );
}

#[test]
fn paths_and_cross_validation_behave() {
    use oxlearn_linear::{ElasticNet, ElasticNetCV, Lasso, LassoCV, alpha_grid};
    let data = design(90, 5);
    // The grid starts where every coefficient is zero.
    let grid = alpha_grid(data.view(), 1.0, true, 8, 1e-3).expect("grid");
    assert_eq!(grid.len(), 8);
    assert!(grid.windows(2).all(|w| w[0] > w[1]));
    let path = Lasso::default()
        .tol(1e-10)
        .path(data.view(), &grid)
        .expect("path");
    assert_eq!(path.coefs.dim(), (8, 5));
    assert!(path.coefs.row(0).iter().all(|c| *c == 0.0));
    assert!(path.coefs.row(7).iter().any(|c| *c != 0.0));
    assert!(path.converged.iter().all(|c| *c));
    // Each point of the path is the fit at that alpha.
    let single = Lasso::default()
        .alpha(grid[5])
        .tol(1e-10)
        .fit(data.view())
        .expect("fit");
    for (a, b) in path.coefs.row(5).iter().zip(single.coef()) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0));
    }
    assert!((path.intercepts[5] - single.intercept()).abs() < 1e-6);
    assert!(
        ElasticNet::default()
            .path(data.view(), &[1.0, -1.0])
            .is_err()
    );
    // Bad grid arguments.
    assert!(alpha_grid(data.view(), 0.0, true, 8, 1e-3).is_err());
    assert!(alpha_grid(data.view(), 1.0, true, 0, 1e-3).is_err());
    assert!(alpha_grid(data.view(), 1.0, true, 8, 1.0).is_err());
    assert!(alpha_grid(data.view(), 1.0, true, usize::MAX, 1e-3).is_err());
    // Cross-validation: bad hyperparameters, weights, too many folds.
    for (model, name) in [
        (ElasticNetCV::default().cv(1), "`cv`"),
        (ElasticNetCV::default().cv(91), "`cv`"),
        (ElasticNetCV::default().l1_ratio(0.0), "`l1_ratio`"),
        (ElasticNetCV::default().eps(0.0), "`eps`"),
        (ElasticNetCV::default().n_alphas(0), "`n_alphas`"),
        (ElasticNetCV::default().n_alphas(usize::MAX), "`n_alphas`"),
        (ElasticNetCV::default().alphas(Some(vec![])), "`alphas`"),
        (ElasticNetCV::default().alphas(Some(vec![-1.0])), "`alphas`"),
        (ElasticNetCV::default().tol(-1.0), "`tol`"),
        (ElasticNetCV::default().n_threads(Some(0)), "`n_threads`"),
    ] {
        let err = model.fit(data.view()).expect_err("invalid");
        assert!(err.to_string().contains(name), "{err}");
    }
    // Unit weights change nothing; a fold of zero weight is an error.
    let weighted = data
        .clone()
        .with_weights(Array1::ones(90))
        .expect("weights");
    let a = LassoCV::default()
        .n_alphas(10)
        .fit(weighted.view())
        .expect("fit");
    let b = LassoCV::default()
        .n_alphas(10)
        .fit(data.view())
        .expect("fit");
    assert!((a.alpha() - b.alpha()).abs() < 1e-12 * b.alpha());
    let grid_w = alpha_grid(weighted.view(), 1.0, true, 8, 1e-3).expect("grid");
    assert!((grid_w[0] - grid[0]).abs() < 1e-12 * grid[0]);
    let mut w = Array1::ones(90);
    w.slice_mut(ndarray::s![..30]).fill(0.0);
    let holes = data.clone().with_weights(w).expect("weights");
    let err = LassoCV::default()
        .cv(3)
        .fit(holes.view())
        .expect_err("zero-weight fold");
    assert!(err.to_string().contains("zero total weight"), "{err}");
    // A fit: explicit alphas are sorted decreasing; the best alpha minimises the mean MSE.
    let model = ElasticNetCV::default()
        .alphas(Some(vec![0.001, 1.0, 0.1]))
        .cv(3)
        .fit(data.view())
        .expect("fit");
    assert_eq!(model.alphas(), &[1.0, 0.1, 0.001]);
    assert_eq!(model.mse_path().dim(), (3, 3));
    let means: Vec<f64> = model
        .mse_path()
        .rows()
        .into_iter()
        .map(|r| r.mean().unwrap_or(0.0))
        .collect();
    let best = means.iter().cloned().fold(f64::INFINITY, f64::min);
    let idx = means.iter().position(|m| *m == best).expect("best");
    assert_eq!(model.alpha(), model.alphas()[idx]);
    assert_eq!(model.n_features_in(), 5);
    assert!(model.predict(Array2::zeros((1, 4)).view()).is_err());
    let json = serde_json::to_string(&model).expect("serialise");
    let back: oxlearn_linear::ElasticNetCvModel<f64> = serde_json::from_str(&json).expect("load");
    assert_eq!(back, model);
    // Same on 1 and 2 threads, and f32 picks the same alpha.
    let one = LassoCV::default()
        .n_alphas(10)
        .n_threads(Some(1))
        .fit(data.view())
        .expect("fit");
    let two = LassoCV::default()
        .n_alphas(10)
        .n_threads(Some(2))
        .fit(data.view())
        .expect("fit");
    assert_eq!(one, two);
    let (x, y, _) = data.clone().into_parts();
    let data32 = Dataset::new(x.mapv(|v| v as f32), y.mapv(|v| v as f32)).expect("data");
    let m32 = LassoCV::default()
        .n_alphas(10)
        .fit(data32.view())
        .expect("fit");
    assert!((m32.alpha() - one.alpha()).abs() < 1e-4 * one.alpha());
}

#[test]
fn degenerate_designs_do_not_panic() {
    use oxlearn_linear::{ElasticNet, LassoCV, RidgeCV};
    // Constant features only: every coefficient 0, intercept the mean.
    let x = Array2::from_elem((12, 3), 2.5);
    let y = Array1::from_shape_fn(12, |i| i as f64);
    let data = Dataset::new(x, y).expect("data");
    let cv = RidgeCV::default().fit(data.view()).expect("ridge cv");
    assert!(cv.coef().iter().all(|c| *c == 0.0));
    assert!((cv.intercept() - 5.5).abs() < 1e-12);
    let lasso = LassoCV::default().cv(3).fit(data.view()).expect("lasso cv");
    assert!(lasso.coef().iter().all(|c| *c == 0.0));
    let enet = ElasticNet::default().fit(data.view()).expect("enet");
    assert!((enet.intercept() - 5.5).abs() < 1e-12);
    let ols = LinearRegression::default().fit(data.view()).expect("ols");
    assert_eq!(ols.rank(), 0);
    // One sample.
    let one = Dataset::new(array![[1.0, 2.0]], array![3.0]).expect("data");
    assert!(RidgeCV::default().fit(one.view()).is_ok());
    assert!(ElasticNet::default().fit(one.view()).is_ok());
    let pred = LinearRegression::default()
        .fit(one.view())
        .expect("fit")
        .predict(one.records());
    assert_eq!(pred.expect("predict")[0], 3.0);
}
