//! Mini-batch k-means, as scikit-learn's `MiniBatchKMeans`, with `partial_fit`.

use ndarray::{Array1, Array2};
use oxlearn::params::{Params, check_at_least, check_non_negative};
use oxlearn::random::{DEFAULT_SEED, Rng, task_rng};
use oxlearn::{DatasetView, Fit, Float, PartialFit, check, parallel};
use rand::Rng as _;

use super::lloyd::{self, Rows};
use super::{Init, init, mean_variance};
use crate::error::{ClusterError, Result};

mod model;
mod step;

pub use model::MiniBatchKMeansModel;
use step::{Convergence, converged, gather, random_reassign, step};

/// What the records are called in error messages.
const WHAT: &str = "mini-batch k-means records";

/// Mini-batch k-means, as scikit-learn's `MiniBatchKMeans`: each step
/// assigns a random batch of `batch_size` rows (drawn with replacement) to
/// the nearest centres and moves each centre towards the mean of its rows
/// with a per-centre learning rate of 1 / (weight seen so far).
///
/// The initial centres are the best (lowest inertia on a random validation
/// batch) of `n_init` initialisations, each on a random subset of
/// `init_size` rows. Centres that have seen less than `reassignment_ratio`
/// times the weight of the busiest centre are moved to random rows of the
/// batch every `10 * n_clusters` rows or whenever a centre has seen nothing.
/// The fit stops after `max_iter` passes over the data, when the summed
/// squared centre shift is at most `tol` times the mean feature variance
/// (if `tol > 0`), or when a smoothed batch inertia has not improved for
/// `max_no_improvement` steps. The labels and inertia of the training data
/// are then computed with the final centres.
///
/// The model keeps learning with [`PartialFit::partial_fit`]; start from
/// nothing with [`MiniBatchKMeans::partial_fit`] (scikit-learn's first
/// `partial_fit` call: initialisation on the batch, then one step). Sample
/// weights (from the dataset) weight the centres, counts and inertia. As in
/// scikit-learn, data with fewer distinct points than `n_clusters` give
/// duplicate centres, not an error.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, PartialFit, Predict};
/// use oxlearn_cluster::MiniBatchKMeans;
///
/// let x = array![[0.0, 0.0], [0.1, 0.2], [0.2, 0.1], [5.0, 5.0], [5.1, 4.9], [4.9, 5.2]];
/// let data = Dataset::from_records(x);
/// let mut model = MiniBatchKMeans::new(2).batch_size(4).fit(data.view())?;
/// let labels = model.predict(array![[0.1, 0.1], [5.0, 5.1]].view())?;
/// assert_ne!(labels[0], labels[1]);
/// let steps = model.n_steps();
/// model.partial_fit(Dataset::from_records(array![[0.0, 0.1], [5.2, 5.0]]).view())?;
/// assert_eq!(model.n_steps(), steps + 1);
/// assert_eq!(model.labels().len(), 2);
/// # Ok::<(), oxlearn_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MiniBatchKMeans {
    /// Number of clusters, at least 1 and at most the number of samples. Default 8.
    pub n_clusters: usize,
    /// Initialisation. Default [`Init::KMeansPlusPlus`].
    pub init: Init,
    /// Maximum number of passes over the data, at least 1. Default 100.
    pub max_iter: usize,
    /// Rows per batch, at least 1 (at most the number of samples is used). Default 1024.
    pub batch_size: usize,
    /// Relative tolerance on the squared centre shift per step, finite and
    /// >= 0; 0 disables this test. Default 0.
    pub tol: f64,
    /// Steps without improvement of the smoothed batch inertia before
    /// stopping; `None` disables this test. Default `Some(10)`.
    pub max_no_improvement: Option<usize>,
    /// Rows drawn for each initialisation; `None`: `3 * batch_size` (at least
    /// `3 * n_clusters`, at most the number of samples). Default `None`.
    pub init_size: Option<usize>,
    /// Number of initialisations; `None`: 3 for random, 1 otherwise. At least 1.
    /// Default `None`.
    pub n_init: Option<usize>,
    /// Fraction of the busiest centre's weight below which a centre is
    /// moved to a random row, finite and >= 0. Default 0.01.
    pub reassignment_ratio: f64,
    /// Seed of the batches, initialisation and reassignments. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// Threads (`None`: rayon's global pool). Default `None`.
    pub n_threads: Option<usize>,
}

impl Default for MiniBatchKMeans {
    fn default() -> Self {
        MiniBatchKMeans {
            n_clusters: 8,
            init: Init::KMeansPlusPlus,
            max_iter: 100,
            batch_size: 1024,
            tol: 0.0,
            max_no_improvement: Some(10),
            init_size: None,
            n_init: None,
            reassignment_ratio: 0.01,
            seed: DEFAULT_SEED,
            n_threads: None,
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty,)*) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name(mut self, $name: $ty) -> Self {
                self.$name = $name;
                self
            }
        )*
    };
}

impl MiniBatchKMeans {
    /// Default hyperparameters with `n_clusters` clusters.
    pub fn new(n_clusters: usize) -> Self {
        MiniBatchKMeans {
            n_clusters,
            ..MiniBatchKMeans::default()
        }
    }

    setters! {
        /// Sets `n_clusters`.
        n_clusters: usize,
        /// Sets `init`.
        init: Init,
        /// Sets `max_iter`.
        max_iter: usize,
        /// Sets `batch_size`.
        batch_size: usize,
        /// Sets `tol`.
        tol: f64,
        /// Sets `max_no_improvement`.
        max_no_improvement: Option<usize>,
        /// Sets `init_size`.
        init_size: Option<usize>,
        /// Sets `n_init`.
        n_init: Option<usize>,
        /// Sets `reassignment_ratio`.
        reassignment_ratio: f64,
        /// Sets `seed`.
        seed: u64,
        /// Sets `n_threads`.
        n_threads: Option<usize>,
    }

    /// Checks the data and returns the effective batch and init sizes.
    fn check_data<F: Float, T>(&self, data: &DatasetView<'_, F, T>) -> Result<(usize, usize)> {
        let x = data.records();
        check::records(x, WHAT)?;
        let n = x.nrows();
        check::min_samples(
            n,
            self.n_clusters,
            "mini-batch k-means records (n_clusters)",
        )?;
        if let Init::Centers(c) = &self.init
            && c.ncols() != x.ncols()
        {
            return Err(ClusterError::InitShape {
                expected_rows: self.n_clusters,
                expected_cols: x.ncols(),
                actual_rows: c.nrows(),
                actual_cols: c.ncols(),
            });
        }
        let batch = self.batch_size.min(n);
        let mut init_size = self.init_size.unwrap_or(3 * batch);
        if init_size < self.n_clusters {
            init_size = 3 * self.n_clusters;
        }
        Ok((batch, init_size.min(n)))
    }

    /// Initial centres from a random subset of `init_size` rows.
    fn initial_centers<F: Float>(
        &self,
        x: Rows<'_, F>,
        w: Option<&[F]>,
        init_size: usize,
        rng: &mut Rng,
    ) -> Result<Array2<F>> {
        if let Init::Centers(c) = &self.init {
            return super::given_centers(c);
        }
        let n = x.n();
        let subset: Option<Vec<usize>> =
            (init_size < n).then(|| (0..init_size).map(|_| rng.random_range(0..n)).collect());
        let (xs, ws) = match &subset {
            Some(idx) => gather(x, w, idx),
            None => (x.data.to_vec(), w.map(<[F]>::to_vec)),
        };
        let rows = Rows { data: &xs, d: x.d };
        match &self.init {
            Init::Random => init::random_rows(rows, ws.as_deref(), self.n_clusters, rng),
            _ => init::kmeans_plusplus(rows, ws.as_deref(), self.n_clusters, rng),
        }
    }

    /// scikit-learn's first `partial_fit` call: initialises the centres on
    /// this batch, then takes one mini-batch step with it. Continue with
    /// [`PartialFit::partial_fit`] on the returned model.
    ///
    /// # Errors
    /// As [`Fit::fit`].
    pub fn partial_fit<F: Float, T>(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<MiniBatchKMeansModel<F>> {
        self.validate()?;
        let (batch, init_size) = self.check_data(&data)?;
        let x = data.records().as_standard_layout().into_owned();
        let weights: Option<Vec<F>> = data.weights().map(|w| w.to_vec());
        let centers = parallel::with_threads(self.n_threads, || {
            self.initial_centers(
                Rows::new(x.view()),
                weights.as_deref(),
                init_size,
                &mut task_rng(self.seed, 0),
            )
        })??;
        let mut model = MiniBatchKMeansModel {
            counts: vec![F::zero(); self.n_clusters],
            cluster_centers: centers,
            labels: Array1::zeros(0),
            inertia: F::zero(),
            n_iter: 0,
            n_steps: 0,
            n_since_last_reassign: 0,
            batch_size: batch,
            reassignment_ratio: self.reassignment_ratio,
            seed: self.seed,
            n_threads: self.n_threads,
        };
        model.partial_fit(data)?;
        Ok(model)
    }
}

impl Params for MiniBatchKMeans {
    fn validate(&self) -> oxlearn::Result<()> {
        check_at_least("n_clusters", self.n_clusters, 1)?;
        check_at_least("max_iter", self.max_iter, 1)?;
        check_at_least("batch_size", self.batch_size, 1)?;
        check_non_negative("tol", self.tol)?;
        if let Some(s) = self.init_size {
            check_at_least("init_size", s, 1)?;
        }
        if let Some(n) = self.n_init {
            check_at_least("n_init", n, 1)?;
        }
        check_non_negative("reassignment_ratio", self.reassignment_ratio)?;
        oxlearn::params::check_n_threads(self.n_threads)?;
        self.init.validate(self.n_clusters)
    }
}

impl<F: Float, T> Fit<F, T> for MiniBatchKMeans {
    type Model = MiniBatchKMeansModel<F>;
    type Error = ClusterError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<MiniBatchKMeansModel<F>> {
        self.validate()?;
        let (batch, init_size) = self.check_data(&data)?;
        let x = data.records().as_standard_layout().into_owned();
        let weights: Option<Vec<F>> = data.weights().map(|w| w.to_vec());
        let w = weights.as_deref();
        let n = x.nrows();
        let tol = if self.tol == 0.0 {
            F::zero()
        } else {
            mean_variance(x.view()) * F::cast(self.tol)
        };
        let n_init = match (&self.init, self.n_init) {
            (Init::Centers(_), _) => 1,
            (_, Some(n)) => n,
            (Init::Random, None) => 3,
            (Init::KMeansPlusPlus, None) => 1,
        };
        parallel::with_threads(self.n_threads, || -> Result<MiniBatchKMeansModel<F>> {
            let rows = Rows::new(x.view());
            let mut rng = task_rng(self.seed, 0);
            let valid_idx: Vec<usize> = (0..batch).map(|_| rng.random_range(0..n)).collect();
            let (xv, wv) = gather(rows, w, &valid_idx);
            let valid = Rows {
                data: &xv,
                d: rows.d,
            };
            let mut labels = vec![0usize; batch];
            let mut best: Option<(F, Array2<F>)> = None;
            for r in 0..n_init {
                let centers = self.initial_centers(
                    rows,
                    w,
                    init_size,
                    &mut task_rng(self.seed, 1 + r as u64),
                )?;
                lloyd::assign(valid, wv.as_deref(), centers.view(), &mut labels, false);
                let inertia = lloyd::inertia(valid, wv.as_deref(), centers.view(), &labels);
                if best.as_ref().is_none_or(|(b, _)| inertia < *b) {
                    best = Some((inertia, centers));
                }
            }
            let mut centers = best.map(|(_, c)| c).ok_or_else(|| {
                oxlearn::Error::empty("mini-batch k-means initialisations (n_init)")
            })?;
            let k = self.n_clusters;
            let mut counts = vec![F::zero(); k];
            let mut since = 0usize;
            let mut conv = Convergence::new();
            let n_steps = self.max_iter.saturating_mul(n) / batch;
            let mut done = 0;
            for i in 0..n_steps {
                done = i + 1;
                let idx: Vec<usize> = (0..batch).map(|_| rng.random_range(0..n)).collect();
                let (xb, wb) = gather(rows, w, &idx);
                let reassign = random_reassign(&mut since, &counts, batch);
                let old = (tol > F::zero()).then(|| centers.clone());
                let batch_inertia = step(
                    Rows {
                        data: &xb,
                        d: rows.d,
                    },
                    wb.as_deref(),
                    &mut centers,
                    &mut counts,
                    &mut labels,
                    &mut rng,
                    reassign,
                    self.reassignment_ratio,
                );
                let shift = old.map_or(F::zero(), |o| {
                    o.iter()
                        .zip(&centers)
                        .fold(F::zero(), |a, (&p, &q)| a + (p - q) * (p - q))
                });
                if converged(
                    &mut conv,
                    i,
                    n,
                    batch,
                    self.max_no_improvement,
                    tol,
                    shift,
                    batch_inertia,
                ) {
                    break;
                }
            }
            let mut all = vec![0usize; n];
            lloyd::assign(rows, w, centers.view(), &mut all, false);
            let inertia = lloyd::inertia(rows, w, centers.view(), &all);
            Ok(MiniBatchKMeansModel {
                cluster_centers: centers,
                counts,
                labels: Array1::from(all),
                inertia,
                n_iter: (done * batch).div_ceil(n),
                n_steps: done,
                n_since_last_reassign: since,
                batch_size: batch,
                reassignment_ratio: self.reassignment_ratio,
                seed: self.seed,
                n_threads: self.n_threads,
            })
        })?
    }
}
