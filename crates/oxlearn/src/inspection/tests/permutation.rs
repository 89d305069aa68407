use ndarray::{Array1, array, s};

use super::{Linear, Logistic, records};
use crate::dataset::{Dataset, DatasetView};
use crate::error::{Error, Result};
use crate::inspection::{PermutationImportance, permutation_importance};
use crate::metrics::mean_squared_error;
use crate::model_selection::{Accuracy, NegMeanSquaredError, R2, Scorer};
use crate::random::{derive_seed, permutation};
use crate::traits::Predict;

/// Targets that the linear model predicts exactly.
fn regression(n: usize, model: &Linear) -> Dataset<f64, f64> {
    let x = records(n, model.coef.len());
    let y = model.predict(x.view()).unwrap();
    Dataset::new(x, y).unwrap()
}

#[test]
fn an_ignored_feature_gets_exactly_zero() {
    let model = Linear::new(&[1.5, 0.0, -2.0], 0.5);
    let data = regression(40, &model);
    let options = PermutationImportance::default().n_repeats(4);
    for result in [
        permutation_importance(&model, data.view(), &NegMeanSquaredError, &options).unwrap(),
        permutation_importance(&model, data.view(), &R2, &options).unwrap(),
        permutation_importance(&model, data.view(), &R2, &options.max_samples(Some(25))).unwrap(),
    ] {
        assert_eq!(result.importances.dim(), (3, 4));
        assert_eq!(result.importances.row(1), Array1::<f64>::zeros(4));
        assert_eq!(
            (result.importances_mean[1], result.importances_std[1]),
            (0.0, 0.0)
        );
        assert!(result.importances_mean[0] > 0.0 && result.importances_mean[2] > 0.0);
        // Feature 2 has the larger coefficient on a column of the same spread.
        assert!(result.importances_mean[2] > result.importances_mean[0]);
    }
}

#[test]
fn matches_the_definition() {
    // importance[j][r] = baseline - score with column j permuted by the
    // permutation of (seed, j, r); mean and population std over r.
    let model = Linear::new(&[1.0, -3.0], 0.0);
    let data = regression(30, &model);
    let noisy: Array1<f64> = data
        .targets()
        .iter()
        .enumerate()
        .map(|(i, y)| y + (i % 3) as f64)
        .collect();
    let data = Dataset::new(data.records().to_owned(), noisy).unwrap();
    let options = PermutationImportance::default().n_repeats(3).seed(11);
    let result =
        permutation_importance(&model, data.view(), &NegMeanSquaredError, &options).unwrap();
    let y = data.targets();
    let predicted = model.predict(data.records()).unwrap();
    let baseline = -mean_squared_error(y, predicted.view()).unwrap();
    assert_eq!(result.baseline_score, baseline);
    for j in 0..2 {
        for r in 0..3 {
            let order = permutation(30, derive_seed(derive_seed(11, j as u64), r as u64));
            let mut x = data.records().to_owned();
            for (i, &k) in order.iter().enumerate() {
                x[[i, j]] = data.records()[[k, j]];
            }
            let predicted = model.predict(x.view()).unwrap();
            let score = -mean_squared_error(y.view(), predicted.view()).unwrap();
            assert_eq!(result.importances[[j, r]], baseline - score);
        }
        let row = result.importances.row(j);
        let mean = row.sum() / 3.0;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 3.0;
        assert!((result.importances_mean[j] - mean).abs() < 1e-12);
        assert!((result.importances_std[j] - var.sqrt()).abs() < 1e-12);
    }
}

#[test]
fn population_std_of_two_repeats_is_half_the_gap() {
    let model = Linear::new(&[2.0], 0.0);
    let data = regression(20, &model);
    let options = PermutationImportance::default().n_repeats(2);
    let result =
        permutation_importance(&model, data.view(), &NegMeanSquaredError, &options).unwrap();
    let (a, b) = (result.importances[[0, 0]], result.importances[[0, 1]]);
    assert!((result.importances_std[0] - (a - b).abs() / 2.0).abs() < 1e-12);
}

#[test]
fn same_result_on_any_number_of_threads() {
    let model = Linear::new(&[1.0, 0.5, 0.0, -1.0, 2.0], 1.0);
    let data = regression(50, &model);
    for max_samples in [None, Some(17)] {
        let options = PermutationImportance::default()
            .n_repeats(3)
            .max_samples(max_samples);
        let run = |threads| {
            let options = options.n_threads(threads);
            permutation_importance(&model, data.view(), &R2, &options).unwrap()
        };
        let one = run(Some(1));
        assert_eq!(one, run(Some(2)));
        assert_eq!(one, run(None));
    }
}

#[test]
fn repeats_depend_only_on_seed_feature_and_repeat() {
    let model = Linear::new(&[1.0, 2.0], 0.0);
    let data = regression(25, &model);
    let options = PermutationImportance::default().n_repeats(3);
    let three = permutation_importance(&model, data.view(), &R2, &options).unwrap();
    let five = permutation_importance(&model, data.view(), &R2, &options.n_repeats(5)).unwrap();
    assert_eq!(three.importances, five.importances.slice(s![.., ..3]));
    let other = permutation_importance(&model, data.view(), &R2, &options.seed(1)).unwrap();
    assert_ne!(three.importances, other.importances);
}

#[test]
fn max_samples_scores_a_subsample() {
    let model = Linear::new(&[1.0, 1.0], 0.0);
    let data = regression(30, &model);
    // The scorer reports how many samples it sees.
    let count =
        |_: &Linear, d: DatasetView<'_, f64, f64>| -> Result<f64> { Ok(d.n_samples() as f64) };
    let options = PermutationImportance::default().max_samples(Some(12));
    let result = permutation_importance(&model, data.view(), &count, &options).unwrap();
    assert_eq!(result.baseline_score, 12.0);
    assert_eq!(result.importances, ndarray::Array2::<f64>::zeros((2, 5)));
    let all = PermutationImportance::default().max_samples(Some(30));
    let none = PermutationImportance::default();
    assert_eq!(
        permutation_importance(&model, data.view(), &R2, &all).unwrap(),
        permutation_importance(&model, data.view(), &R2, &none).unwrap()
    );
}

#[test]
fn weights_reach_the_scorer() {
    let model = Linear::new(&[1.0, 1.0], 0.0);
    let data = regression(10, &model)
        .with_weights(Array1::from_iter((0..10).map(f64::from)))
        .unwrap();
    let total_weight = |_: &Linear, d: DatasetView<'_, f64, f64>| -> Result<f64> {
        d.weights()
            .map(|w| w.sum())
            .ok_or_else(|| Error::InvalidInput("no weights".into()))
    };
    let options = PermutationImportance::default();
    let result = permutation_importance(&model, data.view(), &total_weight, &options).unwrap();
    assert_eq!(result.baseline_score, 45.0);
    assert_eq!(result.importances_mean, array![0.0, 0.0]);
}

#[test]
fn classifiers_f32_and_closures_work() {
    let model = Logistic { n_features: 2 };
    let x = records(40, 2);
    let y = model.predict(x.view()).unwrap();
    let data = Dataset::new(x, y).unwrap();
    let options = PermutationImportance::default();
    let result = permutation_importance(&model, data.view(), &Accuracy, &options).unwrap();
    assert_eq!(result.baseline_score, 1.0);
    assert!(result.importances_mean[0] > 0.0);
    assert_eq!(result.importances_mean[1], 0.0);

    let linear = Linear::new(&[1.0, 0.0], 0.0);
    let x = records(20, 2).mapv(|v| v as f32);
    let y = linear.predict(x.view()).unwrap();
    let data = Dataset::new(x, y).unwrap();
    let result = permutation_importance(&linear, data.view(), &R2, &options).unwrap();
    assert!(result.importances_mean[0] > 0.5);
    assert_eq!(result.importances_mean[1], 0.0);
}

#[test]
fn bad_input_is_an_error() {
    let model = Linear::new(&[1.0, 1.0], 0.0);
    let data = regression(10, &model);
    let run =
        |options: PermutationImportance| permutation_importance(&model, data.view(), &R2, &options);
    let defaults = PermutationImportance::default();
    for options in [
        defaults.n_repeats(0),
        defaults.max_samples(Some(0)),
        defaults.max_samples(Some(11)),
        defaults.n_threads(Some(0)),
    ] {
        let err = run(options).unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { .. }), "{err}");
    }
    assert!(run(defaults.n_repeats(usize::MAX)).is_err());

    let empty = Dataset::new(ndarray::Array2::<f64>::zeros((0, 2)), Array1::zeros(0)).unwrap();
    let err = permutation_importance(&model, empty.view(), &R2, &defaults).unwrap_err();
    assert!(matches!(err, Error::EmptyData { .. }), "{err}");
    let no_features =
        Dataset::new(ndarray::Array2::<f64>::zeros((3, 0)), Array1::zeros(3)).unwrap();
    assert!(permutation_importance(&model, no_features.view(), &R2, &defaults).is_err());

    // The model's error (3 features given, 2 expected), through a named scorer.
    let wide = Dataset::new(records(10, 3), Array1::zeros(10)).unwrap();
    let err = permutation_importance(&model, wide.view(), &R2, &defaults).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");

    // A scorer that fails on permuted data only: the error comes back.
    let picky = |_: &Linear, d: DatasetView<'_, f64, f64>| -> Result<f64> {
        if d.records() == data.records() {
            Ok(0.0)
        } else {
            Err(Error::InvalidInput("permuted".into()))
        }
    };
    let err = permutation_importance(&model, data.view(), &picky, &defaults).unwrap_err();
    assert!(err.to_string().contains("permuted"), "{err}");
    let _: &dyn Scorer<Linear, f64, f64> = &picky;
}
