//! Splitting, cross-validation and hyperparameter search, as scikit-learn's
//! `model_selection`.
//!
//! - splits: [`train_test_split`], [`train_test_split_stratified`];
//! - cross-validation splitters implementing [`CrossValidator`]: [`KFold`],
//!   [`StratifiedKFold`];
//! - evaluation: [`cross_val_score`], [`cross_validate`], with any
//!   [`Scorer`] (closures, or the named scorers of [`scoring`]);
//! - search: [`GridSearch`] over candidates built with [`ParamGrid`].
//!
//! Every function runs its folds and candidates in parallel with rayon and
//! returns the same results whatever the number of threads.

mod cross_val;
pub mod scoring;
mod search;
mod split;

pub use cross_val::{CrossValidateOptions, CrossValidateResult, cross_val_score, cross_validate};
pub use scoring::{
    Accuracy, BalancedAccuracy, F1, NegLogLoss, NegMeanAbsoluteError, NegMeanSquaredError,
    NegRootMeanSquaredError, R2, RocAuc, Scorer,
};
pub use search::{GridSearch, GridSearchResult, ParamGrid};
pub use split::{
    CrossValidator, KFold, SplitIndices, StratifiedKFold, train_test_split,
    train_test_split_stratified,
};
