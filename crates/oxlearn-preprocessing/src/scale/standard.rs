//! [`StandardScaler`]: zero mean and unit variance per feature.

use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, PartialFit, Transform, check};

use crate::InverseTransform;
use crate::error::PreprocessingError;
use crate::util::{check_lengths, map_rows, reduce_rows};

/// Standardizes features: `z = (x - mean) / std`, as scikit-learn's
/// `StandardScaler`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `with_mean` (default `true`): subtract the mean;
/// - `with_std` (default `true`): divide by the standard deviation
///   (population, `ddof = 0`).
///
/// Sample weights from the dataset weight the mean and variance. NaN is
/// treated as missing: ignored when computing the statistics and kept as
/// NaN in the output (a column with no observed value gets NaN statistics,
/// as in scikit-learn). A constant column gets scale 1, not a division by
/// zero. [`PartialFit`] updates the statistics batch by batch with
/// scikit-learn's incremental (Chan, Golub and LeVeque) formulas.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, PartialFit, Transform};
/// use oxlearn_preprocessing::{InverseTransform, StandardScaler};
///
/// let data = Dataset::from_records(array![[1.0, 5.0], [3.0, 5.0], [f64::NAN, 5.0]]);
/// let model = StandardScaler::default().fit(data.view())?;
/// assert_eq!(model.mean().unwrap().to_vec(), vec![2.0, 5.0]);
/// assert_eq!(model.scale().unwrap().to_vec(), vec![1.0, 1.0]); // constant column: 1
/// let z = model.transform(data.records())?;
/// assert_eq!(z.row(0).to_vec(), vec![-1.0, 0.0]);
/// assert!(z[[2, 0]].is_nan()); // missing stays missing
/// assert_eq!(model.inverse_transform(z.view())?[[1, 0]], 3.0);
///
/// // Incremental: the same statistics batch by batch.
/// let (a, b) = data.view().split_at(1)?;
/// let mut online = StandardScaler::default().fit(a)?;
/// online.partial_fit(b)?;
/// assert_eq!(online.mean(), model.mean());
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StandardScaler {
    /// Center the data at zero (default `true`).
    pub with_mean: bool,
    /// Scale the data to unit variance (default `true`).
    pub with_std: bool,
}

impl Default for StandardScaler {
    fn default() -> Self {
        StandardScaler {
            with_mean: true,
            with_std: true,
        }
    }
}

impl StandardScaler {
    /// Sets `with_mean`.
    pub fn with_mean(mut self, with_mean: bool) -> Self {
        self.with_mean = with_mean;
        self
    }

    /// Sets `with_std`.
    pub fn with_std(mut self, with_std: bool) -> Self {
        self.with_std = with_std;
        self
    }
}

impl Params for StandardScaler {
    fn validate(&self) -> Result<(), Error> {
        // Both fields are booleans: every value is valid.
        Ok(())
    }
}

/// A fitted [`StandardScaler`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StandardScalerModel<F> {
    with_mean: bool,
    with_std: bool,
    mean: Array1<F>,
    var: Array1<F>,
    scale: Array1<F>,
    n_samples_seen: Array1<F>,
}

/// Weighted count, mean and centred sum of squares of each column of one batch.
struct Moments {
    count: Vec<f64>,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

/// Rows per block: each block is read twice while it sits in cache (sums,
/// then centred sums), and blocks are merged with Chan's formula, so the
/// data is read from memory once.
const BLOCK_ROWS: usize = 128;

/// Merges the statistics `(n_b, mean_b, m2_b)` of a part into `(n, mean, m2)`
/// (Chan, Golub and LeVeque's pairwise update).
fn merge(n: &mut f64, mean: &mut f64, m2: &mut f64, n_b: f64, mean_b: f64, m2_b: f64) {
    if n_b == 0.0 {
        return;
    }
    if *n == 0.0 {
        (*n, *mean, *m2) = (n_b, mean_b, m2_b);
        return;
    }
    let total = *n + n_b;
    let delta = mean_b - *mean;
    *m2 += m2_b + delta * delta * (*n * n_b / total);
    *mean += delta * (n_b / total);
    *n = total;
}

fn moments<F: Float>(x: ArrayView2<'_, F>, w: Option<ArrayView1<'_, F>>) -> Result<Moments, Error> {
    let d = x.ncols();
    let w: Option<Vec<f64>> = w.map(|w| w.iter().map(|v| v.as_f64()).collect());
    let weight = |i: usize| w.as_ref().map_or(1.0, |w| w[i]);
    // Accumulators: count, mean, m2, number of infinite values.
    let acc = reduce_rows(
        x,
        4 * d,
        0.0,
        |rows, start, acc| {
            let mut scratch = vec![0.0; 4 * d];
            for (b, block) in rows.chunks(BLOCK_ROWS * d).enumerate() {
                let first = start + b * BLOCK_ROWS;
                scratch.iter_mut().for_each(|v| *v = 0.0);
                let (cnt, rest) = scratch.split_at_mut(d);
                let (sum, rest) = rest.split_at_mut(d);
                let (corr, sq) = rest.split_at_mut(d);
                let inf = &mut acc[3 * d..];
                for (r, row) in block.chunks_exact(d).enumerate() {
                    let wi = weight(first + r);
                    for (((c, s), n), v) in cnt
                        .iter_mut()
                        .zip(sum.iter_mut())
                        .zip(inf.iter_mut())
                        .zip(row)
                    {
                        let v = v.as_f64();
                        let present = !v.is_nan();
                        *c += if present { wi } else { 0.0 };
                        *s += if present { wi * v } else { 0.0 };
                        *n += if v.is_infinite() { 1.0 } else { 0.0 };
                    }
                }
                sum.iter_mut().zip(cnt.iter()).for_each(|(s, c)| *s /= c); // now the mean
                for (r, row) in block.chunks_exact(d).enumerate() {
                    let wi = weight(first + r);
                    for (((c, q), v), m) in
                        corr.iter_mut().zip(sq.iter_mut()).zip(row).zip(sum.iter())
                    {
                        let t = v.as_f64() - m;
                        let present = !t.is_nan();
                        *c += if present { wi * t } else { 0.0 };
                        *q += if present { wi * t * t } else { 0.0 };
                    }
                }
                let (count, rest) = acc.split_at_mut(d);
                let (mean, rest) = rest.split_at_mut(d);
                let m2 = &mut rest[..d];
                for j in 0..d {
                    let m2_b = sq[j] - corr[j] * corr[j] / cnt[j];
                    merge(
                        &mut count[j],
                        &mut mean[j],
                        &mut m2[j],
                        cnt[j],
                        sum[j],
                        m2_b,
                    );
                }
            }
        },
        |total, part| {
            let (count, rest) = total.split_at_mut(d);
            let (mean, rest) = rest.split_at_mut(d);
            let (m2, inf) = rest.split_at_mut(d);
            for j in 0..d {
                merge(
                    &mut count[j],
                    &mut mean[j],
                    &mut m2[j],
                    part[j],
                    part[d + j],
                    part[2 * d + j],
                );
                inf[j] += part[3 * d + j];
            }
        },
    )?;
    if acc[3 * d..].iter().any(|&n| n > 0.0) {
        check::records_allow_nan(x, "StandardScaler records")?;
    }
    let nan_if_empty = |j: usize, v: f64| if acc[j] == 0.0 { f64::NAN } else { v };
    Ok(Moments {
        count: acc[..d].to_vec(),
        mean: (0..d).map(|j| nan_if_empty(j, acc[d + j])).collect(),
        m2: (0..d).map(|j| nan_if_empty(j, acc[2 * d + j])).collect(),
    })
}

/// scikit-learn's `_is_constant_feature` then `_handle_zeros_in_scale`.
fn scale_of(var: f64, mean: f64, n: f64) -> f64 {
    let eps = f64::EPSILON;
    let bound = n * eps * var + (n * mean * eps).powi(2);
    if var <= bound { 1.0 } else { var.sqrt() }
}

impl<F: Float> StandardScalerModel<F> {
    fn empty(params: &StandardScaler, d: usize) -> Self {
        StandardScalerModel {
            with_mean: params.with_mean,
            with_std: params.with_std,
            mean: Array1::zeros(d),
            var: Array1::zeros(d),
            scale: Array1::ones(d),
            n_samples_seen: Array1::zeros(d),
        }
    }

    /// Adds one batch to the statistics (scikit-learn's
    /// `_incremental_mean_and_var`). A column with no observed value in the
    /// batch keeps its statistics.
    fn update(&mut self, data: DatasetView<'_, F, impl Sized>) -> Result<(), Error> {
        let m = moments(data.records(), data.weights())?;
        let d = self.mean.len();
        let (mut mean, mut var, mut seen) = (
            self.mean.clone(),
            self.var.clone(),
            self.n_samples_seen.clone(),
        );
        for j in 0..d {
            let (n0, mean0, var0) = (seen[j].as_f64(), mean[j].as_f64(), var[j].as_f64());
            let (n, mu, v) = if n0 == 0.0 {
                (m.count[j], m.mean[j], m.m2[j] / m.count[j])
            } else {
                let (mut n, mut mu, mut m2) = (n0, mean0, var0 * n0);
                merge(&mut n, &mut mu, &mut m2, m.count[j], m.mean[j], m.m2[j]);
                (n, mu, m2 / n)
            };
            seen[j] = F::cast(n);
            mean[j] = F::cast(mu);
            var[j] = F::cast(v);
        }
        self.scale = Array1::from_iter((0..d).map(|j| {
            F::cast(scale_of(
                var[j].as_f64(),
                mean[j].as_f64(),
                seen[j].as_f64(),
            ))
        }));
        self.mean = mean;
        self.var = var;
        self.n_samples_seen = seen;
        Ok(())
    }

    /// The per-feature mean (`None` when neither centering nor scaling, as
    /// scikit-learn's `mean_`).
    pub fn mean(&self) -> Option<&Array1<F>> {
        (self.with_mean || self.with_std).then_some(&self.mean)
    }

    /// The per-feature population variance (`None` without `with_std`).
    pub fn var(&self) -> Option<&Array1<F>> {
        self.with_std.then_some(&self.var)
    }

    /// The per-feature divisor: the standard deviation, 1 for constant
    /// columns (`None` without `with_std`).
    pub fn scale(&self) -> Option<&Array1<F>> {
        self.with_std.then_some(&self.scale)
    }

    /// The (weighted) number of observed values per feature.
    pub fn n_samples_seen(&self) -> &Array1<F> {
        &self.n_samples_seen
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(Array1<F>, Array1<F>), Error> {
        let d = self.mean.len();
        check_lengths(
            "StandardScalerModel",
            d,
            &[
                ("var", self.var.view()),
                ("scale", self.scale.view()),
                ("n_samples_seen", self.n_samples_seen.view()),
            ],
        )?;
        check::n_features(x, d)?;
        let offset = if self.with_mean {
            self.mean.clone()
        } else {
            Array1::zeros(d)
        };
        let scale = if self.with_std {
            self.scale.clone()
        } else {
            Array1::ones(d)
        };
        Ok((offset, scale))
    }
}

impl<F: Float, T> Fit<F, T> for StandardScaler {
    type Model = StandardScalerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        // Infinity is checked during the first pass over the data.
        check::non_empty(data.records(), "StandardScaler training records")?;
        let mut model = StandardScalerModel::empty(self, data.n_features());
        model.update(data)?;
        Ok(model)
    }
}

impl<F: Float, T> PartialFit<F, T> for StandardScalerModel<F> {
    type Error = PreprocessingError;

    fn partial_fit(&mut self, data: DatasetView<'_, F, T>) -> Result<(), PreprocessingError> {
        check::non_empty(data.records(), "StandardScaler batch")?;
        check::n_features(data.records(), self.mean.len())?;
        self.update(data)?;
        Ok(())
    }
}

impl<F: Float> Transform<F> for StandardScalerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        let (offset, scale) = self.check(x)?;
        check::non_empty(x, "StandardScaler input")?;
        let infinite = AtomicBool::new(false);
        let out = Zip::from(x)
            .and_broadcast(&offset)
            .and_broadcast(&scale)
            .par_map_collect(|&v, &m, &s| {
                if v.is_infinite() {
                    infinite.store(true, Ordering::Relaxed);
                }
                (v - m) / s
            });
        if infinite.load(Ordering::Relaxed) {
            check::records_allow_nan(x, "StandardScaler input")?;
        }
        Ok(out)
    }

    fn n_features_in(&self) -> usize {
        self.mean.len()
    }
}

impl<F: Float> InverseTransform<F> for StandardScalerModel<F> {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        let (offset, scale) = self.check(x)?;
        let (offset, scale) = (offset.to_vec(), scale.to_vec());
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (((o, v), m), s) in out.iter_mut().zip(row).zip(&offset).zip(&scale) {
                *o = *v * *s + *m;
            }
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn merge_matches_two_pass_statistics() {
        let values = [1.0, 4.0, 2.0, 8.0, 5.0, 7.0];
        let (mut n, mut mean, mut m2) = (0.0, 0.0, 0.0);
        for part in values.chunks(2) {
            let nb = part.len() as f64;
            let mb = part.iter().sum::<f64>() / nb;
            let m2b = part.iter().map(|v| (v - mb).powi(2)).sum::<f64>();
            merge(&mut n, &mut mean, &mut m2, nb, mb, m2b);
        }
        let exact_mean = values.iter().sum::<f64>() / 6.0;
        let exact_m2 = values.iter().map(|v| (v - exact_mean).powi(2)).sum::<f64>();
        assert!((mean - exact_mean).abs() < 1e-12);
        assert!((m2 - exact_m2).abs() < 1e-12);
        // An empty part changes nothing.
        merge(&mut n, &mut mean, &mut m2, 0.0, f64::NAN, f64::NAN);
        assert_eq!(n, 6.0);
    }

    #[test]
    fn moments_ignore_nan_and_weight_rows() {
        let x = array![[1.0, f64::NAN], [3.0, 2.0], [5.0, 4.0]];
        let w = array![1.0, 1.0, 2.0];
        let m = moments(x.view(), Some(w.view())).unwrap();
        assert_eq!(m.count, vec![4.0, 3.0]);
        assert!((m.mean[0] - 3.5).abs() < 1e-12);
        assert!((m.mean[1] - 10.0 / 3.0).abs() < 1e-12);
        // Sum of w (x - mean)^2 for column 0: 6.25 + 0.25 + 2 * 2.25.
        assert!((m.m2[0] - 11.0).abs() < 1e-12);
    }

    #[test]
    fn constant_feature_detection() {
        assert_eq!(scale_of(0.0, 5.0, 10.0), 1.0);
        assert_eq!(scale_of(4.0, 5.0, 10.0), 2.0);
        // Rounding noise around a large constant is still constant.
        assert_eq!(scale_of(1e-20, 1e6, 100.0), 1.0);
    }
}
