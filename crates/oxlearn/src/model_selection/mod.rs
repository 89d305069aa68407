//! Splitting, cross-validation and hyperparameter search.
