//! Ridge with the penalty chosen by efficient leave-one-out cross-validation
//! or by k-fold cross-validation: [`RidgeCV`].

use faer::Mat;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use oxlearn::parallel::{chunk_ranges, with_threads};
use oxlearn::params::{Params, check_at_least, check_n_threads};
use oxlearn::{DatasetView, Error, Fit, Float, Predict};
use rayon::prelude::*;

use crate::error::LinearError;
use crate::least_squares::{self, Penalty, Solved, Solver};
use crate::linalg::{self, Problem};
use crate::model::{LinearModel, MultiTargetLinearModel};

/// Ridge regression with `alpha` chosen among candidates by cross-validation,
/// as scikit-learn's `RidgeCV`: by default (`cv = None`) the efficient
/// leave-one-out ("generalised cross-validation") path; with `cv = Some(k)`,
/// k-fold cross-validation scored by R², as scikit-learn's `RidgeCV(cv=k)`
/// (a grid search over the alphas, then a refit on all the data).
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `alphas` | `[0.1, 1.0, 10.0]` | candidate penalties, each finite and > 0; at least one |
/// | `fit_intercept` | `true` | fit an unpenalised intercept |
/// | `cv` | `None` | `None`: leave-one-out; `Some(k)`: k contiguous folds (scikit-learn's `KFold`, no shuffle), 2 <= k <= n |
/// | `alpha_per_target` | `false` | with several targets ([`RidgeCV::fit_multi`]) and leave-one-out, one alpha per target |
/// | `n_threads` | `None` (rayon's global pool) | threads; `Some(n)`, n >= 1 |
///
/// **Leave-one-out.** One pass builds the centred, weighted Gram matrix `G`;
/// its eigendecomposition `G = V diag(λ) Vᵀ` and one projection `Q = Xc V` (a
/// single extra copy of the records) then give, for every alpha in `O(n p)`,
/// the hat-matrix diagonal `hᵢ = Σⱼ Qᵢⱼ² / (λⱼ + alpha) (+ wᵢ / Σw with an
/// intercept)` and the leave-one-out residuals `eᵢ = rᵢ / (1 - hᵢ)`. The
/// score of an alpha is minus the mean over samples (and targets) of
/// `wᵢ eᵢ²` (scikit-learn's default scoring); the first alpha with the best
/// score wins (per target with `alpha_per_target`), and the model is the
/// ridge solution at that alpha. Sample weights weight the squared
/// residuals, as in [`Ridge`](crate::Ridge).
///
/// **k-fold.** For each fold, one eigendecomposition of the training Gram
/// matrix gives the ridge solution of every alpha; the score is the R² on
/// the fold (averaged over targets), averaged over folds; the first alpha
/// with the highest score wins and [`Ridge`](crate::Ridge) is refitted on
/// all the data. Folds are fitted one after the other, each on a copy of
/// its training rows. Sample weights weight the fits but not the R² (as
/// scikit-learn's grid search scores without them). `alpha_per_target` is
/// not available with `cv = Some(k)`, as in scikit-learn.
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
/// // 5-fold cross-validation scored by R².
/// let kfold = RidgeCV::default().alphas(vec![0.01, 1.0, 100.0]).cv(Some(5)).fit(data.view())?;
/// assert!(kfold.best_score() > 0.99);
///
/// // Two targets, one alpha each.
/// let y2 = Array2::from_shape_fn((40, 2), |(i, t)| data.targets()[i] * (t as f64 + 1.0));
/// let multi = RidgeCV::default().alpha_per_target(true).fit_multi(data.records(), y2.view(), None)?;
/// assert_eq!(multi.alpha().len(), 2);
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
    /// `None`: efficient leave-one-out; `Some(k)`: k-fold cross-validation.
    pub cv: Option<usize>,
    /// One alpha per target (leave-one-out only).
    pub alpha_per_target: bool,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for RidgeCV {
    fn default() -> Self {
        RidgeCV {
            alphas: vec![0.1, 1.0, 10.0],
            fit_intercept: true,
            cv: None,
            alpha_per_target: false,
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

    /// Sets `cv` (`None`: leave-one-out; `Some(k)`: k folds).
    #[must_use]
    pub fn cv(mut self, cv: Option<usize>) -> Self {
        self.cv = cv;
        self
    }

    /// Sets `alpha_per_target`.
    #[must_use]
    pub fn alpha_per_target(mut self, alpha_per_target: bool) -> Self {
        self.alpha_per_target = alpha_per_target;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }

    /// Fits several targets at once (`y`: samples x targets), as
    /// scikit-learn's `RidgeCV` with a two-dimensional `y`: one alpha for all
    /// targets (the best mean score over targets), or one per target with
    /// `alpha_per_target`.
    ///
    /// # Errors
    /// As [`Fit::fit`]; also when `y` has no columns or a different number
    /// of rows than `x`.
    pub fn fit_multi<'a, F: Float>(
        &self,
        x: ArrayView2<'a, F>,
        y: ArrayView2<'a, F>,
        weights: Option<ArrayView1<'a, F>>,
    ) -> Result<RidgeCvMultiModel<F>, LinearError> {
        let found = self.search(x, y, weights)?;
        Ok(RidgeCvMultiModel {
            model: MultiTargetLinearModel::from_solved(&found.solved),
            alpha: found.alpha,
            alphas: self.alphas.clone(),
            mean_squared_errors: found.mse,
            best_score: found.best_score,
        })
    }

    fn search<'a, F: Float>(
        &self,
        x: ArrayView2<'a, F>,
        y: ArrayView2<'a, F>,
        weights: Option<ArrayView1<'a, F>>,
    ) -> Result<Found, LinearError> {
        self.validate()?;
        least_squares::check_inputs(x, y, weights)?;
        if let Some(k) = self.cv
            && k > x.nrows()
        {
            return Err(Error::invalid_parameter(
                "cv",
                format!("at most the number of samples ({})", x.nrows()),
                k,
            )
            .into());
        }
        let problem = Problem {
            x,
            y,
            w: weights,
            fit_intercept: self.fit_intercept,
        };
        with_threads(self.n_threads, || match self.cv {
            None => loo_path(&problem, &self.alphas, self.alpha_per_target),
            Some(k) => kfold_path(&problem, &self.alphas, k),
        })?
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
        if let Some(k) = self.cv {
            check_at_least("cv", k, 2)?;
            if self.alpha_per_target {
                return Err(Error::invalid_parameter(
                    "alpha_per_target",
                    "false with k-fold cross-validation (cv = Some(k)), as scikit-learn",
                    true,
                ));
            }
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
    best_score: f64,
}

impl<F: Float> RidgeCvModel<F> {
    /// scikit-learn's `best_score_`: minus the smallest leave-one-out mean
    /// squared error, or the best mean R² over folds with `cv = Some(k)`.
    pub fn best_score(&self) -> f64 {
        self.best_score
    }

    /// The chosen penalty (scikit-learn's `alpha_`).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The candidate penalties, in the order given.
    pub fn alphas(&self) -> &[f64] {
        &self.alphas
    }

    /// The mean (over samples) weighted squared leave-one-out error of each
    /// candidate (with `cv = Some(k)`: the mean over folds of the fold's
    /// mean squared error).
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

/// A fitted [`RidgeCV::fit_multi`]: the ridge model of every target at its
/// chosen alpha, and the cross-validation errors.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RidgeCvMultiModel<F> {
    model: MultiTargetLinearModel<F>,
    alpha: Vec<f64>,
    alphas: Vec<f64>,
    mean_squared_errors: Array2<f64>,
    best_score: Vec<f64>,
}

impl<F: Float> RidgeCvMultiModel<F> {
    /// The chosen penalty of each target (all equal unless `alpha_per_target`).
    pub fn alpha(&self) -> &[f64] {
        &self.alpha
    }

    /// The candidate penalties, in the order given.
    pub fn alphas(&self) -> &[f64] {
        &self.alphas
    }

    /// Cross-validation mean squared errors, alphas x targets.
    pub fn mean_squared_errors(&self) -> &Array2<f64> {
        &self.mean_squared_errors
    }

    /// scikit-learn's `best_score_`: one value, or one per target with
    /// `alpha_per_target`.
    pub fn best_score(&self) -> &[f64] {
        &self.best_score
    }

    /// The ridge model of all targets.
    pub fn model(&self) -> &MultiTargetLinearModel<F> {
        &self.model
    }

    /// The coefficients, targets x features.
    pub fn coef(&self) -> &Array2<F> {
        self.model.coef()
    }

    /// The intercepts, one per target.
    pub fn intercept(&self) -> &Array1<F> {
        self.model.intercept()
    }
}

impl<F: Float> Predict<F> for RidgeCvMultiModel<F> {
    type Output = Array2<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, LinearError> {
        self.model.predict(x)
    }

    fn n_features_in(&self) -> usize {
        self.model.n_features_in()
    }
}

/// What a cross-validated search finds.
struct Found {
    solved: Solved,
    alpha: Vec<f64>,
    /// Mean squared errors, alphas x targets.
    mse: Array2<f64>,
    best_score: Vec<f64>,
}

/// The first index of the largest score.
fn argmax(scores: impl Iterator<Item = f64>) -> (usize, f64) {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, s) in scores.enumerate() {
        if i == 0 || s > best.1 {
            best = (i, s);
        }
    }
    best
}

/// The weighted, centred targets `√wᵢ (yᵢₜ - ȳₜ)`, samples x targets.
fn centred_targets<F: Float>(p: &Problem<'_, F>, y_mean: &[f64]) -> Array2<f64> {
    Array2::from_shape_fn(p.y.dim(), |(i, t)| {
        p.w.map_or(1.0, |w| w[i].as_f64()).sqrt() * (p.y[[i, t]].as_f64() - y_mean[t])
    })
}

/// Leave-one-out mean squared errors of every alpha and target, and the
/// ridge coefficients at the chosen alphas.
fn loo_path<F: Float>(
    p: &Problem<'_, F>,
    alphas: &[f64],
    per_target: bool,
) -> Result<Found, LinearError> {
    let m = linalg::moments(p)?;
    let n = p.x.nrows();
    let k = p.y.ncols();
    let a = m.active.len();
    let gram = linalg::gram(p, &m);
    let (lambda, v) = linalg::eigh(&gram.g)?;
    // z = Vᵀ c: the targets' coordinates in the eigenbasis (times the roots).
    let z = Mat::from_fn(a, k, |j, t| {
        (0..a).map(|i| v[(i, j)] * gram.c[(i, t)]).sum::<f64>()
    });
    let (q, _) = linalg::project_rows(p, &m, v.as_ref());
    let yw = centred_targets(p, &m.y_mean);
    let sum_w = m.sum_w;
    let mut mse = Array2::<f64>::zeros((alphas.len(), k));
    for (ai, &alpha) in alphas.iter().enumerate() {
        let inv: Vec<f64> = lambda.iter().map(|l| 1.0 / (l + alpha)).collect();
        let zs: Mat<f64> = Mat::from_fn(a, k, |j, t| z[(j, t)] * inv[j]);
        let parts: Vec<Vec<f64>> = chunk_ranges(n, 8192)
            .into_par_iter()
            .map(|range| {
                let mut total = vec![0.0; k];
                let mut fit = vec![0.0; k];
                for i in range {
                    let row = &q[i * a..(i + 1) * a];
                    let mut h = 0.0;
                    fit.iter_mut().for_each(|f| *f = 0.0);
                    for j in 0..a {
                        h += row[j] * row[j] * inv[j];
                        for (t, f) in fit.iter_mut().enumerate() {
                            *f += row[j] * zs[(j, t)];
                        }
                    }
                    if p.fit_intercept {
                        h += p.w.map_or(1.0, |w| w[i].as_f64()) / sum_w;
                    }
                    for t in 0..k {
                        let e = (yw[[i, t]] - fit[t]) / (1.0 - h);
                        total[t] += e * e;
                    }
                }
                total
            })
            .collect();
        for t in 0..k {
            mse[[ai, t]] = parts.iter().map(|part| part[t]).sum::<f64>() / n as f64;
        }
    }
    let (alpha, best_score) = if per_target {
        (0..k)
            .map(|t| {
                let (best, score) = argmax((0..alphas.len()).map(|ai| -mse[[ai, t]]));
                (alphas[best], score)
            })
            .unzip()
    } else {
        let (best, score) = argmax(mse.rows().into_iter().map(|r| -r.mean().unwrap_or(0.0)));
        (vec![alphas[best]; k], vec![score])
    };
    let coef_active = Mat::from_fn(a, k, |i, t| {
        (0..a)
            .map(|j| v[(i, j)] * z[(j, t)] / (lambda[j] + alpha[t]))
            .sum()
    });
    let solved = least_squares::assemble(p, m, coef_active, a, Solver::Eigen);
    Ok(Found {
        solved,
        alpha,
        mse,
        best_score,
    })
}

/// R² of `pred` for `y` (scikit-learn's `r2_score`: 1 for a perfect fit of a
/// constant target, 0 for an imperfect one).
fn r2(y: ArrayView1<'_, f64>, pred: ArrayView1<'_, f64>) -> f64 {
    let mean = y.mean().unwrap_or(0.0);
    let ss_res: f64 = y.iter().zip(pred).map(|(a, b)| (a - b).powi(2)).sum();
    let ss_tot: f64 = y.iter().map(|a| (a - mean).powi(2)).sum();
    if ss_tot == 0.0 {
        if ss_res == 0.0 { 1.0 } else { 0.0 }
    } else {
        1.0 - ss_res / ss_tot
    }
}

/// k-fold cross-validation (contiguous folds) scored by R², then a refit.
fn kfold_path<F: Float>(
    p: &Problem<'_, F>,
    alphas: &[f64],
    folds: usize,
) -> Result<Found, LinearError> {
    let n = p.x.nrows();
    let k = p.y.ncols();
    let mut scores = Array2::<f64>::zeros((alphas.len(), k));
    let mut mse = Array2::<f64>::zeros((alphas.len(), k));
    let (base, extra) = (n / folds, n % folds);
    let mut start = 0;
    for fold in 0..folds {
        let end = start + base + usize::from(fold < extra);
        let train: Vec<usize> = (0..start).chain(end..n).collect();
        let (xt, yt) = (p.x.select(Axis(0), &train), p.y.select(Axis(0), &train));
        let wt = p.w.map(|w| w.select(Axis(0), &train));
        let tp = Problem {
            x: xt.view(),
            y: yt.view(),
            w: wt.as_ref().map(|w| w.view()),
            fit_intercept: p.fit_intercept,
        };
        let m = linalg::moments(&tp)?;
        let a = m.active.len();
        let gram = linalg::gram(&tp, &m);
        let (lambda, v) = linalg::eigh(&gram.g)?;
        let z = Mat::from_fn(a, k, |j, t| {
            (0..a).map(|i| v[(i, j)] * gram.c[(i, t)]).sum::<f64>()
        });
        let x_test = p.x.slice(ndarray::s![start..end, ..]).mapv(|v| v.as_f64());
        let y_test = p.y.slice(ndarray::s![start..end, ..]).mapv(|v| v.as_f64());
        for (ai, &alpha) in alphas.iter().enumerate() {
            let coef_active = Mat::from_fn(a, k, |i, t| {
                (0..a)
                    .map(|j| v[(i, j)] * z[(j, t)] / (lambda[j] + alpha))
                    .sum()
            });
            let solved = least_squares::assemble(&tp, m.clone(), coef_active, a, Solver::Eigen);
            let pred = x_test.dot(&solved.coef.t()) + solved.intercept.view().insert_axis(Axis(0));
            for t in 0..k {
                let (yc, pc) = (y_test.column(t), pred.column(t));
                scores[[ai, t]] += r2(yc, pc) / folds as f64;
                let err = yc.iter().zip(pc).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
                mse[[ai, t]] += err / (end - start) as f64 / folds as f64;
            }
        }
        start = end;
    }
    let (best, score) = argmax(scores.rows().into_iter().map(|r| r.mean().unwrap_or(0.0)));
    let alpha = alphas[best];
    let solved = least_squares::solve(p, Penalty::Ridge(alpha))?;
    Ok(Found {
        solved,
        alpha: vec![alpha; k],
        mse,
        best_score: vec![score],
    })
}

impl<F: Float> Fit<F, F> for RidgeCV {
    type Model = RidgeCvModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<RidgeCvModel<F>, LinearError> {
        let y = data.targets().insert_axis(Axis(1));
        let found = self.search(data.records(), y, data.weights())?;
        Ok(RidgeCvModel {
            model: LinearModel::from_solved(&found.solved),
            alpha: found.alpha[0],
            alphas: self.alphas.clone(),
            mean_squared_errors: found.mse.column(0).to_vec(),
            best_score: found.best_score[0],
        })
    }
}
