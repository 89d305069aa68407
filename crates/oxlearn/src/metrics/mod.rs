//! Evaluation metrics with scikit-learn's names, defaults and edge cases.
//!
//! | family | functions |
//! |---|---|
//! | regression | [`r2_score`], [`mean_squared_error`], [`root_mean_squared_error`], [`mean_absolute_error`], [`median_absolute_error`], [`explained_variance_score`], [`max_error`], [`mean_absolute_percentage_error`] |
//! | classification (labels) | [`accuracy_score`], [`balanced_accuracy_score`], [`precision_score`], [`recall_score`], [`f1_score`], [`fbeta_score`], [`precision_recall_fscore_support`], [`confusion_matrix`], [`matthews_corrcoef`] |
//! | classification (scores, probabilities) | [`log_loss`], [`brier_score_loss`], [`roc_auc_score`], [`roc_auc_score_ovr`], [`roc_curve`] |
//! | clustering | [`adjusted_rand_score`], [`normalized_mutual_info_score`], [`silhouette_score`], [`silhouette_samples`] |
//!
//! Every function is checked against scikit-learn 1.7 on real data sets (see
//! `tests/metrics_reference.rs`): results agree to 1e-10.
//!
//! # Conventions
//!
//! - **Inputs** are anything that views as a one-dimensional ndarray
//!   ([`AsArray`](ndarray::AsArray)): `&Array1<T>`, `ArrayView1<T>`, or a
//!   slice `&[T]`. Probabilities and records are two-dimensional
//!   (samples x columns). `y_true` always comes first, as in scikit-learn.
//! - **Values** (targets, predictions, scores, probabilities, records) are
//!   any [`Float`]; every result is an `f64`, computed in `f64`.
//! - **Labels** (classification and clustering) are any `Ord + Clone + Debug`
//!   type: integers, strings, bools. The classes are the *sorted union* of
//!   the labels in `y_true` and `y_pred`, as in scikit-learn; per-class
//!   results ([`confusion_matrix`], [`precision_recall_fscore_support`]) come
//!   with that label order.
//! - **Sample weights**: every metric that takes `sample_weight` in
//!   scikit-learn has a `_weighted` twin taking it as an extra last argument,
//!   for example [`r2_score_weighted`] or [`f1_score_weighted`]. Weights must
//!   be finite and `>= 0` with a positive sum, one per sample (the same rule
//!   as [`Dataset::with_weights`](crate::Dataset::with_weights)); they may be
//!   any [`Float`] type (for regression, the type of the values).
//!   [`max_error`] and the clustering metrics take no weights, as in
//!   scikit-learn.
//! - **Averaging** of the precision / recall / F-scores and of one-vs-rest
//!   ROC AUC is chosen by [`Average`]: `Binary { pos_label }` (the score of
//!   one class; scikit-learn's default with `pos_label=1`), `Macro`
//!   (unweighted mean over classes), `Micro` (from the summed counts) and
//!   `Weighted` (mean weighted by each class's support).
//! - **Undefined values** follow scikit-learn's defaults: a precision,
//!   recall or F-score whose denominator is zero is `0.0`
//!   (`zero_division="warn"`, without the warning); R^2 and explained
//!   variance use `force_finite=True` (a constant `y_true` scores `1.0` when
//!   predicted perfectly, `0.0` otherwise); single-output targets only.
//!   Where scikit-learn would warn and return NaN (R^2 of one sample, ROC AUC
//!   with one class in `y_true`), these functions return an error instead.
//! - **Errors**: bad input is never a panic. Empty inputs, mismatched
//!   lengths, NaN or infinite values, negative weights, probabilities
//!   outside `[0, 1]` or of the wrong shape, an unknown `pos_label` and too
//!   few classes each return an [`Error`] naming the problem.
//!
//! ```
//! use ndarray::array;
//! use oxlearn::metrics::{f1_score, f1_score_weighted, Average};
//!
//! let y_true = array!["cat", "dog", "dog", "bird"];
//! let y_pred = array!["cat", "dog", "cat", "bird"];
//! let macro_f1 = f1_score(&y_true, &y_pred, Average::Macro)?;
//! assert!((macro_f1 - (2.0 / 3.0 + 2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-12);
//!
//! let weights = array![1.0, 1.0, 0.0, 1.0];
//! assert_eq!(f1_score_weighted(&y_true, &y_pred, Average::Macro, &weights)?, 1.0);
//! # Ok::<(), oxlearn::Error>(())
//! ```

use ndarray::ArrayView1;

use crate::check;
use crate::error::{Error, Result};
use crate::float::Float;

mod classification;
mod clustering;
mod fscore;
mod probabilistic;
mod ranking;
mod regression;

pub use classification::{
    ConfusionMatrix, accuracy_score, accuracy_score_weighted, balanced_accuracy_score,
    balanced_accuracy_score_weighted, confusion_matrix, confusion_matrix_weighted,
    matthews_corrcoef, matthews_corrcoef_weighted,
};
pub use clustering::{
    adjusted_rand_score, normalized_mutual_info_score, silhouette_samples, silhouette_score,
};
pub use fscore::{
    Average, PrecisionRecallFscore, f1_score, f1_score_weighted, fbeta_score, fbeta_score_weighted,
    precision_recall_fscore_support, precision_recall_fscore_support_weighted, precision_score,
    precision_score_weighted, recall_score, recall_score_weighted,
};
pub use probabilistic::{brier_score_loss, brier_score_loss_weighted, log_loss, log_loss_weighted};
pub use ranking::{
    RocCurve, roc_auc_score, roc_auc_score_ovr, roc_auc_score_ovr_weighted, roc_auc_score_weighted,
    roc_curve, roc_curve_weighted,
};
pub use regression::{
    explained_variance_score, explained_variance_score_weighted, max_error, mean_absolute_error,
    mean_absolute_error_weighted, mean_absolute_percentage_error,
    mean_absolute_percentage_error_weighted, mean_squared_error, mean_squared_error_weighted,
    median_absolute_error, median_absolute_error_weighted, r2_score, r2_score_weighted,
    root_mean_squared_error, root_mean_squared_error_weighted,
};

/// `y_true` must be non-empty and `y_pred` (or the scores) as long.
fn check_pair(n_true: usize, n_pred: usize, pred_name: &str) -> Result<()> {
    if n_true == 0 {
        return Err(Error::empty("y_true has no samples"));
    }
    check::same_length(
        n_true,
        n_pred,
        &format!("{pred_name} (one per sample of y_true)"),
    )
}

/// Finite values as `f64`.
fn finite_values<F: Float>(values: ArrayView1<'_, F>, what: &str) -> Result<Vec<f64>> {
    check::finite_1d(values, what)?;
    Ok(values.iter().map(|v| v.as_f64()).collect())
}

/// Validated sample weights as `f64`: one per sample, finite, `>= 0`, with a
/// positive sum.
fn sample_weights<W: Float>(weights: ArrayView1<'_, W>, n_samples: usize) -> Result<Vec<f64>> {
    check::same_length(
        n_samples,
        weights.len(),
        "sample_weight (one weight per sample)",
    )?;
    check::finite_1d(weights, "sample_weight")?;
    if let Some(i) = weights.iter().position(|w| *w < W::zero()) {
        return Err(Error::InvalidInput(format!(
            "sample_weight[{i}] is {}; weights must be finite and >= 0",
            weights[i]
        )));
    }
    let w: Vec<f64> = weights.iter().map(|w| w.as_f64()).collect();
    if w.iter().sum::<f64>() <= 0.0 {
        return Err(Error::InvalidInput(
            "sample weights sum to 0; at least one weight must be positive".to_string(),
        ));
    }
    Ok(w)
}

/// The weight of sample `i` (1 without weights).
#[inline]
fn weight_at(weights: Option<&[f64]>, i: usize) -> f64 {
    weights.map_or(1.0, |w| w[i])
}

/// The mean of `values`, weighted as `numpy.average` does
/// (`sum(v * w) / sum(w)`).
fn average(values: impl Iterator<Item = f64>, weights: Option<&[f64]>) -> f64 {
    match weights {
        None => {
            let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            sum / n as f64
        }
        Some(w) => {
            let num: f64 = values.zip(w).map(|(v, w)| v * w).sum();
            num / w.iter().sum::<f64>()
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn weights_are_validated() {
        assert!(sample_weights(array![1.0, 2.0].view(), 2).is_ok());
        assert!(matches!(
            sample_weights(array![1.0].view(), 2),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            sample_weights(array![1.0, f64::NAN].view(), 2),
            Err(Error::NonFinite { .. })
        ));
        let err = sample_weights(array![1.0, -1.0].view(), 2).unwrap_err();
        assert!(err.to_string().contains("sample_weight[1]"));
        assert!(sample_weights(array![0.0, 0.0].view(), 2).is_err());
    }

    #[test]
    fn averages() {
        assert_eq!(average([1.0, 2.0, 3.0].into_iter(), None), 2.0);
        assert_eq!(average([1.0, 3.0].into_iter(), Some(&[3.0, 1.0])), 1.5);
    }
}
