//! Drawing new rows from a fitted Gaussian mixture (scikit-learn's `sample`).

use ndarray::{Array1, Array2};
use oxlearn::Float;
use oxlearn::random::{StandardNormal, rng_from_seed};
use rand::Rng as _;

use super::covariance::CovarianceType;
use super::model::GaussianMixtureModel;
use crate::error::Result;

impl<F: Float> GaussianMixtureModel<F> {
    /// Draws `n_samples` rows from the mixture, seeded: how many come from
    /// each component is multinomial in the weights, and the rows come
    /// grouped by component, in component order, as scikit-learn's
    /// `sample`. Returns the rows and the component of each.
    ///
    /// Each row is `mean + A z` with `z` standard normal and `A A^T` the
    /// component's covariance (`A = U^-T` from the Cholesky factor `U` of
    /// the precision for full and tied covariances). The same seed gives the
    /// same rows; the draws differ from numpy's (another generator).
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::{Dataset, Fit};
    /// use oxlearn_cluster::GaussianMixture;
    ///
    /// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.2], [5.0, 5.1], [5.2, 5.0], [5.1, 4.9]];
    /// let model = GaussianMixture::new(2).fit(Dataset::from_records(x).view())?;
    /// let (rows, components) = model.sample(100, 7)?;
    /// assert_eq!(rows.dim(), (100, 2));
    /// assert_eq!(components.len(), 100);
    /// # Ok::<(), oxlearn_cluster::ClusterError>(())
    /// ```
    ///
    /// # Errors
    /// When `n_samples` is 0 or the sample is too large to allocate.
    pub fn sample(&self, n_samples: usize, seed: u64) -> Result<(Array2<F>, Array1<usize>)> {
        oxlearn::params::check_at_least("n_samples", n_samples, 1)?;
        let (k, d) = self.means().dim();
        oxlearn::check::allocatable::<F>(n_samples, d, "the sample")?;
        let mut rng = rng_from_seed(seed);
        let weights: Vec<f64> = self.weights().iter().map(|w| w.as_f64()).collect();
        let total: f64 = weights.iter().sum();
        let mut counts = vec![0usize; k];
        for _ in 0..n_samples {
            let u = rng.random::<f64>() * total;
            let mut run = 0.0;
            let j = weights
                .iter()
                .position(|&w| {
                    run += w;
                    run > u
                })
                .unwrap_or(k - 1);
            counts[j] += 1;
        }
        let factors: Vec<f64> = self
            .precisions_cholesky()
            .iter()
            .map(|v| v.as_f64())
            .collect();
        let mut normal = StandardNormal::new();
        let mut rows = Array2::zeros((n_samples, d));
        let mut components = Array1::zeros(n_samples);
        let mut at = 0;
        let mut z = vec![0.0; d];
        let mut y = vec![0.0; d];
        let means = self.means();
        for (j, &count) in counts.iter().enumerate() {
            let mean = means.row(j);
            for _ in 0..count {
                for v in z.iter_mut() {
                    *v = normal.sample(&mut rng);
                }
                self.scale(&factors, j, &z, &mut y);
                for ((o, &m), &v) in rows.row_mut(at).iter_mut().zip(&mean).zip(&y) {
                    *o = F::cast(m.as_f64() + v);
                }
                components[at] = j;
                at += 1;
            }
        }
        Ok((rows, components))
    }

    /// `y = A z` for component `j`, with `A A^T` its covariance, from the
    /// Cholesky factors of the precisions (`factors`, flattened).
    fn scale(&self, factors: &[f64], j: usize, z: &[f64], y: &mut [f64]) {
        let d = z.len();
        let upper = |u: &[f64], y: &mut [f64]| {
            // Solves y^T U = z^T (U upper triangular): y = U^-T z.
            for c in 0..d {
                let s: f64 = (0..c).map(|i| y[i] * u[i * d + c]).sum();
                y[c] = (z[c] - s) / u[c * d + c];
            }
        };
        match self.covariance_type() {
            CovarianceType::Full => upper(&factors[j * d * d..(j + 1) * d * d], y),
            CovarianceType::Tied => upper(factors, y),
            CovarianceType::Diag => {
                for ((o, &v), &p) in y.iter_mut().zip(z).zip(&factors[j * d..(j + 1) * d]) {
                    *o = v / p;
                }
            }
            CovarianceType::Spherical => {
                for (o, &v) in y.iter_mut().zip(z) {
                    *o = v / factors[j];
                }
            }
        }
    }
}
