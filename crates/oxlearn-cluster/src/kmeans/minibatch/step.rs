//! The mini-batch step and the stopping and reassignment rules of
//! scikit-learn's `MiniBatchKMeans`.

use ndarray::Array2;
use oxlearn::Float;
use oxlearn::random::Rng;

use super::super::lloyd::{self, Rows};

/// The rows `idx` of `x` (and their weights), contiguous.
pub(super) fn gather<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    idx: &[usize],
) -> (Vec<F>, Option<Vec<F>>) {
    let mut xs = Vec::with_capacity(idx.len() * x.d);
    for &i in idx {
        xs.extend_from_slice(x.row(i));
    }
    (xs, w.map(|w| idx.iter().map(|&i| w[i]).collect()))
}

/// The smoothed-inertia early stopping of scikit-learn's
/// `_mini_batch_convergence`.
pub(super) struct Convergence<F> {
    ewa: Option<F>,
    ewa_min: Option<F>,
    no_improvement: usize,
}

impl<F> Convergence<F> {
    /// No step seen yet.
    pub(super) fn new() -> Self {
        Convergence {
            ewa: None,
            ewa_min: None,
            no_improvement: 0,
        }
    }
}

/// One mini-batch step: assigns the batch to the current centres, moves
/// each centre to the weighted mean of everything it has seen, and
/// reassigns starved centres when asked. Returns the batch inertia with the
/// centres before the step.
#[allow(clippy::too_many_arguments)]
pub(super) fn step<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    centers: &mut Array2<F>,
    counts: &mut [F],
    labels: &mut [usize],
    rng: &mut Rng,
    random_reassign: bool,
    ratio: f64,
) -> F {
    let (k, d) = centers.dim();
    let acc = lloyd::assign(x, w, centers.view(), labels, true)
        .unwrap_or_else(|| unreachable!("assign returns sums when asked to accumulate"));
    let inertia = lloyd::inertia(x, w, centers.view(), labels);
    for (j, (&wsum, count)) in acc.weights.iter().zip(counts.iter_mut()).enumerate() {
        if wsum > F::zero() {
            let old = *count;
            *count += wsum;
            let alpha = F::one() / *count;
            for (c, &s) in centers
                .row_mut(j)
                .iter_mut()
                .zip(&acc.sums[j * d..(j + 1) * d])
            {
                *c = (*c * old + s) * alpha;
            }
        }
    }
    if random_reassign && ratio > 0.0 {
        let max = counts.iter().copied().fold(F::zero(), F::max);
        let threshold = F::cast(ratio) * max;
        let mut reassign: Vec<bool> = counts.iter().map(|&c| c < threshold).collect();
        let half = x.n() / 2;
        if reassign.iter().filter(|&&r| r).count() > half {
            let mut order: Vec<usize> = (0..k).collect();
            order.sort_by(|&a, &b| {
                counts[a]
                    .partial_cmp(&counts[b])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(&b))
            });
            for &j in &order[half..] {
                reassign[j] = false;
            }
        }
        let targets: Vec<usize> = (0..k).filter(|&j| reassign[j]).collect();
        if !targets.is_empty() {
            let picks = rand::seq::index::sample(rng, x.n(), targets.len());
            for (&j, i) in targets.iter().zip(picks.iter()) {
                for (c, &v) in centers.row_mut(j).iter_mut().zip(x.row(i)) {
                    *c = v;
                }
            }
            let kept_min = (0..k)
                .filter(|&j| !reassign[j])
                .map(|j| counts[j])
                .fold(None, |m: Option<F>, c| Some(m.map_or(c, |m| m.min(c))));
            if let Some(m) = kept_min {
                for &j in &targets {
                    counts[j] = m;
                }
            }
        }
    }
    inertia
}

/// scikit-learn's `_random_reassign`: every `10 * k` rows, or whenever a
/// centre has seen nothing.
pub(super) fn random_reassign<F: Float>(since: &mut usize, counts: &[F], batch: usize) -> bool {
    *since += batch;
    if counts.iter().any(|&c| c == F::zero()) || *since >= 10 * counts.len() {
        *since = 0;
        true
    } else {
        false
    }
}

/// scikit-learn's `_mini_batch_convergence`.
#[allow(clippy::too_many_arguments)]
pub(super) fn converged<F: Float>(
    conv: &mut Convergence<F>,
    step: usize,
    n: usize,
    batch: usize,
    max_no_improvement: Option<usize>,
    tol: F,
    shift: F,
    batch_inertia: F,
) -> bool {
    let batch_inertia = batch_inertia / F::cast(batch);
    if step == 0 {
        return false;
    }
    conv.ewa = Some(match conv.ewa {
        None => batch_inertia,
        Some(e) => {
            let alpha = (batch as f64 * 2.0 / (n as f64 + 1.0)).min(1.0);
            let alpha = F::cast(alpha);
            e * (F::one() - alpha) + batch_inertia * alpha
        }
    });
    if tol > F::zero() && shift <= tol {
        return true;
    }
    let ewa = conv.ewa.unwrap_or(batch_inertia);
    if conv.ewa_min.is_none_or(|m| ewa < m) {
        conv.no_improvement = 0;
        conv.ewa_min = Some(ewa);
    } else {
        conv.no_improvement += 1;
    }
    max_no_improvement.is_some_and(|m| conv.no_improvement >= m)
}
