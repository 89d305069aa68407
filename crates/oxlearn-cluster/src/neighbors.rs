//! A KD-tree neighbours index: k-nearest and radius queries under the
//! euclidean, manhattan or chebyshev distance, one query at a time or in
//! parallel batches.
//!
//! The tree keeps a contiguous copy of the points in tree order, and each node
//! its bounding box; leaves hold at most `leaf_size` points. It is the
//! neighbour search behind [`Dbscan`](crate::Dbscan), and is public so that
//! k-nearest-neighbour estimators and imputers can reuse it. Errors are the
//! core [`oxlearn::Error`], so that any crate can carry them.
//!
//! ```
//! use ndarray::array;
//! use oxlearn_cluster::neighbors::{KdTree, Metric};
//!
//! let points = array![[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [5.0, 5.0]];
//! let tree = KdTree::new(points.view(), 2, Metric::Euclidean)?;
//! let nearest = tree.query(array![0.9, 0.1].view(), 2)?;
//! assert_eq!(nearest[0].0, 1);
//! assert_eq!(nearest[1].0, 0);
//! let mut within = tree.query_radius(array![0.0, 0.0].view(), 2.0)?;
//! within.sort();
//! assert_eq!(within, vec![0, 1, 2]);
//! # Ok::<(), oxlearn::Error>(())
//! ```

use ndarray::{Array2, ArrayView1, ArrayView2};
use oxlearn::{Float, Result, check};
use rayon::prelude::*;

/// A distance between points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Metric {
    /// The square root of the sum of squared differences (L2).
    #[default]
    Euclidean,
    /// The sum of absolute differences (L1, cityblock).
    Manhattan,
    /// The largest absolute difference (L-infinity).
    Chebyshev,
}

impl Metric {
    /// The distance between `a` and `b` (equal lengths).
    ///
    /// ```
    /// use oxlearn_cluster::Metric;
    ///
    /// assert_eq!(Metric::Euclidean.distance(&[0.0, 0.0], &[3.0, 4.0]), 5.0);
    /// assert_eq!(Metric::Manhattan.distance(&[0.0, 0.0], &[3.0, 4.0]), 7.0);
    /// assert_eq!(Metric::Chebyshev.distance(&[0.0, 0.0], &[3.0, 4.0]), 4.0);
    /// ```
    pub fn distance<F: Float>(self, a: &[F], b: &[F]) -> F {
        self.unreduce(self.reduced(a, b))
    }

    /// A cheaper monotone stand-in for the distance (the squared distance
    /// for euclidean, the distance itself otherwise).
    #[inline]
    fn reduced<F: Float>(self, a: &[F], b: &[F]) -> F {
        let diffs = a.iter().zip(b).map(|(&u, &v)| u - v);
        match self {
            Metric::Euclidean => diffs.fold(F::zero(), |acc, t| acc + t * t),
            Metric::Manhattan => diffs.fold(F::zero(), |acc, t| acc + t.abs()),
            Metric::Chebyshev => diffs.fold(F::zero(), |acc, t| acc.max(t.abs())),
        }
    }

    #[inline]
    fn to_reduced<F: Float>(self, d: F) -> F {
        match self {
            Metric::Euclidean => d * d,
            _ => d,
        }
    }

    #[inline]
    fn unreduce<F: Float>(self, r: F) -> F {
        match self {
            Metric::Euclidean => r.sqrt(),
            _ => r,
        }
    }

    /// Combines the per-dimension gaps `t >= 0` into a reduced distance.
    #[inline]
    fn fold_gaps<F: Float>(self, gaps: impl Iterator<Item = F>) -> F {
        match self {
            Metric::Euclidean => gaps.fold(F::zero(), |acc, t| acc + t * t),
            Metric::Manhattan => gaps.fold(F::zero(), |acc, t| acc + t),
            Metric::Chebyshev => gaps.fold(F::zero(), |acc, t| acc.max(t)),
        }
    }
}

/// One node: the points `start..end` of the tree order, and its children.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Node {
    start: usize,
    end: usize,
    children: Option<[usize; 2]>,
}

/// A KD-tree over a fixed set of points.
///
/// Built by splitting each node at the median of its widest dimension until
/// nodes hold at most `leaf_size` points. Queries return the points'
/// indices in the array given to [`KdTree::new`]. k-nearest results are
/// sorted by distance, ties broken by the lower index, so they do not depend
/// on the tree's shape; radius results come in tree order.
///
/// With the `serde` feature the tree serialises, so that models built on it
/// can be saved; loading checks its structure and returns an error for a
/// corrupt tree.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "RawKdTree<F>",
        bound(
            serialize = "F: serde::Serialize",
            deserialize = "F: Float + serde::Deserialize<'de>"
        )
    )
)]
pub struct KdTree<F> {
    data: Vec<F>,
    n_features: usize,
    indices: Vec<usize>,
    nodes: Vec<Node>,
    /// Per node: `n_features` lower then `n_features` upper bounds.
    bounds: Vec<F>,
    metric: Metric,
    leaf_size: usize,
}

/// The unchecked serialised form of a [`KdTree`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawKdTree<F> {
    data: Vec<F>,
    n_features: usize,
    indices: Vec<usize>,
    nodes: Vec<Node>,
    bounds: Vec<F>,
    metric: Metric,
    leaf_size: usize,
}

#[cfg(feature = "serde")]
impl<F: Float> TryFrom<RawKdTree<F>> for KdTree<F> {
    type Error = oxlearn::Error;

    fn try_from(raw: RawKdTree<F>) -> Result<Self> {
        let bad = |m: &str| Err(oxlearn::Error::InvalidModel(format!("KD-tree: {m}")));
        let (n, d) = (raw.indices.len(), raw.n_features);
        if n == 0 || d == 0 || raw.leaf_size == 0 {
            return bad("expected at least one point, one feature and leaf_size >= 1");
        }
        if raw.data.len() != n * d || raw.data.iter().any(|v| !v.is_finite()) {
            return bad("expected n_points x n_features finite values");
        }
        let mut seen = vec![false; n];
        for &i in &raw.indices {
            if i >= n || std::mem::replace(&mut seen[i], true) {
                return bad("indices are not a permutation of 0..n_points");
            }
        }
        if raw.nodes.is_empty() || raw.bounds.len() != raw.nodes.len() * 2 * d {
            return bad("expected a root node and 2 x n_features bounds per node");
        }
        for (id, node) in raw.nodes.iter().enumerate() {
            if node.start > node.end || node.end > n {
                return bad("a node's point range is out of bounds");
            }
            if let Some(children) = node.children
                && children.iter().any(|&c| c <= id || c >= raw.nodes.len())
            {
                return bad("a child index is out of range");
            }
        }
        Ok(KdTree {
            data: raw.data,
            n_features: d,
            indices: raw.indices,
            nodes: raw.nodes,
            bounds: raw.bounds,
            metric: raw.metric,
            leaf_size: raw.leaf_size,
        })
    }
}

impl<F: Float> KdTree<F> {
    /// Builds the tree over the rows of `points`.
    ///
    /// # Errors
    /// `leaf_size == 0`, empty or non-finite points.
    pub fn new(points: ArrayView2<'_, F>, leaf_size: usize, metric: Metric) -> Result<Self> {
        oxlearn::params::check_at_least("leaf_size", leaf_size, 1)?;
        check::records(points, "neighbours index points")?;
        let (n, d) = points.dim();
        let mut indices: Vec<usize> = (0..n).collect();
        let mut tree = KdTree {
            data: Vec::new(),
            n_features: d,
            indices: Vec::new(),
            nodes: Vec::new(),
            bounds: Vec::new(),
            metric,
            leaf_size,
        };
        tree.build(points, &mut indices, 0, n);
        tree.data = indices
            .iter()
            .flat_map(|&i| points.row(i).to_vec())
            .collect();
        tree.indices = indices;
        Ok(tree)
    }

    /// Builds the node over `indices[start..end]`, returning its id.
    fn build(
        &mut self,
        points: ArrayView2<'_, F>,
        indices: &mut [usize],
        start: usize,
        end: usize,
    ) -> usize {
        let d = self.n_features;
        let id = self.nodes.len();
        let mut lo = vec![F::infinity(); d];
        let mut hi = vec![F::neg_infinity(); d];
        for &i in &indices[start..end] {
            for (f, &v) in points.row(i).iter().enumerate() {
                lo[f] = lo[f].min(v);
                hi[f] = hi[f].max(v);
            }
        }
        self.nodes.push(Node {
            start,
            end,
            children: None,
        });
        if end - start > self.leaf_size {
            let mut dim = 0;
            for f in 1..d {
                if hi[f] - lo[f] > hi[dim] - lo[dim] {
                    dim = f;
                }
            }
            let mid = start + (end - start) / 2;
            indices[start..end].select_nth_unstable_by(mid - start, |&a, &b| {
                points[[a, dim]]
                    .partial_cmp(&points[[b, dim]])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(&b))
            });
            self.bounds.extend(lo);
            self.bounds.extend(hi);
            let left = self.build(points, indices, start, mid);
            let right = self.build(points, indices, mid, end);
            self.nodes[id].children = Some([left, right]);
        } else {
            self.bounds.extend(lo);
            self.bounds.extend(hi);
        }
        id
    }

    /// The number of indexed points.
    pub fn n_points(&self) -> usize {
        self.indices.len()
    }

    /// The number of features of the points.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The metric of the queries.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// The most points a leaf holds.
    pub fn leaf_size(&self) -> usize {
        self.leaf_size
    }

    #[inline]
    fn point(&self, pos: usize) -> &[F] {
        &self.data[pos * self.n_features..(pos + 1) * self.n_features]
    }

    /// The reduced distance from `q` to the bounding box of `node` (0 inside).
    #[inline]
    fn min_reduced(&self, node: usize, q: &[F]) -> F {
        let d = self.n_features;
        let b = &self.bounds[node * 2 * d..(node + 1) * 2 * d];
        let (lo, hi) = b.split_at(d);
        self.metric.fold_gaps(
            q.iter()
                .zip(lo.iter().zip(hi))
                .map(|(&x, (&l, &h))| (l - x).max(x - h).max(F::zero())),
        )
    }

    /// The reduced distance from `q` to the farthest corner of `node`'s box.
    #[inline]
    fn max_reduced(&self, node: usize, q: &[F]) -> F {
        let d = self.n_features;
        let b = &self.bounds[node * 2 * d..(node + 1) * 2 * d];
        let (lo, hi) = b.split_at(d);
        self.metric.fold_gaps(
            q.iter()
                .zip(lo.iter().zip(hi))
                .map(|(&x, (&l, &h))| (x - l).abs().max((h - x).abs())),
        )
    }

    fn check_query(&self, x: ArrayView2<'_, F>) -> Result<()> {
        check::n_features(x, self.n_features)?;
        check::finite(x, "neighbours query points")
    }

    fn check_k(&self, k: usize) -> Result<()> {
        oxlearn::params::check_at_least("k (n_neighbors)", k, 1)?;
        check::min_samples(self.n_points(), k, "neighbours index (k nearest)")
    }

    fn check_radius(radius: F) -> Result<()> {
        oxlearn::params::check_non_negative("radius", radius)
    }

    /// The `k` nearest points to `point`: (index, distance) pairs sorted by
    /// distance, ties broken by the lower index.
    ///
    /// # Errors
    /// `k == 0` or more than the indexed points, a wrong length, non-finite values.
    pub fn query(&self, point: ArrayView1<'_, F>, k: usize) -> Result<Vec<(usize, F)>> {
        self.check_k(k)?;
        self.check_query(point.insert_axis(ndarray::Axis(0)))?;
        let q = point.to_vec();
        Ok(self.knn(&q, k))
    }

    fn knn(&self, q: &[F], k: usize) -> Vec<(usize, F)> {
        let mut best: Vec<(F, usize)> = Vec::with_capacity(k + 1);
        self.knn_node(0, q, self.min_reduced(0, q), k, &mut best);
        best.into_iter()
            .map(|(r, i)| (i, self.metric.unreduce(r)))
            .collect()
    }

    fn knn_node(&self, node: usize, q: &[F], rd: F, k: usize, best: &mut Vec<(F, usize)>) {
        if best.len() == k && rd > best[k - 1].0 {
            return;
        }
        let n = &self.nodes[node];
        match n.children {
            None => {
                for pos in n.start..n.end {
                    let r = self.metric.reduced(q, self.point(pos));
                    let idx = self.indices[pos];
                    let better = |&(br, bi): &(F, usize)| r < br || (r == br && idx < bi);
                    if best.len() < k || better(&best[k - 1]) {
                        let at = best.partition_point(|e| !better(e));
                        best.insert(at, (r, idx));
                        best.truncate(k);
                    }
                }
            }
            Some([l, r]) => {
                let (dl, dr) = (self.min_reduced(l, q), self.min_reduced(r, q));
                if dl <= dr {
                    self.knn_node(l, q, dl, k, best);
                    self.knn_node(r, q, dr, k, best);
                } else {
                    self.knn_node(r, q, dr, k, best);
                    self.knn_node(l, q, dl, k, best);
                }
            }
        }
    }

    /// The indices of the points within `radius` of `point` (distance
    /// `<= radius`), in tree order.
    ///
    /// # Errors
    /// A negative or non-finite radius, a wrong length, non-finite values.
    pub fn query_radius(&self, point: ArrayView1<'_, F>, radius: F) -> Result<Vec<usize>> {
        Self::check_radius(radius)?;
        self.check_query(point.insert_axis(ndarray::Axis(0)))?;
        let mut out = Vec::new();
        self.radius_node(
            0,
            &point.to_vec(),
            self.metric.to_reduced(radius),
            &mut |i, _| out.push(i),
        );
        Ok(out)
    }

    /// As [`KdTree::query_radius`], with the distance of each point.
    ///
    /// # Errors
    /// As [`KdTree::query_radius`].
    pub fn query_radius_with_distances(
        &self,
        point: ArrayView1<'_, F>,
        radius: F,
    ) -> Result<Vec<(usize, F)>> {
        Self::check_radius(radius)?;
        self.check_query(point.insert_axis(ndarray::Axis(0)))?;
        let q = point.to_vec();
        let mut out = Vec::new();
        self.radius_node(0, &q, self.metric.to_reduced(radius), &mut |i, pos| {
            out.push((i, self.metric.distance(&q, self.point(pos))))
        });
        Ok(out)
    }

    /// Calls `visit(index, tree position)` for each point within reduced
    /// radius `r` of `q`.
    pub(crate) fn radius_node(
        &self,
        node: usize,
        q: &[F],
        r: F,
        visit: &mut impl FnMut(usize, usize),
    ) {
        if self.min_reduced(node, q) > r {
            return;
        }
        let n = &self.nodes[node];
        if self.max_reduced(node, q) <= r {
            for pos in n.start..n.end {
                visit(self.indices[pos], pos);
            }
            return;
        }
        match n.children {
            None => {
                for pos in n.start..n.end {
                    if self.metric.reduced(q, self.point(pos)) <= r {
                        visit(self.indices[pos], pos);
                    }
                }
            }
            Some([left, right]) => {
                self.radius_node(left, q, r, visit);
                self.radius_node(right, q, r, visit);
            }
        }
    }

    /// The `k` nearest indexed points of every row of `x`, in parallel:
    /// indices and distances, `n_queries x k`, each row sorted by distance
    /// (ties: lower index first).
    ///
    /// # Errors
    /// As [`KdTree::query`].
    pub fn kneighbors(&self, x: ArrayView2<'_, F>, k: usize) -> Result<(Array2<usize>, Array2<F>)> {
        self.check_k(k)?;
        self.check_query(x)?;
        let rows: Vec<Vec<(usize, F)>> = (0..x.nrows())
            .into_par_iter()
            .with_min_len(64)
            .map(|i| self.knn(&x.row(i).to_vec(), k))
            .collect();
        let mut idx = Array2::zeros((x.nrows(), k));
        let mut dist = Array2::zeros((x.nrows(), k));
        for (i, row) in rows.iter().enumerate() {
            for (j, &(ix, dx)) in row.iter().enumerate() {
                idx[[i, j]] = ix;
                dist[[i, j]] = dx;
            }
        }
        Ok((idx, dist))
    }

    /// The indices of the indexed points within `radius` of every row of
    /// `x`, in parallel (each list in tree order).
    ///
    /// # Errors
    /// As [`KdTree::query_radius`].
    pub fn radius_neighbors(&self, x: ArrayView2<'_, F>, radius: F) -> Result<Vec<Vec<usize>>> {
        Self::check_radius(radius)?;
        self.check_query(x)?;
        let r = self.metric.to_reduced(radius);
        Ok((0..x.nrows())
            .into_par_iter()
            .with_min_len(64)
            .map(|i| {
                let mut out = Vec::new();
                self.radius_node(0, &x.row(i).to_vec(), r, &mut |j, _| out.push(j));
                out
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use rand::Rng as _;

    fn brute(x: &Array2<f64>, q: &[f64], metric: Metric) -> Vec<(usize, f64)> {
        let mut v: Vec<(usize, f64)> = x
            .rows()
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i, metric.distance(r.as_slice().unwrap(), q)))
            .collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        v
    }

    #[test]
    fn matches_brute_force() {
        let mut rng = oxlearn::random::rng_from_seed(5);
        // Integer-valued points: many ties.
        let x = Array2::from_shape_fn((300, 3), |_| f64::from(rng.random_range(0..6u8)));
        for metric in [Metric::Euclidean, Metric::Manhattan, Metric::Chebyshev] {
            let tree = KdTree::new(x.view(), 7, metric).unwrap();
            for q in [[0.5, 2.0, 3.0], [5.0, 5.0, 0.0], [2.0, 2.0, 2.0]] {
                let expect = brute(&x, &q, metric);
                let got = tree.query(ndarray::aview1(&q), 10).unwrap();
                assert_eq!(got, expect[..10].to_vec(), "{metric:?}");
                let mut within = tree.query_radius(ndarray::aview1(&q), 2.0).unwrap();
                within.sort();
                let mut want: Vec<usize> =
                    expect.iter().filter(|e| e.1 <= 2.0).map(|e| e.0).collect();
                want.sort();
                assert_eq!(within, want, "{metric:?}");
            }
            let (idx, dist) = tree.kneighbors(x.view(), 3).unwrap();
            assert_eq!(dist.column(0).iter().copied().fold(0.0, f64::max), 0.0);
            assert_eq!(idx.nrows(), 300);
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_and_corrupt_tree() {
        let x = ndarray::array![[0.0, 1.0], [1.0, 1.0], [3.0, 0.0], [2.0, 2.0]];
        let tree = KdTree::new(x.view(), 1, Metric::Manhattan).unwrap();
        let json = serde_json::to_string(&tree).unwrap();
        let back: KdTree<f64> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tree);
        let q = ndarray::array![2.0, 1.0];
        assert_eq!(
            back.query(q.view(), 2).unwrap(),
            tree.query(q.view(), 2).unwrap()
        );
        let bad = json.replacen("\"indices\":[", "\"indices\":[0,", 1);
        assert!(serde_json::from_str::<KdTree<f64>>(&bad).is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        let x = ndarray::array![[0.0, 1.0], [1.0, 1.0]];
        assert!(KdTree::new(x.view(), 0, Metric::Euclidean).is_err());
        assert!(KdTree::new(Array2::<f64>::zeros((0, 2)).view(), 5, Metric::Euclidean).is_err());
        let tree = KdTree::new(x.view(), 1, Metric::Euclidean).unwrap();
        assert!(tree.query(ndarray::array![0.0].view(), 1).is_err());
        assert!(tree.query(ndarray::array![0.0, 0.0].view(), 3).is_err());
        assert!(tree.query(ndarray::array![0.0, 0.0].view(), 0).is_err());
        assert!(
            tree.query(ndarray::array![f64::NAN, 0.0].view(), 1)
                .is_err()
        );
        assert!(
            tree.query_radius(ndarray::array![0.0, 0.0].view(), -1.0)
                .is_err()
        );
        assert!(tree.radius_neighbors(x.view(), f64::NAN).is_err());
    }
}
