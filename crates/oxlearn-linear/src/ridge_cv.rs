//! Ridge with the penalty chosen by efficient leave-one-out cross-validation:
//! [`RidgeCV`].

use faer::Mat;
use ndarray::{Array1, ArrayView2, Axis};
use oxlearn::parallel::{chunk_ranges, with_threads};
use oxlearn::params::{Params, check_n_threads};
use oxlearn::{DatasetView, Error, Fit, Float, Predict};
use rayon::prelude::*;

use crate::error::LinearError;
use crate::least_squares::{self, Solved, Solver};
use crate::linalg::{self, Problem};
use crate::model::LinearModel;

/// Ridge regression with `alpha` chosen among candidates by leave-one-out
/// cross-validation, as scikit-learn's `RidgeCV` with its default `cv=None`
/// (the efficient "generalised cross-validation" path).
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `alphas` | `[0.1, 1.0, 10.0]` | candidate penalties, each finite and > 0; at least one |
/// | `fit_intercept` | `true` | fit an unpenalised intercept |
/// | `n_threads` | `None` (rayon's global pool) | threads; `Some(n)`, n >= 1 |
///
/// **Method.** One pass builds the centred, weighted Gram matrix `G`; its
/// eigendecomposition `G = V diag(λ) Vᵀ` and one projection `Q = Xc V` (a
/// single extra copy of the records) then give, for every alpha in `O(n p)`,
/// the hat-matrix diagonal `hᵢ = Σⱼ Qᵢⱼ² / (λⱼ + alpha) (+ wᵢ / Σw with an
/// intercept)` and the leave-one-out residuals `eᵢ = rᵢ / (1 - hᵢ)`. The
/// score of an alpha is the mean over samples of `wᵢ eᵢ²` (scikit-learn's
/// default scoring); the first alpha with the lowest score wins, and the
/// model is the ridge solution at that alpha. Sample weights weight the
/// squared residuals, as in [`Ridge`](crate::Ridge).
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_linear::RidgeCV;
///
/// let x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * (j + 3)) % 7) as f64);
/// let y: Array1<f64> = x.rows().into_iter().map(|r| r[0] - 2.0 * r[2] + 0.5).collect();
/// let data = Dataset::new(x, y)?;
/// let model = RidgeCV::default().alphas(vec![0.01, 1.0, 100.0]).fit(data.view())?;
/// assert_eq!(model.alpha(), 0.01); // noiseless data: the least penalty wins
/// assert_eq!(model.mean_squared_errors().len(), 3);
/// assert_eq!(model.predict(data.records())?.len(), 40);
///
/// assert!(RidgeCV::default().alphas(vec![0.0]).fit(data.view()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RidgeCV {
    /// Candidate penalties (each > 0).
    pub alphas: Vec<f64>,
    /// Whether to fit an intercept.
    pub fit_intercept: bool,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for RidgeCV {
    fn default() -> Self {
        RidgeCV {
            alphas: vec![0.1, 1.0, 10.0],
            fit_intercept: true,
            n_threads: None,
        }
    }
}

impl RidgeCV {
    /// Sets the candidate `alphas`.
    #[must_use]
    pub fn alphas(mut self, alphas: Vec<f64>) -> Self {
        self.alphas = alphas;
        self
    }

    /// Sets `fit_intercept`.
    #[must_use]
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }
}

impl Params for RidgeCV {
    fn validate(&self) -> Result<(), Error> {
        if self.alphas.is_empty() {
            return Err(Error::invalid_parameter(
                "alphas",
                "at least one candidate alpha",
                "an empty list",
            ));
        }
        if let Some(a) = self.alphas.iter().find(|a| !(a.is_finite() && **a > 0.0)) {
            return Err(Error::invalid_parameter(
                "alphas",
                "every alpha finite and > 0",
                format!("{a} in {:?}", self.alphas),
            ));
        }
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

/// A fitted [`RidgeCV`]: the ridge model at the chosen alpha, and the
/// leave-one-out errors of every candidate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RidgeCvModel<F> {
    model: LinearModel<F>,
    alpha: f64,
    alphas: Vec<f64>,
    mean_squared_errors: Vec<f64>,
}

impl<F: Float> RidgeCvModel<F> {
    /// The chosen penalty (scikit-learn's `alpha_`).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The candidate penalties, in the order given.
    pub fn alphas(&self) -> &[f64] {
        &self.alphas
    }

    /// The mean (over samples) weighted squared leave-one-out error of each
    /// candidate; scikit-learn's `best_score_` is minus the smallest.
    pub fn mean_squared_errors(&self) -> &[f64] {
        &self.mean_squared_errors
    }

    /// The ridge model fitted with the chosen alpha.
    pub fn model(&self) -> &LinearModel<F> {
        &self.model
    }

    /// The coefficients at the chosen alpha.
    pub fn coef(&self) -> &Array1<F> {
        self.model.coef()
    }

    /// The intercept at the chosen alpha.
    pub fn intercept(&self) -> F {
        self.model.intercept()
    }
}

impl<F: Float> Predict<F> for RidgeCvModel<F> {
    type Output = Array1<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, LinearError> {
        self.model.predict(x)
    }

    fn n_features_in(&self) -> usize {
        self.model.n_features_in()
    }
}

/// Leave-one-out mean squared errors of every alpha, and the ridge
/// coefficients (active columns) at the best one.
fn loo_path<F: Float>(
    p: &Problem<'_, F>,
    alphas: &[f64],
) -> Result<(Solved, Vec<f64>, usize), LinearError> {
    let m = linalg::moments(p)?;
    let n = p.x.nrows();
    let a = m.active.len();
    let gram = linalg::gram(p, &m);
    let (lambda, v) = linalg::eigh(&gram.g)?;
    // z = Vᵀ c: the targets' coordinates in the eigenbasis (times the roots).
    let z: Vec<f64> = (0..a)
        .map(|j| (0..a).map(|i| v[(i, j)] * gram.c[(i, 0)]).sum())
        .collect();
    let (q, yw) = linalg::project_rows(p, &m, v.as_ref());
    let sum_w = m.sum_w;
    let mut errors = Vec::with_capacity(alphas.len());
    for &alpha in alphas {
        let inv: Vec<f64> = lambda.iter().map(|l| 1.0 / (l + alpha)).collect();
        let zs: Vec<f64> = z.iter().zip(&inv).map(|(z, d)| z * d).collect();
        let parts: Vec<f64> = chunk_ranges(n, 8192)
            .into_par_iter()
            .map(|range| {
                let mut total = 0.0;
                for i in range {
                    let row = &q[i * a..(i + 1) * a];
                    let mut h = 0.0;
                    let mut fit = 0.0;
                    for j in 0..a {
                        h += row[j] * row[j] * inv[j];
                        fit += row[j] * zs[j];
                    }
                    if p.fit_intercept {
                        h += p.w.map_or(1.0, |w| w[i].as_f64()) / sum_w;
                    }
                    let e = (yw[i] - fit) / (1.0 - h);
                    total += e * e;
                }
                total
            })
            .collect();
        errors.push(parts.iter().sum::<f64>() / n as f64);
    }
    let mut best = 0;
    for (i, e) in errors.iter().enumerate() {
        if *e < errors[best] {
            best = i;
        }
    }
    let alpha = alphas[best];
    let coef_active = Mat::from_fn(a, 1, |i, _| {
        (0..a).map(|j| v[(i, j)] * z[j] / (lambda[j] + alpha)).sum()
    });
    let solved = least_squares::assemble(p, m, coef_active, a, Solver::Eigen);
    Ok((solved, errors, best))
}

impl<F: Float> Fit<F, F> for RidgeCV {
    type Model = RidgeCvModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<RidgeCvModel<F>, LinearError> {
        self.validate()?;
        let y = data.targets().insert_axis(Axis(1));
        least_squares::check_inputs(data.records(), y, data.weights())?;
        let problem = Problem {
            x: data.records(),
            y,
            w: data.weights(),
            fit_intercept: self.fit_intercept,
        };
        let (solved, errors, best) =
            with_threads(self.n_threads, || loo_path(&problem, &self.alphas))??;
        Ok(RidgeCvModel {
            model: LinearModel::from_solved(&solved),
            alpha: self.alphas[best],
            alphas: self.alphas.clone(),
            mean_squared_errors: errors,
        })
    }
}
