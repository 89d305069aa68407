//! LinearRegression and Ridge against scikit-learn 1.7.2
//! (`xtask/fixtures/linear.py`): coefficients, intercepts and predictions
//! within 1e-6 relative in f64 (1e-4 in f32) on diabetes, california_housing,
//! RidgeCV's chosen alpha (exactly) and leave-one-out score (1e-6), Lasso and
//! ElasticNet (coordinate descent at tol 1e-10: 1e-4 relative, identical
//! sparsity pattern), LassoCV / ElasticNetCV, also weighted (alpha grid 1e-10, chosen alpha
//! exactly, mean squared error path and coefficients 1e-4),
//! a collinear design (minimum-norm solution) and a wide design (p > n),
//! non-negative least squares (1e-6, the same active set).

mod common;

use common::{assert_close, case_data, fixture, floats, weights};
use ndarray::{Array2, Axis, s};
use oxlearn::{Dataset, Fit, Predict};
use oxlearn_linear::{ElasticNet, LinearModel, LinearRegression, Ridge, RidgeCV, Selection};

const RTOL: f64 = 1e-6;
/// Coordinate descent at `tol = 1e-10`.
const CD_RTOL: f64 = 1e-4;

/// What a fitted model gives the comparisons.
struct Fitted {
    coef: Vec<f64>,
    intercept: f64,
    pred_head: Vec<f64>,
    rank: Option<usize>,
    rtol: f64,
}

fn head(data: &Dataset<f64, f64>) -> Array2<f64> {
    data.records().slice(s![..5, ..]).to_owned()
}

fn direct(model: &LinearModel<f64>, data: &Dataset<f64, f64>) -> Fitted {
    Fitted {
        coef: model.coef().to_vec(),
        intercept: model.intercept(),
        pred_head: model.predict(head(data).view()).expect("predict").to_vec(),
        rank: Some(model.rank()),
        rtol: RTOL,
    }
}

fn fit_case(case: &serde_json::Value, data: &Dataset<f64, f64>) -> Fitted {
    let fit_intercept = case["fit_intercept"].as_bool().expect("fit_intercept");
    let alpha = case["alpha"].as_f64().expect("alpha");
    let name = case["name"].as_str().expect("name");
    match case["estimator"].as_str().expect("estimator") {
        "LinearRegression" => {
            let positive = case["positive"].as_bool().expect("positive");
            let mut fitted = direct(
                &LinearRegression::default()
                    .fit_intercept(fit_intercept)
                    .positive(positive)
                    .fit(data.view())
                    .expect("fit"),
                data,
            );
            if positive {
                // scikit-learn sets no rank with positive = true.
                fitted.rank = None;
                assert!(fitted.coef.iter().all(|c| *c >= 0.0), "{name}");
                for (c, e) in fitted.coef.iter().zip(floats(&case["coef"])) {
                    assert_eq!(*c == 0.0, e == 0.0, "{name}: active set {c} vs {e}");
                }
            }
            fitted
        }
        "Ridge" => direct(
            &Ridge::default()
                .alpha(alpha)
                .fit_intercept(fit_intercept)
                .fit(data.view())
                .expect("fit"),
            data,
        ),
        "RidgeCV" => {
            let model = RidgeCV::default()
                .alphas(floats(&case["alphas"]))
                .fit_intercept(fit_intercept)
                .fit(data.view())
                .expect("fit");
            assert_eq!(
                model.alpha(),
                case["alpha_chosen"].as_f64().expect("alpha_"),
                "{name} chosen alpha"
            );
            let best = model
                .mean_squared_errors()
                .iter()
                .fold(f64::INFINITY, |m, v| m.min(*v));
            let expected = -case["best_score"].as_f64().expect("best_score");
            assert!(
                (best - expected).abs() <= RTOL * expected,
                "{name} best score: got {best}, expected {expected}"
            );
            let mut fitted = direct(model.model(), data);
            fitted.rank = None;
            fitted
        }
        "Lasso" | "ElasticNet" => {
            let selection = if case["selection"] == "random" {
                Selection::Random
            } else {
                Selection::Cyclic
            };
            let model = ElasticNet::default()
                .alpha(alpha)
                .l1_ratio(case["l1_ratio"].as_f64().expect("l1_ratio"))
                .fit_intercept(fit_intercept)
                .positive(case["positive"].as_bool().expect("positive"))
                .selection(selection)
                .tol(case["tol"].as_f64().expect("tol"))
                .max_iter(200_000)
                .fit(data.view())
                .expect("fit");
            assert!(model.converged(), "{name} did not converge");
            // Zero coefficients are exactly zero on both sides.
            for (c, e) in model.coef().iter().zip(floats(&case["coef"])) {
                assert_eq!(*c == 0.0, e == 0.0, "{name}: sparsity pattern {c} vs {e}");
            }
            Fitted {
                coef: model.coef().to_vec(),
                intercept: model.intercept(),
                pred_head: model.predict(head(data).view()).expect("predict").to_vec(),
                rank: None,
                rtol: CD_RTOL,
            }
        }
        other => panic!("unknown estimator {other}"),
    }
}

#[test]
fn every_case_matches_scikit_learn_f64() {
    let fx = fixture();
    for case in fx["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let data = case_data(case);
        let fitted = fit_case(case, &data);
        let rtol = fitted.rtol;
        assert_close(
            &fitted.coef,
            &floats(&case["coef"]),
            rtol,
            &format!("{name} coef"),
        );
        let intercept = case["intercept"].as_f64().expect("intercept");
        let scale = floats(&case["pred_head"])
            .iter()
            .fold(1.0f64, |m, v| m.max(v.abs()));
        assert!(
            (fitted.intercept - intercept).abs() <= rtol * scale,
            "{name} intercept: got {}, expected {intercept}",
            fitted.intercept
        );
        assert_close(
            &fitted.pred_head,
            &floats(&case["pred_head"]),
            rtol,
            &format!("{name} predictions"),
        );
        if let (Some(rank), Some(ours)) = (case.get("rank"), fitted.rank) {
            assert_eq!(ours as u64, rank.as_u64().expect("rank"), "{name} rank");
        }
    }
}

#[test]
fn f32_records_match_scikit_learn_loosely() {
    let fx = fixture();
    for case in fx["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let direct = case["estimator"] == "LinearRegression" || case["estimator"] == "Ridge";
        if !name.starts_with("diabetes") || !direct || case["positive"] == true {
            continue;
        }
        let data64 = case_data(case);
        let (x, y, w) = data64.clone().into_parts();
        let mut data = Dataset::new(x.mapv(|v| v as f32), y.mapv(|v| v as f32)).expect("data");
        if let Some(w) = w {
            data = data.with_weights(w.mapv(|v| v as f32)).expect("weights");
        }
        let fit_intercept = case["fit_intercept"].as_bool().expect("fit_intercept");
        let model = match case["estimator"].as_str().expect("estimator") {
            "LinearRegression" => LinearRegression::default()
                .fit_intercept(fit_intercept)
                .fit(data.view())
                .expect("fit"),
            _ => Ridge::default()
                .alpha(case["alpha"].as_f64().expect("alpha"))
                .fit_intercept(fit_intercept)
                .fit(data.view())
                .expect("fit"),
        };
        let coef: Vec<f64> = model.coef().iter().map(|&v| f64::from(v)).collect();
        assert_close(
            &coef,
            &floats(&case["coef"]),
            1e-4,
            &format!("{name} f32 coef"),
        );
        let head = data.records().slice(s![..5, ..]).to_owned();
        let pred: Vec<f64> = model
            .predict(head.view())
            .expect("predict")
            .iter()
            .map(|&v| f64::from(v))
            .collect();
        assert_close(
            &pred,
            &floats(&case["pred_head"]),
            1e-4,
            &format!("{name} f32 pred"),
        );
    }
}

#[test]
fn two_targets_match_scikit_learn() {
    let fx = fixture();
    let data = oxlearn_datasets::diabetes().expect("diabetes");
    let y = data.targets();
    let mut y2 = Array2::<f64>::zeros((y.len(), 2));
    y2.column_mut(0).assign(&y);
    y2.column_mut(1).assign(&y.mapv(f64::ln));
    let w = weights(y.len());
    for (name, expected) in fx["multi"].as_object().expect("multi") {
        let model = match name.as_str() {
            "LinearRegression" => LinearRegression::default()
                .fit_multi(data.records(), y2.view(), Some(w.view()))
                .expect("fit"),
            _ => Ridge::default()
                .alpha(expected["alpha"].as_f64().expect("alpha"))
                .fit_multi(data.records(), y2.view(), Some(w.view()))
                .expect("fit"),
        };
        assert_eq!(model.n_targets(), 2);
        for t in 0..2 {
            let all = floats(&expected["coef"]);
            let p = data.n_features();
            assert_close(
                &model.coef().row(t).to_vec(),
                &all[t * p..(t + 1) * p],
                RTOL,
                &format!("{name} coef target {t}"),
            );
        }
        assert_close(
            &model.intercept().to_vec(),
            &floats(&expected["intercept"]),
            RTOL,
            &format!("{name} intercepts"),
        );
        let head = data.records().slice(s![..5, ..]).to_owned();
        let pred = model.predict(head.view()).expect("predict");
        assert_eq!(pred.dim(), (5, 2));
        assert_close(
            &pred.iter().copied().collect::<Vec<_>>(),
            &floats(&expected["pred_head"]),
            RTOL,
            &format!("{name} predictions"),
        );
        // One target through `fit_multi` equals the single-target fit.
        let single = y2.column(1).insert_axis(Axis(1));
        let one = LinearRegression::default()
            .fit_multi(data.records(), single, Some(w.view()))
            .expect("fit");
        assert_eq!(one.n_targets(), 1);
    }
}

#[test]
fn ols_summary_matches_statsmodels_formulas() {
    let fx = fixture();
    for key in ["diabetes", "diabetes_weighted"] {
        let expected = &fx["ols"][key];
        let mut data = oxlearn_datasets::diabetes().expect("diabetes");
        if expected["weighted"].as_bool().expect("weighted") {
            let n = data.n_samples();
            data = data.with_weights(weights(n)).expect("weights");
        }
        let level = expected["level"].as_f64().expect("level");
        let s = LinearRegression::default()
            .summary(data.view(), level)
            .expect("summary");
        assert_eq!(s.names[0], "const");
        assert_eq!(s.names.len(), 11);
        for (field, got) in [
            ("params", &s.params),
            ("bse", &s.std_errors),
            ("tvalues", &s.t_values),
            ("pvalues", &s.p_values),
            ("conf_low", &s.conf_low),
            ("conf_high", &s.conf_high),
        ] {
            let want = floats(&expected[field]);
            // p-values span many orders of magnitude: compare each relatively.
            if field == "pvalues" {
                for (g, e) in got.iter().zip(&want) {
                    assert!((g - e).abs() <= RTOL * e.abs(), "{key} p-value {g} vs {e}");
                }
            } else {
                assert_close(got, &want, RTOL, &format!("{key} {field}"));
            }
        }
        for (field, got) in [
            ("rsquared", s.r_squared),
            ("rsquared_adj", s.adj_r_squared),
            ("fvalue", s.f_statistic),
            ("f_pvalue", s.f_p_value),
            ("df_model", s.df_model),
            ("df_resid", s.df_resid),
            ("ssr", s.ssr),
            ("scale", s.scale),
        ] {
            let want = expected[field].as_f64().expect("number");
            assert!(
                (got - want).abs() <= RTOL * want.abs(),
                "{key} {field}: got {got}, expected {want}"
            );
        }
        assert!(s.to_string().contains("const"));
    }
}

#[test]
fn cross_validated_penalties_match_scikit_learn() {
    use oxlearn_linear::{ElasticNetCV, alpha_grid};
    let fx = fixture();
    let plain = oxlearn_datasets::diabetes().expect("diabetes");
    for case in fx["cv"].as_array().expect("cv cases") {
        let name = case["name"].as_str().expect("name");
        let data = if case["weighted"].as_bool().expect("weighted") {
            let n = plain.n_samples();
            plain.clone().with_weights(weights(n)).expect("weights")
        } else {
            plain.clone()
        };
        let l1_ratio = case["l1_ratio"].as_f64().expect("l1_ratio");
        let fit_intercept = case["fit_intercept"].as_bool().expect("fit_intercept");
        let cv = case["cv"].as_u64().expect("cv") as usize;
        let model = ElasticNetCV::default()
            .l1_ratio(l1_ratio)
            .cv(cv)
            .fit_intercept(fit_intercept)
            .tol(case["tol"].as_f64().expect("tol"))
            .max_iter(100_000)
            .fit(data.view())
            .expect("fit");
        let alphas = floats(&case["alphas"]);
        assert_close(model.alphas(), &alphas, 1e-10, &format!("{name} alphas"));
        let grid = alpha_grid(data.view(), l1_ratio, fit_intercept, 100, 1e-3).expect("grid");
        assert_close(&grid, &alphas, 1e-10, &format!("{name} alpha_grid"));
        assert_close(
            &model.mse_path().iter().copied().collect::<Vec<_>>(),
            &floats(&case["mse_path"]),
            CD_RTOL,
            &format!("{name} mse path"),
        );
        // The same grid point (the grids agree to rounding).
        let chosen = case["alpha_chosen"].as_f64().expect("alpha");
        assert!(
            (model.alpha() - chosen).abs() <= 1e-12 * chosen,
            "{name} alpha {} vs {chosen}",
            model.alpha()
        );
        assert_close(
            &model.coef().to_vec(),
            &floats(&case["coef"]),
            CD_RTOL,
            &format!("{name} coef"),
        );
        let intercept = case["intercept"].as_f64().expect("intercept");
        assert!(
            (model.intercept() - intercept).abs() <= CD_RTOL * intercept.abs().max(1.0),
            "{name} intercept {} vs {intercept}",
            model.intercept()
        );
    }
}
