//! Model inspection for every fitted estimator, as scikit-learn's
//! `sklearn.inspection`:
//!
//! - [`permutation_importance`]: how much a score drops when one feature's
//!   values are shuffled, for any fitted model and any
//!   [`Scorer`](crate::model_selection::Scorer);
//! - [`partial_dependence`] and [`partial_dependence_2d`]: the mean response
//!   (and the per-sample ICE curves) with one or two features set to each
//!   value of a grid, scikit-learn's `method="brute"`. The response is any
//!   closure of the records; [`predict_response`] (regressors) and
//!   [`proba_response`] (one class's probability) make one from a model.
//!
//! Both run their tasks (features, grid points) in parallel on
//! `n_threads` threads and give the same numbers whatever the number of
//! threads.
//!
//! ```
//! use ndarray::{Array2, ArrayView2, array};
//! use oxlearn::dummy::DummyRegressor;
//! use oxlearn::inspection::{PartialDependence, partial_dependence, predict_response};
//! use oxlearn::{Dataset, Fit};
//!
//! let data = Dataset::new(array![[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]], array![1.0, 2.0, 6.0])?;
//! let model = DummyRegressor::default().fit(data.view())?;
//! let options = PartialDependence::default();
//! // A baseline that ignores the features has a flat partial dependence.
//! let pd = partial_dependence(predict_response(&model), data.view(), 0, &options)?;
//! assert_eq!(pd.grid_values, array![0.0, 1.0, 2.0]);
//! assert_eq!(pd.average, Some(array![3.0, 3.0, 3.0]));
//! // Any closure of the records is a response too.
//! let double = |x: ArrayView2<'_, f64>| Ok(x.column(1).mapv(|v| 2.0 * v));
//! let pd = partial_dependence(double, data.view(), 1, &options)?;
//! assert_eq!(pd.average, Some(array![2.0, 4.0, 6.0]));
//! # Ok::<(), oxlearn::Error>(())
//! ```

mod grid;
mod partial_dependence;
mod permutation;
mod response;

pub use partial_dependence::{
    DependenceKind, PartialDependence, PartialDependence2dResult, PartialDependenceResult,
    partial_dependence, partial_dependence_2d,
};
pub use permutation::{PermutationImportance, PermutationImportanceResult, permutation_importance};
pub use response::{predict_response, proba_response};

#[cfg(test)]
mod tests;
