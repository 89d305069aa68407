//! HDBSCAN: hierarchical density-based clustering.

use ndarray::{Array1, Array2, ArrayView1};
use oxlearn::params::{Params, check_at_least, check_non_negative, check_positive};
use oxlearn::{DatasetView, Fit, Float, check, parallel};

use super::condense::{ClusterSelection, Selection, tree_to_labels};
use super::mst::{PrimMetric, Weights, prim};
use super::tree::{MergeTree, single_linkage_label};
use crate::error::{ClusterError, Result};
use crate::neighbors::{KdTree, Metric};

/// HDBSCAN, as scikit-learn's `HDBSCAN`: DBSCAN over every `eps` at once,
/// keeping the clusters that persist longest.
///
/// The fit follows scikit-learn step by step:
///
/// 1. the core distance of each sample is the distance to its
///    `min_samples`-th nearest neighbour, the sample itself counted
///    (k-nearest queries on a [`KdTree`]);
/// 2. the mutual reachability distance of two samples is
///    `max(core(a), core(b), d(a, b) / alpha)`; its minimum spanning tree
///    comes from Prim's algorithm in O(n^2) time and O(n) memory (no
///    distance matrix; the inner loop runs in parallel);
/// 3. the sorted edges make the single-linkage tree
///    ([`HdbscanModel::single_linkage_tree`]), which is condensed by
///    `min_cluster_size`;
/// 4. the clusters are chosen by excess of mass or as the leaves
///    ([`ClusterSelection`]), optionally merged below
///    `cluster_selection_epsilon`, or kept within `max_cluster_size`.
///
/// Samples in no cluster are noise (label -1); probabilities say how
/// strongly each sample belongs to its cluster (0 for noise). Non-finite
/// records are rejected, so scikit-learn's labels -2 (infinite values) and
/// -3 (missing values) never occur. Sample weights are not supported
/// (scikit-learn takes none) and give an error. Like scikit-learn, the
/// model has no `predict`; the computation runs in `f64`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_cluster::Hdbscan;
///
/// let x = array![
///     [1.0, 1.0], [1.1, 1.0], [1.0, 1.1], [1.1, 1.1],
///     [5.0, 5.0], [5.1, 5.0], [5.0, 5.1], [5.1, 5.1],
///     [20.0, 0.0],
/// ];
/// let model = Hdbscan::new(3).fit(Dataset::from_records(x).view())?;
/// assert_eq!(model.labels().to_vec(), vec![0, 0, 0, 0, 1, 1, 1, 1, -1]);
/// assert_eq!(model.n_clusters(), 2);
/// # Ok::<(), oxlearn_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Hdbscan {
    /// The smallest group of samples that counts as a cluster: at least 2.
    /// Default 5.
    pub min_cluster_size: usize,
    /// The neighbour count (the sample itself included) behind the core
    /// distances: at least 1 and at most the number of samples; `None`
    /// uses `min_cluster_size`. Default `None`.
    pub min_samples: Option<usize>,
    /// Clusters born at a distance below this merge into their parent
    /// (finite, >= 0). Default 0.0.
    pub cluster_selection_epsilon: f64,
    /// Excess of mass does not keep clusters larger than this (at least
    /// 1; `None`: no limit). Default `None`.
    pub max_cluster_size: Option<usize>,
    /// The distance. Default [`Metric::Euclidean`].
    pub metric: Metric,
    /// Distances are divided by `alpha` (finite, > 0). Default 1.0.
    pub alpha: f64,
    /// How clusters are picked. Default [`ClusterSelection::Eom`].
    pub cluster_selection_method: ClusterSelection,
    /// Let excess of mass return one cluster holding everything.
    /// Default `false`.
    pub allow_single_cluster: bool,
    /// Leaf size of the KD-tree, at least 1. Default 40.
    pub leaf_size: usize,
    /// Threads (`None`: rayon's global pool). Default `None`.
    pub n_threads: Option<usize>,
}

impl Default for Hdbscan {
    fn default() -> Self {
        Hdbscan {
            min_cluster_size: 5,
            min_samples: None,
            cluster_selection_epsilon: 0.0,
            max_cluster_size: None,
            metric: Metric::Euclidean,
            alpha: 1.0,
            cluster_selection_method: ClusterSelection::Eom,
            allow_single_cluster: false,
            leaf_size: 40,
            n_threads: None,
        }
    }
}

impl Hdbscan {
    /// Default hyperparameters with this `min_cluster_size`.
    pub fn new(min_cluster_size: usize) -> Self {
        Hdbscan {
            min_cluster_size,
            ..Self::default()
        }
    }

    /// Sets `min_cluster_size`.
    #[must_use]
    pub fn min_cluster_size(mut self, min_cluster_size: usize) -> Self {
        self.min_cluster_size = min_cluster_size;
        self
    }

    /// Sets `min_samples`.
    #[must_use]
    pub fn min_samples(mut self, min_samples: Option<usize>) -> Self {
        self.min_samples = min_samples;
        self
    }

    /// Sets `cluster_selection_epsilon`.
    #[must_use]
    pub fn cluster_selection_epsilon(mut self, epsilon: f64) -> Self {
        self.cluster_selection_epsilon = epsilon;
        self
    }

    /// Sets `max_cluster_size`.
    #[must_use]
    pub fn max_cluster_size(mut self, max_cluster_size: Option<usize>) -> Self {
        self.max_cluster_size = max_cluster_size;
        self
    }

    /// Sets `metric`.
    #[must_use]
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// Sets `alpha`.
    #[must_use]
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets `cluster_selection_method`.
    #[must_use]
    pub fn cluster_selection_method(mut self, method: ClusterSelection) -> Self {
        self.cluster_selection_method = method;
        self
    }

    /// Sets `allow_single_cluster`.
    #[must_use]
    pub fn allow_single_cluster(mut self, allow: bool) -> Self {
        self.allow_single_cluster = allow;
        self
    }

    /// Sets `leaf_size`.
    #[must_use]
    pub fn leaf_size(mut self, leaf_size: usize) -> Self {
        self.leaf_size = leaf_size;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }
}

impl Params for Hdbscan {
    fn validate(&self) -> oxlearn::Result<()> {
        check_at_least("min_cluster_size", self.min_cluster_size, 2)?;
        if let Some(m) = self.min_samples {
            check_at_least("min_samples", m, 1)?;
        }
        check_non_negative("cluster_selection_epsilon", self.cluster_selection_epsilon)?;
        if let Some(m) = self.max_cluster_size {
            check_at_least("max_cluster_size", m, 1)?;
        }
        check_positive("alpha", self.alpha)?;
        check_at_least("leaf_size", self.leaf_size, 1)?;
        oxlearn::params::check_n_threads(self.n_threads)
    }
}

impl<F: Float, T> Fit<F, T> for Hdbscan {
    type Model = HdbscanModel<F>;
    type Error = ClusterError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<HdbscanModel<F>> {
        self.validate()?;
        if data.weights().is_some() {
            return Err(ClusterError::SampleWeightsUnsupported {
                estimator: "HDBSCAN".into(),
            });
        }
        let x = data.records();
        check::records(x, "HDBSCAN records")?;
        check::min_samples(x.nrows(), 2, "HDBSCAN")?;
        let (n, dim) = x.dim();
        let min_samples = self.min_samples.unwrap_or(self.min_cluster_size);
        if min_samples > n {
            return Err(oxlearn::Error::invalid_parameter(
                "min_samples",
                format!("at most the number of samples ({n})"),
                min_samples,
            )
            .into());
        }
        let x64: Array2<f64> = x.mapv(|v| v.to_f64().unwrap_or(f64::NAN));
        let (labels, probabilities, merges) = parallel::with_threads(self.n_threads, || {
            let tree = KdTree::new(x64.view(), self.leaf_size, self.metric)?;
            let (_, knn) = tree.kneighbors(x64.view(), min_samples)?;
            let core: Vec<f64> = knn.column(min_samples - 1).to_vec();
            let flat = x64
                .as_slice()
                .map_or_else(|| x64.iter().copied().collect(), <[f64]>::to_vec);
            let metric = self.metric;
            let steps = prim(&Weights {
                points: &flat,
                dim,
                core: &core,
                alpha: self.alpha,
                metric: match metric {
                    Metric::Euclidean => PrimMetric::Euclidean,
                    Metric::Manhattan => PrimMetric::Manhattan,
                    Metric::Chebyshev => PrimMetric::Chebyshev,
                },
            });
            let edges = steps
                .iter()
                .map(|s| (s.source, s.added, s.weight))
                .collect();
            let merges = single_linkage_label(edges, n);
            let selection = Selection {
                min_cluster_size: self.min_cluster_size,
                method: self.cluster_selection_method,
                allow_single_cluster: self.allow_single_cluster,
                epsilon: self.cluster_selection_epsilon,
                max_cluster_size: self.max_cluster_size,
            };
            let (labels, probabilities) = tree_to_labels(&merges, &selection);
            Ok::<_, ClusterError>((labels, probabilities, merges))
        })??;
        Ok(HdbscanModel {
            labels: Array1::from(labels),
            probabilities: probabilities.into_iter().map(F::cast).collect(),
            n_features_in: dim,
            single_linkage_tree: MergeTree::from_merges(&merges, n, true),
        })
    }
}

/// A fitted HDBSCAN clustering.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound(
        serialize = "F: serde::Serialize",
        deserialize = "F: Float + serde::Deserialize<'de>"
    ))
)]
pub struct HdbscanModel<F> {
    labels: Array1<i64>,
    probabilities: Array1<F>,
    n_features_in: usize,
    single_linkage_tree: MergeTree<F>,
}

impl<F: Float> HdbscanModel<F> {
    /// The cluster of each training sample, `0..n_clusters`, or -1 for noise.
    pub fn labels(&self) -> ArrayView1<'_, i64> {
        self.labels.view()
    }

    /// How strongly each sample belongs to its cluster, in `[0, 1]`
    /// (`lambda` of the sample over the cluster's largest `lambda`; 0 for
    /// noise).
    pub fn probabilities(&self) -> ArrayView1<'_, F> {
        self.probabilities.view()
    }

    /// The number of clusters found (noise excluded).
    pub fn n_clusters(&self) -> usize {
        self.labels
            .iter()
            .copied()
            .max()
            .map_or(0, |m| usize::try_from(m + 1).unwrap_or(0))
    }

    /// The single-linkage tree of the mutual reachability distances, with
    /// heights (scikit-learn's private `_single_linkage_tree_`); draw it
    /// as a dendrogram as described in [`MergeTree`].
    pub fn single_linkage_tree(&self) -> &MergeTree<F> {
        &self.single_linkage_tree
    }

    /// The number of features seen at fit.
    pub fn n_features_in(&self) -> usize {
        self.n_features_in
    }

    /// DBSCAN's labels at radius `cut_distance` from the same fit
    /// (scikit-learn's `dbscan_clustering`): the connected components of the
    /// single-linkage tree below `cut_distance` (in mutual reachability
    /// distance), with the components of fewer than `min_cluster_size`
    /// samples as noise (-1). Clusters are numbered as scikit-learn numbers
    /// them.
    ///
    /// # Errors
    /// A negative or NaN `cut_distance`.
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::{Dataset, Fit};
    /// use oxlearn_cluster::Hdbscan;
    ///
    /// let x = array![[0.0], [0.1], [0.2], [5.0], [5.1], [5.2], [9.0]];
    /// let model = Hdbscan::new(2).fit(Dataset::from_records(x).view())?;
    /// let labels = model.dbscan_clustering(1.0, 2)?;
    /// assert_eq!(labels.to_vec(), vec![0, 0, 0, 1, 1, 1, -1]);
    /// # Ok::<(), oxlearn_cluster::ClusterError>(())
    /// ```
    pub fn dbscan_clustering(
        &self,
        cut_distance: f64,
        min_cluster_size: usize,
    ) -> Result<Array1<i64>> {
        if cut_distance.is_nan() || cut_distance < 0.0 {
            return Err(oxlearn::Error::invalid_parameter(
                "cut_distance",
                "a value >= 0",
                cut_distance,
            )
            .into());
        }
        let tree = &self.single_linkage_tree;
        let n = tree.n_leaves();
        let heights = tree.distances().map(|d| d.to_vec()).unwrap_or_default();
        // scikit-learn's `labelling_at_cut` with its `TreeUnionFind`.
        let mut uf = TreeUnionFind::new(2 * n - 1);
        for (i, row) in tree.children().rows().into_iter().enumerate() {
            if heights
                .get(i)
                .and_then(|h| h.to_f64())
                .is_some_and(|h| h < cut_distance)
            {
                uf.union(row[0], n + i);
                uf.union(row[1], n + i);
            }
        }
        let roots: Vec<usize> = (0..n).map(|p| uf.find(p)).collect();
        let mut size = vec![0usize; 2 * n - 1];
        for &r in &roots {
            size[r] += 1;
        }
        let mut label_of = vec![-1i64; 2 * n - 1];
        let mut next = 0;
        for r in 0..2 * n - 1 {
            if size[r] > 0 && size[r] >= min_cluster_size {
                label_of[r] = next;
                next += 1;
            }
        }
        Ok(roots.into_iter().map(|r| label_of[r]).collect())
    }
}

/// scikit-learn's `TreeUnionFind`: union by rank, path compression.
struct TreeUnionFind {
    parent: Vec<usize>,
    rank: Vec<usize>,
}

impl TreeUnionFind {
    fn new(size: usize) -> Self {
        TreeUnionFind {
            parent: (0..size).collect(),
            rank: vec![0; size],
        }
    }

    fn find(&mut self, x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut p = x;
        while self.parent[p] != root {
            let up = self.parent[p];
            self.parent[p] = root;
            p = up;
        }
        root
    }

    fn union(&mut self, x: usize, y: usize) {
        let (xr, yr) = (self.find(x), self.find(y));
        match self.rank[xr].cmp(&self.rank[yr]) {
            std::cmp::Ordering::Less => self.parent[xr] = yr,
            std::cmp::Ordering::Greater => self.parent[yr] = xr,
            std::cmp::Ordering::Equal => {
                self.parent[yr] = xr;
                self.rank[xr] += 1;
            }
        }
    }
}
