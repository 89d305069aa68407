//! Forest regressors: `RandomForestRegressor` and `ExtraTreesRegressor`.

use ndarray::{Array1, Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, Predict};

use super::{Ensemble, ForestParams, forest_setters, mean_importances, oob_sums};
use crate::error::{Result, TreeError};
use crate::fit::{self, GrowOne};
use crate::grow::columns::Ranked;
use crate::params::{MaxFeatures, RegressionCriterion, Splitter, TreeParams, tree_setters};
use crate::tree::Tree;

macro_rules! forest_regressor {
    ($(#[$doc:meta])* $name:ident, $splitter:expr, $bootstrap:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $name {
            /// The impurity minimised by the splits. Default squared error.
            pub criterion: RegressionCriterion,
            /// The ensemble's hyperparameters.
            pub forest: ForestParams,
            /// Each tree's hyperparameters (`max_features` defaults to all,
            /// as scikit-learn's regressors).
            pub tree: TreeParams,
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    criterion: RegressionCriterion::SquaredError,
                    forest: ForestParams::new($bootstrap),
                    tree: TreeParams {
                        splitter: $splitter,
                        max_features: MaxFeatures::All,
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
                criterion: RegressionCriterion,
            }

            /// Warm start: adds trees to `model` (fitted on the same data
            /// with these hyperparameters) until it holds `n_estimators`.
            ///
            /// # Errors
            /// As [`Fit::fit`], and when `model` already has more trees or
            /// another number of features.
            pub fn fit_more<F: Float>(
                &self,
                model: ForestRegressorModel<F>,
                data: DatasetView<'_, F, F>,
            ) -> Result<ForestRegressorModel<F>> {
                self.validate()?;
                fit_forest(&self.criterion, &self.forest, &self.tree, data, Some(model))
            }
        }

        impl Params for $name {
            fn validate(&self) -> oxlearn::Result<()> {
                self.forest.validate()?;
                self.tree.validate()
            }
        }

        impl<F: Float> Fit<F, F> for $name {
            type Model = ForestRegressorModel<F>;
            type Error = TreeError;

            fn fit(&self, data: DatasetView<'_, F, F>) -> Result<Self::Model> {
                self.validate()?;
                fit_forest(&self.criterion, &self.forest, &self.tree, data, None)
            }
        }
    };
}

forest_regressor! {
    /// A random forest regressor, as scikit-learn's `RandomForestRegressor`:
    /// trees on bootstrap samples, predictions averaged.
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::{Dataset, Fit, Predict};
    /// use oxlearn_trees::RandomForestRegressor;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    /// let data = Dataset::new(x, array![0.0, 0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 10.0])?;
    /// let model = RandomForestRegressor::default().n_estimators(25).fit(data.view())?;
    /// let p = model.predict(array![[0.5], [6.5]].view())?;
    /// assert!(p[0] < 2.0 && p[1] > 8.0);
    /// # Ok::<(), oxlearn_trees::TreeError>(())
    /// ```
    RandomForestRegressor, Splitter::Best, true
}

forest_regressor! {
    /// An extremely randomised trees regressor, as scikit-learn's
    /// `ExtraTreesRegressor`.
    ///
    /// ```
    /// use ndarray::array;
    /// use oxlearn::{Dataset, Fit, Predict};
    /// use oxlearn_trees::ExtraTreesRegressor;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let data = Dataset::new(x, array![1.0, 1.0, 1.0, 5.0, 5.0, 5.0])?;
    /// let model = ExtraTreesRegressor::default().n_estimators(10).fit(data.view())?;
    /// assert_eq!(model.predict(array![[0.0]].view())?[0], 1.0);
    /// # Ok::<(), oxlearn_trees::TreeError>(())
    /// ```
    ExtraTreesRegressor, Splitter::Random, false
}

fn fit_forest<F: Float>(
    criterion: &RegressionCriterion,
    forest: &ForestParams,
    tree: &TreeParams,
    data: DatasetView<'_, F, F>,
    warm: Option<ForestRegressorModel<F>>,
) -> Result<ForestRegressorModel<F>> {
    let x = data.records();
    fit::check_regression_records(x, *criterion)?;
    let y = fit::regression_targets(
        data.targets().iter().map(|v| v.as_f64()).collect(),
        *criterion,
    )?;
    let base = fit::sample_weights(data.weights(), x.nrows())?;
    let mut trees = match warm {
        None => Vec::new(),
        Some(model) if model.n_features_in() != x.ncols() => {
            return Err(Error::InvalidInput(
                "warm start on data with another number of features than the forest's".to_string(),
            )
            .into());
        }
        Some(model) => model.trees,
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
    let n_draws = if forest.bootstrap {
        Some(forest.n_draws(x.nrows())?)
    } else {
        None
    };
    let grow = fit::resolve(tree, x.ncols(), &base, true)?;
    let ensemble = Ensemble {
        ranked: Ranked::new(x, grow.splitter),
        base_weights: &base,
        grow,
        ccp_alpha: tree.ccp_alpha,
        seed: tree.seed,
        n_draws,
    };
    let grow_one = |one: GrowOne<'_, F>| fit::with_regression_criterion(*criterion, &y, 1, one);
    let more = ensemble.grow_trees(
        trees.len(),
        forest.n_estimators,
        forest.n_threads,
        |bag| Ok(ensemble.bag_weights(bag)),
        grow_one,
    )?;
    trees.extend(more);
    let (oob_score, oob_prediction) = match n_draws {
        Some(draws) if forest.oob_score => {
            let (sums, counts) = oob_sums(x, &trees, tree.seed, draws, forest.n_threads)?;
            let (score, pred) = oob_r2(&sums, &counts, &y)?;
            (Some(score), Some(pred))
        }
        _ => (None, None),
    };
    Ok(ForestRegressorModel {
        trees,
        oob_score,
        oob_prediction,
    })
}

/// The out-of-bag R² and predictions (NaN for samples in every bag).
fn oob_r2(sums: &[f64], counts: &[u32], y: &[f64]) -> Result<(f64, Array1<f64>)> {
    let pred: Array1<f64> = sums
        .iter()
        .zip(counts)
        .map(|(&s, &c)| if c > 0 { s / f64::from(c) } else { f64::NAN })
        .collect();
    let seen: Vec<usize> = (0..y.len()).filter(|&i| counts[i] > 0).collect();
    if seen.len() < 2 {
        return Err(TreeError::OutOfBag(
            "fewer than two samples were ever out of bag; add trees or lower max_samples"
                .to_string(),
        ));
    }
    let mean = seen.iter().map(|&i| y[i]).sum::<f64>() / seen.len() as f64;
    let ss_tot: f64 = seen.iter().map(|&i| (y[i] - mean).powi(2)).sum();
    let ss_res: f64 = seen.iter().map(|&i| (y[i] - pred[i]).powi(2)).sum();
    let r2 = if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else if ss_res == 0.0 {
        1.0
    } else {
        0.0
    };
    Ok((r2, pred))
}

/// A fitted forest regressor.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawForest<F>",
        bound(
            serialize = "F: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>"
        )
    )
)]
pub struct ForestRegressorModel<F> {
    trees: Vec<Tree<F>>,
    oob_score: Option<f64>,
    oob_prediction: Option<Array1<f64>>,
}

/// The unchecked serialised form of a [`ForestRegressorModel`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(bound(deserialize = "F: Float + serde::Deserialize<'de>"))]
struct RawForest<F> {
    trees: Vec<Tree<F>>,
    oob_score: Option<f64>,
    oob_prediction: Option<Array1<f64>>,
}

#[cfg(feature = "serde")]
impl<F: Float> TryFrom<RawForest<F>> for ForestRegressorModel<F> {
    type Error = Error;

    fn try_from(raw: RawForest<F>) -> oxlearn::Result<Self> {
        super::check_trees(&raw.trees)?;
        if raw.trees[0].value_width() != 1 {
            return Err(Error::InvalidModel(
                "a forest regressor's trees must have one output".to_string(),
            ));
        }
        Ok(ForestRegressorModel {
            trees: raw.trees,
            oob_score: raw.oob_score,
            oob_prediction: raw.oob_prediction,
        })
    }
}

impl<F: Float> ForestRegressorModel<F> {
    /// The fitted trees.
    pub fn trees(&self) -> &[Tree<F>] {
        &self.trees
    }

    /// The out-of-bag R², when `oob_score` was set.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }

    /// The out-of-bag prediction of each training sample (NaN for a sample
    /// in every bag), when `oob_score` was set.
    pub fn oob_prediction(&self) -> Option<&Array1<f64>> {
        self.oob_prediction.as_ref()
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

impl<F: Float> Predict<F> for ForestRegressorModel<F> {
    type Output = Array1<F>;
    type Error = TreeError;

    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<F>> {
        fit::check_predict(x, ForestRegressorModel::n_features_in(self))?;
        let sums = crate::predict::sum_leaf_values(x, &self.trees, 1);
        let m = self.trees.len() as f64;
        Ok(sums.column(0).mapv(|s| F::cast(s / m)))
    }

    fn n_features_in(&self) -> usize {
        ForestRegressorModel::n_features_in(self)
    }
}
