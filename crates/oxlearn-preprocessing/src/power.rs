//! [`PowerTransformer`]: Yeo-Johnson and Box-Cox power transforms towards
//! normality.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{Dataset, DatasetView, Error, Fit, Float, Transform, check};
use rayon::prelude::*;

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::map_rows;
use crate::{StandardScaler, StandardScalerModel};

mod fminbound;

/// Maps each feature through the Yeo-Johnson or Box-Cox power transform
/// whose parameter `lambda` maximises the Gaussian likelihood of the
/// result, then (by default) standardizes it, as scikit-learn's
/// `PowerTransformer`.
///
/// Hyperparameters: `method` (default [`PowerMethod::YeoJohnson`]) and
/// `standardize` (default `true`). NaN is ignored at fit and kept at
/// transform. Sample weights are accepted and not used (scikit-learn takes
/// none).
///
/// - Yeo-Johnson: each `lambda` maximises the likelihood by bounded Brent
///   minimisation, step for step as scikit-learn (through scipy's
///   `yeojohnson_normmax` and `fminbound`, tolerance 1.48e-8); a constant
///   feature keeps `lambda = 1` (the identity); a feature with no observed
///   value gets NaN.
/// - Box-Cox (strictly positive data only, at fit and at transform: an
///   error names the first column with a value `<= 0`): each `lambda`
///   maximises the likelihood by Brent's method from the bracket grown from
///   (-2, 2), step for step as `scipy.stats.boxcox` (through
///   `boxcox_normmax(method="mle")` and `optimize.brent`). A constant
///   column or one with no observed value is an error, as in scipy; where
///   the optimum would take the transformed data beyond `f64::MAX / 10000`,
///   `lambda` is constrained to stay below it, as scipy does (with a
///   warning there).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{InverseTransform, PowerMethod, PowerTransformer};
///
/// let data = Dataset::from_records(array![[1.0f64], [2.0], [3.0], [10.0], [100.0]]);
/// let model = PowerTransformer::default().fit(data.view())?;
/// assert!(model.lambdas()[0] < 0.0); // a strong right skew is compressed
/// let z = model.transform(data.records())?;
/// assert!(z.column(0).sum().abs() < 1e-9); // standardized
/// let back = model.inverse_transform(z.view())?;
/// assert!((back[[4, 0]] - 100.0).abs() < 1e-6);
///
/// let box_cox = PowerTransformer::default().method(PowerMethod::BoxCox);
/// let model = box_cox.fit(data.view())?;
/// assert!(model.lambdas()[0] < 0.0);
/// assert!(box_cox.fit(Dataset::from_records(array![[1.0], [0.0]]).view()).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerTransformer {
    /// The power transform (default [`PowerMethod::YeoJohnson`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub method: PowerMethod,
    /// Standardize the transformed features (default `true`).
    pub standardize: bool,
}

/// The power transform of a [`PowerTransformer`] (scikit-learn's `method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PowerMethod {
    /// Yeo-Johnson: any real values (the default).
    #[default]
    YeoJohnson,
    /// Box-Cox: strictly positive values only.
    BoxCox,
}

impl Default for PowerTransformer {
    fn default() -> Self {
        PowerTransformer {
            method: PowerMethod::YeoJohnson,
            standardize: true,
        }
    }
}

impl PowerTransformer {
    /// Sets `method`.
    pub fn method(mut self, method: PowerMethod) -> Self {
        self.method = method;
        self
    }

    /// Sets `standardize`.
    pub fn standardize(mut self, standardize: bool) -> Self {
        self.standardize = standardize;
        self
    }
}

impl Params for PowerTransformer {
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// A fitted [`PowerTransformer`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerTransformerModel<F> {
    #[cfg_attr(feature = "serde", serde(default))]
    method: PowerMethod,
    lambdas: Vec<f64>,
    scaler: Option<StandardScalerModel<F>>,
}

/// The Yeo-Johnson transform of `x` with parameter `lambda`.
fn yeo_johnson(x: f64, lambda: f64) -> f64 {
    let eps = f64::EPSILON;
    if x >= 0.0 {
        if lambda.abs() < eps {
            x.ln_1p()
        } else {
            ((x + 1.0).powf(lambda) - 1.0) / lambda
        }
    } else if (lambda - 2.0).abs() > eps {
        -((-x + 1.0).powf(2.0 - lambda) - 1.0) / (2.0 - lambda)
    } else {
        -(-x).ln_1p()
    }
}

/// The inverse of [`yeo_johnson`].
fn yeo_johnson_inverse(y: f64, lambda: f64) -> f64 {
    let eps = f64::EPSILON;
    if y >= 0.0 {
        if lambda.abs() < eps {
            y.exp() - 1.0
        } else {
            (y * lambda + 1.0).powf(1.0 / lambda) - 1.0
        }
    } else if (lambda - 2.0).abs() > eps {
        1.0 - (-(2.0 - lambda) * y + 1.0).powf(1.0 / (2.0 - lambda))
    } else {
        1.0 - (-y).exp()
    }
}

/// The Yeo-Johnson transform as scipy's `_yeojohnson_transform` writes it
/// (through `expm1` and `log1p`), used for the likelihood.
fn yeo_johnson_stable(x: f64, lambda: f64) -> f64 {
    let eps = f64::EPSILON;
    if x >= 0.0 {
        if lambda.abs() < eps {
            x.ln_1p()
        } else {
            (lambda * x.ln_1p()).exp_m1() / lambda
        }
    } else if (lambda - 2.0).abs() > eps {
        -((2.0 - lambda) * (-x).ln_1p()).exp_m1() / (2.0 - lambda)
    } else {
        -(-x).ln_1p()
    }
}

/// The negative Yeo-Johnson log-likelihood, as scipy's `yeojohnson_llf`
/// (infinite for a zero variance).
fn neg_log_likelihood(x: &[f64], log_sum: f64, lambda: f64) -> f64 {
    let n = x.len() as f64;
    let t: Vec<f64> = x.iter().map(|&v| yeo_johnson_stable(v, lambda)).collect();
    let mean = t.iter().sum::<f64>() / n;
    let var = t.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    if var < f64::MIN_POSITIVE {
        return f64::INFINITY;
    }
    -(-n / 2.0 * var.ln() + (lambda - 1.0) * log_sum)
}

/// The maximum-likelihood `lambda` of one column (NaN removed), as scipy's
/// `yeojohnson_normmax`: bounded so that the transform of values up to 20
/// times the largest cannot overflow, found by `fminbound`.
fn optimal_lambda(x: &[f64]) -> f64 {
    if x.iter().all(|&v| v == 0.0) {
        return 1.0;
    }
    let log_sum: f64 = x.iter().map(|&v| sign(v) * v.abs().ln_1p()).sum();
    let max_abs = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let log1p_max_x = (20.0 * max_abs).ln_1p();
    let log_eps = f64::EPSILON.ln();
    let log_tiny = (f64::MIN_POSITIVE.ln() - log_eps) / 2.0;
    let log_max = (f64::MAX.ln() + log_eps) / 2.0;
    let (mut lb, mut ub) = (log_tiny / log1p_max_x, log_max / log1p_max_x);
    if x.iter().all(|&v| v < 0.0) {
        (lb, ub) = (2.0 - ub, 2.0 - lb);
    } else if x.iter().any(|&v| v < 0.0) {
        (lb, ub) = (lb.max(2.0 - ub), ub.min(2.0 - lb));
    }
    fminbound::fminbound(|l| neg_log_likelihood(x, log_sum, l), lb, ub, 1.48e-8)
}

/// The Box-Cox transform, as `scipy.special.boxcox`.
fn box_cox(x: f64, lambda: f64) -> f64 {
    if lambda.abs() < 1e-19 {
        x.ln()
    } else {
        (lambda * x.ln()).exp_m1() / lambda
    }
}

/// The inverse of [`box_cox`], as `scipy.special.inv_boxcox`.
fn box_cox_inverse(y: f64, lambda: f64) -> f64 {
    if lambda == 0.0 {
        y.exp()
    } else {
        ((lambda * y).ln_1p() / lambda).exp()
    }
}

/// `numpy.sum` of a contiguous `f64` array: numpy's pairwise summation
/// (blocks of 128 summed with 8 accumulators), so that sums round as
/// scipy's.
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |s, &v| s + v)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        for chunk in a[8..whole].chunks_exact(8) {
            for (r, &v) in r.iter_mut().zip(chunk) {
                *r += v;
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[whole..] {
            res += v;
        }
        res
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

/// `log(sum(exp(a)))` as scipy's `logsumexp` computes it: the terms equal
/// to the largest factored out, the others summed through `log1p`.
fn log_sum_exp(a: &[f64]) -> f64 {
    let max = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return pairwise_sum(&a.iter().map(|v| v.exp()).collect::<Vec<_>>()).ln();
    }
    let m = a.iter().filter(|&&v| v == max).count() as f64;
    let terms: Vec<f64> = a
        .iter()
        .map(|&v| if v == max { 0.0 } else { (v - max).exp() })
        .collect();
    let mut s = pairwise_sum(&terms);
    if s != 0.0 {
        s /= m;
    }
    s.ln_1p() + m.ln() + max
}

/// The negative Box-Cox log-likelihood of data whose logarithms are
/// `log_x`, as scipy's `boxcox_llf` (the variance of `x^lambda` computed
/// from logarithms, as its `_log_var`).
fn box_cox_neg_llf(log_x: &[f64], log_sum: f64, lambda: f64) -> f64 {
    let n = log_x.len() as f64;
    let log_var = if lambda == 0.0 {
        let mean = log_sum / n;
        let dev: Vec<f64> = log_x.iter().map(|v| (v - mean) * (v - mean)).collect();
        (pairwise_sum(&dev) / n).ln()
    } else {
        let lx: Vec<f64> = log_x.iter().map(|&v| lambda * v).collect();
        let log_mean = log_sum_exp(&lx) - n.ln();
        // 2 log |exp(v) - exp(log_mean)|, as logsumexp with weights (1, -1).
        let log_dev: Vec<f64> = lx
            .iter()
            .map(|&v| {
                let (hi, lo) = if v >= log_mean {
                    (v, log_mean)
                } else {
                    (log_mean, v)
                };
                let d = if v == log_mean {
                    f64::NEG_INFINITY
                } else {
                    hi + (-(lo - hi).exp()).ln_1p()
                };
                2.0 * d
            })
            .collect();
        log_sum_exp(&log_dev) - n.ln() - 2.0 * lambda.abs().ln()
    };
    -((lambda - 1.0) * log_sum - n / 2.0 * log_var)
}

/// The maximum-likelihood Box-Cox `lambda` of one column (NaN removed,
/// positive, not constant), as `scipy.stats.boxcox`; `Err` with the reason
/// when scipy would fail or constrain it.
fn box_cox_lambda(x: &[f64]) -> Result<f64, &'static str> {
    let log_x: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let log_sum = pairwise_sum(&log_x);
    let lambda = fminbound::brent(|l| box_cox_neg_llf(&log_x, log_sum, l), -2.0, 2.0)
        .ok_or("no bracket of the likelihood maximum was found")?;
    let (min, max) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let extreme = if min >= 1.0 {
        max
    } else if max <= 1.0 {
        min
    } else if box_cox(max, lambda) > box_cox(min, lambda).abs() {
        max
    } else {
        min
    };
    let y_max = f64::MAX / 10000.0;
    if box_cox(extreme, lambda).abs() > y_max {
        let y = if extreme > 1.0 { y_max } else { -y_max };
        return box_cox_inverse_lambda(extreme, y)
            .ok_or("the lambda that keeps the transformed data finite was not found");
    }
    Ok(lambda)
}

/// The `lambda` for which `box_cox(x, lambda) = y`, as scipy's
/// `_boxcox_inv_lmbda` (through the lower branch of Lambert's W).
fn box_cox_inverse_lambda(x: f64, y: f64) -> Option<f64> {
    let z = -(x.powf(-1.0 / y)) * x.ln() / y;
    let w = lambert_w_lower(z)?;
    Some(-w / x.ln() - 1.0 / y)
}

/// The branch `k = -1` of Lambert's W for `z` in `[-1/e, 0)`: the `w <= -1`
/// with `w exp(w) = z`, by Newton's method on `w + ln(-w) = ln(-z)`.
fn lambert_w_lower(z: f64) -> Option<f64> {
    let e_inv = (-1.0f64).exp();
    if !(z < 0.0 && z >= -e_inv) {
        return None;
    }
    let l = (-z).ln();
    let mut w = if l < -2.0 {
        l - (-l).ln()
    } else {
        -1.0 - (2.0 * (1.0 + std::f64::consts::E * z)).max(0.0).sqrt()
    };
    for _ in 0..100 {
        if w >= -1.0 {
            return Some(-1.0);
        }
        let step = (w + (-w).ln() - l) / (1.0 + 1.0 / w);
        let next = (w - step).min(-1.0);
        if (next - w).abs() <= 4.0 * f64::EPSILON * w.abs() {
            return Some(next);
        }
        w = next;
    }
    Some(w)
}

/// `numpy.sign`: 0 at 0 (unlike `f64::signum`).
fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// scikit-learn's `_is_constant_feature` on the mean and variance of a column.
fn is_constant(values: &[f64]) -> bool {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let eps = f64::EPSILON;
    var <= n * eps * var + (n * mean * eps).powi(2)
}

impl<F: Float, T> Fit<F, T> for PowerTransformer {
    type Model = PowerTransformerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records_allow_nan(x, "PowerTransformer training records")?;
        let names = data.feature_names();
        let lambdas: Vec<f64> = if self.method == PowerMethod::BoxCox {
            check_positive(x, &names)?;
            box_cox_lambdas(x, &names)?
        } else {
            yeo_johnson_lambdas(x)
        };
        let mut model = PowerTransformerModel {
            method: self.method,
            lambdas,
            scaler: None,
        };
        let transformed = model.power(x);
        if let Some(((_, j), v)) = transformed.indexed_iter().find(|(_, v)| v.is_infinite()) {
            return Err(Error::InvalidInput(format!(
                "PowerTransformer: column {j} (`{}`) overflows {} with lambda {} ({v}); \
                 use f64 records or rescale the column",
                names[j],
                F::NAME,
                model.lambdas[j]
            ))
            .into());
        }
        if self.standardize {
            let scaler =
                StandardScaler::default().fit(Dataset::from_records(transformed).view())?;
            model.scaler = Some(scaler);
        }
        Ok(model)
    }
}

/// Every observed value must be positive for Box-Cox.
fn check_positive<F: Float>(x: ArrayView2<'_, F>, names: &[String]) -> Result<(), Error> {
    for (j, column) in x.columns().into_iter().enumerate() {
        if let Some(v) = column.iter().find(|&&v| v <= F::zero()) {
            return Err(Error::InvalidInput(format!(
                "PowerTransformer: the Box-Cox transform needs strictly positive data, \
                 column {j} (`{}`) holds {v}; use PowerMethod::YeoJohnson",
                names[j]
            )));
        }
    }
    Ok(())
}

/// The Box-Cox `lambda` of every column.
fn box_cox_lambdas<F: Float>(x: ArrayView2<'_, F>, names: &[String]) -> Result<Vec<f64>, Error> {
    (0..x.ncols())
        .into_par_iter()
        .map(|j| {
            let observed: Vec<f64> = x
                .column(j)
                .iter()
                .map(|v| v.as_f64())
                .filter(|v| !v.is_nan())
                .collect();
            let reason = if observed.is_empty() {
                Err("it has no observed value (all NaN)")
            } else if observed.iter().all(|&v| v == observed[0]) {
                Err("it is constant")
            } else {
                box_cox_lambda(&observed)
            };
            reason.map_err(|why| {
                Error::InvalidInput(format!(
                    "PowerTransformer: no Box-Cox lambda for column {j} (`{}`): {why}",
                    names[j]
                ))
            })
        })
        .collect()
}

/// The Yeo-Johnson `lambda` of every column.
fn yeo_johnson_lambdas<F: Float>(x: ArrayView2<'_, F>) -> Vec<f64> {
    (0..x.ncols())
        .into_par_iter()
        .map(|j| {
            let column: Vec<f64> = x.column(j).iter().map(|v| v.as_f64()).collect();
            let has_nan = column.iter().any(|v| v.is_nan());
            // scikit-learn tests constancy on the column with NaN (never constant then).
            if !has_nan && is_constant(&column) {
                return 1.0;
            }
            let observed: Vec<f64> = column.into_iter().filter(|v| !v.is_nan()).collect();
            if observed.is_empty() {
                return f64::NAN;
            }
            optimal_lambda(&observed)
        })
        .collect()
}

impl<F: Float> PowerTransformerModel<F> {
    /// The power transform used.
    pub fn method(&self) -> PowerMethod {
        self.method
    }

    /// The fitted `lambda` of each feature (scikit-learn's `lambdas_`).
    pub fn lambdas(&self) -> &[f64] {
        &self.lambdas
    }

    /// The standardization applied after the power transform, if any.
    pub fn scaler(&self) -> Option<&StandardScalerModel<F>> {
        self.scaler.as_ref()
    }

    fn power(&self, x: ArrayView2<'_, F>) -> Array2<F> {
        let lambdas = &self.lambdas;
        let f = match self.method {
            PowerMethod::YeoJohnson => yeo_johnson,
            PowerMethod::BoxCox => box_cox,
        };
        let mut out = Array2::zeros(x.dim());
        ndarray::Zip::from(out.rows_mut())
            .and(x.rows())
            .par_for_each(|mut o, r| {
                for ((o, v), &l) in o.iter_mut().zip(r).zip(lambdas) {
                    *o = F::cast(f(v.as_f64(), l));
                }
            });
        out
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        if let Some(s) = &self.scaler
            && Transform::<F>::n_features_in(s) != self.lambdas.len()
        {
            return Err(Error::InvalidModel(
                "PowerTransformerModel: the scaler and the lambdas disagree in length".into(),
            ));
        }
        check::n_features(x, self.lambdas.len())
    }
}

impl<F: Float> Transform<F> for PowerTransformerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "PowerTransformer input")?;
        if self.method == PowerMethod::BoxCox {
            check_positive(x, &oxlearn::dataset::default_feature_names(x.ncols()))?;
        }
        let y = self.power(x);
        match &self.scaler {
            Some(s) => s.transform(y.view()),
            None => Ok(y),
        }
    }

    fn n_features_in(&self) -> usize {
        self.lambdas.len()
    }
}

impl<F: Float> InverseTransform<F> for PowerTransformerModel<F> {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        let y = match &self.scaler {
            Some(s) => s.inverse_transform(x)?,
            None => x.to_owned(),
        };
        let lambdas: Array1<f64> = Array1::from(self.lambdas.clone());
        let f = match self.method {
            PowerMethod::YeoJohnson => yeo_johnson_inverse,
            PowerMethod::BoxCox => box_cox_inverse,
        };
        Ok(map_rows(y.view(), y.ncols(), |row, out| {
            for ((o, v), &l) in out.iter_mut().zip(row).zip(&lambdas) {
                *o = F::cast(f(v.as_f64(), l));
            }
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_and_inverse() {
        for lambda in [-1.5, 0.0, 0.5, 1.0, 2.0, 3.0] {
            for x in [-3.0, -0.5, 0.0, 0.7, 12.0] {
                let y = yeo_johnson(x, lambda);
                assert!(
                    (yeo_johnson_inverse(y, lambda) - x).abs() < 1e-12,
                    "{x} {lambda}"
                );
            }
        }
        assert_eq!(yeo_johnson(3.0, 1.0), 3.0);
        assert_eq!(yeo_johnson(-3.0, 1.0), -3.0);
        assert!(is_constant(&[2.0, 2.0, 2.0]));
        assert!(!is_constant(&[2.0, 2.5, 2.0]));
    }
}
