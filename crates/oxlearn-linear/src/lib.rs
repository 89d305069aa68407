//! # oxlearn-linear
//!
//! Linear models for oxlearn, with scikit-learn's names and semantics:
//!
//! - [`LinearRegression`]: ordinary least squares (Cholesky on the centred Gram
//!   matrix, with a minimum-norm SVD fallback for rank-deficient or wide
//!   designs), several targets at once, and statsmodels-style inference
//!   statistics ([`LinearRegression::summary`]);
//! - [`Ridge`]: L2-penalised least squares (Cholesky, or SVD when there are
//!   more features than samples), and [`RidgeCV`], which picks the penalty
//!   by efficient leave-one-out or k-fold cross-validation, for one or
//!   several targets (optionally one alpha per target);
//! - [`Lasso`] and [`ElasticNet`]: L1 and L1 + L2 penalties by coordinate
//!   descent with scikit-learn's objective, duality-gap stopping rule,
//!   positivity constraint, cyclic or seeded random selection, warm starts
//!   and gap safe screening of inactive features; regularisation paths
//!   ([`ElasticNet::path`], [`alpha_grid`]) and [`LassoCV`] / [`ElasticNetCV`]
//!   choosing alpha (and `l1_ratio` among candidates) by k-fold
//!   cross-validation;
//! - [`LogisticRegression`]: binary and multinomial; L2, L1, elastic-net or
//!   no penalty (L-BFGS, or OWL-QN with an L1 term); class and sample
//!   weights; `predict_proba` and `decision_function`;
//! - [`SgdClassifier`] and [`SgdRegressor`]: scikit-learn's stochastic
//!   gradient descent (every loss, penalty and learning-rate schedule,
//!   averaging, early stopping), one-vs-rest in parallel, and incremental
//!   learning from batches with `partial_fit`;
//! - [`PoissonRegressor`], [`GammaRegressor`], [`TweedieRegressor`]:
//!   generalised linear models with a log or identity link, by L-BFGS.
//!
//! Every estimator works on `f32` and `f64` records (internally in `f64`),
//! takes sample weights from the dataset, reports convergence on the model
//! rather than printing warnings, and returns an immutable fitted model
//! ([`LinearModel`], [`MultiTargetLinearModel`], [`ElasticNetModel`],
//! [`LogisticRegressionModel`], [`GlmModel`], ...) that serialises with the
//! `serde` feature (on by default). Results do not depend on the number of
//! threads. Dense linear algebra comes from faer.
//!
//! ```
//! use ndarray::{Array1, Array2};
//! use oxlearn::{Dataset, Fit, Predict};
//! use oxlearn_linear::{LinearRegression, Ridge};
//!
//! // y = 1 + 2 x0 - 3 x1, exactly.
//! let x = Array2::from_shape_fn((20, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64);
//! let y: Array1<f64> = x.rows().into_iter().map(|r| 1.0 + 2.0 * r[0] - 3.0 * r[1]).collect();
//! let data = Dataset::new(x, y)?;
//!
//! let ols = LinearRegression::default().fit(data.view())?;
//! assert!((ols.coef()[1] + 3.0).abs() < 1e-10);
//!
//! let ridge = Ridge::default().alpha(10.0).fit(data.view())?;
//! assert!(ridge.coef()[1].abs() < 3.0); // shrunk towards 0
//! let pred = ridge.predict(data.records())?;
//! assert_eq!(pred.len(), 20);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod coordinate_descent;
mod elastic_net;
mod enet_cv;
mod error;
mod glm;
mod inference;
mod lbfgs;
mod least_squares;
mod linalg;
mod logistic;
mod model;
mod nnls;
mod ordinary;
mod owlqn;
mod ridge;
mod ridge_cv;
mod sgd;
mod special;

pub use coordinate_descent::Selection;
pub use elastic_net::{ElasticNet, ElasticNetModel, ElasticNetPath, Lasso};
pub use enet_cv::{ElasticNetCV, ElasticNetCvModel, LassoCV, alpha_grid};
pub use error::LinearError;
pub use glm::{GammaRegressor, GlmModel, Link, PoissonRegressor, TweedieRegressor};
pub use inference::OlsSummary;
pub use least_squares::Solver;
pub use logistic::{LogisticRegression, LogisticRegressionModel, Penalty};
pub use model::{LinearModel, MultiTargetLinearModel};
pub use ordinary::LinearRegression;
pub use oxlearn::ClassWeight;
pub use ridge::Ridge;
pub use ridge_cv::{RidgeCV, RidgeCvModel, RidgeCvMultiModel};
pub use sgd::{
    LearningRate, SgdClassifier, SgdClassifierModel, SgdLoss, SgdPenalty, SgdRegressor,
    SgdRegressorModel,
};
