//! L1 and L1 + L2 penalised least squares by coordinate descent:
//! [`ElasticNet`] and [`Lasso`].

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use oxlearn::parallel::with_threads;
use oxlearn::params::{Params, check_at_least, check_n_threads, check_non_negative, check_range};
use oxlearn::random::DEFAULT_SEED;
use oxlearn::{DatasetView, Error, Fit, Float, Predict, check};

use crate::coordinate_descent::{self, CdSettings, GramData, RecordsData, Selection};
use crate::error::LinearError;
use crate::least_squares;
use crate::linalg::{self, Moments, Problem};

/// Elastic-net regression, as scikit-learn's `ElasticNet`: minimises
///
/// `1 / (2 Σw) · Σ wᵢ (yᵢ - xᵢ·β - β₀)² + alpha · l1_ratio · ‖β‖₁ + ½ alpha (1 - l1_ratio) ‖β‖²`
///
/// (with unit weights, `Σw` is the number of samples).
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `alpha` | 1.0 | penalty strength, finite and >= 0 |
/// | `l1_ratio` | 0.5 | share of the L1 penalty, in [0, 1] (1: lasso) |
/// | `fit_intercept` | `true` | fit an unpenalised intercept |
/// | `max_iter` | 1000 | maximum number of epochs, >= 1 |
/// | `tol` | 1e-4 | stop when the duality gap is below `tol · Σ wᵢ (yᵢ - ȳ)²` |
/// | `positive` | `false` | constrain the coefficients to be >= 0 |
/// | `selection` | [`Selection::Cyclic`] | visit coordinates in order or at random |
/// | `seed` | 42 | seed of the random selection |
/// | `n_threads` | `None` (rayon's global pool) | threads for the Gram matrix; `Some(n)`, n >= 1 |
///
/// **Solver.** Coordinate descent with scikit-learn's update, its stopping
/// rule (after an epoch whose largest coefficient change is below
/// `tol` times the largest coefficient, check the duality gap) and its
/// duality gap. When the number of features is at most `max(n_samples,
/// 1024)`, the centred, weighted Gram matrix is formed once (in blocks,
/// without copying the records) and each coordinate update costs O(p)
/// ("covariance updates", scikit-learn's `precompute=True`); otherwise the
/// updates run on a centred copy of the records, O(n) each. The model reports
/// the number of epochs, the final duality gap and whether it converged
/// instead of printing a warning. Warm starts: [`ElasticNet::fit_from`];
/// regularisation paths: [`ElasticNet::path`] and [`alpha_grid`](crate::alpha_grid);
/// the penalty chosen by cross-validation: [`ElasticNetCV`](crate::ElasticNetCV).
///
/// **Screening.** Whenever the duality gap is computed, gap safe screening
/// rules (Fercoq, Gramfort and Salmon, 2015, as scikit-learn's
/// `do_screening`) set to 0, for the rest of the fit, every feature proven
/// to be 0 at the optimum, and later epochs skip it; the solution meets the
/// same duality-gap criterion as without screening.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::ElasticNet;
///
/// let x = Array2::from_shape_fn((50, 5), |(i, j)| ((i * (j + 2) + j) % 9) as f64 - 4.0);
/// let y: Array1<f64> = x.column(0).mapv(|v| 3.0 * v + 1.0);
/// let data = Dataset::new(x, y)?;
/// let model = ElasticNet::default().alpha(0.1).l1_ratio(0.9).tol(1e-8).fit(data.view())?;
/// assert!(model.converged());
/// assert!(model.coef()[0] > 2.5); // the informative feature stays ...
/// assert!(model.coef().iter().skip(1).all(|c| c.abs() < 0.3)); // ... the rest shrink
/// assert_eq!(model.predict(data.records())?.len(), 50);
///
/// assert!(ElasticNet::default().l1_ratio(1.5).fit(data.view()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ElasticNet {
    /// Penalty strength (>= 0).
    pub alpha: f64,
    /// Share of the L1 penalty, in [0, 1].
    pub l1_ratio: f64,
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Maximum number of epochs (>= 1).
    pub max_iter: usize,
    /// Tolerance on the duality gap, relative to the targets' sum of squares (>= 0).
    pub tol: f64,
    /// Whether the coefficients must be non-negative.
    pub positive: bool,
    /// Order in which coordinates are updated.
    pub selection: Selection,
    /// Seed of the random selection.
    pub seed: u64,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for ElasticNet {
    fn default() -> Self {
        ElasticNet {
            alpha: 1.0,
            l1_ratio: 0.5,
            fit_intercept: true,
            max_iter: 1000,
            tol: 1e-4,
            positive: false,
            selection: Selection::Cyclic,
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

impl ElasticNet {
    setters! {
        /// Sets `alpha`.
        alpha: f64,
        /// Sets `l1_ratio`.
        l1_ratio: f64,
        /// Sets `fit_intercept`.
        fit_intercept: bool,
        /// Sets `max_iter`.
        max_iter: usize,
        /// Sets `tol`.
        tol: f64,
        /// Sets `positive`.
        positive: bool,
        /// Sets `selection`.
        selection: Selection,
        /// Sets `seed`.
        seed: u64,
        /// Sets `n_threads`.
        n_threads: Option<usize>,
    }

    /// Fits starting from the coefficients `initial` (one per feature), as
    /// scikit-learn's `warm_start`: useful along a sequence of alphas.
    ///
    /// # Errors
    /// As [`Fit::fit`]; also when `initial` has the wrong length or is not finite.
    pub fn fit_from<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
        initial: ArrayView1<'_, F>,
    ) -> Result<ElasticNetModel<F>, LinearError> {
        check::same_length(data.n_features(), initial.len(), "initial coefficients")?;
        check::finite_1d(initial, "initial coefficients")?;
        self.fit_impl(data, Some(initial))
    }

    fn fit_impl<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
        initial: Option<ArrayView1<'_, F>>,
    ) -> Result<ElasticNetModel<F>, LinearError> {
        self.validate()?;
        let y = data.targets().insert_axis(Axis(1));
        least_squares::check_inputs(data.records(), y, data.weights())?;
        let problem = Problem {
            x: data.records(),
            y,
            w: data.weights(),
            fit_intercept: self.fit_intercept,
        };
        with_threads(self.n_threads, || self.solve(&problem, initial))?
    }

    fn settings(&self, alpha: f64, sum_w: f64) -> CdSettings {
        CdSettings {
            l1: alpha * self.l1_ratio * sum_w,
            l2: alpha * (1.0 - self.l1_ratio) * sum_w,
            max_iter: self.max_iter,
            tol: self.tol,
            positive: self.positive,
            selection: self.selection,
            seed: self.seed,
        }
    }

    fn solve<F: Float>(
        &self,
        p: &Problem<'_, F>,
        initial: Option<ArrayView1<'_, F>>,
    ) -> Result<ElasticNetModel<F>, LinearError> {
        let mut prepared = Prepared::new(p, initial, self.positive)?;
        let result = prepared.run(&self.settings(self.alpha, prepared.m.sum_w));
        let (coef, intercept) = prepared.coefficients(p.x.ncols());
        Ok(ElasticNetModel {
            coef: coef.mapv(F::cast),
            intercept: F::cast(intercept),
            n_iter: result.n_iter,
            dual_gap: result.gap / prepared.m.sum_w,
            converged: result.converged,
        })
    }

    /// Fits the whole regularisation path: one model per alpha of `alphas`
    /// (in the order given; decreasing order makes each warm start close to
    /// the next solution), sharing one Gram matrix, as scikit-learn's
    /// `enet_path` (with the intercept fitted as `fit_intercept` says). The
    /// `alpha` field is ignored.
    ///
    /// # Errors
    /// As [`Fit::fit`]; also when an alpha is negative or not finite.
    pub fn path<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
        alphas: &[f64],
    ) -> Result<ElasticNetPath, LinearError> {
        ElasticNet {
            alpha: 0.0,
            ..self.clone()
        }
        .validate()?;
        for &a in alphas {
            check_non_negative("alphas", a)?;
        }
        let y = data.targets().insert_axis(Axis(1));
        least_squares::check_inputs(data.records(), y, data.weights())?;
        let problem = Problem {
            x: data.records(),
            y,
            w: data.weights(),
            fit_intercept: self.fit_intercept,
        };
        with_threads(self.n_threads, || self.path_impl(&problem, alphas))?
    }

    pub(crate) fn path_impl<F: Float>(
        &self,
        p: &Problem<'_, F>,
        alphas: &[f64],
    ) -> Result<ElasticNetPath, LinearError> {
        let d = p.x.ncols();
        let mut prepared = Prepared::new(p, None, self.positive)?;
        let mut path = ElasticNetPath {
            alphas: alphas.to_vec(),
            coefs: Array2::zeros((alphas.len(), d)),
            intercepts: Vec::with_capacity(alphas.len()),
            n_iter: Vec::with_capacity(alphas.len()),
            dual_gaps: Vec::with_capacity(alphas.len()),
            converged: Vec::with_capacity(alphas.len()),
        };
        for (i, &alpha) in alphas.iter().enumerate() {
            let result = prepared.run(&self.settings(alpha, prepared.m.sum_w));
            let (coef, intercept) = prepared.coefficients(d);
            path.coefs.row_mut(i).assign(&coef);
            path.intercepts.push(intercept);
            path.n_iter.push(result.n_iter);
            path.dual_gaps.push(result.gap / prepared.m.sum_w);
            path.converged.push(result.converged);
        }
        Ok(path)
    }
}

/// A regularisation path of [`ElasticNet`] or [`Lasso`]: one fit per alpha.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ElasticNetPath {
    /// The penalties, in the order fitted.
    pub alphas: Vec<f64>,
    /// Coefficients, alphas x features.
    pub coefs: Array2<f64>,
    /// Intercepts, one per alpha.
    pub intercepts: Vec<f64>,
    /// Epochs run at each alpha.
    pub n_iter: Vec<usize>,
    /// Final duality gap at each alpha.
    pub dual_gaps: Vec<f64>,
    /// Whether each fit converged.
    pub converged: Vec<bool>,
}

/// The data of a coordinate-descent fit, prepared once for any number of alphas.
enum Backend {
    Gram(GramData),
    Records(RecordsData),
}

struct Prepared {
    m: Moments,
    backend: Backend,
    yty: f64,
    beta: Vec<f64>,
    fit_intercept: bool,
}

impl Prepared {
    fn new<F: Float>(
        p: &Problem<'_, F>,
        initial: Option<ArrayView1<'_, F>>,
        positive: bool,
    ) -> Result<Self, LinearError> {
        let m = linalg::moments(p)?;
        let n = p.x.nrows();
        let a = m.active.len();
        let mut beta: Vec<f64> = m
            .active
            .iter()
            .map(|&j| initial.map_or(0.0, |c| c[j].as_f64()))
            .collect();
        if positive {
            beta.iter_mut().for_each(|b| *b = b.max(0.0));
        }
        let (backend, yty) = if a <= n.max(1024) {
            let gram = linalg::gram(p, &m);
            let q = (0..a).map(|j| gram.c[(j, 0)]).collect();
            let yty = gram.yty[0];
            (Backend::Gram(GramData::new(gram.g, q, yty, &beta)), yty)
        } else {
            let (xc, yc) = linalg::centred(p, &m);
            let y: Vec<f64> = (0..n).map(|i| yc[(i, 0)]).collect();
            let yty = y.iter().map(|v| v * v).sum();
            (Backend::Records(RecordsData::new(xc, y, &beta)), yty)
        };
        Ok(Prepared {
            m,
            backend,
            yty,
            beta,
            fit_intercept: p.fit_intercept,
        })
    }

    fn run(&mut self, s: &CdSettings) -> coordinate_descent::CdResult {
        match &mut self.backend {
            Backend::Gram(g) => coordinate_descent::run(g, &mut self.beta, self.yty, s),
            Backend::Records(r) => coordinate_descent::run(r, &mut self.beta, self.yty, s),
        }
    }

    /// All coefficients (0 for inactive columns) and the intercept.
    fn coefficients(&self, d: usize) -> (Array1<f64>, f64) {
        let mut coef = Array1::<f64>::zeros(d);
        for (jj, &j) in self.m.active.iter().enumerate() {
            coef[j] = self.beta[jj];
        }
        let intercept = if self.fit_intercept {
            self.m.y_mean[0]
                - coef
                    .iter()
                    .zip(&self.m.x_mean)
                    .map(|(c, x)| c * x)
                    .sum::<f64>()
        } else {
            0.0
        };
        (coef, intercept)
    }
}

impl Params for ElasticNet {
    fn validate(&self) -> Result<(), Error> {
        check_non_negative("alpha", self.alpha)?;
        check_range("l1_ratio", self.l1_ratio, 0.0, 1.0)?;
        check_at_least("max_iter", self.max_iter, 1)?;
        check_non_negative("tol", self.tol)?;
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

impl<F: Float> Fit<F, F> for ElasticNet {
    type Model = ElasticNetModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<ElasticNetModel<F>, LinearError> {
        self.fit_impl(data, None)
    }
}

/// Lasso regression, as scikit-learn's `Lasso`: the [`ElasticNet`] objective
/// with `l1_ratio = 1`,
///
/// `1 / (2 Σw) · Σ wᵢ (yᵢ - xᵢ·β - β₀)² + alpha ‖β‖₁`.
///
/// Hyperparameters and defaults as [`ElasticNet`] without `l1_ratio`
/// (`alpha` 1.0, `max_iter` 1000, `tol` 1e-4, cyclic selection, seed 42).
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_linear::Lasso;
///
/// let x = Array2::from_shape_fn((60, 8), |(i, j)| ((i * 7 + j * 5) % 13) as f64 - 6.0);
/// let y: Array1<f64> = x.column(2).mapv(|v| 2.0 * v);
/// let model = Lasso::default().alpha(0.5).fit(Dataset::new(x, y)?.view())?;
/// let nonzero = model.coef().iter().filter(|c| **c != 0.0).count();
/// assert!(nonzero < 8); // a sparse solution
/// assert!(model.coef()[2] > 1.5);
///
/// assert!(Lasso::default().alpha(-1.0).fit(Dataset::new(Array2::<f64>::zeros((2, 1)), Array1::zeros(2))?.view()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Lasso {
    /// Penalty strength (>= 0).
    pub alpha: f64,
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Maximum number of epochs (>= 1).
    pub max_iter: usize,
    /// Tolerance on the duality gap, relative to the targets' sum of squares (>= 0).
    pub tol: f64,
    /// Whether the coefficients must be non-negative.
    pub positive: bool,
    /// Order in which coordinates are updated.
    pub selection: Selection,
    /// Seed of the random selection.
    pub seed: u64,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for Lasso {
    fn default() -> Self {
        let e = ElasticNet::default();
        Lasso {
            alpha: e.alpha,
            fit_intercept: e.fit_intercept,
            max_iter: e.max_iter,
            tol: e.tol,
            positive: e.positive,
            selection: e.selection,
            seed: e.seed,
            n_threads: e.n_threads,
        }
    }
}

impl Lasso {
    setters! {
        /// Sets `alpha`.
        alpha: f64,
        /// Sets `fit_intercept`.
        fit_intercept: bool,
        /// Sets `max_iter`.
        max_iter: usize,
        /// Sets `tol`.
        tol: f64,
        /// Sets `positive`.
        positive: bool,
        /// Sets `selection`.
        selection: Selection,
        /// Sets `seed`.
        seed: u64,
        /// Sets `n_threads`.
        n_threads: Option<usize>,
    }

    /// The equivalent [`ElasticNet`] (`l1_ratio = 1`).
    pub fn as_elastic_net(&self) -> ElasticNet {
        ElasticNet {
            alpha: self.alpha,
            l1_ratio: 1.0,
            fit_intercept: self.fit_intercept,
            max_iter: self.max_iter,
            tol: self.tol,
            positive: self.positive,
            selection: self.selection,
            seed: self.seed,
            n_threads: self.n_threads,
        }
    }

    /// The regularisation path over `alphas`; see [`ElasticNet::path`].
    ///
    /// # Errors
    /// As [`ElasticNet::path`].
    pub fn path<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
        alphas: &[f64],
    ) -> Result<ElasticNetPath, LinearError> {
        self.as_elastic_net().path(data, alphas)
    }

    /// Fits starting from the coefficients `initial` (warm start).
    ///
    /// # Errors
    /// As [`ElasticNet::fit_from`].
    pub fn fit_from<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
        initial: ArrayView1<'_, F>,
    ) -> Result<ElasticNetModel<F>, LinearError> {
        self.as_elastic_net().fit_from(data, initial)
    }
}

impl Params for Lasso {
    fn validate(&self) -> Result<(), Error> {
        self.as_elastic_net().validate()
    }
}

impl<F: Float> Fit<F, F> for Lasso {
    type Model = ElasticNetModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<ElasticNetModel<F>, LinearError> {
        self.as_elastic_net().fit(data)
    }
}

/// A fitted [`ElasticNet`] or [`Lasso`]: coefficients, intercept, and how the
/// coordinate descent ended.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ElasticNetModel<F> {
    coef: Array1<F>,
    intercept: F,
    n_iter: usize,
    dual_gap: f64,
    converged: bool,
}

impl<F: Float> ElasticNetModel<F> {
    /// The coefficients, one per feature.
    pub fn coef(&self) -> &Array1<F> {
        &self.coef
    }

    /// The intercept (0 when fitted without one).
    pub fn intercept(&self) -> F {
        self.intercept
    }

    /// Number of epochs run (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The final duality gap of the objective as written above.
    pub fn dual_gap(&self) -> f64 {
        self.dual_gap
    }

    /// Whether the duality gap fell below the tolerance within `max_iter`
    /// epochs (scikit-learn warns instead).
    pub fn converged(&self) -> bool {
        self.converged
    }
}

impl<F: Float> Predict<F> for ElasticNetModel<F> {
    type Output = Array1<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, LinearError> {
        check::n_features(x, self.coef.len())?;
        check::finite(x, "records")?;
        Ok(x.dot(&self.coef) + self.intercept)
    }

    fn n_features_in(&self) -> usize {
        self.coef.len()
    }
}
