//! Random forests and extremely randomised trees: many trees grown in
//! parallel on bootstrap samples (or the whole data) with random feature
//! draws, averaged at prediction.
//!
//! Tree `t` of a forest depends only on the seed and `t` (its bootstrap
//! sample and its feature draws come from `task_rng(seed, t)`), so a forest
//! is the same on any number of threads, and a warm start that adds trees
//! to a fitted forest gives the forest that would have been fitted at once.

mod classifier;
mod regressor;

use ndarray::ArrayView2;
use oxlearn::params::check_at_least;
use oxlearn::random::task_rng;
use oxlearn::{Error, Float, parallel};
use rand::Rng as _;
use rayon::prelude::*;

use crate::error::Result;
use crate::fit::GrowOne;
use crate::grow::GrowParams;
use crate::grow::columns::Ranked;
use crate::tree::Tree;

pub use classifier::{
    ExtraTreesClassifier, ForestClassWeight, ForestClassifierModel, RandomForestClassifier,
};
pub use regressor::{ExtraTreesRegressor, ForestRegressorModel, RandomForestRegressor};

/// How many samples each bootstrap sample draws.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MaxSamples {
    /// Exactly this many draws, between 1 and the number of samples.
    Count(usize),
    /// `max(1, round(fraction · n_samples))` draws, the fraction in (0, 1].
    Fraction(f64),
}

/// The hyperparameters of the ensemble, shared by the four forests.
///
/// | field | default |
/// |---|---|
/// | `n_estimators` | 100 (at least 1) |
/// | `bootstrap` | `true` for random forests, `false` for extra trees |
/// | `max_samples` | `None`: as many draws as samples |
/// | `oob_score` | `false` (needs `bootstrap`) |
/// | `n_threads` | `None`: rayon's global pool |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ForestParams {
    /// The number of trees.
    pub n_estimators: usize,
    /// Grow each tree on a bootstrap sample (drawn with replacement).
    pub bootstrap: bool,
    /// The size of each bootstrap sample.
    pub max_samples: Option<MaxSamples>,
    /// Compute the out-of-bag score and predictions.
    pub oob_score: bool,
    /// Threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl ForestParams {
    pub(crate) fn new(bootstrap: bool) -> Self {
        ForestParams {
            n_estimators: 100,
            bootstrap,
            max_samples: None,
            oob_score: false,
            n_threads: None,
        }
    }

    /// Checks the ensemble's hyperparameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad one.
    pub fn validate(&self) -> oxlearn::Result<()> {
        check_at_least("n_estimators", self.n_estimators, 1)?;
        oxlearn::params::check_at_most("n_estimators", self.n_estimators, 1 << 24)?;
        match self.max_samples {
            Some(MaxSamples::Count(0)) => {
                return Err(Error::invalid_parameter("max_samples", "at least 1", 0));
            }
            Some(MaxSamples::Fraction(f)) if !(f > 0.0 && f <= 1.0) => {
                return Err(Error::invalid_parameter(
                    "max_samples",
                    "a fraction in (0, 1]",
                    f,
                ));
            }
            _ => {}
        }
        if self.max_samples.is_some() && !self.bootstrap {
            return Err(Error::invalid_parameter(
                "max_samples",
                "None when bootstrap is false",
                "a sample size",
            ));
        }
        if self.oob_score && !self.bootstrap {
            return Err(Error::invalid_parameter(
                "oob_score",
                "false when bootstrap is false (no sample is out of bag)",
                true,
            ));
        }
        oxlearn::params::check_n_threads(self.n_threads)
    }

    /// The number of draws of each bootstrap sample of `n` samples.
    fn n_draws(&self, n: usize) -> oxlearn::Result<usize> {
        match self.max_samples {
            None => Ok(n),
            Some(MaxSamples::Count(k)) if k > n => Err(Error::invalid_parameter(
                "max_samples",
                format!("at most {n} (the number of samples)"),
                k,
            )),
            Some(MaxSamples::Count(k)) => Ok(k),
            Some(MaxSamples::Fraction(f)) => Ok(((f * n as f64).round() as usize).max(1)),
        }
    }
}

/// Builder methods for the [`ForestParams`] of an estimator whose field
/// `forest` holds them.
macro_rules! forest_setters {
    () => {
        /// Sets `n_estimators`.
        #[must_use]
        pub fn n_estimators(mut self, n: usize) -> Self {
            self.forest.n_estimators = n;
            self
        }
        /// Sets `bootstrap`.
        #[must_use]
        pub fn bootstrap(mut self, bootstrap: bool) -> Self {
            self.forest.bootstrap = bootstrap;
            self
        }
        /// Sets `max_samples`.
        #[must_use]
        pub fn max_samples(mut self, max_samples: Option<$crate::MaxSamples>) -> Self {
            self.forest.max_samples = max_samples;
            self
        }
        /// Sets `oob_score`.
        #[must_use]
        pub fn oob_score(mut self, oob_score: bool) -> Self {
            self.forest.oob_score = oob_score;
            self
        }
        /// Sets `n_threads`.
        #[must_use]
        pub fn n_threads(mut self, n_threads: Option<usize>) -> Self {
            self.forest.n_threads = n_threads;
            self
        }
    };
}
pub(crate) use forest_setters;

/// The weights of tree `t`'s samples: the base weights times the number of
/// times each sample was drawn (bootstrap), and the tree's own seed.
pub(crate) struct Bag {
    pub(crate) counts: Option<Vec<u32>>,
    pub(crate) seed: u64,
}

impl Bag {
    /// Tree `t`'s bag: `n_draws` draws among `n` samples when bootstrapping.
    pub(crate) fn new(seed: u64, t: usize, n: usize, n_draws: Option<usize>) -> Self {
        let mut rng = task_rng(seed, t as u64);
        let tree_seed = rng.random::<u64>();
        let counts = n_draws.map(|k| {
            let mut counts = vec![0u32; n];
            for _ in 0..k {
                counts[rng.random_range(0..n)] += 1;
            }
            counts
        });
        Bag {
            counts,
            seed: tree_seed,
        }
    }

    /// Whether sample `i` is out of this bag.
    pub(crate) fn is_out(&self, i: usize) -> bool {
        self.counts.as_ref().is_some_and(|c| c[i] == 0)
    }
}

/// The shared part of every forest fit: the ranked data, the base weights,
/// and how trees are grown.
pub(crate) struct Ensemble<'a, F> {
    pub(crate) ranked: Ranked<'a, F>,
    pub(crate) base_weights: &'a [f64],
    pub(crate) grow: GrowParams,
    pub(crate) ccp_alpha: f64,
    pub(crate) seed: u64,
    pub(crate) n_draws: Option<usize>,
}

impl<F: Float> Ensemble<'_, F> {
    /// Grows trees `start..end`, in parallel on `n_threads`; `weights_of`
    /// turns a bag into the tree's per-sample weights, `grow_one` grows the
    /// tree under the criterion.
    pub(crate) fn grow_trees<G>(
        &self,
        start: usize,
        end: usize,
        n_threads: Option<usize>,
        weights_of: impl Fn(&Bag) -> Result<Vec<f64>> + Sync,
        grow_one: G,
    ) -> Result<Vec<Tree<F>>>
    where
        G: Fn(GrowOne<'_, F>) -> Tree<F> + Sync,
    {
        let n = self.ranked.n_rows;
        parallel::with_threads(n_threads, || {
            (start..end)
                .into_par_iter()
                .map(|t| {
                    let bag = Bag::new(self.seed, t, n, self.n_draws);
                    let weights = weights_of(&bag)?;
                    if !weights.iter().any(|&w| w > 0.0) {
                        return Err(crate::error::TreeError::ZeroWeightSum);
                    }
                    Ok(grow_one(GrowOne {
                        ranked: &self.ranked,
                        weights: &weights,
                        grow: &self.grow,
                        ccp_alpha: self.ccp_alpha,
                        seed: bag.seed,
                    }))
                })
                .collect()
        })?
    }

    /// The base weights times a bag's counts.
    pub(crate) fn bag_weights(&self, bag: &Bag) -> Vec<f64> {
        match &bag.counts {
            None => self.base_weights.to_vec(),
            Some(c) => self
                .base_weights
                .iter()
                .zip(c)
                .map(|(w, &k)| w * f64::from(k))
                .collect(),
        }
    }
}

/// Out-of-bag sums: for each training row, the sum of the values of the
/// trees whose bag left it out, and how many trees did (`n x width`).
pub(crate) fn oob_sums<F: Float>(
    x: ArrayView2<'_, F>,
    trees: &[Tree<F>],
    seed: u64,
    n_draws: usize,
    n_threads: Option<usize>,
) -> Result<(Vec<f64>, Vec<u32>)> {
    let (n, d) = x.dim();
    let width = trees[0].value_width();
    parallel::with_threads(n_threads, || {
        let per_tree: Vec<Vec<bool>> = (0..trees.len())
            .into_par_iter()
            .map(|t| {
                let bag = Bag::new(seed, t, n, Some(n_draws));
                (0..n).map(|i| bag.is_out(i)).collect()
            })
            .collect();
        let mut sums = vec![0.0; n * width];
        let mut counts = vec![0u32; n];
        sums.par_chunks_mut(width)
            .zip(counts.par_iter_mut())
            .enumerate()
            .for_each(|(i, (sum, count))| {
                let row: Vec<F> = x.row(i).iter().copied().collect();
                debug_assert_eq!(row.len(), d);
                for (tree, out) in trees.iter().zip(&per_tree) {
                    if out[i] {
                        *count += 1;
                        for (s, v) in sum.iter_mut().zip(tree.value(tree.leaf_of(&row))) {
                            *s += v;
                        }
                    }
                }
            });
        (sums, counts)
    })
    .map_err(Into::into)
}

/// Validates a loaded forest: at least one tree, all on the same features
/// with the same value width.
#[cfg(feature = "serde")]
pub(crate) fn check_trees<F: Float>(trees: &[Tree<F>]) -> oxlearn::Result<()> {
    let Some(first) = trees.first() else {
        return Err(Error::InvalidModel("a forest with no tree".to_string()));
    };
    if let Some(t) = trees.iter().position(|t| {
        t.n_features() != first.n_features() || t.value_width() != first.value_width()
    }) {
        return Err(Error::InvalidModel(format!(
            "tree {t} has another number of features or outputs than tree 0"
        )));
    }
    Ok(())
}

/// Averages of the per-tree importances of the trees that split at all,
/// normalised to sum to 1 (scikit-learn's forest importances).
pub(crate) fn mean_importances<F: Float>(trees: &[Tree<F>]) -> ndarray::Array1<f64> {
    let d = trees[0].n_features();
    let mut sum = ndarray::Array1::zeros(d);
    for tree in trees.iter().filter(|t| t.node_count() > 1) {
        sum += &tree.feature_importances();
    }
    let total = sum.sum();
    if total > 0.0 {
        sum /= total;
    }
    sum
}

/// The leaf of every row in every tree: `n_rows x n_trees`.
pub(crate) fn apply_all<F: Float>(
    x: ArrayView2<'_, F>,
    trees: &[Tree<F>],
) -> ndarray::Array2<usize> {
    let mut out = ndarray::Array2::zeros((x.nrows(), trees.len()));
    for (t, tree) in trees.iter().enumerate() {
        out.column_mut(t).assign(&tree.apply_rows(x));
    }
    out
}
