//! [`Dataset`], its borrowed [`DatasetView`], and the ways to split them.

mod split;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::error::{Error, Result};
use crate::float::Float;

pub use split::Fold;

/// Records (samples x features), one target per sample, and what describes them.
///
/// A `Dataset` owns its data. Targets are any type: `usize` class indices,
/// `String` labels, `f64` regression values, or `()` for unsupervised data
/// (see [`Dataset::from_records`]). Optional per-sample weights, feature names
/// (always present: `x0`, `x1`, ... unless given), target names (for example
/// class names for integer-coded targets) and, for categorical features stored
/// as integer codes, the category names of each code.
///
/// NaN in the records means "missing": a dataset may hold it, and each
/// estimator says whether it accepts it.
///
/// ```
/// use ndarray::array;
/// use oxlearn::Dataset;
///
/// let data = Dataset::new(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], array![0, 1, 0])?
///     .with_feature_names(["height", "width"])?
///     .with_weights(array![1.0, 2.0, 1.0])?;
/// assert_eq!(data.n_samples(), 3);
/// assert_eq!(data.feature_names()[1], "width");
///
/// // Wrong lengths are an error, not a panic.
/// assert!(Dataset::new(array![[1.0], [2.0]], array![0]).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawDataset<F, T>",
        bound(deserialize = "F: Float + serde::Deserialize<'de>, T: serde::Deserialize<'de>")
    )
)]
pub struct Dataset<F, T> {
    records: Array2<F>,
    targets: Array1<T>,
    weights: Option<Array1<F>>,
    feature_names: Vec<String>,
    target_names: Vec<String>,
    categories: Vec<Option<Vec<String>>>,
}

/// A [`Dataset`] as stored, checked by the constructors when loaded (so a
/// hand-edited file cannot give mismatched lengths).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawDataset<F, T> {
    records: Array2<F>,
    targets: Array1<T>,
    weights: Option<Array1<F>>,
    feature_names: Vec<String>,
    target_names: Vec<String>,
    categories: Vec<Option<Vec<String>>>,
}

#[cfg(feature = "serde")]
impl<F: Float, T> TryFrom<RawDataset<F, T>> for Dataset<F, T> {
    type Error = Error;

    fn try_from(raw: RawDataset<F, T>) -> Result<Self> {
        let data = Dataset::new(raw.records, raw.targets)?
            .with_feature_names(raw.feature_names)?
            .with_target_names(raw.target_names)
            .with_categories(raw.categories)?;
        match raw.weights {
            Some(w) => data.with_weights(w),
            None => Ok(data),
        }
    }
}

/// A borrowed [`Dataset`]: views of the records, targets and weights, and the
/// names. Cheap to copy; this is what [`Fit::fit`](crate::Fit::fit) takes.
///
/// ```
/// use ndarray::array;
/// use oxlearn::Dataset;
///
/// let data = Dataset::new(array![[1.0], [2.0], [3.0], [4.0]], array![1.0, 2.0, 3.0, 4.0])?;
/// let (head, tail) = data.view().split_at(3)?;
/// assert_eq!(head.n_samples(), 3);
/// assert_eq!(tail.targets()[0], 4.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug)]
pub struct DatasetView<'a, F, T> {
    records: ArrayView2<'a, F>,
    targets: ArrayView1<'a, T>,
    weights: Option<ArrayView1<'a, F>>,
    feature_names: &'a [String],
    target_names: &'a [String],
    categories: &'a [Option<Vec<String>>],
}

impl<F, T> Clone for DatasetView<'_, F, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F, T> Copy for DatasetView<'_, F, T> {}

/// Default feature names `x0 .. x{n-1}`, as scikit-learn names unnamed features.
pub fn default_feature_names(n_features: usize) -> Vec<String> {
    (0..n_features).map(|j| format!("x{j}")).collect()
}

fn check_weights<F: Float>(weights: ArrayView1<'_, F>, n_samples: usize) -> Result<()> {
    if weights.len() != n_samples {
        return Err(Error::shape_mismatch(
            "sample weights",
            format!("{n_samples} weights (one per sample)"),
            format!("{} weights", weights.len()),
        ));
    }
    if let Some((i, w)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !w.is_finite() || **w < F::zero())
    {
        return Err(Error::InvalidInput(format!(
            "sample weight {i} is {w}; weights must be finite and >= 0"
        )));
    }
    Ok(())
}

fn check_targets_len(n_samples: usize, n_targets: usize) -> Result<()> {
    if n_samples != n_targets {
        return Err(Error::shape_mismatch(
            "targets",
            format!("{n_samples} targets (one per record row)"),
            format!("{n_targets} targets"),
        ));
    }
    Ok(())
}

impl<F: Float, T> Dataset<F, T> {
    /// A dataset of `records` (samples x features) and one target per sample.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when `targets.len()` differs from the number of rows.
    pub fn new(records: Array2<F>, targets: Array1<T>) -> Result<Self> {
        check_targets_len(records.nrows(), targets.len())?;
        let n_features = records.ncols();
        Ok(Dataset {
            records,
            targets,
            weights: None,
            feature_names: default_feature_names(n_features),
            target_names: Vec::new(),
            categories: vec![None; n_features],
        })
    }

    /// Sets per-sample weights.
    ///
    /// # Errors
    /// When the length differs from the number of samples, or a weight is
    /// negative or not finite.
    pub fn with_weights(mut self, weights: Array1<F>) -> Result<Self> {
        check_weights(weights.view(), self.n_samples())?;
        self.weights = Some(weights);
        Ok(self)
    }

    /// Sets the feature names, one per column.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the count differs from the number of columns.
    pub fn with_feature_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.len() != self.n_features() {
            return Err(Error::shape_mismatch(
                "feature names",
                format!("{} names (one per column)", self.n_features()),
                format!("{} names", names.len()),
            ));
        }
        self.feature_names = names;
        Ok(self)
    }

    /// Sets the target names: for integer-coded class targets, the name of
    /// each class index; for regression, the target column's name.
    pub fn with_target_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        self.target_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// Marks categorical features: entry `j` is `Some(names)` when column `j`
    /// holds integer codes `0..names.len()` (NaN for missing), `None` for a
    /// numeric column.
    ///
    /// # Errors
    /// When the count differs from the number of columns, or a categorical
    /// column holds a value that is not a valid code.
    pub fn with_categories(mut self, categories: Vec<Option<Vec<String>>>) -> Result<Self> {
        if categories.len() != self.n_features() {
            return Err(Error::shape_mismatch(
                "feature categories",
                format!("{} entries (one per column)", self.n_features()),
                format!("{} entries", categories.len()),
            ));
        }
        for (j, names) in categories.iter().enumerate() {
            let Some(names) = names else { continue };
            let bad = self.records.column(j).iter().copied().find(|&v| {
                !v.is_nan()
                    && (v < F::zero() || v.fract() != F::zero() || v.as_f64() >= names.len() as f64)
            });
            if let Some(v) = bad {
                return Err(Error::InvalidInput(format!(
                    "categorical column {j} (`{}`) holds {v}, which is not a code in 0..{}",
                    self.feature_names[j],
                    names.len()
                )));
            }
        }
        self.categories = categories;
        Ok(self)
    }

    /// The records, samples x features.
    pub fn records(&self) -> ArrayView2<'_, F> {
        self.records.view()
    }

    /// The targets, one per sample.
    pub fn targets(&self) -> ArrayView1<'_, T> {
        self.targets.view()
    }

    /// The sample weights, if set.
    pub fn weights(&self) -> Option<ArrayView1<'_, F>> {
        self.weights.as_ref().map(Array1::view)
    }

    /// Number of samples (rows).
    pub fn n_samples(&self) -> usize {
        self.records.nrows()
    }

    /// Number of features (columns).
    pub fn n_features(&self) -> usize {
        self.records.ncols()
    }

    /// The feature names, one per column.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The target names (may be empty).
    pub fn target_names(&self) -> &[String] {
        &self.target_names
    }

    /// The category names of each categorical column (`None` for numeric columns).
    pub fn categories(&self) -> &[Option<Vec<String>>] {
        &self.categories
    }

    /// A borrowed view of the whole dataset.
    pub fn view(&self) -> DatasetView<'_, F, T> {
        DatasetView {
            records: self.records.view(),
            targets: self.targets.view(),
            weights: self.weights.as_ref().map(Array1::view),
            feature_names: &self.feature_names,
            target_names: &self.target_names,
            categories: &self.categories,
        }
    }

    /// Takes the dataset apart into records, targets and weights.
    pub fn into_parts(self) -> (Array2<F>, Array1<T>, Option<Array1<F>>) {
        (self.records, self.targets, self.weights)
    }

    /// Replaces the targets, keeping records, weights and feature metadata.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the length differs from the number of samples.
    pub fn with_targets<U>(self, targets: Array1<U>) -> Result<Dataset<F, U>> {
        check_targets_len(self.n_samples(), targets.len())?;
        Ok(Dataset {
            records: self.records,
            targets,
            weights: self.weights,
            feature_names: self.feature_names,
            target_names: Vec::new(),
            categories: self.categories,
        })
    }
}

impl<F: Float> Dataset<F, ()> {
    /// An unsupervised dataset: records only (the targets are `()`).
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::Dataset;
    ///
    /// let data = Dataset::from_records(array![[0.0, 1.0], [1.0, 0.0]]);
    /// assert_eq!(data.n_features(), 2);
    /// ```
    pub fn from_records(records: Array2<F>) -> Self {
        let n = records.nrows();
        let n_features = records.ncols();
        Dataset {
            records,
            targets: Array1::from_elem(n, ()),
            weights: None,
            feature_names: default_feature_names(n_features),
            target_names: Vec::new(),
            categories: vec![None; n_features],
        }
    }
}

impl<'a, F: Float, T> DatasetView<'a, F, T> {
    /// A view of borrowed records and targets, with default feature names.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the lengths differ.
    pub fn new(records: ArrayView2<'a, F>, targets: ArrayView1<'a, T>) -> Result<Self> {
        check_targets_len(records.nrows(), targets.len())?;
        Ok(DatasetView {
            records,
            targets,
            weights: None,
            feature_names: &[],
            target_names: &[],
            categories: &[],
        })
    }

    /// Attaches sample weights to the view.
    ///
    /// # Errors
    /// When the length differs from the number of samples, or a weight is
    /// negative or not finite.
    pub fn with_weights(mut self, weights: ArrayView1<'a, F>) -> Result<Self> {
        check_weights(weights, self.n_samples())?;
        self.weights = Some(weights);
        Ok(self)
    }

    /// The records, samples x features.
    pub fn records(&self) -> ArrayView2<'a, F> {
        self.records
    }

    /// The targets, one per sample.
    pub fn targets(&self) -> ArrayView1<'a, T> {
        self.targets
    }

    /// The sample weights, if set.
    pub fn weights(&self) -> Option<ArrayView1<'a, F>> {
        self.weights
    }

    /// Number of samples (rows).
    pub fn n_samples(&self) -> usize {
        self.records.nrows()
    }

    /// Number of features (columns).
    pub fn n_features(&self) -> usize {
        self.records.ncols()
    }

    /// The feature names, one per column (`x0`, `x1`, ... when none were given).
    pub fn feature_names(&self) -> Vec<String> {
        if self.feature_names.len() == self.n_features() {
            self.feature_names.to_vec()
        } else {
            default_feature_names(self.n_features())
        }
    }

    /// The target names (may be empty).
    pub fn target_names(&self) -> &'a [String] {
        self.target_names
    }

    /// The category names of each categorical column (`None` for numeric columns).
    pub fn categories(&self) -> Vec<Option<Vec<String>>> {
        if self.categories.len() == self.n_features() {
            self.categories.to_vec()
        } else {
            vec![None; self.n_features()]
        }
    }

    /// Splits into the first `n` samples and the rest, without copying.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `n` exceeds the number of samples.
    pub fn split_at(self, n: usize) -> Result<(Self, Self)> {
        if n > self.n_samples() {
            return Err(Error::InvalidInput(format!(
                "cannot split {} samples at row {n}",
                self.n_samples()
            )));
        }
        let (ra, rb) = self.records.split_at(Axis(0), n);
        let (ta, tb) = self.targets.split_at(Axis(0), n);
        let (wa, wb) = match self.weights {
            Some(w) => {
                let (a, b) = w.split_at(Axis(0), n);
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        let head = DatasetView {
            records: ra,
            targets: ta,
            weights: wa,
            ..self
        };
        let tail = DatasetView {
            records: rb,
            targets: tb,
            weights: wb,
            ..self
        };
        Ok((head, tail))
    }

    /// The contiguous range of samples `start..end`, without copying.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the range is reversed or out of bounds.
    pub fn slice(self, start: usize, end: usize) -> Result<Self> {
        if start > end || end > self.n_samples() {
            return Err(Error::InvalidInput(format!(
                "sample range {start}..{end} is invalid for {} samples",
                self.n_samples()
            )));
        }
        let range = ndarray::Slice::from(start..end);
        let mut records = self.records;
        records.slice_axis_inplace(Axis(0), range);
        let mut targets = self.targets;
        targets.slice_axis_inplace(Axis(0), range);
        let weights = self.weights.map(|mut w| {
            w.slice_axis_inplace(Axis(0), range);
            w
        });
        Ok(DatasetView {
            records,
            targets,
            weights,
            ..self
        })
    }
}

impl<F: Float, T: Clone> DatasetView<'_, F, T> {
    /// Copies the view into an owned [`Dataset`].
    pub fn to_owned(&self) -> Dataset<F, T> {
        Dataset {
            records: self.records.to_owned(),
            targets: self.targets.to_owned(),
            weights: self.weights.map(|w| w.to_owned()),
            feature_names: self.feature_names(),
            target_names: self.target_names.to_vec(),
            categories: self.categories(),
        }
    }

    /// Copies the samples at `indices` (in that order, repeats allowed) into a
    /// new dataset.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when an index is out of bounds.
    pub fn select(&self, indices: &[usize]) -> Result<Dataset<F, T>> {
        let n = self.n_samples();
        if let Some(&bad) = indices.iter().find(|&&i| i >= n) {
            return Err(Error::InvalidInput(format!(
                "sample index {bad} is out of bounds for {n} samples"
            )));
        }
        Ok(Dataset {
            records: self.records.select(Axis(0), indices),
            targets: indices.iter().map(|&i| self.targets[i].clone()).collect(),
            weights: self.weights.map(|w| w.select(Axis(0), indices)),
            feature_names: self.feature_names(),
            target_names: self.target_names.to_vec(),
            categories: self.categories(),
        })
    }
}

impl<F: Float, T: Clone> Dataset<F, T> {
    /// Copies the samples at `indices` into a new dataset.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when an index is out of bounds.
    pub fn select(&self, indices: &[usize]) -> Result<Dataset<F, T>> {
        self.view().select(indices)
    }
}

impl<'a, F: Float, T> From<&'a Dataset<F, T>> for DatasetView<'a, F, T> {
    fn from(data: &'a Dataset<F, T>) -> Self {
        data.view()
    }
}

#[cfg(test)]
mod tests;
