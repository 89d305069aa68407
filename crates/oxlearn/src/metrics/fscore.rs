//! Precision, recall and F-scores, per class or averaged.

use std::fmt::Debug;

use ndarray::{Array2, AsArray, Axis};

use super::classification::{Encoded, encode_pair};
use super::sample_weights;
use crate::error::{Error, Result};
use crate::float::Float;

/// How per-class precision, recall and F-scores (and one-vs-rest ROC AUC)
/// are combined into one number.
///
/// The classes are the sorted union of the labels of `y_true` and `y_pred`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Average<T> {
    /// The score of the class `pos_label` alone: scikit-learn's
    /// `average="binary"` (its default, with `pos_label=1`). Only for
    /// binary targets: more than two labels in `y_true` and `y_pred` is an
    /// error, and so is a `pos_label` that is not one of two labels present.
    Binary {
        /// The positive class.
        pos_label: T,
    },
    /// The unweighted mean of the per-class scores.
    Macro,
    /// The score of the summed true positives, false positives and false
    /// negatives of all classes (for single-label multiclass targets, micro
    /// precision = micro recall = accuracy).
    Micro,
    /// The mean of the per-class scores weighted by their support (the
    /// (weighted) number of true samples of each class).
    Weighted,
}

/// Per-class precision, recall, F-score and support, in the order of
/// `labels` (the sorted union of the labels of `y_true` and `y_pred`).
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionRecallFscore<T> {
    /// The classes.
    pub labels: Vec<T>,
    /// `tp / (tp + fp)` of each class (0 when nothing was predicted as it).
    pub precision: Vec<f64>,
    /// `tp / (tp + fn)` of each class (0 when it never occurs in `y_true`).
    pub recall: Vec<f64>,
    /// The F-beta score of each class (0 when undefined).
    pub fscore: Vec<f64>,
    /// The number (or total weight) of samples of each class in `y_true`.
    pub support: Vec<f64>,
}

/// `num / den`, or 0 (scikit-learn's default `zero_division`) when `den` is 0.
fn divide(num: f64, den: f64) -> f64 {
    if den == 0.0 { 0.0 } else { num / den }
}

/// Precision, recall and F-beta from true positives and the predicted and
/// true totals.
fn scores(tp: f64, predicted: f64, actual: f64, beta: f64) -> [f64; 3] {
    let precision = divide(tp, predicted);
    let recall = divide(tp, actual);
    let f = if beta.is_infinite() {
        recall
    } else if beta == 0.0 {
        precision
    } else {
        let b2 = beta * beta;
        divide((1.0 + b2) * tp, b2 * actual + predicted)
    };
    [precision, recall, f]
}

fn check_beta(beta: f64) -> Result<()> {
    if beta.is_nan() || beta < 0.0 {
        return Err(Error::invalid_parameter(
            "beta",
            "a value >= 0 (infinity allowed)",
            beta,
        ));
    }
    Ok(())
}

/// True positives, predicted totals and true totals of each class.
fn class_sums(cm: &Array2<f64>) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    (
        cm.diag().to_vec(),
        cm.sum_axis(Axis(0)).to_vec(),
        cm.sum_axis(Axis(1)).to_vec(),
    )
}

fn per_class<T>(enc: &Encoded<'_, T>, w: Option<&[f64]>, beta: f64) -> Result<[Vec<f64>; 4]> {
    check_beta(beta)?;
    let (tp, predicted, actual) = class_sums(&enc.confusion(w));
    let mut out = [vec![], vec![], vec![], actual.clone()];
    for c in 0..tp.len() {
        let s = scores(tp[c], predicted[c], actual[c], beta);
        for (o, v) in out.iter_mut().zip(s) {
            o.push(v);
        }
    }
    Ok(out)
}

/// Precision, recall and F-beta combined as `average` says.
fn averaged<T: Ord + Debug>(
    enc: &Encoded<'_, T>,
    w: Option<&[f64]>,
    beta: f64,
    average: &Average<T>,
) -> Result<[f64; 3]> {
    check_beta(beta)?;
    let (tp, predicted, actual) = class_sums(&enc.confusion(w));
    let k = tp.len();
    match average {
        Average::Binary { pos_label } => {
            if k > 2 {
                return Err(Error::InvalidInput(format!(
                    "average is Binary but y_true and y_pred hold {k} labels {:?}; \
                     use Macro, Micro or Weighted for multiclass targets",
                    enc.labels
                )));
            }
            match enc.labels.binary_search(&pos_label) {
                Ok(c) => Ok(scores(tp[c], predicted[c], actual[c], beta)),
                // scikit-learn accepts a missing pos_label when fewer than two
                // labels are present: every count is then 0.
                Err(_) if k < 2 => Ok([0.0; 3]),
                Err(_) => Err(Error::Unknown {
                    what: "pos_label".to_string(),
                    value: format!("{pos_label:?}; it should be one of {:?}", enc.labels),
                }),
            }
        }
        Average::Micro => Ok(scores(
            tp.iter().sum(),
            predicted.iter().sum(),
            actual.iter().sum(),
            beta,
        )),
        Average::Macro | Average::Weighted => {
            let per: Vec<[f64; 3]> = (0..k)
                .map(|c| scores(tp[c], predicted[c], actual[c], beta))
                .collect();
            let total: f64 = actual.iter().sum();
            let weights: Vec<f64> = if matches!(average, Average::Weighted) && total != 0.0 {
                actual
            } else {
                vec![1.0; k]
            };
            let sum_w: f64 = weights.iter().sum();
            let mut out = [0.0; 3];
            for (j, o) in out.iter_mut().enumerate() {
                let num: f64 = per.iter().zip(&weights).map(|(s, w)| s[j] * w).sum();
                *o = num / sum_w;
            }
            Ok(out)
        }
    }
}

fn prfs<T: Ord + Clone>(
    enc: Encoded<'_, T>,
    w: Option<&[f64]>,
    beta: f64,
) -> Result<PrecisionRecallFscore<T>> {
    let [precision, recall, fscore, support] = per_class(&enc, w, beta)?;
    Ok(PrecisionRecallFscore {
        labels: enc.labels.into_iter().cloned().collect(),
        precision,
        recall,
        fscore,
        support,
    })
}

/// Per-class precision, recall, F-beta score and support (scikit-learn's
/// `precision_recall_fscore_support` with `average=None`). `beta` weighs
/// recall `beta` times as much as precision: 1 gives F1, infinity recall.
///
/// # Errors
/// Empty or mismatched inputs; a negative or NaN `beta`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::precision_recall_fscore_support;
///
/// let prf = precision_recall_fscore_support(&array![0, 1, 1, 2], &array![0, 1, 2, 2], 1.0)?;
/// assert_eq!(prf.labels, vec![0, 1, 2]);
/// assert_eq!(prf.precision, vec![1.0, 1.0, 0.5]);
/// assert_eq!(prf.recall, vec![1.0, 0.5, 1.0]);
/// assert_eq!(prf.support, vec![1.0, 2.0, 1.0]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn precision_recall_fscore_support<'a, T: Ord + Clone + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    beta: f64,
) -> Result<PrecisionRecallFscore<T>> {
    prfs(encode_pair(y_true.into(), y_pred.into())?, None, beta)
}

/// [`precision_recall_fscore_support`] with per-sample weights (the
/// support is then the total weight of each class).
///
/// # Errors
/// As [`precision_recall_fscore_support`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::precision_recall_fscore_support_weighted;
///
/// let w = array![1.0, 3.0, 1.0];
/// let prf = precision_recall_fscore_support_weighted(&array![0, 1, 1], &array![0, 1, 0], 1.0, &w)?;
/// assert_eq!(prf.precision, vec![0.5, 1.0]);
/// assert_eq!(prf.support, vec![1.0, 4.0]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn precision_recall_fscore_support_weighted<'a, T: Ord + Clone + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    beta: f64,
    sample_weight: impl AsArray<'a, W>,
) -> Result<PrecisionRecallFscore<T>> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    let w = sample_weights(sample_weight.into(), enc.y_true.len())?;
    prfs(enc, Some(&w), beta)
}

fn score_of<'a, T: Ord + Debug + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    beta: f64,
    average: &Average<T>,
    sample_weight: Option<ndarray::ArrayView1<'a, W>>,
) -> Result<[f64; 3]> {
    let enc = encode_pair(y_true.into(), y_pred.into())?;
    let w = match sample_weight {
        Some(w) => Some(sample_weights(w, enc.y_true.len())?),
        None => None,
    };
    averaged(&enc, w.as_deref(), beta, average)
}

/// Precision `tp / (tp + fp)`: the fraction of the predictions of a class
/// that are right, combined over classes by `average`. 0 where nothing was
/// predicted as the class.
///
/// # Errors
/// Empty or mismatched inputs; `Average::Binary` with more than two labels
/// or with a `pos_label` that is not one of the two labels present.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{precision_score, Average};
///
/// let (y_true, y_pred) = (array![0, 1, 1, 0], array![1, 1, 1, 0]);
/// assert_eq!(precision_score(&y_true, &y_pred, Average::Binary { pos_label: 1 })?, 2.0 / 3.0);
/// assert_eq!(precision_score(&y_true, &y_pred, Average::Macro)?, (2.0 / 3.0 + 1.0) / 2.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn precision_score<'a, T: Ord + Debug + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    average: Average<T>,
) -> Result<f64> {
    score_of::<T, f64>(y_true, y_pred, 1.0, &average, None).map(|s| s[0])
}

/// [`precision_score`] with per-sample weights.
///
/// # Errors
/// As [`precision_score`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{precision_score_weighted, Average};
///
/// let w = array![1.0, 1.0, 3.0, 1.0];
/// let p = precision_score_weighted(&array![0, 1, 1, 0], &array![1, 1, 1, 0], Average::Micro, &w)?;
/// assert_eq!(p, 5.0 / 6.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn precision_score_weighted<'a, T: Ord + Debug + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    average: Average<T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    score_of(y_true, y_pred, 1.0, &average, Some(sample_weight.into())).map(|s| s[0])
}

/// Recall `tp / (tp + fn)`: the fraction of the samples of a class that
/// are found, combined over classes by `average`. 0 for a class absent from
/// `y_true`.
///
/// # Errors
/// As [`precision_score`].
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{recall_score, Average};
///
/// let r = recall_score(&array!["a", "b", "b"], &array!["a", "a", "b"], Average::Binary { pos_label: "b" })?;
/// assert_eq!(r, 0.5);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn recall_score<'a, T: Ord + Debug + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    average: Average<T>,
) -> Result<f64> {
    score_of::<T, f64>(y_true, y_pred, 1.0, &average, None).map(|s| s[1])
}

/// [`recall_score`] with per-sample weights.
///
/// # Errors
/// As [`recall_score`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{recall_score_weighted, Average};
///
/// let w = array![1.0, 1.0, 3.0];
/// let r = recall_score_weighted(&array![0, 1, 1], &array![0, 0, 1], Average::Binary { pos_label: 1 }, &w)?;
/// assert_eq!(r, 0.75);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn recall_score_weighted<'a, T: Ord + Debug + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    average: Average<T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    score_of(y_true, y_pred, 1.0, &average, Some(sample_weight.into())).map(|s| s[1])
}

/// F1 score, the harmonic mean of precision and recall
/// (`2 tp / (2 tp + fp + fn)` per class), combined over classes by `average`.
///
/// # Errors
/// As [`precision_score`].
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{f1_score, Average};
///
/// let f1 = f1_score(&array![0, 1, 1, 0], &array![1, 1, 1, 0], Average::Binary { pos_label: 1 })?;
/// assert_eq!(f1, 0.8);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn f1_score<'a, T: Ord + Debug + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    average: Average<T>,
) -> Result<f64> {
    score_of::<T, f64>(y_true, y_pred, 1.0, &average, None).map(|s| s[2])
}

/// [`f1_score`] with per-sample weights.
///
/// # Errors
/// As [`f1_score`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{f1_score_weighted, Average};
///
/// let w = array![0.0, 1.0, 1.0, 1.0];
/// let f1 = f1_score_weighted(&array![0, 1, 1, 0], &array![1, 1, 1, 0], Average::Weighted, &w)?;
/// assert_eq!(f1, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn f1_score_weighted<'a, T: Ord + Debug + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    average: Average<T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    score_of(y_true, y_pred, 1.0, &average, Some(sample_weight.into())).map(|s| s[2])
}

/// F-beta score: `(1 + beta^2) tp / ((1 + beta^2) tp + beta^2 fn + fp)` per
/// class, combined over classes by `average`. `beta < 1` favours precision,
/// `beta > 1` recall; `beta = 0` is precision and `beta = infinity` recall.
///
/// # Errors
/// As [`precision_score`]; a negative or NaN `beta`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{fbeta_score, Average};
///
/// let f = fbeta_score(&array![0, 1, 1, 0], &array![1, 1, 1, 0], 2.0, Average::Binary { pos_label: 1 })?;
/// assert!((f - 10.0 / 11.0).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn fbeta_score<'a, T: Ord + Debug + 'a>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    beta: f64,
    average: Average<T>,
) -> Result<f64> {
    score_of::<T, f64>(y_true, y_pred, beta, &average, None).map(|s| s[2])
}

/// [`fbeta_score`] with per-sample weights.
///
/// # Errors
/// As [`fbeta_score`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::{fbeta_score_weighted, Average};
///
/// let w = array![1.0, 1.0, 1.0, 1.0];
/// let f = fbeta_score_weighted(&array![0, 1, 1, 0], &array![1, 1, 1, 0], 0.0, Average::Macro, &w)?;
/// assert_eq!(f, (2.0 / 3.0 + 1.0) / 2.0); // beta = 0: precision
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn fbeta_score_weighted<'a, T: Ord + Debug + 'a, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_pred: impl AsArray<'a, T>,
    beta: f64,
    average: Average<T>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    score_of(y_true, y_pred, beta, &average, Some(sample_weight.into())).map(|s| s[2])
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    use super::*;

    #[test]
    fn zero_division_gives_zero() {
        let (t, p) = (array![0, 1, 1, 0], array![0, 0, 0, 0]);
        let binary = Average::Binary { pos_label: 1 };
        assert_eq!(precision_score(&t, &p, binary.clone()).unwrap(), 0.0);
        assert_eq!(recall_score(&t, &p, binary.clone()).unwrap(), 0.0);
        assert_eq!(f1_score(&t, &p, binary).unwrap(), 0.0);
        // Only one label present and pos_label absent: every count is 0.
        let absent = Average::Binary { pos_label: 1 };
        assert_eq!(f1_score(&array![0, 0], &array![0, 0], absent).unwrap(), 0.0);
    }

    #[test]
    fn micro_is_accuracy_for_multiclass() {
        let (t, p) = (array![0, 1, 2, 2, 1], array![0, 2, 2, 1, 1]);
        for s in [precision_score, recall_score, f1_score] {
            assert_abs_diff_eq!(s(&t, &p, Average::Micro).unwrap(), 0.6);
        }
    }

    #[test]
    fn beta_limits() {
        let (t, p) = (array![0, 1, 1, 0, 1], array![1, 1, 0, 0, 1]);
        let avg = || Average::Binary { pos_label: 1 };
        let r = recall_score(&t, &p, avg()).unwrap();
        let pr = precision_score(&t, &p, avg()).unwrap();
        assert_eq!(fbeta_score(&t, &p, f64::INFINITY, avg()).unwrap(), r);
        assert_eq!(fbeta_score(&t, &p, 0.0, avg()).unwrap(), pr);
        assert_abs_diff_eq!(
            fbeta_score(&t, &p, 1.0, avg()).unwrap(),
            f1_score(&t, &p, avg()).unwrap()
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let (t, p) = (array![0, 1, 2], array![0, 1, 1]);
        let err = f1_score(&t, &p, Average::Binary { pos_label: 1 }).unwrap_err();
        assert!(err.to_string().contains("3 labels"));
        let err = f1_score(
            &array![0, 1],
            &array![0, 1],
            Average::Binary { pos_label: 5 },
        )
        .unwrap_err();
        assert!(matches!(err, Error::Unknown { .. }), "{err}");
        assert!(fbeta_score(&t, &p, -1.0, Average::Macro).is_err());
        assert!(fbeta_score(&t, &p, f64::NAN, Average::Macro).is_err());
        assert!(precision_recall_fscore_support(&t, &p, -0.5).is_err());
        assert!(matches!(
            precision_score(&t, &array![0], Average::Macro),
            Err(Error::ShapeMismatch { .. })
        ));
        let empty: [i32; 0] = [];
        assert!(matches!(
            recall_score(&empty[..], &empty[..], Average::Macro),
            Err(Error::EmptyData { .. })
        ));
        assert!(f1_score_weighted(&t, &p, Average::Macro, &array![1.0, -1.0, 1.0]).is_err());
        assert!(precision_recall_fscore_support_weighted(&t, &p, 1.0, &array![1.0]).is_err());
    }
}
