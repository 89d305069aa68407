//! `DecisionTreeClassifier`: one classification tree.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{ClassLabels, ClassWeight, DatasetView, Fit, Float, Predict, PredictProba};

use crate::error::{Result, TreeError};
use crate::fit::{self, ClassTargets, GrowOne};
use crate::grow::columns::Ranked;
use crate::params::{ClassificationCriterion, TreeParams, tree_setters};
use crate::tree::{CcpPath, DecisionPath, Export, Tree};

/// A decision tree classifier, as scikit-learn's `DecisionTreeClassifier`.
///
/// Splits are chosen to reduce the Gini impurity or the entropy of the
/// class distribution; leaves predict the class fractions of their training
/// samples (weighted by sample and class weights). Missing values (NaN) in
/// the records are supported as in scikit-learn >= 1.3: each split learns
/// whether missing values go left or right, and prediction follows it.
///
/// | hyperparameter | default |
/// |---|---|
/// | `criterion` | [`ClassificationCriterion::Gini`] |
/// | `class_weight` | [`ClassWeight::Uniform`] (`Balanced`: on the class counts) |
/// | `tree` | [`TreeParams::default`]: unlimited depth, `min_samples_split` 2, `min_samples_leaf` 1, every feature, seed 42 |
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict, PredictProba};
/// use oxlearn_trees::DecisionTreeClassifier;
///
/// let x = array![[1.0, 0.0], [2.0, f64::NAN], [3.0, 1.0], [4.0, 1.0]];
/// let data = Dataset::new(x, array!["a", "a", "b", "b"])?;
/// let model = DecisionTreeClassifier::default().max_depth(Some(2)).fit(data.view())?;
/// assert_eq!(model.predict(array![[1.5, f64::NAN], [3.5, 1.0]].view())?.to_vec(), vec!["a", "b"]);
/// assert_eq!(model.predict_proba(array![[4.0, 1.0]].view())?.row(0).to_vec(), vec![0.0, 1.0]);
/// assert_eq!(model.get_depth(), 1);
/// # Ok::<(), oxlearn_trees::TreeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DecisionTreeClassifier {
    /// The impurity minimised by the splits.
    pub criterion: ClassificationCriterion,
    /// Per-class weights multiplied into the sample weights.
    pub class_weight: ClassWeight,
    /// The tree's own hyperparameters.
    pub tree: TreeParams,
}

impl DecisionTreeClassifier {
    tree_setters!();

    oxlearn::setters! {
        /// Sets `criterion`.
        criterion: ClassificationCriterion,
        /// Sets `class_weight`.
        class_weight: ClassWeight,
    }

    /// The minimal cost-complexity pruning path of the full tree these
    /// hyperparameters grow on `data` (scikit-learn's
    /// `cost_complexity_pruning_path`); `ccp_alpha` is ignored.
    ///
    /// # Errors
    /// As [`Fit::fit`].
    pub fn cost_complexity_pruning_path<F: Float, T: Ord + Clone + Send + Sync>(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<CcpPath> {
        let unpruned = DecisionTreeClassifier {
            tree: TreeParams {
                ccp_alpha: 0.0,
                ..self.tree.clone()
            },
            ..self.clone()
        };
        Ok(unpruned.fit(data)?.tree.pruning_path())
    }
}

impl Params for DecisionTreeClassifier {
    fn validate(&self) -> oxlearn::Result<()> {
        self.tree.validate()?;
        self.class_weight.validate("class_weight")
    }
}

impl<F: Float, T: Ord + Clone + Send + Sync> Fit<F, T> for DecisionTreeClassifier {
    type Model = DecisionTreeClassifierModel<F, T>;
    type Error = TreeError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
        self.validate()?;
        let x = data.records();
        fit::check_records(x)?;
        let targets = ClassTargets::new(data.targets())?;
        let mut weights = fit::sample_weights(data.weights(), x.nrows())?;
        targets.apply_class_weight(&self.class_weight, &mut weights)?;
        let k = targets.labels.n_classes();
        let grow = fit::resolve(&self.tree, x.ncols(), &weights, k == 2)?;
        let ranked = Ranked::new(x, grow.splitter);
        let one = GrowOne {
            ranked: &ranked,
            weights: &weights,
            grow: &grow,
            ccp_alpha: self.tree.ccp_alpha,
            seed: self.tree.seed,
        };
        let tree = fit::with_class_criterion(self.criterion, &targets.y, k, one);
        Ok(DecisionTreeClassifierModel {
            tree,
            labels: targets.labels,
        })
    }
}

/// A fitted [`DecisionTreeClassifier`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawClassifier<F, T>",
        bound(
            serialize = "F: serde::Serialize, T: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>, T: Ord + Clone + serde::Deserialize<'de>"
        )
    )
)]
pub struct DecisionTreeClassifierModel<F, T> {
    tree: Tree<F>,
    labels: ClassLabels<T>,
}

/// The unchecked serialised form of a [`DecisionTreeClassifierModel`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(bound(deserialize = "F: Float + serde::Deserialize<'de>, T: serde::Deserialize<'de>"))]
struct RawClassifier<F, T> {
    tree: Tree<F>,
    labels: ClassLabels<T>,
}

#[cfg(feature = "serde")]
impl<F: Float, T: Ord + Clone> TryFrom<RawClassifier<F, T>> for DecisionTreeClassifierModel<F, T> {
    type Error = oxlearn::Error;

    fn try_from(raw: RawClassifier<F, T>) -> oxlearn::Result<Self> {
        crate::tree::check_class_tree(&raw.tree, raw.labels.classes())?;
        Ok(DecisionTreeClassifierModel {
            tree: raw.tree,
            labels: raw.labels,
        })
    }
}

impl<F: Float, T: Ord + Clone> DecisionTreeClassifierModel<F, T> {
    /// The fitted tree.
    pub fn tree(&self) -> &Tree<F> {
        &self.tree
    }

    /// The depth of the tree (scikit-learn's `get_depth`).
    pub fn get_depth(&self) -> usize {
        self.tree.max_depth()
    }

    /// The number of leaves (scikit-learn's `get_n_leaves`).
    pub fn get_n_leaves(&self) -> usize {
        self.tree.n_leaves()
    }

    /// The impurity-based importance of each feature, summing to 1.
    pub fn feature_importances(&self) -> Array1<f64> {
        self.tree.feature_importances()
    }

    /// The tree as indented text, leaves labelled with their majority class
    /// (scikit-learn's `export_text`).
    pub fn export_text(&self, options: &Export) -> String
    where
        T: std::fmt::Display,
    {
        self.tree.to_text(options, &|v| {
            format!("class: {}", self.labels.label(argmax(v)))
        })
    }

    /// The tree in Graphviz DOT (scikit-learn's `export_graphviz`), each
    /// node with its class fractions.
    pub fn export_graphviz(&self, options: &Export) -> String {
        let d = options.decimals;
        self.tree.to_dot(options, &|v| format_values(v, d))
    }

    /// The leaf each row of `x` falls into (scikit-learn's `apply`).
    ///
    /// # Errors
    /// A wrong number of features or an infinite value.
    pub fn apply(&self, x: ArrayView2<'_, F>) -> Result<Array1<usize>> {
        fit::check_predict(x, self.tree.n_features())?;
        Ok(self.tree.apply_rows(x))
    }

    /// The nodes each row of `x` passes through (scikit-learn's `decision_path`).
    ///
    /// # Errors
    /// As [`apply`](Self::apply).
    pub fn decision_path(&self, x: ArrayView2<'_, F>) -> Result<DecisionPath> {
        fit::check_predict(x, self.tree.n_features())?;
        Ok(self.tree.decision_path_rows(x))
    }
}

impl<F: Float, T: Ord + Clone + Send + Sync> Predict<F> for DecisionTreeClassifierModel<F, T> {
    type Output = Array1<T>;
    type Error = TreeError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<T>> {
        fit::check_predict(x, self.tree.n_features())?;
        let idx =
            crate::predict::map_rows(x, |row| argmax(self.tree.value(self.tree.leaf_of(row))));
        Ok(self.labels.decode(idx))
    }

    fn n_features_in(&self) -> usize {
        self.tree.n_features()
    }
}

impl<F: Float, T: Ord + Clone + Send + Sync> PredictProba<F> for DecisionTreeClassifierModel<F, T> {
    type Class = T;

    fn classes(&self) -> &[T] {
        self.labels.classes()
    }

    fn predict_proba(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        fit::check_predict(x, self.tree.n_features())?;
        let sums = crate::predict::sum_leaf_values(
            x,
            std::slice::from_ref(&self.tree),
            self.tree.value_width(),
        );
        Ok(sums.mapv(F::cast))
    }
}

/// The index of the largest value (the first of equal ones).
pub(crate) fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// Values as `[a, b, ...]` with `decimals` digits.
pub(crate) fn format_values(values: &[f64], decimals: usize) -> String {
    let parts: Vec<String> = values.iter().map(|v| format!("{v:.decimals$}")).collect();
    format!("[{}]", parts.join(", "))
}
