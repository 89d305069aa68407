//! [`SgdRegressor`]: linear regression by stochastic gradient descent.

use ndarray::{Array1, ArrayView2};
use oxlearn::params::Params;
use oxlearn::random::{DEFAULT_SEED, task_rng};
use oxlearn::{DatasetView, Error, Fit, Float, PartialFit, Predict, check};

use super::params::{LearningRate, SgdLoss, SgdPenalty, sgd_builders, validate_common};
use super::plain::{Problem, Score, Settings, State, plain_sgd};
use super::{row_major, sample_weights, validation_mask};
use crate::error::LinearError;

/// A linear model fitted by stochastic gradient descent, as scikit-learn's
/// `SGDRegressor` (dense data): least squares by default, or the Huber,
/// epsilon-insensitive or squared epsilon-insensitive loss, with an L2, L1
/// or elastic-net penalty.
///
/// Each epoch visits the samples (shuffled when `shuffle` is on) and for
/// each takes a step `eta` along the negative gradient of the loss, shrinks
/// the weights for the L2 penalty and truncates them for the L1 penalty.
/// Training stops when the summed training loss (or, with `early_stopping`,
/// the validation R²) fails to improve by `tol` for `n_iter_no_change`
/// epochs in a row, or after `max_iter` epochs.
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `loss` | [`SgdLoss::SquaredError`] | a regression loss ([`SgdLoss::is_regression`]) |
/// | `penalty` | [`SgdPenalty::L2`] | L2, L1, elastic net or none |
/// | `alpha` | 1e-4 | penalty strength, >= 0 (> 0 with the `Optimal` schedule) |
/// | `l1_ratio` | 0.15 | L1 share of the elastic net, in [0, 1] |
/// | `fit_intercept` | `true` | learn an intercept |
/// | `max_iter` | 1000 | maximum epochs, >= 1 |
/// | `tol` | `Some(1e-3)` | improvement needed by the stopping rule, >= 0; `None` runs `max_iter` epochs |
/// | `shuffle` | `true` | shuffle the samples before each epoch |
/// | `seed` | 42 | seed of the shuffles and of the validation split |
/// | `epsilon` | 0.1 | width of the epsilon-insensitive / Huber losses, >= 0 |
/// | `learning_rate` | [`LearningRate::InvScaling`] | step-size schedule |
/// | `eta0` | 0.01 | initial step; > 0 for `Constant`, `InvScaling`, `Adaptive` |
/// | `power_t` | 0.25 | exponent of `InvScaling` |
/// | `early_stopping` | `false` | stop on the R² of a held-out validation set |
/// | `validation_fraction` | 0.1 | share held out for early stopping, in (0, 1) |
/// | `n_iter_no_change` | 5 | epochs without improvement before stopping, >= 1 |
/// | `average` | 0 | 0: plain SGD; `n` >= 1: average the weights from step `n` on (1 is scikit-learn's `True`) |
///
/// Scale the features first. To learn from batches, start with
/// [`SgdRegressor::partial_fit`] and continue with
/// [`PartialFit::partial_fit`] on the model.
///
/// ```
/// use ndarray::{Array1, Array2};
/// use oxlearn::{Dataset, Fit, PartialFit, Predict};
/// use oxlearn_linear::SgdRegressor;
///
/// // y = 1 + 2 x0 - x1
/// let x = Array2::from_shape_fn((50, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 5.0 - 1.0);
/// let y: Array1<f64> = x.rows().into_iter().map(|r| 1.0 + 2.0 * r[0] - r[1]).collect();
/// let data = Dataset::new(x, y)?;
/// let model = SgdRegressor::default().eta0(0.1).fit(data.view())?;
/// assert!((model.coef()[0] - 2.0).abs() < 0.05);
/// assert!((model.intercept() - 1.0).abs() < 0.05);
/// assert!(model.converged());
///
/// let mut online = SgdRegressor::default().partial_fit(data.view())?;
/// for _ in 0..20 {
///     online.partial_fit(data.view())?;
/// }
/// assert_eq!(online.predict(data.records())?.len(), 50);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SgdRegressor {
    /// The loss (a regression loss).
    pub loss: SgdLoss,
    /// The penalty.
    pub penalty: SgdPenalty,
    /// Penalty strength (>= 0; > 0 with the `Optimal` schedule).
    pub alpha: f64,
    /// L1 share of the elastic-net penalty, in [0, 1].
    pub l1_ratio: f64,
    /// Whether to learn an intercept.
    pub fit_intercept: bool,
    /// Maximum number of epochs (>= 1).
    pub max_iter: usize,
    /// Stopping tolerance (>= 0); `None` runs `max_iter` epochs.
    pub tol: Option<f64>,
    /// Whether to shuffle the samples before each epoch.
    pub shuffle: bool,
    /// Seed of the shuffles and of the early-stopping split.
    pub seed: u64,
    /// Width of the epsilon-insensitive and Huber losses (>= 0).
    pub epsilon: f64,
    /// The step-size schedule.
    pub learning_rate: LearningRate,
    /// Initial step size (> 0 unless the schedule is `Optimal`).
    pub eta0: f64,
    /// Exponent of the `InvScaling` schedule.
    pub power_t: f64,
    /// Whether to stop on the R² of a held-out validation set.
    pub early_stopping: bool,
    /// Share of the samples held out for early stopping, in (0, 1).
    pub validation_fraction: f64,
    /// Epochs without improvement before stopping (>= 1).
    pub n_iter_no_change: usize,
    /// 0: plain SGD; `n` >= 1: averaged SGD from step `n` on.
    pub average: usize,
}

impl Default for SgdRegressor {
    fn default() -> Self {
        SgdRegressor {
            loss: SgdLoss::SquaredError,
            penalty: SgdPenalty::L2,
            alpha: 1e-4,
            l1_ratio: 0.15,
            fit_intercept: true,
            max_iter: 1000,
            tol: Some(1e-3),
            shuffle: true,
            seed: DEFAULT_SEED,
            epsilon: 0.1,
            learning_rate: LearningRate::InvScaling,
            eta0: 0.01,
            power_t: 0.25,
            early_stopping: false,
            validation_fraction: 0.1,
            n_iter_no_change: 5,
            average: 0,
        }
    }
}

sgd_builders!(SgdRegressor);

impl Params for SgdRegressor {
    fn validate(&self) -> Result<(), Error> {
        if !self.loss.is_regression() {
            return Err(Error::invalid_parameter(
                "loss",
                "a regression loss (SquaredError, Huber, EpsilonInsensitive or \
                 SquaredEpsilonInsensitive)",
                self.loss.name(),
            ));
        }
        validate_common(
            self.alpha,
            self.l1_ratio,
            self.max_iter,
            self.tol,
            self.epsilon,
            self.learning_rate,
            self.eta0,
            self.power_t,
            self.validation_fraction,
            self.n_iter_no_change,
        )
    }
}

impl SgdRegressor {
    fn settings(&self, early_stopping: bool) -> Settings {
        Settings {
            loss: self.loss,
            penalty: self.penalty,
            alpha: self.alpha,
            l1_ratio: self.l1_ratio,
            fit_intercept: self.fit_intercept,
            tol: self.tol,
            n_iter_no_change: self.n_iter_no_change,
            shuffle: self.shuffle,
            epsilon: self.epsilon,
            learning_rate: self.learning_rate,
            eta0: self.eta0,
            power_t: self.power_t,
            average: self.average,
            early_stopping: early_stopping.then_some(Score::R2),
        }
    }

    /// The first call of incremental learning: one epoch on `data`.
    /// Continue with [`PartialFit::partial_fit`] on the returned model.
    ///
    /// # Errors
    /// Invalid hyperparameters, `early_stopping` (not available to
    /// incremental learning), and the errors of [`PartialFit::partial_fit`].
    pub fn partial_fit<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
    ) -> Result<SgdRegressorModel<F>, LinearError> {
        self.validate()?;
        if self.early_stopping {
            return Err(
                Error::invalid_parameter("early_stopping", "false with partial_fit", true).into(),
            );
        }
        let p = data.n_features();
        let mut model = SgdRegressorModel {
            params: self.clone(),
            state: State::zeros(p, self.average > 0),
            coef: Array1::zeros(p),
            intercept: F::zero(),
            n_iter: 0,
            t: 1.0,
            converged: false,
        };
        model.partial_fit(data)?;
        Ok(model)
    }
}

/// Checks the records and targets of a regression batch; the targets in `f64`.
fn checked_targets<F: Float>(data: DatasetView<'_, F, F>) -> Result<Vec<f64>, LinearError> {
    check::records(data.records(), "training records")?;
    check::finite_1d(data.targets(), "targets")?;
    Ok(data.targets().iter().map(|v| v.as_f64()).collect())
}

impl<F: Float> Fit<F, F> for SgdRegressor {
    type Model = SgdRegressorModel<F>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<Self::Model, LinearError> {
        self.validate()?;
        let y = checked_targets(data)?;
        let (n, p) = data.records().dim();
        let sw = sample_weights(data);
        if !sw.iter().any(|w| *w > 0.0) {
            return Err(LinearError::ZeroWeightSum);
        }
        let mask = if self.early_stopping {
            Some(validation_mask(
                n,
                self.validation_fraction,
                None,
                &sw,
                self.seed,
            )?)
        } else {
            None
        };
        let x = row_major(data.records());
        let mut state = State::zeros(p, self.average > 0);
        let problem = Problem {
            x: &x,
            n_features: p,
            y: &y,
            sample_weight: &sw,
            validation: mask.as_deref(),
        };
        let outcome = plain_sgd(
            &mut state,
            &problem,
            &self.settings(mask.is_some()),
            1.0,
            1.0,
            self.max_iter,
            1.0,
            &mut task_rng(self.seed, 0),
        )?;
        let mut model = SgdRegressorModel {
            params: self.clone(),
            state,
            coef: Array1::zeros(p),
            intercept: F::zero(),
            n_iter: outcome.n_iter,
            t: 1.0 + (outcome.n_iter * n) as f64,
            converged: outcome.converged,
        };
        model.refresh();
        Ok(model)
    }
}

/// A fitted [`SgdRegressor`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SgdRegressorModel<F> {
    params: SgdRegressor,
    state: State,
    coef: Array1<F>,
    intercept: F,
    n_iter: usize,
    t: f64,
    converged: bool,
}

impl<F: Float> SgdRegressorModel<F> {
    /// Coefficients (scikit-learn's `coef_`); the averaged weights when
    /// averaging has started.
    pub fn coef(&self) -> &Array1<F> {
        &self.coef
    }

    /// The intercept.
    pub fn intercept(&self) -> F {
        self.intercept
    }

    /// Epochs run by the last fit or `partial_fit` (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The sample counter (scikit-learn's `t_`): 1 plus the number of
    /// samples of every epoch so far.
    pub fn t(&self) -> f64 {
        self.t
    }

    /// Whether the stopping rule ended the last fit before `max_iter`
    /// epochs; scikit-learn warns instead.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The hyperparameters the model was fitted with.
    pub fn params(&self) -> &SgdRegressor {
        &self.params
    }

    fn refresh(&mut self) {
        let averaged = self.params.average > 0 && self.params.average as f64 <= self.t - 1.0;
        let (coef, intercept) = if averaged {
            (&self.state.avg_coef, self.state.avg_intercept)
        } else {
            (&self.state.coef, self.state.intercept)
        };
        for (c, v) in self.coef.iter_mut().zip(coef) {
            *c = F::cast(*v);
        }
        self.intercept = F::cast(intercept);
    }

    fn check_model(&self) -> Result<(), LinearError> {
        let p = self.coef.len();
        if self.state.coef.len() != p || (self.params.average > 0 && self.state.avg_coef.len() != p)
        {
            return Err(Error::InvalidModel(format!(
                "coefficients of {p} features but a state of {}",
                self.state.coef.len()
            ))
            .into());
        }
        Ok(())
    }
}

impl<F: Float> Predict<F> for SgdRegressorModel<F> {
    type Output = Array1<F>;
    type Error = LinearError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>, LinearError> {
        self.check_model()?;
        check::n_features(x, self.coef.len())?;
        check::finite(x, "records")?;
        Ok(x.dot(&self.coef) + self.intercept)
    }

    fn n_features_in(&self) -> usize {
        self.coef.len()
    }
}

impl<F: Float> PartialFit<F, F> for SgdRegressorModel<F> {
    type Error = LinearError;

    /// One epoch of SGD on `data` from the current weights (scikit-learn's
    /// `partial_fit`): the sample counter and therefore the step size carry
    /// on; early stopping is not used; with `shuffle` the batch is shuffled
    /// by the same seeded generator as in `fit`.
    fn partial_fit(&mut self, data: DatasetView<'_, F, F>) -> Result<(), LinearError> {
        self.params.validate()?;
        self.check_model()?;
        let y = checked_targets(data)?;
        check::n_features(data.records(), self.coef.len())?;
        let sw = sample_weights(data);
        let x = row_major(data.records());
        let mut state = self.state.clone();
        let problem = Problem {
            x: &x,
            n_features: self.coef.len(),
            y: &y,
            sample_weight: &sw,
            validation: None,
        };
        let outcome = plain_sgd(
            &mut state,
            &problem,
            &self.params.settings(false),
            1.0,
            1.0,
            1,
            self.t,
            &mut task_rng(self.params.seed, 0),
        )?;
        self.state = state;
        self.n_iter = outcome.n_iter;
        self.t += (outcome.n_iter * y.len()) as f64;
        self.converged = outcome.converged;
        self.refresh();
        Ok(())
    }
}
