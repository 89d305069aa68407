//! Logistic regression with an L2 penalty, by L-BFGS: [`LogisticRegression`].

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatMut, MatRef, Par};
use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::parallel::{chunk_ranges, with_threads};
use oxlearn::params::{
    Params, check_at_least, check_n_threads, check_non_negative, check_positive,
};
use oxlearn::{
    ClassLabels, ClassWeight, DatasetView, Error, Fit, Float, Predict, PredictProba, check,
};
use rayon::prelude::*;

use crate::error::LinearError;
use crate::{lbfgs, owlqn};
use oxlearn::math::fast_exp;

/// The penalty of a [`LogisticRegression`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Penalty {
    /// `‖W‖² / (2C)` (scikit-learn's default `"l2"`).
    #[default]
    L2,
    /// `‖W‖₁ / C` (scikit-learn's `"l1"` with the `saga` solver): sparse
    /// coefficients, by OWL-QN.
    L1,
    /// `(l1_ratio ‖W‖₁ + (1 - l1_ratio) ‖W‖² / 2) / C` (scikit-learn's
    /// `"elasticnet"`), `l1_ratio` in [0, 1], by OWL-QN.
    ElasticNet {
        /// Share of the L1 penalty.
        l1_ratio: f64,
    },
    /// No penalty (scikit-learn's `None`); diverges on separable data.
    None,
}

/// Logistic regression, as scikit-learn's `LogisticRegression` with the
/// `lbfgs` solver (`saga` for the L1 and elastic-net penalties, which are
/// minimised here by OWL-QN, L-BFGS for an objective with an L1 term): binary (one coefficient vector, the second class is the
/// positive one) or multinomial (one vector per class, softmax) for three
/// classes or more. Minimises
///
/// `Σ sᵢ · log-loss(yᵢ, xᵢ) + ‖W‖² / (2C)` (intercepts not penalised),
///
/// where `sᵢ` is the sample weight times the class weight.
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `c` | 1.0 | inverse penalty strength (scikit-learn's `C`), finite and > 0 |
/// | `penalty` | [`Penalty::L2`] | L2, L1, elastic net or none |
/// | `fit_intercept` | `true` | fit one intercept per coefficient vector |
/// | `max_iter` | 100 | maximum L-BFGS iterations, >= 1 |
/// | `tol` | 1e-4 | stop when the largest gradient component of the objective divided by `Σ sᵢ` is at most `tol` (>= 0) |
/// | `class_weight` | [`ClassWeight::Uniform`] | per-class weights or balanced |
/// | `n_threads` | `None` (rayon's global pool) | threads; `Some(n)`, n >= 1 |
///
/// Labels may be any `Ord + Clone` type; the model reports its classes sorted
/// (the column order of `predict_proba`), the number of iterations and
/// whether it converged, instead of printing a warning. The records are
/// copied once, to `f64`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict, PredictProba};
/// use oxlearn_linear::LogisticRegression;
///
/// let x = array![[0.0f64], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let data = Dataset::new(x, array!["no", "no", "no", "yes", "no", "yes"])?;
/// let model = LogisticRegression::default().fit(data.view())?;
/// assert_eq!(model.classes(), ["no", "yes"]);
/// let proba = model.predict_proba(array![[0.0], [5.0]].view())?;
/// assert!(proba[[0, 0]] > 0.5 && proba[[1, 1]] > 0.5);
/// assert_eq!(model.predict(array![[5.0]].view())?, array!["yes"]);
///
/// let one_class = Dataset::new(array![[0.0f64], [1.0]], array![1, 1])?;
/// assert!(LogisticRegression::default().fit(one_class.view()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LogisticRegression {
    /// Inverse penalty strength (> 0).
    pub c: f64,
    /// The penalty.
    pub penalty: Penalty,
    /// Whether to fit intercepts.
    pub fit_intercept: bool,
    /// Maximum number of L-BFGS iterations (>= 1).
    pub max_iter: usize,
    /// Tolerance on the largest gradient component (>= 0).
    pub tol: f64,
    /// Per-class weights.
    pub class_weight: ClassWeight,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for LogisticRegression {
    fn default() -> Self {
        LogisticRegression {
            c: 1.0,
            penalty: Penalty::L2,
            fit_intercept: true,
            max_iter: 100,
            tol: 1e-4,
            class_weight: ClassWeight::Uniform,
            n_threads: None,
        }
    }
}

impl LogisticRegression {
    /// Sets `c` (scikit-learn's `C`).
    #[must_use]
    pub fn c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }

    /// Sets `penalty`.
    #[must_use]
    pub fn penalty(mut self, penalty: Penalty) -> Self {
        self.penalty = penalty;
        self
    }

    /// Sets `fit_intercept`.
    #[must_use]
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Sets `max_iter`.
    #[must_use]
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Sets `tol`.
    #[must_use]
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Sets `class_weight`.
    #[must_use]
    pub fn class_weight(mut self, class_weight: ClassWeight) -> Self {
        self.class_weight = class_weight;
        self
    }

    /// Sets `n_threads`.
    #[must_use]
    pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
        self.n_threads = n_threads;
        self
    }
}

impl Params for LogisticRegression {
    fn validate(&self) -> Result<(), Error> {
        check_positive("c", self.c)?;
        if let Penalty::ElasticNet { l1_ratio } = self.penalty {
            oxlearn::params::check_range("l1_ratio", l1_ratio, 0.0, 1.0)?;
        }
        check_at_least("max_iter", self.max_iter, 1)?;
        check_non_negative("tol", self.tol)?;
        self.class_weight.validate("class_weight")?;
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

/// Rows per parallel task of the loss (a fixed partition).
const TASK_ROWS: usize = 2048;

/// The objective: records in `f64` (row-major), class indices, weights.
struct Objective<'a> {
    x: &'a [f64],
    n: usize,
    p: usize,
    /// Coefficient vectors (1 for binary, k for multinomial).
    rows: usize,
    y: &'a [usize],
    s: &'a [f64],
    inv_c: f64,
    fit_intercept: bool,
    scale: f64,
}

impl Objective<'_> {
    fn width(&self) -> usize {
        self.p + usize::from(self.fit_intercept)
    }

    /// Loss, weight gradient (r x p) and intercept gradient of the rows in
    /// `range`, sequentially: one task of the parallel evaluation.
    fn chunk(&self, theta: &[f64], range: std::ops::Range<usize>) -> (f64, Mat<f64>, Vec<f64>) {
        let (p, r, width) = (self.p, self.rows, self.width());
        let rows = range.len();
        let xc = MatRef::from_row_major_slice(&self.x[range.start * p..range.end * p], rows, p);
        let wf = MatRef::from_row_major_slice_with_stride(theta, r, p, width);
        // Decision values, row-major (a contiguous destination: see linalg's tests).
        let mut z = vec![0.0; rows * r];
        matmul(
            MatMut::from_row_major_slice_mut(&mut z, rows, r),
            Accum::Replace,
            xc,
            wf.transpose(),
            1.0,
            Par::Seq,
        );
        let intercepts: Vec<f64> = (0..r)
            .map(|k| {
                if self.fit_intercept {
                    theta[k * width + p]
                } else {
                    0.0
                }
            })
            .collect();
        let mut loss = 0.0;
        let mut bias = vec![0.0; r];
        for (zi, i) in z.chunks_exact_mut(r).zip(range) {
            for (v, b) in zi.iter_mut().zip(&intercepts) {
                *v += b;
            }
            let s = self.s[i];
            let yi = self.y[i];
            if r == 1 {
                let t = zi[0];
                let target = if yi == 1 { 1.0 } else { 0.0 };
                // One exponential: e = exp(-|t|).
                let e = fast_exp(-t.abs());
                loss += s * (t.max(0.0) + e.ln_1p() - target * t);
                let prob = if t >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                zi[0] = s * (prob - target);
            } else {
                let max = zi.iter().fold(f64::NEG_INFINITY, |m, v| m.max(*v));
                let z_true = zi[yi];
                let mut sum = 0.0;
                for v in zi.iter_mut() {
                    *v = fast_exp(*v - max);
                    sum += *v;
                }
                loss += s * (max + sum.ln() - z_true);
                let inv = s / sum;
                for v in zi.iter_mut() {
                    *v *= inv;
                }
                zi[yi] -= s;
            }
            for (b, v) in bias.iter_mut().zip(zi.iter()) {
                *b += v;
            }
        }
        let zr = MatRef::from_row_major_slice(&z, rows, r);
        let mut g = Mat::<f64>::zeros(r, p);
        matmul(
            g.as_mut(),
            Accum::Replace,
            zr.transpose(),
            xc,
            1.0,
            Par::Seq,
        );
        (loss, g, bias)
    }

    /// Value and gradient at `theta` (rows x width, row-major), divided by
    /// the sum of the weights. Rows are split into a fixed partition of
    /// tasks combined in order, so the result does not depend on threads.
    fn eval(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (p, r, width) = (self.p, self.rows, self.width());
        let parts: Vec<(f64, Mat<f64>, Vec<f64>)> = chunk_ranges(self.n, TASK_ROWS)
            .into_par_iter()
            .map(|range| self.chunk(theta, range))
            .collect();
        let mut loss = 0.0;
        let mut g = Mat::<f64>::zeros(r, p);
        let mut bias = vec![0.0; r];
        for (l, gc, b) in parts {
            loss += l;
            g += &gc;
            for (t, v) in bias.iter_mut().zip(b) {
                *t += v;
            }
        }
        let mut penalty = 0.0;
        for k in 0..r {
            for j in 0..p {
                let w = theta[k * width + j];
                penalty += w * w;
                grad[k * width + j] = (g[(k, j)] + self.inv_c * w) * self.scale;
            }
            if self.fit_intercept {
                grad[k * width + p] = bias[k] * self.scale;
            }
        }
        (loss + 0.5 * self.inv_c * penalty) * self.scale
    }
}

impl<F: Float, T: Ord + Clone + Send + Sync> Fit<F, T> for LogisticRegression {
    type Model = LogisticRegressionModel<F, T>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, LinearError> {
        self.validate()?;
        let records = data.records();
        check::records(records, "training records")?;
        let (labels, y) = ClassLabels::fit(data.targets(), 2)?;
        let k = labels.n_classes();
        let n = records.nrows();
        let p = records.ncols();
        // Weighted class counts, as scikit-learn's compute_class_weight.
        let mut counts = vec![0.0f64; k];
        for (i, &c) in y.iter().enumerate() {
            counts[c] += data.weights().map_or(1.0, |w| w[i].as_f64());
        }
        let class_w = self.class_weight.weights(&counts)?;
        let s: Vec<f64> = (0..n)
            .map(|i| data.weights().map_or(1.0, |w| w[i].as_f64()) * class_w[y[i]])
            .collect();
        let sum_s: f64 = s.iter().sum();
        if sum_s.is_nan() || sum_s <= 0.0 {
            return Err(LinearError::ZeroWeightSum);
        }
        let x: Vec<f64> = records.iter().map(|v| v.as_f64()).collect();
        let rows = if k == 2 { 1 } else { k };
        let y_vec = y.to_vec();
        let objective = Objective {
            x: &x,
            n,
            p,
            rows,
            y: &y_vec,
            s: &s,
            inv_c: match self.penalty {
                Penalty::L2 => 1.0 / self.c,
                Penalty::ElasticNet { l1_ratio } => (1.0 - l1_ratio) / self.c,
                Penalty::L1 | Penalty::None => 0.0,
            },
            fit_intercept: self.fit_intercept,
            scale: 1.0 / sum_s,
        };
        let width = objective.width();
        let mut theta = vec![0.0; rows * width];
        let l1 = match self.penalty {
            Penalty::L1 => 1.0 / self.c,
            Penalty::ElasticNet { l1_ratio } => l1_ratio / self.c,
            Penalty::L2 | Penalty::None => 0.0,
        } / sum_s;
        let result = with_threads(self.n_threads, || {
            if l1 > 0.0 {
                // Intercepts are not penalised.
                let weights: Vec<f64> = (0..rows * width)
                    .map(|i| if i % width < p { l1 } else { 0.0 })
                    .collect();
                owlqn::minimise(
                    &mut theta,
                    &weights,
                    |t, g| objective.eval(t, g),
                    self.tol,
                    self.max_iter,
                )
            } else {
                lbfgs::minimise(
                    &mut theta,
                    |t, g| objective.eval(t, g),
                    self.tol,
                    self.max_iter,
                )
            }
        })?;
        let coef = Array2::from_shape_fn((rows, p), |(r, j)| F::cast(theta[r * width + j]));
        let intercept = Array1::from_shape_fn(rows, |r| {
            if self.fit_intercept {
                F::cast(theta[r * width + p])
            } else {
                F::zero()
            }
        });
        Ok(LogisticRegressionModel {
            labels,
            coef,
            intercept,
            n_iter: result.n_iter,
            converged: result.converged,
        })
    }
}

/// A fitted [`LogisticRegression`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LogisticRegressionModel<F, T> {
    labels: ClassLabels<T>,
    coef: Array2<F>,
    intercept: Array1<F>,
    n_iter: usize,
    converged: bool,
}

impl<F: Float, T: Ord + Clone> LogisticRegressionModel<F, T> {
    /// Coefficients: one row for two classes (the second class is positive),
    /// one row per class otherwise (scikit-learn's `coef_`).
    pub fn coef(&self) -> &Array2<F> {
        &self.coef
    }

    /// Intercepts, one per row of [`coef`](Self::coef).
    pub fn intercept(&self) -> &Array1<F> {
        &self.intercept
    }

    /// Number of L-BFGS iterations (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the optimiser met its tolerance within `max_iter` iterations.
    pub fn converged(&self) -> bool {
        self.converged
    }

    fn check_model(&self) -> Result<(), LinearError> {
        let k = self.labels.n_classes();
        let rows = if k == 2 { 1 } else { k };
        if k < 2 || self.coef.nrows() != rows || self.intercept.len() != rows {
            return Err(Error::InvalidModel(format!(
                "{} classes need {rows} coefficient rows and intercepts, got {} and {}",
                k,
                self.coef.nrows(),
                self.intercept.len()
            ))
            .into());
        }
        Ok(())
    }

    /// Decision values: samples x 1 (binary: the log-odds of the second
    /// class) or samples x classes.
    ///
    /// # Errors
    /// Wrong number of features, non-finite records, or a corrupt model.
    pub fn decision_function(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, LinearError> {
        self.check_model()?;
        crate::model::decision_values(&self.coef, &self.intercept, x)
    }
}

impl<F: Float, T: Ord + Clone> Predict<F> for LogisticRegressionModel<F, T> {
    type Output = Array1<T>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<T>, LinearError> {
        let d = self.decision_function(x)?;
        Ok(self.labels.decode(crate::model::decided_classes(&d)))
    }

    fn n_features_in(&self) -> usize {
        self.coef.ncols()
    }
}

impl<F: Float, T: Ord + Clone> PredictProba<F> for LogisticRegressionModel<F, T> {
    type Class = T;

    fn classes(&self) -> &[T] {
        self.labels.classes()
    }

    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, LinearError> {
        let d = self.decision_function(x)?;
        let k = self.labels.n_classes();
        let mut out = Array2::<F>::zeros((x.nrows(), k));
        for (row, mut o) in d.rows().into_iter().zip(out.rows_mut()) {
            if k == 2 {
                let p1 = 1.0 / (1.0 + (-row[0].as_f64()).exp());
                o[0] = F::cast(1.0 - p1);
                o[1] = F::cast(p1);
            } else {
                let max = row.iter().fold(f64::NEG_INFINITY, |m, v| m.max(v.as_f64()));
                let e: Vec<f64> = row.iter().map(|v| (v.as_f64() - max).exp()).collect();
                let sum: f64 = e.iter().sum();
                for (o, v) in o.iter_mut().zip(e) {
                    *o = F::cast(v / sum);
                }
            }
        }
        Ok(out)
    }
}
