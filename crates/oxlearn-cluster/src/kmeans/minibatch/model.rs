//! The fitted mini-batch k-means model and its incremental learning.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use oxlearn::random::task_rng;
use oxlearn::{DatasetView, Float, PartialFit, Predict, Transform, check, parallel};

use super::super::lloyd::{self, Rows};
use super::super::{check_input, distances, nearest, score};
use super::WHAT;
use super::step::{random_reassign, step};
use crate::error::{ClusterError, Result};

/// A fitted mini-batch k-means: the centres, the weight each centre has
/// seen, the labels and inertia of the last data fitted.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawModel<F>",
        bound(
            serialize = "F: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>"
        )
    )
)]
pub struct MiniBatchKMeansModel<F> {
    pub(super) cluster_centers: Array2<F>,
    pub(super) counts: Vec<F>,
    pub(super) labels: Array1<usize>,
    pub(super) inertia: F,
    pub(super) n_iter: usize,
    pub(super) n_steps: usize,
    pub(super) n_since_last_reassign: usize,
    pub(super) batch_size: usize,
    pub(super) reassignment_ratio: f64,
    pub(super) seed: u64,
    pub(super) n_threads: Option<usize>,
}

/// The unchecked serialised form of a [`MiniBatchKMeansModel`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawModel<F> {
    cluster_centers: Array2<F>,
    counts: Vec<F>,
    labels: Array1<usize>,
    inertia: F,
    n_iter: usize,
    n_steps: usize,
    n_since_last_reassign: usize,
    batch_size: usize,
    reassignment_ratio: f64,
    seed: u64,
    n_threads: Option<usize>,
}

#[cfg(feature = "serde")]
impl<F: Float> TryFrom<RawModel<F>> for MiniBatchKMeansModel<F> {
    type Error = oxlearn::Error;
    fn try_from(raw: RawModel<F>) -> oxlearn::Result<Self> {
        let invalid = |m: String| Err(oxlearn::Error::InvalidModel(m));
        let (k, d) = raw.cluster_centers.dim();
        if k == 0 || d == 0 {
            return invalid(format!(
                "mini-batch k-means centres have shape {k} x {d}, expected at least 1 x 1"
            ));
        }
        check::finite(raw.cluster_centers.view(), "mini-batch k-means centres")?;
        if raw.counts.len() != k || raw.counts.iter().any(|c| !c.is_finite() || *c < F::zero()) {
            return invalid(format!(
                "mini-batch k-means counts: expected {k} finite values >= 0, got {:?}",
                raw.counts
            ));
        }
        if let Some(&l) = raw.labels.iter().find(|&&l| l >= k) {
            return invalid(format!(
                "mini-batch k-means label {l} out of range, expected < {k} (n_clusters)"
            ));
        }
        if raw.batch_size == 0
            || raw.n_threads == Some(0)
            || raw.reassignment_ratio.is_nan()
            || raw.reassignment_ratio < 0.0
        {
            return invalid(
                "mini-batch k-means: batch_size and n_threads must be >= 1 and \
                 reassignment_ratio >= 0"
                    .to_string(),
            );
        }
        Ok(MiniBatchKMeansModel {
            cluster_centers: raw.cluster_centers.as_standard_layout().into_owned(),
            counts: raw.counts,
            labels: raw.labels,
            inertia: raw.inertia,
            n_iter: raw.n_iter,
            n_steps: raw.n_steps,
            n_since_last_reassign: raw.n_since_last_reassign,
            batch_size: raw.batch_size,
            reassignment_ratio: raw.reassignment_ratio,
            seed: raw.seed,
            n_threads: raw.n_threads,
        })
    }
}

impl<F: Float> MiniBatchKMeansModel<F> {
    /// The centres, `n_clusters x n_features`.
    pub fn cluster_centers(&self) -> ArrayView2<'_, F> {
        self.cluster_centers.view()
    }

    /// The cluster of each sample of the last `fit` or `partial_fit` data.
    pub fn labels(&self) -> ArrayView1<'_, usize> {
        self.labels.view()
    }

    /// The weighted sum of squared distances of the last `fit` or
    /// `partial_fit` data to their nearest centres.
    pub fn inertia(&self) -> F {
        self.inertia
    }

    /// The total sample weight each centre has absorbed (its inverse
    /// learning rate).
    pub fn counts(&self) -> &[F] {
        &self.counts
    }

    /// Passes over the data made by `fit` (`ceil(n_steps * batch / n)`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Mini-batch steps taken, `partial_fit` calls included.
    pub fn n_steps(&self) -> usize {
        self.n_steps
    }

    /// The number of clusters.
    pub fn n_clusters(&self) -> usize {
        self.cluster_centers.nrows()
    }

    /// Minus the sum of squared distances of the rows of `x` to their
    /// nearest centres (unweighted): higher is better.
    ///
    /// # Errors
    /// As [`Predict::predict`].
    pub fn score(&self, x: ArrayView2<'_, F>) -> Result<F> {
        score(self.cluster_centers.view(), x, WHAT)
    }
}

impl<F: Float, T> PartialFit<F, T> for MiniBatchKMeansModel<F> {
    type Error = ClusterError;

    /// One mini-batch step with the whole of `data`, as scikit-learn's
    /// `partial_fit`; then the labels and inertia of `data` with the new centres.
    fn partial_fit(&mut self, data: DatasetView<'_, F, T>) -> Result<()> {
        let x = data.records();
        check::non_empty(x, WHAT)?;
        check_input(self.cluster_centers.view(), x, WHAT)?;
        let x = x.as_standard_layout().into_owned();
        let weights: Option<Vec<F>> = data.weights().map(|w| w.to_vec());
        let w = weights.as_deref();
        let mut centers = self.cluster_centers.clone();
        let mut counts = self.counts.clone();
        let mut since = self.n_since_last_reassign;
        let mut rng = task_rng(self.seed, 1 + self.n_steps as u64);
        let (labels, inertia) = parallel::with_threads(self.n_threads, || {
            let rows = Rows::new(x.view());
            let mut labels = vec![0usize; rows.n()];
            let reassign = random_reassign(&mut since, &counts, self.batch_size);
            step(
                rows,
                w,
                &mut centers,
                &mut counts,
                &mut labels,
                &mut rng,
                reassign,
                self.reassignment_ratio,
            );
            lloyd::assign(rows, w, centers.view(), &mut labels, false);
            let inertia = lloyd::inertia(rows, w, centers.view(), &labels);
            (labels, inertia)
        })?;
        self.cluster_centers = centers;
        self.counts = counts;
        self.n_since_last_reassign = since;
        self.labels = Array1::from(labels);
        self.inertia = inertia;
        self.n_steps += 1;
        Ok(())
    }
}

impl<F: Float> Predict<F> for MiniBatchKMeansModel<F> {
    type Output = Array1<usize>;
    type Error = ClusterError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<usize>> {
        nearest(self.cluster_centers.view(), x, WHAT)
    }

    fn n_features_in(&self) -> usize {
        self.cluster_centers.ncols()
    }
}

impl<F: Float> Transform<F> for MiniBatchKMeansModel<F> {
    type Error = ClusterError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        distances(self.cluster_centers.view(), x, WHAT)
    }

    fn n_features_in(&self) -> usize {
        self.cluster_centers.ncols()
    }

    fn feature_names_out(&self, _input: &[String]) -> Vec<String> {
        (0..self.n_clusters())
            .map(|j| format!("minibatchkmeans{j}"))
            .collect()
    }
}
