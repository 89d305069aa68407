//! The core error type.

use std::path::PathBuf;

/// A specialised `Result` whose error is the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core crate, and the errors every family
/// crate shares.
///
/// Each message says what was wrong with the expected and the actual value, so
/// that it can be shown to a user as it is. Family crates define their own
/// error enums with a `#[from] Error` variant, and convert back into this type
/// through [`Error::from_estimator`] where generic code (pipelines, model
/// selection) has to carry errors of several crates.
///
/// ```
/// use oxlearn::Error;
///
/// let err = Error::invalid_parameter("alpha", "a finite value >= 0", -1.0);
/// assert_eq!(
///     err.to_string(),
///     "invalid hyperparameter `alpha`: expected a finite value >= 0, got -1"
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A hyperparameter is outside its valid range.
    #[error("invalid hyperparameter `{name}`: expected {expected}, got {actual}")]
    InvalidParameter {
        /// The hyperparameter's name, as spelled in the params struct.
        name: String,
        /// What a valid value looks like.
        expected: String,
        /// The value given.
        actual: String,
    },
    /// Two things that must agree in shape or length do not.
    #[error("shape mismatch in {what}: expected {expected}, got {actual}")]
    ShapeMismatch {
        /// What was checked, for example "targets" or "features at predict".
        what: String,
        /// The expected shape or length.
        expected: String,
        /// The shape or length given.
        actual: String,
    },
    /// The input has no samples or no features.
    #[error("empty input: {what}")]
    EmptyData {
        /// What was empty.
        what: String,
    },
    /// NaN or infinity where the algorithm does not accept it.
    #[error(
        "non-finite value {value} in {what} at row {row}, column {column}; \
         this estimator does not accept missing or infinite values (impute them first)"
    )]
    NonFinite {
        /// Which input held the value.
        what: String,
        /// Row (sample) index.
        row: usize,
        /// Column (feature) index; 0 for one-dimensional inputs.
        column: usize,
        /// The offending value.
        value: String,
    },
    /// Not enough samples for the requested operation.
    #[error("too few samples in {what}: need at least {needed}, got {actual}")]
    TooFewSamples {
        /// What needed the samples.
        what: String,
        /// Minimum number required.
        needed: usize,
        /// Number available.
        actual: usize,
    },
    /// Not enough distinct classes (for example a classifier given one class).
    #[error("too few classes in {what}: need at least {needed} distinct classes, got {actual}")]
    TooFewClasses {
        /// What needed the classes.
        what: String,
        /// Minimum number of distinct classes.
        needed: usize,
        /// Number of distinct classes present.
        actual: usize,
    },
    /// The input is well-formed but its values are not acceptable.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A label, category or name that the model does not know.
    #[error("unknown {what}: {value}")]
    Unknown {
        /// What kind of thing was not found ("label", "feature name", ...).
        what: String,
        /// The value that was not found.
        value: String,
    },
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A data file is malformed.
    #[error("malformed {file} at line {line}, column {column}: {message}")]
    Parse {
        /// The file (or `"<memory>"` for in-memory data).
        file: String,
        /// 1-based line number.
        line: u64,
        /// 1-based column number (field index for CSV).
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// A deserialised model whose invariants do not hold.
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// A local thread pool could not be built.
    #[error("cannot build a thread pool of {n_threads} threads: {message}")]
    ThreadPool {
        /// Requested number of threads.
        n_threads: usize,
        /// The reason given by rayon.
        message: String,
    },
    /// An error of a family crate, carried through generic code.
    #[error(transparent)]
    Estimator(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl Error {
    /// An [`Error::InvalidParameter`] for hyperparameter `name`.
    pub fn invalid_parameter(
        name: impl Into<String>,
        expected: impl Into<String>,
        actual: impl std::fmt::Display,
    ) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            expected: expected.into(),
            actual: actual.to_string(),
        }
    }

    /// An [`Error::ShapeMismatch`] in `what`.
    pub fn shape_mismatch(
        what: impl Into<String>,
        expected: impl std::fmt::Display,
        actual: impl std::fmt::Display,
    ) -> Self {
        Error::ShapeMismatch {
            what: what.into(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        }
    }

    /// An [`Error::EmptyData`] describing `what`.
    pub fn empty(what: impl Into<String>) -> Self {
        Error::EmptyData { what: what.into() }
    }

    /// Wraps the error of any estimator into the core type, unwrapping it
    /// when it already is a core [`Error`].
    ///
    /// ```
    /// use oxlearn::Error;
    ///
    /// let core = Error::empty("records");
    /// assert!(matches!(Error::from_estimator(core), Error::EmptyData { .. }));
    /// ```
    pub fn from_estimator<E: std::error::Error + Send + Sync + 'static>(err: E) -> Self {
        let boxed: Box<dyn std::error::Error + Send + Sync + 'static> = Box::new(err);
        match boxed.downcast::<Error>() {
            Ok(core) => *core,
            Err(other) => Error::Estimator(other),
        }
    }
}
