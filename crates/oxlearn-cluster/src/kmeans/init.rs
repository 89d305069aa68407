//! Initial centres: scikit-learn's greedy k-means++ and weighted random rows.

use ndarray::Array2;
use oxlearn::Float;
use oxlearn::random::Rng;
use oxlearn::simd::{Simd, WithSimd, dispatch};
use rand::Rng as _;
use rayon::prelude::*;

use super::lloyd::{CHUNK, Rows, weight};
use crate::error::{ClusterError, Result};

/// Total weight in `f64`, an error when it is not positive.
fn total_weight<F: Float>(w: Option<&[F]>, n: usize) -> Result<f64> {
    let total = w.map_or(n as f64, |w| w.iter().map(|v| v.as_f64()).sum());
    if total > 0.0 {
        Ok(total)
    } else {
        Err(ClusterError::ZeroTotalWeight { sum: total })
    }
}

/// Squared distances of the `m` rows of one chunk to the candidates
/// (`out[t * m + r]` for row `r`), each capped at the row's current
/// closest distance, and the weighted sum per candidate: a kernel for
/// [`dispatch`].
struct Potentials<'a, F> {
    x: Rows<'a, F>,
    w: Option<&'a [F]>,
    start: usize,
    candidates: &'a [&'a [F]],
    closest: &'a [F],
    out: &'a mut [F],
}

impl<F: Float> WithSimd for Potentials<'_, F> {
    type Output = Vec<f64>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Vec<f64> {
        let m = self.closest.len();
        let zero = F::simd_splat(simd, F::zero());
        // Candidate by candidate, so that the potential stays in a register;
        // the chunk's rows stay in cache between candidates.
        let mut pots = Vec::with_capacity(self.candidates.len());
        for (cand, out) in self.candidates.iter().zip(self.out.chunks_exact_mut(m)) {
            let (cv, ct) = F::as_simd::<S>(cand);
            let mut pot = F::zero();
            for (r, (o, &cap)) in out.iter_mut().zip(self.closest).enumerate() {
                let i = self.start + r;
                let (xv, xt) = F::as_simd::<S>(self.x.row(i));
                let mut acc = zero;
                for (&a, &b) in xv.iter().zip(cv) {
                    let diff = F::simd_sub(simd, a, b);
                    acc = F::simd_mul_add(simd, diff, diff, acc);
                }
                let mut dist = F::simd_reduce_sum(simd, acc);
                for (&a, &b) in xt.iter().zip(ct) {
                    dist = (a - b).mul_add(a - b, dist);
                }
                let dist = if dist < cap { dist } else { cap };
                *o = dist;
                pot = weight(self.w, i).mul_add(dist, pot);
            }
            pots.push(pot.as_f64());
        }
        pots
    }
}

/// For each candidate `t`, `trial[c * T * CHUNK + t * len + r] =
/// min(closest, |x - cand_t|^2)` for row `r` of chunk `c` (of `len` rows),
/// and the weighted sum of those per chunk and candidate: one pass over the
/// rows for all candidates.
fn potentials<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    closest: &[F],
    candidates: &[&[F]],
    trial: &mut [F],
) -> Vec<Vec<f64>> {
    trial
        .par_chunks_mut(CHUNK * candidates.len())
        .zip(closest.par_chunks(CHUNK))
        .enumerate()
        .map(|(ci, (out, closest))| {
            dispatch(Potentials {
                x,
                w,
                start: ci * CHUNK,
                candidates,
                closest,
                out,
            })
        })
        .collect()
}

/// `closest[i] = |x_i - x_center|^2` for every row, and the weighted sum
/// of those per chunk.
fn distances_to<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    closest: &mut [F],
    center: usize,
) -> Vec<f64> {
    let c = [x.row(center)];
    let far = [F::infinity(); CHUNK];
    closest
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(ci, out)| {
            let len = out.len();
            dispatch(Potentials {
                x,
                w,
                start: ci * CHUNK,
                candidates: &c,
                closest: &far[..len],
                out,
            })[0]
        })
        .collect()
}

/// The row drawn for a value `u` in `[0, total)`: the first whose running
/// weighted distance reaches `u` (chunk totals first, then the rows of
/// that chunk), clipped to the last row of the chunk reached.
fn draw<F: Float>(closest: &[F], w: Option<&[F]>, totals: &[f64], u: f64) -> usize {
    let mut rest = u;
    let mut ci = 0;
    while ci + 1 < totals.len() && rest > totals[ci] {
        rest -= totals[ci];
        ci += 1;
    }
    let start = ci * CHUNK;
    let chunk = &closest[start..(start + CHUNK).min(closest.len())];
    let mut run = 0.0;
    for (r, &d) in chunk.iter().enumerate() {
        run += (weight(w, start + r) * d).as_f64();
        if run >= rest {
            return start + r;
        }
    }
    start + chunk.len().saturating_sub(1)
}

/// scikit-learn's `_kmeans_plusplus`: the first centre is a row drawn with
/// probability proportional to its weight; each next centre is the best of
/// `2 + floor(ln k)` candidates drawn with probability proportional to
/// weight x squared distance to the nearest chosen centre, "best" meaning the
/// one that leaves the lowest weighted potential.
pub(crate) fn kmeans_plusplus<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    k: usize,
    rng: &mut Rng,
) -> Result<Array2<F>> {
    let chosen = kmeans_plusplus_indices(x, w, k, rng)?;
    let mut centers = Array2::zeros((k, x.d));
    for (mut c, &i) in centers.rows_mut().into_iter().zip(&chosen) {
        for (cv, &v) in c.iter_mut().zip(x.row(i)) {
            *cv = v;
        }
    }
    Ok(centers)
}

/// The rows chosen by [`kmeans_plusplus`], in order (scikit-learn's
/// `kmeans_plusplus` indices).
pub(crate) fn kmeans_plusplus_indices<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    k: usize,
    rng: &mut Rng,
) -> Result<Vec<usize>> {
    let n = x.n();
    let total = total_weight(w, n)?;
    let n_trials = 2 + (k as f64).ln().floor() as usize;
    let mut chosen = Vec::with_capacity(k);
    let first = {
        let u = rng.random::<f64>() * total;
        let mut run = 0.0;
        (0..n)
            .find(|&i| {
                run += weight(w, i).as_f64();
                run >= u
            })
            .unwrap_or(n - 1)
    };
    chosen.push(first);
    let mut closest = vec![F::zero(); n];
    let mut totals = distances_to(x, w, &mut closest, first);
    let mut pot: f64 = totals.iter().sum();
    let mut trial = vec![F::zero(); n * n_trials];
    for _ in 1..k {
        let candidates: Vec<usize> = (0..n_trials)
            .map(|_| draw(&closest, w, &totals, rng.random::<f64>() * pot))
            .collect();
        let rows: Vec<&[F]> = candidates.iter().map(|&c| x.row(c)).collect();
        let parts = potentials(x, w, &closest, &rows, &mut trial);
        let pots: Vec<f64> = (0..n_trials)
            .map(|t| parts.iter().map(|p| p[t]).sum())
            .collect();
        let mut best = 0;
        for (t, &p) in pots.iter().enumerate() {
            if p < pots[best] {
                best = t;
            }
        }
        pot = pots[best];
        totals = parts.iter().map(|p| p[best]).collect();
        closest
            .par_chunks_mut(CHUNK)
            .zip(trial.par_chunks(CHUNK * n_trials))
            .for_each(|(cl, tr)| {
                let len = cl.len();
                cl.copy_from_slice(&tr[best * len..(best + 1) * len]);
            });
        chosen.push(candidates[best]);
    }
    Ok(chosen)
}

/// `k` distinct rows drawn without replacement with probability proportional
/// to their weights (numpy's `choice(n, k, replace=False, p=w / w.sum())`).
pub(crate) fn random_rows<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    k: usize,
    rng: &mut Rng,
) -> Result<Array2<F>> {
    let n = x.n();
    total_weight(w, n)?;
    let positive = (0..n).filter(|&i| weight(w, i) > F::zero()).count();
    if positive < k {
        return Err(oxlearn::Error::TooFewSamples {
            what: "random k-means initialisation (samples of positive weight)".into(),
            needed: k,
            actual: positive,
        }
        .into());
    }
    let mut p: Vec<f64> = (0..n).map(|i| weight(w, i).as_f64()).collect();
    let mut centers = Array2::zeros((k, x.d));
    for c in 0..k {
        let total: f64 = p.iter().sum();
        let target = rng.random::<f64>() * total;
        let mut run = 0.0;
        let mut chosen = None;
        let mut last_positive = 0;
        for (i, &pi) in p.iter().enumerate() {
            if pi > 0.0 {
                last_positive = i;
                run += pi;
                if run > target {
                    chosen = Some(i);
                    break;
                }
            }
        }
        let i = chosen.unwrap_or(last_positive);
        p[i] = 0.0;
        for (cv, &v) in centers.row_mut(c).iter_mut().zip(x.row(i)) {
            *cv = v;
        }
    }
    Ok(centers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use oxlearn::random::rng_from_seed;

    #[test]
    fn plusplus_picks_distinct_spread_rows() {
        let x = array![
            [0.0, 0.0],
            [0.0, 0.1],
            [10.0, 10.0],
            [10.0, 10.1],
            [-9.0, 5.0]
        ];
        let c = kmeans_plusplus(Rows::new(x.view()), None, 3, &mut rng_from_seed(3)).unwrap();
        let mut groups: Vec<i64> = c.rows().into_iter().map(|r| r[0] as i64).collect();
        groups.sort();
        assert_eq!(groups, vec![-9, 0, 10]);
    }

    #[test]
    fn random_rows_distinct_and_skip_zero_weight() {
        let x = array![[0.0], [1.0], [2.0], [3.0]];
        let rows = Rows::new(x.view());
        let w = [0.0, 1.0, 0.0, 1.0];
        let c = random_rows(rows, Some(&w[..]), 2, &mut rng_from_seed(1)).unwrap();
        let mut v: Vec<f64> = c.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        assert_eq!(v, vec![1.0, 3.0]);
        assert!(random_rows(rows, Some(&w[..]), 3, &mut rng_from_seed(1)).is_err());
        let zero = [0.0; 4];
        assert!(kmeans_plusplus(rows, Some(&zero[..]), 2, &mut rng_from_seed(1)).is_err());
    }
}
