//! Transformers chained before a final estimator, fitted and saved as one unit.
//!
//! A [`Pipeline`] is built step by step and is itself a hyperparameter struct
//! ([`Fit`]); fitting it fits each transformer on the output of the previous
//! ones and the final estimator on the output of the last, and returns one
//! [`FittedPipeline`] that predicts (or transforms) raw records. Everything is
//! generic, no trait objects: the fitted pipeline serialises with serde when
//! its steps do, and the types say what it can do (it implements
//! [`PredictProba`] only when the final model does).
//!
//! ```
//! # use ndarray::{Array1, Array2, ArrayView2, Axis};
//! # use oxlearn::{DatasetView, Error, Float, Predict, Transform, check};
//! /// Scales each feature to zero mean and unit variance.
//! struct Standardize;
//! # struct StandardizeModel { mean: Array1<f64>, std: Array1<f64> }
//! # impl<T> oxlearn::Fit<f64, T> for Standardize {
//! #     type Model = StandardizeModel;
//! #     type Error = Error;
//! #     fn fit(&self, d: DatasetView<'_, f64, T>) -> Result<StandardizeModel, Error> {
//! #         check::records(d.records(), "records")?;
//! #         let mean = d.records().mean_axis(Axis(0)).unwrap_or_default();
//! #         let std = d.records().std_axis(Axis(0), 0.0).mapv(|s| if s > 0.0 { s } else { 1.0 });
//! #         Ok(StandardizeModel { mean, std })
//! #     }
//! # }
//! # impl Transform<f64> for StandardizeModel {
//! #     type Error = Error;
//! #     fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, Error> {
//! #         check::n_features(x, self.mean.len())?;
//! #         Ok((&x - &self.mean) / &self.std)
//! #     }
//! #     fn n_features_in(&self) -> usize { self.mean.len() }
//! # }
//! /// Predicts class 1 when the sum of the features is positive.
//! struct SignOfSum;
//! # struct SignModel(usize);
//! # impl oxlearn::Fit<f64, usize> for SignOfSum {
//! #     type Model = SignModel;
//! #     type Error = Error;
//! #     fn fit(&self, d: DatasetView<'_, f64, usize>) -> Result<SignModel, Error> {
//! #         Ok(SignModel(d.n_features()))
//! #     }
//! # }
//! # impl Predict<f64> for SignModel {
//! #     type Output = Array1<usize>;
//! #     type Error = Error;
//! #     fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<usize>, Error> {
//! #         check::n_features(x, self.0)?;
//! #         Ok(x.sum_axis(Axis(1)).mapv(|s| usize::from(s > 0.0)))
//! #     }
//! #     fn n_features_in(&self) -> usize { self.0 }
//! # }
//! use ndarray::array;
//! use oxlearn::{Dataset, Fit, Pipeline};
//!
//! let data = Dataset::new(array![[10.0, 1.0], [20.0, 2.0], [30.0, 3.0]], array![0, 0, 1])?;
//! let pipeline = Pipeline::new(Standardize).estimator(SignOfSum);
//! let fitted = pipeline.fit(data.view())?;
//! assert_eq!(fitted.predict(array![[12.0, 1.0], [40.0, 4.0]].view())?, array![0, 1]);
//! assert_eq!(fitted.n_features_in(), 2);
//! assert!(fitted.predict(array![[1.0]].view()).is_err()); // wrong number of features
//!
//! // Transformers only: the pipeline is a transformer.
//! let scaler = Pipeline::new(Standardize).then(Standardize).fit(data.view())?;
//! assert_eq!(scaler.transform(data.records())?.column(0).sum(), 0.0);
//! # Ok::<(), Error>(())
//! ```

use ndarray::{Array2, ArrayView2};

use crate::dataset::{Dataset, DatasetView};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::traits::{Fit, Predict, PredictProba, Transform};

/// A chain of transformer hyperparameters that can be fitted in one pass,
/// returning the fitted chain and the training data transformed by it.
///
/// Implemented by [`Step`] (one transformer) and [`Chain`] (a chain followed
/// by one more transformer); [`Pipeline::new`] and [`Pipeline::then`] build them.
pub trait Steps<F: Float, T> {
    /// The fitted chain.
    type Fitted: Transform<F>;

    /// Fits each transformer on the training output of the previous ones
    /// (each step's [`Fit::fit_with_training_output`], by default its
    /// transform of its training records); returns the fitted chain and the
    /// last step's training output (targets, weights and
    /// target names kept, feature names from
    /// [`feature_names_out`](Transform::feature_names_out)).
    ///
    /// # Errors
    /// The first step's error, converted with [`Error::from_estimator`].
    fn fit_steps(&self, data: DatasetView<'_, F, T>) -> Result<(Self::Fitted, Dataset<F, T>)>;
}

/// The first transformer of a pipeline (its hyperparameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Step<P>(pub P);

/// Transformer steps `first` followed by the transformer `second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Chain<A, B> {
    /// The steps before.
    pub first: A,
    /// The last transformer.
    pub second: B,
}

/// A fitted [`Chain`]: transforms with `first`, then `second`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedChain<A, B> {
    first: A,
    second: B,
}

impl<A, B> FittedChain<A, B> {
    /// The fitted steps before the last one.
    pub fn first(&self) -> &A {
        &self.first
    }

    /// The last fitted transformer.
    pub fn second(&self) -> &B {
        &self.second
    }
}

/// The final step of a pipeline made of transformers only: leaves the
/// records unchanged (scikit-learn's `"passthrough"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Passthrough;

/// A fitted [`Passthrough`]: the identity on records of `n_features_in` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedPassthrough {
    n_features_in: usize,
}

/// Transformers followed by a final estimator (or [`Passthrough`]): the
/// hyperparameters of the whole chain, fitted as one [`Fit`].
///
/// Build it with [`Pipeline::new`] (the first transformer),
/// [`then`](Pipeline::then) (more transformers) and
/// [`estimator`](Pipeline::estimator) (the final estimator). Without a final
/// estimator the fitted pipeline is a transformer. The fields are public so
/// that a [`ParamGrid`](crate::model_selection::ParamGrid) can vary any
/// step's hyperparameters.
///
/// Each transformer must implement [`Fit<F, T>`] for the pipeline's target
/// type `T` (transformers that ignore targets should implement it for every
/// `T`) and be fitted to a model that implements [`Transform`]. The pipeline's
/// error type is the core [`Error`]; step errors are wrapped with
/// [`Error::from_estimator`].
///
/// Each transformer is fitted and its training output taken in one call,
/// [`Fit::fit_with_training_output`], as scikit-learn's `Pipeline` calls
/// `fit_transform` on its intermediate steps: for most transformers that is
/// the fitted model's transform of the training records, but a step that
/// defines its own (a target encoder's cross-fitted encoding) passes that on
/// to the next step, while [`predict`](Predict::predict) and
/// [`transform`](Transform::transform) on new records use the fitted models.
///
/// Fitting copies the targets and weights along with each transformed
/// dataset; feature names follow each step's
/// [`feature_names_out`](Transform::feature_names_out) (the default names
/// `x0, x1, ...` when a step gives the wrong number of names), and categorical
/// markers are dropped after the first step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Pipeline<S, E> {
    /// The transformer steps ([`Step`] or [`Chain`]).
    pub steps: S,
    /// The final estimator, or [`Passthrough`].
    pub estimator: E,
}

impl<P> Pipeline<Step<P>, Passthrough> {
    /// A pipeline starting with the transformer `first`.
    pub fn new(first: P) -> Self {
        Pipeline {
            steps: Step(first),
            estimator: Passthrough,
        }
    }
}

impl<S> Pipeline<S, Passthrough> {
    /// Appends the transformer `next`.
    pub fn then<P>(self, next: P) -> Pipeline<Chain<S, P>, Passthrough> {
        Pipeline {
            steps: Chain {
                first: self.steps,
                second: next,
            },
            estimator: Passthrough,
        }
    }

    /// Sets the final estimator.
    pub fn estimator<E>(self, estimator: E) -> Pipeline<S, E> {
        Pipeline {
            steps: self.steps,
            estimator,
        }
    }
}

/// A fitted [`Pipeline`]: transforms records through the fitted steps, then
/// predicts (or transforms) with the final model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedPipeline<S, E> {
    steps: S,
    estimator: E,
}

impl<S, E> FittedPipeline<S, E> {
    /// The fitted transformer steps.
    pub fn steps(&self) -> &S {
        &self.steps
    }

    /// The fitted final model.
    pub fn estimator(&self) -> &E {
        &self.estimator
    }

    /// Takes the pipeline apart into its fitted steps and final model.
    pub fn into_parts(self) -> (S, E) {
        (self.steps, self.estimator)
    }
}

/// The training output of `model` fitted on `data` (`out` when the step gave
/// its own, see [`Fit::fit_with_training_output`], else `data` transformed by
/// `model`), with targets, weights, target names and the output feature names.
fn transformed<F, T, M>(
    model: &M,
    data: DatasetView<'_, F, T>,
    out: Option<Array2<F>>,
) -> Result<Dataset<F, T>>
where
    F: Float,
    T: Clone,
    M: Transform<F>,
{
    let x = match out {
        Some(x) => x,
        None => model
            .transform(data.records())
            .map_err(Error::from_estimator)?,
    };
    if x.nrows() != data.n_samples() {
        return Err(Error::shape_mismatch(
            "rows returned by a pipeline transformer",
            format!("{} rows (one per sample)", data.n_samples()),
            format!("{} rows", x.nrows()),
        ));
    }
    let names = model.feature_names_out(&data.feature_names());
    let mut out = Dataset::new(x, data.targets().to_owned())?
        .with_target_names(data.target_names().iter().cloned());
    if names.len() == out.n_features() {
        out = out.with_feature_names(names)?;
    }
    if let Some(w) = data.weights() {
        out = out.with_weights(w.to_owned())?;
    }
    Ok(out)
}

impl<F, T, P> Steps<F, T> for Step<P>
where
    F: Float,
    T: Clone,
    P: Fit<F, T>,
    P::Model: Transform<F>,
{
    type Fitted = P::Model;

    fn fit_steps(&self, data: DatasetView<'_, F, T>) -> Result<(P::Model, Dataset<F, T>)> {
        let (model, out) = self
            .0
            .fit_with_training_output(data)
            .map_err(Error::from_estimator)?;
        let out = transformed(&model, data, out)?;
        Ok((model, out))
    }
}

impl<F, T, A, B> Steps<F, T> for Chain<A, B>
where
    F: Float,
    T: Clone,
    A: Steps<F, T>,
    B: Fit<F, T>,
    B::Model: Transform<F>,
{
    type Fitted = FittedChain<A::Fitted, B::Model>;

    fn fit_steps(&self, data: DatasetView<'_, F, T>) -> Result<(Self::Fitted, Dataset<F, T>)> {
        let (first, mid) = self.first.fit_steps(data)?;
        let (second, out) = self
            .second
            .fit_with_training_output(mid.view())
            .map_err(Error::from_estimator)?;
        let out = transformed(&second, mid.view(), out)?;
        Ok((FittedChain { first, second }, out))
    }
}

impl<F, T, P> Fit<F, T> for Step<P>
where
    Step<P>: Steps<F, T>,
    F: Float,
{
    type Model = <Self as Steps<F, T>>::Fitted;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
        self.fit_steps(data).map(|(model, _)| model)
    }

    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Option<Array2<F>>)> {
        let (model, out) = self.fit_steps(data)?;
        Ok((model, Some(out.into_parts().0)))
    }
}

impl<F, T, A, B> Fit<F, T> for Chain<A, B>
where
    Chain<A, B>: Steps<F, T>,
    F: Float,
{
    type Model = <Self as Steps<F, T>>::Fitted;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
        self.fit_steps(data).map(|(model, _)| model)
    }

    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Option<Array2<F>>)> {
        let (model, out) = self.fit_steps(data)?;
        Ok((model, Some(out.into_parts().0)))
    }
}

impl<F: Float, T> Fit<F, T> for Passthrough {
    type Model = FittedPassthrough;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<FittedPassthrough> {
        Ok(FittedPassthrough {
            n_features_in: data.n_features(),
        })
    }

    /// The training records themselves.
    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(FittedPassthrough, Option<Array2<F>>)> {
        Ok((self.fit(data)?, Some(data.records().to_owned())))
    }
}

impl<F: Float> Transform<F> for FittedPassthrough {
    type Error = Error;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        crate::check::n_features(x, self.n_features_in)?;
        Ok(x.to_owned())
    }

    fn n_features_in(&self) -> usize {
        self.n_features_in
    }
}

impl<F, A, B> Transform<F> for FittedChain<A, B>
where
    F: Float,
    A: Transform<F>,
    B: Transform<F>,
{
    type Error = Error;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        let mid = self.first.transform(x).map_err(Error::from_estimator)?;
        self.second
            .transform(mid.view())
            .map_err(Error::from_estimator)
    }

    fn n_features_in(&self) -> usize {
        self.first.n_features_in()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        self.second
            .feature_names_out(&self.first.feature_names_out(input))
    }
}

impl<F, T, S, E> Fit<F, T> for Pipeline<S, E>
where
    F: Float,
    S: Steps<F, T>,
    E: Fit<F, T>,
{
    type Model = FittedPipeline<S::Fitted, E::Model>;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
        let (steps, mid) = self.steps.fit_steps(data)?;
        let estimator = self
            .estimator
            .fit(mid.view())
            .map_err(Error::from_estimator)?;
        Ok(FittedPipeline { steps, estimator })
    }

    /// The final estimator's own training output on the steps' training
    /// output (that output itself with [`Passthrough`]), so that a pipeline
    /// nested in another one passes on what its steps gave; `None` when the
    /// final estimator gives none.
    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Option<Array2<F>>)> {
        let (steps, mid) = self.steps.fit_steps(data)?;
        let (estimator, out) = self
            .estimator
            .fit_with_training_output(mid.view())
            .map_err(Error::from_estimator)?;
        Ok((FittedPipeline { steps, estimator }, out))
    }
}

impl<S, E> FittedPipeline<S, E> {
    /// Records transformed by the fitted steps (without the final model).
    ///
    /// # Errors
    /// The first step's error (a wrong number of features, ...).
    pub fn transform_steps<F: Float>(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>>
    where
        S: Transform<F>,
    {
        self.steps.transform(x).map_err(Error::from_estimator)
    }
}

impl<F, S, E> Predict<F> for FittedPipeline<S, E>
where
    F: Float,
    S: Transform<F>,
    E: Predict<F>,
{
    type Output = E::Output;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<E::Output> {
        let mid = self.transform_steps(x)?;
        self.estimator
            .predict(mid.view())
            .map_err(Error::from_estimator)
    }

    fn n_features_in(&self) -> usize {
        self.steps.n_features_in()
    }
}

impl<F, S, E> PredictProba<F> for FittedPipeline<S, E>
where
    F: Float,
    S: Transform<F>,
    E: PredictProba<F>,
{
    type Class = E::Class;

    fn classes(&self) -> &[E::Class] {
        self.estimator.classes()
    }

    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        let mid = self.transform_steps(x)?;
        self.estimator
            .predict_proba(mid.view())
            .map_err(Error::from_estimator)
    }
}

impl<F, S, E> Transform<F> for FittedPipeline<S, E>
where
    F: Float,
    S: Transform<F>,
    E: Transform<F>,
{
    type Error = Error;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        let mid = self.transform_steps(x)?;
        self.estimator
            .transform(mid.view())
            .map_err(Error::from_estimator)
    }

    fn n_features_in(&self) -> usize {
        self.steps.n_features_in()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        self.estimator
            .feature_names_out(&self.steps.feature_names_out(input))
    }
}
