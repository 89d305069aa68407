//! The merge tree (dendrogram) shared by agglomerative clustering and
//! HDBSCAN, and the union-find that numbers its nodes.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use oxlearn::Float;

/// One merge during construction: clusters `a` and `b` join at height
/// `dist` into a cluster of `size` samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Merge {
    pub(crate) a: usize,
    pub(crate) b: usize,
    pub(crate) dist: f64,
    pub(crate) size: usize,
}

/// The union-find of scipy's `LinkageUnionFind` and scikit-learn's
/// `UnionFind`: `find` returns the id of the cluster a node belongs to now,
/// and every merge creates the next id (`n`, `n + 1`, ...).
pub(crate) struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
    next: usize,
}

impl UnionFind {
    pub(crate) fn new(n: usize) -> Self {
        let total = 2 * n.max(1) - 1;
        UnionFind {
            parent: (0..total).collect(),
            size: vec![1; total],
            next: n,
        }
    }

    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        let mut p = x;
        while self.parent[x] != x {
            x = self.parent[x];
        }
        while self.parent[p] != x {
            let up = self.parent[p];
            self.parent[p] = x;
            p = up;
        }
        x
    }

    /// Merges two roots into a new cluster; returns its size.
    pub(crate) fn merge(&mut self, x: usize, y: usize) -> usize {
        let new = self.next;
        self.parent[x] = new;
        self.parent[y] = new;
        let size = self.size[x] + self.size[y];
        self.size[new] = size;
        self.next += 1;
        size
    }
}

/// scipy's `label` after a stable sort by height (`nn_chain` and
/// `mst_single_linkage`): the merges of arbitrary cluster representatives
/// are renumbered so that merge `i` creates node `n + i`, with the smaller
/// child first.
pub(crate) fn scipy_label(mut merges: Vec<Merge>, n: usize) -> Vec<Merge> {
    merges.sort_by(|p, q| p.dist.total_cmp(&q.dist));
    let mut uf = UnionFind::new(n);
    for m in &mut merges {
        let (ra, rb) = (uf.find(m.a), uf.find(m.b));
        (m.a, m.b) = if ra < rb { (ra, rb) } else { (rb, ra) };
        m.size = uf.merge(ra, rb);
    }
    merges
}

/// scikit-learn's `_single_linkage_label` / `make_single_linkage` after a
/// stable sort of the spanning-tree edges `(left, right, weight)`: the
/// children keep the edge's orientation.
pub(crate) fn single_linkage_label(mut edges: Vec<(usize, usize, f64)>, n: usize) -> Vec<Merge> {
    edges.sort_by(|p, q| p.2.total_cmp(&q.2));
    let mut uf = UnionFind::new(n);
    edges
        .into_iter()
        .map(|(l, r, dist)| {
            let (a, b) = (uf.find(l), uf.find(r));
            let size = uf.merge(a, b);
            Merge { a, b, dist, size }
        })
        .collect()
}

/// A binary merge tree (dendrogram) over `n` samples, in scikit-learn's and
/// scipy's numbering: the leaves are the samples `0..n`, and merge `i`
/// joins `children[i]` into node `n + i`, at height `distances[i]`, making
/// a cluster of `counts[i]` samples. Heights never decrease along the rows.
///
/// To draw a dendrogram, pass [`MergeTree::linkage_matrix`] (scipy's
/// format: children, height, count per row) to
/// `scipy.cluster.hierarchy.dendrogram`, or walk the rows: merge `i` sits at
/// height `distances[i]` above its two children.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_cluster::{AgglomerativeClustering, Linkage};
///
/// let x = array![[0.0], [1.0], [5.0]];
/// let model = AgglomerativeClustering::new(2)
///     .linkage(Linkage::Single)
///     .compute_distances(true)
///     .fit(Dataset::from_records(x).view())?;
/// let tree = model.tree();
/// assert_eq!(tree.children().row(0).to_vec(), vec![0, 1]);
/// assert_eq!(tree.counts().to_vec(), vec![2, 3]);
/// let z = tree.linkage_matrix().expect("distances were computed");
/// // scikit-learn keeps the edge's orientation: (node 3, leaf 2) at height 4.
/// assert_eq!(z.row(1).to_vec(), vec![3.0, 2.0, 4.0, 3.0]);
/// # Ok::<(), oxlearn_cluster::ClusterError>(())
/// ```
///
/// Loading a saved tree checks its shape and that every child exists
/// before its parent, and returns an error for a corrupt tree.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawMergeTree<F>",
        bound(
            serialize = "F: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>"
        )
    )
)]
pub struct MergeTree<F> {
    n_leaves: usize,
    children: Array2<usize>,
    distances: Option<Array1<F>>,
    counts: Array1<usize>,
}

/// The unchecked serialised form of a [`MergeTree`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawMergeTree<F> {
    n_leaves: usize,
    children: Array2<usize>,
    distances: Option<Array1<F>>,
    counts: Array1<usize>,
}

#[cfg(feature = "serde")]
impl<F: Float> TryFrom<RawMergeTree<F>> for MergeTree<F> {
    type Error = oxlearn::Error;

    fn try_from(raw: RawMergeTree<F>) -> oxlearn::Result<Self> {
        let bad = |m: &str| Err(oxlearn::Error::InvalidModel(format!("merge tree: {m}")));
        let (rows, cols) = raw.children.dim();
        if raw.n_leaves == 0 || rows + 1 != raw.n_leaves || cols != 2 {
            return bad("expected n_leaves >= 1 and (n_leaves - 1) x 2 children");
        }
        if raw.counts.len() != rows || raw.distances.as_ref().is_some_and(|d| d.len() != rows) {
            return bad("expected one count and one distance per merge");
        }
        for (i, row) in raw.children.rows().into_iter().enumerate() {
            if row.iter().any(|&c| c >= raw.n_leaves + i) || row[0] == row[1] {
                return bad("a merge refers to a node not created before it");
            }
        }
        Ok(MergeTree {
            n_leaves: raw.n_leaves,
            children: raw.children,
            distances: raw.distances,
            counts: raw.counts,
        })
    }
}

impl<F: Float> MergeTree<F> {
    pub(crate) fn from_merges(merges: &[Merge], n_leaves: usize, with_distances: bool) -> Self {
        let mut children = Array2::zeros((merges.len(), 2));
        for (mut row, m) in children.rows_mut().into_iter().zip(merges) {
            row[0] = m.a;
            row[1] = m.b;
        }
        MergeTree {
            n_leaves,
            children,
            distances: with_distances.then(|| merges.iter().map(|m| F::cast(m.dist)).collect()),
            counts: merges.iter().map(|m| m.size).collect(),
        }
    }

    /// The number of leaves (training samples).
    pub fn n_leaves(&self) -> usize {
        self.n_leaves
    }

    /// The two children of each merge, `(n_leaves - 1) x 2`
    /// (scikit-learn's `children_`).
    pub fn children(&self) -> ArrayView2<'_, usize> {
        self.children.view()
    }

    /// The height of each merge (scikit-learn's `distances_`), if computed.
    pub fn distances(&self) -> Option<ArrayView1<'_, F>> {
        self.distances.as_ref().map(Array1::view)
    }

    /// The number of samples under each merge node.
    pub fn counts(&self) -> ArrayView1<'_, usize> {
        self.counts.view()
    }

    /// scipy's linkage matrix `Z` (`(n_leaves - 1) x 4`: child, child,
    /// height, count), ready for `scipy.cluster.hierarchy.dendrogram`;
    /// `None` when the heights were not computed.
    pub fn linkage_matrix(&self) -> Option<Array2<f64>> {
        let d = self.distances.as_ref()?;
        let mut z = Array2::zeros((self.children.nrows(), 4));
        for (i, mut row) in z.rows_mut().into_iter().enumerate() {
            row[0] = self.children[[i, 0]] as f64;
            row[1] = self.children[[i, 1]] as f64;
            row[2] = d[i].to_f64().unwrap_or(f64::NAN);
            row[3] = self.counts[i] as f64;
        }
        Some(z)
    }

    /// The leaves under `node` (a leaf is its own descendant).
    pub(crate) fn descendants(&self, node: usize, out: &mut Vec<usize>) {
        let mut stack = vec![node];
        while let Some(v) = stack.pop() {
            if v < self.n_leaves {
                out.push(v);
            } else {
                let row = v - self.n_leaves;
                stack.push(self.children[[row, 1]]);
                stack.push(self.children[[row, 0]]);
            }
        }
    }
}

/// Python's `heapq` on a list of `i64`, as `_hc_cut` uses it (the order of
/// the list decides the label numbering, so it is reproduced exactly).
struct PyHeap(Vec<i64>);

impl PyHeap {
    fn sift_down(&mut self, start: usize, mut pos: usize) {
        let h = &mut self.0;
        let item = h[pos];
        while pos > start {
            let parent = (pos - 1) >> 1;
            if item < h[parent] {
                h[pos] = h[parent];
                pos = parent;
                continue;
            }
            break;
        }
        h[pos] = item;
    }

    fn sift_up(&mut self, mut pos: usize) {
        let end = self.0.len();
        let start = pos;
        let item = self.0[pos];
        let mut child = 2 * pos + 1;
        while child < end {
            let right = child + 1;
            if right < end && self.0[child] >= self.0[right] {
                child = right;
            }
            self.0[pos] = self.0[child];
            pos = child;
            child = 2 * pos + 1;
        }
        self.0[pos] = item;
        self.sift_down(start, pos);
    }

    fn push(&mut self, item: i64) {
        self.0.push(item);
        let last = self.0.len() - 1;
        self.sift_down(0, last);
    }

    fn push_pop(&mut self, item: i64) {
        if !self.0.is_empty() && self.0[0] < item {
            self.0[0] = item;
            self.sift_up(0);
        }
    }
}

/// scikit-learn's `_hc_cut`: the labels of the leaves when the tree is cut
/// into `n_clusters` clusters, numbered as scikit-learn numbers them.
/// `n_clusters` is in `1..=n_leaves` and the tree is complete.
pub(crate) fn hc_cut<F: Float>(tree: &MergeTree<F>, n_clusters: usize) -> Array1<usize> {
    let n = tree.n_leaves;
    let mut labels = Array1::zeros(n);
    if n == 1 {
        return labels;
    }
    let root = 2 * n - 2;
    let mut heap = PyHeap(vec![-(root as i64)]);
    for _ in 1..n_clusters {
        let row = (-heap.0[0]) as usize - n;
        heap.push(-(tree.children[[row, 0]] as i64));
        heap.push_pop(-(tree.children[[row, 1]] as i64));
    }
    let mut leaves = Vec::new();
    for (i, &node) in heap.0.iter().enumerate() {
        leaves.clear();
        tree.descendants((-node) as usize, &mut leaves);
        for &l in &leaves {
            labels[l] = i;
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scipy_label_sorts_and_renumbers() {
        // Slots as nn-chain leaves them: (1, 2) then (0, 2) then ...
        let merges = vec![
            Merge {
                a: 0,
                b: 2,
                dist: 3.0,
                size: 0,
            },
            Merge {
                a: 1,
                b: 2,
                dist: 1.0,
                size: 0,
            },
        ];
        let out = scipy_label(merges, 3);
        assert_eq!((out[0].a, out[0].b, out[0].size), (1, 2, 2));
        assert_eq!((out[1].a, out[1].b, out[1].size), (0, 3, 3));
    }

    #[test]
    fn hc_cut_follows_the_heap_order() {
        // ((0, 1), (2, (3, 4)))
        let merges = [
            Merge {
                a: 3,
                b: 4,
                dist: 1.0,
                size: 2,
            },
            Merge {
                a: 0,
                b: 1,
                dist: 2.0,
                size: 2,
            },
            Merge {
                a: 2,
                b: 5,
                dist: 3.0,
                size: 3,
            },
            Merge {
                a: 6,
                b: 7,
                dist: 4.0,
                size: 5,
            },
        ];
        let tree = MergeTree::<f64>::from_merges(&merges, 5, true);
        assert_eq!(hc_cut(&tree, 1).to_vec(), vec![0; 5]);
        // Heap [-7, -6]: node 7 (2, 3, 4) gets 0, node 6 (0, 1) gets 1.
        assert_eq!(hc_cut(&tree, 2).to_vec(), vec![1, 1, 0, 0, 0]);
        assert_eq!(hc_cut(&tree, 5).iter().copied().max(), Some(4));
    }
}
