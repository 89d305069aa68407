//! Permutation feature importance: [`permutation_importance`].

use ndarray::{Array1, Array2, ArrayView1, Axis};
use rayon::prelude::*;

use crate::check;
use crate::dataset::DatasetView;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::model_selection::Scorer;
use crate::parallel::with_threads;
use crate::params::{Params, check_at_least, check_n_threads};
use crate::random::{DEFAULT_SEED, derive_seed, permutation};

/// The task index whose seed draws the `max_samples` subsample; feature
/// tasks use their column index, so this one never collides with them.
const SUBSAMPLE_TASK: u64 = u64::MAX;

/// Options of [`permutation_importance`], scikit-learn's keyword arguments.
///
/// - `n_repeats` (default 5, at least 1): how many times each feature is
///   shuffled;
/// - `seed` (default [`DEFAULT_SEED`]): the permutation of feature `j` in
///   repeat `r` depends only on `(seed, j, r)`, so results are the same on
///   any number of threads;
/// - `n_threads` (default `None`, rayon's global pool): threads for the
///   features;
/// - `max_samples` (default `None`, all samples): score on this many samples
///   drawn without replacement (once, from the seed, the same for every
///   feature and repeat); `Some(m)` needs `1 <= m <= n_samples`.
///
/// ```
/// use oxlearn::inspection::PermutationImportance;
/// use oxlearn::params::Params;
///
/// let options = PermutationImportance::default().n_repeats(10).seed(7);
/// assert_eq!((options.n_repeats, options.seed, options.max_samples), (10, 7, None));
/// assert!(options.validate().is_ok());
/// assert!(PermutationImportance::default().n_repeats(0).validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PermutationImportance {
    /// How many times each feature is permuted. Default 5; at least 1.
    pub n_repeats: usize,
    /// Seed of the permutations and of the subsample. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// Threads for the features: `None` (default) uses rayon's global pool.
    pub n_threads: Option<usize>,
    /// Samples to score on, drawn without replacement: `None` (default) for
    /// all of them, else in `1..=n_samples`.
    pub max_samples: Option<usize>,
}

impl Default for PermutationImportance {
    fn default() -> Self {
        PermutationImportance {
            n_repeats: 5,
            seed: DEFAULT_SEED,
            n_threads: None,
            max_samples: None,
        }
    }
}

impl PermutationImportance {
    crate::setters! {
        /// Sets `n_repeats` (at least 1).
        n_repeats: usize,
        /// Sets the seed.
        seed: u64,
        /// Sets the number of threads (`None`: rayon's global pool).
        n_threads: Option<usize>,
        /// Sets `max_samples` (`None`: all samples).
        max_samples: Option<usize>,
    }
}

impl Params for PermutationImportance {
    fn validate(&self) -> Result<()> {
        check_at_least("n_repeats", self.n_repeats, 1)?;
        check_n_threads(self.n_threads)?;
        if let Some(m) = self.max_samples {
            check_at_least("max_samples", m, 1)?;
        }
        Ok(())
    }
}

/// What [`permutation_importance`] returns: scikit-learn's `Bunch`, plus the
/// baseline score.
#[derive(Debug, Clone, PartialEq)]
pub struct PermutationImportanceResult {
    /// The mean importance of each feature over the repeats.
    pub importances_mean: Array1<f64>,
    /// The population standard deviation of each feature's importances over
    /// the repeats (numpy's `std`, `ddof = 0`).
    pub importances_std: Array1<f64>,
    /// The importances, features x repeats: the baseline score minus the
    /// score with that feature permuted.
    pub importances: Array2<f64>,
    /// The score of the model on the unpermuted data (the subsample when
    /// `max_samples` is set).
    pub baseline_score: f64,
}

/// The permutation importance of every feature of a fitted model, as
/// scikit-learn's `sklearn.inspection.permutation_importance` with one scorer.
///
/// The baseline is `scorer`'s score of `model` on `data`; the importance of
/// feature `j` in repeat `r` is the baseline minus the score with column `j`
/// of the records shuffled (targets and weights unchanged). A feature the
/// model does not use gets importance exactly 0; one it relies on, a
/// positive importance; a negative one means that shuffling happened to help.
/// Works for every model: `scorer` is any [`Scorer`], a closure or a named
/// one such as [`R2`](crate::model_selection::R2) or
/// [`Accuracy`](crate::model_selection::Accuracy).
///
/// Features run in parallel; each task copies the records once and shuffles
/// one column in place for each repeat. The permuted data reaches the scorer
/// as a view of the records, targets and weights (the default feature names,
/// as predictions never depend on names). With `max_samples = Some(m)`, `m`
/// samples are drawn once and both the baseline and the permuted scores use
/// them (scikit-learn scores its baseline on all samples, which shifts every
/// importance by the difference of the two baselines).
///
/// ```
/// use ndarray::{Array1, ArrayView2, array};
/// use oxlearn::inspection::{PermutationImportance, permutation_importance};
/// use oxlearn::model_selection::NegMeanSquaredError;
/// use oxlearn::{Dataset, Error, Predict};
///
/// /// Predicts twice the first feature and ignores the second.
/// struct Double;
/// impl Predict<f64> for Double {
///     type Output = Array1<f64>;
///     type Error = Error;
///     fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, Error> {
///         Ok(x.column(0).mapv(|v| 2.0 * v))
///     }
///     fn n_features_in(&self) -> usize {
///         2
///     }
/// }
///
/// let x = array![[0.0, 5.0], [1.0, 3.0], [2.0, 1.0], [3.0, 4.0], [4.0, 2.0]];
/// let data = Dataset::new(x, array![0.0, 2.0, 4.0, 6.0, 8.0])?;
/// let options = PermutationImportance::default().n_repeats(3);
/// let result = permutation_importance(&Double, data.view(), &NegMeanSquaredError, &options)?;
/// assert_eq!(result.baseline_score, 0.0);
/// assert!(result.importances_mean[0] > 0.0);
/// assert_eq!(result.importances.row(1), array![0.0, 0.0, 0.0]);
/// assert_eq!(result.importances.dim(), (2, 3));
/// # Ok::<(), Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] for `n_repeats = 0`, `max_samples` of 0 or
/// more than the number of samples, or `n_threads = Some(0)`;
/// [`Error::EmptyData`] for records without samples or features; the
/// scorer's errors (the first in feature order, so the same on any number of
/// threads).
pub fn permutation_importance<M, F, T, S>(
    model: &M,
    data: DatasetView<'_, F, T>,
    scorer: &S,
    options: &PermutationImportance,
) -> Result<PermutationImportanceResult>
where
    M: Sync,
    F: Float,
    T: Clone + Sync,
    S: Scorer<M, F, T> + ?Sized,
{
    options.validate()?;
    check::non_empty(data.records(), "permutation importance records")?;
    check::allocatable::<f64>(data.n_features(), options.n_repeats, "importances")?;
    let n = data.n_samples();
    match options.max_samples {
        Some(m) if m > n => Err(Error::invalid_parameter(
            "max_samples",
            format!("None or at most the number of samples ({n})"),
            m,
        )),
        Some(m) if m < n => {
            let mut rows = permutation(n, derive_seed(options.seed, SUBSAMPLE_TASK));
            rows.truncate(m);
            rows.sort_unstable();
            let subsample = data.select(&rows)?;
            importances_on(model, subsample.view(), scorer, options)
        }
        _ => importances_on(model, data, scorer, options),
    }
}

/// The importances on exactly the samples of `data`.
fn importances_on<M, F, T, S>(
    model: &M,
    data: DatasetView<'_, F, T>,
    scorer: &S,
    options: &PermutationImportance,
) -> Result<PermutationImportanceResult>
where
    M: Sync,
    F: Float,
    T: Sync,
    S: Scorer<M, F, T> + ?Sized,
{
    let baseline = scorer.score(model, data)?;
    let records = data.records();
    let n_features = records.ncols();
    let per_feature = with_threads(options.n_threads, || {
        (0..n_features)
            .into_par_iter()
            // One copy of the records per rayon job, reused by its features:
            // each feature restores its column before the next one runs, so
            // what a feature sees does not depend on the scheduling.
            .map_init(
                || records.to_owned(),
                |buffer, j| {
                    let scores = permuted_scores(model, data, scorer, buffer, j, options);
                    buffer.column_mut(j).assign(&records.column(j));
                    scores
                },
            )
            .collect::<Vec<_>>()
    })?;
    let scores = per_feature.into_iter().collect::<Result<Vec<_>>>()?;
    let mut importances = Array2::zeros((n_features, options.n_repeats));
    for (mut row, feature_scores) in importances.rows_mut().into_iter().zip(&scores) {
        for (cell, score) in row.iter_mut().zip(feature_scores) {
            *cell = baseline - score;
        }
    }
    Ok(PermutationImportanceResult {
        importances_mean: importances.map_axis(Axis(1), mean),
        importances_std: importances.map_axis(Axis(1), population_std),
        importances,
        baseline_score: baseline,
    })
}

/// The scores of each repeat with column `j` of `buffer` (a copy of the
/// records of `data`) permuted; leaves column `j` permuted.
fn permuted_scores<M, F, T, S>(
    model: &M,
    data: DatasetView<'_, F, T>,
    scorer: &S,
    buffer: &mut Array2<F>,
    j: usize,
    options: &PermutationImportance,
) -> Result<Vec<f64>>
where
    F: Float,
    S: Scorer<M, F, T> + ?Sized,
{
    let (records, targets, weights) = (data.records(), data.targets(), data.weights());
    let source = records.column(j);
    let feature_seed = derive_seed(options.seed, j as u64);
    (0..options.n_repeats)
        .map(|r| {
            let order = permutation(source.len(), derive_seed(feature_seed, r as u64));
            for (cell, &i) in buffer.column_mut(j).iter_mut().zip(&order) {
                *cell = source[i];
            }
            // ndarray views (so dataset views) are invariant in their
            // lifetime: reborrow the targets and weights for the buffer's.
            let permuted = DatasetView::new(buffer.view(), targets.view())?;
            let permuted = match &weights {
                Some(w) => permuted.with_weights(w.view())?,
                None => permuted,
            };
            scorer.score(model, permuted)
        })
        .collect()
}

/// The mean of a non-empty row.
fn mean(values: ArrayView1<'_, f64>) -> f64 {
    values.sum() / values.len() as f64
}

/// The population standard deviation of a non-empty row, as numpy: the
/// square root of the mean squared deviation from the mean.
fn population_std(values: ArrayView1<'_, f64>) -> f64 {
    let m = mean(values);
    (values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / values.len() as f64).sqrt()
}
