//! Losses of predicted probabilities: log loss and the Brier score.

use std::collections::BTreeSet;
use std::fmt::Debug;

use ndarray::{ArrayView1, ArrayView2, AsArray, Ix2};

use super::classification::optional_weights;
use super::{average, check_pair, finite_values};
use crate::check;
use crate::error::{Error, Result};
use crate::float::Float;

/// Every value in `[0, 1]` (after the finiteness check).
fn check_probabilities(values: impl Iterator<Item = f64>, what: &str) -> Result<()> {
    for (i, p) in values.enumerate() {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidInput(format!(
                "{what} holds {p} (element {i}); probabilities must lie in [0, 1]"
            )));
        }
    }
    Ok(())
}

fn log_loss_impl<T: Ord + Debug, F: Float>(
    y_true: ArrayView1<'_, T>,
    y_prob: ArrayView2<'_, F>,
    labels: Option<&[T]>,
    weights: Option<&[f64]>,
) -> Result<f64> {
    check_pair(y_true.len(), y_prob.nrows(), "rows of y_prob")?;
    check::finite(y_prob, "y_prob")?;
    check_probabilities(y_prob.iter().map(|p| p.as_f64()), "y_prob")?;
    let classes: Vec<&T> = match labels {
        Some(labels) => {
            if let Some(w) = labels.windows(2).find(|w| w[0] >= w[1]) {
                return Err(Error::InvalidInput(format!(
                    "labels must be sorted ascending without repeats, as the columns of \
                     y_prob; {:?} comes before {:?}",
                    w[0], w[1]
                )));
            }
            labels.iter().collect()
        }
        None => y_true.iter().collect::<BTreeSet<_>>().into_iter().collect(),
    };
    if classes.len() < 2 {
        return Err(Error::TooFewClasses {
            what: "log_loss labels (pass every class through `labels` when y_true \
                   holds only one)"
                .to_string(),
            needed: 2,
            actual: classes.len(),
        });
    }
    if y_prob.ncols() != classes.len() {
        return Err(Error::shape_mismatch(
            "columns of y_prob (one per class, in sorted label order)",
            format!("{} columns", classes.len()),
            format!("{} columns", y_prob.ncols()),
        ));
    }
    let eps = F::epsilon().as_f64();
    let mut losses = Vec::with_capacity(y_true.len());
    for (i, t) in y_true.iter().enumerate() {
        let c = classes.binary_search(&t).map_err(|_| Error::Unknown {
            what: "label in y_true (not among `labels`)".to_string(),
            value: format!("{t:?}"),
        })?;
        let p = y_prob[[i, c]].as_f64().clamp(eps, 1.0 - eps);
        losses.push(-p.ln());
    }
    Ok(average(losses.into_iter(), weights))
}

fn brier_impl<T: Ord + Debug, F: Float>(
    y_true: ArrayView1<'_, T>,
    y_proba: ArrayView1<'_, F>,
    pos_label: &T,
    weights: Option<&[f64]>,
) -> Result<f64> {
    check_pair(y_true.len(), y_proba.len(), "y_proba")?;
    let p = finite_values(y_proba, "y_proba")?;
    check_probabilities(p.iter().copied(), "y_proba")?;
    let labels: BTreeSet<&T> = y_true.iter().collect();
    if labels.len() > 2 {
        return Err(Error::InvalidInput(format!(
            "brier_score_loss is binary but y_true holds {} classes",
            labels.len()
        )));
    }
    if labels.len() == 2 && !labels.contains(pos_label) {
        return Err(Error::Unknown {
            what: "pos_label".to_string(),
            value: format!("{pos_label:?}; it should be one of {labels:?}"),
        });
    }
    // The sum over both columns (negative, positive), halved, as scikit-learn.
    let terms = y_true.iter().zip(&p).map(|(t, &p)| {
        let y = if t == pos_label { 1.0 } else { 0.0 };
        ((1.0 - y) - (1.0 - p)).powi(2) + (y - p).powi(2)
    });
    Ok(average(terms, weights) * 0.5)
}

/// Log loss (cross-entropy) of predicted probabilities: the mean of
/// `-ln p[i, class of y_true[i]]`.
///
/// `y_prob` is samples x classes with its columns in the sorted order of
/// the classes: the labels of `y_true`, or `labels` when given (needed when
/// `y_true` lacks some of the model's classes; must be sorted and distinct).
/// Probabilities are clipped to `[eps, 1 - eps]` with `eps` the machine
/// epsilon of `F`, as scikit-learn 1.7 does; rows are used as given (not
/// renormalised).
///
/// # Errors
/// Empty or mismatched inputs, non-finite probabilities or outside
/// `[0, 1]`, a column count that is not the number of classes, fewer than
/// two classes, unsorted `labels`, and a label of `y_true` missing from
/// `labels`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::log_loss;
///
/// let y = array!["ham", "spam", "spam", "ham"];
/// let p = array![[0.9, 0.1], [0.1, 0.9], [0.2, 0.8], [0.65, 0.35]];
/// let loss = log_loss(&y, &p, None)?;
/// assert!((loss - 0.216_161_874_680_579_12).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn log_loss<'a, T: Ord + Debug + 'a, F: Float>(
    y_true: impl AsArray<'a, T>,
    y_prob: impl AsArray<'a, F, Ix2>,
    labels: Option<&[T]>,
) -> Result<f64> {
    log_loss_impl(y_true.into(), y_prob.into(), labels, None)
}

/// [`log_loss`] with per-sample weights.
///
/// # Errors
/// As [`log_loss`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::log_loss_weighted;
///
/// let p = array![[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]];
/// let loss = log_loss_weighted(&array![0, 2], &p, Some(&[0, 1, 2]), &array![1.0, 1.0])?;
/// assert!((loss - 0.5 * 2f64.ln()).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn log_loss_weighted<'a, T: Ord + Debug + 'a, F: Float, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_prob: impl AsArray<'a, F, Ix2>,
    labels: Option<&[T]>,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    let y_true = y_true.into();
    let w = optional_weights(Some(sample_weight.into()), y_true.len())?;
    log_loss_impl(y_true, y_prob.into(), labels, w.as_deref())
}

/// Brier score of a binary problem: the mean squared difference between
/// the predicted probability of the class `pos_label` and the outcome (1
/// for `pos_label`, 0 otherwise). 0 is perfect.
///
/// # Errors
/// Empty or mismatched inputs, non-finite probabilities or outside
/// `[0, 1]`, more than two labels in `y_true`, and a `pos_label` that is not
/// one of its two labels.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::brier_score_loss;
///
/// let y = array!["ham", "spam", "spam", "ham"];
/// let p_spam = array![0.1, 0.9, 0.8, 0.3];
/// assert!((brier_score_loss(&y, &p_spam, &"spam")? - 0.0375).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn brier_score_loss<'a, T: Ord + Debug + 'a, F: Float>(
    y_true: impl AsArray<'a, T>,
    y_proba: impl AsArray<'a, F>,
    pos_label: &T,
) -> Result<f64> {
    brier_impl(y_true.into(), y_proba.into(), pos_label, None)
}

/// [`brier_score_loss`] with per-sample weights.
///
/// # Errors
/// As [`brier_score_loss`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::brier_score_loss_weighted;
///
/// let w = array![1.0, 0.0];
/// let b = brier_score_loss_weighted(&array![0, 1], &array![0.5, 0.0], &1, &w)?;
/// assert_eq!(b, 0.25);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn brier_score_loss_weighted<'a, T: Ord + Debug + 'a, F: Float, W: Float>(
    y_true: impl AsArray<'a, T>,
    y_proba: impl AsArray<'a, F>,
    pos_label: &T,
    sample_weight: impl AsArray<'a, W>,
) -> Result<f64> {
    let y_true = y_true.into();
    let w = optional_weights(Some(sample_weight.into()), y_true.len())?;
    brier_impl(y_true, y_proba.into(), pos_label, w.as_deref())
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use super::*;

    #[test]
    fn log_loss_clips_zero_probabilities() {
        let loss = log_loss(&array![0, 1], &array![[1.0, 0.0], [1.0, 0.0]], None).unwrap();
        let eps = f64::EPSILON;
        assert_eq!(loss, (-(1.0 - eps).ln() - eps.ln()) / 2.0);
        let loss32 = log_loss(&array![0, 1], &array![[1.0f32, 0.0], [1.0, 0.0]], None).unwrap();
        assert!(loss32 < loss);
    }

    #[test]
    fn brier_for_the_other_class() {
        let y = array![0, 1, 1];
        let p1 = array![0.2, 0.6, 0.9];
        let p0 = p1.mapv(|p: f64| 1.0 - p);
        let a = brier_score_loss(&y, &p1, &1).unwrap();
        let b = brier_score_loss(&y, &p0, &0).unwrap();
        assert!((a - b).abs() < 1e-15);
        // One label only: any pos_label is accepted.
        assert_eq!(
            brier_score_loss(&array![0, 0], &array![0.0, 0.0], &1).unwrap(),
            0.0
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let y = array![0, 1];
        let p = array![[0.5, 0.5], [0.2, 0.8]];
        assert!(log_loss(&y, &p, None).is_ok());
        assert!(matches!(
            log_loss(&y, &array![[0.5, 0.5]], None),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            log_loss(&y, &array![[0.5, 0.3, 0.2], [0.2, 0.7, 0.1]], None),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            log_loss(&array![1, 1], &p, None),
            Err(Error::TooFewClasses { .. })
        ));
        assert!(log_loss(&array![1, 1], &p, Some(&[0, 1])).is_ok());
        assert!(log_loss(&y, &p, Some(&[1, 0])).is_err());
        assert!(matches!(
            log_loss(&array![0, 7], &p, Some(&[0, 1])),
            Err(Error::Unknown { .. })
        ));
        assert!(log_loss(&y, &array![[1.5, -0.5], [0.2, 0.8]], None).is_err());
        assert!(matches!(
            log_loss(&y, &array![[f64::NAN, 0.5], [0.2, 0.8]], None),
            Err(Error::NonFinite { .. })
        ));
        let empty_y: [i32; 0] = [];
        assert!(matches!(
            log_loss(&empty_y[..], &Array2::<f64>::zeros((0, 2)), None),
            Err(Error::EmptyData { .. })
        ));
        assert!(log_loss_weighted(&y, &p, None, &array![1.0, -1.0]).is_err());

        let p1 = array![0.3, 0.9];
        assert!(brier_score_loss(&y, &p1, &1).is_ok());
        assert!(matches!(
            brier_score_loss(&y, &p1, &5),
            Err(Error::Unknown { .. })
        ));
        assert!(brier_score_loss(&array![0, 1, 2], &array![0.1, 0.2, 0.3], &1).is_err());
        assert!(brier_score_loss(&y, &array![0.3, 1.1], &1).is_err());
        assert!(brier_score_loss(&y, &array![0.3, f64::INFINITY], &1).is_err());
        assert!(brier_score_loss(&y, &array![0.3], &1).is_err());
        assert!(brier_score_loss_weighted(&y, &p1, &1, &array![0.0, 0.0]).is_err());
    }
}
