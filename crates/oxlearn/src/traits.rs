//! The estimator traits: one contract for every family crate.
//!
//! An estimator is a plain hyperparameter struct. [`Fit::fit`] validates the
//! hyperparameters and the data, then returns a separate, immutable fitted
//! model: a model that was never fitted cannot exist, so it cannot be used.
//! Fitted models implement [`Predict`], [`PredictProba`] or [`Transform`], and
//! those that learn incrementally implement [`PartialFit`].
//!
//! ```
//! use ndarray::{Array1, Array2, ArrayView2, array};
//! use oxlearn::{Dataset, DatasetView, Error, Fit, Predict, check};
//!
//! /// Predicts the (weighted) mean of the training targets.
//! #[derive(Default)]
//! struct MeanRegressor;
//!
//! struct MeanModel {
//!     mean: f64,
//!     n_features: usize,
//! }
//!
//! impl Fit<f64, f64> for MeanRegressor {
//!     type Model = MeanModel;
//!     type Error = Error;
//!     fn fit(&self, data: DatasetView<'_, f64, f64>) -> Result<MeanModel, Error> {
//!         check::non_empty(data.records(), "training records")?;
//!         check::finite_1d(data.targets(), "targets")?;
//!         let mean = data.targets().mean().unwrap_or(0.0);
//!         Ok(MeanModel { mean, n_features: data.n_features() })
//!     }
//! }
//!
//! impl Predict<f64> for MeanModel {
//!     type Output = Array1<f64>;
//!     type Error = Error;
//!     fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, Error> {
//!         check::n_features(x, self.n_features)?;
//!         Ok(Array1::from_elem(x.nrows(), self.mean))
//!     }
//!     fn n_features_in(&self) -> usize {
//!         self.n_features
//!     }
//! }
//!
//! let data = Dataset::new(array![[1.0], [2.0], [3.0]], array![1.0, 2.0, 6.0])?;
//! let model = MeanRegressor.fit(data.view())?;
//! assert_eq!(model.predict(array![[10.0]].view())?, array![3.0]);
//! assert!(model.predict(Array2::zeros((1, 2)).view()).is_err());
//! # Ok::<(), Error>(())
//! ```

use ndarray::{Array2, ArrayView2};

use crate::dataset::DatasetView;
use crate::error::Error;
use crate::float::Float;

/// The error bound every estimator's error type meets: a standard error that
/// the core [`Error`] converts into, and that can cross threads.
pub trait EstimatorError: std::error::Error + From<Error> + Send + Sync + 'static {}

impl<E: std::error::Error + From<Error> + Send + Sync + 'static> EstimatorError for E {}

/// Hyperparameters that can be fitted to a dataset of `F` records and `T` targets.
///
/// Use `T = ()` for unsupervised estimators (see
/// [`Dataset::from_records`](crate::Dataset::from_records)).
pub trait Fit<F: Float, T> {
    /// The fitted model.
    type Model;
    /// The error type (the family crate's error enum, or the core [`Error`]).
    type Error: EstimatorError;

    /// Validates the hyperparameters and `data`, then fits a model.
    ///
    /// # Errors
    /// When a hyperparameter is out of range or the data is unsuitable (empty,
    /// non-finite where not supported, too few classes, ...).
    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, Self::Error>;

    /// Fits a model and returns it with the estimator's own output for the
    /// training records, when it has one: `None` (the default) means "the
    /// fitted model's [`Transform::transform`] of the training records".
    ///
    /// This is where an estimator whose training output differs from
    /// `fit(data).transform(data)` says so, as scikit-learn's estimators do
    /// by overriding `fit_transform`: `TargetEncoder` (in
    /// `oxlearn-preprocessing`) returns its cross-fitted encoding here, so
    /// that a downstream model does not see its own target leak through the
    /// encoding. [`FitTransform::fit_transform`], every step of a
    /// [`Pipeline`](crate::Pipeline) and every transformer of a
    /// `ColumnTransformer` use it, so overriding it changes all three.
    /// Overrides must return a model equal to [`fit`](Fit::fit)'s and, when
    /// `Some`, one row per training sample.
    ///
    /// # Errors
    /// As [`fit`](Fit::fit).
    #[allow(clippy::type_complexity)]
    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Option<Array2<F>>), Self::Error> {
        Ok((self.fit(data)?, None))
    }
}

/// A fitted model that predicts one output per sample.
pub trait Predict<F: Float> {
    /// What `predict` returns: usually `Array1<T>` of labels or `Array1<F>` of values.
    type Output;
    /// The error type.
    type Error: EstimatorError;

    /// Predicts for each row of `x`.
    ///
    /// # Errors
    /// When `x` has a different number of features than the training data, or
    /// holds values the model does not accept.
    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Self::Output, Self::Error>;

    /// The number of features seen at fit.
    fn n_features_in(&self) -> usize;
}

/// A fitted classifier that gives class probabilities.
pub trait PredictProba<F: Float>: Predict<F> {
    /// The label type.
    type Class;

    /// The classes in the order of the probability columns (sorted).
    fn classes(&self) -> &[Self::Class];

    /// Probabilities, samples x classes; each row sums to 1.
    ///
    /// # Errors
    /// As [`Predict::predict`].
    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Self::Error>;
}

/// A fitted transformer: maps records to new records.
pub trait Transform<F: Float> {
    /// The error type.
    type Error: EstimatorError;

    /// Transforms each row of `x`.
    ///
    /// # Errors
    /// When `x` has a different number of features than at fit, or holds
    /// values the transformer does not accept.
    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, Self::Error>;

    /// The number of features seen at fit.
    fn n_features_in(&self) -> usize;

    /// The names of the output features given the input names. The default
    /// keeps the input names, right for transformers that map each column to
    /// one column.
    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        input.to_vec()
    }
}

/// Fit then transform the training data in one call; implemented for every
/// [`Fit`] whose model is a [`Transform`].
///
/// The output is the estimator's
/// [`fit_with_training_output`](Fit::fit_with_training_output) when it gives
/// one (for example the cross-fitted encoding of a target encoder, as
/// scikit-learn's `fit_transform`), else the model's transform of the
/// training records: an estimator changes its `fit_transform` by overriding
/// that provided method of [`Fit`], as this trait is implemented once for all.
pub trait FitTransform<F: Float, T>: Fit<F, T>
where
    Self::Model: Transform<F>,
{
    /// Fits on `data` and transforms its records, returning both the model and
    /// the transformed records.
    ///
    /// # Errors
    /// As [`Fit::fit`] and [`Transform::transform`].
    fn fit_transform(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Array2<F>), Self::Error>;
}

impl<F: Float, T, P> FitTransform<F, T> for P
where
    P: Fit<F, T>,
    P::Model: Transform<F>,
    P::Error: From<<P::Model as Transform<F>>::Error>,
{
    fn fit_transform(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Array2<F>), Self::Error> {
        let (model, out) = self.fit_with_training_output(data)?;
        let out = match out {
            Some(out) => out,
            None => model.transform(data.records())?,
        };
        Ok((model, out))
    }
}

/// A fitted model that keeps learning from new batches of data.
///
/// The first batch is fitted with [`Fit::fit`]; later batches update the model
/// in place. Classes and the number of features are fixed by the first fit.
pub trait PartialFit<F: Float, T> {
    /// The error type.
    type Error: EstimatorError;

    /// Updates the model with one more batch.
    ///
    /// # Errors
    /// When the batch has a different number of features, an unknown class, or
    /// values the model does not accept. The model is left unchanged then.
    fn partial_fit(&mut self, data: DatasetView<'_, F, T>) -> Result<(), Self::Error>;
}
