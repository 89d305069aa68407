//! What every tree estimator does at fit: checks the records, weights and
//! targets, ranks the features, and grows one tree under a criterion.

use ndarray::{ArrayView1, ArrayView2};
use oxlearn::random::rng_from_seed;
use oxlearn::{ClassLabels, ClassWeight, Error, Float, check};

use crate::error::{Result, TreeError};
use crate::grow::columns::{Columns, Ranked};
use crate::grow::criterion::{AbsoluteError, Criterion, Entropy, Gini, Poisson, SquaredError};
use crate::grow::{GrowParams, grow};
use crate::params::{ClassificationCriterion, RegressionCriterion, TreeParams};
use crate::tree::Tree;

/// Training records: non-empty, NaN allowed (missing), no infinity, and few
/// enough rows to index with `u32`.
pub(crate) fn check_records<F: Float>(x: ArrayView2<'_, F>) -> Result<()> {
    check::records_allow_nan(x, "training records")?;
    if x.nrows() >= u32::MAX as usize {
        return Err(Error::InvalidInput(format!(
            "{} training rows, at most {} are supported",
            x.nrows(),
            u32::MAX - 1
        ))
        .into());
    }
    Ok(())
}

/// Training records of a regression tree under `criterion`: as
/// [`check_records`], and without missing values for absolute error (whose
/// split search has no side for them, as scikit-learn's).
pub(crate) fn check_regression_records<F: Float>(
    x: ArrayView2<'_, F>,
    criterion: RegressionCriterion,
) -> Result<()> {
    check_records(x)?;
    if criterion == RegressionCriterion::AbsoluteError {
        check::finite(
            x,
            "training records (the absolute_error criterion does not support missing values)",
        )?;
    }
    Ok(())
}

/// Records at predict: the training column count, no infinity.
pub(crate) fn check_predict<F: Float>(x: ArrayView2<'_, F>, n_features: usize) -> Result<()> {
    check::n_features(x, n_features)?;
    if x.nrows() > 0 {
        check::records_allow_nan(x, "records")?;
    }
    Ok(())
}

/// The sample weights as `f64` (ones when absent): finite and >= 0.
pub(crate) fn sample_weights<F: Float>(
    weights: Option<ArrayView1<'_, F>>,
    n: usize,
) -> Result<Vec<f64>> {
    match weights {
        None => Ok(vec![1.0; n]),
        Some(w) => {
            check::same_length(n, w.len(), "sample weights")?;
            if let Some((i, v)) = w
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= F::zero()))
            {
                return Err(Error::InvalidInput(format!(
                    "sample weight {v} at row {i}: weights must be finite and >= 0"
                ))
                .into());
            }
            Ok(w.iter().map(|v| v.as_f64()).collect())
        }
    }
}

/// A positive, finite total weight.
pub(crate) fn total_weight(weights: &[f64]) -> Result<f64> {
    let total: f64 = weights.iter().sum();
    if total.is_finite() && total > 0.0 {
        Ok(total)
    } else {
        Err(TreeError::ZeroWeightSum)
    }
}

/// Classification targets: the labels, each sample's class index, and the
/// per-class weights of `class_weight` (balanced on the unweighted counts,
/// as scikit-learn's `compute_sample_weight`).
pub(crate) struct ClassTargets<T> {
    pub(crate) labels: ClassLabels<T>,
    pub(crate) y: Vec<u32>,
}

impl<T: Ord + Clone> ClassTargets<T> {
    pub(crate) fn new(targets: ArrayView1<'_, T>) -> Result<Self> {
        let (labels, idx) = ClassLabels::fit(targets, 2)?;
        Ok(ClassTargets {
            labels,
            y: idx.iter().map(|&c| c as u32).collect(),
        })
    }

    /// Multiplies `weights` by the class weights, counted over the samples
    /// with a positive weight in `weights`.
    pub(crate) fn apply_class_weight(
        &self,
        class_weight: &ClassWeight,
        weights: &mut [f64],
    ) -> Result<()> {
        if *class_weight == ClassWeight::Uniform {
            return Ok(());
        }
        let mut counts = vec![0.0; self.labels.n_classes()];
        for (&c, &w) in self.y.iter().zip(weights.iter()) {
            if w > 0.0 {
                counts[c as usize] += 1.0;
            }
        }
        let cw = class_weight.weights(&counts)?;
        for (w, &c) in weights.iter_mut().zip(&self.y) {
            *w *= cw[c as usize];
        }
        Ok(())
    }
}

/// Regression targets, row-major `n x n_outputs`, checked for the criterion.
pub(crate) fn regression_targets(y: Vec<f64>, criterion: RegressionCriterion) -> Result<Vec<f64>> {
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite {
            what: "targets".to_string(),
            row: i,
            column: 0,
            value: y[i].to_string(),
        }
        .into());
    }
    if criterion == RegressionCriterion::Poisson {
        if let Some(v) = y.iter().find(|v| **v < 0.0) {
            return Err(Error::InvalidInput(format!(
                "target {v} is negative, which the poisson criterion does not allow"
            ))
            .into());
        }
        if y.iter().sum::<f64>() <= 0.0 {
            return Err(Error::InvalidInput(
                "the targets sum to zero, which the poisson criterion does not allow".to_string(),
            )
            .into());
        }
    }
    Ok(y)
}

/// The criterion of a classification tree over class indices `y`, passed to `f`.
pub(crate) fn with_class_criterion<R>(
    criterion: ClassificationCriterion,
    y: &[u32],
    n_classes: usize,
    f: impl CriterionFn<R>,
) -> R {
    match criterion {
        ClassificationCriterion::Gini => f.call(&Gini { y, n_classes }),
        ClassificationCriterion::Entropy | ClassificationCriterion::LogLoss => {
            f.call(&Entropy { y, n_classes })
        }
    }
}

/// The criterion of a regression tree over row-major targets `y`, passed to `f`.
pub(crate) fn with_regression_criterion<R>(
    criterion: RegressionCriterion,
    y: &[f64],
    n_outputs: usize,
    f: impl CriterionFn<R>,
) -> R {
    match criterion {
        RegressionCriterion::SquaredError | RegressionCriterion::FriedmanMse => {
            f.call(&SquaredError {
                y,
                n_outputs,
                friedman: criterion == RegressionCriterion::FriedmanMse,
            })
        }
        RegressionCriterion::Poisson => f.call(&Poisson { y, n_outputs }),
        RegressionCriterion::AbsoluteError => f.call(&AbsoluteError { y, n_outputs }),
    }
}

/// A computation generic over the criterion (a closure cannot be generic).
pub(crate) trait CriterionFn<R> {
    fn call<C: Criterion>(self, criterion: &C) -> R;
}

/// Grows one tree of `params` over `ranked` with per-row `weights` (rows of
/// weight 0 left out), then prunes it with `ccp_alpha`.
pub(crate) struct GrowOne<'a, F> {
    pub(crate) ranked: &'a Ranked<'a, F>,
    pub(crate) weights: &'a [f64],
    pub(crate) grow: &'a GrowParams,
    pub(crate) ccp_alpha: f64,
    pub(crate) seed: u64,
}

impl<F: Float> CriterionFn<Tree<F>> for GrowOne<'_, F> {
    fn call<C: Criterion>(self, criterion: &C) -> Tree<F> {
        let subset = self.weights.iter().any(|&w| w <= 0.0);
        let columns = Columns::new(self.ranked, subset.then_some(self.weights));
        let mut rng = rng_from_seed(self.seed);
        let tree = grow(
            self.ranked,
            columns,
            criterion,
            self.weights,
            self.grow,
            &mut rng,
        );
        if self.ccp_alpha > 0.0 {
            tree.pruned(self.ccp_alpha)
        } else {
            tree
        }
    }
}

/// Resolves `params` for data of `n_features` features and one row per
/// entry of `weights`.
pub(crate) fn resolve(
    params: &TreeParams,
    n_features: usize,
    weights: &[f64],
    monotone_ok: bool,
) -> Result<GrowParams> {
    let total = total_weight(weights)?;
    Ok(params.resolve(n_features, weights.len(), total, monotone_ok)?)
}
