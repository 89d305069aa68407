//! The nodes each sample passes through: scikit-learn's `decision_path`.

use ndarray::ArrayView2;
use oxlearn::Float;

use super::Tree;

/// The nodes that each sample visits from the root to its leaf, as a
/// compressed sparse row indicator (scikit-learn's `decision_path` returns
/// the same as a sparse matrix): the nodes of row `i` are
/// `nodes[indptr[i]..indptr[i + 1]]`, in root-to-leaf order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionPath {
    /// Row offsets into `nodes`, one more than the number of rows.
    pub indptr: Vec<usize>,
    /// The node ids of all paths, concatenated.
    pub nodes: Vec<usize>,
}

impl DecisionPath {
    /// The nodes visited by row `i`.
    ///
    /// # Panics
    /// When `i` is not below the number of rows.
    pub fn row(&self, i: usize) -> &[usize] {
        &self.nodes[self.indptr[i]..self.indptr[i + 1]]
    }

    /// The number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }
}

impl<F: Float> Tree<F> {
    /// The root-to-leaf path of every row of `x` (columns checked by the caller).
    pub(crate) fn decision_path_rows(&self, x: ArrayView2<'_, F>) -> DecisionPath {
        let mut indptr = Vec::with_capacity(x.nrows() + 1);
        indptr.push(0);
        let mut nodes = Vec::new();
        let mut buf = Vec::new();
        for row in x.rows() {
            buf.clear();
            buf.extend(row.iter().copied());
            let mut i = 0usize;
            loop {
                nodes.push(i);
                let node = &self.nodes[i];
                if node.is_leaf() {
                    break;
                }
                i = node.child(buf[node.feature as usize]) as usize;
            }
            indptr.push(nodes.len());
        }
        DecisionPath { indptr, nodes }
    }
}
