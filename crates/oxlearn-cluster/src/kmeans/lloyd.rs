//! Lloyd's iterations: blocked nearest-centre assignment, per-chunk
//! accumulators combined in chunk order, empty-cluster relocation and inertia.
//!
//! Every parallel loop here runs over a fixed partition of the rows into
//! chunks of [`CHUNK`] rows (a multiple of it when many large per-chunk
//! sums would not fit in memory; a function of the shapes only), and
//! per-chunk results are combined in chunk order, so the result does not
//! depend on the number of threads.

use ndarray::{Array2, ArrayView2, Axis};
use oxlearn::Float;
use rayon::prelude::*;

use super::kernel::{Accumulate, PackedCenters};

/// Rows per chunk: a block small enough for its distance matrix to stay in cache.
pub(crate) const CHUNK: usize = 256;

/// Cells of per-chunk cluster sums (`k x d` each) kept alive at once, at most.
const SUMS_BUDGET: usize = 1 << 24;

/// Rows per chunk of the accumulating pass: [`CHUNK`], or a multiple of it
/// when `n / CHUNK` chunks of `k x d` sums would exceed [`SUMS_BUDGET`]
/// cells. It depends on the shapes only, never on the number of threads.
fn sums_chunk(n: usize, cells: usize) -> usize {
    let chunks = n.div_ceil(CHUNK);
    let allowed = (SUMS_BUDGET / cells.max(1)).max(1);
    CHUNK * chunks.div_ceil(allowed).max(1)
}

/// Samples as a contiguous row-major slice of `n x d` values.
#[derive(Clone, Copy)]
pub(crate) struct Rows<'a, F> {
    pub data: &'a [F],
    pub d: usize,
}

impl<'a, F: Float> Rows<'a, F> {
    /// Views a standard-layout array.
    pub fn new(x: ArrayView2<'a, F>) -> Self {
        Rows {
            d: x.ncols(),
            data: x
                .to_slice()
                .unwrap_or_else(|| unreachable!("callers pass standard-layout arrays")),
        }
    }

    /// The number of rows.
    pub fn n(&self) -> usize {
        self.data.len().checked_div(self.d).unwrap_or(0)
    }

    /// Row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> &'a [F] {
        &self.data[i * self.d..(i + 1) * self.d]
    }
}

/// The weight of sample `i` (1 without weights).
#[inline]
pub(crate) fn weight<F: Float>(w: Option<&[F]>, i: usize) -> F {
    w.map_or_else(F::one, |w| w[i])
}

/// Squared euclidean distance between two rows, with four independent
/// accumulators so that the loop vectorises.
#[inline]
pub(crate) fn sq_dist<F: Float>(a: &[F], b: &[F]) -> F {
    let mut acc = [F::zero(); 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (u, v) in ca.zip(cb) {
        for l in 0..4 {
            let t = u[l] - v[l];
            acc[l] += t * t;
        }
    }
    let mut s = (acc[0] + acc[2]) + (acc[1] + acc[3]);
    for (&u, &v) in ra.iter().zip(rb) {
        s += (u - v) * (u - v);
    }
    s
}

/// Centre `l` as a slice (centres are always in standard layout).
#[inline]
pub(crate) fn crow<'a, F: Float>(centers: ArrayView2<'a, F>, l: usize) -> &'a [F] {
    let d = centers.ncols();
    let all = centers
        .to_slice()
        .unwrap_or_else(|| unreachable!("centres are in standard layout"));
    &all[l * d..(l + 1) * d]
}

fn row_slice<'a, F>(r: ndarray::ArrayView1<'a, F>) -> &'a [F] {
    r.to_slice()
        .unwrap_or_else(|| unreachable!("centres are in standard layout"))
}

/// Weighted sums of the rows of each cluster and the weight of each cluster.
pub(crate) struct Sums<F> {
    /// k x d sums of `w_i x_i` per cluster, row-major.
    pub sums: Vec<F>,
    /// Total weight per cluster.
    pub weights: Vec<F>,
}

impl<F: Float> Sums<F> {
    /// Adds up per-chunk sums in the order given (chunk order), so the total
    /// is the same whatever the number of threads.
    pub fn combine(parts: impl IntoIterator<Item = Sums<F>>, k: usize, d: usize) -> Self {
        let mut total = Sums {
            sums: vec![F::zero(); k * d],
            weights: vec![F::zero(); k],
        };
        for part in parts {
            for (t, p) in total.sums.iter_mut().zip(&part.sums) {
                *t += *p;
            }
            for (t, p) in total.weights.iter_mut().zip(&part.weights) {
                *t += *p;
            }
        }
        total
    }
}

/// Assigns every row of `x` to its nearest centre (ties go to the lowest
/// index) with the register-blocked kernel of [`super::kernel`] and writes
/// the labels. With `accumulate`, also returns the weighted sums of the rows
/// of each cluster, accumulated in the same pass.
pub(crate) fn assign<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    centers: ArrayView2<'_, F>,
    labels: &mut [usize],
    accumulate: bool,
) -> Option<Sums<F>> {
    let packed = PackedCenters::new(centers);
    let (k, d) = (packed.k(), x.d);
    let chunk = sums_chunk(labels.len(), k * (d + 1));
    let parts: Vec<Option<Sums<F>>> = labels
        .par_chunks_mut(chunk)
        .enumerate()
        .map(|(ci, lab)| {
            let start = ci * chunk;
            let mut acc = accumulate.then(|| Sums {
                sums: vec![F::zero(); k * d],
                weights: vec![F::zero(); k],
            });
            let target = acc.as_mut().map(|a| Accumulate {
                weights: w,
                sums: &mut a.sums,
                totals: &mut a.weights,
            });
            packed.nearest(x, start, lab, target);
            acc
        })
        .collect();
    if !accumulate {
        return None;
    }
    Some(Sums::combine(parts.into_iter().flatten(), k, d))
}

/// Squared distance of every row to the centre of its cluster.
pub(crate) fn distances_to_own_centre<F: Float>(
    x: Rows<'_, F>,
    centers: ArrayView2<'_, F>,
    labels: &[usize],
) -> Vec<F> {
    let mut out = vec![F::zero(); labels.len()];
    out.par_chunks_mut(CHUNK)
        .zip(labels.par_chunks(CHUNK))
        .enumerate()
        .for_each(|(ci, (o, lab))| {
            let start = ci * CHUNK;
            for (i, (o, &l)) in o.iter_mut().zip(lab).enumerate() {
                *o = sq_dist(x.row(start + i), crow(centers, l));
            }
        });
    out
}

/// The weighted sum of squared distances of the rows to their centres.
pub(crate) fn inertia<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    centers: ArrayView2<'_, F>,
    labels: &[usize],
) -> F {
    let parts: Vec<F> = labels
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(ci, lab)| {
            let start = ci * CHUNK;
            lab.iter().enumerate().fold(F::zero(), |acc, (i, &l)| {
                acc + weight(w, start + i) * sq_dist(x.row(start + i), crow(centers, l))
            })
        })
        .collect();
    parts.into_iter().fold(F::zero(), |a, b| a + b)
}

/// scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes
/// one of the points farthest from their (old) centres, farthest first (ties:
/// lowest index), moving that point's weight out of its own cluster's sums.
pub(crate) fn relocate_empty<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    centers_old: ArrayView2<'_, F>,
    labels: &[usize],
    acc: &mut Sums<F>,
) {
    let empty: Vec<usize> = (0..acc.weights.len())
        .filter(|&j| acc.weights[j] == F::zero())
        .collect();
    if empty.is_empty() {
        return;
    }
    let dist = distances_to_own_centre(x, centers_old, labels);
    let mut order: Vec<usize> = (0..dist.len()).collect();
    let n_far = empty.len().min(order.len());
    // Farthest first; equal distances: lowest index first.
    let cmp = |a: &usize, b: &usize| {
        dist[*b]
            .partial_cmp(&dist[*a])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(b))
    };
    if n_far < order.len() {
        order.select_nth_unstable_by(n_far - 1, cmp);
    }
    order.truncate(n_far);
    order.sort_by(cmp);
    for (&new_id, &far) in empty.iter().zip(&order) {
        let wi = weight(w, far);
        let old_id = labels[far];
        let d = x.d;
        for (f, &v) in x.row(far).iter().enumerate() {
            acc.sums[old_id * d + f] -= v * wi;
            acc.sums[new_id * d + f] = v * wi;
        }
        acc.weights[new_id] = wi;
        acc.weights[old_id] -= wi;
    }
}

/// Divides the sums by the cluster weights (clusters of zero weight keep
/// their sums, as in scikit-learn) and returns the new centres.
pub(crate) fn average<F: Float>(acc: Sums<F>) -> Array2<F> {
    let k = acc.weights.len();
    let d = acc.sums.len().checked_div(k).unwrap_or(0);
    let mut centers = Array2::from_shape_vec((k, d), acc.sums)
        .unwrap_or_else(|_| unreachable!("sums hold k x d values"));
    for (mut row, &wj) in centers.axis_iter_mut(Axis(0)).zip(&acc.weights) {
        if wj > F::zero() {
            let alpha = F::one() / wj;
            row.mapv_inplace(|v| v * alpha);
        }
    }
    centers
}

/// The result of one k-means run from given initial centres.
pub(crate) struct Run<F> {
    pub centers: Array2<F>,
    pub labels: Vec<usize>,
    pub inertia: F,
    pub n_iter: usize,
}

/// scikit-learn's `_kmeans_single_lloyd`: at most `max_iter` iterations,
/// stopping when the labels no longer change or when the summed squared
/// centre shift is `<= tol`; then the labels are recomputed from the final
/// centres unless they converged exactly, so that labels and centres agree.
pub(crate) fn lloyd<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    mut centers: Array2<F>,
    max_iter: usize,
    tol: F,
) -> Run<F> {
    let n = x.n();
    let mut labels = vec![0usize; n];
    let mut labels_old = vec![usize::MAX; n];
    let mut strict = false;
    let mut n_iter = 0;
    for it in 0..max_iter {
        n_iter = it + 1;
        let mut acc = assign(x, w, centers.view(), &mut labels, true)
            .unwrap_or_else(|| unreachable!("assign returns sums when asked to accumulate"));
        relocate_empty(x, w, centers.view(), &labels, &mut acc);
        let new_centers = average(acc);
        let shift = centers
            .rows()
            .into_iter()
            .zip(new_centers.rows())
            .fold(F::zero(), |a, (c, nc)| {
                a + sq_dist(row_slice(c), row_slice(nc))
            });
        centers = new_centers;
        if labels == labels_old {
            strict = true;
            break;
        }
        if shift <= tol {
            break;
        }
        labels_old.copy_from_slice(&labels);
    }
    if !strict {
        assign(x, w, centers.view(), &mut labels, false);
    }
    let inertia = inertia(x, w, centers.view(), &labels);
    Run {
        centers,
        labels,
        inertia,
        n_iter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn sums_chunks_stay_within_budget() {
        // Usual shapes keep the cache-sized chunk.
        assert_eq!(sums_chunk(160_000, 16 * 17), CHUNK);
        assert_eq!(sums_chunk(0, 10), CHUNK);
        // A million rows, k = 10^4, d = 100: far fewer, larger chunks.
        let (n, cells) = (1_000_000, 10_000 * 101);
        let chunk = sums_chunk(n, cells);
        assert_eq!(chunk % CHUNK, 0);
        assert!(n.div_ceil(chunk) * cells <= 2 * SUMS_BUDGET);
    }

    #[test]
    fn assign_picks_nearest_and_sums() {
        let x: Array2<f64> = array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.2, 5.0]];
        let c = array![[0.0, 0.0], [5.0, 5.0]];
        let mut labels = vec![9; 4];
        let acc = assign(Rows::new(x.view()), None, c.view(), &mut labels, true).unwrap();
        assert_eq!(labels, vec![0, 0, 1, 1]);
        assert_eq!(acc.weights, vec![2.0, 2.0]);
        assert!((acc.sums[2] - 10.2).abs() < 1e-12);
    }

    #[test]
    fn empty_cluster_takes_farthest_point() {
        let x = array![[0.0], [1.0], [10.0]];
        let c = array![[0.0], [100.0]];
        let mut labels = vec![0; 3];
        let mut acc = assign(Rows::new(x.view()), None, c.view(), &mut labels, true).unwrap();
        assert_eq!(labels, vec![0, 0, 0]);
        relocate_empty(Rows::new(x.view()), None, c.view(), &labels, &mut acc);
        let centers = average(acc);
        assert_eq!(centers, array![[0.5], [10.0]]);
    }

    #[test]
    fn lloyd_converges_on_two_groups() {
        let x: Array2<f64> = array![[0.0], [1.0], [10.0], [11.0]];
        let run = lloyd(Rows::new(x.view()), None, array![[0.0], [1.0]], 100, 0.0);
        assert_eq!(run.labels, vec![0, 0, 1, 1]);
        assert_eq!(run.centers, array![[0.5], [10.5]]);
        assert!((run.inertia - 1.0).abs() < 1e-12);
    }
}
