//! Elkan's k-means: Lloyd's iterations that skip most distance computations
//! with the triangle inequality (scikit-learn's `algorithm="elkan"`).
//!
//! Each sample keeps an upper bound on the distance to its centre and a lower
//! bound on the distance to every centre (`n x k` values); a centre is only
//! measured when the bounds cannot rule it out. The labels, centres and
//! inertia are those of Lloyd's algorithm.

use ndarray::Array2;
use oxlearn::Float;
use rayon::prelude::*;

use super::lloyd::{
    CHUNK, Rows, Run, Sums, average, crow, inertia, relocate_empty, sq_dist, weight,
};

/// Half the distances between centres (k x k, row-major) and, per centre,
/// half the distance to its nearest other centre.
fn geometry<F: Float>(centers: &Array2<F>) -> (Vec<F>, Vec<F>) {
    let k = centers.nrows();
    let view = centers.view();
    let mut half = vec![F::zero(); k * k];
    for a in 0..k {
        for b in a + 1..k {
            let h = sq_dist(crow(view, a), crow(view, b)).sqrt() / F::cast(2);
            half[a * k + b] = h;
            half[b * k + a] = h;
        }
    }
    let next = (0..k)
        .map(|a| {
            (0..k)
                .filter(|&b| b != a)
                .map(|b| half[a * k + b])
                .fold(F::infinity(), F::min)
        })
        .collect();
    (half, next)
}

/// The state of every sample: its label and its bounds.
struct Bounds<'a, F> {
    labels: &'a mut [usize],
    upper: &'a mut [F],
    lower: &'a mut [F],
}

/// scikit-learn's `init_bounds_dense`: labels and exact bounds for the
/// centres that the triangle inequality does not rule out.
fn init_bounds<F: Float>(x: Rows<'_, F>, centers: &Array2<F>, half: &[F], b: Bounds<'_, F>) {
    let k = centers.nrows();
    let cv = centers.view();
    b.labels
        .par_chunks_mut(CHUNK)
        .zip(b.upper.par_chunks_mut(CHUNK))
        .zip(b.lower.par_chunks_mut(CHUNK * k))
        .enumerate()
        .for_each(|(ci, ((lab, up), low))| {
            for (i, ((l, u), lb)) in lab
                .iter_mut()
                .zip(up.iter_mut())
                .zip(low.chunks_exact_mut(k))
                .enumerate()
            {
                let row = x.row(ci * CHUNK + i);
                let mut best = 0;
                let mut min_dist = sq_dist(row, crow(cv, 0)).sqrt();
                lb[0] = min_dist;
                for j in 1..k {
                    if min_dist > half[best * k + j] {
                        let dist = sq_dist(row, crow(cv, j)).sqrt();
                        lb[j] = dist;
                        if dist < min_dist {
                            min_dist = dist;
                            best = j;
                        }
                    }
                }
                *l = best;
                *u = min_dist;
            }
        });
}

/// scikit-learn's `_update_chunk_dense` (Elkan): relabels each sample where
/// the bounds allow a closer centre and returns the weighted sums of each
/// cluster.
fn pass<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    centers: &Array2<F>,
    half: &[F],
    next: &[F],
    b: Bounds<'_, F>,
) -> Sums<F> {
    let (k, d) = centers.dim();
    let cv = centers.view();
    let parts: Vec<Sums<F>> = b
        .labels
        .par_chunks_mut(CHUNK)
        .zip(b.upper.par_chunks_mut(CHUNK))
        .zip(b.lower.par_chunks_mut(CHUNK * k))
        .enumerate()
        .map(|(ci, ((lab, up), low))| {
            let mut acc = Sums {
                sums: vec![F::zero(); k * d],
                weights: vec![F::zero(); k],
            };
            for (i, ((l, u), lb)) in lab
                .iter_mut()
                .zip(up.iter_mut())
                .zip(low.chunks_exact_mut(k))
                .enumerate()
            {
                let row = x.row(ci * CHUNK + i);
                let mut label = *l;
                let mut upper = *u;
                let mut tight = false;
                if next[label] < upper || next[label].is_nan() {
                    for j in 0..k {
                        if j != label && upper > lb[j] && upper > half[label * k + j] {
                            if !tight {
                                upper = sq_dist(row, crow(cv, label)).sqrt();
                                lb[label] = upper;
                                tight = true;
                            }
                            if upper > lb[j] || upper > half[label * k + j] {
                                let dist = sq_dist(row, crow(cv, j)).sqrt();
                                lb[j] = dist;
                                if dist < upper {
                                    label = j;
                                    upper = dist;
                                }
                            }
                        }
                    }
                    *l = label;
                    *u = upper;
                }
                let wi = weight(w, ci * CHUNK + i);
                for (s, &v) in acc.sums[label * d..(label + 1) * d].iter_mut().zip(row) {
                    *s += wi * v;
                }
                acc.weights[label] += wi;
            }
            acc
        })
        .collect();
    Sums::combine(parts, k, d)
}

/// Elkan's iterations with the stopping rules of [`super::lloyd::lloyd`].
pub(crate) fn elkan<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    mut centers: Array2<F>,
    max_iter: usize,
    tol: F,
) -> Run<F> {
    let n = x.n();
    let k = centers.nrows();
    let mut labels = vec![0usize; n];
    let mut upper = vec![F::zero(); n];
    let mut lower = vec![F::zero(); n * k];
    let (mut half, mut next) = geometry(&centers);
    init_bounds(
        x,
        &centers,
        &half,
        Bounds {
            labels: &mut labels,
            upper: &mut upper,
            lower: &mut lower,
        },
    );
    let mut labels_old = vec![usize::MAX; n];
    let mut strict = false;
    let mut n_iter = 0;
    for it in 0..max_iter {
        n_iter = it + 1;
        let bounds = Bounds {
            labels: &mut labels,
            upper: &mut upper,
            lower: &mut lower,
        };
        let mut acc = pass(x, w, &centers, &half, &next, bounds);
        relocate_empty(x, w, centers.view(), &labels, &mut acc);
        let new_centers = average(acc);
        let shift: Vec<F> = (0..k)
            .map(|j| sq_dist(crow(centers.view(), j), crow(new_centers.view(), j)).sqrt())
            .collect();
        upper
            .par_chunks_mut(CHUNK)
            .zip(lower.par_chunks_mut(CHUNK * k))
            .zip(labels.par_chunks(CHUNK))
            .for_each(|((up, low), lab)| {
                for ((u, lb), &l) in up.iter_mut().zip(low.chunks_exact_mut(k)).zip(lab) {
                    *u += shift[l];
                    for (b, &s) in lb.iter_mut().zip(&shift) {
                        *b = (*b - s).max(F::zero());
                    }
                }
            });
        let shift_tot = shift.iter().fold(F::zero(), |a, &s| a + s * s);
        centers = new_centers;
        (half, next) = geometry(&centers);
        if labels == labels_old {
            strict = true;
            break;
        }
        if shift_tot <= tol {
            break;
        }
        labels_old.copy_from_slice(&labels);
    }
    if !strict {
        let bounds = Bounds {
            labels: &mut labels,
            upper: &mut upper,
            lower: &mut lower,
        };
        // The final relabelling; its sums are not needed.
        pass(x, w, &centers, &half, &next, bounds);
    }
    let inertia = inertia(x, w, centers.view(), &labels);
    Run {
        centers,
        labels,
        inertia,
        n_iter,
    }
}
