//! Cross-validated scores: [`cross_val_score`] and [`cross_validate`].

use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::scoring::Scorer;
use super::split::{CrossValidator, SplitIndices};
use crate::dataset::{Dataset, DatasetView};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::parallel::with_threads;
use crate::traits::Fit;

/// The test part of a fold: a view when its samples are contiguous, a copy
/// otherwise.
pub(crate) enum TestPart<'a, F, T> {
    View(DatasetView<'a, F, T>),
    Owned(Dataset<F, T>),
}

/// One materialised split: an owned training set and the test part.
pub(crate) struct FoldData<'a, F, T> {
    pub(crate) train: Dataset<F, T>,
    test: TestPart<'a, F, T>,
}

impl<F: Float, T> FoldData<'_, F, T> {
    /// Scores `model` on the test part.
    fn score_test<M, S: Scorer<M, F, T> + ?Sized>(&self, scorer: &S, model: &M) -> Result<f64> {
        // `DatasetView` is invariant in its lifetime, so each arm calls the
        // scorer with its own.
        match &self.test {
            TestPart::View(view) => scorer.score(model, *view),
            TestPart::Owned(data) => scorer.score(model, data.view()),
        }
    }
}

/// Copies the training samples of `split` and views (or copies) its test samples.
pub(crate) fn prepare_fold<'a, F: Float, T: Clone>(
    data: DatasetView<'a, F, T>,
    split: &SplitIndices,
    index: usize,
) -> Result<FoldData<'a, F, T>> {
    let (train_idx, test_idx) = split;
    if train_idx.is_empty() || test_idx.is_empty() {
        return Err(Error::InvalidInput(format!(
            "split {index} has {} training and {} test samples; both must be non-empty",
            train_idx.len(),
            test_idx.len()
        )));
    }
    let train = data.select(train_idx)?;
    let contiguous = test_idx.windows(2).all(|w| w[1] == w[0] + 1);
    let test = match (contiguous, test_idx.first(), test_idx.last()) {
        (true, Some(&first), Some(&last)) if last < data.n_samples() => {
            TestPart::View(data.slice(first, last + 1)?)
        }
        _ => TestPart::Owned(data.select(test_idx)?),
    };
    Ok(FoldData { train, test })
}

/// The outcome of fitting and scoring one fold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FoldScore {
    pub(crate) test: f64,
    pub(crate) train: Option<f64>,
    pub(crate) fit_time: Duration,
    pub(crate) score_time: Duration,
}

/// Fits `estimator` on the fold's training set and scores it.
pub(crate) fn fit_and_score<P, F, T, S>(
    estimator: &P,
    fold: &FoldData<'_, F, T>,
    scorer: &S,
    train_score: bool,
) -> Result<FoldScore>
where
    P: Fit<F, T>,
    F: Float,
    S: Scorer<P::Model, F, T> + ?Sized,
{
    let start = Instant::now();
    let model = estimator
        .fit(fold.train.view())
        .map_err(Error::from_estimator)?;
    let fit_time = start.elapsed();
    let start = Instant::now();
    let test = fold.score_test(scorer, &model)?;
    let score_time = start.elapsed();
    let train = if train_score {
        Some(scorer.score(&model, fold.train.view())?)
    } else {
        None
    };
    Ok(FoldScore {
        test,
        train,
        fit_time,
        score_time,
    })
}

/// Collects per-task results in task order, returning the error of the
/// lowest-indexed failing task (deterministic whatever the thread count).
pub(crate) fn first_error<R>(results: Vec<Result<R>>) -> Result<Vec<R>> {
    results.into_iter().collect()
}

/// Options of [`cross_validate`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CrossValidateOptions {
    /// Threads for the folds: `None` (default) uses rayon's global pool.
    pub n_threads: Option<usize>,
    /// Whether to score the model on its training set too. Default `false`.
    pub return_train_score: bool,
}

/// Per-split outcome of [`cross_validate`], in split order.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossValidateResult {
    /// The score on each test part.
    pub test_scores: Vec<f64>,
    /// The score on each training set, when asked for.
    pub train_scores: Option<Vec<f64>>,
    /// The time each fit took.
    pub fit_times: Vec<Duration>,
    /// The time scoring each test part took.
    pub score_times: Vec<Duration>,
}

impl CrossValidateResult {
    /// The mean test score.
    pub fn mean_test_score(&self) -> f64 {
        mean(&self.test_scores)
    }

    /// The (population) standard deviation of the test scores, as numpy's `std`.
    pub fn std_test_score(&self) -> f64 {
        std_dev(&self.test_scores)
    }
}

/// The mean of `values` (NaN when empty).
pub(crate) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The population standard deviation of `values` (NaN when empty).
pub(crate) fn std_dev(values: &[f64]) -> f64 {
    let m = mean(values);
    (values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / values.len() as f64).sqrt()
}

/// Fits and scores `estimator` on each split of `cv`, as scikit-learn's
/// `cross_validate` with `error_score="raise"`.
///
/// Splits run in parallel (on `options.n_threads` threads) and results come
/// back in split order, identical whatever the number of threads (apart from
/// the timings). Training sets are copies; test parts are views when their
/// samples are contiguous (unshuffled [`KFold`](super::KFold)), copies otherwise.
///
/// ```
/// # use ndarray::{Array1, ArrayView2};
/// # use oxlearn::{DatasetView, Error, Fit, Predict};
/// # struct Mean;
/// # struct MeanModel(f64, usize);
/// # impl Fit<f64, f64> for Mean {
/// #     type Model = MeanModel;
/// #     type Error = Error;
/// #     fn fit(&self, d: DatasetView<'_, f64, f64>) -> Result<MeanModel, Error> {
/// #         Ok(MeanModel(d.targets().mean().unwrap_or(0.0), d.n_features()))
/// #     }
/// # }
/// # impl Predict<f64> for MeanModel {
/// #     type Output = Array1<f64>;
/// #     type Error = Error;
/// #     fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, Error> {
/// #         oxlearn::check::n_features(x, self.1)?;
/// #         Ok(Array1::from_elem(x.nrows(), self.0))
/// #     }
/// #     fn n_features_in(&self) -> usize { self.1 }
/// # }
/// use ndarray::array;
/// use oxlearn::Dataset;
/// use oxlearn::model_selection::{CrossValidateOptions, KFold, cross_validate};
///
/// let data = Dataset::new(array![[0.], [1.], [2.], [3.]], array![1.0, 1.0, 3.0, 3.0])?;
/// // Scorer: minus the mean absolute error of the mean predictor.
/// let scorer = |m: &MeanModel, d: DatasetView<'_, f64, f64>| -> Result<f64, Error> {
///     let pred = m.predict(d.records())?;
///     Ok(-(&pred - &d.targets()).mapv(f64::abs).mean().unwrap_or(0.0))
/// };
/// let options = CrossValidateOptions { n_threads: Some(2), return_train_score: true };
/// let result = cross_validate(&Mean, data.view(), &KFold::new(2), &scorer, options)?;
/// assert_eq!(result.test_scores, vec![-2.0, -2.0]);
/// assert_eq!(result.train_scores, Some(vec![0.0, 0.0]));
/// assert_eq!(result.fit_times.len(), 2);
/// # Ok::<(), Error>(())
/// ```
///
/// # Errors
/// The splitter's errors, the first (in split order) error of any fit or
/// score, converted with [`Error::from_estimator`], and
/// [`Error::InvalidParameter`] for `n_threads = Some(0)`.
pub fn cross_validate<P, F, T, C, S>(
    estimator: &P,
    data: DatasetView<'_, F, T>,
    cv: &C,
    scorer: &S,
    options: CrossValidateOptions,
) -> Result<CrossValidateResult>
where
    P: Fit<F, T> + Sync,
    F: Float,
    T: Clone + Send + Sync,
    C: CrossValidator<T>,
    S: Scorer<P::Model, F, T> + ?Sized,
{
    let splits = cv.split(data)?;
    let results = with_threads(options.n_threads, || {
        splits
            .par_iter()
            .enumerate()
            .map(|(i, split)| {
                let fold = prepare_fold(data, split, i)?;
                fit_and_score(estimator, &fold, scorer, options.return_train_score)
            })
            .collect::<Vec<_>>()
    })?;
    let scores = first_error(results)?;
    Ok(CrossValidateResult {
        test_scores: scores.iter().map(|s| s.test).collect(),
        train_scores: options
            .return_train_score
            .then(|| scores.iter().map(|s| s.train.unwrap_or(f64::NAN)).collect()),
        fit_times: scores.iter().map(|s| s.fit_time).collect(),
        score_times: scores.iter().map(|s| s.score_time).collect(),
    })
}

/// The test score of `estimator` on each split of `cv`, as scikit-learn's
/// `cross_val_score`: [`cross_validate`] on rayon's global pool without
/// training scores. Run it inside [`with_threads`] to choose the threads.
///
/// ```
/// # use ndarray::{Array1, ArrayView2};
/// # use oxlearn::{DatasetView, Error, Fit, Predict};
/// /// Predicts the majority class of the training set.
/// struct Majority;
/// # struct MajorityModel(usize, usize);
/// # impl Fit<f64, usize> for Majority {
/// #     type Model = MajorityModel;
/// #     type Error = Error;
/// #     fn fit(&self, d: DatasetView<'_, f64, usize>) -> Result<MajorityModel, Error> {
/// #         let ones = d.targets().iter().filter(|&&c| c == 1).count();
/// #         Ok(MajorityModel(usize::from(2 * ones > d.n_samples()), d.n_features()))
/// #     }
/// # }
/// # impl Predict<f64> for MajorityModel {
/// #     type Output = Array1<usize>;
/// #     type Error = Error;
/// #     fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<usize>, Error> {
/// #         oxlearn::check::n_features(x, self.1)?;
/// #         Ok(Array1::from_elem(x.nrows(), self.0))
/// #     }
/// #     fn n_features_in(&self) -> usize { self.1 }
/// # }
/// use ndarray::{Array2, array};
/// use oxlearn::Dataset;
/// use oxlearn::model_selection::{StratifiedKFold, cross_val_score};
///
/// let data = Dataset::new(Array2::zeros((6, 1)), array![0, 0, 0, 0, 1, 1])?;
/// let accuracy = |m: &MajorityModel, d: DatasetView<'_, f64, usize>| -> Result<f64, Error> {
///     let pred = m.predict(d.records())?;
///     let hits = pred.iter().zip(d.targets()).filter(|(p, t)| p == t).count();
///     Ok(hits as f64 / d.n_samples() as f64)
/// };
/// let scores = cross_val_score(&Majority, data.view(), &StratifiedKFold::new(2), &accuracy)?;
/// assert_eq!(scores, vec![2.0 / 3.0, 2.0 / 3.0]);
/// # Ok::<(), Error>(())
/// ```
///
/// # Errors
/// As [`cross_validate`].
pub fn cross_val_score<P, F, T, C, S>(
    estimator: &P,
    data: DatasetView<'_, F, T>,
    cv: &C,
    scorer: &S,
) -> Result<Vec<f64>>
where
    P: Fit<F, T> + Sync,
    F: Float,
    T: Clone + Send + Sync,
    C: CrossValidator<T>,
    S: Scorer<P::Model, F, T> + ?Sized,
{
    cross_validate(estimator, data, cv, scorer, CrossValidateOptions::default())
        .map(|r| r.test_scores)
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use super::*;

    #[test]
    fn contiguous_test_parts_are_views() {
        let data = Dataset::new(Array2::<f64>::zeros((5, 1)), array![0, 1, 2, 3, 4]).unwrap();
        let fold = prepare_fold(data.view(), &(vec![0, 1, 4], vec![2, 3]), 0).unwrap();
        assert!(matches!(fold.test, TestPart::View(_)));
        assert_eq!(fold.train.targets().to_vec(), vec![0, 1, 4]);
        let fold = prepare_fold(data.view(), &(vec![1, 2, 3], vec![0, 4]), 0).unwrap();
        match &fold.test {
            TestPart::Owned(d) => assert_eq!(d.targets().to_vec(), vec![0, 4]),
            TestPart::View(_) => panic!("a gap needs a copy"),
        }
        assert!(prepare_fold(data.view(), &(vec![0], vec![]), 3).is_err());
        assert!(prepare_fold(data.view(), &(vec![0], vec![7]), 3).is_err());
    }

    #[test]
    fn mean_and_population_std() {
        assert_eq!(mean(&[1.0, 2.0, 3.0]), 2.0);
        assert_eq!(std_dev(&[1.0, 3.0]), 1.0);
        assert!(mean(&[]).is_nan());
    }
}
