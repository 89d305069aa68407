//! The crate's error type.

/// Everything that can go wrong in `oxlearn-cluster`.
///
/// Core errors (invalid hyperparameters, empty or non-finite data, a wrong
/// number of features) are carried as [`ClusterError::Core`]; the other
/// variants are specific to clustering.
///
/// ```
/// use oxlearn_cluster::ClusterError;
///
/// let err = ClusterError::TooFewDistinctClusters { found: 2, n_clusters: 3 };
/// assert!(err.to_string().contains("expected 3"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// An error shared with the core crate.
    #[error(transparent)]
    Core(#[from] oxlearn::Error),
    /// The fitted clustering has fewer non-empty clusters than requested,
    /// which happens when the data holds fewer distinct points than
    /// `n_clusters` (scikit-learn warns and keeps duplicate centres).
    #[error(
        "k-means found {found} distinct clusters, expected {n_clusters} (n_clusters): the data \
         probably holds fewer than {n_clusters} distinct points; lower n_clusters"
    )]
    TooFewDistinctClusters {
        /// The number of non-empty clusters found.
        found: usize,
        /// The number requested.
        n_clusters: usize,
    },
    /// User-given initial centres have the wrong shape.
    #[error(
        "initial centres have shape {actual_rows} x {actual_cols}, expected {expected_rows} x \
         {expected_cols} (n_clusters x n_features)"
    )]
    InitShape {
        /// n_clusters.
        expected_rows: usize,
        /// The number of features of the data.
        expected_cols: usize,
        /// Rows given.
        actual_rows: usize,
        /// Columns given.
        actual_cols: usize,
    },
    /// The sample weights sum to zero, so no centre can be placed.
    #[error("sample weights sum to {sum}, expected a positive total weight")]
    ZeroTotalWeight {
        /// The total weight.
        sum: f64,
    },
    /// A Gaussian mixture covariance is not positive definite (a component
    /// collapsed onto too few distinct points).
    #[error(
        "the covariance of {component} is not positive definite (ill-defined, e.g. a component \
         on a single or collapsed samples); increase reg_covar (now {reg_covar}), decrease \
         n_components, or scale the data"
    )]
    IllDefinedCovariance {
        /// Which covariance: `"component 3"` or `"the tied covariance"`.
        component: String,
        /// The regularisation used.
        reg_covar: f64,
    },
    /// The estimator cannot use sample weights, but the dataset carries them.
    #[error(
        "{estimator} does not support sample weights (as in scikit-learn), but the dataset \
         carries them; remove them from the dataset"
    )]
    SampleWeightsUnsupported {
        /// The estimator.
        estimator: String,
    },
}

impl From<ClusterError> for oxlearn::Error {
    fn from(err: ClusterError) -> Self {
        match err {
            ClusterError::Core(e) => e,
            other => oxlearn::Error::Estimator(Box::new(other)),
        }
    }
}

/// A `Result` whose error is [`ClusterError`].
pub type Result<T, E = ClusterError> = std::result::Result<T, E>;
