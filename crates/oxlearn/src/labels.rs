//! Mapping labels of any ordered type to class indices.

use std::collections::BTreeMap;

use ndarray::{Array1, ArrayView1};

use crate::error::{Error, Result};

/// The sorted distinct labels of a classification target, and the index of
/// each: how every classifier turns `Ord` labels (integers, strings, bools)
/// into `0..n_classes` and back.
///
/// ```
/// use ndarray::array;
/// use oxlearn::ClassLabels;
///
/// let y = array!["spam", "ham", "spam"];
/// let (labels, idx) = ClassLabels::fit(y.view(), 2)?;
/// assert_eq!(labels.classes(), &["ham", "spam"]);
/// assert_eq!(idx.to_vec(), vec![1, 0, 1]);
/// assert_eq!(labels.index_of(&"ham"), Some(0));
/// assert!(ClassLabels::fit(array![1, 1].view(), 2).is_err()); // one class only
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClassLabels<T> {
    classes: Vec<T>,
}

impl<T: Ord + Clone> ClassLabels<T> {
    /// The distinct labels of `y` (sorted) and each sample's class index.
    ///
    /// # Errors
    /// [`Error::EmptyData`] for no labels, [`Error::TooFewClasses`] when fewer
    /// than `min_classes` distinct labels occur.
    pub fn fit(y: ArrayView1<'_, T>, min_classes: usize) -> Result<(Self, Array1<usize>)> {
        if y.is_empty() {
            return Err(Error::empty("targets have no labels"));
        }
        let mut map: BTreeMap<&T, usize> = y.iter().map(|t| (t, 0)).collect();
        if map.len() < min_classes {
            return Err(Error::TooFewClasses {
                what: "classification targets".to_string(),
                needed: min_classes,
                actual: map.len(),
            });
        }
        for (i, v) in map.values_mut().enumerate() {
            *v = i;
        }
        let idx = y.iter().map(|t| map[t]).collect();
        let classes = map.into_keys().cloned().collect();
        Ok((ClassLabels { classes }, idx))
    }

    /// Labels from an explicit list (sorted and deduplicated).
    ///
    /// # Errors
    /// [`Error::TooFewClasses`] when fewer than `min_classes` distinct labels are given.
    pub fn from_classes(mut classes: Vec<T>, min_classes: usize) -> Result<Self> {
        classes.sort();
        classes.dedup();
        if classes.len() < min_classes {
            return Err(Error::TooFewClasses {
                what: "class list".to_string(),
                needed: min_classes,
                actual: classes.len(),
            });
        }
        Ok(ClassLabels { classes })
    }

    /// The sorted distinct labels.
    pub fn classes(&self) -> &[T] {
        &self.classes
    }

    /// The number of classes.
    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    /// The index of `label`, if known.
    pub fn index_of(&self, label: &T) -> Option<usize> {
        self.classes.binary_search(label).ok()
    }

    /// The indices of all `labels`.
    ///
    /// # Errors
    /// [`Error::Unknown`] for a label not seen at fit.
    pub fn encode(&self, labels: ArrayView1<'_, T>) -> Result<Array1<usize>>
    where
        T: std::fmt::Debug,
    {
        labels
            .iter()
            .map(|t| {
                self.index_of(t).ok_or_else(|| Error::Unknown {
                    what: "class label (not seen at fit)".to_string(),
                    value: format!("{t:?}"),
                })
            })
            .collect()
    }

    /// The label of class index `index`.
    ///
    /// # Panics
    /// Never for indices below [`n_classes`](Self::n_classes), which is what
    /// every model produces.
    pub fn label(&self, index: usize) -> &T {
        &self.classes[index]
    }

    /// Labels of the given class indices.
    pub fn decode(&self, indices: impl IntoIterator<Item = usize>) -> Array1<T> {
        indices
            .into_iter()
            .map(|i| self.classes[i].clone())
            .collect()
    }
}
