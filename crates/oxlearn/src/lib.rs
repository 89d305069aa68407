//! # oxlearn
//!
//! Classical machine learning for Rust: the core crate. It holds what every
//! family crate shares:
//!
//! - [`Float`], the element type (`f32` or `f64`);
//! - [`Dataset`] and its borrowed [`DatasetView`], with names, weights,
//!   shuffling, stratified splits and folds;
//! - the estimator traits [`Fit`], [`Predict`], [`PredictProba`],
//!   [`Transform`], [`FitTransform`] and [`PartialFit`];
//! - per-class weights of classifiers ([`ClassWeight`]);
//! - one [`Error`] type, the hyperparameter convention ([`params::Params`]) and
//!   input checks ([`check`]);
//! - seeded randomness ([`random`]) and thread control ([`parallel`]);
//! - [`metrics`], [`model_selection`] and [`Pipeline`];
//! - model inspection for every fitted estimator ([`inspection`]):
//!   permutation importance, partial dependence and ICE curves;
//! - baselines that ignore the features ([`dummy`]), shared statistics
//!   ([`stats`]) and numerical kernels ([`math`]).
//!
//! Estimators live in the family crates (`oxlearn-linear`, `oxlearn-trees`,
//! `oxlearn-cluster`, `oxlearn-preprocessing`); bundled data and generators in
//! `oxlearn-datasets`.
//!
//! ```
//! use ndarray::array;
//! use oxlearn::metrics::{accuracy_score, r2_score};
//! use oxlearn::Dataset;
//!
//! let data = Dataset::new(array![[0.0], [1.0], [2.0], [3.0]], array![0, 0, 1, 1])?;
//! let (train, test) = data.view().split_ratio(0.5)?;
//! assert_eq!((train.n_samples(), test.n_samples()), (2, 2));
//!
//! assert_eq!(accuracy_score(&array![0, 1, 1], &array![0, 1, 0])?, 2.0 / 3.0);
//! assert!((r2_score(&array![1.0, 2.0, 3.0], &array![1.0, 2.0, 3.0])? - 1.0).abs() < 1e-12);
//! # Ok::<(), oxlearn::Error>(())
//! ```

pub mod check;
mod class_weight;
pub mod dataset;
pub mod dummy;
mod error;
mod float;
pub mod inspection;
mod labels;
pub mod math;
pub mod metrics;
pub mod model_selection;
pub mod parallel;
pub mod params;
mod pipeline;
pub mod random;
pub mod simd;
pub mod stats;
mod traits;

pub use class_weight::ClassWeight;
pub use dataset::{Dataset, DatasetView};
pub use error::{Error, Result};
pub use float::Float;
pub use labels::ClassLabels;
pub use pipeline::{
    Chain, FittedChain, FittedPassthrough, FittedPipeline, Passthrough, Pipeline, Step, Steps,
};
pub use traits::{EstimatorError, Fit, FitTransform, PartialFit, Predict, PredictProba, Transform};
