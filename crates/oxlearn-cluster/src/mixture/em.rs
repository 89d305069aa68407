//! The EM iterations in `f64`: a blocked E-step (the Mahalanobis terms of all
//! components as one matrix product per block of rows) and the M-step
//! estimates of scikit-learn's `_estimate_gaussian_parameters`.
//!
//! Every parallel loop runs over a fixed partition of the rows (blocks of
//! [`BLOCK`] rows, tasks of [`TASK`] rows) and combines per-block results in
//! block order, so the result is the same on any number of threads.

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use oxlearn::math::fast_exp;
use rayon::prelude::*;

use super::covariance::{CovarianceType, log_det_cholesky, precision_cholesky};
use crate::error::Result;
use crate::kmeans::lloyd::sq_dist;

/// Rows per E-step block: its `rows x (k d)` product stays in cache.
pub(crate) const BLOCK: usize = 128;
/// Rows per block of the covariance products (`rows x (k d)` scaled copies).
const COV_BLOCK: usize = 64;
/// Rows per M-step task (each keeps its own accumulators).
const TASK: usize = 2048;

/// The parameters of a Gaussian mixture in `f64`, row-major (shapes in
/// [`super::covariance`]).
#[derive(Debug, Clone)]
pub(crate) struct Gaussians {
    pub kind: CovarianceType,
    pub k: usize,
    pub d: usize,
    pub weights: Vec<f64>,
    pub means: Vec<f64>,
    /// Empty when the mixture was started from given precisions and no
    /// M-step has run yet.
    pub covariances: Vec<f64>,
    pub prec_chol: Vec<f64>,
}

/// What the E-step needs, precomputed once per iteration.
pub(crate) struct Prepared<'a> {
    g: &'a Gaussians,
    /// Full: `d x (k d)`, column block `c` holding `U_c`; tied: `U` (`d x d`).
    mat: Vec<f64>,
    /// Full: `mu_c U_c` for each `c` (`k d`); tied: `mu_c U` (`k x d`);
    /// diagonal and spherical: the precisions.
    shift: Vec<f64>,
    /// `-d/2 ln(2 pi) + ln det U_c + ln w_c` per component.
    constant: Vec<f64>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(g: &'a Gaussians) -> Self {
        let (k, d) = (g.k, g.d);
        let log_det = log_det_cholesky(g.kind, &g.prec_chol, k, d);
        let half_log_2pi = 0.5 * d as f64 * (2.0 * std::f64::consts::PI).ln();
        let constant = log_det
            .iter()
            .zip(&g.weights)
            .map(|(ld, w)| ld - half_log_2pi + w.ln())
            .collect();
        let mu_times = |u: &[f64], c: usize, out: &mut [f64]| {
            let mu = &g.means[c * d..(c + 1) * d];
            for (b, o) in out.iter_mut().enumerate() {
                *o = (0..d).map(|a| mu[a] * u[a * d + b]).sum();
            }
        };
        let (mat, shift) = match g.kind {
            CovarianceType::Full => {
                let kd = k * d;
                let mut mat = vec![0.0; d * kd];
                let mut shift = vec![0.0; kd];
                for (c, u) in g.prec_chol.chunks_exact(d * d).enumerate() {
                    for a in 0..d {
                        mat[a * kd + c * d..a * kd + (c + 1) * d]
                            .copy_from_slice(&u[a * d..(a + 1) * d]);
                    }
                    mu_times(u, c, &mut shift[c * d..(c + 1) * d]);
                }
                (mat, shift)
            }
            CovarianceType::Tied => {
                let mut shift = vec![0.0; k * d];
                for c in 0..k {
                    mu_times(&g.prec_chol, c, &mut shift[c * d..(c + 1) * d]);
                }
                (g.prec_chol.clone(), shift)
            }
            CovarianceType::Diag | CovarianceType::Spherical => {
                (Vec::new(), g.prec_chol.iter().map(|v| v * v).collect())
            }
        };
        Prepared {
            g,
            mat,
            shift,
            constant,
        }
    }

    /// The weighted log-probabilities `ln w_c + ln N(x_i | c)` of the `m`
    /// rows of `xb` into `out` (`m x k`), using `scratch` for the products.
    fn weighted_log_prob(&self, xb: &[f64], out: &mut [f64], scratch: &mut Vec<f64>) {
        let (k, d) = (self.g.k, self.g.d);
        let m = xb.len() / d;
        let sq = sq_dist::<f64>;
        match self.g.kind {
            CovarianceType::Full | CovarianceType::Tied => {
                let full = self.g.kind == CovarianceType::Full;
                let width = if full { k * d } else { d };
                // Overwritten by the product: grown, never cleared.
                if scratch.len() < m * width {
                    scratch.resize(m * width, 0.0);
                }
                let scratch = &mut scratch[..m * width];
                matmul(
                    MatMut::from_row_major_slice_mut(scratch, m, width),
                    Accum::Replace,
                    MatRef::from_row_major_slice(xb, m, d),
                    MatRef::from_row_major_slice(&self.mat, d, width),
                    1.0,
                    Par::Seq,
                );
                for (y, o) in scratch.chunks_exact(width).zip(out.chunks_exact_mut(k)) {
                    for (c, oc) in o.iter_mut().enumerate() {
                        let yc = if full { &y[c * d..(c + 1) * d] } else { y };
                        *oc = self.constant[c] - 0.5 * sq(yc, &self.shift[c * d..(c + 1) * d]);
                    }
                }
            }
            CovarianceType::Diag => {
                for (x, o) in xb.chunks_exact(d).zip(out.chunks_exact_mut(k)) {
                    for (c, oc) in o.iter_mut().enumerate() {
                        let mu = &self.g.means[c * d..(c + 1) * d];
                        let p = &self.shift[c * d..(c + 1) * d];
                        *oc = self.constant[c] - 0.5 * weighted_sq_dist(x, mu, p);
                    }
                }
            }
            CovarianceType::Spherical => {
                for (x, o) in xb.chunks_exact(d).zip(out.chunks_exact_mut(k)) {
                    for (c, oc) in o.iter_mut().enumerate() {
                        let mu = &self.g.means[c * d..(c + 1) * d];
                        *oc = self.constant[c] - 0.5 * self.shift[c] * sq(x, mu);
                    }
                }
            }
        }
    }

    /// The weighted log-probabilities of every row of `x` (`n x k`).
    pub(crate) fn weighted_log_prob_all(&self, x: &[f64]) -> Vec<f64> {
        let (k, d) = (self.g.k, self.g.d);
        let mut out = vec![0.0; x.len() / d * k];
        out.par_chunks_mut(BLOCK * k)
            .zip(x.par_chunks(BLOCK * d))
            .for_each_init(Vec::new, |scratch, (o, xb)| {
                self.weighted_log_prob(xb, o, scratch);
            });
        out
    }

    /// The E-step: writes the responsibilities of every row into `resp`
    /// (`n x k`) and returns the mean log-likelihood of the rows.
    pub(crate) fn e_step(&self, x: &[f64], resp: &mut [f64]) -> f64 {
        let (k, d) = (self.g.k, self.g.d);
        let n = x.len() / d;
        let parts: Vec<f64> = resp
            .par_chunks_mut(BLOCK * k)
            .zip(x.par_chunks(BLOCK * d))
            .map_init(Vec::new, |scratch, (r, xb)| {
                self.weighted_log_prob(xb, r, scratch);
                let mut total = 0.0;
                // The product of the row sums (each in [1, k]), rescaled by
                // powers of 2: one logarithm per block instead of one per row.
                let (mut product, mut exponent) = (1.0f64, 0i32);
                for row in r.chunks_exact_mut(k) {
                    // One exponential per value: resp = exp(v - max) / sum.
                    let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    if !max.is_finite() || row.iter().any(|v| v.is_nan()) {
                        let lpn = log_sum_exp(row);
                        row.iter_mut().for_each(|v| *v = exp_or_zero(*v - lpn));
                        total += lpn;
                        continue;
                    }
                    row.iter_mut().for_each(|v| *v -= max);
                    exp_in_place(row);
                    let sum = lane_sum(row);
                    let inv = 1.0 / sum;
                    row.iter_mut().for_each(|v| *v *= inv);
                    total += max;
                    product *= sum;
                    if product > 1e150 {
                        product *= 2f64.powi(-500);
                        exponent += 500;
                    }
                }
                total + product.ln() + f64::from(exponent) * std::f64::consts::LN_2
            })
            .collect();
        parts.iter().sum::<f64>() / n as f64
    }
}

/// `exp(v)` for the differences `v <= 0` of log-probabilities to their
/// largest: 0 below -500 (`exp(-500) < 1e-217` vanishes beside the largest
/// term, 1, and no subnormal enters later sums), otherwise the core crate's
/// branch-free [`fast_exp`], so that loops over rows vectorise (libm's `exp`
/// was most of the E-step). NaN gives NaN.
#[inline]
pub(crate) fn exp_or_zero(v: f64) -> f64 {
    let e = fast_exp(v);
    if v < -500.0 { 0.0 } else { e }
}

/// [`exp_or_zero`] of every value.
#[inline]
fn exp_in_place(v: &mut [f64]) {
    for x in v.iter_mut() {
        *x = exp_or_zero(*x);
    }
}

/// The sum of `v` with four independent accumulators (vectorises).
#[inline]
fn lane_sum(v: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let chunks = v.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..4 {
            acc[l] += c[l];
        }
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + rest.iter().sum::<f64>()
}

/// `sum_j p_j (a_j - b_j)^2` with four independent accumulators.
#[inline]
fn weighted_sq_dist(a: &[f64], b: &[f64], p: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb, cp) = (a.chunks_exact(4), b.chunks_exact(4), p.chunks_exact(4));
    let (ra, rb, rp) = (ca.remainder(), cb.remainder(), cp.remainder());
    for ((u, v), w) in ca.zip(cb).zip(cp) {
        for l in 0..4 {
            let t = u[l] - v[l];
            acc[l] += w[l] * t * t;
        }
    }
    let mut s = (acc[0] + acc[2]) + (acc[1] + acc[3]);
    for ((u, v), w) in ra.iter().zip(rb).zip(rp) {
        s += w * (u - v) * (u - v);
    }
    s
}

/// `ln sum exp(v)` (scipy's `logsumexp`: `-inf` when every value is `-inf`).
pub(crate) fn log_sum_exp(v: &[f64]) -> f64 {
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    max + v.iter().map(|&x| exp_or_zero(x - max)).sum::<f64>().ln()
}

/// `X^T X` (`d x d`), for tied covariances.
pub(crate) fn gram(x: &[f64], d: usize) -> Vec<f64> {
    let parts: Vec<Vec<f64>> = x
        .par_chunks(TASK * d)
        .map(|xb| {
            let m = xb.len() / d;
            let mut acc = vec![0.0; d * d];
            let xr = MatRef::from_row_major_slice(xb, m, d);
            matmul(
                MatMut::from_row_major_slice_mut(&mut acc, d, d),
                Accum::Replace,
                xr.transpose(),
                xr,
                1.0,
                Par::Seq,
            );
            acc
        })
        .collect();
    sum_in_order(parts, d * d)
}

/// Adds equal-length partial results in their order.
fn sum_in_order(parts: Vec<Vec<f64>>, len: usize) -> Vec<f64> {
    let mut total = vec![0.0; len];
    for part in parts {
        for (t, p) in total.iter_mut().zip(part) {
            *t += p;
        }
    }
    total
}

/// scikit-learn's `_estimate_gaussian_parameters`: the component weights
/// `nk` (responsibility sums plus `10 eps`), means and covariances (with
/// `reg_covar` added to the diagonal). `xtx` is `X^T X`, needed for tied
/// covariances only.
pub(crate) fn estimate(
    kind: CovarianceType,
    x: &[f64],
    d: usize,
    resp: &[f64],
    k: usize,
    reg_covar: f64,
    xtx: Option<&[f64]>,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    if kind == CovarianceType::Full {
        // One pass gives the weights, means and covariances.
        return full_parameters(x, d, resp, k, reg_covar);
    }
    // nk and resp^T X.
    let parts: Vec<Vec<f64>> = resp
        .par_chunks(TASK * k)
        .zip(x.par_chunks(TASK * d))
        .map(|(r, xb)| {
            let m = xb.len() / d;
            let mut acc = vec![0.0; k * d + k];
            let (sums, nk) = acc.split_at_mut(k * d);
            for row in r.chunks_exact(k) {
                for (s, v) in nk.iter_mut().zip(row) {
                    *s += v;
                }
            }
            matmul(
                MatMut::from_row_major_slice_mut(sums, k, d),
                Accum::Replace,
                MatRef::from_row_major_slice(r, m, k).transpose(),
                MatRef::from_row_major_slice(xb, m, d),
                1.0,
                Par::Seq,
            );
            acc
        })
        .collect();
    let total = sum_in_order(parts, k * d + k);
    let (sums, nk) = total.split_at(k * d);
    let nk: Vec<f64> = nk.iter().map(|v| v + 10.0 * f64::EPSILON).collect();
    let mut means = sums.to_vec();
    for (row, &w) in means.chunks_exact_mut(d).zip(&nk) {
        for v in row {
            *v /= w;
        }
    }
    // Full covariances returned above; tied, or diagonal / spherical here.
    let covariances = if kind == CovarianceType::Tied {
        let mut cov = xtx.map_or_else(|| gram(x, d), <[f64]>::to_vec);
        for (c, &w) in nk.iter().enumerate() {
            let mu = &means[c * d..(c + 1) * d];
            for a in 0..d {
                for b in 0..d {
                    cov[a * d + b] -= w * mu[a] * mu[b];
                }
            }
        }
        let total: f64 = nk.iter().sum();
        for v in &mut cov {
            *v /= total;
        }
        for a in 0..d {
            cov[a * d + a] += reg_covar;
        }
        cov
    } else {
        let diag = diag_covariances(x, d, resp, k, &nk, &means, reg_covar);
        if kind == CovarianceType::Diag {
            diag
        } else {
            diag.chunks_exact(d)
                .map(|r| r.iter().sum::<f64>() / d as f64)
                .collect()
        }
    };
    (nk, means, covariances)
}

/// The weights `nk_c = r_c + 10 eps`, means `mu_c = s_c / nk_c` and full
/// covariances `sum_i r_ic (x_i - mu_c)(x_i - mu_c)^T / nk_c + reg_covar I`
/// of every component in one pass over the rows, the covariances as
/// `S_c - s_c mu_c^T - mu_c s_c^T + r_c mu_c mu_c^T` with
/// `S_c = sum_i r_ic x_i x_i^T`, `s_c = sum_i r_ic x_i`, `r_c = sum_i r_ic`:
/// the `S_c` of all components are one matrix product per block of rows,
/// `[r_1 x | ... | r_k x]^T x`. The records are centred on their mean (see
/// `fit`), which keeps the cancellation small.
fn full_parameters(
    x: &[f64],
    d: usize,
    resp: &[f64],
    k: usize,
    reg_covar: f64,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let kd = k * d;
    let parts: Vec<Vec<f64>> = resp
        .par_chunks(TASK * k)
        .zip(x.par_chunks(TASK * d))
        .map(|(r, xt)| {
            // S (k d x d), then s (k x d), then r (k).
            let mut acc = vec![0.0; kd * d + kd + k];
            let mut z = vec![0.0; COV_BLOCK * kd];
            for (rb, xb) in r.chunks(COV_BLOCK * k).zip(xt.chunks(COV_BLOCK * d)) {
                let m = xb.len() / d;
                for ((zi, ri), xi) in z
                    .chunks_exact_mut(kd)
                    .zip(rb.chunks_exact(k))
                    .zip(xb.chunks_exact(d))
                {
                    for (zc, &ric) in zi.chunks_exact_mut(d).zip(ri) {
                        for (zv, &xv) in zc.iter_mut().zip(xi) {
                            *zv = ric * xv;
                        }
                    }
                }
                let (big, small) = acc.split_at_mut(kd * d);
                matmul(
                    MatMut::from_row_major_slice_mut(big, kd, d),
                    Accum::Add,
                    MatRef::from_row_major_slice(&z[..m * kd], m, kd).transpose(),
                    MatRef::from_row_major_slice(xb, m, d),
                    1.0,
                    Par::Seq,
                );
                let (sums, weights) = small.split_at_mut(kd);
                for (zi, ri) in z[..m * kd].chunks_exact(kd).zip(rb.chunks_exact(k)) {
                    for (s, &v) in sums.iter_mut().zip(zi) {
                        *s += v;
                    }
                    for (w, &v) in weights.iter_mut().zip(ri) {
                        *w += v;
                    }
                }
            }
            acc
        })
        .collect();
    let total = sum_in_order(parts, kd * d + kd + k);
    let (big, small) = total.split_at(kd * d);
    let (sums, weights) = small.split_at(kd);
    let nk: Vec<f64> = weights.iter().map(|v| v + 10.0 * f64::EPSILON).collect();
    let mut means = sums.to_vec();
    for (row, &w) in means.chunks_exact_mut(d).zip(&nk) {
        for v in row {
            *v /= w;
        }
    }
    let mut cov = big.to_vec();
    for (c, block) in cov.chunks_exact_mut(d * d).enumerate() {
        let mu = &means[c * d..(c + 1) * d];
        let s = &sums[c * d..(c + 1) * d];
        let rc = weights[c];
        for a in 0..d {
            for b in 0..=a {
                let v = block[a * d + b] - s[a] * mu[b] - mu[a] * s[b] + rc * mu[a] * mu[b];
                block[a * d + b] = v / nk[c];
                block[b * d + a] = v / nk[c];
            }
            block[a * d + a] += reg_covar;
        }
    }
    (nk, means, cov)
}

/// `sum_i r_ic (x_ij - mu_cj)^2 / nk_c + reg_covar` (`k x d`).
fn diag_covariances(
    x: &[f64],
    d: usize,
    resp: &[f64],
    k: usize,
    nk: &[f64],
    means: &[f64],
    reg_covar: f64,
) -> Vec<f64> {
    let parts: Vec<Vec<f64>> = resp
        .par_chunks(TASK * k)
        .zip(x.par_chunks(TASK * d))
        .map(|(r, xb)| {
            let mut acc = vec![0.0; k * d];
            for (ri, xi) in r.chunks_exact(k).zip(xb.chunks_exact(d)) {
                for (c, a) in acc.chunks_exact_mut(d).enumerate() {
                    let mu = &means[c * d..(c + 1) * d];
                    for j in 0..d {
                        let v = xi[j] - mu[j];
                        a[j] += ri[c] * v * v;
                    }
                }
            }
            acc
        })
        .collect();
    let mut cov = sum_in_order(parts, k * d);
    for (row, &w) in cov.chunks_exact_mut(d).zip(nk) {
        for v in row {
            *v = *v / w + reg_covar;
        }
    }
    cov
}

/// The state of one EM run after its last iteration.
pub(crate) struct Run {
    pub g: Gaussians,
    pub converged: bool,
    pub n_iter: usize,
    pub lower_bound: f64,
}

/// scikit-learn's EM loop from initial parameters `g`: at most `max_iter`
/// E- and M-steps, stopping when the mean log-likelihood (of the parameters
/// before the M-step) changes by less than `tol`.
///
/// # Errors
/// When a covariance stops being positive definite.
pub(crate) fn run(
    x: &[f64],
    mut g: Gaussians,
    max_iter: usize,
    tol: f64,
    reg_covar: f64,
    xtx: Option<&[f64]>,
) -> Result<Run> {
    let (k, d) = (g.k, g.d);
    let mut resp = vec![0.0; x.len() / d * k];
    let mut lower_bound = f64::NEG_INFINITY;
    let mut converged = false;
    let mut n_iter = 0;
    for it in 1..=max_iter {
        let prev = lower_bound;
        lower_bound = Prepared::new(&g).e_step(x, &mut resp);
        let (nk, means, covariances) = estimate(g.kind, x, d, &resp, k, reg_covar, xtx);
        let total: f64 = nk.iter().sum();
        let prec_chol = precision_cholesky(g.kind, &covariances, k, d, reg_covar)?;
        g = Gaussians {
            weights: nk.iter().map(|v| v / total).collect(),
            means,
            covariances,
            prec_chol,
            ..g
        };
        n_iter = it;
        if (lower_bound - prev).abs() < tol {
            converged = true;
            break;
        }
    }
    Ok(Run {
        g,
        converged,
        n_iter,
        lower_bound,
    })
}

#[cfg(test)]
mod tests {
    use super::exp_or_zero;

    #[test]
    fn exp_matches_libm() {
        for i in 0..=100_000 {
            let v = -500.0 * f64::from(i) / 100_000.0;
            let (a, b) = (exp_or_zero(v), v.exp());
            assert!((a - b).abs() <= 4.0 * f64::EPSILON * b, "{v}: {a} vs {b}");
        }
        assert_eq!(exp_or_zero(0.0), 1.0);
        assert_eq!(exp_or_zero(-501.0), 0.0);
        assert_eq!(exp_or_zero(f64::NEG_INFINITY), 0.0);
        assert!(exp_or_zero(f64::NAN).is_nan());
    }
}
