//! [`SgdClassifier`]: linear classifiers (SVM, logistic regression, ...) by
//! stochastic gradient descent, one-vs-rest for three classes or more.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::{Params, check_n_threads};
use oxlearn::random::DEFAULT_SEED;
use oxlearn::{
    ClassLabels, DatasetView, Error, Fit, Float, PartialFit, Predict, PredictProba, check,
};

use super::ovr::{class_weights, n_rows, run};
use super::params::{LearningRate, SgdLoss, SgdPenalty, sgd_builders, validate_common};
use super::plain::{Score, Settings, State};
use super::{row_major, sample_weights, validation_mask};
use crate::error::LinearError;
use oxlearn::ClassWeight;

/// A linear classifier fitted by stochastic gradient descent, as
/// scikit-learn's `SGDClassifier` (dense data): a linear SVM by default,
/// logistic regression with [`SgdLoss::LogLoss`], and any other loss of
/// [`SgdLoss`]. Two classes give one coefficient vector (the second class is
/// positive); more classes are fitted one-vs-rest, the binary problems in
/// parallel (each with its own generator derived from `seed`, so the model
/// is the same on any number of threads).
///
/// Each epoch visits the samples (shuffled when `shuffle` is on) and for
/// each takes a step `eta` along the negative gradient of the loss, shrinks
/// the weights for the L2 penalty and truncates them for the L1 penalty.
/// Training stops when the summed training loss (or, with `early_stopping`,
/// the validation accuracy) fails to improve by `tol` for `n_iter_no_change`
/// epochs in a row, or after `max_iter` epochs.
///
/// | hyperparameter | default | meaning |
/// |---|---|---|
/// | `loss` | [`SgdLoss::Hinge`] | the loss (all nine of scikit-learn) |
/// | `penalty` | [`SgdPenalty::L2`] | L2, L1, elastic net or none |
/// | `alpha` | 1e-4 | penalty strength, >= 0 (> 0 with the `Optimal` schedule) |
/// | `l1_ratio` | 0.15 | L1 share of the elastic net, in [0, 1] |
/// | `fit_intercept` | `true` | learn intercepts |
/// | `max_iter` | 1000 | maximum epochs, >= 1 |
/// | `tol` | `Some(1e-3)` | improvement needed by the stopping rule, >= 0; `None` runs `max_iter` epochs |
/// | `shuffle` | `true` | shuffle the samples before each epoch |
/// | `seed` | 42 | seed of the shuffles and of the validation split |
/// | `epsilon` | 0.1 | width of the epsilon-insensitive / Huber losses, >= 0 |
/// | `learning_rate` | [`LearningRate::Optimal`] | step-size schedule |
/// | `eta0` | 0.0 | initial step; > 0 for `Constant`, `InvScaling`, `Adaptive` |
/// | `power_t` | 0.5 | exponent of `InvScaling` |
/// | `early_stopping` | `false` | stop on the accuracy of a held-out validation set |
/// | `validation_fraction` | 0.1 | share held out for early stopping, in (0, 1) |
/// | `n_iter_no_change` | 5 | epochs without improvement before stopping, >= 1 |
/// | `average` | 0 | 0: plain SGD; `n` >= 1: average the weights from step `n` on (1 is scikit-learn's `True`) |
/// | `class_weight` | [`ClassWeight::Uniform`] | per-class weights, `Balanced` as scikit-learn (unweighted class counts) |
/// | `n_threads` | `None` (rayon's global pool) | threads for the one-vs-rest problems |
///
/// Scale the features first (SGD is sensitive to feature scales). To learn
/// from batches, start with [`SgdClassifier::partial_fit`] and continue with
/// [`PartialFit::partial_fit`] on the model.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, PartialFit, Predict, PredictProba};
/// use oxlearn_linear::{SgdClassifier, SgdLoss};
///
/// let x = array![[-2.0f64, -1.0], [-1.0, -1.5], [-1.5, -0.5], [1.0, 1.5], [2.0, 1.0], [1.5, 0.5]];
/// let data = Dataset::new(x, array!["a", "a", "a", "b", "b", "b"])?;
/// let model = SgdClassifier::default().loss(SgdLoss::LogLoss).fit(data.view())?;
/// assert_eq!(model.predict(array![[-1.0, -1.0], [1.0, 1.0]].view())?, array!["a", "b"]);
/// let proba = model.predict_proba(array![[2.0, 2.0]].view())?;
/// assert!(proba[[0, 1]] > 0.5);
///
/// // Batches: the first call names every class, later calls continue.
/// let mut online = SgdClassifier::default().partial_fit(&["a", "b"], data.view())?;
/// online.partial_fit(data.view())?;
/// assert_eq!(online.t(), 13.0);
///
/// let one_class = Dataset::new(array![[0.0f64], [1.0]], array![1, 1])?;
/// assert!(SgdClassifier::default().fit(one_class.view()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SgdClassifier {
    /// The loss.
    pub loss: SgdLoss,
    /// The penalty.
    pub penalty: SgdPenalty,
    /// Penalty strength (>= 0; > 0 with the `Optimal` schedule).
    pub alpha: f64,
    /// L1 share of the elastic-net penalty, in [0, 1].
    pub l1_ratio: f64,
    /// Whether to learn intercepts.
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
    /// Whether to stop on the accuracy of a held-out validation set.
    pub early_stopping: bool,
    /// Share of the samples held out for early stopping, in (0, 1).
    pub validation_fraction: f64,
    /// Epochs without improvement before stopping (>= 1).
    pub n_iter_no_change: usize,
    /// 0: plain SGD; `n` >= 1: averaged SGD from step `n` on.
    pub average: usize,
    /// Per-class weights.
    pub class_weight: ClassWeight,
    /// Number of threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for SgdClassifier {
    fn default() -> Self {
        SgdClassifier {
            loss: SgdLoss::Hinge,
            penalty: SgdPenalty::L2,
            alpha: 1e-4,
            l1_ratio: 0.15,
            fit_intercept: true,
            max_iter: 1000,
            tol: Some(1e-3),
            shuffle: true,
            seed: DEFAULT_SEED,
            epsilon: 0.1,
            learning_rate: LearningRate::Optimal,
            eta0: 0.0,
            power_t: 0.5,
            early_stopping: false,
            validation_fraction: 0.1,
            n_iter_no_change: 5,
            average: 0,
            class_weight: ClassWeight::Uniform,
            n_threads: None,
        }
    }
}

sgd_builders!(SgdClassifier);

impl SgdClassifier {
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

    pub(super) fn settings(&self, early_stopping: bool) -> Settings {
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
            early_stopping: early_stopping.then_some(Score::Accuracy),
        }
    }

    /// The first call of incremental learning: one epoch on `data`, with
    /// every class that will ever occur given in `classes` (scikit-learn's
    /// `classes=`; `data` need not contain them all). Continue with
    /// [`PartialFit::partial_fit`] on the returned model.
    ///
    /// # Errors
    /// Invalid hyperparameters, `early_stopping` or `class_weight` `Balanced`
    /// (neither is available to incremental learning: compute balanced
    /// weights on a large enough sample and pass them as `PerClass`), fewer
    /// than two classes, and the errors of [`PartialFit::partial_fit`].
    pub fn partial_fit<F, T>(
        &self,
        classes: &[T],
        data: DatasetView<'_, F, T>,
    ) -> Result<SgdClassifierModel<F, T>, LinearError>
    where
        F: Float,
        T: Ord + Clone + Send + Sync + std::fmt::Debug,
    {
        self.validate()?;
        if self.early_stopping {
            return Err(
                Error::invalid_parameter("early_stopping", "false with partial_fit", true).into(),
            );
        }
        if self.class_weight == ClassWeight::Balanced {
            return Err(Error::invalid_parameter(
                "class_weight",
                "Uniform or PerClass with partial_fit (Balanced needs the whole target)",
                "Balanced",
            )
            .into());
        }
        let labels = ClassLabels::from_classes(classes.to_vec(), 2)?;
        let rows = n_rows(labels.n_classes());
        let p = data.n_features();
        let mut model = SgdClassifierModel {
            params: self.clone(),
            labels,
            states: vec![State::zeros(p, self.average > 0); rows],
            coef: Array2::zeros((rows, p)),
            intercept: Array1::zeros(rows),
            n_iter: 0,
            t: 1.0,
            converged: false,
        };
        model.partial_fit(data)?;
        Ok(model)
    }
}

impl Params for SgdClassifier {
    fn validate(&self) -> Result<(), Error> {
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
        )?;
        self.class_weight.validate("class_weight")?;
        check_n_threads(self.n_threads)?;
        Ok(())
    }
}

impl<F: Float, T: Ord + Clone + Send + Sync> Fit<F, T> for SgdClassifier {
    type Model = SgdClassifierModel<F, T>;
    type Error = LinearError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, LinearError> {
        self.validate()?;
        let records = data.records();
        check::records(records, "training records")?;
        let (labels, y) = ClassLabels::fit(data.targets(), 2)?;
        let k = labels.n_classes();
        let (n, p) = records.dim();
        let y = y.to_vec();
        let sw = sample_weights(data);
        if !sw.iter().any(|w| *w > 0.0) {
            return Err(LinearError::ZeroWeightSum);
        }
        let class_w = class_weights(&self.class_weight, &y, k)?;
        let mask = if self.early_stopping {
            Some(validation_mask(
                n,
                self.validation_fraction,
                Some((&y, k)),
                &sw,
                self.seed,
            )?)
        } else {
            None
        };
        let x = row_major(records);
        let rows = n_rows(k);
        let mut states = vec![State::zeros(p, self.average > 0); rows];
        let outcome = run(
            self,
            &mut states,
            &x,
            p,
            &y,
            &sw,
            &class_w,
            mask.as_deref(),
            self.max_iter,
            1.0,
        )?;
        let mut model = SgdClassifierModel {
            params: self.clone(),
            labels,
            states,
            coef: Array2::zeros((rows, p)),
            intercept: Array1::zeros(rows),
            n_iter: outcome.n_iter,
            t: 1.0 + (outcome.n_iter * n) as f64,
            converged: outcome.converged,
        };
        model.refresh();
        Ok(model)
    }
}

/// A fitted [`SgdClassifier`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SgdClassifierModel<F, T> {
    params: SgdClassifier,
    labels: ClassLabels<T>,
    states: Vec<State>,
    coef: Array2<F>,
    intercept: Array1<F>,
    n_iter: usize,
    t: f64,
    converged: bool,
}

impl<F: Float, T: Ord + Clone> SgdClassifierModel<F, T> {
    /// Coefficients: one row for two classes (the second class is positive),
    /// one row per class otherwise (scikit-learn's `coef_`); the averaged
    /// weights when averaging has started.
    pub fn coef(&self) -> &Array2<F> {
        &self.coef
    }

    /// Intercepts, one per row of [`coef`](Self::coef).
    pub fn intercept(&self) -> &Array1<F> {
        &self.intercept
    }

    /// Epochs run by the last fit or `partial_fit` (the most of the
    /// one-vs-rest problems; scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The sample counter (scikit-learn's `t_`): 1 plus the number of
    /// samples of every epoch so far.
    pub fn t(&self) -> f64 {
        self.t
    }

    /// Whether the stopping rule ended the last fit before `max_iter`
    /// epochs (in every one-vs-rest problem); scikit-learn warns instead.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The hyperparameters the model was fitted with.
    pub fn params(&self) -> &SgdClassifier {
        &self.params
    }

    /// Sets the public coefficients from the states (averaged when averaging
    /// has started, as scikit-learn).
    fn refresh(&mut self) {
        let averaged = self.params.average > 0 && self.params.average as f64 <= self.t - 1.0;
        for (r, state) in self.states.iter().enumerate() {
            let (coef, intercept) = if averaged {
                (&state.avg_coef, state.avg_intercept)
            } else {
                (&state.coef, state.intercept)
            };
            for (c, v) in self.coef.row_mut(r).iter_mut().zip(coef) {
                *c = F::cast(*v);
            }
            self.intercept[r] = F::cast(intercept);
        }
    }

    fn check_model(&self) -> Result<(), LinearError> {
        let rows = n_rows(self.labels.n_classes());
        let p = self.coef.ncols();
        let average = self.params.average > 0;
        if self.labels.n_classes() < 2
            || self.coef.nrows() != rows
            || self.intercept.len() != rows
            || self.states.len() != rows
            || self
                .states
                .iter()
                .any(|s| s.coef.len() != p || (average && s.avg_coef.len() != p))
        {
            return Err(Error::InvalidModel(format!(
                "{} classes need {rows} coefficient rows, intercepts and states of {p} \
                 features, got {}, {} and {}",
                self.labels.n_classes(),
                self.coef.nrows(),
                self.intercept.len(),
                self.states.len()
            ))
            .into());
        }
        Ok(())
    }

    /// Decision values: samples x 1 (two classes: positive for the second
    /// class) or samples x classes.
    ///
    /// # Errors
    /// Wrong number of features, non-finite records, or a corrupt model.
    pub fn decision_function(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, LinearError> {
        self.check_model()?;
        crate::model::decision_values(&self.coef, &self.intercept, x)
    }
}

impl<F: Float, T: Ord + Clone> Predict<F> for SgdClassifierModel<F, T> {
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

impl<F: Float, T: Ord + Clone> PredictProba<F> for SgdClassifierModel<F, T> {
    type Class = T;

    fn classes(&self) -> &[T] {
        self.labels.classes()
    }

    /// Probabilities for [`SgdLoss::LogLoss`] (the logistic function of the
    /// decision values, normalised over the classes for one-vs-rest) and
    /// [`SgdLoss::ModifiedHuber`] (`(clip(d, -1, 1) + 1) / 2`, normalised;
    /// uniform where every class gets 0), as scikit-learn.
    ///
    /// # Errors
    /// [`LinearError::NoProbabilities`] for the other losses, and the errors
    /// of [`decision_function`](SgdClassifierModel::decision_function).
    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, LinearError> {
        let loss = self.params.loss;
        if !matches!(loss, SgdLoss::LogLoss | SgdLoss::ModifiedHuber) {
            return Err(LinearError::NoProbabilities { loss: loss.name() });
        }
        let d = self.decision_function(x)?;
        let k = self.labels.n_classes();
        let mut out = Array2::<F>::zeros((x.nrows(), k));
        let squash = |v: f64| {
            if loss == SgdLoss::LogLoss {
                1.0 / (1.0 + (-v).exp())
            } else {
                (v.clamp(-1.0, 1.0) + 1.0) / 2.0
            }
        };
        for (row, mut o) in d.rows().into_iter().zip(out.rows_mut()) {
            if k == 2 {
                let p1 = squash(row[0].as_f64());
                o[0] = F::cast(1.0 - p1);
                o[1] = F::cast(p1);
            } else {
                let probs: Vec<f64> = row.iter().map(|v| squash(v.as_f64())).collect();
                let sum: f64 = probs.iter().sum();
                for (o, v) in o.iter_mut().zip(probs) {
                    *o = F::cast(if sum > 0.0 { v / sum } else { 1.0 / k as f64 });
                }
            }
        }
        Ok(out)
    }
}

impl<F, T> PartialFit<F, T> for SgdClassifierModel<F, T>
where
    F: Float,
    T: Ord + Clone + Send + Sync + std::fmt::Debug,
{
    type Error = LinearError;

    /// One epoch of SGD on `data` from the current weights (scikit-learn's
    /// `partial_fit`): the sample counter and therefore the step size carry
    /// on; early stopping is not used; with `shuffle` the batch is shuffled
    /// by the same seeded generators as in `fit`.
    fn partial_fit(&mut self, data: DatasetView<'_, F, T>) -> Result<(), LinearError> {
        self.params.validate()?;
        self.check_model()?;
        let records = data.records();
        check::records(records, "training records")?;
        check::n_features(records, self.coef.ncols())?;
        let y = self.labels.encode(data.targets())?.to_vec();
        let sw = sample_weights(data);
        let class_w = class_weights(&self.params.class_weight, &y, self.labels.n_classes())?;
        let x = row_major(records);
        let mut states = self.states.clone();
        let outcome = run(
            &self.params,
            &mut states,
            &x,
            records.ncols(),
            &y,
            &sw,
            &class_w,
            None,
            1,
            self.t,
        )?;
        self.states = states;
        self.n_iter = outcome.n_iter;
        self.t += (outcome.n_iter * records.nrows()) as f64;
        self.converged = outcome.converged;
        self.refresh();
        Ok(())
    }
}
