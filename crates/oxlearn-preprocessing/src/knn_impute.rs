//! [`KnnImputer`]: fill missing values (NaN) from the nearest training rows.
//!
//! # Why a brute-force search
//!
//! The distance is scikit-learn's `nan_euclidean`: between rows `x` and `y`,
//! `sqrt(d / p * sum((x_j - y_j)^2))` over the `p` coordinates present in
//! both (NaN when none is). Which coordinates count, and the weight `d / p`,
//! change from pair to pair with the missing-value patterns, so it is not a
//! distance in one fixed space: the bounding-box pruning of a KD-tree (such
//! as `oxlearn-cluster`'s `KdTree`) does not bound it. Every row that needs
//! imputing has a missing value by definition, so an exact fast path for
//! complete rows would never apply either. The search is therefore a brute
//! force over the training rows, in parallel over fixed blocks of query rows
//! (each row is independent, so results do not depend on the number of
//! threads), with distances computed coordinate by coordinate in `f64`.

use ndarray::{Array2, ArrayView2};
use oxlearn::parallel::with_threads;
use oxlearn::params::{Params, check_at_least, check_n_threads};
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};
use rayon::prelude::*;

use crate::error::PreprocessingError;
use crate::impute::ImputedColumns;

/// Query rows per parallel task.
const BLOCK_ROWS: usize = 64;

/// How a [`KnnImputer`] weights its neighbours, as scikit-learn's `weights`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum KnnWeights {
    /// Every neighbour counts the same (the default).
    #[default]
    Uniform,
    /// Each neighbour counts by the inverse of its distance; neighbours at
    /// distance 0, when there are any, take all the weight.
    Distance,
}

/// Replaces each missing value (NaN) with the (weighted) mean of that
/// feature over the `n_neighbors` nearest training rows that have it, as
/// scikit-learn's `sklearn.impute.KNNImputer` (metric `nan_euclidean`).
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `n_neighbors` (default 5, at least 1);
/// - `weights` (default [`KnnWeights::Uniform`]);
/// - `add_indicator` (default `false`): append one 0/1 column per feature
///   that had missing values at fit, named `missingindicator_<name>`;
/// - `keep_empty_features` (default `false`): keep the features with no
///   observed value at fit (filled with 0) instead of dropping them;
/// - `n_threads` (default `None`: rayon's global pool).
///
/// The donors of a feature are the training rows where it is present; the
/// distance is `nan_euclidean` over all features (see the module docs). A
/// row with no observed coordinate in common with any donor gets the
/// feature's training mean. When fewer than `n_neighbors` donors exist, all
/// are used. Ties: scikit-learn takes the neighbours in the order of numpy's
/// `argpartition`, which is unspecified for equal distances; here, donors at
/// equal distance are taken by increasing row index (the results differ only
/// when tied donors at the boundary hold different values). Infinite values
/// are rejected. Sample weights are accepted and not used (scikit-learn's
/// imputer takes none). The training rows are stored in the model.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{KnnImputer, KnnWeights};
///
/// let nan = f64::NAN;
/// let x = array![[1.0, 2.0, nan], [3.0, 4.0, 3.0], [nan, 6.0, 5.0], [8.0, 8.0, 7.0]];
/// let model = KnnImputer::default().n_neighbors(2).fit(Dataset::from_records(x.clone()).view())?;
/// let out = model.transform(x.view())?;
/// assert_eq!(out.row(0).to_vec(), vec![1.0, 2.0, 4.0]);
/// assert_eq!(out[[2, 0]], 5.5);
/// let weighted = KnnImputer::default().n_neighbors(2).weights(KnnWeights::Distance);
/// let out = weighted.fit(Dataset::from_records(x.clone()).view())?.transform(x.view())?;
/// assert!(out[[0, 2]] < 4.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KnnImputer {
    /// Neighbours per imputed value (default 5).
    pub n_neighbors: usize,
    /// Neighbour weighting (default [`KnnWeights::Uniform`]).
    pub weights: KnnWeights,
    /// Append missing-value indicator columns (default `false`).
    pub add_indicator: bool,
    /// Keep columns with no observed value, filled with 0 (default `false`).
    pub keep_empty_features: bool,
    /// Threads for transform (default `None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for KnnImputer {
    fn default() -> Self {
        Self {
            n_neighbors: 5,
            weights: KnnWeights::Uniform,
            add_indicator: false,
            keep_empty_features: false,
            n_threads: None,
        }
    }
}

impl KnnImputer {
    /// Sets `n_neighbors`.
    pub fn n_neighbors(mut self, n_neighbors: usize) -> Self {
        self.n_neighbors = n_neighbors;
        self
    }

    /// Sets `weights`.
    pub fn weights(mut self, weights: KnnWeights) -> Self {
        self.weights = weights;
        self
    }

    /// Sets `add_indicator`.
    pub fn add_indicator(mut self, add_indicator: bool) -> Self {
        self.add_indicator = add_indicator;
        self
    }

    /// Sets `keep_empty_features`.
    pub fn keep_empty_features(mut self, keep: bool) -> Self {
        self.keep_empty_features = keep;
        self
    }

    /// Sets `n_threads`.
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }
}

impl Params for KnnImputer {
    fn validate(&self) -> Result<(), Error> {
        check_at_least("n_neighbors", self.n_neighbors, 1)?;
        check_n_threads(self.n_threads)
    }
}

/// A fitted [`KnnImputer`]: the training rows and what to output.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KnnImputerModel<F> {
    params: KnnImputer,
    /// Training rows, 0 where missing (JSON has no NaN).
    fit_x: Array2<F>,
    /// Where the training rows miss values.
    fit_missing: Array2<bool>,
    /// The mean of each column's observed values (none: no observed value).
    means: Vec<Option<F>>,
    #[cfg_attr(feature = "serde", serde(flatten))]
    columns: ImputedColumns,
}

impl<F: Float, T> Fit<F, T> for KnnImputer {
    type Model = KnnImputerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        let x = data.records();
        check::records_allow_nan(x, "KnnImputer training records")?;
        let (n, d) = x.dim();
        let mut means = vec![None; d];
        let mut missing = vec![false; d];
        for (j, col) in x.columns().into_iter().enumerate() {
            let present: Vec<f64> = col
                .iter()
                .filter(|v| !v.is_nan())
                .map(|v| v.as_f64())
                .collect();
            missing[j] = present.len() < n;
            if !present.is_empty() {
                means[j] = Some(F::cast(present.iter().sum::<f64>() / present.len() as f64));
            }
        }
        let columns = ImputedColumns::new(
            "KnnImputer",
            "set keep_empty_features or add_indicator",
            data.feature_names(),
            |j| self.keep_empty_features || means[j].is_some(),
            self.add_indicator,
            |j| missing[j],
        )?;
        Ok(KnnImputerModel {
            params: *self,
            fit_x: x.mapv(|v| if v.is_nan() { F::zero() } else { v }),
            fit_missing: x.mapv(|v| v.is_nan()),
            means,
            columns,
        })
    }
}

impl<F: Float> KnnImputerModel<F> {
    /// The input columns dropped because they had no observed value at fit.
    pub fn dropped_features(&self) -> Vec<usize> {
        self.columns.dropped()
    }

    /// The input columns that get a missing-value indicator (those with a
    /// missing value at fit; empty without `add_indicator`).
    pub fn indicator_features(&self) -> &[usize] {
        self.columns.indicator()
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        let d = self.means.len();
        if !self.columns.consistent(d)
            || self.fit_x.ncols() != d
            || self.fit_missing.dim() != self.fit_x.dim()
            || self.params.n_neighbors == 0
        {
            return Err(Error::InvalidModel(format!(
                "KnnImputerModel: training rows, column indices or names inconsistent with \
                 {d} features"
            )));
        }
        check::n_features(x, d)
    }

    /// The imputed values of row `q` (f64, NaN marking missing values) in
    /// place: each missing, non-empty column from its donors.
    fn impute_row(
        &self,
        q: &mut [f64],
        fit: &[f64],
        present: &[bool],
        dist: &mut [f64],
        cand: &mut Vec<(f64, usize)>,
    ) {
        let d = q.len();
        let n_fit = dist.len();
        if !q
            .iter()
            .enumerate()
            .any(|(j, v)| v.is_nan() && self.means[j].is_some())
        {
            return;
        }
        for (i, out) in dist.iter_mut().enumerate() {
            let row = &fit[i * d..(i + 1) * d];
            let here = &present[i * d..(i + 1) * d];
            let (mut sum, mut count) = (0.0, 0usize);
            for ((&a, &b), &p) in q.iter().zip(row).zip(here) {
                if p && !a.is_nan() {
                    sum += (a - b) * (a - b);
                    count += 1;
                }
            }
            *out = if count == 0 {
                f64::NAN
            } else {
                (sum * d as f64 / count as f64).sqrt()
            };
        }
        let original = q.to_vec();
        for (j, value) in q.iter_mut().enumerate() {
            let Some(mean) = self.means[j] else {
                continue;
            };
            if !original[j].is_nan() {
                continue;
            }
            cand.clear();
            cand.extend(
                (0..n_fit)
                    .filter(|&i| present[i * d + j])
                    .map(|i| (dist[i], i)),
            );
            if cand.iter().all(|c| c.0.is_nan()) {
                *value = mean.as_f64();
                continue;
            }
            let k = self.params.n_neighbors.min(cand.len());
            // NaN distances last, ties by row index: a total order.
            let order = |a: &(f64, usize), b: &(f64, usize)| {
                a.0.is_nan()
                    .cmp(&b.0.is_nan())
                    .then(a.0.total_cmp(&b.0))
                    .then(a.1.cmp(&b.1))
            };
            if k < cand.len() {
                cand.select_nth_unstable_by(k - 1, order);
            }
            let chosen = &cand[..k];
            let any_zero = chosen.iter().any(|c| c.0 == 0.0);
            let (mut num, mut den) = (0.0, 0.0);
            for &(dist, i) in chosen {
                let w = if dist.is_nan() {
                    0.0
                } else {
                    match self.params.weights {
                        KnnWeights::Uniform => 1.0,
                        KnnWeights::Distance if any_zero => f64::from(u8::from(dist == 0.0)),
                        KnnWeights::Distance => 1.0 / dist,
                    }
                };
                num += w * fit[i * d + j];
                den += w;
            }
            *value = num / den;
        }
    }
}

impl<F: Float> Transform<F> for KnnImputerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::records_allow_nan(x, "KnnImputer input")?;
        let (n, d) = x.dim();
        let n_fit = self.fit_x.nrows();
        let fit: Vec<f64> = self.fit_x.iter().map(|v| v.as_f64()).collect();
        let present: Vec<bool> = self.fit_missing.iter().map(|m| !m).collect();
        let n_out = self.columns.n_out();
        let mut out = vec![F::zero(); n * n_out];
        if n_out > 0 {
            with_threads(self.params.n_threads, || {
                out.par_chunks_mut(BLOCK_ROWS * n_out)
                    .enumerate()
                    .for_each(|(block, chunk)| {
                        let mut dist = vec![0.0; n_fit];
                        let mut cand = Vec::with_capacity(n_fit);
                        let mut q = vec![0.0; d];
                        for (ii, o) in chunk.chunks_exact_mut(n_out).enumerate() {
                            let row = x.row(block * BLOCK_ROWS + ii);
                            for (qv, v) in q.iter_mut().zip(row.iter()) {
                                *qv = v.as_f64();
                            }
                            let flags: Vec<bool> = self
                                .columns
                                .indicator()
                                .iter()
                                .map(|&j| q[j].is_nan())
                                .collect();
                            self.impute_row(&mut q, &fit, &present, &mut dist, &mut cand);
                            let (imputed, ind) = o.split_at_mut(self.columns.kept().len());
                            for (o, &j) in imputed.iter_mut().zip(self.columns.kept()) {
                                // Empty kept columns (keep_empty_features) are 0.
                                *o = if self.means[j].is_some() {
                                    F::cast(q[j])
                                } else {
                                    F::zero()
                                };
                            }
                            for (o, f) in ind.iter_mut().zip(flags) {
                                *o = if f { F::one() } else { F::zero() };
                            }
                        }
                    });
            })?;
        }
        Ok(Array2::from_shape_vec((n, n_out), out)
            .map_err(|e| Error::InvalidInput(e.to_string()))?)
    }

    fn n_features_in(&self) -> usize {
        self.means.len()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        self.columns.names_out(input)
    }
}
