//! Row-wise and stateless transformers: [`Normalizer`] and [`Binarizer`].

use ndarray::{Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};

use crate::error::PreprocessingError;
use crate::util::{handle_zeros, map_rows};

/// The norm a [`Normalizer`] divides each row by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Norm {
    /// Sum of absolute values.
    L1,
    /// Euclidean norm (the default).
    #[default]
    L2,
    /// Largest absolute value.
    Max,
}

/// Rescales each sample (row) to unit norm, as scikit-learn's `Normalizer`.
///
/// Hyperparameter `norm` (default [`Norm::L2`]). Rows of norm zero are left
/// unchanged. Stateless: fitting only records the number of features.
/// Missing values are rejected (`Error::NonFinite`); sample weights are
/// irrelevant and not used.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{Norm, Normalizer};
///
/// let data = Dataset::from_records(array![[3.0, 4.0], [0.0, 0.0]]);
/// let model = Normalizer::default().fit(data.view())?;
/// assert_eq!(model.transform(data.records())?, array![[0.6, 0.8], [0.0, 0.0]]);
/// let l1 = Normalizer::default().norm(Norm::L1).fit(data.view())?;
/// assert_eq!(l1.transform(array![[1.0, -3.0]].view())?, array![[0.25, -0.75]]);
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Normalizer {
    /// The norm (default [`Norm::L2`]).
    pub norm: Norm,
}

impl Normalizer {
    /// Sets `norm`.
    pub fn norm(mut self, norm: Norm) -> Self {
        self.norm = norm;
        self
    }
}

impl Params for Normalizer {
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// A fitted [`Normalizer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NormalizerModel {
    norm: Norm,
    n_features_in: usize,
}

impl<F: Float, T> Fit<F, T> for Normalizer {
    type Model = NormalizerModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<NormalizerModel, PreprocessingError> {
        self.validate()?;
        check::records(data.records(), "Normalizer training records")?;
        Ok(NormalizerModel {
            norm: self.norm,
            n_features_in: data.n_features(),
        })
    }
}

impl<F: Float> Transform<F> for NormalizerModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        check::n_features(x, self.n_features_in)?;
        check::records(x, "Normalizer input")?;
        let norm = self.norm;
        Ok(map_rows(x, x.ncols(), |row, out| {
            let n = match norm {
                Norm::L1 => row.iter().map(|v| v.abs()).sum::<F>(),
                Norm::L2 => row.iter().map(|v| *v * *v).sum::<F>().sqrt(),
                Norm::Max => row.iter().fold(F::zero(), |m, v| m.max(v.abs())),
            };
            let n = handle_zeros(n);
            for (o, v) in out.iter_mut().zip(row) {
                *o = *v / n;
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.n_features_in
    }
}

/// Maps each value to 1 when it is above `threshold`, else 0, as
/// scikit-learn's `Binarizer`.
///
/// Hyperparameter `threshold` (default `0.0`, not NaN). Stateless; missing
/// values are rejected; sample weights are irrelevant and not used.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::Binarizer;
///
/// let data = Dataset::from_records(array![[0.5, 2.0], [-1.0, 1.0]]);
/// let model = Binarizer::default().threshold(1.0).fit(data.view())?;
/// assert_eq!(model.transform(data.records())?, array![[0.0, 1.0], [0.0, 0.0]]);
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Binarizer {
    /// Values strictly above it become 1 (default `0.0`).
    pub threshold: f64,
}

impl Binarizer {
    /// Sets `threshold`.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }
}

impl Params for Binarizer {
    fn validate(&self) -> Result<(), Error> {
        if self.threshold.is_nan() {
            return Err(Error::invalid_parameter(
                "threshold",
                "a number (not NaN)",
                self.threshold,
            ));
        }
        Ok(())
    }
}

/// A fitted [`Binarizer`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BinarizerModel {
    threshold: f64,
    n_features_in: usize,
}

impl<F: Float, T> Fit<F, T> for Binarizer {
    type Model = BinarizerModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<BinarizerModel, PreprocessingError> {
        self.validate()?;
        check::records(data.records(), "Binarizer training records")?;
        Ok(BinarizerModel {
            threshold: self.threshold,
            n_features_in: data.n_features(),
        })
    }
}

impl<F: Float> Transform<F> for BinarizerModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        check::n_features(x, self.n_features_in)?;
        check::records(x, "Binarizer input")?;
        let t = F::cast(self.threshold);
        Ok(map_rows(x, x.ncols(), |row, out| {
            for (o, v) in out.iter_mut().zip(row) {
                *o = if *v > t { F::one() } else { F::zero() };
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.n_features_in
    }
}
