//! The fitted tree: one flat node table, shared by every tree estimator.
//!
//! Nodes are numbered in the order the builder created them (the root is
//! node 0, every child has a larger number than its parent), and stored as
//! plain arrays: the split of each node in [`Node`] (what prediction reads,
//! 24 bytes for `f64`), and beside it the statistics that inspection reads
//! (impurity, sample counts, values). A deserialised tree is checked when
//! it is loaded ([`Tree`]'s `TryFrom` of its raw form): every child index,
//! feature index and value count, so a tampered file is an error rather than
//! a tree that panics or loops later.

mod export;
mod path;
mod prune;
#[cfg(feature = "serde")]
mod raw;

use ndarray::{Array1, ArrayView2};
use oxlearn::Float;

pub use export::Export;
pub use path::DecisionPath;
pub use prune::CcpPath;

/// The version of the serialised tree format; a file of another version is
/// rejected when loaded.
pub const FORMAT_VERSION: u32 = 1;

/// The split of one node. A leaf has `left == 0` (no child can be the root).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Node<F> {
    /// Samples with `x[feature] <= threshold` go left.
    pub(crate) threshold: F,
    /// The feature split on (0 for a leaf).
    pub(crate) feature: u32,
    /// The left child, 0 for a leaf.
    pub(crate) left: u32,
    /// The right child, 0 for a leaf.
    pub(crate) right: u32,
    /// Where a missing (NaN) value goes.
    pub(crate) missing_left: bool,
}

impl<F: Float> Node<F> {
    /// A leaf.
    pub(crate) fn leaf() -> Self {
        Node {
            threshold: F::zero(),
            feature: 0,
            left: 0,
            right: 0,
            missing_left: false,
        }
    }

    /// Whether this node is a leaf.
    #[inline]
    pub(crate) fn is_leaf(&self) -> bool {
        self.left == 0
    }

    /// The child that `x` (the value of the node's feature) goes to.
    #[inline]
    pub(crate) fn child(&self, x: F) -> u32 {
        let left = (x <= self.threshold) | (x.is_nan() & self.missing_left);
        if left { self.left } else { self.right }
    }
}

/// Rows walked together by [`Tree::leaves_into`].
pub(crate) const LANES: usize = 16;

/// A fitted decision tree: the node table and each node's statistics.
///
/// The value of a node is, for a classifier, the weighted fraction of each
/// class among its training samples (scikit-learn's `tree_.value` since
/// 1.4), and for a regressor the mean of each output (the median for
/// `absolute_error`). Values of all nodes are kept, as scikit-learn does, so
/// that a tree can be inspected and pruned.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_trees::DecisionTreeRegressor;
///
/// let data = Dataset::new(array![[1.0], [2.0], [3.0], [4.0]], array![1.0, 1.0, 5.0, 5.0])?;
/// let model = DecisionTreeRegressor::default().fit(data.view())?;
/// let tree = model.tree();
/// assert_eq!(tree.node_count(), 3);
/// assert_eq!(tree.feature(0), Some(0));
/// assert_eq!(tree.threshold(0), 2.5);
/// assert_eq!(tree.value(tree.right_child(0).unwrap()), &[5.0]);
/// # Ok::<(), oxlearn_trees::TreeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "raw::RawTree<F>",
        bound(
            serialize = "F: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>"
        )
    )
)]
pub struct Tree<F> {
    pub(crate) format_version: u32,
    pub(crate) n_features: usize,
    pub(crate) value_width: usize,
    pub(crate) nodes: Vec<Node<F>>,
    pub(crate) impurity: Vec<f64>,
    pub(crate) n_node_samples: Vec<u64>,
    pub(crate) weighted_n_node_samples: Vec<f64>,
    pub(crate) value: Vec<f64>,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) max_depth: usize,
}

impl<F: Float> Tree<F> {
    /// The number of nodes, leaves included.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The number of features the tree was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The length of each node's value: the number of classes of a
    /// classifier, of outputs of a regressor.
    pub fn value_width(&self) -> usize {
        self.value_width
    }

    /// The left child of `node` (`None` for a leaf).
    ///
    /// # Panics
    /// When `node >= node_count()`, as every accessor of a node.
    pub fn left_child(&self, node: usize) -> Option<usize> {
        let n = &self.nodes[node];
        (!n.is_leaf()).then_some(n.left as usize)
    }

    /// The right child of `node` (`None` for a leaf).
    pub fn right_child(&self, node: usize) -> Option<usize> {
        let n = &self.nodes[node];
        (!n.is_leaf()).then_some(n.right as usize)
    }

    /// Whether `node` is a leaf.
    pub fn is_leaf(&self, node: usize) -> bool {
        self.nodes[node].is_leaf()
    }

    /// The feature `node` splits on (`None` for a leaf).
    pub fn feature(&self, node: usize) -> Option<usize> {
        let n = &self.nodes[node];
        (!n.is_leaf()).then_some(n.feature as usize)
    }

    /// The threshold of `node`: samples with a value `<=` it go left. A split
    /// that only separates missing values from the rest has the largest
    /// finite value as threshold (scikit-learn writes infinity). 0 for a leaf.
    pub fn threshold(&self, node: usize) -> F {
        self.nodes[node].threshold
    }

    /// Whether missing values (NaN) go to the left child of `node`.
    pub fn missing_go_left(&self, node: usize) -> bool {
        self.nodes[node].missing_left
    }

    /// The impurity of `node` under the training criterion.
    pub fn impurity(&self, node: usize) -> f64 {
        self.impurity[node]
    }

    /// The number of training samples that reached `node` (each distinct
    /// sample once, whatever its weight).
    pub fn n_node_samples(&self, node: usize) -> usize {
        usize::try_from(self.n_node_samples[node]).unwrap_or(usize::MAX)
    }

    /// The total sample weight that reached `node`.
    pub fn weighted_n_node_samples(&self, node: usize) -> f64 {
        self.weighted_n_node_samples[node]
    }

    /// The value of `node` (class fractions or output means).
    pub fn value(&self, node: usize) -> &[f64] {
        &self.value[node * self.value_width..(node + 1) * self.value_width]
    }

    /// The depth of the deepest leaf (0 for a tree that is a single leaf).
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// The number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// The leaf that `row` (one sample's features) falls into.
    #[inline]
    pub(crate) fn leaf_of(&self, row: &[F]) -> usize {
        let mut i = 0usize;
        loop {
            let node = &self.nodes[i];
            if node.is_leaf() {
                return i;
            }
            i = node.child(row[node.feature as usize]) as usize;
        }
    }

    /// The leaf of each of the rows of `rows` (one after another, `d`
    /// values each) into `leaves`, [`LANES`] rows at a time: the walks are
    /// independent, so each step issues the node reads of every lane
    /// together instead of waiting for one row's chain of dependent reads
    /// at a time; a lane whose row reached its leaf takes the next row.
    pub(crate) fn leaves_into(&self, rows: &[F], d: usize, leaves: &mut [u32]) {
        let n = leaves.len();
        let mut row = [0usize; LANES];
        let mut at = [0u32; LANES];
        let mut live = [false; LANES];
        let mut next = LANES.min(n);
        for k in 0..next {
            (row[k], live[k]) = (k, true);
        }
        let mut n_live = next;
        while n_live > 0 {
            for k in 0..LANES {
                if !live[k] {
                    continue;
                }
                let node = &self.nodes[at[k] as usize];
                if node.is_leaf() {
                    leaves[row[k]] = at[k];
                    at[k] = 0;
                    if next < n {
                        row[k] = next;
                        next += 1;
                    } else {
                        live[k] = false;
                        n_live -= 1;
                    }
                    continue;
                }
                at[k] = node.child(rows[row[k] * d + node.feature as usize]);
            }
        }
    }

    /// The leaf of every row of `x` (whose column count the caller checked).
    pub(crate) fn apply_rows(&self, x: ArrayView2<'_, F>) -> Array1<usize> {
        crate::predict::map_rows(x, |row| self.leaf_of(row))
    }

    /// The weighted impurity decrease brought by each feature, normalised to
    /// sum to 1 (all zeros for a tree that is a single leaf).
    pub fn feature_importances(&self) -> Array1<f64> {
        let mut imp = Array1::zeros(self.n_features);
        for (i, node) in self.nodes.iter().enumerate() {
            if node.is_leaf() {
                continue;
            }
            let (l, r) = (node.left as usize, node.right as usize);
            imp[node.feature as usize] += self.weighted_n_node_samples[i] * self.impurity[i]
                - self.weighted_n_node_samples[l] * self.impurity[l]
                - self.weighted_n_node_samples[r] * self.impurity[r];
        }
        let total: f64 = imp.sum();
        if total > 0.0 {
            imp /= total;
        }
        imp
    }

    /// The depth of each node (the root at 0).
    pub(crate) fn depths(&self) -> Vec<usize> {
        let mut depth = vec![0usize; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if !node.is_leaf() {
                depth[node.left as usize] = depth[i] + 1;
                depth[node.right as usize] = depth[i] + 1;
            }
        }
        depth
    }
}

/// A loaded classification tree must have one value per class, each node's
/// values class fractions summing to 1.
///
/// # Errors
/// [`oxlearn::Error::InvalidModel`] otherwise.
#[cfg(feature = "serde")]
pub(crate) fn check_class_tree<F: Float, T: Ord>(
    tree: &Tree<F>,
    classes: &[T],
) -> oxlearn::Result<()> {
    if classes.len() < 2 || classes.windows(2).any(|w| w[0] >= w[1]) {
        return Err(oxlearn::Error::InvalidModel(
            "classes must be at least two, sorted and distinct".to_string(),
        ));
    }
    if tree.value_width != classes.len() {
        return Err(oxlearn::Error::InvalidModel(format!(
            "tree values of width {}, expected {} (one per class)",
            tree.value_width,
            classes.len()
        )));
    }
    for node in 0..tree.node_count() {
        let v = tree.value(node);
        let sum: f64 = v.iter().sum();
        if v.iter().any(|p| !(0.0..=1.0).contains(p)) || (sum - 1.0).abs() > 1e-6 {
            return Err(oxlearn::Error::InvalidModel(format!(
                "class fractions of node {node} are not probabilities summing to 1"
            )));
        }
    }
    Ok(())
}
