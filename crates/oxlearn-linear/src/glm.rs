//! Generalised linear models with a log or identity link, by L-BFGS:
//! [`TweedieRegressor`], [`PoissonRegressor`], [`GammaRegressor`].

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatMut, MatRef, Par};
use ndarray::{Array1, ArrayView2};
use oxlearn::parallel::{chunk_ranges, with_threads};
use oxlearn::params::{Params, check_at_least, check_n_threads, check_non_negative};
use oxlearn::{DatasetView, Error, Fit, Float, Predict, check};
use rayon::prelude::*;

use crate::error::LinearError;
use crate::lbfgs;
use oxlearn::math::fast_exp;

/// Rows per parallel task (a fixed partition).
const TASK_ROWS: usize = 4096;

/// The link function of a [`TweedieRegressor`]: how the linear predictor
/// `η = x·β + β₀` maps to the predicted mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Link {
    /// The identity for `power = 0`, the logarithm otherwise (scikit-learn's
    /// `link="auto"`).
    #[default]
    Auto,
    /// `μ = η`. With `power > 0` the predictions must stay positive.
    Identity,
    /// `μ = exp(η)`.
    Log,
}

impl Link {
    /// The link used for `power`: [`Link::Auto`] resolved.
    pub fn resolve(self, power: f64) -> Link {
        match self {
            Link::Auto if power == 0.0 => Link::Identity,
            Link::Auto => Link::Log,
            other => other,
        }
    }
}

/// A Tweedie regression, as scikit-learn's `TweedieRegressor`: minimises
///
/// `1 / Σw · Σ wᵢ · half-deviance(yᵢ, μᵢ) + alpha / 2 · ‖β‖²`, with
/// `μᵢ = exp(xᵢ·β + β₀)` (log link) or `μᵢ = xᵢ·β + β₀` (identity link).
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `power` | 0.0 | Tweedie power: 0 (normal), or >= 1: 1 Poisson, (1, 2) compound Poisson-gamma, 2 gamma, 3 inverse Gaussian |
/// | `link` | [`Link::Auto`] | identity for power 0, log otherwise; or [`Link::Identity`] / [`Link::Log`] |
/// | `alpha` | 1.0 | L2 penalty strength, finite and >= 0 |
/// | `fit_intercept` | `true` | fit an unpenalised intercept |
/// | `max_iter` | 100 | maximum L-BFGS iterations, >= 1 |
/// | `tol` | 1e-4 | stop when the largest gradient component is at most `tol` (>= 0) |
/// | `n_threads` | `None` (rayon's global pool) | threads; `Some(n)`, n >= 1 |
///
/// With the identity link and `power = 0` the model is ridge regression
/// (penalty `alpha / 2 · ‖β‖²` on the mean squared error); with the identity
/// link and `power > 0` the mean must stay positive: the fit starts from
/// the weighted mean target (so it needs an intercept) and never steps to a
/// non-positive prediction on the training data, as scikit-learn's loss
/// requires. Targets must lie in the distribution's domain: any real for power 0,
/// `>= 0` (and not all 0) for powers in [1, 2), `> 0` from 2 on. The fit
/// starts, as scikit-learn's, from the link of the weighted mean target as
/// intercept, and reports the iterations and convergence on the model.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::{Link, TweedieRegressor};
///
/// let x = Array2::from_shape_fn((40, 2), |(i, j)| ((i * (j + 2)) % 7) as f64 / 7.0);
/// let y: Array1<f64> = x.rows().into_iter().map(|r| (0.5 + r[0] - r[1]).exp()).collect();
/// let data = Dataset::new(x, y)?;
/// let model = TweedieRegressor::default().power(1.5).alpha(0.0).tol(1e-10).fit(data.view())?;
/// assert!((model.coef()[0] - 1.0).abs() < 1e-6 && (model.intercept() - 0.5).abs() < 1e-6);
/// assert!(model.predict(data.records())?.iter().all(|v| *v > 0.0));
///
/// let negative = Dataset::new(Array2::<f64>::zeros((2, 1)), ndarray::array![1.0, -1.0])?;
/// assert!(TweedieRegressor::default().power(1.0).fit(negative.view()).is_err());
///
/// // power 0 picks the identity link: ridge regression.
/// let normal = TweedieRegressor::default().alpha(0.0).tol(1e-10).fit(data.view())?;
/// assert_eq!(normal.link(), Link::Identity);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TweedieRegressor {
    /// Tweedie power (not in (0, 1)).
    pub power: f64,
    /// Link function.
    pub link: Link,
    /// L2 penalty strength (>= 0).
    pub alpha: f64,
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Maximum number of L-BFGS iterations (>= 1).
    pub max_iter: usize,
    /// Tolerance on the largest gradient component (>= 0).
    pub tol: f64,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for TweedieRegressor {
    fn default() -> Self {
        TweedieRegressor {
            power: 0.0,
            link: Link::Auto,
            alpha: 1.0,
            fit_intercept: true,
            max_iter: 100,
            tol: 1e-4,
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

impl TweedieRegressor {
    setters! {
        /// Sets `power`.
        power: f64,
        /// Sets `link`.
        link: Link,
        /// Sets `alpha`.
        alpha: f64,
        /// Sets `fit_intercept`.
        fit_intercept: bool,
        /// Sets `max_iter`.
        max_iter: usize,
        /// Sets `tol`.
        tol: f64,
        /// Sets `n_threads`.
        n_threads: Option<usize>,
    }

    fn check_targets<F: Float>(&self, y: ndarray::ArrayView1<'_, F>) -> Result<(), Error> {
        let p = self.power;
        let bad = if p == 0.0 {
            None
        } else if p < 2.0 {
            y.iter().position(|v| *v < F::zero())
        } else {
            y.iter().position(|v| *v <= F::zero())
        };
        if let Some(i) = bad {
            let domain = if p < 2.0 { ">= 0" } else { "> 0" };
            return Err(Error::InvalidInput(format!(
                "target {i} is {}; a Tweedie model of power {p} needs targets {domain}",
                y[i]
            )));
        }
        if p > 0.0 && y.iter().all(|v| *v == F::zero()) {
            return Err(Error::InvalidInput(
                "every target is 0; a Tweedie model of power > 0 needs a positive mean".to_string(),
            ));
        }
        if p > 0.0 && self.link.resolve(p) == Link::Identity && !self.fit_intercept {
            return Err(Error::InvalidInput(format!(
                "the identity link with power {p} needs positive predictions: fit an \
                 intercept (fit_intercept = true) so the fit starts from the mean target"
            )));
        }
        Ok(())
    }
}

impl Params for TweedieRegressor {
    fn validate(&self) -> Result<(), Error> {
        if !(self.power.is_finite() && (self.power <= 0.0 || self.power >= 1.0)) || self.power < 0.0
        {
            return Err(Error::invalid_parameter(
                "power",
                "0 or a finite value >= 1",
                self.power,
            ));
        }
        check_non_negative("alpha", self.alpha)?;
        check_at_least("max_iter", self.max_iter, 1)?;
        check_non_negative("tol", self.tol)?;
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

/// The penalised half deviance with a log or identity link.
struct Objective<'a> {
    x: &'a [f64],
    y: &'a [f64],
    w: &'a [f64],
    n: usize,
    p: usize,
    power: f64,
    identity: bool,
    alpha: f64,
    fit_intercept: bool,
    scale: f64,
}

impl Objective<'_> {
    /// Loss and derivative in the linear predictor `eta` for target `y`
    /// (half deviance up to terms that do not depend on `eta`).
    fn loss(&self, y: f64, eta: f64) -> (f64, f64) {
        let p = self.power;
        if self.identity {
            let mu = eta;
            return if p == 0.0 {
                (0.5 * (mu - y) * (mu - y), mu - y)
            } else if mu <= 0.0 {
                // Outside the loss's domain: the line search steps back.
                (f64::INFINITY, 0.0)
            } else if p == 1.0 {
                (mu - y * mu.ln(), 1.0 - y / mu)
            } else if p == 2.0 {
                (mu.ln() + y / mu, (1.0 - y / mu) / mu)
            } else {
                let a = mu.powf(1.0 - p);
                (a * mu / (2.0 - p) - y * a / (1.0 - p), a - y * a / mu)
            };
        }
        if p == 0.0 {
            let mu = fast_exp(eta);
            (0.5 * (mu - y) * (mu - y), (mu - y) * mu)
        } else if p == 1.0 {
            let mu = fast_exp(eta);
            (mu - y * eta, mu - y)
        } else if p == 2.0 {
            let e = fast_exp(-eta);
            (eta + y * e, 1.0 - y * e)
        } else {
            let a = fast_exp((2.0 - p) * eta);
            let b = fast_exp((1.0 - p) * eta);
            (a / (2.0 - p) - y * b / (1.0 - p), a - y * b)
        }
    }

    fn chunk(&self, theta: &[f64], range: std::ops::Range<usize>) -> (f64, Vec<f64>, f64) {
        let p = self.p;
        let rows = range.len();
        let xc = MatRef::from_row_major_slice(&self.x[range.start * p..range.end * p], rows, p);
        let beta = MatRef::from_row_major_slice(&theta[..p], p, 1);
        let b0 = if self.fit_intercept { theta[p] } else { 0.0 };
        let mut eta = vec![0.0; rows];
        matmul(
            MatMut::from_row_major_slice_mut(&mut eta, rows, 1),
            Accum::Replace,
            xc,
            beta,
            1.0,
            Par::Seq,
        );
        let mut loss = 0.0;
        let mut bias = 0.0;
        for (e, i) in eta.iter_mut().zip(range) {
            let (l, d) = self.loss(self.y[i], *e + b0);
            loss += self.w[i] * l;
            *e = self.w[i] * d;
            bias += *e;
        }
        let r = MatRef::from_row_major_slice(&eta, rows, 1);
        let mut g = Mat::<f64>::zeros(1, p);
        matmul(g.as_mut(), Accum::Replace, r.transpose(), xc, 1.0, Par::Seq);
        ((loss), (0..p).map(|j| g[(0, j)]).collect(), bias)
    }

    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let p = self.p;
        let parts: Vec<(f64, Vec<f64>, f64)> = chunk_ranges(self.n, TASK_ROWS)
            .into_par_iter()
            .map(|range| self.chunk(theta, range))
            .collect();
        let mut loss = 0.0;
        let mut g = vec![0.0; p];
        let mut bias = 0.0;
        for (l, gc, b) in parts {
            loss += l;
            for (t, v) in g.iter_mut().zip(gc) {
                *t += v;
            }
            bias += b;
        }
        let penalty: f64 = theta[..p].iter().map(|b| b * b).sum();
        for j in 0..p {
            grad[j] = g[j] * self.scale + self.alpha * theta[j];
        }
        if self.fit_intercept {
            grad[p] = bias * self.scale;
        }
        loss * self.scale + 0.5 * self.alpha * penalty
    }
}

impl<F: Float> Fit<F, F> for TweedieRegressor {
    type Model = GlmModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<GlmModel<F>, LinearError> {
        self.validate()?;
        let records = data.records();
        check::records(records, "training records")?;
        check::finite_1d(data.targets(), "targets")?;
        self.check_targets(data.targets())?;
        let (n, p) = records.dim();
        let w: Vec<f64> = (0..n)
            .map(|i| data.weights().map_or(1.0, |w| w[i].as_f64()))
            .collect();
        let sum_w: f64 = w.iter().sum();
        if sum_w.is_nan() || sum_w <= 0.0 {
            return Err(LinearError::ZeroWeightSum);
        }
        let link = self.link.resolve(self.power);
        let x: Vec<f64> = records.iter().map(|v| v.as_f64()).collect();
        let y: Vec<f64> = data.targets().iter().map(|v| v.as_f64()).collect();
        let objective = Objective {
            x: &x,
            y: &y,
            w: &w,
            n,
            p,
            power: self.power,
            identity: link == Link::Identity,
            alpha: self.alpha,
            fit_intercept: self.fit_intercept,
            scale: 1.0 / sum_w,
        };
        let width = p + usize::from(self.fit_intercept);
        let mut theta = vec![0.0; width];
        if self.fit_intercept {
            let mean = y.iter().zip(&w).map(|(y, w)| y * w).sum::<f64>() / sum_w;
            theta[p] = match link {
                Link::Identity => mean,
                _ if mean > 0.0 => mean.ln(),
                _ => 0.0,
            };
        }
        let result = with_threads(self.n_threads, || {
            lbfgs::minimise(
                &mut theta,
                |t, g| objective.eval(t, g),
                self.tol,
                self.max_iter,
            )
        })?;
        Ok(GlmModel {
            coef: theta[..p].iter().map(|v| F::cast(*v)).collect(),
            intercept: F::cast(if self.fit_intercept { theta[p] } else { 0.0 }),
            link,
            n_iter: result.n_iter,
            converged: result.converged,
        })
    }
}

/// Poisson regression (log link), as scikit-learn's `PoissonRegressor`:
/// [`TweedieRegressor`] with `power = 1`. Targets must be >= 0 (counts,
/// rates), not all 0.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::PoissonRegressor;
///
/// let x = Array2::from_shape_fn((30, 1), |(i, _)| i as f64 / 10.0);
/// let y: Array1<f64> = x.column(0).mapv(|v| (v * 0.8).exp().round());
/// let model = PoissonRegressor::default().alpha(0.0).fit(Dataset::new(x, y)?.view())?;
/// assert!((model.coef()[0] - 0.8).abs() < 0.1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PoissonRegressor(pub TweedieRegressor);

impl Default for PoissonRegressor {
    fn default() -> Self {
        PoissonRegressor(TweedieRegressor::default().power(1.0).link(Link::Log))
    }
}

/// Gamma regression (log link), as scikit-learn's `GammaRegressor`:
/// [`TweedieRegressor`] with `power = 2`. Targets must be > 0.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::GammaRegressor;
///
/// let x = Array2::from_shape_fn((30, 1), |(i, _)| i as f64 / 10.0);
/// let y: Array1<f64> = x.column(0).mapv(|v| (1.0 - 0.5 * v).exp());
/// let model = GammaRegressor::default().alpha(0.0).tol(1e-10).fit(Dataset::new(x, y)?.view())?;
/// assert!((model.coef()[0] + 0.5).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GammaRegressor(pub TweedieRegressor);

impl Default for GammaRegressor {
    fn default() -> Self {
        GammaRegressor(TweedieRegressor::default().power(2.0).link(Link::Log))
    }
}

macro_rules! fixed_power {
    ($name:ident) => {
        impl $name {
            /// Sets `alpha`.
            #[must_use]
            pub fn alpha(self, alpha: f64) -> Self {
                $name(self.0.alpha(alpha))
            }
            /// Sets `fit_intercept`.
            #[must_use]
            pub fn fit_intercept(self, fit_intercept: bool) -> Self {
                $name(self.0.fit_intercept(fit_intercept))
            }
            /// Sets `max_iter`.
            #[must_use]
            pub fn max_iter(self, max_iter: usize) -> Self {
                $name(self.0.max_iter(max_iter))
            }
            /// Sets `tol`.
            #[must_use]
            pub fn tol(self, tol: f64) -> Self {
                $name(self.0.tol(tol))
            }
            /// Sets `n_threads`.
            #[must_use]
            pub fn n_threads(self, n_threads: Option<usize>) -> Self {
                $name(self.0.n_threads(n_threads))
            }
        }

        impl Params for $name {
            fn validate(&self) -> Result<(), Error> {
                self.0.validate()
            }
        }

        impl<F: Float> Fit<F, F> for $name {
            type Model = GlmModel<F>;
            type Error = LinearError;

            fn fit(&self, data: DatasetView<'_, F, F>) -> Result<GlmModel<F>, LinearError> {
                self.0.fit(data)
            }
        }
    };
}

fixed_power!(PoissonRegressor);
fixed_power!(GammaRegressor);

/// A fitted generalised linear model: `predict(x) = exp(x·coef + intercept)`
/// with the log link, `x·coef + intercept` with the identity link.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GlmModel<F> {
    coef: Array1<F>,
    intercept: F,
    link: Link,
    n_iter: usize,
    converged: bool,
}

impl<F: Float> GlmModel<F> {
    /// The link used ([`Link::Identity`] or [`Link::Log`]).
    pub fn link(&self) -> Link {
        self.link
    }

    /// The coefficients, one per feature.
    pub fn coef(&self) -> &Array1<F> {
        &self.coef
    }

    /// The intercept (0 when fitted without one).
    pub fn intercept(&self) -> F {
        self.intercept
    }

    /// Number of L-BFGS iterations.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the optimiser met its tolerance within `max_iter` iterations.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The linear predictor `x·coef + intercept` (the log of the prediction
    /// with the log link, the prediction itself with the identity link).
    ///
    /// # Errors
    /// Wrong number of features or non-finite records.
    pub fn linear_predictor(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, LinearError> {
        check::n_features(x, self.coef.len())?;
        check::finite(x, "records")?;
        Ok(x.dot(&self.coef) + self.intercept)
    }
}

impl<F: Float> Predict<F> for GlmModel<F> {
    type Output = Array1<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, LinearError> {
        let eta = self.linear_predictor(x)?;
        Ok(match self.link {
            Link::Log => eta.mapv(F::exp),
            _ => eta,
        })
    }

    fn n_features_in(&self) -> usize {
        self.coef.len()
    }
}
