//! The crate's error type.

/// Everything that can go wrong when fitting or using a linear model.
///
/// Core input and hyperparameter errors are carried in [`LinearError::Core`];
/// the other variants are specific to linear models. Every message names what
/// was wrong, with the expected and the actual value.
///
/// ```
/// use oxlearn_linear::LinearError;
///
/// let err = LinearError::ZeroWeightSum;
/// assert!(err.to_string().contains("sum to zero"));
/// let core: oxlearn::Error = err.into();
/// assert!(matches!(core, oxlearn::Error::Estimator(_)));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinearError {
    /// A core error: invalid hyperparameter, bad shape, empty or non-finite data.
    #[error(transparent)]
    Core(#[from] oxlearn::Error),
    /// All sample weights are zero, so there is nothing to fit.
    #[error("sample weights sum to zero: at least one sample needs a positive weight")]
    ZeroWeightSum,
    /// A dense factorisation did not converge (should not happen on finite input).
    #[error("the {what} did not converge on this input ({detail})")]
    Factorisation {
        /// Which factorisation failed ("singular value decomposition", ...).
        what: &'static str,
        /// What the linear-algebra backend reported.
        detail: String,
    },
    /// Inference statistics need more samples than estimated parameters.
    #[error(
        "inference statistics need more samples than parameters: {n_samples} samples \
         for {n_parameters} estimated parameters leaves no residual degrees of freedom"
    )]
    NoResidualDegreesOfFreedom {
        /// Number of samples.
        n_samples: usize,
        /// Number of estimated parameters (rank, plus the intercept).
        n_parameters: usize,
    },
    /// Stochastic gradient descent overflowed (weights became infinite or NaN).
    #[error(
        "floating-point overflow in SGD at epoch {epoch}: standardise the features \
         (StandardScaler) or lower eta0 / alpha"
    )]
    SgdDiverged {
        /// The epoch (1-based) after which the weights were not finite.
        epoch: usize,
    },
    /// Probabilities asked of a model whose loss does not define them.
    #[error(
        "predict_proba needs loss log_loss or modified_huber, but the model was fitted \
         with loss {loss}"
    )]
    NoProbabilities {
        /// The loss the model was fitted with.
        loss: &'static str,
    },
}

impl From<LinearError> for oxlearn::Error {
    fn from(err: LinearError) -> Self {
        match err {
            LinearError::Core(e) => e,
            other => oxlearn::Error::Estimator(Box::new(other)),
        }
    }
}
