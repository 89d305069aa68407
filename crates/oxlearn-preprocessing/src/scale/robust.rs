//! [`RobustScaler`]: centering by the median, scaling by a quantile range.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::stats::{median, percentile};
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};
use rayon::prelude::*;

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::{check_lengths, handle_zeros, map_rows};

/// Scales features with statistics that outliers barely move, as
/// scikit-learn's `RobustScaler`: `(x - median) / (q_hi - q_lo)`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `with_centering` (default `true`): subtract the median;
/// - `with_scaling` (default `true`): divide by the interquantile range;
/// - `quantile_range` (default `(25.0, 75.0)`): percentiles `0 <= lo <= hi <= 100`.
///
/// The median is numpy's; percentiles use linear interpolation, as numpy's
/// default (`oxlearn::stats`). NaN is ignored
/// at fit and kept at transform; a zero range gives scale 1. Sample weights
/// are accepted and not used (scikit-learn's `RobustScaler` takes none).
/// `unit_variance` is not offered.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::RobustScaler;
///
/// let data = Dataset::from_records(array![[1.0], [2.0], [3.0], [4.0], [100.0]]);
/// let model = RobustScaler::default().fit(data.view())?;
/// assert_eq!(model.center().unwrap()[0], 3.0);
/// assert_eq!(model.scale().unwrap()[0], 2.0); // 4 - 2
/// assert_eq!(model.transform(array![[5.0]].view())?[[0, 0]], 1.0);
/// assert!(RobustScaler::default().quantile_range(80.0, 20.0).fit(data.view()).is_err());
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RobustScaler {
    /// Subtract the median (default `true`).
    pub with_centering: bool,
    /// Divide by the quantile range (default `true`).
    pub with_scaling: bool,
    /// Percentiles `(lo, hi)` of the range, `0 <= lo <= hi <= 100` (default `(25, 75)`).
    pub quantile_range: (f64, f64),
}

impl Default for RobustScaler {
    fn default() -> Self {
        RobustScaler {
            with_centering: true,
            with_scaling: true,
            quantile_range: (25.0, 75.0),
        }
    }
}

impl RobustScaler {
    /// Sets `with_centering`.
    pub fn with_centering(mut self, with_centering: bool) -> Self {
        self.with_centering = with_centering;
        self
    }

    /// Sets `with_scaling`.
    pub fn with_scaling(mut self, with_scaling: bool) -> Self {
        self.with_scaling = with_scaling;
        self
    }

    /// Sets `quantile_range` to `(lo, hi)`.
    pub fn quantile_range(mut self, lo: f64, hi: f64) -> Self {
        self.quantile_range = (lo, hi);
        self
    }
}

impl Params for RobustScaler {
    fn validate(&self) -> Result<(), Error> {
        let (lo, hi) = self.quantile_range;
        if (0.0..=100.0).contains(&lo) && (0.0..=100.0).contains(&hi) && lo <= hi {
            Ok(())
        } else {
            Err(Error::invalid_parameter(
                "quantile_range",
                "(lo, hi) with 0 <= lo <= hi <= 100",
                format!("({lo}, {hi})"),
            ))
        }
    }
}

/// A fitted [`RobustScaler`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RobustScalerModel<F> {
    params: RobustScaler,
    center: Array1<F>,
    scale: Array1<F>,
}

impl<F: Float> RobustScalerModel<F> {
    /// Per-feature median (`None` without centering).
    pub fn center(&self) -> Option<&Array1<F>> {
        self.params.with_centering.then_some(&self.center)
    }

    /// Per-feature quantile range, 1 where it is zero (`None` without scaling).
    pub fn scale(&self) -> Option<&Array1<F>> {
        self.params.with_scaling.then_some(&self.scale)
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        check_lengths(
            "RobustScalerModel",
            self.center.len(),
            &[("scale", self.scale.view())],
        )?;
        check::n_features(x, self.center.len())
    }
}

impl<F: Float, T> Fit<F, T> for RobustScaler {
    type Model = RobustScalerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records_allow_nan(x, "RobustScaler training records")?;
        let (q_lo, q_hi) = self.quantile_range;
        let stats: Vec<(F, F)> = (0..x.ncols())
            .into_par_iter()
            .map(|j| {
                let values: Vec<f64> = x
                    .column(j)
                    .iter()
                    .map(|v| v.as_f64())
                    .filter(|v| !v.is_nan())
                    .collect();
                let q = |p: f64| percentile(&values, p).unwrap_or(f64::NAN);
                let center = if self.with_centering {
                    median(&values).unwrap_or(f64::NAN)
                } else {
                    0.0
                };
                let scale = if self.with_scaling {
                    handle_zeros(q(q_hi) - q(q_lo))
                } else {
                    1.0
                };
                (F::cast(center), F::cast(scale))
            })
            .collect();
        Ok(RobustScalerModel {
            params: *self,
            center: stats.iter().map(|s| s.0).collect(),
            scale: stats.iter().map(|s| s.1).collect(),
        })
    }
}

impl<F: Float> Transform<F> for RobustScalerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "RobustScaler input")?;
        let (center, scale) = (self.center.to_vec(), self.scale.to_vec());
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (((o, v), c), s) in out.iter_mut().zip(row).zip(&center).zip(&scale) {
                *o = (*v - *c) / *s;
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.center.len()
    }
}

impl<F: Float> InverseTransform<F> for RobustScalerModel<F> {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        let (center, scale) = (self.center.to_vec(), self.scale.to_vec());
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (((o, v), c), s) in out.iter_mut().zip(row).zip(&center).zip(&scale) {
                *o = *v * *s + *c;
            }
        })?)
    }
}
