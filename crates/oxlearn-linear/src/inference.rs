//! Inference statistics for ordinary least squares, as statsmodels' OLS / WLS
//! summary reports them: [`OlsSummary`], from [`LinearRegression::summary`].

use std::fmt;

use faer::Mat;
use ndarray::Axis;
use oxlearn::params::check_open_range;
use oxlearn::{DatasetView, Float};

use crate::error::LinearError;
use crate::least_squares::{Solved, Solver};
use crate::model::LinearModel;
use crate::ordinary::LinearRegression;
use crate::special::{f_sf, t_ppf, t_sf};

/// The coefficient table and goodness-of-fit statistics of an ordinary (or,
/// with sample weights, weighted) least-squares fit, with the formulas of
/// statsmodels' `OLS(...).fit()` / `WLS(...).fit()` summary.
///
/// The parameters are the intercept (named `const`, first, when fitted) then
/// one coefficient per feature, named after the dataset's features. Every
/// vector has one entry per parameter. `n_samples` counts every row, zero
/// weights included, as statsmodels does.
///
/// ```
/// use ndarray::array;
/// use oxlearn::Dataset;
/// use oxlearn_linear::LinearRegression;
///
/// let x = array![[1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = array![1.1, 1.9, 3.2, 3.9, 5.1];
/// let data = Dataset::new(x, y)?.with_feature_names(["dose"])?;
/// let summary = LinearRegression::default().summary(data.view(), 0.95)?;
/// assert_eq!(summary.names, ["const", "dose"]);
/// assert!(summary.p_values[1] < 1e-3); // the slope is clearly non-zero
/// assert!(summary.r_squared > 0.99);
/// println!("{summary}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OlsSummary {
    /// Parameter names: `const` (with an intercept), then the feature names.
    pub names: Vec<String>,
    /// Estimated parameters.
    pub params: Vec<f64>,
    /// Standard errors of the parameters.
    pub std_errors: Vec<f64>,
    /// t statistics, `params / std_errors`.
    pub t_values: Vec<f64>,
    /// Two-sided p-values of the t statistics.
    pub p_values: Vec<f64>,
    /// Lower bounds of the confidence intervals at `level`.
    pub conf_low: Vec<f64>,
    /// Upper bounds of the confidence intervals at `level`.
    pub conf_high: Vec<f64>,
    /// Confidence level of the intervals, in (0, 1).
    pub level: f64,
    /// R² (centred with an intercept, uncentred without, as statsmodels).
    pub r_squared: f64,
    /// Adjusted R².
    pub adj_r_squared: f64,
    /// F statistic of the regression against the intercept-only model (the
    /// zero model without an intercept).
    pub f_statistic: f64,
    /// p-value of the F statistic.
    pub f_p_value: f64,
    /// Model degrees of freedom (number of features).
    pub df_model: f64,
    /// Residual degrees of freedom (`n_samples` minus the number of parameters).
    pub df_resid: f64,
    /// Number of samples (rows).
    pub n_samples: usize,
    /// Sum of (weighted) squared residuals.
    pub ssr: f64,
    /// Residual variance estimate, `ssr / df_resid`.
    pub scale: f64,
}

impl LinearRegression {
    /// Fits and returns the inference statistics (standard errors, t, p-values,
    /// confidence intervals at `level`, R², adjusted R², F), as statsmodels'
    /// OLS summary (WLS with sample weights), together with the model.
    ///
    /// A rank-deficient design (collinear or constant columns) is handled as
    /// statsmodels does by default (`method="pinv"`): the parameters are the
    /// minimum-norm solution on the design with its constant column, by the
    /// pseudo-inverse; their covariance is `scale · pinv(XᵀWX)`; `df_model =
    /// rank - 1` (rank without the constant when there is no intercept) and
    /// `df_resid = n - rank`, where the rank counts the singular values of
    /// the (weighted) design above `max(n, k) · ε · s_max` (numpy's
    /// `matrix_rank`). The parameters of a rank-deficient summary are then
    /// statsmodels', which can differ from the fitted model's (scikit-learn
    /// centres the records first) when a column is constant.
    ///
    /// # Errors
    /// As [`Fit::fit`](oxlearn::Fit::fit);
    /// [`LinearError::NoResidualDegreesOfFreedom`] when the rank leaves no
    /// residual degrees of freedom; an invalid `level` (outside (0, 1)).
    pub fn summary<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
        level: f64,
    ) -> Result<OlsSummary, LinearError> {
        Ok(self.summary_with_model(data, level)?.0)
    }

    /// As [`LinearRegression::summary`], also returning the fitted model.
    ///
    /// # Errors
    /// As [`LinearRegression::summary`].
    pub fn summary_with_model<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
        level: f64,
    ) -> Result<(OlsSummary, LinearModel<F>), LinearError> {
        check_open_range("level", level, 0.0, 1.0)?;
        if self.positive {
            return Err(oxlearn::Error::invalid_parameter(
                "positive",
                "false for inference statistics (they assume unconstrained coefficients)",
                true,
            )
            .into());
        }
        let y = data.targets().insert_axis(Axis(1));
        let solved = self.solve(data.records(), y, data.weights())?;
        let summary = summarise(&solved, data, self.fit_intercept, level)?;
        Ok((summary, LinearModel::from_solved(&solved)))
    }
}

fn summarise<F: Float>(
    s: &Solved,
    data: DatasetView<'_, F, F>,
    fit_intercept: bool,
    level: f64,
) -> Result<OlsSummary, LinearError> {
    let n = data.n_samples();
    let p = data.n_features();
    let k_const = usize::from(fit_intercept);
    let (Some(gram), Some(inv), Solver::Cholesky) = (&s.gram, &s.inverse, s.solver) else {
        return summarise_pinv(data, fit_intercept, level);
    };
    if s.moments.active.len() != p {
        return summarise_pinv(data, fit_intercept, level);
    }
    let n_params = p + k_const;
    if n <= n_params {
        return Err(LinearError::NoResidualDegreesOfFreedom {
            n_samples: n,
            n_parameters: n_params,
        });
    }
    let coef = s.coef.row(0);
    let b0 = s.intercept[0];
    let x = data.records();
    let yv = data.targets();
    let w = data.weights();
    let mut ssr = 0.0;
    let mut sum_wy2 = 0.0;
    for i in 0..n {
        let wi = w.map_or(1.0, |w| w[i].as_f64());
        let yi = yv[i].as_f64();
        let fit: f64 = b0
            + x.row(i)
                .iter()
                .zip(coef.iter())
                .map(|(v, c)| v.as_f64() * c)
                .sum::<f64>();
        ssr += wi * (yi - fit).powi(2);
        sum_wy2 += wi * yi * yi;
    }
    let df_resid = (n - n_params) as f64;
    let df_model = p as f64;
    let scale = ssr / df_resid;
    let tss = if fit_intercept { gram.yty[0] } else { sum_wy2 };
    let r_squared = 1.0 - ssr / tss;
    let adj_r_squared = 1.0 - (n - k_const) as f64 / df_resid * (1.0 - r_squared);
    let f_statistic = ((tss - ssr) / df_model) / scale;
    let f_p_value = f_sf(f_statistic, df_model, df_resid);

    let mut names = Vec::with_capacity(n_params);
    let mut params = Vec::with_capacity(n_params);
    let mut variances = Vec::with_capacity(n_params);
    let xm = &s.moments.x_mean;
    if fit_intercept {
        let quad: f64 = (0..p)
            .map(|i| (0..p).map(|j| xm[i] * inv[(i, j)] * xm[j]).sum::<f64>())
            .sum();
        names.push("const".to_string());
        params.push(b0);
        variances.push(scale * (1.0 / s.moments.sum_w + quad));
    }
    for (j, name) in data.feature_names().into_iter().enumerate() {
        names.push(name);
        params.push(coef[j]);
        variances.push(scale * inv[(j, j)]);
    }
    let fit = GoodnessOfFit {
        r_squared,
        adj_r_squared,
        f_statistic,
        f_p_value,
        df_model,
        df_resid,
        n_samples: n,
        ssr,
        scale,
    };
    Ok(table(names, params, &variances, level, fit))
}

/// The goodness-of-fit part of a summary.
struct GoodnessOfFit {
    r_squared: f64,
    adj_r_squared: f64,
    f_statistic: f64,
    f_p_value: f64,
    df_model: f64,
    df_resid: f64,
    n_samples: usize,
    ssr: f64,
    scale: f64,
}

/// Standard errors, t, p-values and intervals from the parameter variances.
fn table(
    names: Vec<String>,
    params: Vec<f64>,
    variances: &[f64],
    level: f64,
    fit: GoodnessOfFit,
) -> OlsSummary {
    let df_resid = fit.df_resid;
    let std_errors: Vec<f64> = variances.iter().map(|v| v.max(0.0).sqrt()).collect();
    let t_values: Vec<f64> = params
        .iter()
        .zip(&std_errors)
        .map(|(b, se)| b / se)
        .collect();
    let p_values = t_values
        .iter()
        .map(|t| (2.0 * t_sf(t.abs(), df_resid)).min(1.0))
        .collect();
    let q = t_ppf(1.0 - (1.0 - level) / 2.0, df_resid);
    let conf_low = params
        .iter()
        .zip(&std_errors)
        .map(|(b, se)| b - q * se)
        .collect();
    let conf_high = params
        .iter()
        .zip(&std_errors)
        .map(|(b, se)| b + q * se)
        .collect();
    OlsSummary {
        names,
        params,
        std_errors,
        t_values,
        p_values,
        conf_low,
        conf_high,
        level,
        r_squared: fit.r_squared,
        adj_r_squared: fit.adj_r_squared,
        f_statistic: fit.f_statistic,
        f_p_value: fit.f_p_value,
        df_model: fit.df_model,
        df_resid: fit.df_resid,
        n_samples: fit.n_samples,
        ssr: fit.ssr,
        scale: fit.scale,
    }
}

/// statsmodels' pseudo-inverse statistics, for rank-deficient designs.
fn summarise_pinv<F: Float>(
    data: DatasetView<'_, F, F>,
    fit_intercept: bool,
    level: f64,
) -> Result<OlsSummary, LinearError> {
    let (n, p) = (data.n_samples(), data.n_features());
    let k_const = usize::from(fit_intercept);
    let k = p + k_const;
    let x = data.records();
    let y = data.targets();
    let w: Vec<f64> = (0..n)
        .map(|i| data.weights().map_or(1.0, |w| w[i].as_f64()))
        .collect();
    let sw: Vec<f64> = w.iter().map(|v| v.sqrt()).collect();
    let a = Mat::from_fn(n, k, |i, j| {
        if j < k_const {
            sw[i]
        } else {
            sw[i] * x[[i, j - k_const]].as_f64()
        }
    });
    let yw: Vec<f64> = (0..n).map(|i| sw[i] * y[i].as_f64()).collect();
    let svd = a.thin_svd().map_err(|e| LinearError::Factorisation {
        what: "singular value decomposition",
        detail: format!("{e:?}"),
    })?;
    let sv = svd.S().column_vector();
    let (u, v) = (svd.U(), svd.V());
    let s_max = (0..sv.nrows()).fold(0.0f64, |m, i| m.max(sv[i]));
    let cutoff = s_max * n.max(k) as f64 * f64::EPSILON;
    let keep: Vec<usize> = (0..sv.nrows()).filter(|&i| sv[i] > cutoff).collect();
    let rank = keep.len();
    if n <= rank {
        return Err(LinearError::NoResidualDegreesOfFreedom {
            n_samples: n,
            n_parameters: rank,
        });
    }
    // params = V S⁻¹ Uᵀ y; normalized covariance = V S⁻² Vᵀ.
    let uty: Vec<f64> = keep
        .iter()
        .map(|&c| (0..n).map(|i| u[(i, c)] * yw[i]).sum::<f64>() / sv[c])
        .collect();
    let params: Vec<f64> = (0..k)
        .map(|j| keep.iter().zip(&uty).map(|(&c, t)| v[(j, c)] * t).sum())
        .collect();
    let mut ssr = 0.0;
    for i in 0..n {
        let fitted: f64 = (0..k).map(|j| a[(i, j)] * params[j]).sum();
        ssr += (yw[i] - fitted).powi(2);
    }
    let sum_w: f64 = w.iter().sum();
    let tss = if fit_intercept {
        let mean = (0..n).map(|i| w[i] * y[i].as_f64()).sum::<f64>() / sum_w;
        (0..n).map(|i| w[i] * (y[i].as_f64() - mean).powi(2)).sum()
    } else {
        (0..n).map(|i| w[i] * y[i].as_f64().powi(2)).sum::<f64>()
    };
    let df_resid = (n - rank) as f64;
    let df_model = rank as f64 - k_const as f64;
    let scale = ssr / df_resid;
    let r_squared = 1.0 - ssr / tss;
    let adj_r_squared = 1.0 - (n - k_const) as f64 / df_resid * (1.0 - r_squared);
    let (f_statistic, f_p_value) = if df_model > 0.0 {
        let f = ((tss - ssr) / df_model) / scale;
        (f, f_sf(f, df_model, df_resid))
    } else {
        (f64::NAN, f64::NAN)
    };
    let variances: Vec<f64> = (0..k)
        .map(|j| {
            scale
                * keep
                    .iter()
                    .map(|&c| (v[(j, c)] / sv[c]).powi(2))
                    .sum::<f64>()
        })
        .collect();
    let mut names = Vec::with_capacity(k);
    if fit_intercept {
        names.push("const".to_string());
    }
    names.extend(data.feature_names());
    let fit = GoodnessOfFit {
        r_squared,
        adj_r_squared,
        f_statistic,
        f_p_value,
        df_model,
        df_resid,
        n_samples: n,
        ssr,
        scale,
    };
    Ok(table(names, params, &variances, level, fit))
}

impl fmt::Display for OlsSummary {
    /// A statsmodels-like coefficient table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.names.iter().map(String::len).max().unwrap_or(5).max(5);
        writeln!(
            f,
            "n = {}, R² = {:.4}, adj. R² = {:.4}, F({}, {}) = {:.4}, p(F) = {:.3e}",
            self.n_samples,
            self.r_squared,
            self.adj_r_squared,
            self.df_model,
            self.df_resid,
            self.f_statistic,
            self.f_p_value
        )?;
        let ci = format!("{:.1}% CI", 100.0 * self.level);
        writeln!(
            f,
            "{:<width$} {:>12} {:>12} {:>9} {:>10} {:>27}",
            "", "coef", "std err", "t", "P>|t|", ci
        )?;
        // Zipped: a hand-built summary with shorter columns prints fewer rows.
        let rows = self
            .names
            .iter()
            .zip(&self.params)
            .zip(&self.std_errors)
            .zip(&self.t_values)
            .zip(&self.p_values)
            .zip(self.conf_low.iter().zip(&self.conf_high));
        for (((((name, coef), se), t), p), (low, high)) in rows {
            writeln!(
                f,
                "{name:<width$} {coef:>12.4} {se:>12.4} {t:>9.3} {p:>10.3e} [{low:>12.4}, {high:>12.4}]"
            )?;
        }
        Ok(())
    }
}
