//! Agglomerative (bottom-up hierarchical) clustering.

use ndarray::{Array1, ArrayView1, ArrayView2};
use oxlearn::params::{Params, check_at_least, check_non_negative};
use oxlearn::{DatasetView, Fit, Float, check, parallel};

use super::mst::{PrimMetric, Weights, prim};
use super::nn_chain::{Condensed, Update, WardCentroids, condensed, nn_chain};
use super::tree::{Merge, MergeTree, hc_cut, scipy_label, single_linkage_label};
use crate::error::{ClusterError, Result};

/// How the distance between two clusters follows from the distances
/// between their points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Linkage {
    /// Minimises the increase of the within-cluster variance (euclidean only).
    #[default]
    Ward,
    /// The largest distance between the points of the two clusters.
    Complete,
    /// The mean distance between the points of the two clusters.
    Average,
    /// The smallest distance between the points of the two clusters.
    Single,
}

/// The point-to-point distance of [`AgglomerativeClustering`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LinkageMetric {
    /// L2 distance (the only one [`Linkage::Ward`] accepts).
    #[default]
    Euclidean,
    /// L1 (cityblock) distance.
    Manhattan,
    /// L-infinity distance.
    Chebyshev,
    /// One minus the cosine similarity; rows must not be all zero.
    Cosine,
}

impl LinkageMetric {
    fn distance(self, a: &[f64], b: &[f64]) -> f64 {
        let diffs = a.iter().zip(b).map(|(u, v)| u - v);
        match self {
            LinkageMetric::Euclidean => diffs.map(|t| t * t).sum::<f64>().sqrt(),
            LinkageMetric::Manhattan => diffs.map(f64::abs).sum(),
            LinkageMetric::Chebyshev => diffs.fold(0.0, |m, t| m.max(t.abs())),
            LinkageMetric::Cosine => {
                let dot: f64 = a.iter().zip(b).map(|(u, v)| u * v).sum();
                let uu: f64 = a.iter().map(|u| u * u).sum();
                let vv: f64 = b.iter().map(|v| v * v).sum();
                1.0 - (dot / (uu.sqrt() * vv.sqrt())).clamp(-1.0, 1.0)
            }
        }
    }
}

/// Agglomerative clustering, as scikit-learn's `AgglomerativeClustering`:
/// every sample starts as its own cluster, and the two closest clusters
/// merge until one is left; the tree is then cut into `n_clusters`
/// clusters, or where merges are at least `distance_threshold` apart.
///
/// - [`Linkage::Ward`] runs the nearest-neighbour chain on cluster
///   centroids and sizes: O(n^2 d) time, O(n d) memory, no distance matrix;
/// - [`Linkage::Complete`] and [`Linkage::Average`] run the chain on the
///   condensed distance matrix (n (n - 1) / 2 values) with Lance-Williams
///   updates, as scipy does;
/// - [`Linkage::Single`] builds a minimum spanning tree with Prim's
///   algorithm (O(n^2) time, O(n) memory), then merges its sorted edges
///   with a union-find.
///
/// The tree ([`AgglomerativeModel::tree`]) and the labels are numbered
/// exactly as scikit-learn numbers them. Like scikit-learn, the model has
/// no `predict`: it holds the labels of the training rows. Sample weights
/// are not supported (scikit-learn takes none) and give an error. The
/// computation runs in `f64` whatever the record type.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_cluster::AgglomerativeClustering;
///
/// let x = array![[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [4.0, 2.0], [4.0, 4.0], [4.0, 0.0]];
/// let model = AgglomerativeClustering::new(2).fit(Dataset::from_records(x).view())?;
/// assert_eq!(model.labels().to_vec(), vec![1, 1, 1, 0, 0, 0]);
/// assert_eq!(model.children().nrows(), 5);
/// # Ok::<(), oxlearn_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AgglomerativeClustering {
    /// The number of clusters, in `1..=n_samples`; `None` when
    /// `distance_threshold` is set (exactly one of the two). Default `Some(2)`.
    pub n_clusters: Option<usize>,
    /// Cut the tree at this height (finite, >= 0): merges at a height
    /// `>= distance_threshold` are undone. Default `None`.
    pub distance_threshold: Option<f64>,
    /// The linkage. Default [`Linkage::Ward`].
    pub linkage: Linkage,
    /// The point distance. Default [`LinkageMetric::Euclidean`].
    pub metric: LinkageMetric,
    /// scikit-learn's `compute_full_tree`. Without connectivity constraints
    /// (not supported here) scikit-learn always builds the full tree, and
    /// so does oxlearn; `false` with `distance_threshold` is an error, as in
    /// scikit-learn. Default `true` (scikit-learn's `"auto"`).
    pub compute_full_tree: bool,
    /// Keep the merge heights ([`AgglomerativeModel::distances`]) even
    /// without `distance_threshold`. Default `false`.
    pub compute_distances: bool,
    /// Threads (`None`: rayon's global pool). Default `None`.
    pub n_threads: Option<usize>,
}

impl Default for AgglomerativeClustering {
    fn default() -> Self {
        AgglomerativeClustering {
            n_clusters: Some(2),
            distance_threshold: None,
            linkage: Linkage::Ward,
            metric: LinkageMetric::Euclidean,
            compute_full_tree: true,
            compute_distances: false,
            n_threads: None,
        }
    }
}

impl AgglomerativeClustering {
    /// Default hyperparameters with `n_clusters` clusters.
    pub fn new(n_clusters: usize) -> Self {
        AgglomerativeClustering {
            n_clusters: Some(n_clusters),
            ..Self::default()
        }
    }

    /// Cut at `distance_threshold` instead of a number of clusters
    /// (sets `n_clusters` to `None`).
    pub fn with_distance_threshold(distance_threshold: f64) -> Self {
        AgglomerativeClustering {
            n_clusters: None,
            distance_threshold: Some(distance_threshold),
            ..Self::default()
        }
    }

    /// Sets `n_clusters`.
    #[must_use]
    pub fn n_clusters(mut self, n_clusters: Option<usize>) -> Self {
        self.n_clusters = n_clusters;
        self
    }

    /// Sets `distance_threshold`.
    #[must_use]
    pub fn distance_threshold(mut self, distance_threshold: Option<f64>) -> Self {
        self.distance_threshold = distance_threshold;
        self
    }

    /// Sets `linkage`.
    #[must_use]
    pub fn linkage(mut self, linkage: Linkage) -> Self {
        self.linkage = linkage;
        self
    }

    /// Sets `metric`.
    #[must_use]
    pub fn metric(mut self, metric: LinkageMetric) -> Self {
        self.metric = metric;
        self
    }

    /// Sets `compute_full_tree`.
    #[must_use]
    pub fn compute_full_tree(mut self, compute_full_tree: bool) -> Self {
        self.compute_full_tree = compute_full_tree;
        self
    }

    /// Sets `compute_distances`.
    #[must_use]
    pub fn compute_distances(mut self, compute_distances: bool) -> Self {
        self.compute_distances = compute_distances;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }
}

impl Params for AgglomerativeClustering {
    fn validate(&self) -> oxlearn::Result<()> {
        match (self.n_clusters, self.distance_threshold) {
            (Some(k), None) => check_at_least("n_clusters", k, 1)?,
            (None, Some(t)) => {
                check_non_negative("distance_threshold", t)?;
                if !self.compute_full_tree {
                    return Err(oxlearn::Error::invalid_parameter(
                        "compute_full_tree",
                        "true when distance_threshold is set",
                        false,
                    ));
                }
            }
            (k, t) => {
                return Err(oxlearn::Error::invalid_parameter(
                    "n_clusters / distance_threshold",
                    "exactly one of n_clusters and distance_threshold set, the other None",
                    format!("n_clusters = {k:?}, distance_threshold = {t:?}"),
                ));
            }
        }
        if self.linkage == Linkage::Ward && self.metric != LinkageMetric::Euclidean {
            return Err(oxlearn::Error::invalid_parameter(
                "metric",
                "Euclidean with Ward linkage",
                format!("{:?}", self.metric),
            ));
        }
        oxlearn::params::check_n_threads(self.n_threads)
    }
}

impl AgglomerativeClustering {
    /// The sorted, numbered merges of the full tree over `x` (row-major).
    fn merges(&self, x: &[f64], n: usize, dim: usize) -> Vec<Merge> {
        let metric = self.metric;
        match self.linkage {
            Linkage::Ward => nn_chain(&mut WardCentroids::new(x.to_vec(), dim), n),
            Linkage::Complete | Linkage::Average => {
                let update = if self.linkage == Linkage::Complete {
                    Update::Complete
                } else {
                    Update::Average
                };
                let d = condensed(x, n, dim, |a, b| metric.distance(a, b));
                nn_chain(&mut Condensed::new(n, d, update), n)
            }
            Linkage::Single => {
                let steps = prim(&Weights {
                    points: x,
                    dim,
                    core: &[],
                    alpha: 1.0,
                    metric: match metric {
                        LinkageMetric::Euclidean => PrimMetric::Euclidean,
                        LinkageMetric::Manhattan => PrimMetric::Manhattan,
                        LinkageMetric::Chebyshev => PrimMetric::Chebyshev,
                        LinkageMetric::Cosine => PrimMetric::Cosine,
                    },
                });
                // scikit-learn's own spanning tree keeps the edge from the
                // previously added point; scipy's (used for cosine) sorts the
                // children of each merge.
                let edges: Vec<_> = steps
                    .iter()
                    .map(|s| (s.previous, s.added, s.weight))
                    .collect();
                if metric == LinkageMetric::Cosine {
                    let merges = edges
                        .into_iter()
                        .map(|(a, b, dist)| Merge {
                            a,
                            b,
                            dist,
                            size: 0,
                        })
                        .collect();
                    scipy_label(merges, n)
                } else {
                    single_linkage_label(edges, n)
                }
            }
        }
    }
}

impl<F: Float, T> Fit<F, T> for AgglomerativeClustering {
    type Model = AgglomerativeModel<F>;
    type Error = ClusterError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<AgglomerativeModel<F>> {
        self.validate()?;
        if data.weights().is_some() {
            return Err(ClusterError::SampleWeightsUnsupported {
                estimator: "AgglomerativeClustering".into(),
            });
        }
        let x = data.records();
        check::records(x, "AgglomerativeClustering records")?;
        check::min_samples(x.nrows(), 2, "AgglomerativeClustering")?;
        let (n, dim) = x.dim();
        if let Some(k) = self.n_clusters.filter(|&k| k > n) {
            return Err(oxlearn::Error::invalid_parameter(
                "n_clusters",
                format!("at most the number of samples ({n})"),
                k,
            )
            .into());
        }
        let flat: Vec<f64> = x.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)).collect();
        if self.metric == LinkageMetric::Cosine
            && flat.chunks(dim.max(1)).any(|r| r.iter().all(|&v| v == 0.0))
        {
            return Err(oxlearn::Error::InvalidInput(
                "cosine distance cannot be used when the records contain all-zero rows".into(),
            )
            .into());
        }
        let merges = parallel::with_threads(self.n_threads, || self.merges(&flat, n, dim))?;
        let n_clusters = match (self.n_clusters, self.distance_threshold) {
            (Some(k), _) => k,
            (None, Some(t)) => merges.iter().filter(|m| m.dist >= t).count() + 1,
            (None, None) => 1,
        };
        let with_distances = self.compute_distances || self.distance_threshold.is_some();
        let tree = MergeTree::from_merges(&merges, n, with_distances);
        let labels = hc_cut(&tree, n_clusters);
        Ok(AgglomerativeModel {
            labels,
            n_clusters,
            n_features_in: dim,
            tree,
        })
    }
}

/// A fitted agglomerative clustering: the labels of the training rows and
/// the full merge tree.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound(
        serialize = "F: serde::Serialize",
        deserialize = "F: Float + serde::Deserialize<'de>"
    ))
)]
pub struct AgglomerativeModel<F> {
    labels: Array1<usize>,
    n_clusters: usize,
    n_features_in: usize,
    tree: MergeTree<F>,
}

impl<F: Float> AgglomerativeModel<F> {
    /// The cluster of each training sample, `0..n_clusters` (scikit-learn's
    /// `labels_`, same numbering).
    pub fn labels(&self) -> ArrayView1<'_, usize> {
        self.labels.view()
    }

    /// The number of clusters found (scikit-learn's `n_clusters_`).
    pub fn n_clusters(&self) -> usize {
        self.n_clusters
    }

    /// The number of leaves of the tree, the training samples
    /// (scikit-learn's `n_leaves_`).
    pub fn n_leaves(&self) -> usize {
        self.tree.n_leaves()
    }

    /// The children of each merge (scikit-learn's `children_`): merge `i`
    /// creates node `n_leaves + i`.
    pub fn children(&self) -> ArrayView2<'_, usize> {
        self.tree.children()
    }

    /// The merge heights (scikit-learn's `distances_`), present with
    /// `compute_distances` or `distance_threshold`.
    pub fn distances(&self) -> Option<ArrayView1<'_, F>> {
        self.tree.distances()
    }

    /// The number of samples under each merge node.
    pub fn counts(&self) -> ArrayView1<'_, usize> {
        self.tree.counts()
    }

    /// The whole merge tree, e.g. for a dendrogram (see [`MergeTree`]).
    pub fn tree(&self) -> &MergeTree<F> {
        &self.tree
    }

    /// The number of features seen at fit.
    pub fn n_features_in(&self) -> usize {
        self.n_features_in
    }
}
