//! Initial centres: scikit-learn's greedy k-means++ and weighted random rows.

use ndarray::Array2;
use oxlearn::Float;
use oxlearn::random::Rng;
use rand::Rng as _;
use rayon::prelude::*;

use super::lloyd::{CHUNK, Rows, sq_dist, weight};
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

/// The first index whose cumulative sum is `>= value` (numpy's
/// `searchsorted(side="left")`), clipped to the last index.
fn search(cumsum: &[f64], value: f64) -> usize {
    cumsum
        .partition_point(|&c| c < value)
        .min(cumsum.len().saturating_sub(1))
}

/// For each candidate `t`, `dist[i * T + t] = min(closest[i], |x_i - cand_t|^2)`
/// and the weighted sum of those over all rows: one pass over the rows for
/// all candidates, per chunk, sums combined in chunk order.
fn potentials<F: Float>(
    x: Rows<'_, F>,
    w: Option<&[F]>,
    closest: &[F],
    candidates: &[usize],
    dist: &mut [F],
) -> Vec<f64> {
    let n_cand = candidates.len();
    let cands: Vec<&[F]> = candidates.iter().map(|&c| x.row(c)).collect();
    let parts: Vec<Vec<f64>> = dist
        .par_chunks_mut(CHUNK * n_cand)
        .zip(closest.par_chunks(CHUNK))
        .enumerate()
        .map(|(ci, (dc, cl))| {
            let start = ci * CHUNK;
            let mut pot = vec![F::zero(); n_cand];
            for (i, (di, &c)) in dc.chunks_exact_mut(n_cand).zip(cl).enumerate() {
                let row = x.row(start + i);
                let wi = weight(w, start + i);
                for ((p, dt), cand) in pot.iter_mut().zip(di).zip(&cands) {
                    *dt = sq_dist(row, cand).min(c);
                    *p += wi * *dt;
                }
            }
            pot.into_iter().map(Float::as_f64).collect()
        })
        .collect();
    let mut total = vec![0.0; n_cand];
    for part in parts {
        for (t, p) in total.iter_mut().zip(part) {
            *t += p;
        }
    }
    total
}

/// `closest[i] = |x_i - x_center|^2` for every row.
fn distances_to<F: Float>(x: Rows<'_, F>, closest: &mut [F], center: usize) {
    let c = x.row(center);
    closest
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(ci, cl)| {
            for (i, cv) in cl.iter_mut().enumerate() {
                *cv = sq_dist(x.row(ci * CHUNK + i), c);
            }
        });
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
    let mut cumsum = vec![0.0f64; n];
    let mut run = 0.0;
    for (i, c) in cumsum.iter_mut().enumerate() {
        run += weight(w, i).as_f64();
        *c = run;
    }
    let first = search(&cumsum, rng.random::<f64>() * total);
    chosen.push(first);
    let mut closest = vec![F::zero(); n];
    distances_to(x, &mut closest, first);
    let mut dist = vec![F::zero(); n * n_trials];
    let mut pot: f64 = closest
        .iter()
        .enumerate()
        .map(|(i, &d)| (weight(w, i) * d).as_f64())
        .sum();
    for _ in 1..k {
        let mut run = 0.0;
        for (i, (cs, &d)) in cumsum.iter_mut().zip(&closest).enumerate() {
            run += (weight(w, i) * d).as_f64();
            *cs = run;
        }
        let candidates: Vec<usize> = (0..n_trials)
            .map(|_| search(&cumsum, rng.random::<f64>() * pot))
            .collect();
        let pots = potentials(x, w, &closest, &candidates, &mut dist);
        let mut best = 0;
        for (t, &p) in pots.iter().enumerate() {
            if p < pots[best] {
                best = t;
            }
        }
        pot = pots[best];
        for (cl, d) in closest.iter_mut().zip(dist.chunks_exact(n_trials)) {
            *cl = d[best];
        }
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
