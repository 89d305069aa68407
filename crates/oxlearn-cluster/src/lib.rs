//! # oxlearn-cluster
//!
//! Clustering for oxlearn, following scikit-learn's `sklearn.cluster` and
//! `sklearn.mixture`:
//!
//! - [`KMeans`]: Lloyd's or Elkan's k-means with k-means++ initialisation, restarts,
//!   sample weights; `predict`, `transform` (distances to the centres);
//! - [`MiniBatchKMeans`]: k-means on random batches, with `partial_fit` for
//!   data that arrive in pieces;
//! - [`Dbscan`]: density-based clustering with noise, neighbour queries
//!   through the KD-tree of [`neighbors`];
//! - [`AgglomerativeClustering`]: Ward, complete, average or single linkage,
//!   with the full merge tree ([`MergeTree`]) for dendrograms;
//! - [`Hdbscan`]: hierarchical density-based clustering with noise and
//!   membership probabilities;
//! - [`GaussianMixture`]: Gaussian mixtures fitted by EM (scikit-learn's
//!   `sklearn.mixture.GaussianMixture`) with full, tied, diagonal or spherical
//!   covariances; labels, probabilities, log-likelihoods, BIC and AIC;
//! - [`neighbors`]: a public KD-tree index with k-nearest and radius queries,
//!   reused by neighbour-based estimators and imputers.
//!
//! Every estimator works on `f32` and `f64` records, validates its
//! hyperparameters before touching the data, and gives the same result on
//! any number of threads.
//!
//! ```
//! use ndarray::array;
//! use oxlearn::{Dataset, Fit, Predict};
//! use oxlearn_cluster::{Dbscan, KMeans};
//!
//! let x = array![[1.0, 1.0], [1.1, 1.0], [1.0, 1.2], [8.0, 8.0], [8.1, 8.0], [8.0, 8.2], [30.0, 0.0]];
//! let data = Dataset::from_records(x);
//!
//! let kmeans = KMeans::new(3).fit(data.view())?;
//! assert_eq!(kmeans.predict(array![[7.9, 8.1]].view())?[0], kmeans.labels()[3]);
//!
//! let dbscan = Dbscan::new(0.5, 3).fit(data.view())?;
//! assert_eq!(dbscan.labels().to_vec(), vec![0, 0, 0, 1, 1, 1, -1]);
//! # Ok::<(), oxlearn_cluster::ClusterError>(())
//! ```

mod dbscan;
mod error;
mod hierarchy;
mod kmeans;
mod mixture;
pub mod neighbors;

pub use dbscan::{Dbscan, DbscanModel};
pub use error::{ClusterError, Result};
pub use hierarchy::{
    AgglomerativeClustering, AgglomerativeModel, ClusterSelection, Hdbscan, HdbscanModel, Linkage,
    LinkageMetric, MergeTree,
};
pub use kmeans::{Algorithm, Init, KMeans, KMeansModel, MiniBatchKMeans, MiniBatchKMeansModel};
pub use mixture::{CovarianceType, GaussianMixture, GaussianMixtureModel, InitParams};
pub use neighbors::{KdTree, Metric};
