//! `Fit::fit_with_training_output`: an estimator's own output for its
//! training data, used by `FitTransform::fit_transform` and by every step of
//! a pipeline (as scikit-learn's `Pipeline` calls `fit_transform` on its
//! intermediate steps), while new records go through the fitted models.

#[path = "support/toy_estimators.rs"]
mod toy;

use ndarray::{Array2, ArrayView2, Axis, array, concatenate};
use oxlearn::{
    Dataset, DatasetView, Error, Fit, FitTransform, FittedChain, FittedPipeline, Pipeline, Predict,
    Transform, check,
};
use toy::*;

/// Appends the mean of the (class index) targets as a feature. Its training
/// output appends, for each row, the mean of the *other* rows' targets
/// (leave-one-out, a toy cross-fitted target encoding).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct LooTargetMean;

/// A fitted [`LooTargetMean`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct LooTargetMeanModel {
    mean: f64,
    n_features: usize,
}

fn with_column<F: oxlearn::Float>(x: ArrayView2<'_, F>, col: &[F]) -> Array2<F> {
    let col = Array2::from_shape_vec((col.len(), 1), col.to_vec()).unwrap_or_default();
    concatenate(Axis(1), &[x.view(), col.view()]).unwrap_or_default()
}

impl<F: oxlearn::Float> Fit<F, usize> for LooTargetMean {
    type Model = LooTargetMeanModel;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, usize>) -> Result<LooTargetMeanModel, Error> {
        check::records(data.records(), "training records")?;
        let n = data.n_samples() as f64;
        let mean = data.targets().iter().map(|&t| t as f64).sum::<f64>() / n;
        Ok(LooTargetMeanModel {
            mean,
            n_features: data.n_features(),
        })
    }

    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, usize>,
    ) -> Result<(LooTargetMeanModel, Option<Array2<F>>), Error> {
        let model = self.fit(data)?;
        let n = data.n_samples() as f64;
        let sum = model.mean * n;
        let loo: Vec<F> = data
            .targets()
            .iter()
            .map(|&t| F::cast((sum - t as f64) / (n - 1.0)))
            .collect();
        Ok((model, Some(with_column(data.records(), &loo))))
    }
}

impl<F: oxlearn::Float> Transform<F> for LooTargetMeanModel {
    type Error = Error;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Error> {
        check::n_features(x, self.n_features)?;
        Ok(with_column(x, &vec![F::cast(self.mean); x.nrows()]))
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }
}

fn data() -> Dataset<f64, usize> {
    let (x, y) = blobs(20);
    Dataset::new(x, y).unwrap()
}

#[test]
fn default_is_none_and_fit_transform_uses_an_override() -> Result<(), Error> {
    let data = data();
    let (_, none) = Fit::<f64, usize>::fit_with_training_output(&Standardize, data.view())?;
    assert!(none.is_none());
    let (model, z) = Standardize.fit_transform(data.view())?;
    assert_eq!(z, model.transform(data.records())?);

    let (model, z) = LooTargetMean.fit_transform(data.view())?;
    let in_sample = model.transform(data.records())?;
    assert_eq!(z.column(0), in_sample.column(0));
    assert_ne!(z.column(2), in_sample.column(2));
    // Row 0 (class 0, 20 rows of each class): the mean of the other 39 targets.
    assert_eq!(z[[0, 2]], 20.0 / 39.0);
    Ok(())
}

#[test]
fn pipeline_fits_the_next_step_on_the_training_output() -> Result<(), Error> {
    let data = data();
    let fitted = Pipeline::new(Standardize)
        .then(LooTargetMean)
        .estimator(NearestCentroid::default())
        .fit(data.view())?;

    // By hand: each step's fit_transform, the final model on the last one.
    let (scaler, x1) = FitTransform::<f64, usize>::fit_transform(&Standardize, data.view())?;
    let (loo, x2) = LooTargetMean.fit_transform(DatasetView::new(x1.view(), data.targets())?)?;
    let centroid = NearestCentroid::default().fit(DatasetView::new(x2.view(), data.targets())?)?;
    assert_eq!(fitted.steps().second(), &loo);
    assert_eq!(fitted.estimator().centroids, centroid.centroids);

    // Fitting the final step on the in-sample transform gives other centroids.
    let in_sample = loo.transform(x1.view())?;
    let leaky =
        NearestCentroid::default().fit(DatasetView::new(in_sample.view(), data.targets())?)?;
    assert_ne!(leaky.centroids, centroid.centroids);

    // New records go through the fitted models.
    let test = array![[0.3, 1.2], [2.0, 2.5]];
    let through = loo.transform(scaler.transform(test.view())?.view())?;
    assert_eq!(
        fitted.predict(test.view())?,
        centroid.predict(through.view())?
    );
    Ok(())
}

#[test]
fn first_step_and_nested_pipelines_pass_the_training_output_on() -> Result<(), Error> {
    let data = data();
    let (_, expected) = LooTargetMean.fit_transform(data.view())?;
    let want =
        NearestCentroid::default().fit(DatasetView::new(expected.view(), data.targets())?)?;

    let first = Pipeline::new(LooTargetMean)
        .estimator(NearestCentroid::default())
        .fit(data.view())?;
    assert_eq!(first.estimator().centroids, want.centroids);

    // A transformer pipeline as the step of another one: its training output
    // is its steps' (Passthrough gives the records it is fitted on).
    let inner = Pipeline::new(LooTargetMean);
    let (_, out) = inner.fit_with_training_output(data.view())?;
    assert_eq!(out.as_ref(), Some(&expected));
    let nested = Pipeline::new(inner)
        .estimator(NearestCentroid::default())
        .fit(data.view())?;
    assert_eq!(nested.estimator().centroids, want.centroids);

    // A chain of steps: the output of its last step.
    let chain = Pipeline::new(LooTargetMean).then(AppendSquares);
    let (_, out) = chain.fit_with_training_output(data.view())?;
    let (_, squares) = FitTransform::<f64, usize>::fit_transform(
        &AppendSquares,
        DatasetView::new(expected.view(), data.targets())?,
    )?;
    assert_eq!(out, Some(squares));
    Ok(())
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip_predicts_identically() -> Result<(), Box<dyn std::error::Error>> {
    type Model = FittedPipeline<
        FittedChain<StandardizeModel<f64>, LooTargetMeanModel>,
        CentroidModel<f64, usize>,
    >;
    let data = data();
    let fitted: Model = Pipeline::new(Standardize)
        .then(LooTargetMean)
        .estimator(NearestCentroid::default())
        .fit(data.view())?;
    let loaded: Model = serde_json::from_str(&serde_json::to_string(&fitted)?)?;
    assert_eq!(
        loaded.predict(data.records())?,
        fitted.predict(data.records())?
    );
    Ok(())
}

/// Gives a training output with one row too few.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct DropsARow;

impl<F: oxlearn::Float> Fit<F, usize> for DropsARow {
    type Model = LooTargetMeanModel;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, usize>) -> Result<LooTargetMeanModel, Error> {
        LooTargetMean.fit(data)
    }

    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, usize>,
    ) -> Result<(LooTargetMeanModel, Option<Array2<F>>), Error> {
        let n = data.n_samples();
        let x = data.records().slice(ndarray::s![..n - 1, ..]).to_owned();
        Ok((self.fit(data)?, Some(x)))
    }
}

#[test]
fn a_training_output_with_the_wrong_rows_is_an_error() {
    let data = data();
    let pipe = Pipeline::new(DropsARow).estimator(NearestCentroid::default());
    let err = pipe.fit(data.view()).expect_err("one row short");
    assert!(err.to_string().contains("one per sample"), "{err}");
    let pipe = Pipeline::new(Standardize)
        .then(DropsARow)
        .estimator(NearestCentroid::default());
    assert!(pipe.fit(data.view()).is_err());
}
