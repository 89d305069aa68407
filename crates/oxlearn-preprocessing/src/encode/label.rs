//! [`LabelEncoder`]: target labels of any ordered type to `0..n_classes`.

use std::fmt::Debug;

use ndarray::{Array1, ArrayView1};
use oxlearn::{ClassLabels, Error};

use crate::error::PreprocessingError;

/// Encodes target labels of any `Ord` type (strings, integers, bools) as
/// `0..n_classes` in sorted order, as scikit-learn's `LabelEncoder`.
///
/// It works on a target vector, not on records, so it is not a pipeline
/// step: fit it on the targets before building the dataset.
///
/// ```
/// use ndarray::array;
/// use oxlearn_preprocessing::LabelEncoder;
///
/// let y = array!["spam", "ham", "spam", "eggs"];
/// let model = LabelEncoder.fit(y.view())?;
/// assert_eq!(model.classes(), &["eggs", "ham", "spam"]);
/// let codes = model.transform(y.view())?;
/// assert_eq!(codes, array![2, 1, 2, 0]);
/// assert_eq!(model.inverse_transform(codes.view())?, y);
/// assert!(model.transform(array!["bacon"].view()).is_err());
/// # Ok::<(), oxlearn_preprocessing::PreprocessingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LabelEncoder;

/// A fitted [`LabelEncoder`]: the sorted classes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LabelEncoderModel<T> {
    labels: ClassLabels<T>,
}

impl LabelEncoder {
    /// Learns the sorted distinct labels of `y`.
    ///
    /// # Errors
    /// When `y` is empty.
    pub fn fit<T: Ord + Clone>(
        &self,
        y: ArrayView1<'_, T>,
    ) -> Result<LabelEncoderModel<T>, PreprocessingError> {
        let (labels, _) = ClassLabels::fit(y, 1)?;
        Ok(LabelEncoderModel { labels })
    }

    /// Fits on `y` and encodes it.
    ///
    /// # Errors
    /// When `y` is empty.
    pub fn fit_transform<T: Ord + Clone>(
        &self,
        y: ArrayView1<'_, T>,
    ) -> Result<(LabelEncoderModel<T>, Array1<usize>), PreprocessingError> {
        let (labels, codes) = ClassLabels::fit(y, 1)?;
        Ok((LabelEncoderModel { labels }, codes))
    }
}

impl<T: Ord + Clone + Debug> LabelEncoderModel<T> {
    /// The sorted classes; class `k` is encoded as `k`.
    pub fn classes(&self) -> &[T] {
        self.labels.classes()
    }

    /// The code of each label.
    ///
    /// # Errors
    /// [`Error::Unknown`] for a label not seen at fit.
    pub fn transform(&self, y: ArrayView1<'_, T>) -> Result<Array1<usize>, PreprocessingError> {
        y.iter()
            .map(|t| {
                self.classes().binary_search(t).map_err(|_| {
                    PreprocessingError::from(Error::Unknown {
                        what: "label (not seen at fit)".into(),
                        value: format!("{t:?}"),
                    })
                })
            })
            .collect()
    }

    /// The label of each code.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a code `>= n_classes`.
    pub fn inverse_transform(
        &self,
        codes: ArrayView1<'_, usize>,
    ) -> Result<Array1<T>, PreprocessingError> {
        let classes = self.classes();
        codes
            .iter()
            .map(|&k| {
                classes.get(k).cloned().ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "label code {k} is out of range for {} classes",
                        classes.len()
                    ))
                    .into()
                })
            })
            .collect()
    }
}
