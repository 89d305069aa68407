//! Exhaustive hyperparameter search: [`GridSearch`] and [`ParamGrid`].

use std::time::{Duration, Instant};

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use super::cross_val::{FoldData, first_error, fit_and_score, mean, prepare_fold, std_dev};
use super::scoring::Scorer;
use super::split::CrossValidator;
use crate::dataset::DatasetView;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::parallel::with_threads;
use crate::traits::{Fit, Predict, PredictProba};

/// The cartesian product of hyperparameter values, as scikit-learn's
/// `ParameterGrid`, built type-safely: start from a base hyperparameter
/// struct and give, for each varied hyperparameter, its values and how to set
/// one.
///
/// Candidates come out in product order: the first varied hyperparameter
/// changes slowest, the last fastest.
///
/// ```
/// use oxlearn::model_selection::ParamGrid;
///
/// #[derive(Clone, Debug, Default, PartialEq)]
/// struct Params { alpha: f64, depth: usize, fast: bool }
///
/// let grid = ParamGrid::new(Params::default())
///     .param([0.1, 1.0], |p, a| p.alpha = a)
///     .param([2, 4, 8], |p, d| p.depth = d)
///     .build();
/// assert_eq!(grid.len(), 6);
/// assert_eq!(grid[1], Params { alpha: 0.1, depth: 4, fast: false });
/// assert_eq!(grid[3], Params { alpha: 1.0, depth: 2, fast: false });
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ParamGrid<P> {
    candidates: Vec<P>,
}

impl<P: Clone> ParamGrid<P> {
    /// A grid of the single candidate `base`.
    pub fn new(base: P) -> Self {
        ParamGrid {
            candidates: vec![base],
        }
    }

    /// Multiplies the grid by `values`: every candidate so far is copied once
    /// per value, with `set` applied. An empty `values` empties the grid.
    #[must_use]
    pub fn param<V: Clone>(
        self,
        values: impl IntoIterator<Item = V>,
        set: impl Fn(&mut P, V),
    ) -> Self {
        let values: Vec<V> = values.into_iter().collect();
        let mut candidates = Vec::with_capacity(self.candidates.len() * values.len());
        for base in &self.candidates {
            for v in &values {
                let mut p = base.clone();
                set(&mut p, v.clone());
                candidates.push(p);
            }
        }
        ParamGrid { candidates }
    }

    /// The number of candidates.
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// Whether the grid has no candidates.
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The candidates, in product order.
    pub fn build(self) -> Vec<P> {
        self.candidates
    }
}

/// Exhaustive search over candidate hyperparameters with cross-validation, as
/// scikit-learn's `GridSearchCV` with `error_score="raise"`.
///
/// Every candidate is fitted and scored on every split of `cv`; all
/// (candidate, split) pairs run as one parallel job on `n_threads` threads,
/// with results identical whatever the number of threads. The best candidate
/// has the highest mean test score (the lowest index among ties); with
/// `refit` it is fitted again on all the data. Fitting a `GridSearch`
/// ([`Fit::fit`]) returns a [`GridSearchResult`], which predicts with the
/// refitted best model. Candidates are any hyperparameter structs, a pipeline
/// included; build a grid of them with [`ParamGrid`].
///
/// ```
/// # use ndarray::{Array1, ArrayView2};
/// # use oxlearn::{DatasetView, Error, Predict};
/// /// Predicts `slope * x`, with the slope fixed by the candidate.
/// #[derive(Clone, Debug)]
/// struct Line { slope: f64 }
/// # struct LineModel(f64);
/// # impl oxlearn::Fit<f64, f64> for Line {
/// #     type Model = LineModel;
/// #     type Error = Error;
/// #     fn fit(&self, _: DatasetView<'_, f64, f64>) -> Result<LineModel, Error> {
/// #         Ok(LineModel(self.slope))
/// #     }
/// # }
/// # impl Predict<f64> for LineModel {
/// #     type Output = Array1<f64>;
/// #     type Error = Error;
/// #     fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, Error> {
/// #         oxlearn::check::n_features(x, 1)?;
/// #         Ok(x.column(0).mapv(|v| v * self.0))
/// #     }
/// #     fn n_features_in(&self) -> usize { 1 }
/// # }
/// use ndarray::{Array2, array};
/// use oxlearn::{Dataset, Fit};
/// use oxlearn::model_selection::{GridSearch, KFold, ParamGrid};
///
/// let x = Array2::from_shape_fn((8, 1), |(i, _)| i as f64);
/// let y = x.column(0).mapv(|v| 2.0 * v);
/// let data = Dataset::new(x, y)?;
/// let neg_mse = |m: &LineModel, d: DatasetView<'_, f64, f64>| -> Result<f64, Error> {
///     let err = m.predict(d.records())? - d.targets();
///     Ok(-err.mapv(|e| e * e).mean().unwrap_or(0.0))
/// };
/// let candidates = ParamGrid::new(Line { slope: 0.0 })
///     .param([1.0, 2.0, 3.0], |p, s| p.slope = s)
///     .build();
/// let search = GridSearch::new(candidates, KFold::new(4), neg_mse).n_threads(Some(2));
/// let result = search.fit(data.view())?;
/// assert_eq!(result.best_index(), 1);
/// assert_eq!(result.best_params().slope, 2.0);
/// assert_eq!(result.ranks(), &[2, 1, 2]);
/// assert_eq!(result.predict(array![[10.0]].view())?, array![20.0]);
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct GridSearch<P, C, S> {
    /// The candidate hyperparameters (at least one).
    pub candidates: Vec<P>,
    /// The cross-validation splitter.
    pub cv: C,
    /// The score to maximise (greater is better).
    pub scorer: S,
    /// Whether to fit the best candidate on all the data. Default `true`.
    pub refit: bool,
    /// Threads for the search: `None` (default) uses rayon's global pool.
    pub n_threads: Option<usize>,
    /// Whether to score each fit on its training set too. Default `false`.
    pub return_train_score: bool,
}

impl<P, C, S> GridSearch<P, C, S> {
    /// A search over `candidates` with splitter `cv` and `scorer`; refits the
    /// best candidate, global thread pool, no training scores.
    pub fn new(candidates: Vec<P>, cv: C, scorer: S) -> Self {
        GridSearch {
            candidates,
            cv,
            scorer,
            refit: true,
            n_threads: None,
            return_train_score: false,
        }
    }

    /// Sets whether to refit the best candidate on all the data.
    #[must_use]
    pub fn refit(mut self, refit: bool) -> Self {
        self.refit = refit;
        self
    }

    /// Sets the number of threads (`None`: rayon's global pool).
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }

    /// Sets whether to compute training scores.
    #[must_use]
    pub fn return_train_score(mut self, yes: bool) -> Self {
        self.return_train_score = yes;
        self
    }
}

/// What a [`GridSearch`] found: every candidate's scores (scikit-learn's
/// `cv_results_`), the best candidate and, with `refit`, the best model.
///
/// It predicts (and gives probabilities) with the refitted best model, and
/// returns an error when the search ran with `refit = false`.
#[derive(Debug, Clone)]
pub struct GridSearchResult<P, M> {
    candidates: Vec<P>,
    split_test_scores: Vec<Vec<f64>>,
    split_train_scores: Option<Vec<Vec<f64>>>,
    mean_test_scores: Vec<f64>,
    std_test_scores: Vec<f64>,
    ranks: Vec<usize>,
    mean_fit_times: Vec<Duration>,
    mean_score_times: Vec<Duration>,
    best_index: usize,
    best_params: P,
    best_model: Option<M>,
    refit_time: Option<Duration>,
    n_features_in: usize,
}

impl<P, M> GridSearchResult<P, M> {
    /// The candidates, in the order given.
    pub fn candidates(&self) -> &[P] {
        &self.candidates
    }

    /// Test score of each candidate (outer) on each split (inner).
    pub fn split_test_scores(&self) -> &[Vec<f64>] {
        &self.split_test_scores
    }

    /// Training score of each candidate on each split, when asked for.
    pub fn split_train_scores(&self) -> Option<&[Vec<f64>]> {
        self.split_train_scores.as_deref()
    }

    /// Mean test score of each candidate.
    pub fn mean_test_scores(&self) -> &[f64] {
        &self.mean_test_scores
    }

    /// Population standard deviation of each candidate's test scores.
    pub fn std_test_scores(&self) -> &[f64] {
        &self.std_test_scores
    }

    /// Rank of each candidate by mean test score: 1 is best; tied candidates
    /// share the lowest rank; NaN means rank last (scikit-learn's `rank_test_score`).
    pub fn ranks(&self) -> &[usize] {
        &self.ranks
    }

    /// Mean fit time of each candidate over the splits.
    pub fn mean_fit_times(&self) -> &[Duration] {
        &self.mean_fit_times
    }

    /// Mean time to score each candidate's test parts.
    pub fn mean_score_times(&self) -> &[Duration] {
        &self.mean_score_times
    }

    /// Index of the best candidate (the first of rank 1).
    pub fn best_index(&self) -> usize {
        self.best_index
    }

    /// The best candidate.
    pub fn best_params(&self) -> &P {
        &self.best_params
    }

    /// The best candidate's mean test score.
    pub fn best_score(&self) -> f64 {
        self.mean_test_scores
            .get(self.best_index)
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// The best candidate refitted on all the data (`None` without `refit`).
    pub fn best_model(&self) -> Option<&M> {
        self.best_model.as_ref()
    }

    /// Takes the refitted best model.
    pub fn into_best_model(self) -> Option<M> {
        self.best_model
    }

    /// How long the refit took (`None` without `refit`).
    pub fn refit_time(&self) -> Option<Duration> {
        self.refit_time
    }

    fn model(&self) -> Result<&M> {
        self.best_model.as_ref().ok_or_else(|| {
            Error::InvalidInput(
                "this grid search ran with refit = false, so it has no model to predict with; \
                 set refit to true"
                    .to_string(),
            )
        })
    }
}

/// Ranks as scikit-learn's `rankdata(-scores, method="min")`, NaN last.
fn rank_scores(scores: &[f64]) -> Vec<usize> {
    let key = |s: f64| if s.is_nan() { f64::NEG_INFINITY } else { s };
    scores
        .iter()
        .map(|&s| 1 + scores.iter().filter(|&&o| key(o) > key(s)).count())
        .collect()
}

fn mean_duration(times: &[Duration]) -> Duration {
    let n = u32::try_from(times.len()).unwrap_or(u32::MAX).max(1);
    times.iter().sum::<Duration>() / n
}

impl<P, C, S, F, T> Fit<F, T> for GridSearch<P, C, S>
where
    P: Fit<F, T> + Clone + Send + Sync,
    P::Model: Send,
    F: Float,
    T: Clone + Send + Sync,
    C: CrossValidator<T>,
    S: Scorer<P::Model, F, T>,
{
    type Model = GridSearchResult<P, P::Model>;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
        if self.candidates.is_empty() {
            return Err(Error::invalid_parameter(
                "candidates",
                "at least one candidate",
                "an empty list",
            ));
        }
        let splits = self.cv.split(data)?;
        let n_splits = splits.len();
        let train_score = self.return_train_score;
        let (candidates, scorer) = (&self.candidates, &self.scorer);
        let scores = with_threads(self.n_threads, || -> Result<_> {
            let folds: Vec<FoldData<'_, F, T>> = first_error(
                splits
                    .par_iter()
                    .enumerate()
                    .map(|(i, split)| prepare_fold(data, split, i))
                    .collect(),
            )?;
            let scores = first_error(
                (0..candidates.len() * n_splits)
                    .into_par_iter()
                    .map(|task| {
                        let (c, f) = (task / n_splits, task % n_splits);
                        fit_and_score(&candidates[c], &folds[f], scorer, train_score)
                    })
                    .collect(),
            )?;
            Ok(scores)
        })??;
        let per_candidate: Vec<_> = scores.chunks(n_splits.max(1)).collect();
        let split_test_scores: Vec<Vec<f64>> = per_candidate
            .iter()
            .map(|c| c.iter().map(|s| s.test).collect())
            .collect();
        let split_train_scores = train_score.then(|| {
            per_candidate
                .iter()
                .map(|c| c.iter().map(|s| s.train.unwrap_or(f64::NAN)).collect())
                .collect()
        });
        let mean_test_scores: Vec<f64> = split_test_scores.iter().map(|s| mean(s)).collect();
        let std_test_scores = split_test_scores.iter().map(|s| std_dev(s)).collect();
        let ranks = rank_scores(&mean_test_scores);
        let best_index = ranks.iter().position(|&r| r == 1).unwrap_or(0);
        let best_params = self.candidates[best_index].clone();
        let (best_model, refit_time) = if self.refit {
            let start = Instant::now();
            let model = with_threads(self.n_threads, || best_params.fit(data))?
                .map_err(Error::from_estimator)?;
            (Some(model), Some(start.elapsed()))
        } else {
            (None, None)
        };
        Ok(GridSearchResult {
            mean_fit_times: per_candidate
                .iter()
                .map(|c| mean_duration(&c.iter().map(|s| s.fit_time).collect::<Vec<_>>()))
                .collect(),
            mean_score_times: per_candidate
                .iter()
                .map(|c| mean_duration(&c.iter().map(|s| s.score_time).collect::<Vec<_>>()))
                .collect(),
            candidates: self.candidates.clone(),
            split_test_scores,
            split_train_scores,
            mean_test_scores,
            std_test_scores,
            ranks,
            best_index,
            best_params,
            best_model,
            refit_time,
            n_features_in: data.n_features(),
        })
    }
}

impl<P, M, F> Predict<F> for GridSearchResult<P, M>
where
    F: Float,
    M: Predict<F>,
{
    type Output = M::Output;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<M::Output> {
        self.model()?.predict(x).map_err(Error::from_estimator)
    }

    fn n_features_in(&self) -> usize {
        self.n_features_in
    }
}

impl<P, M, F> PredictProba<F> for GridSearchResult<P, M>
where
    F: Float,
    M: PredictProba<F>,
{
    type Class = M::Class;

    fn classes(&self) -> &[M::Class] {
        self.best_model.as_ref().map_or(&[], |m| m.classes())
    }

    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        self.model()?
            .predict_proba(x)
            .map_err(Error::from_estimator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_scikit_learn() {
        assert_eq!(
            rank_scores(&[0.5, 0.9, 0.9, f64::NAN, 0.1]),
            vec![3, 1, 1, 5, 4]
        );
        assert_eq!(rank_scores(&[f64::NAN, f64::NAN]), vec![1, 1]);
    }

    #[test]
    fn grid_product_order_and_empty_axis() {
        let grid = ParamGrid::new((0, 'a'))
            .param([1, 2], |p, v| p.0 = v)
            .param(['x', 'y'], |p, v| p.1 = v);
        assert_eq!(
            grid.clone().build(),
            vec![(1, 'x'), (1, 'y'), (2, 'x'), (2, 'y')]
        );
        assert!(grid.param(Vec::<u8>::new(), |_, _| ()).is_empty());
    }
}
