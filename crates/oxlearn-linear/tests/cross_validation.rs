//! `ElasticNetCV` over several `l1_ratio` values, `RidgeCV` with several
//! targets and with k-fold cross-validation, and the OLS statistics of
//! rank-deficient designs, against scikit-learn (and statsmodels' formulas).

mod common;

use common::{assert_close, fixture, floats, weights};
use oxlearn::{Dataset, Fit};
use oxlearn_linear::ElasticNetCV;

/// Coordinate descent at tol 1e-8 against scikit-learn.
const CD_RTOL: f64 = 1e-4;

fn diabetes(weighted: bool) -> Dataset<f64, f64> {
    let data = oxlearn_datasets::diabetes().expect("diabetes");
    if weighted {
        let n = data.n_samples();
        data.with_weights(weights(n)).expect("weights")
    } else {
        data
    }
}

#[test]
fn elastic_net_cv_over_l1_ratios_matches_scikit_learn() {
    let fx = fixture();
    for case in fx["cv_l1_list"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let data = diabetes(case["weighted"].as_bool().expect("weighted"));
        let ratios = floats(&case["l1_ratios"]);
        let model = ElasticNetCV::default()
            .l1_ratios(Some(ratios.clone()))
            .n_alphas(case["n_alphas"].as_u64().expect("n_alphas") as usize)
            .cv(case["cv"].as_u64().expect("cv") as usize)
            .tol(case["tol"].as_f64().expect("tol"))
            .max_iter(100_000)
            .fit(data.view())
            .expect("fit");
        assert_eq!(model.l1_ratios(), &ratios[..]);
        assert_close(
            &model.alphas_per_ratio().iter().copied().collect::<Vec<_>>(),
            &floats(&case["alphas"]),
            1e-10,
            &format!("{name} alphas"),
        );
        let n_alphas = model.alphas_per_ratio().ncols();
        assert_eq!(
            model.mse_path_per_ratio().dim(),
            (
                ratios.len(),
                n_alphas,
                case["cv"].as_u64().expect("cv") as usize
            )
        );
        assert_close(
            &model
                .mse_path_per_ratio()
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            &floats(&case["mse_path"]),
            CD_RTOL,
            &format!("{name} mse path"),
        );
        let chosen = case["alpha_chosen"].as_f64().expect("alpha");
        assert!(
            (model.alpha() - chosen).abs() <= 1e-12 * chosen,
            "{name} alpha {} vs {chosen}",
            model.alpha()
        );
        assert_eq!(
            model.l1_ratio(),
            case["l1_ratio_chosen"].as_f64().expect("l1_ratio"),
            "{name}"
        );
        assert_close(
            &model.coef().to_vec(),
            &floats(&case["coef"]),
            CD_RTOL,
            &format!("{name} coef"),
        );
        let intercept = case["intercept"].as_f64().expect("intercept");
        assert!((model.intercept() - intercept).abs() <= CD_RTOL * intercept.abs());
        // The chosen ratio's slices are the one-ratio accessors.
        let best = ratios
            .iter()
            .position(|r| *r == model.l1_ratio())
            .expect("chosen ratio");
        assert_eq!(model.alphas(), model.alphas_per_ratio().row(best).to_vec());
        assert_eq!(
            model.mse_path(),
            model
                .mse_path_per_ratio()
                .index_axis(ndarray::Axis(0), best)
        );
    }
}

#[test]
fn elastic_net_cv_rejects_bad_l1_ratio_lists() {
    let data = diabetes(false);
    for ratios in [vec![], vec![0.5, 0.0], vec![1.5], vec![f64::NAN]] {
        let err = ElasticNetCV::default()
            .l1_ratios(Some(ratios.clone()))
            .fit(data.view())
            .expect_err("bad l1_ratios");
        assert!(err.to_string().contains("l1_ratio"), "{ratios:?}: {err}");
    }
    let lasso = oxlearn_linear::LassoCV(
        ElasticNetCV::default()
            .l1_ratio(1.0)
            .l1_ratios(Some(vec![1.0])),
    );
    assert!(lasso.fit(data.view()).is_err());
}

#[test]
fn rank_deficient_ols_summary_matches_statsmodels_pinv_formulas() {
    use ndarray::{Axis, concatenate};
    use oxlearn_linear::LinearRegression;
    let fx = fixture();
    let collinear = fx["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == "collinear_ols")
        .expect("collinear case");
    let collinear = common::case_data(collinear);
    // diabetes plus the column x2 - x3 (rank 11 of 12 with the constant), weighted.
    let plain = diabetes(false);
    let extra = (&plain.records().column(2) - &plain.records().column(3)).insert_axis(Axis(1));
    let x = concatenate(Axis(1), &[plain.records(), extra.view()]).expect("columns");
    let n = plain.n_samples();
    let duplicated = Dataset::new(x, plain.targets().to_owned())
        .expect("data")
        .with_weights(weights(n))
        .expect("weights");
    for (key, data) in [
        ("collinear", collinear),
        ("diabetes_duplicated_weighted", duplicated),
    ] {
        let expected = &fx["ols_rank_deficient"][key];
        let level = expected["level"].as_f64().expect("level");
        let s = LinearRegression::default()
            .summary(data.view(), level)
            .expect("summary");
        assert_eq!(s.names.len(), data.n_features() + 1);
        let rank = expected["rank"].as_f64().expect("rank");
        assert_eq!(s.df_model, rank - 1.0, "{key}");
        assert_eq!(s.df_resid, n_rows(&data) - rank, "{key}");
        for (field, got) in [
            ("params", &s.params),
            ("bse", &s.std_errors),
            ("tvalues", &s.t_values),
            ("conf_low", &s.conf_low),
            ("conf_high", &s.conf_high),
        ] {
            assert_close(
                got,
                &floats(&expected[field]),
                1e-6,
                &format!("{key} {field}"),
            );
        }
        for (g, e) in s.p_values.iter().zip(&floats(&expected["pvalues"])) {
            assert!(
                (g - e).abs() <= 1e-6 * e.abs().max(1e-12),
                "{key} p-value {g} vs {e}"
            );
        }
        for (field, got) in [
            ("rsquared", s.r_squared),
            ("rsquared_adj", s.adj_r_squared),
            ("fvalue", s.f_statistic),
            ("f_pvalue", s.f_p_value),
            ("ssr", s.ssr),
            ("scale", s.scale),
        ] {
            let want = expected[field].as_f64().expect("number");
            assert!(
                (got - want).abs() <= 1e-6 * want.abs().max(1e-300),
                "{key} {field}: got {got}, expected {want}"
            );
        }
    }
}

fn n_rows(data: &Dataset<f64, f64>) -> f64 {
    data.n_samples() as f64
}

#[test]
fn ridge_cv_several_targets_and_k_fold_match_scikit_learn() {
    use ndarray::Array2;
    use oxlearn_linear::RidgeCV;
    let fx = fixture();
    for case in fx["ridge_cv"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let data = diabetes(case["weighted"].as_bool().expect("weighted"));
        let n_targets = case["n_targets"].as_u64().expect("n_targets") as usize;
        // Second target: the log of the first (as the fixture script).
        let y = Array2::from_shape_fn((data.n_samples(), n_targets), |(i, t)| {
            let v = data.targets()[i];
            if t == 0 { v } else { v.ln() }
        });
        let cv = case["cv"].as_u64().expect("cv") as usize;
        let est = RidgeCV::default()
            .alphas(floats(&case["alphas"]))
            .fit_intercept(case["fit_intercept"].as_bool().expect("fit_intercept"))
            .alpha_per_target(case["alpha_per_target"].as_bool().expect("per target"))
            .cv((cv > 0).then_some(cv));
        let model = est
            .fit_multi(data.records(), y.view(), data.weights())
            .expect("fit");
        let chosen = floats(&case["alpha_chosen"]);
        if chosen.len() == 1 {
            assert!(model.alpha().iter().all(|a| *a == chosen[0]), "{name}");
        } else {
            assert_eq!(model.alpha(), &chosen[..], "{name}");
        }
        let best = match &case["best_score"] {
            serde_json::Value::Array(_) => floats(&case["best_score"]),
            v => vec![v.as_f64().expect("score")],
        };
        assert_close(
            model.best_score(),
            &best,
            1e-6,
            &format!("{name} best score"),
        );
        assert_close(
            &model.coef().iter().copied().collect::<Vec<_>>(),
            &floats(&case["coef"]),
            1e-6,
            &format!("{name} coef"),
        );
        // scikit-learn stores a scalar 0 without an intercept.
        let mut intercept = floats(&case["intercept"]);
        if intercept.len() == 1 {
            intercept = vec![intercept[0]; n_targets];
        }
        assert_close(
            &model.intercept().to_vec(),
            &intercept,
            1e-6,
            &format!("{name} intercept"),
        );
        // One target through `fit` agrees with the first column.
        if n_targets == 1 || !est.alpha_per_target {
            let single = est.fit(data.view()).expect("fit");
            if n_targets == 1 {
                assert_eq!(single.alpha(), model.alpha()[0]);
                assert!((single.best_score() - best[0]).abs() <= 1e-6 * best[0].abs());
            }
        }
    }
}

#[test]
fn ridge_cv_k_fold_validates() {
    use oxlearn_linear::RidgeCV;
    let data = diabetes(false);
    for (est, what) in [
        (RidgeCV::default().cv(Some(1)), "cv"),
        (RidgeCV::default().cv(Some(10_000)), "cv"),
        (
            RidgeCV::default().cv(Some(3)).alpha_per_target(true),
            "alpha_per_target",
        ),
    ] {
        let err = est.fit(data.view()).expect_err("invalid");
        assert!(err.to_string().contains(what), "{err}");
    }
    let f32_data = Dataset::new(
        data.records().mapv(|v| v as f32),
        data.targets().mapv(|v| v as f32),
    )
    .expect("f32");
    let a = RidgeCV::default()
        .cv(Some(4))
        .fit(f32_data.view())
        .expect("f32 fit");
    let b = RidgeCV::default()
        .cv(Some(4))
        .fit(data.view())
        .expect("f64 fit");
    assert_eq!(a.alpha(), b.alpha());
}

#[test]
fn degenerate_inputs_are_errors_or_fits_not_panics() {
    use ndarray::{Array1, Array2, array};
    use oxlearn_linear::{
        GammaRegressor, LinearRegression, Link, PoissonRegressor, RidgeCV, TweedieRegressor,
    };
    // Constant records: k-fold and leave-one-out still fit (intercept only).
    let flat = Dataset::new(
        Array2::from_elem((6, 2), 3.0),
        array![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    )
    .expect("data");
    for cv in [None, Some(2), Some(3)] {
        let model = RidgeCV::default().cv(cv).fit(flat.view()).expect("fit");
        assert!(model.coef().iter().all(|c| *c == 0.0));
        assert!((model.intercept() - 3.5_f64).abs() < 1e-12);
    }
    // Two samples, two folds: one training sample each.
    let two = Dataset::new(array![[0.0], [1.0]], array![0.0, 1.0]).expect("data");
    assert!(RidgeCV::default().cv(Some(2)).fit(two.view()).is_ok());
    // A summary with no residual degrees of freedom after the rank is an error.
    let tiny = Dataset::new(array![[0.0, 0.0], [1.0, 1.0]], array![0.0, 1.0]).expect("data");
    assert!(
        LinearRegression::default()
            .summary(tiny.view(), 0.95)
            .is_err()
    );
    // GLM links: identity with power > 0 needs an intercept; Poisson and
    // Gamma keep the log link; auto resolves by power.
    let x = Array2::from_shape_fn((20, 1), |(i, _)| i as f64 / 10.0);
    let y: Array1<f64> = x.column(0).mapv(|v| 1.0 + v);
    let data = Dataset::new(x, y).expect("data");
    let no_intercept = TweedieRegressor::default()
        .power(1.5)
        .link(Link::Identity)
        .fit_intercept(false);
    let err = no_intercept
        .fit(data.view())
        .expect_err("identity without intercept");
    assert!(err.to_string().contains("identity link"), "{err}");
    let identity = TweedieRegressor::default()
        .power(1.0)
        .link(Link::Identity)
        .alpha(0.0)
        .tol(1e-10)
        .fit(data.view())
        .expect("fit");
    assert_eq!(identity.link(), Link::Identity);
    assert!((identity.coef()[0] - 1.0).abs() < 1e-6 && (identity.intercept() - 1.0).abs() < 1e-6);
    let poisson = PoissonRegressor::default().fit(data.view()).expect("fit");
    assert_eq!(poisson.link(), Link::Log);
    let gamma = GammaRegressor::default().fit(data.view()).expect("fit");
    assert_eq!(gamma.link(), Link::Log);
    assert_eq!(Link::Auto.resolve(0.0), Link::Identity);
    assert_eq!(Link::Auto.resolve(1.5), Link::Log);
    let json = serde_json::to_string(&identity).expect("serde");
    let back: oxlearn_linear::GlmModel<f64> = serde_json::from_str(&json).expect("serde");
    assert_eq!(back, identity);
}

#[test]
fn f32_records_give_the_same_choices() {
    use oxlearn_linear::{Link, RidgeCV, TweedieRegressor};
    let data = diabetes(false);
    let data32 = Dataset::new(
        data.records().mapv(|v| v as f32),
        data.targets().mapv(|v| v as f32),
    )
    .expect("f32");
    let cv = ElasticNetCV::default()
        .l1_ratios(Some(vec![0.3, 1.0]))
        .n_alphas(8)
        .cv(3);
    let a = cv.fit(data.view()).expect("f64");
    let b = cv.fit(data32.view()).expect("f32");
    assert_eq!(a.l1_ratio(), b.l1_ratio());
    assert!((a.alpha() - b.alpha()).abs() <= 1e-4 * a.alpha());
    let y2 = ndarray::Array2::from_shape_fn((data.n_samples(), 2), |(i, t)| {
        data.targets()[i] * (1.0 + t as f64)
    });
    let multi = RidgeCV::default()
        .alpha_per_target(true)
        .fit_multi(data.records(), y2.view(), None)
        .expect("f64");
    let multi32 = RidgeCV::default()
        .alpha_per_target(true)
        .fit_multi(data32.records(), y2.mapv(|v| v as f32).view(), None)
        .expect("f32");
    assert_eq!(multi.alpha(), multi32.alpha());
    let glm = TweedieRegressor::default()
        .power(1.5)
        .link(Link::Identity)
        .alpha(0.1);
    let g64 = glm.fit(data.view()).expect("f64");
    let g32 = glm.fit(data32.view()).expect("f32");
    assert!((g64.intercept() - f64::from(g32.intercept())).abs() < 1e-2 * g64.intercept().abs());
}
