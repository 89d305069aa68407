//! ROC curves and the area under them, binary and one-vs-rest.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt::Debug;

use ndarray::{ArrayView1, ArrayView2, AsArray, Ix2};

use super::classification::optional_weights;
use super::{Average, check_pair, finite_values};
use crate::check;
use crate::error::{Error, Result};
use crate::float::Float;

/// A receiver operating characteristic curve, as scikit-learn's
/// `roc_curve` with `drop_intermediate=True`.
///
/// Point `i` is the false and true positive rates of predicting positive
/// when `score >= thresholds[i]`. The first point is `(0, 0)` with an
/// infinite threshold; thresholds decrease; collinear intermediate points
/// are dropped (they do not change the area).
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    /// False positive rates, increasing from 0 to 1.
    pub fpr: Vec<f64>,
    /// True positive rates, increasing from 0 to 1.
    pub tpr: Vec<f64>,
    /// Decreasing score thresholds, starting with `f64::INFINITY`.
    pub thresholds: Vec<f64>,
}

impl RocCurve {
    /// The area under the curve (trapezoidal rule).
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::metrics::roc_curve;
    ///
    /// let roc = roc_curve(&array![0, 0, 1, 1], &array![0.1, 0.4, 0.35, 0.8], &1)?;
    /// assert_eq!(roc.auc(), 0.75);
    /// # Ok::<(), oxlearn::Error>(())
    /// ```
    pub fn auc(&self) -> f64 {
        self.fpr
            .windows(2)
            .zip(self.tpr.windows(2))
            .map(|(x, y)| (x[1] - x[0]) * (y[1] + y[0]) / 2.0)
            .sum()
    }
}

/// The ROC curve of `scores` for the positives `is_pos`, as scikit-learn's
/// `_binary_clf_curve` and `roc_curve` compute it (zero weights dropped,
/// ties grouped into one point, collinear points dropped).
fn binary_roc(is_pos: &[bool], scores: &[f64], weights: Option<&[f64]>) -> Result<RocCurve> {
    let mut order: Vec<usize> = (0..scores.len())
        .filter(|&i| weights.is_none_or(|w| w[i] != 0.0))
        .collect();
    // A stable ascending sort reversed, like numpy's mergesort `[::-1]`.
    order.sort_by(|&a, &b| scores[a].partial_cmp(&scores[b]).unwrap_or(Ordering::Equal));
    order.reverse();
    let (mut fps, mut tps, mut thresholds) = (vec![], vec![], vec![]);
    let (mut tp, mut fp) = (0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        let w = super::weight_at(weights, i);
        if is_pos[i] {
            tp += w;
        } else {
            fp += w;
        }
        let last_of_tie = order.get(k + 1).is_none_or(|&j| scores[j] != scores[i]);
        if last_of_tie {
            tps.push(tp);
            // Unweighted false positives are counted as scikit-learn does.
            fps.push(if weights.is_some() {
                fp
            } else {
                (k + 1) as f64 - tp
            });
            thresholds.push(scores[i]);
        }
    }
    let n = fps.len();
    let keep: Vec<bool> = (0..n)
        .map(|i| {
            if n <= 2 || i == 0 || i == n - 1 {
                return true;
            }
            let bend = |a: &[f64]| (a[i + 1] - a[i]) - (a[i] - a[i - 1]) != 0.0;
            bend(&fps) || bend(&tps)
        })
        .collect();
    let mut curve = RocCurve {
        fpr: vec![0.0],
        tpr: vec![0.0],
        thresholds: vec![f64::INFINITY],
    };
    for i in (0..n).filter(|&i| keep[i]) {
        curve.fpr.push(fps[i]);
        curve.tpr.push(tps[i]);
        curve.thresholds.push(thresholds[i]);
    }
    let (fp_total, tp_total) = (fps.last().copied(), tps.last().copied());
    match (fp_total, tp_total) {
        (Some(f), Some(t)) if f > 0.0 && t > 0.0 => {
            curve.fpr.iter_mut().for_each(|v| *v /= f);
            curve.tpr.iter_mut().for_each(|v| *v /= t);
            Ok(curve)
        }
        (_, t) => Err(Error::TooFewClasses {
            what: format!(
                "y_true for a ROC curve (only {} samples of positive weight)",
                if t.is_some_and(|t| t > 0.0) {
                    "positive"
                } else {
                    "negative"
                }
            ),
            needed: 2,
            actual: 1,
        }),
    }
}

fn only_one_class() -> Error {
    Error::TooFewClasses {
        what: "y_true: only one class present in y_true; ROC AUC is not defined".to_string(),
        needed: 2,
        actual: 1,
    }
}

/// Binary ROC AUC: the positive class is the greater label.
fn binary_auc<T: Ord + Debug>(
    y_true: ArrayView1<'_, T>,
    scores: &[f64],
    weights: Option<&[f64]>,
) -> Result<f64> {
    let labels: BTreeSet<&T> = y_true.iter().collect();
    match labels.len() {
        1 => return Err(only_one_class()),
        2 => {}
        k => {
            return Err(Error::InvalidInput(format!(
                "roc_auc_score is binary but y_true holds {k} classes; \
                 use roc_auc_score_ovr for multiclass targets"
            )));
        }
    }
    let pos = labels.last().copied();
    let is_pos: Vec<bool> = y_true.iter().map(|t| Some(t) == pos).collect();
    Ok(binary_roc(&is_pos, scores, weights)?.auc())
}

fn roc_impl<T: PartialEq + Debug>(
    y_true: ArrayView1<'_, T>,
    y_score: &[f64],
    pos_label: &T,
    weights: Option<&[f64]>,
) -> Result<RocCurve> {
    let is_pos: Vec<bool> = y_true.iter().map(|t| t == pos_label).collect();
    if !is_pos.contains(&true) {
        return Err(Error::Unknown {
            what: "pos_label (it does not occur in y_true)".to_string(),
            value: format!("{pos_label:?}"),
        });
    }
    binary_roc(&is_pos, y_score, weights)
}

/// One-vs-rest ROC AUC of probability-like scores (rows summing to 1).
fn ovr_auc<T: Ord + Debug, F: Float>(
    y_true: ArrayView1<'_, T>,
    y_score: ArrayView2<'_, F>,
    average: &Average<T>,
    weights: Option<&[f64]>,
) -> Result<f64> {
    check::same_length(
        y_true.len(),
        y_score.nrows(),
        "rows of y_score (one per sample)",
    )?;
    check::finite(y_score, "y_score")?;
    let classes: Vec<&T> = y_true.iter().collect::<BTreeSet<_>>().into_iter().collect();
    let k = classes.len();
    if k < 2 {
        return Err(only_one_class());
    }
    if y_score.ncols() != k {
        return Err(Error::shape_mismatch(
            "columns of y_score (one per class of y_true, in sorted order)",
            format!("{k} columns"),
            format!("{} columns", y_score.ncols()),
        ));
    }
    for (i, row) in y_score.rows().into_iter().enumerate() {
        let s: f64 = row.iter().map(|v| v.as_f64()).sum();
        if (1.0 - s).abs() > 1e-8 + 1e-5 * s.abs() {
            return Err(Error::InvalidInput(format!(
                "row {i} of y_score sums to {s}; one-vs-rest ROC AUC needs \
                 probabilities summing to 1 over the classes"
            )));
        }
    }
    let y_idx: Vec<usize> = y_true
        .iter()
        .map(|t| classes.binary_search(&t).unwrap_or(0))
        .collect();
    let column = |c: usize| -> Vec<f64> { y_score.column(c).iter().map(|v| v.as_f64()).collect() };
    match average {
        Average::Binary { .. } => Err(Error::invalid_parameter(
            "average",
            "Macro, Weighted or Micro for one-vs-rest ROC AUC",
            "Binary",
        )),
        Average::Micro => {
            // Row-major flattening with each weight repeated per class.
            let is_pos: Vec<bool> = y_idx
                .iter()
                .flat_map(|&y| (0..k).map(move |c| c == y))
                .collect();
            let scores: Vec<f64> = y_score.iter().map(|v| v.as_f64()).collect();
            let rep: Option<Vec<f64>> =
                weights.map(|w| w.iter().flat_map(|&w| std::iter::repeat_n(w, k)).collect());
            Ok(binary_roc(&is_pos, &scores, rep.as_deref())?.auc())
        }
        Average::Macro | Average::Weighted => {
            let mut aucs = Vec::with_capacity(k);
            let mut support = vec![0.0; k];
            for (i, &y) in y_idx.iter().enumerate() {
                support[y] += super::weight_at(weights, i);
            }
            for c in 0..k {
                let is_pos: Vec<bool> = y_idx.iter().map(|&y| y == c).collect();
                aucs.push(binary_roc(&is_pos, &column(c), weights)?.auc());
            }
            if matches!(average, Average::Macro) {
                return Ok(aucs.iter().sum::<f64>() / k as f64);
            }
            let num: f64 = aucs
                .iter()
                .zip(&support)
                .map(|(a, s)| if *s == 0.0 { 0.0 } else { a * s })
                .sum();
            Ok(num / support.iter().sum::<f64>())
        }
    }
}

/// Area under the ROC curve of a binary problem: the probability that a
/// random positive scores above a random negative (ties count half).
///
/// `y_true` holds exactly two labels; the *greater* one is the positive
/// class, and `y_score` are its scores (a probability, a decision function,
/// any monotonic score). Computed by the trapezoidal rule on [`roc_curve`],
/// as scikit-learn does.
///
/// # Errors
/// Empty or mismatched inputs, non-finite scores,
/// [`Error::TooFewClasses`] when only one class is present in `y_true`, and
/// an error for more than two classes (see [`roc_auc_score_ovr`]).
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::roc_auc_score;
///
/// let auc = roc_auc_score(&array![0, 0, 1, 1], &array![0.1, 0.4, 0.35, 0.8])?;
/// assert_eq!(auc, 0.75);
/// assert!(roc_auc_score(&array![1, 1], &array![0.1, 0.4]).is_err()); // one class
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn roc_auc_score<'a, T: Ord + Debug + 'a, F: Float>(
    y_true: impl AsArray<'a, T>,
    y_score: impl AsArray<'a, F>,
) -> Result<f64> {
    let (y_true, y_score) = (y_true.into(), y_score.into());
    check_pair(y_true.len(), y_score.len(), "y_score")?;
    binary_auc(y_true, &finite_values(y_score, "y_score")?, None)
}

/// [`roc_auc_score`] with per-sample weights (zero-weight samples are
/// left out, as in scikit-learn).
///
/// # Errors
/// As [`roc_auc_score`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::roc_auc_score_weighted;
///
/// let w = array![1.0, 1.0, 0.0, 1.0];
/// let auc = roc_auc_score_weighted(&array![0, 0, 1, 1], &array![0.1, 0.4, 0.35, 0.8], &w)?;
/// assert_eq!(auc, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn roc_auc_score_weighted<'a, T: Ord + Debug + 'a, F: Float, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_score: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    let (y_true, y_score) = (y_true.into(), y_score.into());
    check_pair(y_true.len(), y_score.len(), "y_score")?;
    let w = optional_weights(Some(sample_weight.into()), y_true.len())?;
    binary_auc(y_true, &finite_values(y_score, "y_score")?, w.as_deref())
}

/// Multiclass ROC AUC, one-vs-rest (scikit-learn's `multi_class="ovr"`).
///
/// `y_score` is samples x classes, its columns in the sorted order of the
/// labels of `y_true` (every class must occur in `y_true`), each row
/// summing to 1 (probabilities, as scikit-learn requires). `average` is
/// `Macro` (mean of the per-class AUCs), `Weighted` (weighted by class
/// support) or `Micro` (one curve over all sample-class pairs).
///
/// # Errors
/// Empty or mismatched inputs, non-finite scores, a column count that is not
/// the number of classes, rows not summing to 1, a single class, and
/// `Average::Binary`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{roc_auc_score_ovr, Average};
///
/// let y = array![0, 1, 2, 2];
/// let p = array![[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.5, 0.1, 0.4]];
/// assert_eq!(roc_auc_score_ovr(&y, &p, Average::Macro)?, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn roc_auc_score_ovr<'a, T: Ord + Debug + 'a, F: Float>(
    y_true: impl AsArray<'a, T>,
    y_score: impl AsArray<'a, F, Ix2>,
    average: Average<T>,
) -> Result<f64> {
    let y_true = y_true.into();
    check_pair(y_true.len(), y_true.len(), "y_true")?;
    ovr_auc(y_true, y_score.into(), &average, None)
}

/// [`roc_auc_score_ovr`] with per-sample weights.
///
/// # Errors
/// As [`roc_auc_score_ovr`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{roc_auc_score_ovr_weighted, Average};
///
/// let y = array![0, 1, 2, 2];
/// let p = array![[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.5, 0.1, 0.4]];
/// let w = array![1.0, 1.0, 1.0, 2.0];
/// assert_eq!(roc_auc_score_ovr_weighted(&y, &p, Average::Weighted, &w)?, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn roc_auc_score_ovr_weighted<'a, T: Ord + Debug + 'a, F: Float, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_score: impl AsArray<'a, F, Ix2>,
    average: Average<T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    let y_true = y_true.into();
    check_pair(y_true.len(), y_true.len(), "y_true")?;
    let w = optional_weights(Some(sample_weight.into()), y_true.len())?;
    ovr_auc(y_true, y_score.into(), &average, w.as_deref())
}

/// The ROC curve of scores for the class `pos_label` (every other label is
/// negative), as scikit-learn's `roc_curve` with its default
/// `drop_intermediate=True`. [`RocCurve::auc`] gives its area.
///
/// # Errors
/// Empty or mismatched inputs, non-finite scores, a `pos_label` absent from
/// `y_true`, or no negative sample.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::roc_curve;
///
/// let roc = roc_curve(&array![1, 1, 2, 2], &array![0.1, 0.4, 0.35, 0.8], &2)?;
/// assert_eq!(roc.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
/// assert_eq!(roc.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
/// assert_eq!(roc.thresholds[1..], [0.8, 0.4, 0.35, 0.1]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn roc_curve<'a, T: PartialEq + Debug + 'a, F: Float>(
    y_true: impl AsArray<'a, T>,
    y_score: impl AsArray<'a, F>,
    pos_label: &T,
) -> Result<RocCurve> {
    let (y_true, y_score) = (y_true.into(), y_score.into());
    check_pair(y_true.len(), y_score.len(), "y_score")?;
    roc_impl(y_true, &finite_values(y_score, "y_score")?, pos_label, None)
}

/// [`roc_curve`] with per-sample weights (zero-weight samples are left out).
///
/// # Errors
/// As [`roc_curve`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::roc_curve_weighted;
///
/// let w = array![1.0, 1.0, 0.0, 1.0];
/// let roc = roc_curve_weighted(&array![0, 0, 1, 1], &array![0.1, 0.4, 0.35, 0.8], &1, &w)?;
/// assert_eq!(roc.auc(), 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn roc_curve_weighted<'a, T: PartialEq + Debug + 'a, F: Float, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_score: impl AsArray<'a, F>,
    pos_label: &T,
    sample_weight: impl AsArray<'a, W>,
) -> Result<RocCurve> {
    let (y_true, y_score) = (y_true.into(), y_score.into());
    check_pair(y_true.len(), y_score.len(), "y_score")?;
    let w = optional_weights(Some(sample_weight.into()), y_true.len())?;
    roc_impl(
        y_true,
        &finite_values(y_score, "y_score")?,
        pos_label,
        w.as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn ties_count_half() {
        let auc = roc_auc_score(&array![0, 1], &array![0.5, 0.5]).unwrap();
        assert_eq!(auc, 0.5);
        let auc = roc_auc_score(
            &array!["no", "yes", "no", "yes"],
            &array![0.2f32, 0.2, 0.1, 0.9],
        )
        .unwrap();
        assert_eq!(auc, 0.875);
    }

    #[test]
    fn ovr_micro_and_string_labels() {
        let y = array!["a", "b", "c"];
        let p = array![[0.6, 0.2, 0.2], [0.3, 0.4, 0.3], [0.1, 0.1, 0.8]];
        for avg in [Average::Macro, Average::Weighted, Average::Micro] {
            assert_eq!(roc_auc_score_ovr(&y, &p, avg).unwrap(), 1.0);
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let err = roc_auc_score(&array![1, 1, 1], &array![0.1, 0.2, 0.3]).unwrap_err();
        assert!(err.to_string().contains("only one class present in y_true"));
        assert!(roc_auc_score(&array![0, 1, 2], &array![0.1, 0.2, 0.3]).is_err());
        assert!(matches!(
            roc_auc_score(&array![0, 1], &array![0.1, f64::NAN]),
            Err(Error::NonFinite { .. })
        ));
        assert!(matches!(
            roc_auc_score(&array![0, 1], &array![0.1]),
            Err(Error::ShapeMismatch { .. })
        ));
        let empty: [i32; 0] = [];
        let no_scores: [f64; 0] = [];
        assert!(matches!(
            roc_auc_score(&empty[..], &no_scores[..]),
            Err(Error::EmptyData { .. })
        ));
        // Zero weights remove every negative sample.
        let w = array![0.0, 1.0];
        assert!(roc_auc_score_weighted(&array![0, 1], &array![0.1, 0.2], &w).is_err());
        assert!(roc_auc_score_weighted(&array![0, 1], &array![0.1, 0.2], &array![1.0]).is_err());

        assert!(roc_curve(&array![0, 0], &array![0.1, 0.2], &1).is_err());
        assert!(roc_curve(&array![1, 1], &array![0.1, 0.2], &1).is_err());

        let y = array![0, 1, 2];
        let p = array![[0.6, 0.2, 0.2], [0.3, 0.4, 0.3], [0.1, 0.1, 0.8]];
        let bad_sum = array![[0.6, 0.2, 0.3], [0.3, 0.4, 0.3], [0.1, 0.1, 0.8]];
        let two_cols = array![[0.6, 0.4], [0.3, 0.7], [0.1, 0.9]];
        assert!(roc_auc_score_ovr(&y, &bad_sum, Average::Macro).is_err());
        assert!(matches!(
            roc_auc_score_ovr(&y, &two_cols, Average::Macro),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            roc_auc_score_ovr(&array![0, 1], &p, Average::Macro),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            roc_auc_score_ovr(&y, &p, Average::Binary { pos_label: 1 }),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(roc_auc_score_ovr(&array![1, 1, 1], &p, Average::Macro).is_err());
        let mut nan = p.clone();
        nan[[1, 1]] = f64::NAN;
        assert!(matches!(
            roc_auc_score_ovr(&y, &nan, Average::Macro),
            Err(Error::NonFinite { .. })
        ));
    }
}
