//! Forest classifiers: `RandomForestClassifier` and `ExtraTreesClassifier`.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{ClassLabels, ClassWeight, DatasetView, Error, Fit, Float, Predict, PredictProba};

use super::{Bag, Ensemble, ForestParams, forest_setters, mean_importances, oob_sums};
use crate::classifier::argmax;
use crate::error::{Result, TreeError};
use crate::fit::{self, ClassTargets, GrowOne};
use crate::grow::columns::Ranked;
use crate::params::{ClassificationCriterion, MaxFeatures, Splitter, TreeParams, tree_setters};
use crate::tree::Tree;

/// The class weights of a forest classifier.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ForestClassWeight {
    /// Every class weighs 1.
    #[default]
    Uniform,
    /// Fixed class weights, the same for every tree
    /// ([`ClassWeight::Balanced`]: on the class counts of the whole data).
    Fixed(ClassWeight),
    /// Balanced on the class counts of each tree's bootstrap sample
    /// (scikit-learn's `"balanced_subsample"`).
    BalancedSubsample,
}

macro_rules! forest_classifier {
    ($(#[$doc:meta])* $name:ident, $splitter:expr, $bootstrap:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $name {
            /// The impurity minimised by the splits. Default Gini.
            pub criterion: ClassificationCriterion,
            /// Per-class weights. Default uniform.
            pub class_weight: ForestClassWeight,
            /// The ensemble's hyperparameters.
            pub forest: ForestParams,
            /// Each tree's hyperparameters (`max_features` defaults to
            /// [`MaxFeatures::Sqrt`]).
            pub tree: TreeParams,
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    criterion: ClassificationCriterion::Gini,
                    class_weight: ForestClassWeight::Uniform,
                    forest: ForestParams::new($bootstrap),
                    tree: TreeParams {
                        splitter: $splitter,
                        max_features: MaxFeatures::Sqrt,
                        ..TreeParams::default()
                    },
                }
            }
        }

        impl $name {
            tree_setters!();
            forest_setters!();

            oxlearn::setters! {
                /// Sets `criterion`.
                criterion: ClassificationCriterion,
                /// Sets `class_weight`.
                class_weight: ForestClassWeight,
            }

            /// Warm start: adds trees to `model` (fitted on the same data
            /// with these hyperparameters) until it holds `n_estimators`;
            /// tree `t` is the same as in a forest fitted at once.
            ///
            /// # Errors
            /// As [`Fit::fit`], and when `model` already has more trees or
            /// other classes or features.
            pub fn fit_more<F: Float, T: Ord + Clone + Send + Sync>(
                &self,
                model: ForestClassifierModel<F, T>,
                data: DatasetView<'_, F, T>,
            ) -> Result<ForestClassifierModel<F, T>> {
                fit_forest(&self.criterion, &self.class_weight, &self.forest, &self.tree, data, Some(model))
            }
        }

        impl Params for $name {
            fn validate(&self) -> oxlearn::Result<()> {
                self.forest.validate()?;
                self.tree.validate()?;
                if let ForestClassWeight::Fixed(cw) = &self.class_weight {
                    cw.validate("class_weight")?;
                }
                Ok(())
            }
        }

        impl<F: Float, T: Ord + Clone + Send + Sync> Fit<F, T> for $name {
            type Model = ForestClassifierModel<F, T>;
            type Error = TreeError;

            fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
                self.validate()?;
                fit_forest(&self.criterion, &self.class_weight, &self.forest, &self.tree, data, None)
            }
        }
    };
}

forest_classifier! {
    /// A random forest classifier, as scikit-learn's `RandomForestClassifier`:
    /// trees on bootstrap samples, `sqrt(n_features)` features drawn at each
    /// split, probabilities averaged over the trees.
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::{Dataset, Fit, Predict};
    /// use oxlearn_trees::RandomForestClassifier;
    ///
    /// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [1.0, 0.9], [0.9, 1.1], [1.1, 1.0]];
    /// let data = Dataset::new(x, array![0, 0, 0, 1, 1, 1])?;
    /// let model = RandomForestClassifier::default().n_estimators(20).oob_score(true).fit(data.view())?;
    /// assert_eq!(model.predict(array![[0.05, 0.1], [1.0, 1.0]].view())?.to_vec(), vec![0, 1]);
    /// assert!(model.oob_score().is_some());
    /// # Ok::<(), oxlearn_trees::TreeError>(())
    /// ```
    RandomForestClassifier, Splitter::Best, true
}

forest_classifier! {
    /// An extremely randomised trees classifier, as scikit-learn's
    /// `ExtraTreesClassifier`: one random threshold per candidate feature,
    /// trees on the whole data by default.
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::{Dataset, Fit, Predict};
    /// use oxlearn_trees::ExtraTreesClassifier;
    ///
    /// let x = array![[0.0], [0.1], [0.2], [1.0], [1.1], [1.2]];
    /// let data = Dataset::new(x, array!["no", "no", "no", "yes", "yes", "yes"])?;
    /// let model = ExtraTreesClassifier::default().n_estimators(10).fit(data.view())?;
    /// assert_eq!(model.predict(array![[1.15]].view())?[0], "yes");
    /// # Ok::<(), oxlearn_trees::TreeError>(())
    /// ```
    ExtraTreesClassifier, Splitter::Random, false
}

fn fit_forest<F: Float, T: Ord + Clone + Send + Sync>(
    criterion: &ClassificationCriterion,
    class_weight: &ForestClassWeight,
    forest: &ForestParams,
    tree: &TreeParams,
    data: DatasetView<'_, F, T>,
    warm: Option<ForestClassifierModel<F, T>>,
) -> Result<ForestClassifierModel<F, T>> {
    let x = data.records();
    fit::check_records(x)?;
    let targets = ClassTargets::new(data.targets())?;
    let k = targets.labels.n_classes();
    let mut base = fit::sample_weights(data.weights(), x.nrows())?;
    if let ForestClassWeight::Fixed(cw) = class_weight {
        targets.apply_class_weight(cw, &mut base)?;
    }
    let mut trees = match warm {
        None => Vec::new(),
        Some(model) => {
            if model.labels.classes() != targets.labels.classes()
                || model.n_features_in() != x.ncols()
            {
                return Err(Error::InvalidInput(
                    "warm start on data with other classes or features than the forest's"
                        .to_string(),
                )
                .into());
            }
            model.trees
        }
    };
    if trees.len() > forest.n_estimators {
        return Err(Error::invalid_parameter(
            "n_estimators",
            format!(
                "at least {} (the trees already fitted) for a warm start",
                trees.len()
            ),
            forest.n_estimators,
        )
        .into());
    }
    let n = x.nrows();
    let n_draws = if forest.bootstrap {
        Some(forest.n_draws(n)?)
    } else {
        None
    };
    let grow = fit::resolve(tree, x.ncols(), &base, k == 2)?;
    let ensemble = Ensemble {
        ranked: Ranked::new(x, grow.splitter),
        base_weights: &base,
        grow,
        ccp_alpha: tree.ccp_alpha,
        seed: tree.seed,
        n_draws,
    };
    let subsample = *class_weight == ForestClassWeight::BalancedSubsample;
    let weights_of = |bag: &Bag| -> Result<Vec<f64>> {
        let mut w = ensemble.bag_weights(bag);
        if subsample {
            let cw = balanced_on_bag(&targets, bag, k)?;
            for (w, &c) in w.iter_mut().zip(&targets.y) {
                *w *= cw[c as usize];
            }
        }
        Ok(w)
    };
    let grow_one = |one: GrowOne<'_, F>| fit::with_class_criterion(*criterion, &targets.y, k, one);
    let more = ensemble.grow_trees(
        trees.len(),
        forest.n_estimators,
        forest.n_threads,
        weights_of,
        grow_one,
    )?;
    trees.extend(more);
    let (oob_score, oob_decision) = match n_draws {
        Some(draws) if forest.oob_score => {
            let (sums, counts) = oob_sums(x, &trees, tree.seed, draws, forest.n_threads)?;
            let (score, decision) = oob_classification(&sums, &counts, &targets.y, k)?;
            (Some(score), Some(decision))
        }
        _ => (None, None),
    };
    Ok(ForestClassifierModel {
        trees,
        labels: targets.labels,
        oob_score,
        oob_decision,
    })
}

/// Balanced class weights on the class counts of one bootstrap sample.
fn balanced_on_bag<T: Ord + Clone>(
    targets: &ClassTargets<T>,
    bag: &Bag,
    k: usize,
) -> Result<Vec<f64>> {
    let mut counts = vec![0.0; k];
    for (i, &c) in targets.y.iter().enumerate() {
        counts[c as usize] += bag.counts.as_ref().map_or(1.0, |b| f64::from(b[i]));
    }
    Ok(ClassWeight::Balanced.weights(&counts)?)
}

/// The out-of-bag accuracy and class probabilities (NaN rows for samples
/// that were in every bag).
fn oob_classification(
    sums: &[f64],
    counts: &[u32],
    y: &[u32],
    k: usize,
) -> Result<(f64, Array2<f64>)> {
    let n = y.len();
    let mut decision = Array2::from_elem((n, k), f64::NAN);
    let (mut right, mut seen) = (0usize, 0usize);
    for i in 0..n {
        if counts[i] == 0 {
            continue;
        }
        let row = &sums[i * k..(i + 1) * k];
        let total: f64 = row.iter().sum();
        for (d, &s) in decision.row_mut(i).iter_mut().zip(row) {
            *d = s / total;
        }
        seen += 1;
        right += usize::from(argmax(row) == y[i] as usize);
    }
    if seen == 0 {
        return Err(TreeError::OutOfBag(
            "every sample was in every bootstrap sample; add trees or lower max_samples"
                .to_string(),
        ));
    }
    Ok((right as f64 / seen as f64, decision))
}

/// A fitted forest classifier.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawForest<F, T>",
        bound(
            serialize = "F: serde::Serialize, T: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>, T: Ord + Clone + serde::Deserialize<'de>"
        )
    )
)]
pub struct ForestClassifierModel<F, T> {
    trees: Vec<Tree<F>>,
    labels: ClassLabels<T>,
    oob_score: Option<f64>,
    oob_decision: Option<Array2<f64>>,
}

/// The unchecked serialised form of a [`ForestClassifierModel`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(bound(deserialize = "F: Float + serde::Deserialize<'de>, T: serde::Deserialize<'de>"))]
struct RawForest<F, T> {
    trees: Vec<Tree<F>>,
    labels: ClassLabels<T>,
    oob_score: Option<f64>,
    oob_decision: Option<Array2<f64>>,
}

#[cfg(feature = "serde")]
impl<F: Float, T: Ord + Clone> TryFrom<RawForest<F, T>> for ForestClassifierModel<F, T> {
    type Error = Error;

    fn try_from(raw: RawForest<F, T>) -> oxlearn::Result<Self> {
        super::check_trees(&raw.trees)?;
        for tree in &raw.trees {
            crate::tree::check_class_tree(tree, raw.labels.classes())?;
        }
        if let Some(d) = &raw.oob_decision
            && d.ncols() != raw.labels.n_classes()
        {
            return Err(Error::InvalidModel(
                "out-of-bag probabilities with another number of classes".to_string(),
            ));
        }
        Ok(ForestClassifierModel {
            trees: raw.trees,
            labels: raw.labels,
            oob_score: raw.oob_score,
            oob_decision: raw.oob_decision,
        })
    }
}

impl<F: Float, T: Ord + Clone> ForestClassifierModel<F, T> {
    /// The fitted trees.
    pub fn trees(&self) -> &[Tree<F>] {
        &self.trees
    }

    /// The out-of-bag accuracy, when `oob_score` was set.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }

    /// The out-of-bag class probabilities of each training sample (NaN for
    /// a sample in every bag), when `oob_score` was set.
    pub fn oob_decision_function(&self) -> Option<&Array2<f64>> {
        self.oob_decision.as_ref()
    }

    /// The mean impurity-based importance of each feature, summing to 1.
    pub fn feature_importances(&self) -> Array1<f64> {
        mean_importances(&self.trees)
    }

    /// The leaf of each row in each tree: `n_rows x n_trees`.
    ///
    /// # Errors
    /// A wrong number of features or an infinite value.
    pub fn apply(&self, x: ArrayView2<'_, F>) -> Result<Array2<usize>> {
        fit::check_predict(x, self.n_features_in())?;
        Ok(super::apply_all(x, &self.trees))
    }

    fn n_features_in(&self) -> usize {
        self.trees[0].n_features()
    }
}

impl<F: Float, T: Ord + Clone + Send + Sync> Predict<F> for ForestClassifierModel<F, T> {
    type Output = Array1<T>;
    type Error = TreeError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<T>> {
        let proba = self.predict_proba(x)?;
        let idx = proba.rows().into_iter().map(|r| {
            let v: Vec<f64> = r.iter().map(|p| p.as_f64()).collect();
            argmax(&v)
        });
        Ok(self.labels.decode(idx))
    }

    fn n_features_in(&self) -> usize {
        ForestClassifierModel::n_features_in(self)
    }
}

impl<F: Float, T: Ord + Clone + Send + Sync> PredictProba<F> for ForestClassifierModel<F, T> {
    type Class = T;

    fn classes(&self) -> &[T] {
        self.labels.classes()
    }

    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        fit::check_predict(x, ForestClassifierModel::n_features_in(self))?;
        let sums = crate::predict::sum_leaf_values(x, &self.trees, self.labels.n_classes());
        let m = self.trees.len() as f64;
        Ok(sums.mapv(|s| F::cast(s / m)))
    }
}
