//! # oxlearn-trees
//!
//! Decision trees and tree ensembles for oxlearn, following scikit-learn's
//! `sklearn.tree` and `sklearn.ensemble`:
//!
//! - [`DecisionTreeClassifier`] and [`DecisionTreeRegressor`]: CART trees
//!   with scikit-learn's criteria, hyperparameters ([`TreeParams`]) and
//!   missing-value handling, minimal cost-complexity pruning, monotonic
//!   constraints, multi-output regression;
//! - [`RandomForestClassifier`], [`RandomForestRegressor`],
//!   [`ExtraTreesClassifier`] and [`ExtraTreesRegressor`]: trees grown in
//!   parallel, the same forest on any number of threads, out-of-bag scores,
//!   warm starts;
//! - [`IsolationForest`]: anomaly scores from random isolation trees;
//! - every fitted tree is one flat node table ([`Tree`]), checked when it is
//!   loaded.
//!
//! The learner ranks every feature once and keeps each node's samples sorted
//! for every feature, so a split search is one pass per feature and no node
//! is ever sorted again.
//!
//! ```
//! use ndarray::array;
//! use oxlearn::{Dataset, Fit, Predict};
//! use oxlearn_trees::DecisionTreeClassifier;
//!
//! let x = array![[0.0, 1.0], [1.0, 1.0], [2.0, 0.0], [3.0, 0.0]];
//! let data = Dataset::new(x, array![0, 0, 1, 1])?;
//! let model = DecisionTreeClassifier::default().fit(data.view())?;
//! assert_eq!(model.predict(array![[2.5, 0.0]].view())?[0], 1);
//! # Ok::<(), oxlearn_trees::TreeError>(())
//! ```

mod classifier;
mod error;
mod fit;
mod forest;
mod grow;
mod isolation;
mod params;
mod predict;
mod regressor;
mod tree;

pub use classifier::{DecisionTreeClassifier, DecisionTreeClassifierModel};
pub use error::{Result, TreeError};
pub use forest::{
    ExtraTreesClassifier, ExtraTreesRegressor, ForestClassWeight, ForestClassifierModel,
    ForestParams, ForestRegressorModel, MaxSamples, RandomForestClassifier, RandomForestRegressor,
};
pub use isolation::{Contamination, IsolationForest, IsolationForestModel, IsolationSamples};
pub use oxlearn::ClassWeight;
pub use params::{
    ClassificationCriterion, MaxFeatures, RegressionCriterion, SampleCount, Splitter, TreeParams,
};
pub use regressor::{DecisionTreeRegressor, DecisionTreeRegressorModel};
pub use tree::{CcpPath, DecisionPath, Export, FORMAT_VERSION, Tree};
