//! [`PowerTransformer`]: Yeo-Johnson power transforms towards normality.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{Dataset, DatasetView, Error, Fit, Float, Transform, check};
use rayon::prelude::*;

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::map_rows;
use crate::{StandardScaler, StandardScalerModel};

mod fminbound;

/// Maps each feature through the Yeo-Johnson power transform whose
/// parameter `lambda` maximises the Gaussian likelihood of the result, then
/// (by default) standardizes it, as scikit-learn's `PowerTransformer` with
/// `method="yeo-johnson"`.
///
/// Hyperparameter `standardize` (default `true`). Each `lambda` maximises
/// the likelihood by bounded Brent minimisation, step for step as
/// scikit-learn (through scipy's `yeojohnson_normmax` and `fminbound`,
/// tolerance 1.48e-8); a constant feature keeps `lambda = 1` (the
/// identity); a feature with no observed value gets NaN. NaN is ignored at fit and kept at
/// transform. The Box-Cox method is not offered. Sample weights are
/// accepted and not used (scikit-learn takes none).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{InverseTransform, PowerTransformer};
///
/// let data = Dataset::from_records(array![[1.0f64], [2.0], [3.0], [10.0], [100.0]]);
/// let model = PowerTransformer::default().fit(data.view())?;
/// assert!(model.lambdas()[0] < 0.0); // a strong right skew is compressed
/// let z = model.transform(data.records())?;
/// assert!(z.column(0).sum().abs() < 1e-9); // standardized
/// let back = model.inverse_transform(z.view())?;
/// assert!((back[[4, 0]] - 100.0).abs() < 1e-6);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerTransformer {
    /// Standardize the transformed features (default `true`).
    pub standardize: bool,
}

impl Default for PowerTransformer {
    fn default() -> Self {
        PowerTransformer { standardize: true }
    }
}

impl PowerTransformer {
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
        let lambdas: Vec<f64> = (0..x.ncols())
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
            .collect();
        let mut model = PowerTransformerModel {
            lambdas,
            scaler: None,
        };
        let transformed = model.power(x);
        if let Some(((_, j), v)) = transformed.indexed_iter().find(|(_, v)| v.is_infinite()) {
            return Err(Error::InvalidInput(format!(
                "PowerTransformer: column {j} (`{}`) overflows {} with lambda {} ({v}); \
                 use f64 records or rescale the column",
                data.feature_names()[j],
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

impl<F: Float> PowerTransformerModel<F> {
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
        let mut out = Array2::zeros(x.dim());
        ndarray::Zip::from(out.rows_mut())
            .and(x.rows())
            .par_for_each(|mut o, r| {
                for ((o, v), &l) in o.iter_mut().zip(r).zip(lambdas) {
                    *o = F::cast(yeo_johnson(v.as_f64(), l));
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
        Ok(map_rows(y.view(), y.ncols(), |row, out| {
            for ((o, v), &l) in out.iter_mut().zip(row).zip(&lambdas) {
                *o = F::cast(yeo_johnson_inverse(v.as_f64(), l));
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
