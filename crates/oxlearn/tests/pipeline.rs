//! Pipelines: composition, propagation of names, targets and weights,
//! serialisation, errors, and use inside model selection.

#[path = "support/toy_estimators.rs"]
mod toy;

use ndarray::{Array1, Array2, array};
use oxlearn::model_selection::{GridSearch, KFold, ParamGrid, StratifiedKFold, cross_val_score};
use oxlearn::{
    Dataset, DatasetView, Error, Fit, FittedChain, FittedPassthrough, FittedPipeline, Pipeline,
    Predict, PredictProba, Transform,
};
use toy::*;

fn data() -> Dataset<f64, usize> {
    let (x, y) = blobs(20);
    Dataset::new(x, y)
        .unwrap()
        .with_feature_names(["a", "b"])
        .unwrap()
}

#[test]
fn predict_equals_manual_composition() -> Result<(), Error> {
    let data = data();
    let pipe = Pipeline::new(Standardize)
        .then(AppendSquares)
        .estimator(NearestCentroid { shrink: 0.1 });
    let fitted = pipe.fit(data.view())?;

    let scaler = Fit::<f64, usize>::fit(&Standardize, data.view())?;
    let x1 = scaler.transform(data.records())?;
    let d1 = DatasetView::new(x1.view(), data.targets())?;
    let squares = Fit::<f64, usize>::fit(&AppendSquares, d1)?;
    let x2 = squares.transform(x1.view())?;
    let model =
        NearestCentroid { shrink: 0.1 }.fit(DatasetView::new(x2.view(), data.targets())?)?;

    let test = array![[0.3, 1.2], [2.0, 2.5], [-1.0, 0.0]];
    assert_eq!(
        fitted.predict(test.view())?,
        model.predict(
            squares
                .transform(scaler.transform(test.view())?.view())?
                .view()
        )?
    );
    assert_eq!(
        fitted.predict_proba(test.view())?,
        model.predict_proba(x_through(&scaler, &squares, &test)?.view())?
    );
    assert_eq!(fitted.classes(), &[0, 1]);
    assert_eq!(fitted.n_features_in(), 2);
    assert_eq!(fitted.estimator().centroids, model.centroids);
    Ok(())
}

fn x_through(
    scaler: &StandardizeModel<f64>,
    squares: &AppendSquaresModel,
    x: &Array2<f64>,
) -> Result<Array2<f64>, Error> {
    squares.transform(scaler.transform(x.view())?.view())
}

#[test]
fn feature_names_and_transform_propagate() -> Result<(), Error> {
    let data = data();
    let fitted = Pipeline::new(Standardize)
        .then(AppendSquares)
        .estimator(NearestCentroid::default())
        .fit(data.view())?;
    // The final estimator was fitted on data named by the steps.
    assert_eq!(fitted.estimator().feature_names, ["a", "b", "a^2", "b^2"]);

    let transformer = Pipeline::new(AppendSquares)
        .then(AppendSquares)
        .fit(data.view())?;
    let names = Transform::<f64>::feature_names_out(&transformer, &["u".to_string()]);
    assert_eq!(names, ["u", "u^2", "u^2", "u^2^2"]);
    let x = array![[2.0, 3.0]];
    let out = Transform::transform(&transformer, x.view())?;
    assert_eq!(out, array![[2.0, 3.0, 4.0, 9.0, 4.0, 9.0, 16.0, 81.0]]);
    assert_eq!(Transform::<f64>::n_features_in(&transformer), 2);
    // A pipeline whose final step is a transformer.
    let scaled_squares = Pipeline::new(Standardize)
        .estimator(AppendSquares)
        .fit(data.view())?;
    assert_eq!(scaled_squares.transform(data.records())?.ncols(), 4);
    Ok(())
}

#[test]
fn targets_and_weights_pass_through() -> Result<(), Error> {
    let x = array![[1.0], [2.0], [3.0], [4.0]];
    let data =
        Dataset::new(x, array![1.0, 2.0, 3.0, 10.0])?.with_weights(array![1.0, 1.0, 1.0, 0.0])?;
    let fitted = Pipeline::new(Standardize)
        .estimator(MeanRegressor::default())
        .fit(data.view())?;
    assert_eq!(fitted.predict(array![[0.0]].view())?, array![2.0]);
    Ok(())
}

#[test]
fn works_with_f32() -> Result<(), Error> {
    let (x, y) = blobs(10);
    let data = Dataset::new(x.mapv(|v| v as f32), y)?;
    let fitted = Pipeline::new(Standardize)
        .estimator(NearestCentroid::default())
        .fit(data.view())?;
    let pred = fitted.predict(data.records())?;
    assert_eq!(pred.len(), 20);
    let p = fitted.predict_proba(data.records())?;
    assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-5));
    Ok(())
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip_predicts_identically() -> Result<(), Box<dyn std::error::Error>> {
    type Model = FittedPipeline<
        FittedChain<StandardizeModel<f64>, AppendSquaresModel>,
        CentroidModel<f64, usize>,
    >;
    let data = data();
    let pipe = Pipeline::new(Standardize)
        .then(AppendSquares)
        .estimator(NearestCentroid { shrink: 0.2 });
    let fitted: Model = pipe.fit(data.view())?;
    let json = serde_json::to_string(&fitted)?;
    let loaded: Model = serde_json::from_str(&json)?;
    // serde_json parses floats to within one ulp unless its `float_roundtrip`
    // feature is on: labels are identical, probabilities agree to 1e-12.
    assert_eq!(
        loaded.predict(data.records())?,
        fitted.predict(data.records())?
    );
    let (a, b) = (
        loaded.predict_proba(data.records())?,
        fitted.predict_proba(data.records())?,
    );
    assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12));
    assert_eq!(
        loaded.estimator().feature_names,
        fitted.estimator().feature_names
    );

    // Transformer-only pipelines too.
    type Scaler = FittedPipeline<StandardizeModel<f64>, FittedPassthrough>;
    let scaler: Scaler = Pipeline::new(Standardize).fit(data.view())?;
    let loaded: Scaler = serde_json::from_str(&serde_json::to_string(&scaler)?)?;
    let (a, b) = (
        loaded.transform(data.records())?,
        scaler.transform(data.records())?,
    );
    assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12));
    // Corrupt input is an error, not a panic.
    assert!(serde_json::from_str::<Model>("{\"steps\": 3}").is_err());
    Ok(())
}

#[test]
fn wrong_feature_count_is_an_error() -> Result<(), Error> {
    let fitted = Pipeline::new(Standardize)
        .then(AppendSquares)
        .estimator(NearestCentroid::default())
        .fit(data().view())?;
    let err = fitted.predict(Array2::zeros((2, 3)).view()).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
    assert!(fitted.predict_proba(Array2::zeros((2, 1)).view()).is_err());
    Ok(())
}

#[test]
fn step_errors_propagate() {
    let data = data();
    // A family-crate error type is carried as `Error::Estimator`.
    let poison = data.records()[[3, 0]];
    let err = Pipeline::new(Standardize)
        .then(Failing { poison: -1.0 }) // standardised [0, 1] is [-1, 1]
        .estimator(NearestCentroid::default())
        .fit(
            Dataset::new(array![[0.0, 0.0], [1.0, 1.0]], array![0, 1])
                .unwrap()
                .view(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Estimator(_)));
    assert!(err.to_string().contains("toy estimator refused"), "{err}");
    let err = Pipeline::new(Failing { poison })
        .estimator(NearestCentroid::default())
        .fit(data.view())
        .unwrap_err();
    assert!(err.to_string().contains("poison"), "{err}");
    // A core error keeps its variant.
    let err = Pipeline::new(Standardize)
        .estimator(NearestCentroid { shrink: 2.0 })
        .fit(data.view())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err}");
    let bad = Dataset::new(array![[f64::NAN, 0.0], [1.0, 1.0]], array![0, 1]).unwrap();
    let err = Pipeline::new(Standardize)
        .estimator(NearestCentroid::default())
        .fit(bad.view())
        .unwrap_err();
    assert!(matches!(err, Error::NonFinite { .. }), "{err}");
    // ... and at predict time.
    let fitted = Pipeline::new(Standardize)
        .estimator(NearestCentroid::default())
        .fit(data.view())
        .unwrap();
    assert!(matches!(
        fitted.predict(array![[f64::INFINITY, 0.0]].view()),
        Err(Error::NonFinite { .. })
    ));
}

#[test]
fn pipelines_in_model_selection() -> Result<(), Error> {
    let data = data();
    let pipe = Pipeline::new(Standardize).estimator(NearestCentroid::default());
    let accuracy = |m: &FittedPipeline<StandardizeModel<f64>, CentroidModel<f64, usize>>,
                    d: DatasetView<'_, f64, usize>|
     -> Result<f64, Error> {
        let pred = m.predict(d.records())?;
        Ok(pred.iter().zip(d.targets()).filter(|(p, t)| p == t).count() as f64 / pred.len() as f64)
    };
    let scores = cross_val_score(&pipe, data.view(), &StratifiedKFold::new(4), &accuracy)?;
    assert_eq!(scores.len(), 4);
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));

    let candidates = ParamGrid::new(pipe)
        .param([0.0, 0.5, 0.9], |p, s| p.estimator.shrink = s)
        .build();
    let result =
        GridSearch::new(candidates, KFold::new(4).shuffle(true), accuracy).fit(data.view())?;
    assert_eq!(result.mean_test_scores().len(), 3);
    let best = result.best_model().expect("refit");
    assert_eq!(best.estimator().centroids.nrows(), 2);
    let pred: Array1<usize> = result.predict(data.records())?;
    assert_eq!(pred, best.predict(data.records())?);
    Ok(())
}
