//! The hyperparameter vocabulary shared by [`SgdClassifier`](super::SgdClassifier)
//! and [`SgdRegressor`](super::SgdRegressor): losses, penalties, learning-rate
//! schedules, and the checks common to both.

use oxlearn::Error;
use oxlearn::params::{check_at_least, check_non_negative, check_open_range, check_range};

/// The loss minimised by stochastic gradient descent (scikit-learn's `loss`).
///
/// Classification losses see the targets of each one-vs-rest problem as
/// `±1` (`LogLoss` as `0 / 1`); regression losses see the targets as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SgdLoss {
    /// `max(0, 1 - y·p)`: a linear support vector machine (the classifier's default).
    #[default]
    Hinge,
    /// `log(1 + exp(p)) - y·p`: logistic regression, with probabilities.
    LogLoss,
    /// Zhang's smoothed hinge: `max(0, 1 - y·p)²` for `y·p >= -1`, `-4 y·p`
    /// below; gives (clipped) probabilities.
    ModifiedHuber,
    /// `max(0, 1 - y·p)²`.
    SquaredHinge,
    /// `max(0, -y·p)`: the perceptron.
    Perceptron,
    /// `(y - p)² / 2`: ordinary least squares (the regressor's default).
    SquaredError,
    /// Squared error within `epsilon` of the target, linear beyond.
    Huber,
    /// `max(0, |y - p| - epsilon)`: support vector regression.
    EpsilonInsensitive,
    /// `max(0, |y - p| - epsilon)²`.
    SquaredEpsilonInsensitive,
}

impl SgdLoss {
    /// Whether this loss is meant for regression (and therefore valid for
    /// [`SgdRegressor`](super::SgdRegressor)).
    pub fn is_regression(self) -> bool {
        matches!(
            self,
            SgdLoss::SquaredError
                | SgdLoss::Huber
                | SgdLoss::EpsilonInsensitive
                | SgdLoss::SquaredEpsilonInsensitive
        )
    }

    /// scikit-learn's name of the loss.
    pub fn name(self) -> &'static str {
        match self {
            SgdLoss::Hinge => "hinge",
            SgdLoss::LogLoss => "log_loss",
            SgdLoss::ModifiedHuber => "modified_huber",
            SgdLoss::SquaredHinge => "squared_hinge",
            SgdLoss::Perceptron => "perceptron",
            SgdLoss::SquaredError => "squared_error",
            SgdLoss::Huber => "huber",
            SgdLoss::EpsilonInsensitive => "epsilon_insensitive",
            SgdLoss::SquaredEpsilonInsensitive => "squared_epsilon_insensitive",
        }
    }

    /// The loss of prediction `p` for target `y` (`epsilon` for the
    /// epsilon-based losses), as scikit-learn's `cy_loss`.
    pub(crate) fn loss(self, y: f64, p: f64, epsilon: f64) -> f64 {
        match self {
            SgdLoss::Hinge => (1.0 - p * y).max(0.0),
            SgdLoss::Perceptron => (-p * y).max(0.0),
            SgdLoss::SquaredHinge => {
                let z = 1.0 - p * y;
                if z > 0.0 { z * z } else { 0.0 }
            }
            SgdLoss::ModifiedHuber => {
                let z = p * y;
                if z >= 1.0 {
                    0.0
                } else if z >= -1.0 {
                    (1.0 - z) * (1.0 - z)
                } else {
                    -4.0 * z
                }
            }
            SgdLoss::LogLoss => {
                // log(1 + exp(p)), stably.
                let l = if p <= -37.0 {
                    p.exp()
                } else if p <= 18.0 {
                    p.exp().ln_1p()
                } else if p <= 33.3 {
                    p + (-p).exp()
                } else {
                    p
                };
                l - y * p
            }
            SgdLoss::SquaredError => 0.5 * (p - y) * (p - y),
            SgdLoss::Huber => {
                let r = (y - p).abs();
                if r <= epsilon {
                    0.5 * r * r
                } else {
                    epsilon * (r - 0.5 * epsilon)
                }
            }
            SgdLoss::EpsilonInsensitive => ((y - p).abs() - epsilon).max(0.0),
            SgdLoss::SquaredEpsilonInsensitive => {
                let r = (y - p).abs() - epsilon;
                if r > 0.0 { r * r } else { 0.0 }
            }
        }
    }

    /// The derivative of the loss with respect to `p`, as scikit-learn's
    /// `cy_gradient`.
    pub(crate) fn gradient(self, y: f64, p: f64, epsilon: f64) -> f64 {
        match self {
            SgdLoss::Hinge => {
                if p * y <= 1.0 {
                    -y
                } else {
                    0.0
                }
            }
            SgdLoss::Perceptron => {
                if p * y <= 0.0 {
                    -y
                } else {
                    0.0
                }
            }
            SgdLoss::SquaredHinge => {
                let z = 1.0 - p * y;
                if z > 0.0 { -2.0 * y * z } else { 0.0 }
            }
            SgdLoss::ModifiedHuber => {
                let z = p * y;
                if z >= 1.0 {
                    0.0
                } else if z >= -1.0 {
                    2.0 * (1.0 - z) * -y
                } else {
                    -4.0 * y
                }
            }
            SgdLoss::LogLoss => {
                if p <= -37.0 {
                    p.exp() - y
                } else {
                    let e = (-p).exp();
                    ((1.0 - y) - y * e) / (1.0 + e)
                }
            }
            SgdLoss::SquaredError => p - y,
            SgdLoss::Huber => {
                let r = p - y;
                if r.abs() <= epsilon {
                    r
                } else if r >= 0.0 {
                    epsilon
                } else {
                    -epsilon
                }
            }
            SgdLoss::EpsilonInsensitive => {
                if y - p > epsilon {
                    -1.0
                } else if p - y > epsilon {
                    1.0
                } else {
                    0.0
                }
            }
            SgdLoss::SquaredEpsilonInsensitive => {
                let z = y - p;
                if z > epsilon {
                    -2.0 * (z - epsilon)
                } else if z < -epsilon {
                    2.0 * (-z - epsilon)
                } else {
                    0.0
                }
            }
        }
    }
}

/// The penalty (regulariser) of SGD (scikit-learn's `penalty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SgdPenalty {
    /// `alpha · ‖w‖² / 2`, applied by rescaling the weights (the default).
    #[default]
    L2,
    /// `alpha · ‖w‖₁`, by the cumulative truncated gradient of Tsuruoka et al.
    L1,
    /// `alpha · (l1_ratio ‖w‖₁ + (1 - l1_ratio) ‖w‖² / 2)`.
    ElasticNet,
    /// No penalty (scikit-learn's `None`).
    None,
}

/// The learning-rate schedule (scikit-learn's `learning_rate`); `t` counts
/// the samples seen, starting at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LearningRate {
    /// `eta = eta0`.
    Constant,
    /// `eta = 1 / (alpha (t0 + t - 1))`, with `t0` chosen (from
    /// `typw = sqrt(1 / sqrt(alpha))`) so that the first step is `typw`: Léon
    /// Bottou's heuristic, the classifier's default.
    Optimal,
    /// `eta = eta0 / t^power_t`, the regressor's default.
    InvScaling,
    /// `eta = eta0`, divided by 5 each time `n_iter_no_change` epochs in a
    /// row fail to improve by `tol` (stops once `eta` < 1e-6).
    Adaptive,
}

/// Checks the hyperparameters that both SGD estimators share; `name` is the
/// estimator's name for messages.
#[allow(clippy::too_many_arguments)]
pub(crate) fn validate_common(
    alpha: f64,
    l1_ratio: f64,
    max_iter: usize,
    tol: Option<f64>,
    epsilon: f64,
    learning_rate: LearningRate,
    eta0: f64,
    power_t: f64,
    validation_fraction: f64,
    n_iter_no_change: usize,
) -> Result<(), Error> {
    check_non_negative("alpha", alpha)?;
    if learning_rate == LearningRate::Optimal && alpha <= 0.0 {
        return Err(Error::invalid_parameter(
            "alpha",
            "a value > 0 with learning_rate Optimal (the schedule divides by alpha)",
            alpha,
        ));
    }
    check_range("l1_ratio", l1_ratio, 0.0, 1.0)?;
    check_at_least("max_iter", max_iter, 1)?;
    if let Some(tol) = tol {
        check_non_negative("tol", tol)?;
    }
    check_non_negative("epsilon", epsilon)?;
    check_non_negative("eta0", eta0)?;
    if learning_rate != LearningRate::Optimal && eta0 <= 0.0 {
        return Err(Error::invalid_parameter(
            "eta0",
            format!("a value > 0 with learning_rate {learning_rate:?}"),
            eta0,
        ));
    }
    if !power_t.is_finite() {
        return Err(Error::invalid_parameter(
            "power_t",
            "a finite value",
            power_t,
        ));
    }
    check_open_range("validation_fraction", validation_fraction, 0.0, 1.0)?;
    check_at_least("n_iter_no_change", n_iter_no_change, 1)?;
    Ok(())
}

/// Builder methods for the hyperparameters both estimators share.
macro_rules! sgd_builders {
    ($ty:ident) => {
        impl $ty {
            /// Sets `loss`.
            #[must_use]
            pub fn loss(mut self, loss: $crate::sgd::SgdLoss) -> Self {
                self.loss = loss;
                self
            }
            /// Sets `penalty`.
            #[must_use]
            pub fn penalty(mut self, penalty: $crate::sgd::SgdPenalty) -> Self {
                self.penalty = penalty;
                self
            }
            /// Sets `alpha`.
            #[must_use]
            pub fn alpha(mut self, alpha: f64) -> Self {
                self.alpha = alpha;
                self
            }
            /// Sets `l1_ratio`.
            #[must_use]
            pub fn l1_ratio(mut self, l1_ratio: f64) -> Self {
                self.l1_ratio = l1_ratio;
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
            /// Sets `tol` (`None`: run all `max_iter` epochs).
            #[must_use]
            pub fn tol(mut self, tol: Option<f64>) -> Self {
                self.tol = tol;
                self
            }
            /// Sets `shuffle`.
            #[must_use]
            pub fn shuffle(mut self, shuffle: bool) -> Self {
                self.shuffle = shuffle;
                self
            }
            /// Sets `seed`.
            #[must_use]
            pub fn seed(mut self, seed: u64) -> Self {
                self.seed = seed;
                self
            }
            /// Sets `epsilon`.
            #[must_use]
            pub fn epsilon(mut self, epsilon: f64) -> Self {
                self.epsilon = epsilon;
                self
            }
            /// Sets `learning_rate`.
            #[must_use]
            pub fn learning_rate(mut self, learning_rate: $crate::sgd::LearningRate) -> Self {
                self.learning_rate = learning_rate;
                self
            }
            /// Sets `eta0`.
            #[must_use]
            pub fn eta0(mut self, eta0: f64) -> Self {
                self.eta0 = eta0;
                self
            }
            /// Sets `power_t`.
            #[must_use]
            pub fn power_t(mut self, power_t: f64) -> Self {
                self.power_t = power_t;
                self
            }
            /// Sets `early_stopping`.
            #[must_use]
            pub fn early_stopping(mut self, early_stopping: bool) -> Self {
                self.early_stopping = early_stopping;
                self
            }
            /// Sets `validation_fraction`.
            #[must_use]
            pub fn validation_fraction(mut self, validation_fraction: f64) -> Self {
                self.validation_fraction = validation_fraction;
                self
            }
            /// Sets `n_iter_no_change`.
            #[must_use]
            pub fn n_iter_no_change(mut self, n_iter_no_change: usize) -> Self {
                self.n_iter_no_change = n_iter_no_change;
                self
            }
            /// Sets `average` (0: off, 1: average every step, `n`: start at step `n`).
            #[must_use]
            pub fn average(mut self, average: usize) -> Self {
                self.average = average;
                self
            }
        }
    };
}

pub(crate) use sgd_builders;

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [SgdLoss; 9] = [
        SgdLoss::Hinge,
        SgdLoss::LogLoss,
        SgdLoss::ModifiedHuber,
        SgdLoss::SquaredHinge,
        SgdLoss::Perceptron,
        SgdLoss::SquaredError,
        SgdLoss::Huber,
        SgdLoss::EpsilonInsensitive,
        SgdLoss::SquaredEpsilonInsensitive,
    ];

    #[test]
    fn gradients_are_derivatives_of_the_losses() {
        let h = 1e-6;
        for loss in ALL {
            let targets: &[f64] = match loss {
                SgdLoss::LogLoss => &[0.0, 1.0],
                l if l.is_regression() => &[-1.3, 0.4, 2.0],
                _ => &[-1.0, 1.0],
            };
            for &y in targets {
                // Points away from the kinks of the piecewise losses.
                for p in [-2.37, -0.61, 0.13, 0.77, 1.91, 3.3] {
                    let numeric =
                        (loss.loss(y, p + h, 0.25) - loss.loss(y, p - h, 0.25)) / (2.0 * h);
                    let analytic = loss.gradient(y, p, 0.25);
                    assert!(
                        (numeric - analytic).abs() < 1e-5,
                        "{loss:?} y={y} p={p}: {numeric} vs {analytic}"
                    );
                }
            }
        }
    }

    #[test]
    fn regression_losses_and_names() {
        assert_eq!(ALL.iter().filter(|l| l.is_regression()).count(), 4);
        assert_eq!(SgdLoss::default().name(), "hinge");
        assert_eq!(
            SgdLoss::SquaredEpsilonInsensitive.name(),
            "squared_epsilon_insensitive"
        );
    }
}
