//! `IsolationForest`: anomaly scores from how quickly random trees isolate a
//! sample (Liu, Ting and Zhou 2008), as scikit-learn's `IsolationForest`.

use ndarray::{Array1, ArrayView2, Axis};
use oxlearn::params::{Params, check_at_least};
use oxlearn::random::task_rng;
use oxlearn::{DatasetView, Error, Fit, Float, Predict, parallel};
use rand::Rng as _;
use rand::seq::index::sample;
use rayon::prelude::*;

use crate::error::{Result, TreeError};
use crate::fit::{self, GrowOne};
use crate::grow::columns::Ranked;
use crate::grow::criterion::SquaredError;
use crate::grow::{GrowParams, SplitterKind};
use crate::tree::Tree;

/// The expected share of outliers, which sets the threshold of `predict`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Contamination {
    /// The threshold of the original paper: a score of -0.5.
    #[default]
    Auto,
    /// This fraction of the training samples, in (0, 0.5], is flagged.
    Fraction(f64),
}

/// How many samples each tree is grown on (drawn without replacement).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum IsolationSamples {
    /// `min(256, n_samples)`.
    #[default]
    Auto,
    /// This many (at most the number of samples are used).
    Count(usize),
    /// This fraction of the samples, in (0, 1].
    Fraction(f64),
}

/// An isolation forest, as scikit-learn's `IsolationForest`.
///
/// Each tree is grown on a random subsample with one random feature and a
/// random threshold at every split, to depth `ceil(log2(max_samples))`; an
/// anomaly is isolated in few splits, so its average path length is short.
/// `score_samples` is `-2^(-E[path] / c(max_samples))` (lower is more
/// abnormal), `decision_function` the score minus the offset, and `predict`
/// gives -1 for outliers and 1 for inliers. Missing values (NaN) are
/// supported as by the trees.
///
/// | hyperparameter | default |
/// |---|---|
/// | `n_estimators` | 100 (at least 1) |
/// | `max_samples` | [`IsolationSamples::Auto`] |
/// | `contamination` | [`Contamination::Auto`] |
/// | `seed` | 42 |
/// | `n_threads` | `None` (rayon's global pool) |
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Predict};
/// use oxlearn_trees::IsolationForest;
///
/// let x = array![[0.0, 0.1], [0.1, 0.0], [0.05, 0.05], [0.1, 0.1], [0.0, 0.0], [8.0, 8.0]];
/// let model = IsolationForest::default().fit(Dataset::from_records(x.clone()).view())?;
/// let scores = model.score_samples(x.view())?;
/// assert!(scores[5] < scores[2]); // the far point is the most abnormal
/// assert_eq!(model.predict(array![[8.0, 8.0]].view())?[0], -1);
/// # Ok::<(), oxlearn_trees::TreeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IsolationForest {
    /// The number of trees.
    pub n_estimators: usize,
    /// The subsample size of each tree.
    pub max_samples: IsolationSamples,
    /// The expected share of outliers.
    pub contamination: Contamination,
    /// The seed of the subsamples and splits.
    pub seed: u64,
    /// Threads (`None`: rayon's global pool).
    pub n_threads: Option<usize>,
}

impl Default for IsolationForest {
    fn default() -> Self {
        IsolationForest {
            n_estimators: 100,
            max_samples: IsolationSamples::Auto,
            contamination: Contamination::Auto,
            seed: oxlearn::random::DEFAULT_SEED,
            n_threads: None,
        }
    }
}

impl IsolationForest {
    oxlearn::setters! {
        /// Sets `n_estimators`.
        n_estimators: usize,
        /// Sets `max_samples`.
        max_samples: IsolationSamples,
        /// Sets `contamination`.
        contamination: Contamination,
        /// Sets `seed`.
        seed: u64,
        /// Sets `n_threads`.
        n_threads: Option<usize>,
    }
}

impl Params for IsolationForest {
    fn validate(&self) -> oxlearn::Result<()> {
        check_at_least("n_estimators", self.n_estimators, 1)?;
        oxlearn::params::check_at_most("n_estimators", self.n_estimators, 1 << 24)?;
        match self.max_samples {
            IsolationSamples::Count(0) => {
                return Err(Error::invalid_parameter("max_samples", "at least 1", 0));
            }
            IsolationSamples::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(Error::invalid_parameter(
                    "max_samples",
                    "a fraction in (0, 1]",
                    f,
                ));
            }
            _ => {}
        }
        if let Contamination::Fraction(c) = self.contamination
            && !(c > 0.0 && c <= 0.5)
        {
            return Err(Error::invalid_parameter(
                "contamination",
                "a fraction in (0, 0.5]",
                c,
            ));
        }
        oxlearn::params::check_n_threads(self.n_threads)
    }
}

/// The average path length of an unsuccessful search in a binary search
/// tree of `n` nodes: the normalisation of isolation depths.
fn average_path_length(n: f64) -> f64 {
    if n <= 1.0 {
        0.0
    } else if n <= 2.0 {
        1.0
    } else {
        2.0 * ((n - 1.0).ln() + 0.577_215_664_901_532_9) - 2.0 * (n - 1.0) / n
    }
}

impl<F: Float, T> Fit<F, T> for IsolationForest {
    type Model = IsolationForestModel<F>;
    type Error = TreeError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model> {
        self.validate()?;
        let x = data.records();
        fit::check_records(x)?;
        if data.weights().is_some() {
            return Err(Error::InvalidInput(
                "IsolationForest does not take sample weights; remove them from the dataset"
                    .to_string(),
            )
            .into());
        }
        let n = x.nrows();
        let m = match self.max_samples {
            IsolationSamples::Auto => n.min(256),
            IsolationSamples::Count(k) => k.min(n),
            IsolationSamples::Fraction(f) => ((f * n as f64) as usize).max(1),
        };
        let grow = GrowParams {
            splitter: SplitterKind::Random,
            max_depth: (m.max(2) as f64).log2().ceil() as usize,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_weight_leaf: 0.0,
            max_features: 1,
            max_leaf_nodes: None,
            min_impurity_decrease: 0.0,
            monotonic: None,
        };
        let trees = parallel::with_threads(self.n_threads, || {
            (0..self.n_estimators)
                .into_par_iter()
                .map(|t| {
                    let mut rng = task_rng(self.seed, t as u64);
                    let mut rows = sample(&mut rng, n, m).into_vec();
                    rows.sort_unstable();
                    let sub = x.select(Axis(0), &rows);
                    let y: Vec<f64> = (0..m).map(|_| rng.random::<f64>()).collect();
                    let ranked = Ranked::new(sub.view(), SplitterKind::Random);
                    let weights = vec![1.0; m];
                    let criterion = SquaredError {
                        y: &y,
                        n_outputs: 1,
                        friedman: false,
                    };
                    let one = GrowOne {
                        ranked: &ranked,
                        weights: &weights,
                        grow: &grow,
                        ccp_alpha: 0.0,
                        seed: rng.random(),
                    };
                    path_lengths(fit::CriterionFn::call(one, &criterion))
                })
                .collect::<Vec<_>>()
        })?;
        let mut model = IsolationForestModel {
            trees,
            max_samples: m,
            offset: -0.5,
        };
        if let Contamination::Fraction(c) = self.contamination {
            let scores = model.score_samples(x)?.to_vec();
            model.offset = oxlearn::stats::percentile(&scores, 100.0 * c).unwrap_or(-0.5);
        }
        Ok(model)
    }
}

/// Replaces every node's value by its isolation path length: its depth
/// plus the average path length of the samples left in it.
fn path_lengths<F: Float>(mut tree: Tree<F>) -> Tree<F> {
    let depths = tree.depths();
    tree.value = depths
        .iter()
        .zip(&tree.n_node_samples)
        .map(|(&d, &n)| d as f64 + average_path_length(n as f64))
        .collect();
    tree.value_width = 1;
    tree
}

/// A fitted [`IsolationForest`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawIsolation<F>",
        bound(
            serialize = "F: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>"
        )
    )
)]
pub struct IsolationForestModel<F> {
    trees: Vec<Tree<F>>,
    max_samples: usize,
    offset: f64,
}

/// The unchecked serialised form of an [`IsolationForestModel`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(bound(deserialize = "F: Float + serde::Deserialize<'de>"))]
struct RawIsolation<F> {
    trees: Vec<Tree<F>>,
    max_samples: usize,
    offset: f64,
}

#[cfg(feature = "serde")]
impl<F: Float> TryFrom<RawIsolation<F>> for IsolationForestModel<F> {
    type Error = Error;

    fn try_from(raw: RawIsolation<F>) -> oxlearn::Result<Self> {
        crate::forest::check_trees(&raw.trees)?;
        if raw.max_samples == 0 || !raw.offset.is_finite() || raw.trees[0].value_width() != 1 {
            return Err(Error::InvalidModel(
                "isolation forest: max_samples must be >= 1, the offset finite and each tree's \
                 value a path length"
                    .to_string(),
            ));
        }
        Ok(IsolationForestModel {
            trees: raw.trees,
            max_samples: raw.max_samples,
            offset: raw.offset,
        })
    }
}

impl<F: Float> IsolationForestModel<F> {
    /// The anomaly score of each row: `-2^(-E[path] / c(max_samples))`, in
    /// [-1, 0); the lower, the more abnormal (scikit-learn's `score_samples`).
    ///
    /// # Errors
    /// A wrong number of features or an infinite value.
    pub fn score_samples(&self, x: ArrayView2<'_, F>) -> Result<Array1<f64>> {
        fit::check_predict(x, self.n_features_in())?;
        let sums = crate::predict::sum_leaf_values(x, &self.trees, 1);
        let norm = self.trees.len() as f64 * average_path_length(self.max_samples as f64);
        Ok(sums
            .column(0)
            .mapv(|s| -(2f64.powf(-s / norm.max(f64::MIN_POSITIVE)))))
    }

    /// The score minus the offset: negative for outliers.
    ///
    /// # Errors
    /// As [`score_samples`](Self::score_samples).
    pub fn decision_function(&self, x: ArrayView2<'_, F>) -> Result<Array1<f64>> {
        Ok(self.score_samples(x)? - self.offset)
    }

    /// The threshold on `score_samples`: -0.5, or the contamination
    /// quantile of the training scores.
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// The fitted trees (each node's value is its path length).
    pub fn trees(&self) -> &[Tree<F>] {
        &self.trees
    }

    fn n_features_in(&self) -> usize {
        self.trees[0].n_features()
    }
}

impl<F: Float> Predict<F> for IsolationForestModel<F> {
    type Output = Array1<i32>;
    type Error = TreeError;

    /// 1 for inliers, -1 for outliers.
    fn predict(&self, x: ArrayView2<'_, F>) -> Result<Array1<i32>> {
        Ok(self
            .decision_function(x)?
            .mapv(|d| if d >= 0.0 { 1 } else { -1 }))
    }

    fn n_features_in(&self) -> usize {
        IsolationForestModel::n_features_in(self)
    }
}
