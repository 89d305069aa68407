//! Train/test splits and the k-fold cross-validation splitters.

use std::collections::BTreeMap;

use rand::seq::SliceRandom;

use crate::dataset::{Dataset, DatasetView};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::params::Params;
use crate::random::{DEFAULT_SEED, permutation, rng_from_seed};

/// The training and test sample indices of one cross-validation split, each
/// sorted in increasing order.
pub type SplitIndices = (Vec<usize>, Vec<usize>);

/// A cross-validation strategy: how to cut a dataset into training and test
/// parts, as scikit-learn's `KFold`, `StratifiedKFold`, ...
///
/// `T` is the target type; splitters that ignore the targets (such as
/// [`KFold`]) implement it for every `T`, stratified ones for `T: Ord`.
pub trait CrossValidator<T> {
    /// The number of splits [`split`](Self::split) returns.
    fn n_splits(&self) -> usize;

    /// The `(train, test)` indices of each split, in split order. Both index
    /// lists are sorted; every sample belongs to exactly one test part.
    ///
    /// # Errors
    /// [`Error::EmptyData`] for an empty dataset, [`Error::InvalidParameter`]
    /// when the splitter's parameters do not fit the data (for example more
    /// splits than samples).
    fn split<F: Float>(&self, data: DatasetView<'_, F, T>) -> Result<Vec<SplitIndices>>;
}

/// Checks `test_size` and returns the number of test samples among `n`:
/// `ceil(test_size * n)`, as scikit-learn rounds it.
fn n_test_samples(n: usize, test_size: f64) -> Result<usize> {
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(Error::invalid_parameter(
            "test_size",
            "a fraction in (0, 1)",
            test_size,
        ));
    }
    if n == 0 {
        return Err(Error::empty("cannot split a dataset with no samples"));
    }
    let n_test = (test_size * n as f64).ceil() as usize;
    if n_test >= n {
        return Err(Error::InvalidInput(format!(
            "test_size = {test_size} on {n} samples leaves {n_test} test and {} training samples; \
             both parts need at least one sample",
            n - n_test
        )));
    }
    Ok(n_test)
}

/// Splits `data` into owned `(train, test)` datasets, as scikit-learn's
/// `train_test_split(..., stratify=None)`.
///
/// The test part holds `ceil(test_size * n)` samples. Without `shuffle` it is
/// the last samples, in order; with `shuffle` the samples are drawn by a
/// permutation seeded with `seed` (the permutation differs from
/// scikit-learn's, whose random generator is different). For a split that
/// keeps class proportions use [`train_test_split_stratified`].
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::Dataset;
/// use oxlearn::model_selection::train_test_split;
///
/// let data = Dataset::new(Array2::<f64>::zeros((10, 2)), Array1::range(0.0, 10.0, 1.0))?;
/// let (train, test) = train_test_split(data.view(), 0.25, false, 0)?;
/// assert_eq!((train.n_samples(), test.n_samples()), (7, 3));
/// assert_eq!(test.targets().to_vec(), vec![7.0, 8.0, 9.0]);
///
/// let (a, _) = train_test_split(data.view(), 0.25, true, 42)?;
/// let (b, _) = train_test_split(data.view(), 0.25, true, 42)?;
/// assert_eq!(a, b); // same seed, same split
/// assert!(train_test_split(data.view(), 1.5, true, 42).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] when `test_size` is outside (0, 1),
/// [`Error::EmptyData`] for no samples, [`Error::InvalidInput`] when a part
/// would be empty.
pub fn train_test_split<F: Float, T: Clone>(
    data: DatasetView<'_, F, T>,
    test_size: f64,
    shuffle: bool,
    seed: u64,
) -> Result<(Dataset<F, T>, Dataset<F, T>)> {
    let n = data.n_samples();
    let n_test = n_test_samples(n, test_size)?;
    if shuffle {
        let perm = permutation(n, seed);
        let (test, train) = perm.split_at(n_test);
        Ok((data.select(train)?, data.select(test)?))
    } else {
        let (train, test) = data.split_at(n - n_test)?;
        Ok((train.to_owned(), test.to_owned()))
    }
}

/// Splits `data` into owned `(train, test)` datasets that keep each class's
/// share of the samples, as scikit-learn's
/// `train_test_split(..., stratify=y, shuffle=True)`.
///
/// Stratified splits are always shuffled (scikit-learn rejects
/// `shuffle=False` with `stratify`). Each class contributes to the test part
/// in proportion to its size, remainders going to the classes with the
/// largest fractional parts.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::Dataset;
/// use oxlearn::model_selection::train_test_split_stratified;
///
/// let y: Array1<u8> = (0..40).map(|i| u8::from(i % 4 == 0)).collect(); // 10 ones
/// let data = Dataset::new(Array2::<f64>::zeros((40, 1)), y)?;
/// let (train, test) = train_test_split_stratified(data.view(), 0.2, 7)?;
/// assert_eq!(test.n_samples(), 8);
/// assert_eq!(test.targets().iter().filter(|&&c| c == 1).count(), 2);
/// assert_eq!(train.targets().iter().filter(|&&c| c == 1).count(), 8);
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// As [`train_test_split`]; also [`Error::TooFewSamples`] when a class has a
/// single sample, and [`Error::InvalidInput`] when a part would be smaller
/// than the number of classes.
pub fn train_test_split_stratified<F: Float, T: Ord + Clone>(
    data: DatasetView<'_, F, T>,
    test_size: f64,
    seed: u64,
) -> Result<(Dataset<F, T>, Dataset<F, T>)> {
    n_test_samples(data.n_samples(), test_size)?;
    data.stratified_split(test_size, seed)
}

/// Checks `n_splits` against the number of samples.
fn check_n_splits(n_splits: usize, n_samples: usize) -> Result<()> {
    if n_samples == 0 {
        return Err(Error::empty(
            "cannot cross-validate a dataset with no samples",
        ));
    }
    if n_splits < 2 {
        return Err(Error::invalid_parameter("n_splits", "at least 2", n_splits));
    }
    if n_splits > n_samples {
        return Err(Error::invalid_parameter(
            "n_splits",
            format!("at most the number of samples ({n_samples})"),
            n_splits,
        ));
    }
    Ok(())
}

/// The `(train, test)` indices of each fold, given each sample's test fold.
fn splits_from_assignment(test_fold: &[usize], n_splits: usize) -> Vec<SplitIndices> {
    (0..n_splits)
        .map(|k| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..test_fold.len()).partition(|&i| test_fold[i] == k);
            (train, test)
        })
        .collect()
}

/// K-fold cross-validation, as scikit-learn's `KFold`.
///
/// Splits the samples into `n_splits` consecutive folds (the first
/// `n % n_splits` folds one sample larger); each fold is the test part once
/// while the others train. With `shuffle`, the samples are permuted first by a
/// permutation seeded with `seed`. Without shuffling the folds are exactly
/// scikit-learn's; shuffled folds differ from scikit-learn's because the random
/// generator differs, but are reproducible from the seed.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::DatasetView;
/// use oxlearn::model_selection::{CrossValidator, KFold};
///
/// let x = Array2::<f64>::zeros((5, 1));
/// let y = Array1::<f64>::zeros(5);
/// let data = DatasetView::new(x.view(), y.view())?;
/// let splits = KFold::new(2).split(data)?;
/// assert_eq!(splits[0], (vec![3, 4], vec![0, 1, 2]));
/// assert_eq!(splits[1], (vec![0, 1, 2], vec![3, 4]));
///
/// let shuffled = KFold::new(2).shuffle(true).seed(3).split(data)?;
/// assert_eq!(shuffled, KFold::new(2).shuffle(true).seed(3).split(data)?);
/// assert!(KFold::new(6).split(data).is_err()); // more folds than samples
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KFold {
    /// Number of folds, at least 2 and at most the number of samples. Default 5.
    pub n_splits: usize,
    /// Whether to permute the samples before cutting the folds. Default `false`.
    pub shuffle: bool,
    /// Seed of the permutation when `shuffle` is set. Default 42.
    pub seed: u64,
}

impl Default for KFold {
    fn default() -> Self {
        KFold {
            n_splits: 5,
            shuffle: false,
            seed: DEFAULT_SEED,
        }
    }
}

impl KFold {
    /// `n_splits` folds, not shuffled.
    pub fn new(n_splits: usize) -> Self {
        KFold {
            n_splits,
            ..KFold::default()
        }
    }

    /// Sets whether to shuffle before splitting.
    #[must_use]
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// Sets the seed of the shuffle.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The test fold of each of `n_samples` samples.
    fn test_folds(&self, n_samples: usize) -> Result<Vec<usize>> {
        check_n_splits(self.n_splits, n_samples)?;
        let order: Vec<usize> = if self.shuffle {
            permutation(n_samples, self.seed)
        } else {
            (0..n_samples).collect()
        };
        let (k, n) = (self.n_splits, n_samples);
        let mut test_fold = vec![0; n];
        let mut start = 0;
        for fold in 0..k {
            let end = start + n / k + usize::from(fold < n % k);
            for &i in &order[start..end] {
                test_fold[i] = fold;
            }
            start = end;
        }
        Ok(test_fold)
    }
}

impl Params for KFold {
    fn validate(&self) -> Result<()> {
        crate::params::check_at_least("n_splits", self.n_splits, 2)
    }
}

impl<T> CrossValidator<T> for KFold {
    fn n_splits(&self) -> usize {
        self.n_splits
    }

    fn split<F: Float>(&self, data: DatasetView<'_, F, T>) -> Result<Vec<SplitIndices>> {
        let folds = self.test_folds(data.n_samples())?;
        Ok(splits_from_assignment(&folds, self.n_splits))
    }
}

/// Stratified k-fold cross-validation, as scikit-learn's `StratifiedKFold`
/// (version 0.24 and later): each test fold keeps the class proportions of
/// the whole dataset to within one sample per class.
///
/// The algorithm is scikit-learn's: classes are numbered by first appearance,
/// the samples sorted by class are dealt round-robin to the folds to fix how
/// many of each class each fold gets, and each class's samples, in their
/// original order, fill the folds in fold order. Without shuffling the folds
/// match scikit-learn's exactly; with `shuffle` the fold order within each
/// class is permuted by a generator seeded with `seed` (reproducible, but not
/// scikit-learn's permutation).
///
/// Like scikit-learn it fails only when *every* class has fewer members than
/// `n_splits`; when just some classes are smaller (scikit-learn warns) those
/// classes are missing from some test folds.
///
/// ```
/// use ndarray::{Array2, array};
/// use oxlearn::DatasetView;
/// use oxlearn::model_selection::{CrossValidator, StratifiedKFold};
///
/// let x = Array2::<f64>::zeros((6, 1));
/// let y = array![0, 0, 0, 0, 1, 1];
/// let data = DatasetView::new(x.view(), y.view())?;
/// let splits = StratifiedKFold::new(2).split(data)?;
/// assert_eq!(splits[0].1, vec![0, 1, 4]);
/// assert_eq!(splits[1].1, vec![2, 3, 5]);
/// assert!(StratifiedKFold::new(5).split(data).is_err()); // no class has 5 members
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StratifiedKFold {
    /// Number of folds, at least 2, at most the number of samples and at most
    /// the size of the largest class. Default 5.
    pub n_splits: usize,
    /// Whether to shuffle each class's samples among the folds. Default `false`.
    pub shuffle: bool,
    /// Seed of the shuffle. Default 42.
    pub seed: u64,
}

impl Default for StratifiedKFold {
    fn default() -> Self {
        StratifiedKFold {
            n_splits: 5,
            shuffle: false,
            seed: DEFAULT_SEED,
        }
    }
}

impl StratifiedKFold {
    /// `n_splits` folds, not shuffled.
    pub fn new(n_splits: usize) -> Self {
        StratifiedKFold {
            n_splits,
            ..StratifiedKFold::default()
        }
    }

    /// Sets whether to shuffle.
    #[must_use]
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// Sets the seed of the shuffle.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The test fold of each sample of `labels` (scikit-learn's `_make_test_folds`).
    fn test_folds<T: Ord>(&self, labels: impl ExactSizeIterator<Item = T>) -> Result<Vec<usize>> {
        let n = labels.len();
        let k = self.n_splits;
        check_n_splits(k, n)?;
        // Classes numbered by order of first appearance.
        let mut codes: BTreeMap<T, usize> = BTreeMap::new();
        let encoded: Vec<usize> = labels
            .map(|t| {
                let next = codes.len();
                *codes.entry(t).or_insert(next)
            })
            .collect();
        let n_classes = codes.len();
        let mut counts = vec![0usize; n_classes];
        for &c in &encoded {
            counts[c] += 1;
        }
        let largest = counts.iter().copied().max().unwrap_or(0);
        if largest < k {
            return Err(Error::invalid_parameter(
                "n_splits",
                format!("at most the number of members of the largest class ({largest})"),
                k,
            ));
        }
        // Round-robin over the samples sorted by class: position p goes to fold p % k.
        let mut rng = rng_from_seed(self.seed);
        let mut folds_of_class: Vec<std::vec::IntoIter<usize>> = Vec::with_capacity(n_classes);
        let mut offset = 0;
        for &count in &counts {
            let mut allocation = vec![0usize; k];
            for p in offset..offset + count {
                allocation[p % k] += 1;
            }
            let mut folds: Vec<usize> = allocation
                .iter()
                .enumerate()
                .flat_map(|(fold, &m)| std::iter::repeat_n(fold, m))
                .collect();
            if self.shuffle {
                folds.shuffle(&mut rng);
            }
            folds_of_class.push(folds.into_iter());
            offset += count;
        }
        Ok(encoded
            .iter()
            .map(|&c| folds_of_class[c].next().unwrap_or(0))
            .collect())
    }
}

impl Params for StratifiedKFold {
    fn validate(&self) -> Result<()> {
        crate::params::check_at_least("n_splits", self.n_splits, 2)
    }
}

impl<T: Ord> CrossValidator<T> for StratifiedKFold {
    fn n_splits(&self) -> usize {
        self.n_splits
    }

    fn split<F: Float>(&self, data: DatasetView<'_, F, T>) -> Result<Vec<SplitIndices>> {
        let targets = data.targets();
        let folds = self.test_folds(targets.iter())?;
        Ok(splits_from_assignment(&folds, self.n_splits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_sizes_round_up_and_leave_both_parts() {
        assert_eq!(n_test_samples(10, 0.25).unwrap(), 3);
        assert_eq!(n_test_samples(3, 0.1).unwrap(), 1);
        assert!(n_test_samples(2, 0.9).is_err());
        assert!(n_test_samples(0, 0.5).is_err());
        assert!(n_test_samples(10, f64::NAN).is_err());
    }

    #[test]
    fn kfold_sizes_follow_scikit_learn() {
        let folds = KFold::new(3).test_folds(10).unwrap();
        assert_eq!(folds, vec![0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
        let shuffled = KFold::new(3).shuffle(true).test_folds(10).unwrap();
        let count = |k| shuffled.iter().filter(|&&f| f == k).count();
        assert_eq!((count(0), count(1), count(2)), (4, 3, 3));
    }

    #[test]
    fn stratified_folds_number_classes_by_first_appearance() {
        // Class "b" appears first, so it is dealt first; within each class the
        // samples fill the folds in order.
        let labels = ["b", "a", "b", "a", "b", "a", "a", "a"];
        let folds = StratifiedKFold::new(2).test_folds(labels.iter()).unwrap();
        assert_eq!(folds, vec![0, 0, 0, 0, 1, 1, 1, 1]);
        assert!(StratifiedKFold::new(6).test_folds(labels.iter()).is_err());
        assert!(KFold::new(1).validate().is_err());
        assert!(StratifiedKFold::default().validate().is_ok());
    }
}
