//! The crate's error type.

/// Everything that can go wrong in `oxlearn-preprocessing`.
///
/// Core errors (bad hyperparameters, wrong shapes, empty or non-finite input)
/// are carried as [`PreprocessingError::Core`]; the other variants are
/// specific to transformers and name the column at fault.
///
/// ```
/// use oxlearn_preprocessing::PreprocessingError;
///
/// let err = PreprocessingError::UnknownCategory {
///     column: 1,
///     name: "island".into(),
///     value: "7".into(),
/// };
/// assert!(err.to_string().contains("column 1 (`island`)"));
/// let core: oxlearn::Error = err.into();
/// assert!(matches!(core, oxlearn::Error::Estimator(_)));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PreprocessingError {
    /// An error of the core crate.
    #[error(transparent)]
    Core(#[from] oxlearn::Error),
    /// A category at transform that was not seen at fit, with
    /// `handle_unknown = Error`.
    #[error(
        "unknown category {value} in column {column} (`{name}`): it was not seen at fit; \
         set handle_unknown to Ignore (one-hot) or UseEncodedValue (ordinal) to accept it"
    )]
    UnknownCategory {
        /// Column index.
        column: usize,
        /// Column name at fit.
        name: String,
        /// The unseen value.
        value: String,
    },
    /// A value that cannot be inverted (for example a one-hot block with
    /// more than one active column).
    #[error("cannot invert row {row}, column {column}: {message}")]
    NotInvertible {
        /// Row index.
        row: usize,
        /// Column index (of the transformed input).
        column: usize,
        /// What was wrong.
        message: String,
    },
}

impl From<PreprocessingError> for oxlearn::Error {
    fn from(err: PreprocessingError) -> Self {
        match err {
            PreprocessingError::Core(e) => e,
            other => oxlearn::Error::Estimator(Box::new(other)),
        }
    }
}

/// A `Result` whose error is [`PreprocessingError`].
pub type Result<T, E = PreprocessingError> = std::result::Result<T, E>;
