//! Regression metrics: R^2, explained variance and squared errors here;
//! absolute and percentage errors in the `absolute` submodule.

use ndarray::{ArrayView1, AsArray};

use super::{average, check_pair, finite_values, sample_weights, weight_at};
use crate::check;
use crate::error::Result;
use crate::float::Float;

mod absolute;

pub use absolute::{
    max_error, mean_absolute_error, mean_absolute_error_weighted, mean_absolute_percentage_error,
    mean_absolute_percentage_error_weighted, median_absolute_error, median_absolute_error_weighted,
};

/// Validated targets and predictions as `f64`.
fn values<F: Float>(
    y_true: ArrayView1<'_, F>,
    y_pred: ArrayView1<'_, F>,
) -> Result<(Vec<f64>, Vec<f64>)> {
    check_pair(y_true.len(), y_pred.len(), "y_pred")?;
    Ok((
        finite_values(y_true, "y_true")?,
        finite_values(y_pred, "y_pred")?,
    ))
}

/// Validated targets, predictions and weights as `f64`.
fn weighted_values<F: Float>(
    y_true: ArrayView1<'_, F>,
    y_pred: ArrayView1<'_, F>,
    sample_weight: ArrayView1<'_, F>,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let (t, p) = values(y_true, y_pred)?;
    let w = sample_weights(sample_weight, t.len())?;
    Ok((t, p, w))
}

/// scikit-learn's `force_finite` rule: 1 for a zero numerator, 0 for a zero
/// denominator alone, the formula otherwise.
fn force_finite(numerator: f64, denominator: f64) -> f64 {
    if numerator == 0.0 {
        1.0
    } else if denominator == 0.0 {
        0.0
    } else {
        1.0 - numerator / denominator
    }
}

fn r2(t: &[f64], p: &[f64], w: Option<&[f64]>) -> Result<f64> {
    check::min_samples(t.len(), 2, "r2_score (R^2 is not defined for one sample)")?;
    let mean = average(t.iter().copied(), w);
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..t.len() {
        let wi = weight_at(w, i);
        num += wi * (t[i] - p[i]).powi(2);
        den += wi * (t[i] - mean).powi(2);
    }
    Ok(force_finite(num, den))
}

fn explained_variance(t: &[f64], p: &[f64], w: Option<&[f64]>) -> f64 {
    let diff_mean = average(t.iter().zip(p).map(|(t, p)| t - p), w);
    let num = average(t.iter().zip(p).map(|(t, p)| (t - p - diff_mean).powi(2)), w);
    let true_mean = average(t.iter().copied(), w);
    let den = average(t.iter().map(|t| (t - true_mean).powi(2)), w);
    force_finite(num, den)
}

fn mse(t: &[f64], p: &[f64], w: Option<&[f64]>) -> f64 {
    average(t.iter().zip(p).map(|(t, p)| (t - p).powi(2)), w)
}

/// R^2, the coefficient of determination: `1 - SS_res / SS_tot`.
///
/// Best 1.0; can be negative. As scikit-learn with `force_finite=True`: a
/// constant `y_true` scores 1.0 when predicted exactly and 0.0 otherwise.
///
/// # Errors
/// Empty or mismatched inputs, non-finite values, or fewer than two samples
/// (R^2 is undefined there; scikit-learn returns NaN).
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::r2_score;
///
/// let r2 = r2_score(&array![3.0, -0.5, 2.0, 7.0], &array![2.5, 0.0, 2.0, 8.0])?;
/// assert!((r2 - 0.948_608_137_044_967_9).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn r2_score<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p) = values(y_true.into(), y_pred.into())?;
    r2(&t, &p, None)
}

/// [`r2_score`] with per-sample weights.
///
/// # Errors
/// As [`r2_score`], and for invalid weights (see the [module docs](crate::metrics)).
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::r2_score_weighted;
///
/// let w = array![1.0, 1.0, 0.0];
/// let r2 = r2_score_weighted(&array![1.0, 2.0, 3.0], &array![1.0, 2.0, 9.0], &w)?;
/// assert_eq!(r2, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn r2_score_weighted<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p, w) = weighted_values(y_true.into(), y_pred.into(), sample_weight.into())?;
    r2(&t, &p, Some(&w))
}

/// Explained variance: `1 - Var(y_true - y_pred) / Var(y_true)`.
///
/// Unlike R^2 it ignores a constant bias of the predictions. Same
/// `force_finite` rule as [`r2_score`].
///
/// # Errors
/// Empty or mismatched inputs, non-finite values.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::explained_variance_score;
///
/// // A constant offset is not penalised.
/// let ev = explained_variance_score(&array![1.0, 2.0, 3.0], &array![2.0, 3.0, 4.0])?;
/// assert_eq!(ev, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn explained_variance_score<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p) = values(y_true.into(), y_pred.into())?;
    Ok(explained_variance(&t, &p, None))
}

/// [`explained_variance_score`] with per-sample weights.
///
/// # Errors
/// As [`explained_variance_score`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::explained_variance_score_weighted;
///
/// let w = array![1.0, 2.0, 1.0];
/// let ev = explained_variance_score_weighted(&array![1.0, 2.0, 3.0], &array![1.0, 2.0, 3.0], &w)?;
/// assert_eq!(ev, 1.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn explained_variance_score_weighted<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p, w) = weighted_values(y_true.into(), y_pred.into(), sample_weight.into())?;
    Ok(explained_variance(&t, &p, Some(&w)))
}

/// Mean squared error.
///
/// # Errors
/// Empty or mismatched inputs, non-finite values.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::mean_squared_error;
///
/// assert_eq!(mean_squared_error(&array![1.0, 2.0], &array![2.0, 4.0])?, 2.5);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn mean_squared_error<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p) = values(y_true.into(), y_pred.into())?;
    Ok(mse(&t, &p, None))
}

/// [`mean_squared_error`] with per-sample weights.
///
/// # Errors
/// As [`mean_squared_error`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::mean_squared_error_weighted;
///
/// let mse = mean_squared_error_weighted(&array![1.0, 2.0], &array![2.0, 4.0], &array![3.0, 1.0])?;
/// assert_eq!(mse, 7.0 / 4.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn mean_squared_error_weighted<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, F>,
) -> Result<f64> {
    let (t, p, w) = weighted_values(y_true.into(), y_pred.into(), sample_weight.into())?;
    Ok(mse(&t, &p, Some(&w)))
}

/// Root mean squared error: the square root of [`mean_squared_error`].
///
/// # Errors
/// Empty or mismatched inputs, non-finite values.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::root_mean_squared_error;
///
/// assert_eq!(root_mean_squared_error(&array![0.0, 0.0], &array![3.0, 4.0])?, 12.5f64.sqrt());
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn root_mean_squared_error<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
) -> Result<f64> {
    mean_squared_error(y_true, y_pred).map(f64::sqrt)
}

/// [`root_mean_squared_error`] with per-sample weights.
///
/// # Errors
/// As [`root_mean_squared_error`], and for invalid weights.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::root_mean_squared_error_weighted;
///
/// let rmse = root_mean_squared_error_weighted(&array![0.0, 0.0], &array![3.0, 4.0], &array![1.0, 0.0])?;
/// assert_eq!(rmse, 3.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn root_mean_squared_error_weighted<'a, F: Float>(
    y_true: impl AsArray<'a, F>,
    y_pred: impl AsArray<'a, F>,
    sample_weight: impl AsArray<'a, F>,
) -> Result<f64> {
    mean_squared_error_weighted(y_true, y_pred, sample_weight).map(f64::sqrt)
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::{Array1, array};

    use super::*;
    use crate::Error;

    #[test]
    fn values_match_hand_computation() {
        let t = array![3.0, -0.5, 2.0, 7.0];
        let p = array![2.5, 0.0, 2.0, 8.0];
        assert_abs_diff_eq!(mean_squared_error(&t, &p).unwrap(), 0.375);
        assert_abs_diff_eq!(mean_absolute_error(&t, &p).unwrap(), 0.5);
        assert_abs_diff_eq!(max_error(&t, &p).unwrap(), 1.0);
        assert_abs_diff_eq!(
            explained_variance_score(&t, &p).unwrap(),
            0.957_173_447_537_473_2,
            epsilon = 1e-12
        );
    }

    #[test]
    fn r2_edge_cases() {
        let c = array![2.0, 2.0, 2.0];
        assert_eq!(r2_score(&c, &c).unwrap(), 1.0);
        assert_eq!(r2_score(&c, &array![2.0, 2.0, 3.0]).unwrap(), 0.0);
        assert_eq!(
            explained_variance_score(&c, &array![1.0, 2.0, 3.0]).unwrap(),
            0.0
        );
        assert!(matches!(
            r2_score(&array![1.0], &array![1.0]),
            Err(Error::TooFewSamples { .. })
        ));
        let r2 = r2_score(&array![1.0, 2.0, 3.0], &array![3.0, 2.0, 1.0]).unwrap();
        assert_abs_diff_eq!(r2, -3.0);
    }

    #[test]
    fn f32_and_views_work() {
        let t = array![1.0f32, 2.0, 3.0];
        let p = array![1.0f32, 2.0, 4.0];
        assert_abs_diff_eq!(mean_squared_error(t.view(), p.view()).unwrap(), 1.0 / 3.0);
        let slice: &[f32] = &[1.0, 2.0];
        assert_eq!(mean_absolute_error(slice, slice).unwrap(), 0.0);
    }

    #[test]
    fn bad_input_is_an_error() {
        let empty = Array1::<f64>::zeros(0);
        let one = array![1.0];
        let two = array![1.0, 2.0];
        let nan = array![1.0, f64::NAN];
        let inf = array![f64::INFINITY, 1.0];
        type Metric = fn(&Array1<f64>, &Array1<f64>) -> Result<f64>;
        let metrics: [Metric; 8] = [
            |t, p| r2_score(t, p),
            |t, p| explained_variance_score(t, p),
            |t, p| mean_squared_error(t, p),
            |t, p| root_mean_squared_error(t, p),
            |t, p| mean_absolute_error(t, p),
            |t, p| median_absolute_error(t, p),
            |t, p| max_error(t, p),
            |t, p| mean_absolute_percentage_error(t, p),
        ];
        for metric in metrics {
            assert!(matches!(
                metric(&empty, &empty),
                Err(Error::EmptyData { .. })
            ));
            assert!(matches!(
                metric(&one, &two),
                Err(Error::ShapeMismatch { .. })
            ));
            assert!(matches!(metric(&two, &nan), Err(Error::NonFinite { .. })));
            assert!(matches!(metric(&inf, &two), Err(Error::NonFinite { .. })));
        }
        type Weighted = fn(&Array1<f64>, &Array1<f64>, &Array1<f64>) -> Result<f64>;
        let weighted: [Weighted; 7] = [
            |t, p, w| r2_score_weighted(t, p, w),
            |t, p, w| explained_variance_score_weighted(t, p, w),
            |t, p, w| mean_squared_error_weighted(t, p, w),
            |t, p, w| root_mean_squared_error_weighted(t, p, w),
            |t, p, w| mean_absolute_error_weighted(t, p, w),
            |t, p, w| median_absolute_error_weighted(t, p, w),
            |t, p, w| mean_absolute_percentage_error_weighted(t, p, w),
        ];
        for metric in weighted {
            assert!(metric(&two, &two, &array![1.0, 1.0]).is_ok());
            assert!(matches!(
                metric(&two, &two, &one),
                Err(Error::ShapeMismatch { .. })
            ));
            assert!(matches!(
                metric(&two, &two, &nan),
                Err(Error::NonFinite { .. })
            ));
            assert!(matches!(
                metric(&two, &two, &array![1.0, -1.0]),
                Err(Error::InvalidInput(_))
            ));
            assert!(matches!(
                metric(&two, &two, &array![0.0, 0.0]),
                Err(Error::InvalidInput(_))
            ));
            assert!(matches!(
                metric(&empty, &empty, &empty),
                Err(Error::EmptyData { .. })
            ));
        }
    }
}
