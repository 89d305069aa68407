//! Tests of the inspection module, with small models whose importances and
//! partial dependences are known in closed form.

use ndarray::{Array1, Array2, ArrayView2};

use crate::check;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::traits::{Predict, PredictProba};

mod partial_dependence;
mod permutation;

/// `intercept + sum_j coef[j] x[j]`, skipping the features whose coefficient
/// is 0 (so that it truly ignores them).
struct Linear {
    coef: Vec<f64>,
    intercept: f64,
}

impl Linear {
    fn new(coef: &[f64], intercept: f64) -> Self {
        Linear {
            coef: coef.to_vec(),
            intercept,
        }
    }
}

impl<F: Float> Predict<F> for Linear {
    type Output = Array1<F>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>> {
        check::n_features(x, self.coef.len())?;
        Ok(x.rows()
            .into_iter()
            .map(|row| {
                let mut value = self.intercept;
                for (&c, v) in self.coef.iter().zip(row) {
                    if c != 0.0 {
                        value += c * v.as_f64();
                    }
                }
                F::cast(value)
            })
            .collect())
    }

    fn n_features_in(&self) -> usize {
        self.coef.len()
    }
}

/// A binary classifier of classes `[0, 1]`: `P(1) = sigmoid(2 x0 - 1)`,
/// ignoring every other feature.
struct Logistic {
    n_features: usize,
}

impl Logistic {
    fn p1(v: f64) -> f64 {
        1.0 / (1.0 + (1.0 - 2.0 * v).exp())
    }
}

impl Predict<f64> for Logistic {
    type Output = Array1<usize>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<usize>> {
        check::n_features(x, self.n_features)?;
        Ok(x.column(0).mapv(|v| usize::from(Self::p1(v) > 0.5)))
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }
}

impl PredictProba<f64> for Logistic {
    type Class = usize;

    fn classes(&self) -> &[usize] {
        &[0, 1]
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check::n_features(x, self.n_features)?;
        let mut proba = Array2::zeros((x.nrows(), 2));
        for (i, &v) in x.column(0).iter().enumerate() {
            proba[[i, 1]] = Self::p1(v);
            proba[[i, 0]] = 1.0 - proba[[i, 1]];
        }
        Ok(proba)
    }
}

/// `n` x `p` records whose columns are unrelated, deterministic
/// permutations of `j + k / n`, `k in 0..n` (for `n` coprime with 7..23).
fn records(n: usize, p: usize) -> Array2<f64> {
    const STEPS: [usize; 6] = [7, 11, 13, 17, 19, 23];
    Array2::from_shape_fn((n, p), |(i, j)| {
        let k = (i * STEPS[j % 6] + 3 * j) % n.max(1);
        k as f64 / n as f64 + j as f64
    })
}
