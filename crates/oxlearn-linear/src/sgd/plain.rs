//! The plain SGD loop, a port of scikit-learn's `_plain_sgd` for dense data:
//! one binary (or regression) problem, sample by sample.
//!
//! The weights are stored as `wscale · w`, so that the L2 shrinkage of every
//! step is one multiplication; the L1 part of the penalty is the cumulative
//! truncated gradient of Tsuruoka, Tsujii and Ananiadou (2009); averaged SGD
//! keeps the average lazily as `(aw + average_a · w) / average_b`, exactly as
//! scikit-learn's `WeightVector`, so that fits match it to rounding.

use oxlearn::Float;
use oxlearn::random::Rng;
use rand::seq::SliceRandom;

use super::params::{LearningRate, SgdLoss, SgdPenalty};
use crate::error::LinearError;

/// Below this scale the weights are rescaled (scikit-learn's threshold for `f64`).
const RESET_WSCALE: f64 = 1e-9;
/// Loss derivatives are clipped to this magnitude.
const MAX_DLOSS: f64 = 1e12;
/// Rows gathered at once from a shuffled order.
const GATHER_ROWS: usize = 64;

/// The settings of one call of the loop.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub loss: SgdLoss,
    pub penalty: SgdPenalty,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub tol: Option<f64>,
    pub n_iter_no_change: usize,
    pub shuffle: bool,
    pub epsilon: f64,
    pub learning_rate: LearningRate,
    pub eta0: f64,
    pub power_t: f64,
    pub average: usize,
    /// How the validation set scores the model when early stopping (`None`:
    /// stop on the training loss instead).
    pub early_stopping: Option<Score>,
}

/// The validation score used for early stopping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Score {
    /// Weighted accuracy of the sign of the decision value against `y > 0`.
    Accuracy,
    /// Weighted coefficient of determination.
    R2,
}

/// The learned state of one problem, kept between `partial_fit` calls.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct State {
    /// Plain SGD weights.
    pub coef: Vec<f64>,
    /// Plain SGD intercept.
    pub intercept: f64,
    /// Averaged weights (empty without averaging).
    pub avg_coef: Vec<f64>,
    /// Averaged intercept.
    pub avg_intercept: f64,
}

impl State {
    /// All zeros for `p` features.
    pub fn zeros(p: usize, average: bool) -> Self {
        State {
            coef: vec![0.0; p],
            intercept: 0.0,
            avg_coef: if average { vec![0.0; p] } else { Vec::new() },
            avg_intercept: 0.0,
        }
    }
}

/// One problem's data: records (row-major, `n_features` per row), targets,
/// per-sample weights and the validation mask (samples not learned from).
pub(crate) struct Problem<'a, F> {
    pub x: &'a [F],
    pub n_features: usize,
    pub y: &'a [f64],
    pub sample_weight: &'a [f64],
    pub validation: Option<&'a [bool]>,
}

/// What the loop reports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    /// Epochs run.
    pub n_iter: usize,
    /// Whether the stopping rule fired before `max_iter` epochs.
    pub converged: bool,
}

/// The weight vector `wscale · w` with its lazy average.
struct Weights<'s> {
    w: &'s mut [f64],
    wscale: f64,
    aw: Option<&'s mut [f64]>,
    average_a: f64,
    average_b: f64,
}

impl Weights<'_> {
    fn dot<F: Float>(&self, x: &[F]) -> f64 {
        dot(self.w, x) * self.wscale
    }

    fn add<F: Float>(&mut self, x: &[F], c: f64) {
        let step = c / self.wscale;
        for (w, v) in self.w.iter_mut().zip(x) {
            *w += v.as_f64() * step;
        }
    }

    fn add_average<F: Float>(&mut self, x: &[F], c: f64, num_iter: f64) {
        let mu = 1.0 / num_iter;
        if let Some(aw) = self.aw.as_deref_mut() {
            let step = self.average_a * (-c / self.wscale);
            for (a, v) in aw.iter_mut().zip(x) {
                *a += v.as_f64() * step;
            }
        }
        if num_iter > 1.0 {
            self.average_b /= 1.0 - mu;
        }
        self.average_a += mu * self.average_b * self.wscale;
    }

    fn scale(&mut self, c: f64) {
        self.wscale *= c;
        if self.wscale < RESET_WSCALE {
            self.reset_wscale();
        }
    }

    fn reset_wscale(&mut self) {
        if let Some(aw) = self.aw.as_deref_mut() {
            let inv_b = 1.0 / self.average_b;
            for (a, w) in aw.iter_mut().zip(self.w.iter()) {
                *a = (*a + self.average_a * w) * inv_b;
            }
            self.average_a = 0.0;
            self.average_b = 1.0;
        }
        for w in self.w.iter_mut() {
            *w *= self.wscale;
        }
        self.wscale = 1.0;
    }

    /// The truncated-gradient L1 step on every feature (dense data).
    fn l1_penalty(&mut self, q: &mut [f64], u: f64) {
        let wscale = self.wscale;
        for (w, q) in self.w.iter_mut().zip(q.iter_mut()) {
            let z = *w;
            if wscale * z > 0.0 {
                *w = (*w - (u + *q) / wscale).max(0.0);
            } else if wscale * z < 0.0 {
                *w = (*w + (u - *q) / wscale).min(0.0);
            }
            *q += wscale * (*w - z);
        }
    }
}

/// `Σ w_j x_j` with four accumulators.
fn dot<F: Float>(w: &[f64], x: &[F]) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut wc = w.chunks_exact(4);
    let mut xc = x.chunks_exact(4);
    for (a, b) in (&mut wc).zip(&mut xc) {
        acc[0] += a[0] * b[0].as_f64();
        acc[1] += a[1] * b[1].as_f64();
        acc[2] += a[2] * b[2].as_f64();
        acc[3] += a[3] * b[3].as_f64();
    }
    let mut tail = 0.0;
    for (a, b) in wc.remainder().iter().zip(xc.remainder()) {
        tail += a * b.as_f64();
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Runs up to `max_iter` epochs of SGD on `problem` from `state`, starting
/// the sample counter at `t`. `weight_pos` / `weight_neg` multiply the
/// sample weight of samples with `y > 0` / `y <= 0` (class weights).
///
/// # Errors
/// [`LinearError::SgdDiverged`] when the weights or intercept overflow.
#[allow(clippy::too_many_arguments)]
pub(crate) fn plain_sgd<F: Float>(
    state: &mut State,
    problem: &Problem<'_, F>,
    s: &Settings,
    weight_pos: f64,
    weight_neg: f64,
    max_iter: usize,
    mut t: f64,
    rng: &mut Rng,
) -> Result<Outcome, LinearError> {
    let p = problem.n_features;
    let n = problem.y.len();
    let x = problem.x;
    let averaging = s.average > 0;
    let (w_slice, aw_slice) = (&mut state.coef, &mut state.avg_coef);
    let mut w = Weights {
        w: w_slice,
        wscale: 1.0,
        aw: if averaging {
            Some(aw_slice.as_mut_slice())
        } else {
            None
        },
        average_a: 0.0,
        average_b: 1.0,
    };
    let mut intercept = state.intercept;
    let mut avg_intercept = state.avg_intercept;
    let l1_ratio = match s.penalty {
        SgdPenalty::L2 => 0.0,
        SgdPenalty::L1 => 1.0,
        SgdPenalty::ElasticNet | SgdPenalty::None => s.l1_ratio,
    };
    let use_l1 = matches!(s.penalty, SgdPenalty::L1 | SgdPenalty::ElasticNet);
    let use_l2 = !matches!(s.penalty, SgdPenalty::None);
    let mut q = if use_l1 { vec![0.0; p] } else { Vec::new() };
    let mut u = 0.0;
    let mut eta = s.eta0;
    let optimal_init = if s.learning_rate == LearningRate::Optimal {
        let typw = (1.0 / s.alpha.sqrt()).sqrt();
        let initial_eta0 = typw / s.loss.gradient(1.0, -typw, s.epsilon).max(1.0);
        1.0 / (initial_eta0 * s.alpha)
    } else {
        0.0
    };
    let validation = problem.validation;
    let train_count = n - validation.map_or(0, |m| m.iter().filter(|v| **v).count());
    // The training loss only feeds the stopping rule.
    let track_loss = s.early_stopping.is_none() && s.tol.is_some();
    let mut order: Vec<usize> = (0..n).collect();
    let mut gathered: Vec<F> = Vec::with_capacity(GATHER_ROWS.min(n) * p);
    let mut best_loss = f64::INFINITY;
    let mut best_score = f64::NEG_INFINITY;
    let mut no_improvement = 0usize;
    let mut epoch = 0;
    let mut converged = false;
    while epoch < max_iter {
        epoch += 1;
        let mut sumloss = 0.0;
        if s.shuffle {
            order.shuffle(rng);
        }
        for block in order.chunks(GATHER_ROWS) {
            // Shuffled rows are gathered a block at a time: independent loads
            // that the memory system overlaps, instead of one cache miss per
            // sample in the dependent chain of updates.
            let rows: &[F] = if s.shuffle {
                gathered.clear();
                for &i in block {
                    gathered.extend_from_slice(&x[i * p..(i + 1) * p]);
                }
                &gathered
            } else {
                &x[block[0] * p..(block[0] + block.len()) * p]
            };
            for (k, &i) in block.iter().enumerate() {
                if validation.is_some_and(|m| m[i]) {
                    continue;
                }
                let xi = &rows[k * p..(k + 1) * p];
                let y = problem.y[i];
                let pred = w.dot(xi) + intercept;
                match s.learning_rate {
                    LearningRate::Optimal => eta = 1.0 / (s.alpha * (optimal_init + t - 1.0)),
                    LearningRate::InvScaling => eta = s.eta0 / t.powf(s.power_t),
                    LearningRate::Constant | LearningRate::Adaptive => {}
                }
                if track_loss {
                    sumloss += s.loss.loss(y, pred, s.epsilon);
                }
                let class_weight = if y > 0.0 { weight_pos } else { weight_neg };
                let dloss = s
                    .loss
                    .gradient(y, pred, s.epsilon)
                    .clamp(-MAX_DLOSS, MAX_DLOSS);
                let update = -eta * dloss * class_weight * problem.sample_weight[i];
                if use_l2 {
                    w.scale((1.0 - (1.0 - l1_ratio) * eta * s.alpha).max(0.0));
                }
                if update != 0.0 {
                    w.add(xi, update);
                }
                if s.fit_intercept && update != 0.0 {
                    intercept += update;
                }
                if averaging && s.average as f64 <= t {
                    let num_iter = t - s.average as f64 + 1.0;
                    w.add_average(xi, update, num_iter);
                    avg_intercept += (intercept - avg_intercept) / num_iter;
                }
                if use_l1 {
                    u += l1_ratio * eta * s.alpha;
                    w.l1_penalty(&mut q, u);
                }
                t += 1.0;
            }
        }
        if !intercept.is_finite() || w.w.iter().any(|v| !v.is_finite()) {
            return Err(LinearError::SgdDiverged { epoch });
        }
        let improved = match (s.early_stopping, validation) {
            (Some(score_kind), Some(mask)) => {
                let score = validation_score(&w, intercept, problem, mask, score_kind);
                let no_gain = s.tol.is_some_and(|tol| score < best_score + tol);
                if score > best_score {
                    best_score = score;
                }
                !no_gain
            }
            _ => {
                let no_gain = s
                    .tol
                    .is_some_and(|tol| sumloss > best_loss - tol * train_count as f64);
                if sumloss < best_loss {
                    best_loss = sumloss;
                }
                !no_gain
            }
        };
        no_improvement = if improved { 0 } else { no_improvement + 1 };
        if no_improvement >= s.n_iter_no_change {
            if s.learning_rate == LearningRate::Adaptive && eta > 1e-6 {
                eta /= 5.0;
                no_improvement = 0;
            } else {
                converged = true;
                break;
            }
        }
    }
    w.reset_wscale();
    state.intercept = intercept;
    state.avg_intercept = avg_intercept;
    Ok(Outcome {
        n_iter: epoch,
        converged,
    })
}

/// The validation score of the current (plain) weights.
fn validation_score<F: Float>(
    w: &Weights<'_>,
    intercept: f64,
    problem: &Problem<'_, F>,
    mask: &[bool],
    kind: Score,
) -> f64 {
    let p = problem.n_features;
    let mut rows = Vec::new();
    let mut total = 0.0;
    for (i, _) in mask.iter().enumerate().filter(|(_, m)| **m) {
        let pred = w.dot(&problem.x[i * p..(i + 1) * p]) + intercept;
        let sw = problem.sample_weight[i];
        total += sw;
        rows.push((pred, problem.y[i], sw));
    }
    if total <= 0.0 {
        return 0.0;
    }
    match kind {
        Score::Accuracy => {
            let correct: f64 = rows
                .iter()
                .filter(|(pred, y, _)| (*pred > 0.0) == (*y > 0.0))
                .map(|(_, _, sw)| sw)
                .sum();
            correct / total
        }
        Score::R2 => {
            let mean = rows.iter().map(|(_, y, sw)| y * sw).sum::<f64>() / total;
            let ss_res: f64 = rows.iter().map(|(p, y, sw)| sw * (y - p) * (y - p)).sum();
            let ss_tot: f64 = rows
                .iter()
                .map(|(_, y, sw)| sw * (y - mean) * (y - mean))
                .sum();
            if ss_tot > 0.0 {
                1.0 - ss_res / ss_tot
            } else if ss_res == 0.0 {
                1.0
            } else {
                0.0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxlearn::random::rng_from_seed;

    fn settings(average: usize, penalty: SgdPenalty) -> Settings {
        Settings {
            loss: SgdLoss::SquaredError,
            penalty,
            alpha: 0.01,
            l1_ratio: 0.15,
            fit_intercept: true,
            tol: None,
            n_iter_no_change: 5,
            shuffle: false,
            epsilon: 0.1,
            learning_rate: LearningRate::InvScaling,
            eta0: 0.05,
            power_t: 0.25,
            average,
            early_stopping: None,
        }
    }

    /// The lazy average equals the plain mean of the iterates (L2 penalty,
    /// no L1 truncation, which the lazy form only approximates).
    #[test]
    fn lazy_average_is_the_mean_of_the_iterates() {
        let x: Vec<f64> = (0..40)
            .map(|i| ((i * 37 % 11) as f64 - 5.0) / 3.0)
            .collect();
        let y: Vec<f64> = (0..20)
            .map(|i| x[2 * i] - 0.5 * x[2 * i + 1] + 0.2)
            .collect();
        let sw = vec![1.0; 20];
        let problem = Problem {
            x: &x,
            n_features: 2,
            y: &y,
            sample_weight: &sw,
            validation: None,
        };
        let mut rng = rng_from_seed(0);
        let mut avg = State::zeros(2, true);
        plain_sgd(
            &mut avg,
            &problem,
            &settings(1, SgdPenalty::L2),
            1.0,
            1.0,
            3,
            1.0,
            &mut rng,
        )
        .expect("fit");
        // The iterates, one sample at a time.
        let mut plain = State::zeros(2, false);
        let (mut sum, mut sum_b) = (vec![0.0; 2], 0.0);
        for step in 0..60 {
            let i = step % 20;
            let one = Problem {
                x: &x[2 * i..2 * i + 2],
                n_features: 2,
                y: &y[i..=i],
                sample_weight: &sw[i..=i],
                validation: None,
            };
            let t = 1.0 + step as f64;
            plain_sgd(
                &mut plain,
                &one,
                &settings(0, SgdPenalty::L2),
                1.0,
                1.0,
                1,
                t,
                &mut rng,
            )
            .expect("step");
            for (s, w) in sum.iter_mut().zip(&plain.coef) {
                *s += w;
            }
            sum_b += plain.intercept;
        }
        for (a, s) in avg.avg_coef.iter().zip(&sum) {
            assert!((a - s / 60.0).abs() < 1e-12, "{a} vs {}", s / 60.0);
        }
        assert!((avg.avg_intercept - sum_b / 60.0).abs() < 1e-12);
        assert!((avg.coef[0] - plain.coef[0]).abs() < 1e-12);
    }
}
