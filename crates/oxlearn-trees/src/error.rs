//! The crate's error type.

/// Everything that can go wrong in `oxlearn-trees`.
///
/// Core errors (invalid hyperparameters, empty data, infinite values, a
/// wrong number of features, a tampered model) are carried as
/// [`TreeError::Core`]; the other variants are specific to trees.
///
/// ```
/// use oxlearn_trees::TreeError;
///
/// let err = TreeError::ZeroWeightSum;
/// assert!(err.to_string().contains("sample weights"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// An error shared with the core crate.
    #[error(transparent)]
    Core(#[from] oxlearn::Error),
    /// The sample weights (times the class weights) sum to zero: there is
    /// nothing to fit.
    #[error(
        "the sample weights (times the class weights) sum to zero or are not finite; \
         give at least one sample a positive weight"
    )]
    ZeroWeightSum,
    /// The out-of-bag score was asked for without bootstrap samples, or no
    /// sample was ever left out of a bag.
    #[error("out-of-bag score unavailable: {0}")]
    OutOfBag(String),
}

impl From<TreeError> for oxlearn::Error {
    fn from(err: TreeError) -> Self {
        match err {
            TreeError::Core(core) => core,
            other => oxlearn::Error::Estimator(Box::new(other)),
        }
    }
}

/// A specialised `Result` whose error is [`TreeError`].
pub type Result<T, E = TreeError> = std::result::Result<T, E>;
