//! Shuffling, ratio splits, stratified splits and k folds.

use std::collections::BTreeMap;

use super::{Dataset, DatasetView};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::random::{permutation, rng_from_seed};
use rand::seq::SliceRandom;

/// One fold of a k-fold split: an owned training set and a borrowed validation
/// block (contiguous, so it needs no copy).
#[derive(Debug, Clone)]
pub struct Fold<'a, F, T> {
    /// The samples outside the fold.
    pub train: Dataset<F, T>,
    /// The fold itself.
    pub validation: DatasetView<'a, F, T>,
}

/// The sizes of `k` contiguous folds of `n` samples as scikit-learn's `KFold`
/// makes them: the first `n % k` folds get one extra sample.
///
/// # Errors
/// [`Error::InvalidParameter`] when `k < 2` or `k > n`.
pub fn fold_sizes(n: usize, k: usize) -> Result<Vec<usize>> {
    if k < 2 {
        return Err(Error::invalid_parameter("n_splits", "at least 2", k));
    }
    if k > n {
        return Err(Error::invalid_parameter(
            "n_splits",
            format!("at most the number of samples ({n})"),
            k,
        ));
    }
    Ok((0..k).map(|i| n / k + usize::from(i < n % k)).collect())
}

/// Number of test samples for a `test_ratio` split of `n` samples, rounded up
/// as scikit-learn does, and checked to leave both parts non-empty.
pub(crate) fn n_test_samples(n: usize, test_ratio: f64) -> Result<usize> {
    if !(test_ratio > 0.0 && test_ratio < 1.0) {
        return Err(Error::invalid_parameter(
            "test_ratio",
            "a value in (0, 1)",
            test_ratio,
        ));
    }
    let n_test = (test_ratio * n as f64).ceil() as usize;
    if n_test == 0 || n_test >= n {
        return Err(Error::InvalidInput(format!(
            "a test ratio of {test_ratio} on {n} samples leaves {n_test} test and {} training samples; both must be at least 1",
            n.saturating_sub(n_test)
        )));
    }
    Ok(n_test)
}

impl<'a, F: Float, T> DatasetView<'a, F, T> {
    /// Splits into a training part (the first `1 - test_ratio` of the samples)
    /// and a test part, without copying or shuffling.
    ///
    /// # Errors
    /// When `test_ratio` is outside (0, 1) or leaves a part empty.
    pub fn split_ratio(self, test_ratio: f64) -> Result<(Self, Self)> {
        let n_test = n_test_samples(self.n_samples(), test_ratio)?;
        self.split_at(self.n_samples() - n_test)
    }
}

impl<'a, F: Float, T: Clone> DatasetView<'a, F, T> {
    /// A copy with the samples in a random order determined by `seed`.
    pub fn shuffle(&self, seed: u64) -> Dataset<F, T> {
        let idx = permutation(self.n_samples(), seed);
        Dataset {
            records: self.records.select(ndarray::Axis(0), &idx),
            targets: idx.iter().map(|&i| self.targets[i].clone()).collect(),
            weights: self.weights.map(|w| w.select(ndarray::Axis(0), &idx)),
            feature_names: self.feature_names(),
            target_names: self.target_names.to_vec(),
            categories: self.categories(),
        }
    }

    /// `k` folds of contiguous samples (shuffle first for a random partition):
    /// each validation fold is a view, each training set a copy of the rest.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `k < 2` or `k` exceeds the number of samples.
    pub fn folds(&self, k: usize) -> Result<Vec<Fold<'a, F, T>>> {
        let n = self.n_samples();
        let sizes = fold_sizes(n, k)?;
        let mut start = 0;
        let mut folds = Vec::with_capacity(k);
        for size in sizes {
            let end = start + size;
            let train_idx: Vec<usize> = (0..start).chain(end..n).collect();
            folds.push(Fold {
                train: self.select(&train_idx)?,
                validation: self.slice(start, end)?,
            });
            start = end;
        }
        Ok(folds)
    }
}

impl<F: Float, T: Ord + Clone> DatasetView<'_, F, T> {
    /// A random split that keeps each class's share in both parts, as
    /// scikit-learn's `StratifiedShuffleSplit`: returns `(train, test)`.
    ///
    /// # Errors
    /// When `test_ratio` is outside (0, 1), or a part would be empty, or the
    /// test part is smaller than the number of classes.
    pub fn stratified_split(
        &self,
        test_ratio: f64,
        seed: u64,
    ) -> Result<(Dataset<F, T>, Dataset<F, T>)> {
        let labels: Vec<&T> = self.targets.iter().collect();
        let (train, test) = stratified_indices(&labels, test_ratio, seed)?;
        Ok((self.select(&train)?, self.select(&test)?))
    }
}

impl<F: Float, T: Clone> Dataset<F, T> {
    /// A copy with the samples in a random order determined by `seed`.
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::Dataset;
    ///
    /// let data = Dataset::new(array![[1.0], [2.0], [3.0]], array![1, 2, 3])?;
    /// let shuffled = data.shuffle(7);
    /// assert_eq!(shuffled.targets().sum(), 6);
    /// assert_eq!(shuffled, data.shuffle(7));
    /// # Ok::<(), oxlearn::Error>(())
    /// ```
    pub fn shuffle(&self, seed: u64) -> Dataset<F, T> {
        self.view().shuffle(seed)
    }

    /// `k` contiguous folds; see [`DatasetView::folds`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `k < 2` or `k` exceeds the number of samples.
    pub fn folds(&self, k: usize) -> Result<Vec<Fold<'_, F, T>>> {
        self.view().folds(k)
    }
}

impl<F: Float, T: Ord + Clone> Dataset<F, T> {
    /// A stratified random split into `(train, test)`; see
    /// [`DatasetView::stratified_split`].
    ///
    /// ```
    /// use ndarray::{Array1, Array2};
    /// use oxlearn::Dataset;
    ///
    /// let y: Array1<u8> = (0..100).map(|i| u8::from(i % 4 == 0)).collect();
    /// let data = Dataset::new(Array2::<f64>::zeros((100, 2)), y)?;
    /// let (train, test) = data.stratified_split(0.2, 0)?;
    /// assert_eq!(test.n_samples(), 20);
    /// assert_eq!(test.targets().iter().filter(|&&c| c == 1).count(), 5);
    /// assert_eq!(train.n_samples(), 80);
    /// # Ok::<(), oxlearn::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`DatasetView::stratified_split`].
    pub fn stratified_split(
        &self,
        test_ratio: f64,
        seed: u64,
    ) -> Result<(Dataset<F, T>, Dataset<F, T>)> {
        self.view().stratified_split(test_ratio, seed)
    }
}

/// Train and test indices of a stratified random split of `labels`.
///
/// Each class contributes to the test set in proportion to its size; the
/// remainder left by rounding goes to the classes with the largest fractional
/// parts (ties broken by a seeded shuffle), as scikit-learn allocates it.
///
/// # Errors
/// When `test_ratio` is outside (0, 1), a part would be empty, either part is
/// smaller than the number of classes, or a class has a single sample.
pub fn stratified_indices<T: Ord>(
    labels: &[T],
    test_ratio: f64,
    seed: u64,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let n = labels.len();
    let n_test = n_test_samples(n, test_ratio)?;
    let n_train = n - n_test;
    let mut groups: BTreeMap<&T, Vec<usize>> = BTreeMap::new();
    for (i, t) in labels.iter().enumerate() {
        groups.entry(t).or_default().push(i);
    }
    let n_classes = groups.len();
    if n_test < n_classes || n_train < n_classes {
        return Err(Error::InvalidInput(format!(
            "a stratified split needs at least one sample of each of the {n_classes} classes in both parts; got {n_train} training and {n_test} test samples"
        )));
    }
    if let Some((_, members)) = groups.iter().find(|(_, m)| m.len() < 2) {
        return Err(Error::TooFewSamples {
            what: format!("a class of a stratified split (sample {})", members[0]),
            needed: 2,
            actual: members.len(),
        });
    }
    let mut rng = rng_from_seed(seed);
    // Proportional allocation with largest remainders.
    let exact: Vec<f64> = groups
        .values()
        .map(|m| m.len() as f64 * n_test as f64 / n as f64)
        .collect();
    let mut counts: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..n_classes).collect();
    order.shuffle(&mut rng);
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa)
    });
    let mut missing = n_test - counts.iter().sum::<usize>();
    for &c in order.iter().cycle() {
        if missing == 0 {
            break;
        }
        let size = groups.values().nth(c).map_or(0, Vec::len);
        if counts[c] < size - 1 {
            counts[c] += 1;
            missing -= 1;
        }
    }
    let mut train = Vec::with_capacity(n_train);
    let mut test = Vec::with_capacity(n_test);
    for (members, &count) in groups.into_values().zip(&counts) {
        let mut members = members;
        members.shuffle(&mut rng);
        test.extend_from_slice(&members[..count]);
        train.extend_from_slice(&members[count..]);
    }
    train.shuffle(&mut rng);
    test.shuffle(&mut rng);
    Ok((train, test))
}
