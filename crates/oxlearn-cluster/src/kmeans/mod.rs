//! k-means clustering: Lloyd's and Elkan's algorithms and mini-batch
//! k-means, with scikit-learn's k-means++ initialisation, tolerance,
//! empty-cluster relocation and restarts.

mod elkan;
pub(crate) mod init;
mod kernel;
pub(crate) mod lloyd;
mod minibatch;

pub use minibatch::{MiniBatchKMeans, MiniBatchKMeansModel};

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use oxlearn::params::{Params, check_at_least, check_non_negative};
use oxlearn::random::{DEFAULT_SEED, task_rng};
use oxlearn::{DatasetView, Fit, Float, Predict, Transform, check, parallel};
use rayon::prelude::*;

use crate::error::{ClusterError, Result};
use lloyd::{CHUNK, Rows, crow, sq_dist};

/// The k-means iterations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Algorithm {
    /// Lloyd's iterations: every distance, computed as blocked matrix products.
    #[default]
    Lloyd,
    /// Elkan's iterations: the same result, skipping the distances the
    /// triangle inequality rules out; keeps `n_samples x n_clusters` bounds,
    /// so it pays on low-dimensional, well-separated data.
    Elkan,
}

/// How k-means chooses its initial centres.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Init {
    /// scikit-learn's greedy k-means++ (`init="k-means++"`): each centre is
    /// the best of `2 + floor(ln k)` candidates drawn with probability
    /// proportional to weight x squared distance to the chosen centres.
    #[default]
    KMeansPlusPlus,
    /// `n_clusters` distinct rows drawn with probability proportional to
    /// their weights (`init="random"`).
    Random,
    /// These centres, `n_clusters x n_features` (an array `init`), given in
    /// `f64` and cast to the records' type. With them, `n_init` is 1 whatever
    /// its value, as in scikit-learn.
    Centers(Array2<f64>),
}

impl Init {
    /// Given centres must be `n_clusters` finite rows; the other
    /// initialisations are always valid.
    fn validate(&self, n_clusters: usize) -> oxlearn::Result<()> {
        if let Init::Centers(c) = self {
            if c.nrows() != n_clusters {
                return Err(oxlearn::Error::invalid_parameter(
                    "init",
                    format!("{n_clusters} initial centres (n_clusters)"),
                    format!("{} centres", c.nrows()),
                ));
            }
            check::finite(c.view(), "initial centres (init)")?;
        }
        Ok(())
    }
}

/// User-given initial centres in the model's float type; a value finite in
/// `f64` but out of `f32`'s range is an error.
pub(crate) fn given_centers<F: Float>(c: &Array2<f64>) -> Result<Array2<F>> {
    let cast = c.mapv(F::cast);
    check::finite(
        cast.view(),
        "initial centres (init) in the data's float type",
    )?;
    Ok(cast)
}

/// k-means clustering, as scikit-learn's `KMeans`: Lloyd's algorithm, or
/// Elkan's with [`Algorithm::Elkan`].
///
/// Distances are computed as `|x|^2 - 2 x.c + |c|^2` with `x.c` a small
/// matrix product per chunk of 256 rows, in parallel; per-chunk sums are
/// combined in chunk order, so the result is the same on any number of
/// threads. The data are centred on their mean during the fit (as
/// scikit-learn does) for accuracy. Iterations stop when the labels no longer
/// change or when the summed squared centre shift is at most `tol` times the
/// mean per-feature variance; the labels are then recomputed from the final
/// centres. Clusters that become empty are moved to the points farthest from
/// their centres. Of the `n_init` restarts (each with its own seed derived
/// from `seed`), the one with the lowest inertia is kept.
///
/// Memory: the fit holds one centred copy of the records, the labels and
/// O(n) scratch for k-means++ (plus `n x k` bounds with Elkan); distances are
/// never stored for all samples at once.
///
/// Sample weights (from the dataset) weight the centres, the inertia and the
/// initialisation. Fitting on data with fewer distinct points than
/// `n_clusters` (where scikit-learn warns) returns
/// [`ClusterError::TooFewDistinctClusters`].
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_cluster::KMeans;
///
/// let x = array![[0.0, 0.0], [0.1, 0.2], [5.0, 5.0], [5.1, 4.9]];
/// let model = KMeans::new(2).fit(Dataset::from_records(x).view())?;
/// let labels = model.labels();
/// assert_eq!(labels[0], labels[1]);
/// assert_ne!(labels[0], labels[2]);
/// assert_eq!(model.predict(array![[4.8, 5.2]].view())?[0], labels[2]);
/// assert!(model.inertia() < 0.1);
/// # Ok::<(), oxlearn_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KMeans {
    /// Number of clusters, at least 1 and at most the number of samples. Default 8.
    pub n_clusters: usize,
    /// Initialisation. Default [`Init::KMeansPlusPlus`].
    pub init: Init,
    /// Iterations: Lloyd's or Elkan's. Default [`Algorithm::Lloyd`].
    pub algorithm: Algorithm,
    /// Number of restarts; `None` is scikit-learn's `"auto"`: 1 for
    /// k-means++ and given centres, 10 for random. At least 1. Default `None`.
    pub n_init: Option<usize>,
    /// Maximum number of Lloyd iterations per restart, at least 1. Default 300.
    pub max_iter: usize,
    /// Relative tolerance on the squared centre shift (times the mean
    /// per-feature variance of the data), finite and >= 0. Default 1e-4.
    pub tol: f64,
    /// Seed of the initialisation. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// Threads (`None`: rayon's global pool). Default `None`.
    pub n_threads: Option<usize>,
}

impl Default for KMeans {
    fn default() -> Self {
        KMeans {
            n_clusters: 8,
            init: Init::KMeansPlusPlus,
            algorithm: Algorithm::Lloyd,
            n_init: None,
            max_iter: 300,
            tol: 1e-4,
            seed: DEFAULT_SEED,
            n_threads: None,
        }
    }
}

impl KMeans {
    /// Default hyperparameters with `n_clusters` clusters.
    pub fn new(n_clusters: usize) -> Self {
        KMeans {
            n_clusters,
            ..KMeans::default()
        }
    }

    /// Sets `n_clusters`.
    #[must_use]
    pub fn n_clusters(mut self, n_clusters: usize) -> Self {
        self.n_clusters = n_clusters;
        self
    }

    /// Sets `init`.
    #[must_use]
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Sets `algorithm`.
    #[must_use]
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets `n_init` (`None`: automatic).
    #[must_use]
    pub fn n_init(mut self, n_init: Option<usize>) -> Self {
        self.n_init = n_init;
        self
    }

    /// Sets `max_iter`.
    #[must_use]
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Sets `tol`.
    #[must_use]
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Sets `seed`.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }

    /// The number of restarts actually run.
    fn resolved_n_init(&self) -> usize {
        match (&self.init, self.n_init) {
            (Init::Centers(_), _) => 1,
            (_, Some(n)) => n,
            (Init::Random, None) => 10,
            (Init::KMeansPlusPlus, None) => 1,
        }
    }

    /// Initial centres of restart `r`, in the centred coordinates.
    fn initial_centers<F: Float>(
        &self,
        x: Rows<'_, F>,
        w: Option<&[F]>,
        mean: &Array1<F>,
        r: usize,
    ) -> Result<Array2<F>> {
        let mut rng = task_rng(self.seed, r as u64);
        match &self.init {
            Init::KMeansPlusPlus => init::kmeans_plusplus(x, w, self.n_clusters, &mut rng),
            Init::Random => init::random_rows(x, w, self.n_clusters, &mut rng),
            Init::Centers(c) => Ok(given_centers::<F>(c)? - mean),
        }
    }
}

/// The mean of the per-feature variances of `x` (numpy's `var`, two passes),
/// without copying the data.
pub(crate) fn mean_variance<F: Float>(x: ArrayView2<'_, F>) -> F {
    let (n, d) = x.dim();
    let mut mean = Array1::<F>::zeros(d);
    for row in x.rows() {
        mean += &row;
    }
    mean /= F::cast(n);
    let mut sq = F::zero();
    for row in x.rows() {
        for (&v, &m) in row.iter().zip(&mean) {
            sq += (v - m) * (v - m);
        }
    }
    sq / F::cast(n * d)
}

/// The data centred on their column means (standard layout), the means, and
/// the mean of the per-feature variances (two passes, as numpy's `var`).
pub(crate) fn centre<F: Float>(x: ArrayView2<'_, F>) -> (Array2<F>, Array1<F>, F) {
    let (n, d) = x.dim();
    let block = |c: usize| x.slice(s![c * CHUNK..((c + 1) * CHUNK).min(n), ..]);
    // Per-chunk column sums, added in chunk order: the same on any thread count.
    let parts: Vec<Array1<F>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| block(c).sum_axis(Axis(0)))
        .collect();
    let mut mean = Array1::zeros(d);
    for p in &parts {
        mean += p;
    }
    mean /= F::cast(n);
    let mut xc = Array2::zeros((n, d));
    let sq: Vec<F> = xc
        .as_slice_mut()
        .unwrap_or_else(|| unreachable!("`zeros` is in standard layout"))
        .par_chunks_mut(CHUNK * d)
        .enumerate()
        .map(|(c, out)| {
            let mut sq = F::zero();
            for (o, row) in out.chunks_exact_mut(d).zip(block(c).rows()) {
                for ((o, &v), &m) in o.iter_mut().zip(&row).zip(&mean) {
                    let c = v - m;
                    *o = c;
                    sq += c * c;
                }
            }
            sq
        })
        .collect();
    let var = sq.into_iter().fold(F::zero(), |a, b| a + b) / F::cast(n * d);
    (xc, mean, var)
}

impl Params for KMeans {
    fn validate(&self) -> oxlearn::Result<()> {
        check_at_least("n_clusters", self.n_clusters, 1)?;
        if let Some(n) = self.n_init {
            check_at_least("n_init", n, 1)?;
        }
        check_at_least("max_iter", self.max_iter, 1)?;
        check_non_negative("tol", self.tol)?;
        oxlearn::params::check_n_threads(self.n_threads)?;
        self.init.validate(self.n_clusters)
    }
}

impl<F: Float, T> Fit<F, T> for KMeans {
    type Model = KMeansModel<F>;
    type Error = ClusterError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<KMeansModel<F>> {
        self.validate()?;
        let x = data.records();
        check::records(x, "k-means training records")?;
        let (n, d) = x.dim();
        check::min_samples(n, self.n_clusters, "k-means training records (n_clusters)")?;
        if let Init::Centers(c) = &self.init
            && c.ncols() != d
        {
            return Err(ClusterError::InitShape {
                expected_rows: self.n_clusters,
                expected_cols: d,
                actual_rows: c.nrows(),
                actual_cols: c.ncols(),
            });
        }
        let weights: Option<Vec<F>> = data.weights().map(|w| w.to_vec());
        let w = weights.as_deref();
        let (xc, mean, var) = centre(x);
        let tol = if self.tol == 0.0 {
            F::zero()
        } else {
            var * F::cast(self.tol)
        };
        let rows = Rows::new(xc.view());
        let n_init = self.resolved_n_init();
        let best = parallel::with_threads(self.n_threads, || -> Result<lloyd::Run<F>> {
            let mut best: Option<lloyd::Run<F>> = None;
            for r in 0..n_init {
                let centers = self.initial_centers(rows, w, &mean, r)?;
                let run = match self.algorithm {
                    Algorithm::Lloyd => lloyd::lloyd(rows, w, centers, self.max_iter, tol),
                    Algorithm::Elkan => elkan::elkan(rows, w, centers, self.max_iter, tol),
                };
                if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
                    best = Some(run);
                }
            }
            best.ok_or_else(|| oxlearn::Error::empty("k-means restarts (n_init)").into())
        })??;
        let mut seen = vec![false; self.n_clusters];
        for &l in &best.labels {
            seen[l] = true;
        }
        let found = seen.iter().filter(|&&s| s).count();
        if found < self.n_clusters {
            return Err(ClusterError::TooFewDistinctClusters {
                found,
                n_clusters: self.n_clusters,
            });
        }
        Ok(KMeansModel {
            cluster_centers: best.centers + &mean,
            labels: Array1::from(best.labels),
            inertia: best.inertia,
            n_iter: best.n_iter,
        })
    }
}

/// A fitted k-means clustering: the centres, the training labels, the inertia.
///
/// `predict` gives the nearest centre of each row; `transform` the euclidean
/// distances to every centre (samples x clusters).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawKMeansModel<F>",
        bound(
            serialize = "F: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>"
        )
    )
)]
pub struct KMeansModel<F> {
    cluster_centers: Array2<F>,
    labels: Array1<usize>,
    inertia: F,
    n_iter: usize,
}

/// The unchecked serialised form of a [`KMeansModel`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawKMeansModel<F> {
    cluster_centers: Array2<F>,
    labels: Array1<usize>,
    inertia: F,
    n_iter: usize,
}

#[cfg(feature = "serde")]
impl<F: Float> TryFrom<RawKMeansModel<F>> for KMeansModel<F> {
    type Error = oxlearn::Error;
    fn try_from(raw: RawKMeansModel<F>) -> oxlearn::Result<Self> {
        let (k, d) = raw.cluster_centers.dim();
        if k == 0 || d == 0 {
            return Err(oxlearn::Error::InvalidModel(format!(
                "k-means centres have shape {k} x {d}, expected at least 1 x 1"
            )));
        }
        check::finite(raw.cluster_centers.view(), "k-means centres")?;
        if let Some(&l) = raw.labels.iter().find(|&&l| l >= k) {
            return Err(oxlearn::Error::InvalidModel(format!(
                "k-means label {l} out of range, expected < {k} (n_clusters)"
            )));
        }
        Ok(KMeansModel {
            cluster_centers: raw.cluster_centers,
            labels: raw.labels,
            inertia: raw.inertia,
            n_iter: raw.n_iter,
        })
    }
}

impl<F: Float> KMeansModel<F> {
    /// The centres, `n_clusters x n_features`.
    pub fn cluster_centers(&self) -> ArrayView2<'_, F> {
        self.cluster_centers.view()
    }

    /// The cluster of each training sample.
    pub fn labels(&self) -> ArrayView1<'_, usize> {
        self.labels.view()
    }

    /// The weighted sum of squared distances of the training samples to
    /// their centres.
    pub fn inertia(&self) -> F {
        self.inertia
    }

    /// Lloyd iterations run by the kept restart.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The number of clusters.
    pub fn n_clusters(&self) -> usize {
        self.cluster_centers.nrows()
    }

    /// Minus the sum of squared distances of the rows of `x` to their nearest
    /// centres (scikit-learn's `score`, unweighted): higher is better.
    ///
    /// # Errors
    /// As [`Predict::predict`].
    pub fn score(&self, x: ArrayView2<'_, F>) -> Result<F> {
        score(self.cluster_centers.view(), x, "k-means records")
    }
}

/// Checks records given to a fitted model with these centres.
pub(crate) fn check_input<F: Float>(
    centers: ArrayView2<'_, F>,
    x: ArrayView2<'_, F>,
    what: &str,
) -> Result<()> {
    check::n_features(x, centers.ncols())?;
    check::finite(x, what)?;
    Ok(())
}

/// The nearest centre of each row of `x` (checked).
pub(crate) fn nearest<F: Float>(
    centers: ArrayView2<'_, F>,
    x: ArrayView2<'_, F>,
    what: &str,
) -> Result<Array1<usize>> {
    check_input(centers, x, what)?;
    let mut labels = vec![0usize; x.nrows()];
    let x = x.as_standard_layout();
    lloyd::assign(Rows::new(x.view()), None, centers, &mut labels, false);
    Ok(Array1::from(labels))
}

/// Minus the sum of squared distances of the rows of `x` to their nearest centres.
pub(crate) fn score<F: Float>(
    centers: ArrayView2<'_, F>,
    x: ArrayView2<'_, F>,
    what: &str,
) -> Result<F> {
    let labels = nearest(centers, x, what)?;
    let labels = labels.as_slice().unwrap_or(&[]);
    let x = x.as_standard_layout();
    Ok(-lloyd::inertia(Rows::new(x.view()), None, centers, labels))
}

/// Euclidean distances from each row of `x` to each centre (checked).
pub(crate) fn distances<F: Float>(
    centers: ArrayView2<'_, F>,
    x: ArrayView2<'_, F>,
    what: &str,
) -> Result<Array2<F>> {
    check_input(centers, x, what)?;
    let k = centers.nrows();
    let mut out = vec![F::zero(); x.nrows() * k];
    let x = x.as_standard_layout();
    let rows = Rows::new(x.view());
    out.par_chunks_mut(CHUNK * k)
        .enumerate()
        .for_each(|(ci, block)| {
            for (i, row) in block.chunks_mut(k).enumerate() {
                let xr = rows.row(ci * CHUNK + i);
                for (j, o) in row.iter_mut().enumerate() {
                    *o = sq_dist(xr, crow(centers, j)).sqrt();
                }
            }
        });
    Ok(Array2::from_shape_vec((x.nrows(), k), out)
        .unwrap_or_else(|_| unreachable!("n_rows x k values were written")))
}

impl<F: Float> Predict<F> for KMeansModel<F> {
    type Output = Array1<usize>;
    type Error = ClusterError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<usize>> {
        nearest(self.cluster_centers.view(), x, "k-means records")
    }

    fn n_features_in(&self) -> usize {
        self.cluster_centers.ncols()
    }
}

impl<F: Float> Transform<F> for KMeansModel<F> {
    type Error = ClusterError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        distances(self.cluster_centers.view(), x, "k-means records")
    }

    fn n_features_in(&self) -> usize {
        self.cluster_centers.ncols()
    }

    fn feature_names_out(&self, _input: &[String]) -> Vec<String> {
        (0..self.n_clusters())
            .map(|j| format!("kmeans{j}"))
            .collect()
    }
}
