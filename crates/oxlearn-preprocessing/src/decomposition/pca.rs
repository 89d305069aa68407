//! [`Pca`]: principal component analysis, as scikit-learn's `PCA`.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::parallel::with_threads;
use oxlearn::params::{Params, check_n_threads};
use oxlearn::random::DEFAULT_SEED;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};

use super::linalg;
use super::randomized::{self, PowerIterationNormalizer, Randomized};
use super::{Decomposition, check_model, prefixed_names, rows_to_array, to_row_major};
use crate::InverseTransform;
use crate::error::PreprocessingError;

/// How many components a [`Pca`] keeps, as scikit-learn's `n_components`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PcaComponents {
    /// All of them, `min(n_samples, n_features)` (the default, scikit-learn's `None`).
    #[default]
    All,
    /// A fixed number, from 1 to `min(n_samples, n_features)`.
    Count(usize),
    /// As many as needed to explain more than this fraction of the variance,
    /// in (0, 1) (exact solvers only).
    VarianceFraction(f64),
}

/// The algorithm of a [`Pca`], as scikit-learn's `svd_solver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SvdSolver {
    /// scikit-learn's rule (the default): `CovarianceEigh` when
    /// `n_features <= 1000` and `n_samples >= 10 n_features`; else `Full`
    /// when `max(n_samples, n_features) <= 500`; else `Randomized` when a
    /// count below `0.8 min(n_samples, n_features)` is asked for; else `Full`.
    #[default]
    Auto,
    /// The exact thin SVD of a centred copy of the records (sequential, so
    /// that results do not depend on the number of threads; for many more
    /// samples than features `CovarianceEigh` is much faster).
    Full,
    /// The exact eigendecomposition of the covariance matrix (fast for many
    /// samples and few features; loses precision for components whose
    /// variance is below about `1e-8` of the largest).
    CovarianceEigh,
    /// Halko et al.'s randomized SVD (approximate; a count of components only).
    Randomized,
}

/// The number of power iterations of the randomized solver, as
/// scikit-learn's `iterated_power`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum IteratedPower {
    /// 7 when `n_components < 0.1 min(n_samples, n_features)`, else 4 (the default).
    #[default]
    Auto,
    /// A fixed number of iterations (0 allowed).
    Count(usize),
}

/// Principal component analysis: projects centred records on the directions
/// of largest variance, as scikit-learn's `sklearn.decomposition.PCA`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `n_components` (default [`PcaComponents::All`]);
/// - `whiten` (default `false`): scale each projection to unit variance;
/// - `svd_solver` (default [`SvdSolver::Auto`], scikit-learn's rule);
/// - `n_oversamples` (default 10), `iterated_power` (default
///   [`IteratedPower::Auto`]), `power_iteration_normalizer` (default
///   [`PowerIterationNormalizer::Auto`]: one QR per iteration after more
///   than two, where scikit-learn uses LU), `seed` (default
///   [`DEFAULT_SEED`]): the randomized solver;
/// - `n_threads` (default `None`: rayon's global pool).
///
/// Components follow scikit-learn 1.7's sign convention (`svd_flip` with
/// `u_based_decision=False`): the entry of largest absolute value of each
/// component is positive. Computations run in `f64` for `f32` records too.
/// The randomized solver draws its own normal test matrix from `seed` (and
/// takes the shortcuts described at [`PowerIterationNormalizer::Auto`]), so
/// it matches scikit-learn up to the solver's accuracy, not bit for bit.
/// scikit-learn's PCA takes no sample weights: a weighted dataset is an error.
/// The fitted model also gives the probabilistic PCA covariance, precision
/// and log-likelihood ([`PcaModel::score_samples`], [`PcaModel::score`]).
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{InverseTransform, Pca, PcaComponents};
///
/// let x = array![[2.0_f64, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]];
/// let model = Pca::default().n_components(PcaComponents::Count(1)).fit(Dataset::from_records(x.clone()).view())?;
/// assert_eq!(model.components().row(0).to_vec(), vec![1.0, 0.0]);
/// let z = model.transform(x.view())?;
/// assert_eq!(z.column(0).to_vec(), vec![2.0, 0.0, -2.0, 0.0]);
/// assert!((model.explained_variance_ratio()[0] - 0.8).abs() < 1e-12);
/// let back = model.inverse_transform(z.view())?;
/// assert_eq!(back.row(0).to_vec(), vec![2.0, 0.0]);
/// assert_eq!(model.feature_names_out(&[]), vec!["pca0"]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Pca {
    /// How many components to keep (default [`PcaComponents::All`]).
    pub n_components: PcaComponents,
    /// Scale the projections to unit variance (default `false`).
    pub whiten: bool,
    /// The algorithm (default [`SvdSolver::Auto`]).
    pub svd_solver: SvdSolver,
    /// Extra random directions of the randomized solver (default 10).
    pub n_oversamples: usize,
    /// Power iterations of the randomized solver (default [`IteratedPower::Auto`]).
    pub iterated_power: IteratedPower,
    /// Normalisation of the power iterations (default [`PowerIterationNormalizer::Auto`]).
    pub power_iteration_normalizer: PowerIterationNormalizer,
    /// Seed of the randomized solver (default [`DEFAULT_SEED`]).
    pub seed: u64,
    /// Threads for the fit (default `None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for Pca {
    fn default() -> Self {
        Self {
            n_components: PcaComponents::All,
            whiten: false,
            svd_solver: SvdSolver::Auto,
            n_oversamples: 10,
            iterated_power: IteratedPower::Auto,
            power_iteration_normalizer: PowerIterationNormalizer::Auto,
            seed: DEFAULT_SEED,
            n_threads: None,
        }
    }
}

impl Pca {
    /// Sets `n_components`.
    pub fn n_components(mut self, n_components: PcaComponents) -> Self {
        self.n_components = n_components;
        self
    }

    /// Sets `whiten`.
    pub fn whiten(mut self, whiten: bool) -> Self {
        self.whiten = whiten;
        self
    }

    /// Sets `svd_solver`.
    pub fn svd_solver(mut self, svd_solver: SvdSolver) -> Self {
        self.svd_solver = svd_solver;
        self
    }

    /// Sets `n_oversamples`.
    pub fn n_oversamples(mut self, n_oversamples: usize) -> Self {
        self.n_oversamples = n_oversamples;
        self
    }

    /// Sets `iterated_power`.
    pub fn iterated_power(mut self, iterated_power: IteratedPower) -> Self {
        self.iterated_power = iterated_power;
        self
    }

    /// Sets `power_iteration_normalizer`.
    pub fn power_iteration_normalizer(mut self, normalizer: PowerIterationNormalizer) -> Self {
        self.power_iteration_normalizer = normalizer;
        self
    }

    /// Sets `seed`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets `n_threads`.
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }

    /// The solver scikit-learn's `auto` rule picks for `n x d` records.
    fn resolve_solver(&self, n: usize, d: usize) -> SvdSolver {
        if self.svd_solver != SvdSolver::Auto {
            return self.svd_solver;
        }
        let k_min = n.min(d);
        if d <= 1000 && n >= 10 * d {
            SvdSolver::CovarianceEigh
        } else if n.max(d) <= 500 {
            SvdSolver::Full
        } else {
            match self.n_components {
                PcaComponents::Count(k) if (k as f64) < 0.8 * k_min as f64 => SvdSolver::Randomized,
                _ => SvdSolver::Full,
            }
        }
    }
}

impl Params for Pca {
    fn validate(&self) -> Result<(), Error> {
        match self.n_components {
            PcaComponents::Count(0) => {
                return Err(Error::invalid_parameter(
                    "n_components",
                    "at least 1 (Count), a fraction in (0, 1) or All",
                    0,
                ));
            }
            PcaComponents::VarianceFraction(f) if !(f > 0.0 && f < 1.0) => {
                return Err(Error::invalid_parameter(
                    "n_components",
                    "a variance fraction in (0, 1)",
                    f,
                ));
            }
            PcaComponents::VarianceFraction(f) if self.svd_solver == SvdSolver::Randomized => {
                return Err(Error::invalid_parameter(
                    "n_components",
                    "a count of components with svd_solver=Randomized (a variance fraction needs \
                     an exact solver)",
                    f,
                ));
            }
            _ => {}
        }
        crate::util::check_output_size("n_oversamples", self.n_oversamples)?;
        check_n_threads(self.n_threads)
    }
}

/// A fitted [`Pca`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PcaModel<F> {
    pub(super) fitted: Decomposition<F>,
    pub(super) mean: Array1<F>,
    pub(super) explained_variance: Array1<F>,
    pub(super) noise_variance: F,
    pub(super) n_samples: usize,
    pub(super) whiten: bool,
}

impl<F: Float> PcaModel<F> {
    /// The principal axes, `n_components x n_features`, by decreasing
    /// explained variance (scikit-learn's `components_`).
    pub fn components(&self) -> &Array2<F> {
        &self.fitted.components
    }

    /// The number of components kept (scikit-learn's `n_components_`).
    pub fn n_components(&self) -> usize {
        self.fitted.components.nrows()
    }

    /// The variance along each component (with `n_samples - 1` degrees of freedom).
    pub fn explained_variance(&self) -> &Array1<F> {
        &self.explained_variance
    }

    /// The fraction of the total variance along each component.
    pub fn explained_variance_ratio(&self) -> &Array1<F> {
        &self.fitted.explained_variance_ratio
    }

    /// The singular values of the centred records for each component.
    pub fn singular_values(&self) -> &Array1<F> {
        &self.fitted.singular_values
    }

    /// The per-feature mean of the training records.
    pub fn mean(&self) -> &Array1<F> {
        &self.mean
    }

    /// The probabilistic PCA noise variance: the mean of the variances left
    /// out (0 when every component is kept).
    pub fn noise_variance(&self) -> F {
        self.noise_variance
    }

    /// The number of training samples.
    pub fn n_samples(&self) -> usize {
        self.n_samples
    }

    /// The model's own arrays agree in length (a deserialised model could
    /// break this).
    pub(super) fn check_consistent(&self) -> Result<(), PreprocessingError> {
        check_model("PcaModel", &self.fitted, Some(&self.mean))?;
        if self.explained_variance.len() != self.n_components() {
            return Err(Error::InvalidModel(format!(
                "PcaModel: {} explained variances for {} components",
                self.explained_variance.len(),
                self.n_components()
            ))
            .into());
        }
        Ok(())
    }

    pub(super) fn check(
        &self,
        x: ArrayView2<'_, F>,
        ncols: usize,
    ) -> Result<(), PreprocessingError> {
        self.check_consistent()?;
        check::n_features(x, ncols)?;
        linalg::check_finite(x, "Pca input")?;
        Ok(())
    }

    /// `sqrt(explained_variance)` clamped at the machine epsilon of `F`, the
    /// whitening scales (as scikit-learn).
    fn scales(&self) -> Vec<f64> {
        let eps = F::epsilon().as_f64();
        self.explained_variance
            .iter()
            .map(|v| v.as_f64().sqrt().max(eps))
            .collect()
    }
}

impl<F: Float, T> Fit<F, T> for Pca {
    type Model = PcaModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        if data.weights().is_some() {
            return Err(Error::InvalidInput(
                "Pca does not take sample weights (scikit-learn's PCA has none); \
                 fit it on an unweighted dataset"
                    .into(),
            )
            .into());
        }
        let x = data.records();
        check::non_empty(x, "Pca training records")?;
        linalg::check_finite(x, "Pca training records")?;
        check::min_samples(x.nrows(), 2, "Pca training records")?;
        with_threads(self.n_threads, || self.fit_records(x))?
    }
}

impl Pca {
    fn fit_records<F: Float>(
        &self,
        x: ArrayView2<'_, F>,
    ) -> Result<PcaModel<F>, PreprocessingError> {
        let (n, d) = x.dim();
        let k_min = n.min(d);
        let solver = self.resolve_solver(n, d);
        let solver_name = match solver {
            SvdSolver::Auto | SvdSolver::Full => "full",
            SvdSolver::CovarianceEigh => "covariance_eigh",
            SvdSolver::Randomized => "randomized",
        };
        if let PcaComponents::Count(k) = self.n_components
            && k > k_min
        {
            return Err(Error::invalid_parameter(
                "n_components",
                format!(
                    "between 1 and min(n_samples, n_features)={k_min} with \
                     svd_solver='{solver_name}'"
                ),
                k,
            )
            .into());
        }
        if let (PcaComponents::VarianceFraction(f), SvdSolver::Randomized) =
            (self.n_components, solver)
        {
            return Err(Error::invalid_parameter(
                "n_components",
                "a count of components with svd_solver='randomized'",
                f,
            )
            .into());
        }
        let mean = linalg::column_means(x)?;
        let dof = (n - 1) as f64;
        let (singular, mut vt, variance, total_var, k) = match solver {
            SvdSolver::Randomized => {
                let k = match self.n_components {
                    PcaComponents::Count(k) => k,
                    _ => k_min,
                };
                let n_iter = match self.iterated_power {
                    IteratedPower::Auto if (k as f64) < 0.1 * k_min as f64 => 7,
                    IteratedPower::Auto => 4,
                    IteratedPower::Count(c) => c,
                };
                // Blocks of rows are centred in cache by each pass (no copy).
                let a = linalg::Centred {
                    x: x.view(),
                    mean: Some(&mean),
                };
                let total_var = a.sum_of_squares() / dof;
                let (s, vt) = randomized::randomized_svd(
                    a,
                    Randomized {
                        n_components: k,
                        n_oversamples: self.n_oversamples,
                        n_iter,
                        normalizer: self.power_iteration_normalizer,
                        seed: self.seed,
                    },
                )?;
                let variance: Vec<f64> = s.iter().map(|s| s * s / dof).collect();
                (s, vt, variance, total_var, k)
            }
            SvdSolver::CovarianceEigh => {
                let mut c = linalg::centred_gram(x, &mean);
                for v in c.as_mut().col_iter_mut().flat_map(|c| c.iter_mut()) {
                    *v /= dof;
                }
                let (values, vt) = linalg::eigh_descending(&c)?;
                let s = values.iter().map(|v| (v * dof).sqrt()).collect();
                let total = values.iter().sum();
                (s, vt, values, total, 0)
            }
            SvdSolver::Auto | SvdSolver::Full => {
                let a = linalg::centred(x, Some(&mean));
                let (s, vt) = linalg::exact_svd(&a, n, d)?;
                let variance: Vec<f64> = s.iter().map(|s| s * s / dof).collect();
                let total = variance.iter().sum();
                (s, vt, variance, total, 0)
            }
        };
        linalg::flip_rows(&mut vt);
        let exact = solver != SvdSolver::Randomized;
        let k = if exact {
            match self.n_components {
                PcaComponents::All => k_min,
                PcaComponents::Count(k) => k,
                PcaComponents::VarianceFraction(f) => {
                    let mut cumsum = 0.0;
                    let below = variance
                        .iter()
                        .take_while(|&&v| {
                            cumsum += v / total_var;
                            cumsum <= f
                        })
                        .count();
                    (below + 1).min(variance.len())
                }
            }
        } else {
            k.min(singular.len())
        };
        let noise_variance = if k >= k_min {
            0.0
        } else if exact {
            let rest = &variance[k..];
            rest.iter().sum::<f64>() / rest.len() as f64
        } else {
            (total_var - variance.iter().sum::<f64>()) / (k_min - k) as f64
        };
        let cast = |v: &[f64]| v[..k].iter().map(|&v| F::cast(v)).collect::<Array1<F>>();
        let ratio: Vec<f64> = variance.iter().map(|v| v / total_var).collect();
        Ok(PcaModel {
            fitted: Decomposition {
                components: Array2::from_shape_fn((k, d), |(i, j)| F::cast(vt[(i, j)])),
                explained_variance_ratio: cast(&ratio),
                singular_values: cast(&singular),
                n_features: d,
            },
            mean: mean.iter().map(|&m| F::cast(m)).collect(),
            explained_variance: cast(&variance),
            noise_variance: F::cast(noise_variance),
            n_samples: n,
            whiten: self.whiten,
        })
    }
}

impl<F: Float> Transform<F> for PcaModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x, self.fitted.n_features)?;
        let k = self.n_components();
        let mean: Vec<f64> = self.mean.iter().map(|m| m.as_f64()).collect();
        let vt = to_row_major(&self.fitted.components);
        let mut out = linalg::project(x, Some(&mean), &vt, k);
        if self.whiten {
            let scales = self.scales();
            for row in out.chunks_exact_mut(k.max(1)) {
                for (o, s) in row.iter_mut().zip(&scales) {
                    *o /= s;
                }
            }
        }
        rows_to_array(out, x.nrows(), k)
    }

    fn n_features_in(&self) -> usize {
        self.fitted.n_features
    }

    fn feature_names_out(&self, _input: &[String]) -> Vec<String> {
        prefixed_names("pca", self.n_components())
    }
}

impl<F: Float> InverseTransform<F> for PcaModel<F> {
    fn inverse_transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        let k = self.n_components();
        self.check(x, k)?;
        let scales = if self.whiten {
            self.scales()
        } else {
            vec![1.0; k]
        };
        let d = self.fitted.n_features;
        // X W + mean with W = diag(scales) components, as `(x, W^T)` projected.
        let w_t: Vec<f64> = (0..d)
            .flat_map(|j| {
                let c = &self.fitted.components;
                scales
                    .iter()
                    .enumerate()
                    .map(move |(i, s)| s * c[[i, j]].as_f64())
            })
            .collect();
        let mut out = linalg::project(x, None, &w_t, d);
        for row in out.chunks_exact_mut(d) {
            for (o, m) in row.iter_mut().zip(self.mean.iter()) {
                *o += m.as_f64();
            }
        }
        rows_to_array(out, x.nrows(), d)
    }
}
