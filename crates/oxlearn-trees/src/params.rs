//! The hyperparameters every tree shares, and their resolution against the
//! data at fit.

use oxlearn::Error;
use oxlearn::params::{check_at_least, check_non_negative, check_range};

use crate::grow::{GrowParams, SplitterKind};

/// The criterion of a classification tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ClassificationCriterion {
    /// Gini impurity `1 - Σ p²` (scikit-learn's default).
    #[default]
    Gini,
    /// Shannon entropy `-Σ p log2 p` (in bits, as scikit-learn's).
    Entropy,
    /// The same as [`Entropy`](Self::Entropy), under scikit-learn's other name.
    LogLoss,
}

/// The criterion of a regression tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RegressionCriterion {
    /// Mean squared error; leaves predict the mean (scikit-learn's default).
    #[default]
    SquaredError,
    /// Squared error with Friedman's improvement score for the splits.
    FriedmanMse,
    /// Half Poisson deviance, for counts and frequencies (targets >= 0 with
    /// a positive sum).
    Poisson,
    /// Mean absolute error; leaves predict the weighted median. Robust to
    /// outlying targets, slower to fit (`O(n log n)` per feature and node),
    /// and, as scikit-learn's, without missing-value support.
    AbsoluteError,
}

/// How the threshold of each candidate feature is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Splitter {
    /// The best threshold (scikit-learn's default).
    #[default]
    Best,
    /// One threshold drawn uniformly between the feature's smallest and
    /// largest value in the node (extremely randomised trees).
    Random,
}

/// How many features each split considers (drawn at random, without
/// replacement, at every node).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MaxFeatures {
    /// Every feature (scikit-learn's `None` or `1.0`).
    #[default]
    All,
    /// `max(1, floor(sqrt(n_features)))`.
    Sqrt,
    /// `max(1, floor(log2(n_features)))`.
    Log2,
    /// `max(1, floor(fraction · n_features))`, the fraction in (0, 1].
    Fraction(f64),
    /// Exactly this many, between 1 and the number of features.
    Count(usize),
}

impl MaxFeatures {
    /// The number of features for `n_features` features.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a count of 0 or above `n_features`,
    /// or a fraction outside (0, 1].
    pub fn resolve(&self, n_features: usize) -> Result<usize, Error> {
        let d = n_features as f64;
        let k = match *self {
            MaxFeatures::All => n_features,
            MaxFeatures::Sqrt => d.sqrt() as usize,
            MaxFeatures::Log2 => d.log2() as usize,
            MaxFeatures::Fraction(f) => {
                if !(f > 0.0 && f <= 1.0) {
                    return Err(Error::invalid_parameter(
                        "max_features",
                        "a fraction in (0, 1]",
                        f,
                    ));
                }
                (f * d) as usize
            }
            MaxFeatures::Count(k) => {
                if k == 0 || k > n_features {
                    return Err(Error::invalid_parameter(
                        "max_features",
                        format!("a count between 1 and {n_features} (the number of features)"),
                        k,
                    ));
                }
                k
            }
        };
        Ok(k.max(1))
    }
}

/// A number of samples, as scikit-learn's integer or float
/// `min_samples_split` and `min_samples_leaf`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SampleCount {
    /// This many samples.
    Count(usize),
    /// This fraction of the training samples, rounded up.
    Fraction(f64),
}

impl SampleCount {
    /// The count for `n_samples` training samples.
    fn resolve(self, n_samples: usize) -> usize {
        match self {
            SampleCount::Count(n) => n,
            SampleCount::Fraction(f) => (f * n_samples as f64).ceil() as usize,
        }
    }
}

/// Checks that a fraction of the samples is in (0, 1), or (0, 1] when
/// `one_allowed`.
fn check_fraction(name: &'static str, f: f64, one_allowed: bool) -> Result<(), Error> {
    let ok = f > 0.0 && (f < 1.0 || (one_allowed && f == 1.0));
    if ok {
        Ok(())
    } else {
        let range = if one_allowed { "(0, 1]" } else { "(0, 1)" };
        Err(Error::invalid_parameter(
            name,
            format!("a fraction of the samples in {range}"),
            f,
        ))
    }
}

/// The hyperparameters of the trees themselves, shared by
/// [`DecisionTreeClassifier`](crate::DecisionTreeClassifier),
/// [`DecisionTreeRegressor`](crate::DecisionTreeRegressor) and the forests.
///
/// | field | default | valid |
/// |---|---|---|
/// | `splitter` | [`Splitter::Best`] | |
/// | `max_depth` | `None` (unlimited) | `Some(d)`, d >= 1 |
/// | `min_samples_split` | 2 | a count >= 2, or a fraction in (0, 1] of the samples |
/// | `min_samples_leaf` | 1 | a count >= 1, or a fraction in (0, 1) of the samples |
/// | `min_weight_fraction_leaf` | 0.0 | [0, 0.5] |
/// | `max_features` | [`MaxFeatures::All`] | see [`MaxFeatures`] |
/// | `max_leaf_nodes` | `None` (depth-first growth) | `Some(n)`, n >= 2: best-first growth |
/// | `min_impurity_decrease` | 0.0 | finite, >= 0 |
/// | `ccp_alpha` | 0.0 | finite, >= 0 |
/// | `monotonic_cst` | `None` | one of -1, 0, 1 per feature |
/// | `seed` | 42 | any |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TreeParams {
    /// How thresholds are chosen.
    pub splitter: Splitter,
    /// The deepest a leaf may be (the root is at depth 0).
    pub max_depth: Option<usize>,
    /// The fewest samples a node needs to be split.
    pub min_samples_split: SampleCount,
    /// The fewest samples each child of a split must keep.
    pub min_samples_leaf: SampleCount,
    /// The smallest fraction of the total weight each leaf must keep.
    pub min_weight_fraction_leaf: f64,
    /// How many features each split considers.
    pub max_features: MaxFeatures,
    /// Grow best-first up to this many leaves.
    pub max_leaf_nodes: Option<usize>,
    /// Split a node only when the weighted impurity decrease is at least this.
    pub min_impurity_decrease: f64,
    /// Complexity parameter of minimal cost-complexity pruning (0: none).
    pub ccp_alpha: f64,
    /// Per feature: 1 increasing, -1 decreasing, 0 unconstrained (single
    /// output regression and binary classification only; for a classifier
    /// the constraint is on the probability of the second class).
    pub monotonic_cst: Option<Vec<i8>>,
    /// Seed of the feature draws (and of the random thresholds).
    pub seed: u64,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams {
            splitter: Splitter::Best,
            max_depth: None,
            min_samples_split: SampleCount::Count(2),
            min_samples_leaf: SampleCount::Count(1),
            min_weight_fraction_leaf: 0.0,
            max_features: MaxFeatures::All,
            max_leaf_nodes: None,
            min_impurity_decrease: 0.0,
            ccp_alpha: 0.0,
            monotonic_cst: None,
            seed: oxlearn::random::DEFAULT_SEED,
        }
    }
}

impl TreeParams {
    /// Checks every field that does not depend on the data.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad one.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(d) = self.max_depth {
            check_at_least("max_depth", d, 1)?;
        }
        match self.min_samples_split {
            SampleCount::Count(n) => check_at_least("min_samples_split", n, 2)?,
            SampleCount::Fraction(f) => check_fraction("min_samples_split", f, true)?,
        }
        match self.min_samples_leaf {
            SampleCount::Count(n) => check_at_least("min_samples_leaf", n, 1)?,
            SampleCount::Fraction(f) => check_fraction("min_samples_leaf", f, false)?,
        }
        check_range(
            "min_weight_fraction_leaf",
            self.min_weight_fraction_leaf,
            0.0,
            0.5,
        )?;
        if let MaxFeatures::Fraction(_) | MaxFeatures::Count(0) = self.max_features {
            self.max_features.resolve(usize::MAX)?;
        }
        if let Some(n) = self.max_leaf_nodes {
            check_at_least("max_leaf_nodes", n, 2)?;
        }
        check_non_negative("min_impurity_decrease", self.min_impurity_decrease)?;
        check_non_negative("ccp_alpha", self.ccp_alpha)?;
        if let Some(m) = &self.monotonic_cst
            && let Some(v) = m.iter().find(|v| !matches!(v, -1..=1))
        {
            return Err(Error::invalid_parameter(
                "monotonic_cst",
                "-1, 0 or 1 for each feature",
                v,
            ));
        }
        Ok(())
    }

    /// The resolved parameters of one tree on `n_samples` samples of
    /// `n_features` features and total weight `total_weight`.
    pub(crate) fn resolve(
        &self,
        n_features: usize,
        n_samples: usize,
        total_weight: f64,
        monotone_ok: bool,
    ) -> Result<GrowParams, Error> {
        let max_features = self.max_features.resolve(n_features)?;
        if let Some(m) = &self.monotonic_cst {
            if m.len() != n_features {
                return Err(Error::shape_mismatch(
                    "monotonic_cst",
                    format!("{n_features} constraints (one per feature)"),
                    format!("{} constraints", m.len()),
                ));
            }
            if !monotone_ok && m.iter().any(|&c| c != 0) {
                return Err(Error::InvalidInput(
                    "monotonic constraints are supported for single-output regression and binary \
                     classification only"
                        .to_string(),
                ));
            }
        }
        Ok(GrowParams {
            splitter: match self.splitter {
                Splitter::Best => SplitterKind::Best,
                Splitter::Random => SplitterKind::Random,
            },
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            min_samples_split: self.min_samples_split.resolve(n_samples).max(2),
            min_samples_leaf: self.min_samples_leaf.resolve(n_samples).max(1),
            min_weight_leaf: self.min_weight_fraction_leaf * total_weight,
            max_features,
            max_leaf_nodes: self.max_leaf_nodes,
            min_impurity_decrease: self.min_impurity_decrease,
            monotonic: self
                .monotonic_cst
                .clone()
                .filter(|m| m.iter().any(|&c| c != 0)),
        })
    }
}

/// Builder methods for the [`TreeParams`] of an estimator whose field
/// `tree` holds them.
macro_rules! tree_setters {
    () => {
        /// Sets `splitter`.
        #[must_use]
        pub fn splitter(mut self, splitter: $crate::Splitter) -> Self {
            self.tree.splitter = splitter;
            self
        }
        /// Sets `max_depth` (`None`: unlimited).
        #[must_use]
        pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
            self.tree.max_depth = max_depth;
            self
        }
        /// Sets `min_samples_split` to a count.
        #[must_use]
        pub fn min_samples_split(mut self, n: usize) -> Self {
            self.tree.min_samples_split = $crate::SampleCount::Count(n);
            self
        }
        /// Sets `min_samples_split` to a fraction of the training samples
        /// (scikit-learn's float `min_samples_split`).
        #[must_use]
        pub fn min_samples_split_fraction(mut self, fraction: f64) -> Self {
            self.tree.min_samples_split = $crate::SampleCount::Fraction(fraction);
            self
        }
        /// Sets `min_samples_leaf` to a count.
        #[must_use]
        pub fn min_samples_leaf(mut self, n: usize) -> Self {
            self.tree.min_samples_leaf = $crate::SampleCount::Count(n);
            self
        }
        /// Sets `min_samples_leaf` to a fraction of the training samples
        /// (scikit-learn's float `min_samples_leaf`).
        #[must_use]
        pub fn min_samples_leaf_fraction(mut self, fraction: f64) -> Self {
            self.tree.min_samples_leaf = $crate::SampleCount::Fraction(fraction);
            self
        }
        /// Sets `min_weight_fraction_leaf`.
        #[must_use]
        pub fn min_weight_fraction_leaf(mut self, fraction: f64) -> Self {
            self.tree.min_weight_fraction_leaf = fraction;
            self
        }
        /// Sets `max_features`.
        #[must_use]
        pub fn max_features(mut self, max_features: $crate::MaxFeatures) -> Self {
            self.tree.max_features = max_features;
            self
        }
        /// Sets `max_leaf_nodes` (`Some`: best-first growth).
        #[must_use]
        pub fn max_leaf_nodes(mut self, max_leaf_nodes: Option<usize>) -> Self {
            self.tree.max_leaf_nodes = max_leaf_nodes;
            self
        }
        /// Sets `min_impurity_decrease`.
        #[must_use]
        pub fn min_impurity_decrease(mut self, decrease: f64) -> Self {
            self.tree.min_impurity_decrease = decrease;
            self
        }
        /// Sets `ccp_alpha`.
        #[must_use]
        pub fn ccp_alpha(mut self, ccp_alpha: f64) -> Self {
            self.tree.ccp_alpha = ccp_alpha;
            self
        }
        /// Sets `monotonic_cst`.
        #[must_use]
        pub fn monotonic_cst(mut self, monotonic_cst: Option<Vec<i8>>) -> Self {
            self.tree.monotonic_cst = monotonic_cst;
            self
        }
        /// Sets `seed`.
        #[must_use]
        pub fn seed(mut self, seed: u64) -> Self {
            self.tree.seed = seed;
            self
        }
    };
}
pub(crate) use tree_setters;
