//! Absolute and percentage errors: mean, median and maximum absolute error
//! and MAPE.

use ndarray::AsArray;

use super::{values, weighted_values};
use crate::error::Result;
use crate::float::Float;
use crate::metrics::average;
use crate::stats::{median, weighted_percentile};

fn mae(t: &[f64], p: &[f64], w: Option<&[f64]>) -> f64 {
    average(t.iter().zip(p).map(|(t, p)| (t - p).abs()), w)
}

fn mape(t: &[f64], p: &[f64], w: Option<&[f64]>) -> f64 {
    average(
        t.iter()
            .zip(p)
            .map(|(t, p)| (p - t).abs() / t.abs().max(f64::EPSILON)),
        w,
    )
}

/// Mean absolute error.
///
/// # Errors
/// Empty or mismatched inputs, non-finite values.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::mean_absolute_error;
///
/// assert_eq!(mean_absolute_error(&array![1.0f32, 2.0], &array![2.0, 4.0])?, 1.5);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn mean_absolute_error<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p) = values(y_true.into(), y_pred.into())?;
    Ok(mae(&t, &p, None))
}

/// [`mean_absolute_error`] with per-sample weights.
///
/// # Errors
/// As [`mean_absolute_error`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::mean_absolute_error_weighted;
///
/// let mae = mean_absolute_error_weighted(&array![1.0, 2.0], &array![2.0, 4.0], &array![1.0, 3.0])?;
/// assert_eq!(mae, 7.0 / 4.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn mean_absolute_error_weighted<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p, w) = weighted_values(y_true.into(), y_pred.into(), sample_weight.into())?;
    Ok(mae(&t, &p, Some(&w)))
}

/// Median absolute error: robust to outliers.
///
/// The median of an even number of errors is the mean of the two middle
/// ones (`numpy.median`).
///
/// # Errors
/// Empty or mismatched inputs, non-finite values.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::median_absolute_error;
///
/// let medae = median_absolute_error(&array![3.0, -0.5, 2.0, 7.0], &array![2.5, 0.0, 2.0, 8.0])?;
/// assert_eq!(medae, 0.5);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn median_absolute_error<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p) = values(y_true.into(), y_pred.into())?;
    let errors: Vec<f64> = t.iter().zip(&p).map(|(t, p)| (p - t).abs()).collect();
    Ok(median(&errors).unwrap_or(f64::NAN))
}

/// [`median_absolute_error`] with per-sample weights: the weighted median
/// as scikit-learn 1.7 computes it, the smallest error whose cumulative
/// weight (errors sorted ascending) reaches half the total weight. It is
/// never an average of two errors, so unit weights can differ from the
/// unweighted median on an even number of samples, as in scikit-learn.
///
/// # Errors
/// As [`median_absolute_error`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::median_absolute_error_weighted;
///
/// let w = array![1.0, 1.0, 1.0, 5.0];
/// let medae = median_absolute_error_weighted(&array![0.0, 0.0, 0.0, 0.0], &array![1.0, 2.0, 3.0, 4.0], &w)?;
/// assert_eq!(medae, 4.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn median_absolute_error_weighted<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p, w) = weighted_values(y_true.into(), y_pred.into(), sample_weight.into())?;
    let errors: Vec<f64> = t.iter().zip(&p).map(|(t, p)| (p - t).abs()).collect();
    Ok(weighted_percentile(&errors, &w, 50.0).unwrap_or(f64::NAN))
}

/// The largest absolute error (no weights, as in scikit-learn).
///
/// # Errors
/// Empty or mismatched inputs, non-finite values.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::max_error;
///
/// assert_eq!(max_error(&array![3.0, 2.0, 7.0, 1.0], &array![4.0, 2.0, 7.0, 1.0])?, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn max_error<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p) = values(y_true.into(), y_pred.into())?;
    Ok(t.iter()
        .zip(&p)
        .map(|(t, p)| (t - p).abs())
        .fold(0.0, f64::max))
}

/// Mean absolute percentage error: the mean of `|y_pred - y_true| /
/// max(|y_true|, eps)` with `eps = f64::EPSILON`, as scikit-learn.
///
/// A fraction, not a percentage (0.25 means 25 %). A zero `y_true` with a
/// wrong prediction gives a huge but finite error.
///
/// # Errors
/// Empty or mismatched inputs, non-finite values.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::mean_absolute_percentage_error;
///
/// let mape = mean_absolute_percentage_error(&array![1.0, 2.0], &array![1.5, 1.0])?;
/// assert_eq!(mape, 0.5);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn mean_absolute_percentage_error<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p) = values(y_true.into(), y_pred.into())?;
    Ok(mape(&t, &p, None))
}

/// [`mean_absolute_percentage_error`] with per-sample weights.
///
/// # Errors
/// As [`mean_absolute_percentage_error`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::mean_absolute_percentage_error_weighted;
///
/// let w = array![1.0, 3.0];
/// let mape = mean_absolute_percentage_error_weighted(&array![1.0, 2.0], &array![1.5, 1.0], &w)?;
/// assert_eq!(mape, 0.5);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn mean_absolute_percentage_error_weighted<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p, w) = weighted_values(y_true.into(), y_pred.into(), sample_weight.into())?;
    Ok(mape(&t, &p, Some(&w)))
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn mape_uses_epsilon_for_zero_targets() {
        let v = mean_absolute_percentage_error(&array![0.0], &array![1.0]).unwrap();
        assert_eq!(v, 1.0 / f64::EPSILON);
    }
}
