//! Cross-validation, grid search and the named scorers: agreement with manual
//! computation, determinism across thread counts, and error propagation.

#[path = "support/toy_estimators.rs"]
mod toy;

use ndarray::{Array1, Array2, array};
use oxlearn::model_selection::{
    CrossValidateOptions, CrossValidator, GridSearch, KFold, ParamGrid, StratifiedKFold,
    cross_val_score, cross_validate,
};
use oxlearn::{Dataset, DatasetView, Error, Fit, Predict, PredictProba};
use proptest::prelude::*;
use toy::*;

/// A dataset whose single feature is the sample index, with labels `y`.
fn indexed<T: Clone>(y: Vec<T>) -> Dataset<f64, T> {
    let n = y.len();
    Dataset::new(
        Array2::from_shape_fn((n, 1), |(i, _)| i as f64),
        Array1::from(y),
    )
    .unwrap()
}

fn accuracy(m: &CentroidModel<f64, usize>, d: DatasetView<'_, f64, usize>) -> Result<f64, Error> {
    let pred = m.predict(d.records())?;
    Ok(pred.iter().zip(d.targets()).filter(|(p, t)| p == t).count() as f64 / pred.len() as f64)
}

fn neg_mse(m: &MeanModel<f64>, d: DatasetView<'_, f64, f64>) -> Result<f64, Error> {
    let err = m.predict(d.records())? - d.targets();
    Ok(-err.mapv(|e| e * e).mean().unwrap_or(0.0))
}

// ---------------------------------------------------------------- cross-validation

#[test]
fn cross_val_score_matches_manual_folds() -> Result<(), Error> {
    let (x, y) = blobs(15);
    let data = Dataset::new(x, y)?;
    let cv = StratifiedKFold::new(3).shuffle(true).seed(11);
    let scores = cross_val_score(&NearestCentroid::default(), data.view(), &cv, &accuracy)?;
    let manual: Vec<f64> = cv
        .split(data.view())?
        .iter()
        .map(|(train, test)| {
            let model = NearestCentroid::default()
                .fit(data.select(train).unwrap().view())
                .unwrap();
            accuracy(&model, data.select(test).unwrap().view()).unwrap()
        })
        .collect();
    assert_eq!(scores, manual);
    Ok(())
}

#[test]
fn cross_validate_reports_train_scores_and_times() -> Result<(), Error> {
    let x = Array2::from_shape_fn((6, 1), |(i, _)| i as f64);
    let data = Dataset::new(x, array![1.0, 1.0, 1.0, 3.0, 3.0, 3.0])?;
    let options = CrossValidateOptions {
        n_threads: Some(2),
        return_train_score: true,
    };
    let result = cross_validate(
        &MeanRegressor::default(),
        data.view(),
        &KFold::new(2),
        &neg_mse,
        options,
    )?;
    assert_eq!(result.test_scores, vec![-4.0, -4.0]);
    assert_eq!(result.train_scores, Some(vec![0.0, 0.0]));
    assert_eq!((result.fit_times.len(), result.score_times.len()), (2, 2));
    assert_eq!(result.mean_test_score(), -4.0);
    assert_eq!(result.std_test_score(), 0.0);
    let plain = cross_validate(
        &MeanRegressor::default(),
        data.view(),
        &KFold::new(2),
        &neg_mse,
        CrossValidateOptions::default(),
    )?;
    assert_eq!(plain.train_scores, None);
    assert!(
        cross_validate(
            &MeanRegressor::default(),
            data.view(),
            &KFold::new(2),
            &neg_mse,
            CrossValidateOptions {
                n_threads: Some(0),
                ..Default::default()
            }
        )
        .is_err()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn parallel_equals_sequential(seed: u64, k in 2usize..6) {
        let (x, y) = blobs(12);
        let data = Dataset::new(x, y).unwrap();
        let cv = StratifiedKFold::new(k).shuffle(true).seed(seed);
        let run = |threads| {
            let options = CrossValidateOptions { n_threads: Some(threads), return_train_score: true };
            let r = cross_validate(&NearestCentroid::default(), data.view(), &cv, &accuracy, options).unwrap();
            (r.test_scores, r.train_scores)
        };
        prop_assert_eq!(run(1), run(2));
        let candidates = ParamGrid::new(NearestCentroid::default())
            .param([0.0, 0.3, 0.6, 0.9], |p, s| p.shrink = s)
            .build();
        let search = |threads| {
            let r = GridSearch::new(candidates.clone(), cv, accuracy).n_threads(Some(threads)).fit(data.view()).unwrap();
            (r.split_test_scores().to_vec(), r.ranks().to_vec(), r.best_index())
        };
        prop_assert_eq!(search(1), search(2));
    }
}

#[test]
fn fit_errors_propagate_deterministically() {
    let data = indexed((0..12).map(f64::from).collect::<Vec<f64>>());
    // A poisoned sample makes every fit whose training set holds it fail;
    // the error of the first failing (candidate, fold) task is returned.
    for threads in [1, 2] {
        let options = CrossValidateOptions {
            n_threads: Some(threads),
            return_train_score: false,
        };
        let scorer = |_: &FailingModel, _: DatasetView<'_, f64, f64>| Ok(0.0);
        let err = cross_validate(
            &Failing { poison: 9.0 },
            data.view(),
            &KFold::new(3),
            &scorer,
            options,
        )
        .unwrap_err();
        assert!(matches!(err, Error::Estimator(_)));
        assert!(err.to_string().contains("poison 9"), "{err}");
        let search = GridSearch::new(
            vec![
                Failing { poison: 100.0 },
                Failing { poison: 2.0 },
                Failing { poison: 9.0 },
            ],
            KFold::new(3),
            scorer,
        )
        .n_threads(Some(threads));
        let err = search.fit(data.view()).unwrap_err();
        assert!(err.to_string().contains("poison 2"), "{err}");
    }
    // Scorer errors propagate too.
    let failing_scorer = |_: &MeanModel<f64>, _: DatasetView<'_, f64, f64>| -> Result<f64, Error> {
        Err(Error::InvalidInput("scorer says no".into()))
    };
    let err = cross_val_score(
        &MeanRegressor::default(),
        data.view(),
        &KFold::new(3),
        &failing_scorer,
    )
    .unwrap_err();
    assert!(err.to_string().contains("scorer says no"));
}

// ---------------------------------------------------------------- grid search

#[test]
fn grid_search_ranks_and_refits() -> Result<(), Error> {
    let x = Array2::from_shape_fn((8, 1), |(i, _)| i as f64);
    let data = Dataset::new(x, Array1::from_elem(8, 5.0))?;
    // shift 0 is perfect; +-1 tie for second; the lower index wins ties.
    let candidates = ParamGrid::new(MeanRegressor::default())
        .param([1.0, -1.0, 0.0, 2.0], |p, s| p.shift = s)
        .build();
    let result = GridSearch::new(candidates, KFold::new(4), neg_mse)
        .return_train_score(true)
        .fit(data.view())?;
    assert_eq!(result.mean_test_scores(), &[-1.0, -1.0, 0.0, -4.0]);
    assert_eq!(result.std_test_scores(), &[0.0, 0.0, 0.0, 0.0]);
    assert_eq!(result.ranks(), &[2, 2, 1, 4]);
    assert_eq!(result.best_index(), 2);
    assert_eq!(result.best_params().shift, 0.0);
    assert_eq!(result.best_score(), 0.0);
    assert_eq!(result.split_test_scores()[3], vec![-4.0; 4]);
    assert_eq!(result.split_train_scores().unwrap()[0], vec![-1.0; 4]);
    assert_eq!(result.candidates().len(), 4);
    assert_eq!(result.mean_fit_times().len(), 4);
    assert!(result.refit_time().is_some());
    assert_eq!(
        result.predict(array![[0.0], [1.0]].view())?,
        array![5.0, 5.0]
    );
    assert_eq!(result.best_model().unwrap().value, 5.0);

    // Ties between the best candidates go to the first.
    let tied = GridSearch::new(
        vec![MeanRegressor { shift: 1.0 }, MeanRegressor { shift: -1.0 }],
        KFold::new(2),
        neg_mse,
    )
    .fit(data.view())?;
    assert_eq!((tied.best_index(), tied.ranks()), (0, &[1, 1][..]));
    Ok(())
}

#[test]
fn grid_search_population_std_and_no_refit() -> Result<(), Error> {
    let x = Array2::from_shape_fn((4, 1), |(i, _)| i as f64);
    let data = Dataset::new(x, array![0.0, 0.0, 2.0, 2.0])?;
    let result = GridSearch::new(
        vec![MeanRegressor::default()],
        KFold::new(2),
        |m: &MeanModel<f64>, d: DatasetView<'_, f64, f64>| Ok(m.value + d.targets()[0]),
    )
    .refit(false)
    .fit(data.view())?;
    // Fold scores 2 + 0 and 0 + 2: mean 2, std 0; then check numpy's std on unequal scores.
    assert_eq!(result.split_test_scores()[0], vec![2.0, 2.0]);
    assert!(result.best_model().is_none());
    assert!(result.predict(array![[0.0]].view()).is_err());
    let cv = KFold::new(2);
    let result = GridSearch::new(
        vec![MeanRegressor::default()],
        cv,
        |_: &MeanModel<f64>, d: DatasetView<'_, f64, f64>| Ok(d.records()[[0, 0]]),
    )
    .fit(data.view())?;
    assert_eq!(result.split_test_scores()[0], vec![0.0, 2.0]);
    assert_eq!(result.std_test_scores()[0], 1.0); // population std, not sample std
    Ok(())
}

#[test]
fn grid_search_bad_input_is_an_error() {
    let data = indexed(vec![0.0, 1.0, 2.0]);
    let empty: Vec<MeanRegressor> = Vec::new();
    let err = GridSearch::new(empty, KFold::new(2), neg_mse)
        .fit(data.view())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }));
    let grid =
        ParamGrid::new(MeanRegressor::default()).param(Vec::<f64>::new(), |p, s| p.shift = s);
    assert!(
        GridSearch::new(grid.build(), KFold::new(2), neg_mse)
            .fit(data.view())
            .is_err()
    );
    assert!(
        GridSearch::new(vec![MeanRegressor::default()], KFold::new(4), neg_mse)
            .fit(data.view())
            .is_err()
    );
    assert!(
        GridSearch::new(vec![MeanRegressor::default()], KFold::new(2), neg_mse)
            .n_threads(Some(0))
            .fit(data.view())
            .is_err()
    );
}

#[test]
fn grid_search_result_gives_probabilities() -> Result<(), Error> {
    let (x, y) = blobs(10);
    let data = Dataset::new(x, y)?;
    let result = GridSearch::new(
        vec![NearestCentroid::default()],
        StratifiedKFold::new(2),
        accuracy,
    )
    .fit(data.view())?;
    assert_eq!(result.classes(), &[0, 1]);
    let p = result.predict_proba(data.records())?;
    assert_eq!(
        p,
        result.best_model().unwrap().predict_proba(data.records())?
    );
    assert_eq!(result.n_features_in(), 2);
    Ok(())
}

// ---------------------------------------------------------------- named scorers

#[test]
fn named_scorers_match_metrics() -> Result<(), Error> {
    use oxlearn::metrics;
    use oxlearn::model_selection::scoring::*;

    let (x, y) = blobs(12);
    let data = Dataset::new(x, y)?;
    let model = NearestCentroid::default().fit(data.view())?;
    let (pred, proba) = (
        model.predict(data.records())?,
        model.predict_proba(data.records())?,
    );
    let y = data.targets();
    let view = data.view();
    assert_eq!(
        Accuracy.score(&model, view)?,
        metrics::accuracy_score(y, &pred)?
    );
    assert_eq!(
        BalancedAccuracy.score(&model, view)?,
        metrics::balanced_accuracy_score(y, &pred)?
    );
    let macro_f1 = metrics::f1_score(y, &pred, metrics::Average::Macro)?;
    assert_eq!(F1::macro_average().score(&model, view)?, macro_f1);
    let binary_f1 = metrics::f1_score(y, &pred, metrics::Average::Binary { pos_label: 1 })?;
    assert_eq!(F1::binary(1).score(&model, view)?, binary_f1);
    assert_eq!(
        RocAuc.score(&model, view)?,
        metrics::roc_auc_score(y, proba.column(1))?
    );
    assert_eq!(
        NegLogLoss.score(&model, view)?,
        -metrics::log_loss(y, &proba, None)?
    );

    // Weights are used when the data has them.
    let w = Array1::from_shape_fn(data.n_samples(), |i| (i % 3) as f64);
    let weighted = data.clone().with_weights(w.clone())?;
    assert_eq!(
        Accuracy.score(&model, weighted.view())?,
        metrics::accuracy_score_weighted(y, &pred, &w)?
    );

    // Regression scorers are negated losses, R^2 as is.
    let reg = Dataset::new(Array2::zeros((4, 1)), array![1.0, 2.0, 3.0, 6.0])?;
    let mean = MeanRegressor { shift: 1.0 }.fit(reg.view())?; // predicts 4
    assert_eq!(
        NegMeanSquaredError.score(&mean, reg.view())?,
        -(9.0 + 4.0 + 1.0 + 4.0) / 4.0
    );
    assert_eq!(
        NegRootMeanSquaredError.score(&mean, reg.view())?,
        -(18.0f64 / 4.0).sqrt()
    );
    assert_eq!(NegMeanAbsoluteError.score(&mean, reg.view())?, -2.0);
    assert_eq!(R2.score(&mean, reg.view())?, 1.0 - 18.0 / 14.0);

    // Named scorers drive cross-validation and search.
    let scores = cross_val_score(
        &NearestCentroid::default(),
        data.view(),
        &StratifiedKFold::new(3),
        &RocAuc,
    )?;
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
    let r = GridSearch::new(
        vec![MeanRegressor { shift: 3.0 }, MeanRegressor::default()],
        KFold::new(2),
        R2,
    )
    .fit(reg.view())?;
    assert_eq!(r.best_index(), 1);
    // A test fold with one class has no ROC AUC: an error, as scikit-learn raises.
    let sorted = Dataset::new(Array2::<f64>::zeros((6, 1)), array![0usize, 0, 0, 1, 1, 1])?;
    assert!(
        cross_val_score(
            &NearestCentroid::default(),
            sorted.view(),
            &KFold::new(3),
            &RocAuc
        )
        .is_err()
    );
    Ok(())
}
