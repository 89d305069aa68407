//! The grid of one feature for partial dependence, as scikit-learn's
//! `_grid_from_X`.

use ndarray::{Array1, ArrayView1};

use super::partial_dependence::PartialDependence;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::stats::percentile;

/// The grid values of feature `feature`, whose values are `column`:
///
/// - the custom values for that feature when `options` has some, as given;
/// - otherwise the sorted unique values of the column when it is
///   categorical or has fewer than `grid_resolution` of them;
/// - otherwise `grid_resolution` evenly spaced values (numpy's `linspace`)
///   from the lower to the upper percentile of the column (numpy's default
///   linear interpolation, as scikit-learn computes them since it replaced
///   scipy's `mquantiles`).
///
/// NaN (missing) values are left out of the unique values and of the
/// percentiles.
///
/// # Errors
/// [`Error::NonFinite`] for an infinite value in the column;
/// [`Error::InvalidInput`] when the column has no value other than NaN, or
/// when its two percentiles are too close to each other (numpy's `allclose`)
/// to span a grid.
pub(super) fn feature_grid<F: Float>(
    column: ArrayView1<'_, F>,
    feature: usize,
    categorical: bool,
    options: &PartialDependence,
) -> Result<Array1<F>> {
    if let Some(values) = options.custom_values.get(&feature) {
        return Ok(values.iter().map(|&v| F::cast(v)).collect());
    }
    if let Some((row, value)) = column.iter().enumerate().find(|(_, v)| v.is_infinite()) {
        return Err(Error::NonFinite {
            what: format!("the grid column of feature {feature}"),
            row,
            column: feature,
            value: value.to_string(),
        });
    }
    let mut values: Vec<f64> = column
        .iter()
        .map(|v| v.as_f64())
        .filter(|v| !v.is_nan())
        .collect();
    if values.is_empty() {
        return Err(Error::InvalidInput(format!(
            "feature {feature} holds only missing (NaN) values, so no grid can be built \
             from it; give custom values for it"
        )));
    }
    values.sort_by(f64::total_cmp);
    let mut uniques = values.clone();
    uniques.dedup();
    if categorical || uniques.len() < options.grid_resolution {
        return Ok(uniques.into_iter().map(F::cast).collect());
    }
    let (low_q, high_q) = options.percentiles;
    let bound = |q: f64| {
        percentile(&values, 100.0 * q)
            .ok_or_else(|| Error::invalid_parameter("percentiles", "two values in [0, 1]", q))
    };
    let (low, high) = (bound(low_q)?, bound(high_q)?);
    if all_close(low, high) {
        return Err(Error::InvalidInput(format!(
            "the percentiles ({low_q}, {high_q}) of feature {feature} are {low} and {high}, \
             too close to each other to build a grid; choose percentiles further apart \
             or give custom values"
        )));
    }
    Ok(linspace(low, high, options.grid_resolution)
        .into_iter()
        .map(F::cast)
        .collect())
}

/// numpy's `allclose` for two scalars: `|a - b| <= 1e-8 + 1e-5 * |b|`.
fn all_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-8 + 1e-5 * b.abs()
}

/// `n >= 2` evenly spaced values from `start` to `stop` included, computed
/// as numpy's `linspace`: `start + i * step`, the last one exactly `stop`.
fn linspace(start: f64, stop: f64, n: usize) -> Vec<f64> {
    let step = (stop - start) / (n - 1) as f64;
    let mut values: Vec<f64> = (0..n).map(|i| start + i as f64 * step).collect();
    if let Some(last) = values.last_mut() {
        *last = stop;
    }
    values
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, array};

    use super::*;

    fn grid(column: &Array1<f64>, options: &PartialDependence) -> Result<Array1<f64>> {
        feature_grid(column.view(), 0, false, options)
    }

    #[test]
    fn linspace_matches_numpy() {
        assert_eq!(linspace(0.0, 1.0, 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace(-1.0, 1.0, 2), vec![-1.0, 1.0]);
        // np.linspace(0, 1, 3) is [0, 0.5, 1]; np.linspace(0.1, 0.3, 3)[-1] is 0.3 exactly.
        assert_eq!(linspace(0.1, 0.3, 3)[2], 0.3);
    }

    #[test]
    fn few_unique_values_are_the_grid() {
        // np.unique([3, 1, 2, 1, 3]) = [1, 2, 3], fewer than grid_resolution = 100.
        let column = array![3.0, 1.0, 2.0, 1.0, 3.0];
        assert_eq!(
            grid(&column, &PartialDependence::default()).unwrap(),
            array![1.0, 2.0, 3.0]
        );
        // Three unique values and grid_resolution = 3: percentiles instead
        // (np.quantile([1, 1, 2, 3, 3], [0, 1]) = [1, 3]).
        let options = PartialDependence::default()
            .grid_resolution(3)
            .percentiles((0.0, 1.0));
        assert_eq!(grid(&column, &options).unwrap(), array![1.0, 2.0, 3.0]);
    }

    #[test]
    fn percentile_grid_matches_numpy() {
        // x = 0..=100: np.quantile(x, [0.05, 0.95]) = [5, 95] (position
        // q * (n - 1) = 5 and 95), then np.linspace(5, 95, 5).
        let column = Array1::from_iter((0..=100).map(f64::from));
        let options = PartialDependence::default().grid_resolution(5);
        assert_eq!(
            grid(&column, &options).unwrap(),
            array![5.0, 27.5, 50.0, 72.5, 95.0]
        );
        // x = 0..10 (n = 10), percentiles (0.1, 0.9): positions 0.9 and 8.1,
        // so the bounds are 0.9 and 8.1.
        let column = Array1::from_iter((0..10).map(f64::from));
        let options = options.grid_resolution(2).percentiles((0.1, 0.9));
        let g = grid(&column, &options).unwrap();
        assert!(
            (g[0] - 0.9).abs() < 1e-12 && (g[1] - 8.1).abs() < 1e-12,
            "{g}"
        );
    }

    #[test]
    fn nan_is_ignored() {
        let options = PartialDependence::default().grid_resolution(5);
        let mut with_nan: Vec<f64> = (0..=100).map(f64::from).collect();
        with_nan.extend([f64::NAN; 7]);
        with_nan.rotate_right(3);
        let g = grid(&Array1::from(with_nan), &options).unwrap();
        assert_eq!(g, array![5.0, 27.5, 50.0, 72.5, 95.0]);
        let g = grid(
            &array![2.0, f64::NAN, 1.0, 2.0],
            &PartialDependence::default(),
        )
        .unwrap();
        assert_eq!(g, array![1.0, 2.0]);
        assert!(grid(&array![f64::NAN, f64::NAN], &options).is_err());
    }

    #[test]
    fn categorical_columns_use_every_unique_value() {
        let column = array![0.0, 1.0, 2.0, 3.0, 1.0];
        let options = PartialDependence::default().grid_resolution(2);
        let g = feature_grid(column.view(), 0, true, &options).unwrap();
        assert_eq!(g, array![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn custom_values_are_used_as_given() {
        let options = PartialDependence::default().custom_values(1, vec![3.0, -1.0]);
        let column = array![0.5f32, 1.5];
        let g = feature_grid(column.view(), 1, false, &options).unwrap();
        assert_eq!(g, array![3.0f32, -1.0]);
        // Other features still get the automatic grid.
        let g = feature_grid(column.view(), 0, false, &options).unwrap();
        assert_eq!(g, array![0.5f32, 1.5]);
    }

    #[test]
    fn bad_columns_are_errors() {
        let options = PartialDependence::default().grid_resolution(2);
        // 95% zeros: both percentiles are 0, as in scikit-learn's error.
        let mut column = vec![0.0; 98];
        column.extend([1.0, 2.0]);
        let err = grid(&Array1::from(column), &options).unwrap_err();
        assert!(err.to_string().contains("too close"), "{err}");
        let err = grid(&array![1.0, f64::INFINITY], &options).unwrap_err();
        assert!(matches!(err, Error::NonFinite { row: 1, .. }), "{err}");
    }
}
