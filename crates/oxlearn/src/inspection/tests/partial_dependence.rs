use ndarray::{Array1, Array2, ArrayView2, Axis, array};

use super::{Linear, Logistic, records};
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::inspection::{
    DependenceKind, PartialDependence, partial_dependence, partial_dependence_2d, predict_response,
    proba_response,
};

const COEF: [f64; 3] = [2.0, -1.0, 0.5];

fn unlabelled(x: Array2<f64>) -> Dataset<f64, ()> {
    Dataset::from_records(x)
}

fn column_mean(x: &Array2<f64>, j: usize) -> f64 {
    x.column(j).mean().unwrap()
}

#[test]
fn a_linear_model_has_a_linear_dependence_with_its_slope() {
    let model = Linear::new(&COEF, 1.0);
    let x = records(30, 3);
    let data = unlabelled(x.clone());
    let options = PartialDependence::default()
        .grid_resolution(7)
        .kind(DependenceKind::Both);
    let pd = partial_dependence(predict_response(&model), data.view(), 0, &options).unwrap();
    let (grid, average) = (&pd.grid_values, pd.average.as_ref().unwrap());
    assert_eq!(grid.len(), 7);
    // Brute force: mean_i (1 + 2 v - x_i1 + 0.5 x_i2) = 1 + 2 v - mean(x1) + 0.5 mean(x2).
    let offset = 1.0 - column_mean(&x, 1) + 0.5 * column_mean(&x, 2);
    for (v, a) in grid.iter().zip(average) {
        assert!((a - (2.0 * v + offset)).abs() < 1e-12, "{a} at {v}");
    }
    for k in 1..7 {
        let slope = (average[k] - average[k - 1]) / (grid[k] - grid[k - 1]);
        assert!((slope - 2.0).abs() < 1e-9, "{slope}");
    }
    // ICE: each sample's own offset; their mean is the partial dependence.
    let ice = pd.individual.as_ref().unwrap();
    assert_eq!(ice.dim(), (30, 7));
    for i in 0..30 {
        let own = 1.0 - x[[i, 1]] + 0.5 * x[[i, 2]];
        for (k, v) in grid.iter().enumerate() {
            assert!((ice[[i, k]] - (2.0 * v + own)).abs() < 1e-12);
        }
    }
    let mean_ice = ice.mean_axis(Axis(0)).unwrap();
    assert!(
        mean_ice
            .iter()
            .zip(average)
            .all(|(m, a)| (m - a).abs() < 1e-12)
    );

    // The grid: 30 distinct values of column 0 (k / 30), so 7 values from
    // numpy's 5th to 95th percentile: positions 0.05 * 29 and 0.95 * 29.
    let (low, high) = (0.05 * 29.0 / 30.0, 0.95 * 29.0 / 30.0);
    assert!((grid[0] - low).abs() < 1e-12 && (grid[6] - high).abs() < 1e-12);
}

#[test]
fn weights_weight_the_average_only() {
    let model = Linear::new(&COEF, 0.0);
    let x = records(20, 3);
    let w = Array1::from_iter((0..20).map(|i| f64::from(i % 4)));
    let data = unlabelled(x.clone()).with_weights(w.clone()).unwrap();
    let options = PartialDependence::default().custom_values(0, vec![0.0, 1.0]);
    let pd = partial_dependence(predict_response(&model), data.view(), 0, &options).unwrap();
    let weighted = |j: usize| x.column(j).dot(&w) / w.sum();
    let offset = -weighted(1) + 0.5 * weighted(2);
    let expected = [offset, 2.0 + offset];
    let average = pd.average.unwrap();
    assert!(
        average
            .iter()
            .zip(expected)
            .all(|(a, e)| (a - e).abs() < 1e-12)
    );
    // The grid ignores the weights.
    let unweighted =
        partial_dependence(predict_response(&model), unlabelled(x).view(), 0, &options);
    assert_eq!(unweighted.unwrap().grid_values, pd.grid_values);

    let zero = unlabelled(records(4, 3))
        .with_weights(Array1::zeros(4))
        .unwrap();
    let err = partial_dependence(predict_response(&model), zero.view(), 0, &options).unwrap_err();
    assert!(err.to_string().contains("sum to 0"), "{err}");
}

#[test]
fn kinds_choose_the_curves() {
    let model = Linear::new(&COEF, 0.0);
    let data = unlabelled(records(10, 3));
    let run = |kind| {
        let options = PartialDependence::default().kind(kind);
        partial_dependence(predict_response(&model), data.view(), 1, &options).unwrap()
    };
    let (average, individual, both) = (
        run(DependenceKind::Average),
        run(DependenceKind::Individual),
        run(DependenceKind::Both),
    );
    assert!(average.individual.is_none() && individual.average.is_none());
    assert_eq!(average.average, both.average);
    assert_eq!(individual.individual, both.individual);
    // 10 unique values, fewer than 100: the grid is the sorted column.
    assert_eq!(both.grid_values.len(), 10);
    assert!(both.grid_values.windows(2).into_iter().all(|w| w[0] < w[1]));
}

#[test]
fn same_result_on_any_number_of_threads() {
    let model = Linear::new(&COEF, 0.0);
    let data = unlabelled(records(50, 3));
    let options = PartialDependence::default()
        .grid_resolution(20)
        .kind(DependenceKind::Both);
    let run = |threads| {
        let options = options.clone().n_threads(threads);
        let one = partial_dependence(predict_response(&model), data.view(), 2, &options).unwrap();
        let two = partial_dependence_2d(predict_response(&model), data.view(), [0, 2], &options);
        (one, two.unwrap())
    };
    let single = run(Some(1));
    assert_eq!(single, run(Some(2)));
    assert_eq!(single, run(None));
}

#[test]
fn two_way_dependence_of_a_linear_model() {
    let model = Linear::new(&COEF, 1.0);
    let x = records(25, 3);
    let data = unlabelled(x.clone());
    let options = PartialDependence::default()
        .kind(DependenceKind::Both)
        .custom_values(2, vec![10.0, 20.0, 40.0])
        .grid_resolution(4);
    let pd =
        partial_dependence_2d(predict_response(&model), data.view(), [0, 2], &options).unwrap();
    let [g0, g2] = &pd.grid_values;
    assert_eq!((g0.len(), g2.clone()), (4, array![10.0, 20.0, 40.0]));
    let average = pd.average.unwrap();
    let ice = pd.individual.unwrap();
    assert_eq!((average.dim(), ice.dim()), ((4, 3), (25, 4, 3)));
    let offset = 1.0 - column_mean(&x, 1);
    for (a, &v0) in g0.iter().enumerate() {
        for (b, &v2) in g2.iter().enumerate() {
            let expected = 2.0 * v0 + 0.5 * v2 + offset;
            assert!((average[[a, b]] - expected).abs() < 1e-12);
            let own = 2.0 * v0 + 0.5 * v2 + 1.0 - x[[7, 1]];
            assert!((ice[[7, a, b]] - own).abs() < 1e-12);
        }
    }
    // The one-way dependence is the two-way one averaged over a fixed second value.
    let one = partial_dependence(predict_response(&model), data.view(), 0, &options).unwrap();
    assert_eq!(&one.grid_values, g0);
}

#[test]
fn class_probability_response() {
    let model = Logistic { n_features: 2 };
    let data = unlabelled(records(20, 2));
    let options = PartialDependence::default().custom_values(0, vec![-1.0, 0.5, 2.0]);
    let p1 = partial_dependence(
        proba_response(&model, &1).unwrap(),
        data.view(),
        0,
        &options,
    )
    .unwrap();
    let p0 = partial_dependence(
        proba_response(&model, &0).unwrap(),
        data.view(),
        0,
        &options,
    )
    .unwrap();
    let (p1, p0) = (p1.average.unwrap(), p0.average.unwrap());
    // P(1) depends on x0 only: sigmoid(2 v - 1), the same for every sample.
    for (k, v) in [-1.0, 0.5, 2.0].into_iter().enumerate() {
        assert!((p1[k] - Logistic::p1(v)).abs() < 1e-12);
        assert!((p0[k] + p1[k] - 1.0).abs() < 1e-12);
    }
    assert_eq!(p1[1], 0.5);
    let err = proba_response(&model, &2).err().unwrap();
    assert!(matches!(err, Error::Unknown { .. }), "{err}");
    // Feature 1 is ignored: a flat dependence.
    let flat = partial_dependence(
        proba_response(&model, &1).unwrap(),
        data.view(),
        1,
        &options,
    );
    let flat = flat.unwrap().average.unwrap();
    assert!(flat.iter().all(|&v| v == flat[0]));
}

#[test]
fn nan_in_the_column_is_left_out_of_the_grid() {
    let mut x = records(20, 2);
    x[[3, 0]] = f64::NAN;
    x[[11, 0]] = f64::NAN;
    let data = unlabelled(x);
    // The response rejects NaN, so it must only see grid values in column 0.
    let response = |x: ArrayView2<'_, f64>| -> Result<Array1<f64>> {
        crate::check::finite(x, "records")?;
        Ok(x.column(0).to_owned())
    };
    let options = PartialDependence::default().kind(DependenceKind::Both);
    let pd = partial_dependence(response, data.view(), 0, &options).unwrap();
    assert_eq!(pd.grid_values.len(), 18);
    assert!(pd.grid_values.iter().all(|v| v.is_finite()));
    let average = pd.average.unwrap();
    assert!(
        average
            .iter()
            .zip(&pd.grid_values)
            .all(|(a, v)| (a - v).abs() < 1e-12)
    );
    // NaN in another column reaches the response as it is.
    assert!(partial_dependence(response, data.view(), 1, &options).is_err());
}

#[test]
fn f32_records_and_categorical_columns() {
    let x = records(12, 2).mapv(|v| v as f32);
    let model = Linear::new(&[1.0, 1.0], 0.0);
    let categories = vec![None, Some((0..12).map(|c| c.to_string()).collect())];
    let codes = Array2::from_shape_fn(
        (12, 2),
        |(i, j)| if j == 1 { (i % 12) as f32 } else { x[[i, 0]] },
    );
    let data = Dataset::from_records(codes)
        .with_categories(categories)
        .unwrap();
    let options = PartialDependence::default().grid_resolution(3);
    let pd = partial_dependence(predict_response(&model), data.view(), 1, &options).unwrap();
    // A categorical column keeps all its 12 codes despite grid_resolution = 3.
    assert_eq!(pd.grid_values, Array1::from_iter((0..12).map(|c| c as f32)));
    let pd = partial_dependence(predict_response(&model), data.view(), 0, &options).unwrap();
    assert_eq!(pd.grid_values.len(), 3);
}

#[test]
fn bad_input_is_an_error() {
    let model = Linear::new(&COEF, 0.0);
    let data = unlabelled(records(10, 3));
    let run = |feature, options: &PartialDependence| {
        partial_dependence(predict_response(&model), data.view(), feature, options)
    };
    let defaults = PartialDependence::default();
    let err = run(3, &defaults).unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
    for options in [
        defaults.clone().grid_resolution(1),
        defaults.clone().grid_resolution(0),
        defaults.clone().percentiles((0.5, 0.5)),
        defaults.clone().percentiles((0.9, 0.1)),
        defaults.clone().percentiles((-0.1, 0.9)),
        defaults.clone().percentiles((0.1, 1.5)),
        defaults.clone().percentiles((f64::NAN, 0.9)),
        defaults.clone().custom_values(0, Vec::new()),
        defaults.clone().n_threads(Some(0)),
    ] {
        let err = run(0, &options).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParameter { .. }),
            "{options:?}: {err}"
        );
    }
    let err = partial_dependence_2d(predict_response(&model), data.view(), [1, 1], &defaults);
    assert!(err.is_err());
    let err = partial_dependence_2d(predict_response(&model), data.view(), [0, 5], &defaults);
    assert!(err.is_err());

    for shape in [(0, 3), (4, 0)] {
        let empty = unlabelled(Array2::zeros(shape));
        let err = partial_dependence(predict_response(&model), empty.view(), 0, &defaults);
        assert!(matches!(err, Err(Error::EmptyData { .. })));
    }
    let all_nan = unlabelled(Array2::from_elem((3, 3), f64::NAN));
    assert!(partial_dependence(predict_response(&model), all_nan.view(), 0, &defaults).is_err());

    // The model's own errors, and a response of the wrong length.
    let wide = unlabelled(records(10, 4));
    let err = partial_dependence(predict_response(&model), wide.view(), 0, &defaults).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
    let short = |x: ArrayView2<'_, f64>| Ok(Array1::zeros(x.nrows() - 1));
    let err = partial_dependence(short, data.view(), 0, &defaults).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
}
