//! Per-class weights multiplied into the sample weights of a classifier:
//! scikit-learn's `class_weight`, shared by every family crate.

use crate::error::{Error, Result};

/// How each class is weighted, as scikit-learn's `class_weight`.
///
/// ```
/// use oxlearn::ClassWeight;
///
/// // Class counts 3 and 1: balanced weights n / (k * count).
/// let w = ClassWeight::Balanced.weights(&[3.0, 1.0])?;
/// assert_eq!(w, vec![4.0 / 6.0, 2.0]);
/// assert_eq!(ClassWeight::Uniform.weights(&[3.0, 1.0])?, vec![1.0, 1.0]);
/// assert!(ClassWeight::PerClass(vec![1.0]).weights(&[3.0, 1.0]).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ClassWeight {
    /// Every class weighs 1.
    #[default]
    Uniform,
    /// `total / (n_classes · count of the class)`, as scikit-learn's
    /// `"balanced"`; each estimator states whether the counts are weighted.
    Balanced,
    /// One weight per class, in the order of the sorted classes; each finite
    /// and >= 0.
    PerClass(Vec<f64>),
}

impl ClassWeight {
    /// Checks the per-class weights (finite and >= 0); `name` is the
    /// hyperparameter's name in messages.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad weight.
    pub fn validate(&self, name: &str) -> Result<()> {
        if let ClassWeight::PerClass(w) = self
            && let Some(v) = w.iter().find(|v| !(v.is_finite() && **v >= 0.0))
        {
            return Err(Error::invalid_parameter(name, "finite weights >= 0", v));
        }
        Ok(())
    }

    /// The weight of each class given the (weighted or plain) count of each
    /// class; a class with no samples gets weight 0 when balanced.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when per-class weights are not one per class.
    pub fn weights(&self, counts: &[f64]) -> Result<Vec<f64>> {
        let k = counts.len();
        match self {
            ClassWeight::Uniform => Ok(vec![1.0; k]),
            ClassWeight::Balanced => {
                let total: f64 = counts.iter().sum();
                Ok(counts
                    .iter()
                    .map(|&c| if c > 0.0 { total / (k as f64 * c) } else { 0.0 })
                    .collect())
            }
            ClassWeight::PerClass(w) => {
                crate::check::same_length(k, w.len(), "class_weight (one weight per class)")?;
                Ok(w.clone())
            }
        }
    }
}
