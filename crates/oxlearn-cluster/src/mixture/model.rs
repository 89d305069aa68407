//! The fitted Gaussian mixture: parameters, densities, labels, BIC and AIC.

use ndarray::{Array1, Array2, ArrayD, ArrayView1, ArrayView2, ArrayViewD, IxDyn};
use oxlearn::{Float, Predict, PredictProba, check};

use super::covariance::{CovarianceType, precisions};
use super::em::{Gaussians, Prepared, Run, exp_or_zero, log_sum_exp};
use crate::error::{ClusterError, Result};

/// A fitted Gaussian mixture.
///
/// `predict` gives the most probable component of each row,
/// `predict_proba` the posterior probabilities of the components (classes
/// `0..n_components`), [`score_samples`](Self::score_samples) the
/// log-likelihood of each row. Shapes of the covariances follow
/// [`CovarianceType::shape`].
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
pub struct GaussianMixtureModel<F> {
    covariance_type: CovarianceType,
    weights: Array1<F>,
    means: Array2<F>,
    covariances: ArrayD<F>,
    precisions_cholesky: ArrayD<F>,
    converged: bool,
    n_iter: usize,
    lower_bound: F,
    #[cfg_attr(feature = "serde", serde(skip))]
    classes: Vec<usize>,
}

/// The unchecked serialised form of a [`GaussianMixtureModel`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawModel<F> {
    covariance_type: CovarianceType,
    weights: Array1<F>,
    means: Array2<F>,
    covariances: ArrayD<F>,
    precisions_cholesky: ArrayD<F>,
    converged: bool,
    n_iter: usize,
    lower_bound: F,
}

#[cfg(feature = "serde")]
impl<F: Float> TryFrom<RawModel<F>> for GaussianMixtureModel<F> {
    type Error = oxlearn::Error;
    fn try_from(raw: RawModel<F>) -> oxlearn::Result<Self> {
        let (k, d) = raw.means.dim();
        let invalid = |msg: String| oxlearn::Error::InvalidModel(msg);
        if k == 0 || d == 0 {
            return Err(invalid(format!(
                "Gaussian mixture means have shape {k} x {d}, expected at least 1 x 1"
            )));
        }
        if raw.weights.len() != k {
            return Err(invalid(format!(
                "Gaussian mixture has {} weights, expected {k} (one per component)",
                raw.weights.len()
            )));
        }
        let expected = raw.covariance_type.shape(k, d);
        for (name, a) in [
            ("covariances", &raw.covariances),
            ("precisions_cholesky", &raw.precisions_cholesky),
        ] {
            if a.shape() != expected.as_slice() {
                return Err(invalid(format!(
                    "Gaussian mixture {name} have shape {:?}, expected {expected:?}",
                    a.shape()
                )));
            }
        }
        let all_finite = raw.weights.iter().all(|v| v.is_finite())
            && raw.means.iter().all(|v| v.is_finite())
            && raw.covariances.iter().all(|v| v.is_finite())
            && raw.precisions_cholesky.iter().all(|v| v.is_finite());
        if !all_finite {
            return Err(invalid(
                "Gaussian mixture parameters are not all finite".into(),
            ));
        }
        if raw.weights.iter().any(|&w| w <= F::zero()) {
            return Err(invalid("Gaussian mixture weights must be > 0".into()));
        }
        let pc: Vec<f64> = raw.precisions_cholesky.iter().map(|v| v.as_f64()).collect();
        let diagonal_ok = match raw.covariance_type {
            CovarianceType::Full | CovarianceType::Tied => pc
                .chunks_exact(d * d)
                .all(|u| (0..d).all(|i| u[i * d + i] > 0.0)),
            CovarianceType::Diag | CovarianceType::Spherical => pc.iter().all(|&v| v > 0.0),
        };
        if !diagonal_ok {
            return Err(invalid(
                "Gaussian mixture precision factors must have a positive diagonal".into(),
            ));
        }
        Ok(GaussianMixtureModel {
            covariance_type: raw.covariance_type,
            weights: raw.weights,
            means: raw.means,
            covariances: raw.covariances,
            precisions_cholesky: raw.precisions_cholesky,
            converged: raw.converged,
            n_iter: raw.n_iter,
            lower_bound: raw.lower_bound,
            classes: (0..k).collect(),
        })
    }
}

/// `values` in `F`, with the given shape.
fn array<F: Float>(shape: Vec<usize>, values: &[f64]) -> ArrayD<F> {
    ArrayD::from_shape_vec(IxDyn(&shape), values.iter().map(|&v| F::cast(v)).collect())
        .unwrap_or_else(|_| unreachable!("the shape matches the number of values"))
}

impl<F: Float> GaussianMixtureModel<F> {
    /// The model of a finished EM run.
    pub(crate) fn from_run(run: Run) -> Self {
        let g = run.g;
        let (k, d) = (g.k, g.d);
        let shape = g.kind.shape(k, d);
        GaussianMixtureModel {
            covariance_type: g.kind,
            weights: g.weights.iter().map(|&v| F::cast(v)).collect(),
            means: Array2::from_shape_vec((k, d), g.means.iter().map(|&v| F::cast(v)).collect())
                .unwrap_or_else(|_| unreachable!("means hold k x d values")),
            covariances: array(shape.clone(), &g.covariances),
            precisions_cholesky: array(shape, &g.prec_chol),
            converged: run.converged,
            n_iter: run.n_iter,
            lower_bound: F::cast(run.lower_bound),
            classes: (0..k).collect(),
        }
    }

    /// The parameters in `f64`.
    fn gaussians(&self) -> Gaussians {
        let (k, d) = self.means.dim();
        Gaussians {
            kind: self.covariance_type,
            k,
            d,
            weights: self.weights.iter().map(|v| v.as_f64()).collect(),
            means: self.means.iter().map(|v| v.as_f64()).collect(),
            covariances: Vec::new(),
            prec_chol: self
                .precisions_cholesky
                .iter()
                .map(|v| v.as_f64())
                .collect(),
        }
    }

    /// The weighted log-probabilities of the rows of `x` (`n x k`, checked).
    fn weighted_log_prob(&self, x: ArrayView2<'_, F>) -> Result<Vec<f64>> {
        check::n_features(x, self.means.ncols())?;
        check::finite(x, "Gaussian mixture records")?;
        let xs: Vec<f64> = x.iter().map(|v| v.as_f64()).collect();
        let g = self.gaussians();
        Ok(Prepared::new(&g).weighted_log_prob_all(&xs))
    }

    /// The covariance type.
    pub fn covariance_type(&self) -> CovarianceType {
        self.covariance_type
    }

    /// The number of components.
    pub fn n_components(&self) -> usize {
        self.means.nrows()
    }

    /// The weight of each component (summing to 1).
    pub fn weights(&self) -> ArrayView1<'_, F> {
        self.weights.view()
    }

    /// The mean of each component, `n_components x n_features`.
    pub fn means(&self) -> ArrayView2<'_, F> {
        self.means.view()
    }

    /// The covariances, shaped as [`CovarianceType::shape`]: `[k, d, d]`,
    /// `[d, d]`, `[k, d]` or `[k]`.
    pub fn covariances(&self) -> ArrayViewD<'_, F> {
        self.covariances.view()
    }

    /// The Cholesky factors of the precisions (upper triangular `U` with
    /// precision `U U^T` for full and tied types; square roots of the
    /// precisions otherwise), shaped as the covariances.
    pub fn precisions_cholesky(&self) -> ArrayViewD<'_, F> {
        self.precisions_cholesky.view()
    }

    /// The precisions (inverse covariances), shaped as the covariances.
    pub fn precisions(&self) -> ArrayD<F> {
        let (k, d) = self.means.dim();
        let pc: Vec<f64> = self
            .precisions_cholesky
            .iter()
            .map(|v| v.as_f64())
            .collect();
        array(
            self.covariance_type.shape(k, d),
            &precisions(self.covariance_type, &pc, d),
        )
    }

    /// Whether the kept run converged (the log-likelihood changed by less
    /// than `tol` before `max_iter` iterations).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// EM iterations run by the kept run.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The mean log-likelihood of the training data at the last iteration of
    /// the kept run (before its last M-step), scikit-learn's `lower_bound_`.
    pub fn lower_bound(&self) -> F {
        self.lower_bound
    }

    /// The number of free parameters of the model (scikit-learn's `_n_parameters`).
    pub fn n_parameters(&self) -> usize {
        let (k, d) = self.means.dim();
        self.covariance_type.n_parameters(k, d)
    }

    /// The log-likelihood of each row of `x` under the mixture.
    ///
    /// # Errors
    /// When `x` has a different number of features than at fit, or a
    /// non-finite value.
    pub fn score_samples(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>> {
        let k = self.n_components();
        let wlp = self.weighted_log_prob(x)?;
        Ok(wlp
            .chunks_exact(k)
            .map(|r| F::cast(log_sum_exp(r)))
            .collect())
    }

    /// The mean log-likelihood of the rows of `x`.
    ///
    /// # Errors
    /// As [`score_samples`](Self::score_samples); also when `x` has no rows.
    pub fn score(&self, x: ArrayView2<'_, F>) -> Result<F> {
        Ok(F::cast(self.mean_log_likelihood(x)?))
    }

    fn mean_log_likelihood(&self, x: ArrayView2<'_, F>) -> Result<f64> {
        check::non_empty(x, "Gaussian mixture records")?;
        let k = self.n_components();
        let wlp = self.weighted_log_prob(x)?;
        let total: f64 = wlp.chunks_exact(k).map(log_sum_exp).sum();
        Ok(total / x.nrows() as f64)
    }

    /// The Bayesian information criterion on `x`:
    /// `-2 n score(x) + n_parameters ln n` (lower is better).
    ///
    /// # Errors
    /// As [`score`](Self::score).
    pub fn bic(&self, x: ArrayView2<'_, F>) -> Result<F> {
        let n = x.nrows() as f64;
        let ll = self.mean_log_likelihood(x)?;
        Ok(F::cast(-2.0 * ll * n + self.n_parameters() as f64 * n.ln()))
    }

    /// The Akaike information criterion on `x`:
    /// `-2 n score(x) + 2 n_parameters` (lower is better).
    ///
    /// # Errors
    /// As [`score`](Self::score).
    pub fn aic(&self, x: ArrayView2<'_, F>) -> Result<F> {
        let n = x.nrows() as f64;
        let ll = self.mean_log_likelihood(x)?;
        Ok(F::cast(-2.0 * ll * n + 2.0 * self.n_parameters() as f64))
    }
}

impl<F: Float> Predict<F> for GaussianMixtureModel<F> {
    type Output = Array1<usize>;
    type Error = ClusterError;

    /// The most probable component of each row.
    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<usize>> {
        let k = self.n_components();
        let wlp = self.weighted_log_prob(x)?;
        Ok(wlp
            .chunks_exact(k)
            .map(|r| {
                let mut best = 0;
                for (c, &v) in r.iter().enumerate() {
                    if v > r[best] {
                        best = c;
                    }
                }
                best
            })
            .collect())
    }

    fn n_features_in(&self) -> usize {
        self.means.ncols()
    }
}

impl<F: Float> PredictProba<F> for GaussianMixtureModel<F> {
    type Class = usize;

    fn classes(&self) -> &[usize] {
        &self.classes
    }

    /// The posterior probability of each component for each row (rows sum to 1).
    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        let k = self.n_components();
        let mut wlp = self.weighted_log_prob(x)?;
        for row in wlp.chunks_exact_mut(k) {
            let lpn = log_sum_exp(row);
            for v in row.iter_mut() {
                *v = exp_or_zero(*v - lpn);
            }
        }
        Ok(
            Array2::from_shape_vec((x.nrows(), k), wlp.into_iter().map(F::cast).collect())
                .unwrap_or_else(|_| unreachable!("n x k probabilities")),
        )
    }
}
