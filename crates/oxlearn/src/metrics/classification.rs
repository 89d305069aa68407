//! Classification metrics on predicted labels: accuracy, balanced accuracy,
//! the confusion matrix and Matthews' correlation coefficient.

use std::collections::BTreeMap;

use ndarray::{Array2, ArrayView1, AsArray};

use super::{average, check_pair, sample_weights};
use crate::error::Result;
use crate::float::Float;

/// Labels of `y_true` and `y_pred` as indices into their sorted union.
pub(super) struct Encoded<'a, T> {
    /// The sorted union of the labels.
    pub labels: Vec<&'a T>,
    pub y_true: Vec<usize>,
    pub y_pred: Vec<usize>,
}

impl<T> Encoded<'_, T> {
    /// The confusion matrix (rows: true label, columns: predicted), in
    /// counts or summed weights.
    pub fn confusion(&self, weights: Option<&[f64]>) -> Array2<f64> {
        let k = self.labels.len();
        let mut cm = Array2::zeros((k, k));
        for (i, (&t, &p)) in self.y_true.iter().zip(&self.y_pred).enumerate() {
            cm[[t, p]] += super::weight_at(weights, i);
        }
        cm
    }
}

/// Validates and encodes a pair of label arrays.
pub(super) fn encode_pair<'a, T: Ord>(
    y_true: ArrayView1<'a, T>,
    y_pred: ArrayView1<'a, T>,
) -> Result<Encoded<'a, T>> {
    check_pair(y_true.len(), y_pred.len(), "y_pred")?;
    let mut map: BTreeMap<&'a T, usize> =
        y_true.into_iter().chain(y_pred).map(|t| (t, 0)).collect();
    for (i, v) in map.values_mut().enumerate() {
        *v = i;
    }
    let y_true = y_true.into_iter().map(|t| map[t]).collect();
    let y_pred = y_pred.into_iter().map(|t| map[t]).collect();
    Ok(Encoded {
        labels: map.into_keys().collect(),
        y_true,
        y_pred,
    })
}

/// Validated optional weights for `n` samples.
pub(super) fn optional_weights<W: Float>(
    sample_weight: Option<ArrayView1<'_, W>>,
    n: usize,
) -> Result<Option<Vec<f64>>> {
    sample_weight.map(|w| sample_weights(w, n)).transpose()
}

/// A confusion matrix and the order of its labels.
///
/// `matrix[[i, j]]` counts (or sums the weights of) the samples whose true
/// label is `labels[i]` and whose predicted label is `labels[j]`. `labels`
/// is the sorted union of the labels of `y_true` and `y_pred`. `C` is
/// `usize` for counts ([`confusion_matrix`]) and `f64` for sums of weights
/// ([`confusion_matrix_weighted`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfusionMatrix<T, C = usize> {
    /// The labels, in the order of the rows and columns.
    pub labels: Vec<T>,
    /// Rows: true label; columns: predicted label.
    pub matrix: Array2<C>,
}

fn accuracy<T: PartialEq>(
    y_true: ArrayView1<'_, T>,
    y_pred: ArrayView1<'_, T>,
    weights: Option<&[f64]>,
) -> f64 {
    let hits = y_true
        .iter()
        .zip(&y_pred)
        .map(|(t, p)| if t == p { 1.0 } else { 0.0 });
    average(hits, weights)
}

fn balanced(cm: &Array2<f64>) -> f64 {
    // Classes absent from y_true (a zero row) are left out, as in scikit-learn.
    let recalls: Vec<f64> = cm
        .rows()
        .into_iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let total = row.sum();
            (total != 0.0).then(|| cm[[i, i]] / total)
        })
        .collect();
    recalls.iter().sum::<f64>() / recalls.len() as f64
}

fn mcc(cm: &Array2<f64>) -> f64 {
    let t_sum = cm.sum_axis(ndarray::Axis(1));
    let p_sum = cm.sum_axis(ndarray::Axis(0));
    let n_correct = cm.diag().sum();
    let n = p_sum.sum();
    let cov_ytyp = n_correct * n - t_sum.dot(&p_sum);
    let cov_ypyp = n * n - p_sum.dot(&p_sum);
    let cov_ytyt = n * n - t_sum.dot(&t_sum);
    let denom = cov_ypyp * cov_ytyt;
    if denom == 0.0 {
        0.0
    } else {
        cov_ytyp / denom.sqrt()
    }
}

/// The fraction of samples whose predicted label equals the true one.
///
/// # Errors
/// Empty or mismatched inputs.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::accuracy_score;
///
/// assert_eq!(accuracy_score(&array![0, 1, 1], &array![0, 1, 0])?, 2.0 / 3.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn accuracy_score<'a, T: PartialEq + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
) -> Result<f64> {
    let (y_true, y_pred) = (y_true.into(), y_pred.into());
    check_pair(y_true.len(), y_pred.len(), "y_pred")?;
    Ok(accuracy(y_true, y_pred, None))
}

/// [`accuracy_score`] with per-sample weights: the weight of the correct
/// predictions over the total weight.
///
/// # Errors
/// As [`accuracy_score`], and for invalid weights (see the
/// [module docs](crate::metrics)).
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::accuracy_score_weighted;
///
/// let acc = accuracy_score_weighted(&array!["a", "b"], &array!["a", "a"], &array![3.0, 1.0])?;
/// assert_eq!(acc, 0.75);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn accuracy_score_weighted<'a, T: PartialEq + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    let (y_true, y_pred) = (y_true.into(), y_pred.into());
    check_pair(y_true.len(), y_pred.len(), "y_pred")?;
    let w = sample_weights(sample_weight.into(), y_true.len())?;
    Ok(accuracy(y_true, y_pred, Some(&w)))
}

/// Balanced accuracy: the mean recall of the classes present in `y_true`
/// (scikit-learn's `adjusted=False`). Robust to imbalanced classes.
///
/// # Errors
/// Empty or mismatched inputs.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::balanced_accuracy_score;
///
/// let bacc = balanced_accuracy_score(&array![0, 1, 0, 0, 1, 0], &array![0, 1, 0, 0, 0, 1])?;
/// assert_eq!(bacc, 0.625);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn balanced_accuracy_score<'a, T: Ord + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
) -> Result<f64> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    Ok(balanced(&enc.confusion(None)))
}

/// [`balanced_accuracy_score`] with per-sample weights (recalls from
/// weighted counts; a class whose samples all weigh zero is left out).
///
/// # Errors
/// As [`balanced_accuracy_score`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::balanced_accuracy_score_weighted;
///
/// let w = array![1.0, 1.0, 1.0, 3.0];
/// let bacc = balanced_accuracy_score_weighted(&array![0, 0, 1, 1], &array![0, 1, 1, 0], &w)?;
/// assert_eq!(bacc, (0.5 + 0.25) / 2.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn balanced_accuracy_score_weighted<'a, T: Ord + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    let w = sample_weights(sample_weight.into(), enc.y_true.len())?;
    Ok(balanced(&enc.confusion(Some(&w))))
}

/// The confusion matrix, with its labels (the sorted union of `y_true` and
/// `y_pred`): rows are true labels, columns predicted labels.
///
/// # Errors
/// Empty or mismatched inputs.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::confusion_matrix;
///
/// let cm = confusion_matrix(&array!["cat", "ant", "cat"], &array!["ant", "ant", "cat"])?;
/// assert_eq!(cm.labels, vec!["ant", "cat"]);
/// assert_eq!(cm.matrix, array![[1, 0], [1, 1]]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn confusion_matrix<'a, T: Ord + Clone + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
) -> Result<ConfusionMatrix<T>> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    let k = enc.labels.len();
    let mut matrix = Array2::zeros((k, k));
    for (&t, &p) in enc.y_true.iter().zip(&enc.y_pred) {
        matrix[[t, p]] += 1;
    }
    Ok(ConfusionMatrix {
        labels: enc.labels.into_iter().cloned().collect(),
        matrix,
    })
}

/// [`confusion_matrix`] with per-sample weights: each cell sums the weights
/// of its samples.
///
/// # Errors
/// As [`confusion_matrix`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::confusion_matrix_weighted;
///
/// let cm = confusion_matrix_weighted(&array![0, 1, 1], &array![0, 1, 0], &array![0.5, 2.0, 1.0])?;
/// assert_eq!(cm.matrix, array![[0.5, 0.0], [1.0, 2.0]]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn confusion_matrix_weighted<'a, T: Ord + Clone + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<ConfusionMatrix<T, f64>> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    let w = sample_weights(sample_weight.into(), enc.y_true.len())?;
    Ok(ConfusionMatrix {
        matrix: enc.confusion(Some(&w)),
        labels: enc.labels.into_iter().cloned().collect(),
    })
}

/// Matthews correlation coefficient, in its multiclass form (Gorodkin's
/// R_K statistic): +1 perfect, 0 no better than chance, -1 total
/// disagreement. 0 when it is undefined (a constant `y_true` or `y_pred`).
///
/// # Errors
/// Empty or mismatched inputs.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::matthews_corrcoef;
///
/// let mcc = matthews_corrcoef(&array![1, 1, 1, -1], &array![1, -1, 1, 1])?;
/// assert!((mcc - (-1.0 / 3.0)).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn matthews_corrcoef<'a, T: Ord + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
) -> Result<f64> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    Ok(mcc(&enc.confusion(None)))
}

/// [`matthews_corrcoef`] with per-sample weights.
///
/// # Errors
/// As [`matthews_corrcoef`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::matthews_corrcoef_weighted;
///
/// let mcc = matthews_corrcoef_weighted(&array![0, 1, 1], &array![0, 1, 0], &array![1.0, 1.0, 0.0])?;
/// assert_eq!(mcc, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn matthews_corrcoef_weighted<'a, T: Ord + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    let w = sample_weights(sample_weight.into(), enc.y_true.len())?;
    Ok(mcc(&enc.confusion(Some(&w))))
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::{Array1, array};

    use super::*;
    use crate::Error;

    #[test]
    fn labels_are_the_sorted_union() {
        let cm = confusion_matrix(&array![2, 0, 2], &array![5, 0, 2]).unwrap();
        assert_eq!(cm.labels, vec![0, 2, 5]);
        assert_eq!(cm.matrix, array![[1, 0, 0], [0, 1, 1], [0, 0, 0]]);
    }

    #[test]
    fn balanced_accuracy_ignores_classes_only_predicted() {
        // Class 2 never occurs in y_true: recalls of 0 and 1 only.
        let b = balanced_accuracy_score(&array![0, 0, 1, 1], &array![0, 2, 1, 1]).unwrap();
        assert_abs_diff_eq!(b, 0.75);
    }

    #[test]
    fn mcc_edge_cases() {
        assert_eq!(
            matthews_corrcoef(&array![1, 1], &array![1, 1]).unwrap(),
            0.0
        );
        assert_eq!(
            matthews_corrcoef(&array![0, 1, 2], &array![0, 1, 2]).unwrap(),
            1.0
        );
        assert_eq!(
            matthews_corrcoef(&array![true, false], &array![false, true]).unwrap(),
            -1.0
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let empty = Array1::<i32>::zeros(0);
        let (a, b) = (array![0, 1], array![0]);
        assert!(matches!(
            accuracy_score(&empty, &empty),
            Err(Error::EmptyData { .. })
        ));
        assert!(matches!(
            accuracy_score(&a, &b),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            balanced_accuracy_score(&a, &b),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            confusion_matrix(&empty, &empty),
            Err(Error::EmptyData { .. })
        ));
        assert!(matches!(
            matthews_corrcoef(&b, &a),
            Err(Error::ShapeMismatch { .. })
        ));
        let w_short = array![1.0];
        let w_neg = array![1.0, -2.0];
        let w_nan = array![1.0, f64::NAN];
        for w in [&w_short, &w_neg, &w_nan] {
            assert!(accuracy_score_weighted(&a, &a, w).is_err());
            assert!(balanced_accuracy_score_weighted(&a, &a, w).is_err());
            assert!(confusion_matrix_weighted(&a, &a, w).is_err());
            assert!(matthews_corrcoef_weighted(&a, &a, w).is_err());
        }
    }
}
