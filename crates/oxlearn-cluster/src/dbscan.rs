//! DBSCAN: density-based clustering with noise.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use oxlearn::params::{Params, check_at_least, check_positive};
use oxlearn::{DatasetView, Fit, Float, check, parallel};
use rayon::prelude::*;

use crate::error::{ClusterError, Result};
use crate::neighbors::{KdTree, Metric};

/// DBSCAN, as scikit-learn's `DBSCAN`: a point is a core point when the
/// (weighted) number of points within `eps` of it, itself included, is at
/// least `min_samples`; clusters are the connected groups of core points
/// plus the points within `eps` of them; the rest is noise (label -1).
///
/// Neighbourhoods come from a [`KdTree`] (radius queries in parallel).
/// Clusters are numbered in the order of their first core point, and a
/// border point within reach of several clusters joins the first, so the
/// labels are exactly scikit-learn's. With sample weights (from the
/// dataset), the neighbour count is the sum of the neighbours' weights.
/// DBSCAN has no `predict`: the fitted [`DbscanModel`] holds the labels.
/// As in scikit-learn, all neighbourhoods are kept during the fit, so memory
/// grows with the number of pairs within `eps` (choose `eps` accordingly).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_cluster::Dbscan;
///
/// let x = array![[1.0, 2.0], [2.0, 2.0], [2.0, 3.0], [8.0, 7.0], [8.0, 8.0], [25.0, 80.0]];
/// let model = Dbscan::new(3.0, 2).fit(Dataset::from_records(x).view())?;
/// assert_eq!(model.labels().to_vec(), vec![0, 0, 0, 1, 1, -1]);
/// assert_eq!(model.core_sample_indices(), &[0, 1, 2, 3, 4]);
/// # Ok::<(), oxlearn_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Dbscan {
    /// The neighbourhood radius: finite and > 0. Default 0.5.
    pub eps: f64,
    /// Weighted neighbour count (the point itself included) that makes a
    /// core point: at least 1. Default 5.
    pub min_samples: usize,
    /// The distance. Default [`Metric::Euclidean`].
    pub metric: Metric,
    /// Leaf size of the KD-tree, at least 1. Default 30.
    pub leaf_size: usize,
    /// Threads (`None`: rayon's global pool). Default `None`.
    pub n_threads: Option<usize>,
}

impl Default for Dbscan {
    fn default() -> Self {
        Dbscan {
            eps: 0.5,
            min_samples: 5,
            metric: Metric::Euclidean,
            leaf_size: 30,
            n_threads: None,
        }
    }
}

impl Dbscan {
    /// Default hyperparameters with this `eps` and `min_samples`.
    pub fn new(eps: f64, min_samples: usize) -> Self {
        Dbscan {
            eps,
            min_samples,
            ..Dbscan::default()
        }
    }

    /// Sets `eps`.
    #[must_use]
    pub fn eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// Sets `min_samples`.
    #[must_use]
    pub fn min_samples(mut self, min_samples: usize) -> Self {
        self.min_samples = min_samples;
        self
    }

    /// Sets `metric`.
    #[must_use]
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
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

impl Params for Dbscan {
    fn validate(&self) -> oxlearn::Result<()> {
        check_positive("eps", self.eps)?;
        check_at_least("min_samples", self.min_samples, 1)?;
        check_at_least("leaf_size", self.leaf_size, 1)?;
        oxlearn::params::check_n_threads(self.n_threads)?;
        Ok(())
    }
}

/// Rows per chunk of neighbourhood queries.
const CHUNK: usize = 256;

/// The neighbourhoods of one chunk of points: the neighbours of its `r`-th
/// point are `indices[ends[r - 1]..ends[r]]` (from 0 for the first).
struct Chunk {
    ends: Vec<usize>,
    indices: Vec<u32>,
}

/// Radius neighbourhoods of every point, kept per chunk (no concatenation).
struct Neighbourhoods {
    chunks: Vec<Chunk>,
}

impl Neighbourhoods {
    fn of(&self, i: usize) -> &[u32] {
        let chunk = &self.chunks[i / CHUNK];
        let r = i % CHUNK;
        let start = if r == 0 { 0 } else { chunk.ends[r - 1] };
        &chunk.indices[start..chunk.ends[r]]
    }
}

/// Radius neighbourhoods of every point, computed per chunk in parallel.
fn neighbourhoods<F: Float>(tree: &KdTree<F>, x: ArrayView2<'_, F>, eps: F) -> Neighbourhoods {
    let r = if tree.metric() == Metric::Euclidean {
        eps * eps
    } else {
        eps
    };
    let chunks = (0..x.nrows().div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut ends = Vec::with_capacity(CHUNK);
            let mut indices = Vec::new();
            let mut q = vec![F::zero(); x.ncols()];
            for i in c * CHUNK..((c + 1) * CHUNK).min(x.nrows()) {
                for (qv, &v) in q.iter_mut().zip(x.row(i)) {
                    *qv = v;
                }
                // Indices fit in u32: `fit` checks the number of samples.
                tree.radius_node(0, &q, r, &mut |j, _| indices.push(j as u32));
                ends.push(indices.len());
            }
            Chunk { ends, indices }
        })
        .collect();
    Neighbourhoods { chunks }
}

/// scikit-learn's `dbscan_inner`: a depth-first expansion from each
/// unlabelled core point, in index order.
fn expand(is_core: &[bool], hoods: &Neighbourhoods) -> Vec<i64> {
    let n = is_core.len();
    let mut labels = vec![-1i64; n];
    let mut label = 0i64;
    let mut stack = Vec::new();
    for start in 0..n {
        if labels[start] != -1 || !is_core[start] {
            continue;
        }
        stack.push(start);
        while let Some(i) = stack.pop() {
            if labels[i] != -1 {
                continue;
            }
            labels[i] = label;
            if is_core[i] {
                stack.extend(
                    hoods
                        .of(i)
                        .iter()
                        .map(|&j| j as usize)
                        .filter(|&j| labels[j] == -1),
                );
            }
        }
        label += 1;
    }
    labels
}

impl<F: Float, T> Fit<F, T> for Dbscan {
    type Model = DbscanModel<F>;
    type Error = ClusterError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<DbscanModel<F>> {
        self.validate()?;
        let x = data.records();
        check::records(x, "DBSCAN records")?;
        if u32::try_from(x.nrows()).is_err() {
            return Err(oxlearn::Error::InvalidInput(format!(
                "DBSCAN supports at most {} samples, got {}",
                u32::MAX,
                x.nrows()
            ))
            .into());
        }
        let eps = F::cast(self.eps);
        if eps <= F::zero() {
            return Err(oxlearn::Error::invalid_parameter(
                "eps",
                format!("a value > 0 representable as {}", F::NAME),
                self.eps,
            )
            .into());
        }
        let w: Option<ArrayView1<'_, F>> = data.weights();
        let min_samples = F::cast(self.min_samples);
        let (labels, is_core) = parallel::with_threads(self.n_threads, || -> Result<_> {
            let tree = KdTree::new(x, self.leaf_size, self.metric)?;
            let hoods = neighbourhoods(&tree, x, eps);
            let is_core: Vec<bool> = (0..x.nrows())
                .into_par_iter()
                .with_min_len(256)
                .map(|i| match w {
                    None => hoods.of(i).len() >= self.min_samples,
                    Some(w) => {
                        // Sum in index order, as scikit-learn does.
                        let mut nb = hoods.of(i).to_vec();
                        nb.sort_unstable();
                        nb.iter().fold(F::zero(), |a, &j| a + w[j as usize]) >= min_samples
                    }
                })
                .collect();
            Ok((expand(&is_core, &hoods), is_core))
        })??;
        let core_sample_indices: Vec<usize> = (0..is_core.len()).filter(|&i| is_core[i]).collect();
        let mut components = Array2::zeros((core_sample_indices.len(), x.ncols()));
        for (mut row, &i) in components.rows_mut().into_iter().zip(&core_sample_indices) {
            row.assign(&x.row(i));
        }
        Ok(DbscanModel {
            labels: Array1::from(labels),
            core_sample_indices,
            components,
        })
    }
}

/// A fitted DBSCAN clustering.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DbscanModel<F> {
    labels: Array1<i64>,
    core_sample_indices: Vec<usize>,
    components: Array2<F>,
}

impl<F: Float> DbscanModel<F> {
    /// The cluster of each training sample, `0..n_clusters`, or -1 for noise.
    pub fn labels(&self) -> ArrayView1<'_, i64> {
        self.labels.view()
    }

    /// The indices of the core samples, ascending.
    pub fn core_sample_indices(&self) -> &[usize] {
        &self.core_sample_indices
    }

    /// The core samples themselves, one per row (scikit-learn's `components_`).
    pub fn components(&self) -> ArrayView2<'_, F> {
        self.components.view()
    }

    /// The number of clusters found (noise excluded).
    pub fn n_clusters(&self) -> usize {
        self.labels
            .iter()
            .copied()
            .max()
            .map_or(0, |m| usize::try_from(m + 1).unwrap_or(0))
    }

    /// The number of features seen at fit.
    pub fn n_features_in(&self) -> usize {
        self.components.ncols()
    }
}
