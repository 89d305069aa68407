//! [`QuantileTransformer`]: each feature through its empirical CDF.

use ndarray::{Array2, ArrayView2};
use oxlearn::params::{Params, check_at_least};
use oxlearn::random::{DEFAULT_SEED, permutation};
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};
use rayon::prelude::*;

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::normal::{norm_cdf, norm_ppf};
use crate::util::map_rows;

/// Values this close to the ends of the range map to the ends (scikit-learn's
/// `BOUNDS_THRESHOLD`).
const BOUNDS_THRESHOLD: f64 = 1e-7;

/// The distribution a [`QuantileTransformer`] maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OutputDistribution {
    /// Uniform on `[0, 1]` (the default).
    #[default]
    Uniform,
    /// Standard normal, clipped to about `±5.2` (the quantiles of `1e-7`).
    Normal,
}

/// Maps each feature to a uniform or normal distribution through its
/// empirical quantiles, as scikit-learn's `QuantileTransformer`: a robust,
/// non-linear rescaling that spreads out the most frequent values.
///
/// Hyperparameters (scikit-learn's names and defaults): `n_quantiles`
/// (default 1000, at least 1; capped at the number of samples),
/// `output_distribution` (default [`OutputDistribution::Uniform`]),
/// `subsample` (default `Some(10_000)`; `None` uses every row; at least
/// `n_quantiles`) and `seed` (scikit-learn's `random_state`).
///
/// Quantiles are numpy's linear-interpolation percentiles of the training
/// rows; with more rows than `subsample`, of `subsample` rows drawn without
/// replacement (the same rows for every feature), as scikit-learn. The rows
/// are drawn by oxlearn's generator seeded with `seed`, so they differ from
/// those numpy's generator picks: results equal scikit-learn's exactly up
/// to `subsample` rows, and beyond that agree only statistically.
/// Values between quantiles are interpolated linearly, averaging both
/// directions where quantiles repeat, as scikit-learn. NaN is ignored at fit
/// and kept at transform (a feature with no value at fit transforms to
/// NaN, as scikit-learn). Sample weights are accepted and not used
/// (scikit-learn takes none).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{InverseTransform, OutputDistribution, QuantileTransformer};
///
/// let data = Dataset::from_records(array![[1.0], [2.0], [3.0], [100.0], [101.0]]);
/// let model = QuantileTransformer::default().fit(data.view())?;
/// let u = model.transform(array![[2.5], [100.0], [500.0]].view())?;
/// assert_eq!(u, array![[0.375], [0.75], [1.0]]);
/// assert_eq!(model.inverse_transform(u.view())?[[0, 0]], 2.5);
///
/// let normal = QuantileTransformer::default().output_distribution(OutputDistribution::Normal);
/// let z = normal.fit(data.view())?.transform(array![[3.0f64]].view())?;
/// assert!(z[[0, 0]].abs() < 1e-12); // the median maps to 0
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct QuantileTransformer {
    /// Number of quantiles (default 1000, at least 1).
    pub n_quantiles: usize,
    /// Output distribution (default [`OutputDistribution::Uniform`]).
    pub output_distribution: OutputDistribution,
    /// Rows drawn to estimate the quantiles when there are more (default
    /// `Some(10_000)`; `None`: all rows).
    pub subsample: Option<usize>,
    /// Seed of the row subsample (default [`DEFAULT_SEED`]).
    pub seed: u64,
}

impl Default for QuantileTransformer {
    fn default() -> Self {
        QuantileTransformer {
            n_quantiles: 1000,
            output_distribution: OutputDistribution::Uniform,
            subsample: Some(10_000),
            seed: DEFAULT_SEED,
        }
    }
}

impl QuantileTransformer {
    /// Sets `n_quantiles`.
    pub fn n_quantiles(mut self, n_quantiles: usize) -> Self {
        self.n_quantiles = n_quantiles;
        self
    }

    /// Sets `output_distribution`.
    pub fn output_distribution(mut self, output_distribution: OutputDistribution) -> Self {
        self.output_distribution = output_distribution;
        self
    }

    /// Sets `subsample`.
    pub fn subsample(mut self, subsample: Option<usize>) -> Self {
        self.subsample = subsample;
        self
    }

    /// Sets `seed`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

impl Params for QuantileTransformer {
    fn validate(&self) -> Result<(), Error> {
        check_at_least("n_quantiles", self.n_quantiles, 1)?;
        if let Some(s) = self.subsample {
            check_at_least("subsample", s, 1)?;
            if self.n_quantiles > s {
                return Err(Error::invalid_parameter(
                    "n_quantiles",
                    format!("at most subsample ({s})"),
                    self.n_quantiles,
                ));
            }
        }
        Ok(())
    }
}

/// A fitted [`QuantileTransformer`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuantileTransformerModel {
    output_distribution: OutputDistribution,
    /// Per feature, the non-decreasing quantiles at `references`.
    quantiles: Vec<Vec<f64>>,
    references: Vec<f64>,
}

/// `n` evenly spaced values from 0 to 1, as `numpy.linspace(0, 1, n)`.
fn references(n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![0.0];
    }
    let step = 1.0 / (n - 1) as f64;
    (0..n)
        .map(|i| if i == n - 1 { 1.0 } else { i as f64 * step })
        .collect()
}

/// The `q`-th quantile (`q` in `[0, 1]`) of sorted values with linear
/// interpolation, as `numpy.percentile` (and `oxlearn::stats::percentile`).
fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// `numpy.interp(x, xp, fp)` for non-decreasing `xp` (ends held constant).
fn interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let n = xp.len();
    // The last j with xp[j] <= x (none: below the first quantile).
    let Some(j) = xp.partition_point(|&v| v <= x).checked_sub(1) else {
        return fp[0];
    };
    if j == n - 1 || xp[j] == x {
        return fp[j];
    }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    slope * (x - xp[j]) + fp[j]
}

impl<F: Float, T> Fit<F, T> for QuantileTransformer {
    type Model = QuantileTransformerModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records_allow_nan(x, "QuantileTransformer training records")?;
        let n_quantiles = self.n_quantiles.min(x.nrows()).max(1);
        let refs = references(n_quantiles);
        let rows: Option<Vec<usize>> = match self.subsample {
            Some(s) if s < x.nrows() => {
                let mut rows = permutation(x.nrows(), self.seed);
                rows.truncate(s);
                Some(rows)
            }
            _ => None,
        };
        let quantiles = (0..x.ncols())
            .into_par_iter()
            .map(|j| {
                let column = x.column(j);
                let values: Vec<f64> = match &rows {
                    Some(rows) => rows.iter().map(|&i| column[i].as_f64()).collect(),
                    None => column.iter().map(|v| v.as_f64()).collect(),
                };
                let mut v: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
                v.sort_unstable_by(f64::total_cmp);
                let mut q: Vec<f64> = refs.iter().map(|&r| sorted_quantile(&v, r)).collect();
                // Make them non-decreasing despite rounding (`np.maximum.accumulate`).
                for k in 1..q.len() {
                    if q[k] < q[k - 1] {
                        q[k] = q[k - 1];
                    }
                }
                q
            })
            .collect();
        Ok(QuantileTransformerModel {
            output_distribution: self.output_distribution,
            quantiles,
            references: refs,
        })
    }
}

impl QuantileTransformerModel {
    /// Per feature, the quantile values at [`references`](Self::references)
    /// (scikit-learn's `quantiles_`, transposed).
    pub fn quantiles(&self) -> &[Vec<f64>] {
        &self.quantiles
    }

    /// The quantile levels in `[0, 1]` (scikit-learn's `references_`).
    pub fn references(&self) -> &[f64] {
        &self.references
    }

    fn check<F>(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        let n = self.references.len();
        let ok = n >= 1
            && self
                .quantiles
                .iter()
                .all(|q| q.len() == n && q.windows(2).all(|w| w[1] >= w[0] || w[1].is_nan()))
            && self.references.windows(2).all(|w| w[0] <= w[1]);
        if !ok {
            return Err(Error::InvalidModel(
                "QuantileTransformerModel: quantiles must be non-decreasing, one per reference"
                    .into(),
            ));
        }
        check::n_features(x, self.quantiles.len())
    }

    /// scikit-learn's `_transform_col`, forward.
    fn forward(&self, q: &[f64], neg: &[f64], neg_refs: &[f64], v: f64) -> f64 {
        if v.is_nan() || q[0].is_nan() {
            return f64::NAN; // missing, or a feature with no value at fit
        }
        let (lo, hi) = (q[0], q[q.len() - 1]);
        let normal = self.output_distribution == OutputDistribution::Normal;
        let (at_lo, at_hi) = if normal {
            (v - BOUNDS_THRESHOLD < lo, v + BOUNDS_THRESHOLD > hi)
        } else {
            (v == lo, v == hi)
        };
        let mut u = 0.5 * (interp(v, q, &self.references) - interp(-v, neg, neg_refs));
        if at_hi {
            u = 1.0;
        }
        if at_lo {
            u = 0.0;
        }
        if normal {
            let bound = BOUNDS_THRESHOLD - f64::EPSILON;
            norm_ppf(u).clamp(norm_ppf(bound), norm_ppf(1.0 - bound))
        } else {
            u
        }
    }

    /// scikit-learn's `_transform_col`, inverse.
    fn backward(&self, q: &[f64], v: f64) -> f64 {
        let normal = self.output_distribution == OutputDistribution::Normal;
        let u = if normal { norm_cdf(v) } else { v };
        if u.is_nan() || q[0].is_nan() {
            return f64::NAN;
        }
        let (at_lo, at_hi) = if normal {
            (u - BOUNDS_THRESHOLD < 0.0, u + BOUNDS_THRESHOLD > 1.0)
        } else {
            (u == 0.0, u == 1.0)
        };
        if at_lo {
            q[0]
        } else if at_hi {
            q[q.len() - 1]
        } else {
            interp(u, &self.references, q)
        }
    }
}

impl<F: Float> Transform<F> for QuantileTransformerModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "QuantileTransformer input")?;
        // The mirrored quantiles and references, for the reverse interpolation.
        let neg: Vec<Vec<f64>> = self
            .quantiles
            .iter()
            .map(|q| q.iter().rev().map(|v| -v).collect())
            .collect();
        let neg_refs: Vec<f64> = self.references.iter().rev().map(|v| -v).collect();
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (j, (o, v)) in out.iter_mut().zip(row).enumerate() {
                *o = F::cast(self.forward(&self.quantiles[j], &neg[j], &neg_refs, v.as_f64()));
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.quantiles.len()
    }
}

impl<F: Float> InverseTransform<F> for QuantileTransformerModel {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "QuantileTransformer input")?;
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (j, (o, v)) in out.iter_mut().zip(row).enumerate() {
                *o = F::cast(self.backward(&self.quantiles[j], v.as_f64()));
            }
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interp_as_numpy() {
        let xp = [0.0, 1.0, 1.0, 2.0];
        let fp = [0.0, 0.25, 0.5, 1.0];
        assert_eq!(interp(-1.0, &xp, &fp), 0.0);
        assert_eq!(interp(0.5, &xp, &fp), 0.125);
        assert_eq!(interp(1.0, &xp, &fp), 0.5); // the last duplicate
        assert_eq!(interp(1.5, &xp, &fp), 0.75);
        assert_eq!(interp(3.0, &xp, &fp), 1.0);
        assert_eq!(references(3), vec![0.0, 0.5, 1.0]);
    }
}
