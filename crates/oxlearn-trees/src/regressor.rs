//! `DecisionTreeRegressor`: one regression tree, single or multi-output.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, Predict, check};

use crate::classifier::format_values;
use crate::error::{Result, TreeError};
use crate::fit::{self, GrowOne};
use crate::grow::columns::Ranked;
use crate::params::{RegressionCriterion, TreeParams, tree_setters};
use crate::tree::{CcpPath, DecisionPath, Export, Tree};

/// A decision tree regressor, as scikit-learn's `DecisionTreeRegressor`.
///
/// Splits reduce the squared error (or Friedman's variant, or the Poisson
/// deviance); leaves predict the weighted mean of their training targets.
/// Several outputs are fitted jointly with [`fit_multi`](Self::fit_multi).
/// Missing values (NaN) in the records are supported as in scikit-learn >= 1.3.
///
/// | hyperparameter | default |
/// |---|---|
/// | `criterion` | [`RegressionCriterion::SquaredError`] |
/// | `tree` | [`TreeParams::default`] |
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_trees::DecisionTreeRegressor;
///
/// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let data = Dataset::new(x, array![1.0, 1.0, 1.0, 4.0, 4.0, 7.0])?;
/// let model = DecisionTreeRegressor::default().max_depth(Some(1)).fit(data.view())?;
/// assert_eq!(model.predict(array![[0.5], [4.5]].view())?.to_vec(), vec![1.0, 5.0]);
/// # Ok::<(), oxlearn_trees::TreeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DecisionTreeRegressor {
    /// The impurity minimised by the splits.
    pub criterion: RegressionCriterion,
    /// The tree's own hyperparameters.
    pub tree: TreeParams,
}

impl DecisionTreeRegressor {
    tree_setters!();

    oxlearn::setters! {
        /// Sets `criterion`.
        criterion: RegressionCriterion,
    }

    /// Fits one tree to several outputs at once: `targets` is
    /// `n_samples x n_outputs`, the criterion averaged over the outputs.
    ///
    /// # Errors
    /// As [`Fit::fit`], and a target matrix of another number of rows.
    pub fn fit_multi<F: Float>(
        &self,
        records: ArrayView2<'_, F>,
        targets: ArrayView2<'_, f64>,
        weights: Option<ArrayView1<'_, F>>,
    ) -> Result<DecisionTreeRegressorModel<F>> {
        self.validate()?;
        fit::check_regression_records(records, self.criterion)?;
        check::same_length(records.nrows(), targets.nrows(), "target rows")?;
        if targets.ncols() == 0 {
            return Err(Error::empty("targets have no outputs (0 columns)").into());
        }
        let y = fit::regression_targets(targets.iter().copied().collect(), self.criterion)?;
        let weights = fit::sample_weights(weights, records.nrows())?;
        let tree = self.grow(records, &y, targets.ncols(), &weights)?;
        Ok(DecisionTreeRegressorModel { tree })
    }

    /// The minimal cost-complexity pruning path of the full tree these
    /// hyperparameters grow on `data`; `ccp_alpha` is ignored.
    ///
    /// # Errors
    /// As [`Fit::fit`].
    pub fn cost_complexity_pruning_path<F: Float>(
        &self,
        data: DatasetView<'_, F, F>,
    ) -> Result<CcpPath> {
        let unpruned = DecisionTreeRegressor {
            tree: TreeParams {
                ccp_alpha: 0.0,
                ..self.tree.clone()
            },
            ..self.clone()
        };
        Ok(unpruned.fit(data)?.tree.pruning_path())
    }

    fn grow<F: Float>(
        &self,
        x: ArrayView2<'_, F>,
        y: &[f64],
        n_outputs: usize,
        weights: &[f64],
    ) -> Result<Tree<F>> {
        let grow = fit::resolve(&self.tree, x.ncols(), weights, n_outputs == 1)?;
        let ranked = Ranked::new(x, grow.splitter);
        let one = GrowOne {
            ranked: &ranked,
            weights,
            grow: &grow,
            ccp_alpha: self.tree.ccp_alpha,
            seed: self.tree.seed,
        };
        Ok(fit::with_regression_criterion(
            self.criterion,
            y,
            n_outputs,
            one,
        ))
    }
}

impl Params for DecisionTreeRegressor {
    fn validate(&self) -> oxlearn::Result<()> {
        self.tree.validate()
    }
}

impl<F: Float> Fit<F, F> for DecisionTreeRegressor {
    type Model = DecisionTreeRegressorModel<F>;
    type Error = TreeError;

    fn fit(&self, data: DatasetView<'_, F, F>) -> Result<Self::Model> {
        self.validate()?;
        let x = data.records();
        fit::check_regression_records(x, self.criterion)?;
        let y = fit::regression_targets(
            data.targets().iter().map(|v| v.as_f64()).collect(),
            self.criterion,
        )?;
        let weights = fit::sample_weights(data.weights(), x.nrows())?;
        let tree = self.grow(x, &y, 1, &weights)?;
        Ok(DecisionTreeRegressorModel { tree })
    }
}

/// A fitted [`DecisionTreeRegressor`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound(
        serialize = "F: serde::Serialize",
        deserialize = "F: Float + serde::Deserialize<'de>"
    ))
)]
pub struct DecisionTreeRegressorModel<F> {
    tree: Tree<F>,
}

impl<F: Float> DecisionTreeRegressorModel<F> {
    /// The fitted tree.
    pub fn tree(&self) -> &Tree<F> {
        &self.tree
    }

    /// The number of outputs.
    pub fn n_outputs(&self) -> usize {
        self.tree.value_width()
    }

    /// The depth of the tree.
    pub fn get_depth(&self) -> usize {
        self.tree.max_depth()
    }

    /// The number of leaves.
    pub fn get_n_leaves(&self) -> usize {
        self.tree.n_leaves()
    }

    /// The impurity-based importance of each feature, summing to 1.
    pub fn feature_importances(&self) -> Array1<f64> {
        self.tree.feature_importances()
    }

    /// Every output for every row: `n_rows x n_outputs`.
    ///
    /// # Errors
    /// A wrong number of features or an infinite value.
    pub fn predict_multi(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>> {
        fit::check_predict(x, self.tree.n_features())?;
        let sums =
            crate::predict::sum_leaf_values(x, std::slice::from_ref(&self.tree), self.n_outputs());
        Ok(sums.mapv(F::cast))
    }

    /// The tree as indented text, leaves with their values (scikit-learn's
    /// `export_text`).
    pub fn export_text(&self, options: &Export) -> String {
        let d = options.decimals;
        self.tree
            .to_text(options, &|v| format!("value: {}", format_values(v, d)))
    }

    /// The tree in Graphviz DOT (scikit-learn's `export_graphviz`).
    pub fn export_graphviz(&self, options: &Export) -> String {
        let d = options.decimals;
        self.tree.to_dot(options, &|v| format_values(v, d))
    }

    /// The leaf each row of `x` falls into.
    ///
    /// # Errors
    /// As [`predict_multi`](Self::predict_multi).
    pub fn apply(&self, x: ArrayView2<'_, F>) -> Result<Array1<usize>> {
        fit::check_predict(x, self.tree.n_features())?;
        Ok(self.tree.apply_rows(x))
    }

    /// The nodes each row of `x` passes through.
    ///
    /// # Errors
    /// As [`predict_multi`](Self::predict_multi).
    pub fn decision_path(&self, x: ArrayView2<'_, F>) -> Result<DecisionPath> {
        fit::check_predict(x, self.tree.n_features())?;
        Ok(self.tree.decision_path_rows(x))
    }
}

impl<F: Float> Predict<F> for DecisionTreeRegressorModel<F> {
    type Output = Array1<F>;
    type Error = TreeError;

    /// The prediction of a single-output tree (use
    /// [`predict_multi`](DecisionTreeRegressorModel::predict_multi) for several outputs).
    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>> {
        if self.n_outputs() != 1 {
            return Err(Error::InvalidInput(format!(
                "the tree has {} outputs; use predict_multi",
                self.n_outputs()
            ))
            .into());
        }
        fit::check_predict(x, self.tree.n_features())?;
        Ok(crate::predict::map_rows(x, |row| {
            F::cast(self.tree.value(self.tree.leaf_of(row))[0])
        }))
    }

    fn n_features_in(&self) -> usize {
        self.tree.n_features()
    }
}
