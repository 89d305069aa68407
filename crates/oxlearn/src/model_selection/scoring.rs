//! Scorers: how cross-validation and search rate a fitted model on data.
//!
//! A scorer maps a fitted model and a dataset to a number where greater is
//! better, as scikit-learn's scorers (losses are negated: `neg_log_loss`,
//! `neg_mean_squared_error`, ...). Any closure
//! `Fn(&Model, DatasetView<F, T>) -> Result<f64, Error>` is a [`Scorer`]; the
//! named scorers below work for every model with the right trait.

// The metrics take `impl AsArray<'a, T>` with one lifetime for all their
// arguments, and ndarray views are invariant in it: borrowing the local
// views (`&y`) lets them share the shortest one.
#![allow(clippy::needless_borrows_for_generic_args)]

use std::fmt::Debug;

use ndarray::{Array1, Array2};

use crate::dataset::DatasetView;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::metrics::{self, Average};
use crate::traits::{Predict, PredictProba};

/// Rates a fitted model `M` on data of `F` records and `T` targets; greater is
/// better.
///
/// Implemented for every closure or function
/// `Fn(&M, DatasetView<'_, F, T>) -> Result<f64, Error> + Sync`, and by the
/// named scorers of this module.
pub trait Scorer<M, F: Float, T>: Sync {
    /// The score of `model` on `data`.
    ///
    /// # Errors
    /// When the model cannot predict on `data` or the metric is undefined for it.
    fn score(&self, model: &M, data: DatasetView<'_, F, T>) -> Result<f64>;
}

impl<M, F: Float, T, G> Scorer<M, F, T> for G
where
    G: Fn(&M, DatasetView<'_, F, T>) -> Result<f64> + Sync,
{
    fn score(&self, model: &M, data: DatasetView<'_, F, T>) -> Result<f64> {
        self(model, data)
    }
}

/// Returns `f` unchanged: a helper that makes the compiler infer a closure's
/// argument types (and lifetimes) as a scorer of models `M`.
///
/// ```
/// use oxlearn::model_selection::scoring::scorer;
///
/// struct Constant(f64);
/// let s = scorer(|m: &Constant, _data: oxlearn::DatasetView<'_, f64, f64>| Ok(m.0));
/// # let _ = s;
/// ```
pub fn scorer<M, F, T, G>(f: G) -> G
where
    F: Float,
    G: Fn(&M, DatasetView<'_, F, T>) -> Result<f64> + Sync,
{
    f
}

fn predict<M: Predict<F>, F: Float>(
    model: &M,
    data: DatasetView<'_, F, impl Sized>,
) -> Result<M::Output> {
    model.predict(data.records()).map_err(Error::from_estimator)
}

fn predict_proba<M: PredictProba<F>, F: Float>(
    model: &M,
    data: DatasetView<'_, F, impl Sized>,
) -> Result<Array2<F>> {
    model
        .predict_proba(data.records())
        .map_err(Error::from_estimator)
}

/// Accuracy: the fraction of correctly predicted labels (scikit-learn's
/// `"accuracy"`), for any model predicting labels of the target type.
///
/// Like every named scorer here, it uses the sample weights of the scored
/// data when it has some (scikit-learn's scorers ignore them unless routed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accuracy;

impl<M, F, T> Scorer<M, F, T> for Accuracy
where
    M: Predict<F, Output = Array1<T>>,
    F: Float,
    T: PartialEq,
{
    fn score(&self, model: &M, data: DatasetView<'_, F, T>) -> Result<f64> {
        let (pred, y) = (predict(model, data)?, data.targets());
        match data.weights() {
            Some(w) => metrics::accuracy_score_weighted(&y, &pred, &w),
            None => metrics::accuracy_score(&y, &pred),
        }
    }
}

/// Balanced accuracy: the mean recall of the classes (scikit-learn's
/// `"balanced_accuracy"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BalancedAccuracy;

impl<M, F, T> Scorer<M, F, T> for BalancedAccuracy
where
    M: Predict<F, Output = Array1<T>>,
    F: Float,
    T: Ord,
{
    fn score(&self, model: &M, data: DatasetView<'_, F, T>) -> Result<f64> {
        let (pred, y) = (predict(model, data)?, data.targets());
        match data.weights() {
            Some(w) => metrics::balanced_accuracy_score_weighted(&y, &pred, &w),
            None => metrics::balanced_accuracy_score(&y, &pred),
        }
    }
}

/// The F1 score with the given averaging (scikit-learn's `"f1"` is
/// `F1::binary(1)`, `"f1_macro"` is `F1::macro_average()`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct F1<T> {
    /// How per-class scores are combined.
    pub average: Average<T>,
}

impl<T> F1<T> {
    /// The F1 score of class `pos_label` (binary targets only).
    pub fn binary(pos_label: T) -> Self {
        F1 {
            average: Average::Binary { pos_label },
        }
    }

    /// The unweighted mean of the per-class F1 scores (`"f1_macro"`).
    pub fn macro_average() -> Self {
        F1 {
            average: Average::Macro,
        }
    }

    /// The F1 score of the summed counts (`"f1_micro"`).
    pub fn micro_average() -> Self {
        F1 {
            average: Average::Micro,
        }
    }

    /// The mean of the per-class F1 scores weighted by support (`"f1_weighted"`).
    pub fn weighted_average() -> Self {
        F1 {
            average: Average::Weighted,
        }
    }
}

impl<M, F, T> Scorer<M, F, T> for F1<T>
where
    M: Predict<F, Output = Array1<T>>,
    F: Float,
    T: Ord + Clone + Debug + Sync,
{
    fn score(&self, model: &M, data: DatasetView<'_, F, T>) -> Result<f64> {
        let (pred, y) = (predict(model, data)?, data.targets());
        let average = self.average.clone();
        match data.weights() {
            Some(w) => metrics::f1_score_weighted(&y, &pred, average, &w),
            None => metrics::f1_score(&y, &pred, average),
        }
    }
}

/// Area under the ROC curve from predicted probabilities. For two classes
/// it scores the probability of the greater class (scikit-learn's
/// `"roc_auc"`, whose positive class is `classes_[1]`); for more, the
/// macro-averaged one-vs-rest AUC (`"roc_auc_ovr"`), which needs every
/// class in the scored data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RocAuc;

impl<M, F, T> Scorer<M, F, T> for RocAuc
where
    M: PredictProba<F, Class = T>,
    F: Float,
    T: Ord + Debug,
{
    fn score(&self, model: &M, data: DatasetView<'_, F, T>) -> Result<f64> {
        let (proba, y) = (predict_proba(model, data)?, data.targets());
        if model.classes().len() == 2 && proba.ncols() == 2 {
            let positive = proba.column(1);
            match data.weights() {
                Some(w) => metrics::roc_auc_score_weighted(&y, &positive, &w),
                None => metrics::roc_auc_score(&y, &positive),
            }
        } else {
            match data.weights() {
                Some(w) => metrics::roc_auc_score_ovr_weighted(&y, &proba, Average::Macro, &w),
                None => metrics::roc_auc_score_ovr(&y, &proba, Average::Macro),
            }
        }
    }
}

/// Minus the log loss of predicted probabilities (scikit-learn's
/// `"neg_log_loss"`); the model's classes label the columns, so scored data
/// may lack some classes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NegLogLoss;

impl<M, F, T> Scorer<M, F, T> for NegLogLoss
where
    M: PredictProba<F, Class = T>,
    F: Float,
    T: Ord + Debug,
{
    fn score(&self, model: &M, data: DatasetView<'_, F, T>) -> Result<f64> {
        let (proba, y) = (predict_proba(model, data)?, data.targets());
        let labels = Some(model.classes());
        let loss = match data.weights() {
            Some(w) => metrics::log_loss_weighted(&y, &proba, labels, &w),
            None => metrics::log_loss(&y, &proba, labels),
        }?;
        Ok(-loss)
    }
}

/// Defines a regression scorer from a metric and its weighted twin.
macro_rules! regression_scorer {
    ($(#[$doc:meta])* $name:ident, $metric:ident, $weighted:ident $(, $minus:tt)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name;

        impl<M, F, Y> Scorer<M, F, Y> for $name
        where
            M: Predict<F, Output = Array1<Y>>,
            F: Float,
            Y: Float,
        {
            fn score(&self, model: &M, data: DatasetView<'_, F, Y>) -> Result<f64> {
                let (pred, y) = (predict(model, data)?, data.targets());
                let value = match data.weights() {
                    Some(w) => {
                        let w: Array1<Y> = w.mapv(Y::cast);
                        metrics::$weighted(&y, &pred, &w)
                    }
                    None => metrics::$metric(&y, &pred),
                }?;
                Ok($($minus)? value)
            }
        }
    };
}

regression_scorer!(
    /// The coefficient of determination R^2 (scikit-learn's `"r2"`).
    R2,
    r2_score,
    r2_score_weighted
);
regression_scorer!(
    /// Minus the mean squared error (`"neg_mean_squared_error"`).
    NegMeanSquaredError,
    mean_squared_error,
    mean_squared_error_weighted,
    -
);
regression_scorer!(
    /// Minus the root mean squared error (`"neg_root_mean_squared_error"`).
    NegRootMeanSquaredError,
    root_mean_squared_error,
    root_mean_squared_error_weighted,
    -
);
regression_scorer!(
    /// Minus the mean absolute error (`"neg_mean_absolute_error"`).
    NegMeanAbsoluteError,
    mean_absolute_error,
    mean_absolute_error_weighted,
    -
);
