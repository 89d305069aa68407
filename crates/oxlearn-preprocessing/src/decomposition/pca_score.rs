//! The probabilistic PCA model of a fitted [`Pca`](super::Pca): covariance,
//! precision and log-likelihood, as scikit-learn's `get_covariance`,
//! `get_precision`, `score_samples` and `score`.

use faer::linalg::matmul::matmul;
use faer::linalg::solvers::DenseSolveCore;
use faer::{Accum, Mat, MatRef, Par};
use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::{Error, Float};

use super::pca::PcaModel;
use crate::error::PreprocessingError;

impl<F: Float> PcaModel<F> {
    /// The components (scaled by the square roots of the explained
    /// variances when whitening, as scikit-learn) and the variances above
    /// the noise level.
    fn scaled(&self) -> (Mat<f64>, Vec<f64>) {
        let c = &self.fitted.components;
        let noise = self.noise_variance.as_f64();
        let ev: Vec<f64> = self.explained_variance.iter().map(|v| v.as_f64()).collect();
        let comps = Mat::from_fn(c.nrows(), c.ncols(), |i, j| {
            let s = if self.whiten { ev[i].sqrt() } else { 1.0 };
            c[[i, j]].as_f64() * s
        });
        let diff = ev
            .iter()
            .map(|&v| if v > noise { v - noise } else { 0.0 })
            .collect();
        (comps, diff)
    }

    fn covariance_f64(&self) -> Mat<f64> {
        let (c, diff) = self.scaled();
        let (k, d) = c.shape();
        let weighted = Mat::from_fn(d, k, |j, i| c[(i, j)] * diff[i]);
        let mut cov = Mat::<f64>::zeros(d, d);
        matmul(
            cov.as_mut(),
            Accum::Replace,
            weighted.as_ref(),
            c.as_ref(),
            1.0,
            Par::Seq,
        );
        let noise = self.noise_variance.as_f64();
        for j in 0..d {
            cov[(j, j)] += noise;
        }
        cov
    }

    fn precision_f64(&self) -> Result<Mat<f64>, PreprocessingError> {
        let noise = self.noise_variance.as_f64();
        let inverse = |m: MatRef<'_, f64>, what: &str| {
            let inv = m.partial_piv_lu().inverse();
            if inv.col_iter().all(|c| c.iter().all(|v| v.is_finite())) {
                Ok(inv)
            } else {
                Err(PreprocessingError::from(Error::InvalidInput(format!(
                    "Pca: the {what} is singular, the probabilistic model has no density"
                ))))
            }
        };
        if noise == 0.0 {
            return inverse(self.covariance_f64().as_ref(), "model covariance");
        }
        let (c, diff) = self.scaled();
        let (k, d) = c.shape();
        let mut small = Mat::<f64>::zeros(k, k);
        matmul(
            small.as_mut(),
            Accum::Replace,
            c.as_ref(),
            c.transpose(),
            1.0 / noise,
            Par::Seq,
        );
        for i in 0..k {
            small[(i, i)] += 1.0 / diff[i];
        }
        let inv = inverse(small.as_ref(), "latent precision")?;
        let mut tmp = Mat::<f64>::zeros(k, d);
        matmul(
            tmp.as_mut(),
            Accum::Replace,
            inv.as_ref(),
            c.as_ref(),
            1.0,
            Par::Seq,
        );
        let mut precision = Mat::<f64>::zeros(d, d);
        matmul(
            precision.as_mut(),
            Accum::Replace,
            c.transpose(),
            tmp.as_ref(),
            -1.0 / (noise * noise),
            Par::Seq,
        );
        for j in 0..d {
            precision[(j, j)] += 1.0 / noise;
        }
        Ok(precision)
    }

    /// The covariance of the probabilistic PCA model, `n_features x
    /// n_features` (scikit-learn's `get_covariance`).
    ///
    /// # Errors
    /// [`Error::InvalidModel`] when a loaded model's arrays disagree in length.
    pub fn get_covariance(&self) -> Result<Array2<F>, PreprocessingError> {
        self.check_consistent()?;
        let cov = self.covariance_f64();
        Ok(Array2::from_shape_fn(
            (cov.nrows(), cov.ncols()),
            |(i, j)| F::cast(cov[(i, j)]),
        ))
    }

    /// The inverse of [`get_covariance`](Self::get_covariance), by the
    /// matrix inversion lemma (scikit-learn's `get_precision`).
    ///
    /// # Errors
    /// When the model covariance is singular (no noise and fewer
    /// components than features), or a loaded model's arrays disagree in
    /// length.
    pub fn get_precision(&self) -> Result<Array2<F>, PreprocessingError> {
        self.check_consistent()?;
        let p = self.precision_f64()?;
        Ok(Array2::from_shape_fn((p.nrows(), p.ncols()), |(i, j)| {
            F::cast(p[(i, j)])
        }))
    }

    /// The log-likelihood of each row of `x` under the probabilistic PCA
    /// model (scikit-learn's `score_samples`).
    ///
    /// # Errors
    /// When `x` has the wrong number of columns or a non-finite value, or the
    /// model covariance is singular (when rounding hides that, the
    /// log-likelihoods are `-inf` instead).
    pub fn score_samples(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, PreprocessingError> {
        let d = self.fitted.n_features;
        self.check(x, d)?;
        let precision = self.precision_f64()?;
        let logdet = log_det(precision.as_ref());
        let constant = -0.5 * (d as f64 * (2.0 * std::f64::consts::PI).ln() - logdet);
        let mean: Vec<f64> = self.mean.iter().map(|m| m.as_f64()).collect();
        let mut r = vec![0.0; d];
        let mut pr = vec![0.0; d];
        Ok(x.rows()
            .into_iter()
            .map(|row| {
                for ((r, v), m) in r.iter_mut().zip(row.iter()).zip(&mean) {
                    *r = v.as_f64() - m;
                }
                for (j, p) in pr.iter_mut().enumerate() {
                    *p = (0..d).map(|i| r[i] * precision[(i, j)]).sum::<f64>();
                }
                let quad: f64 = r.iter().zip(&pr).map(|(a, b)| a * b).sum();
                F::cast(-0.5 * quad + constant)
            })
            .collect())
    }

    /// The mean log-likelihood of the rows of `x` (scikit-learn's `score`).
    ///
    /// # Errors
    /// As [`score_samples`](Self::score_samples).
    pub fn score(&self, x: ArrayView2<'_, F>) -> Result<F, PreprocessingError> {
        let s = self.score_samples(x)?;
        Ok(F::cast(
            s.iter().map(|v| v.as_f64()).sum::<f64>() / s.len().max(1) as f64,
        ))
    }
}

/// `log(det(m))`, minus infinity unless the determinant is positive (as
/// scikit-learn's `fast_logdet`), from an LU factorisation.
fn log_det(m: MatRef<'_, f64>) -> f64 {
    let lu = m.partial_piv_lu();
    let u = lu.U();
    let mut negative = false;
    let mut sum = 0.0;
    for i in 0..u.nrows() {
        let v = u[(i, i)];
        if v == 0.0 || !v.is_finite() {
            return f64::NEG_INFINITY;
        }
        negative ^= v < 0.0;
        sum += v.abs().ln();
    }
    // The parity of the row permutation.
    let (fwd, _) = lu.P().arrays();
    let mut seen = vec![false; fwd.len()];
    for start in 0..fwd.len() {
        let mut len = 0;
        let mut i = start;
        while !seen[i] {
            seen[i] = true;
            i = fwd[i];
            len += 1;
        }
        if len > 0 && len % 2 == 0 {
            negative = !negative;
        }
    }
    if negative { f64::NEG_INFINITY } else { sum }
}
