//! Gaussian mixture models fitted by expectation-maximisation, as
//! scikit-learn's `sklearn.mixture.GaussianMixture`.

mod covariance;
mod em;
mod model;
mod sample;

pub use covariance::CovarianceType;
pub use model::GaussianMixtureModel;

use ndarray::{Array1, Array2, ArrayD, ArrayView1};
use oxlearn::params::{Params, check_at_least, check_non_negative};
use oxlearn::random::{DEFAULT_SEED, derive_seed, task_rng};
use oxlearn::{DatasetView, Fit, Float, check, parallel};
use rand::Rng as _;

use crate::error::{ClusterError, Result};
use crate::kmeans::KMeans;
use crate::kmeans::init::kmeans_plusplus_indices;
use crate::kmeans::lloyd::Rows;
use covariance::precision_cholesky_from_precisions;
use em::Gaussians;

/// How the initial responsibilities are chosen (scikit-learn's `init_params`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum InitParams {
    /// The labels of a k-means fit ([`KMeans`] with `n_components` clusters,
    /// `n_init = 1`, a seed derived from the mixture's) (`"kmeans"`). Data
    /// with fewer distinct rows than `n_components` give k-means'
    /// [`ClusterError::TooFewDistinctClusters`] (scikit-learn warns).
    #[default]
    KMeans,
    /// One k-means++ seed row per component (`"k-means++"`).
    KMeansPlusPlus,
    /// Uniformly random responsibilities, normalised per row (`"random"`).
    Random,
    /// One distinct random row per component (`"random_from_data"`).
    RandomFromData,
}

/// A Gaussian mixture fitted by expectation-maximisation, as scikit-learn's
/// `GaussianMixture`.
///
/// Each of the `n_init` runs starts from responsibilities given by
/// [`InitParams`] (or from the user's `weights_init`, `means_init` and
/// `precisions_init`, which replace the corresponding estimates), then
/// alternates E-steps and M-steps until the mean log-likelihood of the
/// training data changes by less than `tol`, or `max_iter` iterations. The
/// run with the highest final log-likelihood (`lower_bound`) is kept.
/// `reg_covar` is added to the diagonal of every covariance so that they stay
/// positive definite.
///
/// The computation is in `f64` whatever the records' type. The E-step
/// computes the Mahalanobis terms of all components at once, as one matrix
/// product per block of rows (faer), in parallel; every sum is combined in
/// block order, so the result is the same on any number of threads.
///
/// The records must be finite; sample weights are not supported (scikit-learn
/// takes none): a dataset carrying them gives
/// [`ClusterError::SampleWeightsUnsupported`]. A covariance that is not
/// positive definite gives [`ClusterError::IllDefinedCovariance`].
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict, PredictProba};
/// use oxlearn_cluster::{CovarianceType, GaussianMixture};
///
/// let x = array![[1.0f64, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]];
/// let gm = GaussianMixture::new(2)
///     .covariance_type(CovarianceType::Diag)
///     .fit(Dataset::from_records(x).view())?;
/// let labels = gm.predict(array![[0.0, 0.0], [12.0, 3.0]].view())?;
/// assert_ne!(labels[0], labels[1]);
/// let proba = gm.predict_proba(array![[0.0, 0.0]].view())?;
/// assert!((proba.sum() - 1.0).abs() < 1e-12);
/// assert!(gm.converged());
/// # Ok::<(), oxlearn_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GaussianMixture {
    /// Number of components, at least 1 and at most the number of samples. Default 1.
    pub n_components: usize,
    /// The form of the covariances. Default [`CovarianceType::Full`].
    pub covariance_type: CovarianceType,
    /// Convergence threshold on the change of the mean log-likelihood,
    /// finite and >= 0 (0 runs all `max_iter` iterations). Default 1e-3.
    pub tol: f64,
    /// Added to the diagonal of the covariances, finite and >= 0. Default 1e-6.
    pub reg_covar: f64,
    /// Maximum number of EM iterations per run, at least 1. Default 100.
    pub max_iter: usize,
    /// Number of runs (initialisations), at least 1; the best is kept. Default 1.
    pub n_init: usize,
    /// Initial responsibilities. Default [`InitParams::KMeans`].
    pub init_params: InitParams,
    /// Initial weights (`n_components`, in `[0, 1]`, summing to 1). Default `None`.
    pub weights_init: Option<Array1<f64>>,
    /// Initial means (`n_components x n_features`). Default `None`.
    pub means_init: Option<Array2<f64>>,
    /// Initial precisions (inverse covariances), of shape `[k, d, d]` (full),
    /// `[d, d]` (tied), `[k, d]` (diagonal) or `[k]` (spherical), symmetric
    /// positive definite. Default `None`.
    pub precisions_init: Option<ArrayD<f64>>,
    /// Seed of the initialisation. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// Threads (`None`: rayon's global pool). Default `None`.
    pub n_threads: Option<usize>,
}

impl Default for GaussianMixture {
    fn default() -> Self {
        GaussianMixture {
            n_components: 1,
            covariance_type: CovarianceType::Full,
            tol: 1e-3,
            reg_covar: 1e-6,
            max_iter: 100,
            n_init: 1,
            init_params: InitParams::KMeans,
            weights_init: None,
            means_init: None,
            precisions_init: None,
            seed: DEFAULT_SEED,
            n_threads: None,
        }
    }
}

macro_rules! setter {
    ($(#[$doc:meta] $name:ident: $ty:ty),* $(,)?) => {
        $(
            #[$doc]
            #[must_use]
            pub fn $name(mut self, $name: $ty) -> Self {
                self.$name = $name;
                self
            }
        )*
    };
}

impl GaussianMixture {
    /// Default hyperparameters with `n_components` components.
    pub fn new(n_components: usize) -> Self {
        GaussianMixture {
            n_components,
            ..GaussianMixture::default()
        }
    }

    setter! {
        /// Sets `n_components`.
        n_components: usize,
        /// Sets `covariance_type`.
        covariance_type: CovarianceType,
        /// Sets `tol`.
        tol: f64,
        /// Sets `reg_covar`.
        reg_covar: f64,
        /// Sets `max_iter`.
        max_iter: usize,
        /// Sets `n_init`.
        n_init: usize,
        /// Sets `init_params`.
        init_params: InitParams,
        /// Sets `weights_init`.
        weights_init: Option<Array1<f64>>,
        /// Sets `means_init`.
        means_init: Option<Array2<f64>>,
        /// Sets `precisions_init`.
        precisions_init: Option<ArrayD<f64>>,
        /// Sets `seed`.
        seed: u64,
        /// Sets `n_threads`.
        n_threads: Option<usize>,
    }

    /// Starts from a fitted model's weights, means and precisions, as
    /// scikit-learn's `warm_start`: the number of components and the
    /// covariance type become the model's and one run is made
    /// (`n_init = 1`), so that fitting continues where the model stopped
    /// (after a fit with a small `max_iter`, say) or adapts it to new data.
    /// The weights are renormalised to sum to 1 in `f64`.
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::{Dataset, Fit};
    /// use oxlearn_cluster::GaussianMixture;
    ///
    /// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.1], [5.2, 5.0], [5.1, 4.8]];
    /// let data = Dataset::from_records(x);
    /// let first = GaussianMixture::new(2).max_iter(2).tol(0.0).fit(data.view())?;
    /// let more = GaussianMixture::default().warm_start(&first).max_iter(3).fit(data.view())?;
    /// assert!(more.lower_bound() >= first.lower_bound() - 1e-12);
    /// # Ok::<(), oxlearn_cluster::ClusterError>(())
    /// ```
    #[must_use]
    pub fn warm_start<F: Float>(mut self, model: &GaussianMixtureModel<F>) -> Self {
        let weights = model.weights().mapv(|v| v.as_f64());
        let total = weights.sum();
        self.n_components = model.n_components();
        self.covariance_type = model.covariance_type();
        self.n_init = 1;
        self.weights_init = Some(weights / total);
        self.means_init = Some(model.means().mapv(|v| v.as_f64()));
        self.precisions_init = Some(model.precisions().mapv(|v| v.as_f64()));
        self
    }

    /// Checks the shapes of the given initial means and precisions against
    /// `d` features.
    fn check_init_shapes(&self, d: usize) -> oxlearn::Result<()> {
        let k = self.n_components;
        if let Some(m) = &self.means_init
            && m.dim() != (k, d)
        {
            return Err(oxlearn::Error::shape_mismatch(
                "means_init",
                format!("{k} x {d} (n_components x n_features)"),
                format!("{} x {}", m.nrows(), m.ncols()),
            ));
        }
        if let Some(p) = &self.precisions_init {
            let expected = self.covariance_type.shape(k, d);
            if p.shape() != expected.as_slice() {
                return Err(oxlearn::Error::shape_mismatch(
                    "precisions_init",
                    format!(
                        "shape {expected:?} ({} covariances)",
                        self.covariance_type.name()
                    ),
                    format!("shape {:?}", p.shape()),
                ));
            }
        }
        Ok(())
    }

    /// The initial parameters of run `r`.
    fn initial<F: Float>(&self, data: &Data<'_, F>, r: usize) -> Result<Gaussians> {
        let (n, d, k) = (data.n, data.d, self.n_components);
        let kind = self.covariance_type;
        let mut g = Gaussians {
            kind,
            k,
            d,
            weights: Vec::new(),
            means: Vec::new(),
            covariances: Vec::new(),
            prec_chol: Vec::new(),
        };
        if self.weights_init.is_none()
            || self.means_init.is_none()
            || self.precisions_init.is_none()
        {
            let resp = self.initial_resp(data, r)?;
            let (nk, means, covariances) = em::estimate(
                kind,
                &data.x,
                d,
                &resp,
                k,
                self.reg_covar,
                data.xtx.as_deref(),
            );
            g.prec_chol = covariance::precision_cholesky(kind, &covariances, k, d, self.reg_covar)?;
            g.weights = nk.iter().map(|v| v / n as f64).collect();
            g.means = means;
            g.covariances = covariances;
        }
        if let Some(w) = &self.weights_init {
            g.weights = w.to_vec();
        }
        if let Some(m) = &self.means_init {
            g.means = m
                .rows()
                .into_iter()
                .flat_map(|row| row.into_iter().zip(&data.mean).map(|(v, c)| v - c))
                .collect();
        }
        if let Some(p) = &self.precisions_init {
            let p: Vec<f64> = p.iter().copied().collect();
            g.prec_chol = precision_cholesky_from_precisions(kind, &p, d)?;
        }
        Ok(g)
    }

    /// Initial responsibilities (`n x k`) of run `r`.
    fn initial_resp<F: Float>(&self, data: &Data<'_, F>, r: usize) -> Result<Vec<f64>> {
        let (n, k) = (data.n, self.n_components);
        let mut rng = task_rng(self.seed, r as u64);
        let mut resp = vec![0.0; n * k];
        match self.init_params {
            InitParams::KMeans => {
                let kmeans = KMeans::new(k)
                    .n_init(Some(1))
                    .seed(derive_seed(self.seed, r as u64));
                let unit = vec![(); n];
                let view = DatasetView::new(data.records.view(), ArrayView1::from(&unit[..]))?;
                let model = kmeans.fit(view)?;
                for (i, &l) in model.labels().iter().enumerate() {
                    resp[i * k + l] = 1.0;
                }
            }
            InitParams::KMeansPlusPlus => {
                let x = Rows {
                    data: &data.x,
                    d: data.d,
                };
                for (c, i) in kmeans_plusplus_indices(x, None, k, &mut rng)?
                    .into_iter()
                    .enumerate()
                {
                    resp[i * k + c] = 1.0;
                }
            }
            InitParams::Random => {
                for row in resp.chunks_exact_mut(k) {
                    for v in row.iter_mut() {
                        *v = rng.random::<f64>();
                    }
                    let s: f64 = row.iter().sum();
                    for v in row.iter_mut() {
                        *v /= s;
                    }
                }
            }
            InitParams::RandomFromData => {
                let rows = rand::seq::index::sample(&mut rng, n, k);
                for (c, i) in rows.into_iter().enumerate() {
                    resp[i * k + c] = 1.0;
                }
            }
        }
        Ok(resp)
    }
}

impl Params for GaussianMixture {
    fn validate(&self) -> oxlearn::Result<()> {
        check_at_least("n_components", self.n_components, 1)?;
        check_non_negative("tol", self.tol)?;
        check_non_negative("reg_covar", self.reg_covar)?;
        check_at_least("max_iter", self.max_iter, 1)?;
        check_at_least("n_init", self.n_init, 1)?;
        oxlearn::params::check_n_threads(self.n_threads)?;
        let k = self.n_components;
        if let Some(w) = &self.weights_init {
            if w.len() != k {
                return Err(oxlearn::Error::shape_mismatch(
                    "weights_init",
                    format!("length {k} (n_components)"),
                    format!("length {}", w.len()),
                ));
            }
            if w.iter().any(|&v| !(0.0..=1.0).contains(&v)) {
                return Err(oxlearn::Error::invalid_parameter(
                    "weights_init",
                    "weights in [0, 1]",
                    format!("{w}"),
                ));
            }
            let sum: f64 = w.sum();
            if (sum - 1.0).abs() > 1e-8 {
                return Err(oxlearn::Error::invalid_parameter(
                    "weights_init",
                    "weights summing to 1",
                    format!("a sum of {sum}"),
                ));
            }
        }
        if let Some(m) = &self.means_init {
            check::finite(m.view(), "initial means (means_init)")?;
        }
        if let Some(p) = &self.precisions_init
            && let Some(v) = p.iter().find(|v| !v.is_finite())
        {
            return Err(oxlearn::Error::invalid_parameter(
                "precisions_init",
                "finite values",
                v,
            ));
        }
        Ok(())
    }
}

/// The training data in the forms the fit uses.
struct Data<'a, F> {
    records: ndarray::ArrayView2<'a, F>,
    /// The column means of the records.
    mean: Vec<f64>,
    /// The records in `f64`, centred on their means, row-major.
    x: Vec<f64>,
    n: usize,
    d: usize,
    /// `X^T X`, for tied covariances.
    xtx: Option<Vec<f64>>,
}

impl<F: Float, T> Fit<F, T> for GaussianMixture {
    type Model = GaussianMixtureModel<F>;
    type Error = ClusterError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<GaussianMixtureModel<F>> {
        self.validate()?;
        if data.weights().is_some() {
            return Err(ClusterError::SampleWeightsUnsupported {
                estimator: "GaussianMixture".into(),
            });
        }
        let records = data.records();
        check::records(records, "Gaussian mixture training records")?;
        let (n, d) = records.dim();
        check::min_samples(
            n,
            self.n_components.max(2),
            "Gaussian mixture training records (n_components, at least 2)",
        )?;
        self.check_init_shapes(d)?;
        let best = parallel::with_threads(self.n_threads, || -> Result<em::Run> {
            // Centred on the column means: the covariance sums cancel less.
            let mut mean = vec![0.0; d];
            for row in records.rows() {
                for (m, v) in mean.iter_mut().zip(row) {
                    *m += v.as_f64();
                }
            }
            mean.iter_mut().for_each(|m| *m /= n as f64);
            let mut x: Vec<f64> = Vec::with_capacity(n * d);
            for row in records.rows() {
                x.extend(row.iter().zip(&mean).map(|(v, m)| v.as_f64() - m));
            }
            let xtx = (self.covariance_type == CovarianceType::Tied).then(|| em::gram(&x, d));
            let data = Data {
                records,
                mean,
                x,
                n,
                d,
                xtx,
            };
            let mut best: Option<em::Run> = None;
            for r in 0..self.n_init {
                let g = self.initial(&data, r)?;
                let run = em::run(
                    &data.x,
                    g,
                    self.max_iter,
                    self.tol,
                    self.reg_covar,
                    data.xtx.as_deref(),
                )?;
                if best.as_ref().is_none_or(|b| {
                    run.lower_bound > b.lower_bound || b.lower_bound == f64::NEG_INFINITY
                }) {
                    best = Some(run);
                }
            }
            let mut best =
                best.ok_or_else(|| oxlearn::Error::empty("Gaussian mixture runs (n_init)"))?;
            for row in best.g.means.chunks_exact_mut(d) {
                for (v, m) in row.iter_mut().zip(&data.mean) {
                    *v += m;
                }
            }
            Ok(best)
        })??;
        Ok(GaussianMixtureModel::from_run(best))
    }
}
