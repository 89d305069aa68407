//! Baselines that ignore the features: [`DummyClassifier`] and
//! [`DummyRegressor`], as scikit-learn's `sklearn.dummy`.
//!
//! A real model should beat them; cross-validating one next to a candidate
//! model tells how much the features actually help.

use ndarray::{Array1, Array2, ArrayView2};
use rand::Rng as _;

use crate::check;
use crate::dataset::DatasetView;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::labels::ClassLabels;
use crate::params::{Params, check_range};
use crate::random::{DEFAULT_SEED, rng_from_seed};
use crate::stats::{median, percentile, weighted_percentile};
use crate::traits::{Fit, Predict, PredictProba};

/// How a [`DummyClassifier`] predicts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ClassifierStrategy<T> {
    /// The most frequent training class; probabilities one-hot on it.
    MostFrequent,
    /// The most frequent class; probabilities equal to the class priors.
    Prior,
    /// Classes drawn from the priors (seeded); probabilities one-hot on the draw.
    Stratified,
    /// Classes drawn uniformly (seeded); probabilities `1 / n_classes`.
    Uniform,
    /// Always this label, which must occur in the training targets.
    Constant(T),
}

/// A classifier that predicts from the class distribution alone.
///
/// Hyperparameters: `strategy` (default [`ClassifierStrategy::Prior`], as
/// scikit-learn), `seed` (default 42) for the random strategies. Sample weights
/// weight the class priors.
///
/// ```
/// use ndarray::{Array2, array};
/// use oxlearn::dummy::{ClassifierStrategy, DummyClassifier};
/// use oxlearn::{Dataset, Fit, Predict, PredictProba};
///
/// let data = Dataset::new(Array2::<f64>::zeros((4, 2)), array!["a", "b", "b", "b"])?;
/// let model = DummyClassifier::default().fit(data.view())?;
/// let x = Array2::<f64>::zeros((2, 2));
/// assert_eq!(model.predict(x.view())?, array!["b", "b"]);
/// assert_eq!(model.predict_proba(x.view())?.row(0), array![0.25, 0.75]);
///
/// let constant = DummyClassifier::default().strategy(ClassifierStrategy::Constant("z"));
/// assert!(constant.fit(data.view()).is_err()); // "z" is not a training class
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DummyClassifier<T> {
    /// How to predict.
    pub strategy: ClassifierStrategy<T>,
    /// Seed of the random strategies.
    pub seed: u64,
}

impl<T> Default for DummyClassifier<T> {
    fn default() -> Self {
        DummyClassifier {
            strategy: ClassifierStrategy::Prior,
            seed: DEFAULT_SEED,
        }
    }
}

impl<T> DummyClassifier<T> {
    /// Sets the strategy.
    pub fn strategy(mut self, strategy: ClassifierStrategy<T>) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

impl<T> Params for DummyClassifier<T> {
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// A fitted [`DummyClassifier`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DummyClassifierModel<T> {
    labels: ClassLabels<T>,
    prior: Vec<f64>,
    strategy: ClassifierStrategy<T>,
    seed: u64,
    n_features: usize,
}

/// Weighted share of each class index.
fn class_prior<F: Float>(
    idx: &Array1<usize>,
    weights: Option<ndarray::ArrayView1<'_, F>>,
    k: usize,
) -> Result<Vec<f64>> {
    let mut prior = vec![0.0; k];
    for (i, &c) in idx.iter().enumerate() {
        prior[c] += weights.map_or(1.0, |w| w[i].as_f64());
    }
    let total: f64 = prior.iter().sum();
    if total <= 0.0 {
        return Err(Error::InvalidInput(
            "sample weights sum to zero".to_string(),
        ));
    }
    Ok(prior.into_iter().map(|p| p / total).collect())
}

impl<F: Float, T: Ord + Clone + std::fmt::Debug> Fit<F, T> for DummyClassifier<T> {
    type Model = DummyClassifierModel<T>;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
        self.validate()?;
        check::min_samples(data.n_samples(), 1, "training data")?;
        let (labels, idx) = ClassLabels::fit(data.targets(), 1)?;
        if let ClassifierStrategy::Constant(c) = &self.strategy
            && labels.index_of(c).is_none()
        {
            return Err(Error::Unknown {
                what: "constant label (it must be one of the training classes)".to_string(),
                value: format!("{c:?}"),
            });
        }
        let prior = class_prior(&idx, data.weights(), labels.n_classes())?;
        Ok(DummyClassifierModel {
            labels,
            prior,
            strategy: self.strategy.clone(),
            seed: self.seed,
            n_features: data.n_features(),
        })
    }
}

impl<T: Ord + Clone> DummyClassifierModel<T> {
    /// The class priors, in the order of [`PredictProba::classes`].
    pub fn class_prior(&self) -> &[f64] {
        &self.prior
    }

    /// One prior per class, at least one class (a deserialised model could
    /// break this).
    fn check_model(&self) -> Result<()> {
        let k = self.labels.n_classes();
        if k == 0 || self.prior.len() != k {
            return Err(Error::InvalidModel(format!(
                "DummyClassifierModel: {} priors for {k} classes (expected one per class, \
                 at least one class)",
                self.prior.len()
            )));
        }
        Ok(())
    }

    /// The class index predicted for each of `n` rows.
    fn class_indices(&self, n: usize) -> Vec<usize> {
        let k = self.prior.len();
        let most_frequent = (0..k).fold(0, |best, c| {
            if self.prior[c] > self.prior[best] {
                c
            } else {
                best
            }
        });
        let mut rng = rng_from_seed(self.seed);
        (0..n)
            .map(|_| match &self.strategy {
                ClassifierStrategy::MostFrequent | ClassifierStrategy::Prior => most_frequent,
                ClassifierStrategy::Constant(c) => self.labels.index_of(c).unwrap_or(most_frequent),
                ClassifierStrategy::Uniform => rng.random_range(0..k),
                ClassifierStrategy::Stratified => {
                    let u: f64 = rng.random();
                    let mut acc = 0.0;
                    self.prior
                        .iter()
                        .position(|p| {
                            acc += p;
                            u < acc
                        })
                        .unwrap_or(k - 1)
                }
            })
            .collect()
    }
}

impl<F: Float, T: Ord + Clone> Predict<F> for DummyClassifierModel<T> {
    type Output = Array1<T>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<T>> {
        self.check_model()?;
        check::n_features(x, self.n_features)?;
        Ok(self.labels.decode(self.class_indices(x.nrows())))
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }
}

impl<F: Float, T: Ord + Clone> PredictProba<F> for DummyClassifierModel<T> {
    type Class = T;

    fn classes(&self) -> &[T] {
        self.labels.classes()
    }

    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        self.check_model()?;
        check::n_features(x, self.n_features)?;
        let k = self.prior.len();
        let n = x.nrows();
        let proba = match self.strategy {
            ClassifierStrategy::Prior => {
                Array2::from_shape_fn((n, k), |(_, c)| F::cast(self.prior[c]))
            }
            ClassifierStrategy::Uniform => Array2::from_elem((n, k), F::one() / F::cast(k)),
            _ => {
                let idx = self.class_indices(n);
                Array2::from_shape_fn(
                    (n, k),
                    |(i, c)| if idx[i] == c { F::one() } else { F::zero() },
                )
            }
        };
        Ok(proba)
    }
}

/// How a [`DummyRegressor`] predicts.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RegressorStrategy {
    /// The (weighted) mean of the training targets.
    Mean,
    /// The median (weighted: the lower weighted median, as scikit-learn).
    Median,
    /// The given quantile in `[0, 1]` of the training targets.
    Quantile(f64),
    /// Always this value.
    Constant(f64),
}

/// A regressor that predicts one constant computed from the targets.
///
/// Hyperparameters: `strategy` (default [`RegressorStrategy::Mean`]).
///
/// ```
/// use ndarray::{Array2, array};
/// use oxlearn::dummy::{DummyRegressor, RegressorStrategy};
/// use oxlearn::{Dataset, Fit, Predict};
///
/// let data = Dataset::new(Array2::<f64>::zeros((4, 1)), array![1.0, 2.0, 3.0, 10.0])?;
/// let mean = DummyRegressor::default().fit(data.view())?;
/// assert_eq!(mean.predict(Array2::zeros((1, 1)).view())?, array![4.0]);
/// let median = DummyRegressor::default().strategy(RegressorStrategy::Median).fit(data.view())?;
/// assert_eq!(median.constant(), 2.5);
/// assert!(DummyRegressor::default().strategy(RegressorStrategy::Quantile(1.5)).fit(data.view()).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DummyRegressor {
    /// How to predict.
    pub strategy: RegressorStrategy,
}

impl Default for DummyRegressor {
    fn default() -> Self {
        DummyRegressor {
            strategy: RegressorStrategy::Mean,
        }
    }
}

impl DummyRegressor {
    /// Sets the strategy.
    pub fn strategy(mut self, strategy: RegressorStrategy) -> Self {
        self.strategy = strategy;
        self
    }
}

impl Params for DummyRegressor {
    fn validate(&self) -> Result<()> {
        match self.strategy {
            RegressorStrategy::Quantile(q) => check_range("strategy quantile", q, 0.0, 1.0),
            RegressorStrategy::Constant(c) if !c.is_finite() => Err(Error::invalid_parameter(
                "strategy constant",
                "a finite value",
                c,
            )),
            _ => Ok(()),
        }
    }
}

/// A fitted [`DummyRegressor`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DummyRegressorModel<F> {
    constant: F,
    n_features: usize,
}

impl<F: Float> DummyRegressorModel<F> {
    /// The value predicted for every sample.
    pub fn constant(&self) -> F {
        self.constant
    }
}

impl<F: Float> Fit<F, F> for DummyRegressor {
    type Model = DummyRegressorModel<F>;
    type Error = Error;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<Self::Model> {
        self.validate()?;
        check::min_samples(data.n_samples(), 1, "training data")?;
        check::finite_1d(data.targets(), "targets")?;
        let y: Vec<f64> = data.targets().iter().map(|v| v.as_f64()).collect();
        let w: Option<Vec<f64>> = data
            .weights()
            .map(|w| w.iter().map(|v| v.as_f64()).collect());
        if w.as_ref().is_some_and(|w| w.iter().sum::<f64>() <= 0.0) {
            return Err(Error::InvalidInput(
                "sample weights sum to zero".to_string(),
            ));
        }
        let quantile = |q: f64| match &w {
            Some(w) => weighted_percentile(&y, w, q * 100.0),
            None => percentile(&y, q * 100.0),
        };
        let constant = match self.strategy {
            RegressorStrategy::Mean => match &w {
                Some(w) => y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / w.iter().sum::<f64>(),
                None => y.iter().sum::<f64>() / y.len() as f64,
            },
            RegressorStrategy::Median => match &w {
                Some(w) => weighted_percentile(&y, w, 50.0),
                None => median(&y),
            }
            .unwrap_or(f64::NAN),
            RegressorStrategy::Quantile(q) => quantile(q).unwrap_or(f64::NAN),
            RegressorStrategy::Constant(c) => c,
        };
        Ok(DummyRegressorModel {
            constant: F::cast(constant),
            n_features: data.n_features(),
        })
    }
}

impl<F: Float> Predict<F> for DummyRegressorModel<F> {
    type Output = Array1<F>;
    type Error = Error;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>> {
        check::n_features(x, self.n_features)?;
        Ok(Array1::from_elem(x.nrows(), self.constant))
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use super::*;
    use crate::Dataset;

    #[test]
    fn classifier_strategies() {
        let data = Dataset::new(Array2::<f32>::zeros((5, 1)), array![2, 1, 2, 2, 1]).unwrap();
        let x = Array2::<f32>::zeros((200, 1));
        let prior = DummyClassifier::default().fit(data.view()).unwrap();
        assert_eq!(prior.class_prior(), &[0.4, 0.6]);
        let proba = prior.predict_proba(x.view()).unwrap();
        assert!((proba[[0, 1]] - 0.6).abs() < 1e-6);
        let uniform = DummyClassifier::default()
            .strategy(ClassifierStrategy::Uniform)
            .fit(data.view())
            .unwrap();
        let pred = uniform.predict(x.view()).unwrap();
        let ones = pred.iter().filter(|&&c| c == 1).count();
        assert!(ones > 60 && ones < 140);
        assert_eq!(pred, uniform.predict(x.view()).unwrap());
        let strat = DummyClassifier::default()
            .strategy(ClassifierStrategy::Stratified)
            .fit(data.view())
            .unwrap();
        let p = strat.predict_proba(x.view()).unwrap();
        assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-6));
        let constant = DummyClassifier::default()
            .strategy(ClassifierStrategy::Constant(1))
            .fit(data.view())
            .unwrap();
        assert!(constant.predict(x.view()).unwrap().iter().all(|&c| c == 1));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn corrupt_models_give_errors() {
        let data = Dataset::new(Array2::<f64>::zeros((3, 1)), array![0, 1, 1]).unwrap();
        let x = Array2::<f64>::zeros((2, 1));
        for strategy in [ClassifierStrategy::Uniform, ClassifierStrategy::Stratified] {
            let model = DummyClassifier::default()
                .strategy(strategy)
                .fit(data.view())
                .unwrap();
            let json = serde_json::to_value(&model).unwrap();
            for prior in [serde_json::json!([]), serde_json::json!([0.2, 0.3, 0.5])] {
                let mut broken = json.clone();
                broken["prior"] = prior;
                let broken: DummyClassifierModel<i32> = serde_json::from_value(broken).unwrap();
                assert!(matches!(
                    broken.predict(x.view()),
                    Err(Error::InvalidModel(_))
                ));
                assert!(broken.predict_proba(x.view()).is_err());
            }
        }
    }

    #[test]
    fn weights_change_the_prior() {
        let data = Dataset::new(Array2::<f64>::zeros((3, 1)), array![0, 1, 1])
            .unwrap()
            .with_weights(array![4.0, 1.0, 1.0])
            .unwrap();
        let model = DummyClassifier::default().fit(data.view()).unwrap();
        assert_eq!(
            model.predict(Array2::<f64>::zeros((1, 1)).view()).unwrap(),
            array![0]
        );
        let reg = Dataset::new(Array2::<f64>::zeros((3, 1)), array![0.0, 1.0, 2.0])
            .unwrap()
            .with_weights(array![0.0, 0.0, 1.0])
            .unwrap();
        let median = DummyRegressor::default()
            .strategy(RegressorStrategy::Median)
            .fit(reg.view())
            .unwrap();
        assert_eq!(median.constant(), 2.0);
        let zero = Dataset::new(Array2::<f64>::zeros((2, 1)), array![0.0, 1.0])
            .unwrap()
            .with_weights(array![0.0, 0.0])
            .unwrap();
        assert!(DummyRegressor::default().fit(zero.view()).is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        let empty = Dataset::new(Array2::<f64>::zeros((0, 2)), Array1::<f64>::zeros(0)).unwrap();
        assert!(DummyRegressor::default().fit(empty.view()).is_err());
        let nan = Dataset::new(Array2::<f64>::zeros((2, 1)), array![1.0, f64::NAN]).unwrap();
        assert!(DummyRegressor::default().fit(nan.view()).is_err());
        let data = Dataset::new(Array2::<f64>::zeros((2, 1)), array![1.0, 2.0]).unwrap();
        let model = DummyRegressor::default().fit(data.view()).unwrap();
        assert!(model.predict(Array2::zeros((1, 3)).view()).is_err());
        let constant =
            DummyRegressor::default().strategy(RegressorStrategy::Constant(f64::INFINITY));
        assert!(constant.fit(data.view()).is_err());
    }
}
