//! The randomized SVD of [`Pca`](super::Pca) and
//! [`TruncatedSvd`](super::TruncatedSvd), as scikit-learn's
//! `randomized_svd` (Halko et al.), on the block products of `linalg`.
//!
//! Shortcuts for tall records (n >= d) under the default normaliser, all
//! computing the same subspace iteration as scikit-learn in exact
//! arithmetic: one orthonormalisation per power iteration (of the small
//! `d x l` side, after `Aᵀ A Q`); `Aᵀ A Q` as one fused pass over the
//! records, or, when that is cheaper over all iterations (few features:
//! `d <= 4 (n_iter + 1) l`), through the Gram matrix `Aᵀ A` formed in one
//! pass; and a final Rayleigh-Ritz step from `Aᵀ A Q` instead of an
//! explicit orthonormal basis of `A Q` (see `rayleigh_ritz`). They resolve
//! singular values down to about `1e-7` of the largest, as the covariance
//! solver (and scikit-learn's default for such records) does. Wide records
//! and the explicit normalisers follow scikit-learn's steps.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatRef, Par};
use oxlearn::random::{StandardNormal, rng_from_seed};
use oxlearn::{Error, Float};

use super::linalg::{Centred, centred_gram, eigh_descending, svd_seq, thin_q};

/// How the power iterations of the randomized SVD are normalised, as
/// scikit-learn's `power_iteration_normalizer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PowerIterationNormalizer {
    /// `None` for at most 2 iterations, else (the default) a QR
    /// orthonormalisation once per iteration, after the product that lands
    /// in the smaller dimension, with the shortcuts of the module docs for
    /// tall records. scikit-learn's `auto` picks LU after each product
    /// instead; both keep the leading directions to well below the solver's
    /// approximation error (directions with singular values under about
    /// `1e-7` of the largest are not resolved), so results match
    /// scikit-learn's up to that error, not bit for bit.
    #[default]
    Auto,
    /// A thin QR factorisation after each product (the most accurate).
    Qr,
    /// An LU factorisation with partial pivoting (the permuted `L` factor) after
    /// each product, as scikit-learn's `'LU'`.
    Lu,
    /// No normalisation (fastest; unstable for many iterations).
    None,
}

/// The permuted `L` factor of `y = P L U` (scikit-learn's
/// `scipy.linalg.lu(y, permute_l=True)[0]`), factorised in place.
fn permuted_l(mut y: Mat<f64>) -> Mat<f64> {
    use faer::linalg::lu::partial_pivoting::factor::{lu_in_place, lu_in_place_scratch};
    let (m, l) = y.shape();
    let r = m.min(l);
    let mut fwd = vec![0usize; m];
    let mut bwd = vec![0usize; m];
    let mut buf = MemBuffer::new(lu_in_place_scratch::<usize, f64>(
        m,
        l,
        Par::Seq,
        Default::default(),
    ));
    lu_in_place(
        y.as_mut(),
        &mut fwd,
        &mut bwd,
        Par::Seq,
        MemStack::new(&mut buf),
        Default::default(),
    );
    // Row i of the unit lower factor goes to row fwd[i].
    let mut out = Mat::<f64>::zeros(m, r);
    for j in 0..r {
        let src = y.col(j);
        let dst = out.col_mut(j);
        let (src, dst) = (
            src.try_as_col_major().map(|c| c.as_slice()),
            dst.try_as_col_major_mut(),
        );
        if let (Some(src), Some(dst)) = (src, dst) {
            let dst = dst.as_slice_mut();
            for (i, &p) in fwd.iter().enumerate() {
                dst[p] = if i < j {
                    0.0
                } else if i == j {
                    1.0
                } else {
                    src[i]
                };
            }
        }
    }
    out
}

fn normalise(y: Mat<f64>, normalizer: PowerIterationNormalizer) -> Mat<f64> {
    match normalizer {
        PowerIterationNormalizer::Qr | PowerIterationNormalizer::Auto => thin_q(y),
        PowerIterationNormalizer::Lu => permuted_l(y),
        PowerIterationNormalizer::None => y,
    }
}

/// Leading singular values and right singular vectors (as rows).
type SingularPairs = (Vec<f64>, Mat<f64>);

/// Settings of a randomized SVD, as scikit-learn's `randomized_svd`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Randomized {
    pub n_components: usize,
    pub n_oversamples: usize,
    pub n_iter: usize,
    pub normalizer: PowerIterationNormalizer,
    pub seed: u64,
}

/// The leading `n_components` singular values and right singular vectors
/// (as rows) of `A` (row-major n x d) by Halko et al.'s randomized range
/// finder, as scikit-learn's `randomized_svd` (`transpose='auto'`: works on
/// `Aᵀ` when n < d). The random test matrix is standard normal from the seed
/// (so it differs from numpy's draw). Fewer than `n_components` values come
/// back only when `min(n, d)` is smaller.
pub(crate) fn randomized_svd<F: Float>(
    a: Centred<'_, F>,
    p: Randomized,
) -> Result<SingularPairs, Error> {
    let (n, d) = a.x.dim();
    let transpose = n < d;
    // M = A (m x q) or Aᵀ; products with M and Mᵀ through a_times / at_times.
    let (m, q) = if transpose { (d, n) } else { (n, d) };
    let mul = |x: MatRef<'_, f64>| {
        if transpose { a.t_times(x) } else { a.times(x) }
    };
    let mul_t = |y: MatRef<'_, f64>| {
        if transpose { a.times(y) } else { a.t_times(y) }
    };
    let size = p.n_components + p.n_oversamples;
    let mut rng = rng_from_seed(p.seed);
    let mut normal = StandardNormal::new();
    let mut omega = Mat::<f64>::zeros(q, size);
    for j in 0..size {
        for i in 0..q {
            omega[(i, j)] = normal.sample(&mut rng);
        }
    }
    let normalizer = match p.normalizer {
        PowerIterationNormalizer::Auto if p.n_iter <= 2 => PowerIterationNormalizer::None,
        other => other,
    };
    // For tall records under Auto, `Aᵀ A Q` is applied either as one fused
    // pass over the records per call, or, when that costs more over all
    // iterations (few features: d <= 4 (n_iter + 1) l), through the Gram
    // matrix `Aᵀ A` formed in one pass.
    let fused = normalizer == PowerIterationNormalizer::Auto && !transpose;
    let passes = p.n_iter.saturating_add(1).saturating_mul(size);
    let gram = (fused && q <= passes.saturating_mul(4)).then(|| {
        let zeros = vec![0.0; q];
        centred_gram(a.x, a.mean.unwrap_or(&zeros))
    });
    let gram_times = |b: MatRef<'_, f64>| match &gram {
        Some(g) => {
            let mut out = Mat::<f64>::zeros(q, b.ncols());
            matmul(out.as_mut(), Accum::Replace, g.as_ref(), b, 1.0, Par::Seq);
            out
        }
        None => a.gram_times(b),
    };
    let mut basis = omega;
    for _ in 0..p.n_iter {
        // Auto orthonormalises once per iteration, on the short side (a
        // small QR; for tall records after `Aᵀ A Q`); the others after each
        // product, as scikit-learn.
        basis = match normalizer {
            PowerIterationNormalizer::Auto if !transpose => thin_q(gram_times(basis.as_ref())),
            PowerIterationNormalizer::Auto => thin_q(mul_t(mul(basis.as_ref()).as_ref())),
            other => {
                let y = normalise(mul(basis.as_ref()), other);
                normalise(mul_t(y.as_ref()), other)
            }
        };
    }
    if fused {
        let basis = thin_q(basis.clone());
        let w = gram_times(basis.as_ref());
        if let Some(result) = rayleigh_ritz(basis, w, p.n_components)? {
            return Ok(result);
        }
    }
    let qm = thin_q(mul(basis.as_ref())); // m x r
    // B = Qᵀ M (r x q), as the transpose of Mᵀ Q.
    let bt = mul_t(qm.as_ref()); // q x r
    let (s, uhat, v) = svd_seq(bt.transpose(), transpose)?;
    let k = p.n_components.min(s.len());
    let values = s[..k].to_vec();
    let vt = match uhat {
        Some(uhat) => {
            // The right singular vectors of A are the left ones of M: Q Uhat.
            let mut u = Mat::<f64>::zeros(m, k);
            matmul(
                u.as_mut(),
                Accum::Replace,
                qm.as_ref(),
                uhat.subcols(0, k),
                1.0,
                Par::Seq,
            );
            Mat::from_fn(k, m, |i, j| u[(j, i)])
        }
        None => Mat::from_fn(k, q, |i, j| v[(j, i)]),
    };
    Ok((values, vt))
}

/// The last step of the randomized SVD of tall records without any tall
/// matrix: for an orthonormal `Q` (d x l), `W = Aᵀ A Q` gives `Bᵀ B = W (Qᵀ W)⁻¹ Wᵀ` for `B = Q_Yᵀ A`, `Q_Y` the
/// orthonormal basis of `Y = A Q` that scikit-learn forms. With
/// `Qᵀ W = E Λ Eᵀ`, `C = W E Λ^(-1/2)` has `C Cᵀ = Bᵀ B`: the SVD of `C`
/// (d x l) gives the singular values and right singular vectors of `B`.
/// Like the covariance solver, it resolves singular values down to about
/// `1e-7` of the largest. `None` when `Y` has numerical rank below `k`
/// (the caller then forms `Q_Y`).
fn rayleigh_ritz(q: Mat<f64>, w: Mat<f64>, k: usize) -> Result<Option<SingularPairs>, Error> {
    let l = q.ncols();
    let mut m = Mat::<f64>::zeros(l, l);
    matmul(
        m.as_mut(),
        Accum::Replace,
        q.transpose(),
        w.as_ref(),
        1.0,
        Par::Seq,
    );
    for i in 0..l {
        for j in 0..i {
            let v = 0.5 * (m[(i, j)] + m[(j, i)]);
            m[(i, j)] = v;
            m[(j, i)] = v;
        }
    }
    let (lambda, et) = eigh_descending(&m)?; // rows of et: eigenvectors
    let cutoff = lambda.first().copied().unwrap_or(0.0) * 1e-14 * l as f64;
    let r = lambda.iter().take_while(|&&v| v > cutoff).count();
    if r < k || r == 0 {
        return Ok(None);
    }
    let scaled = Mat::from_fn(l, r, |i, j| et[(j, i)] / lambda[j].sqrt());
    let mut c = Mat::<f64>::zeros(w.nrows(), r);
    matmul(
        c.as_mut(),
        Accum::Replace,
        w.as_ref(),
        scaled.as_ref(),
        1.0,
        Par::Seq,
    );
    let (s, u, _) = svd_seq(c.as_ref(), true)?;
    let Some(u) = u else {
        return Ok(None);
    };
    let k = k.min(s.len());
    let d = w.nrows();
    Ok(Some((
        s[..k].to_vec(),
        Mat::from_fn(k, d, |i, j| u[(j, i)]),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decomposition::linalg::{centred, exact_svd, flip_rows};
    use ndarray::Array2;

    fn sample(n: usize, d: usize) -> Array2<f64> {
        Array2::from_shape_fn((n, d), |(i, j)| {
            (((i * 7 + j * 13) % 17) as f64 - 8.0) * (j as f64 + 1.0) + (i as f64 * 0.01).sin()
        })
    }

    #[test]
    fn permuted_l_times_u_is_the_input() {
        let y = Mat::from_fn(9, 4, |i, j| ((i * 5 + j * 3) % 7) as f64 - 2.5 + j as f64);
        let lu = y.partial_piv_lu();
        let pl = permuted_l(y.clone());
        let mut prod = Mat::<f64>::zeros(9, 4);
        matmul(
            prod.as_mut(),
            Accum::Replace,
            pl.as_ref(),
            lu.U(),
            1.0,
            Par::Seq,
        );
        for i in 0..9 {
            for j in 0..4 {
                assert!((prod[(i, j)] - y[(i, j)]).abs() < 1e-12, "{i} {j}");
            }
        }
    }

    #[test]
    fn fused_passes_match_the_gram_route() {
        // d = 120 > 4 (n_iter + 1) l = 96: fused passes, no Gram matrix.
        let (n, d) = (500, 120);
        let x = sample(n, d);
        let (s, mut vt) = exact_svd(&centred(x.view(), None), n, d).unwrap();
        let a = Centred {
            x: x.view(),
            mean: None,
        };
        let p = Randomized {
            n_components: 2,
            n_oversamples: 1,
            n_iter: 7,
            normalizer: PowerIterationNormalizer::Auto,
            seed: 3,
        };
        let (sr, mut vr) = randomized_svd(a, p).unwrap();
        flip_rows(&mut vt);
        flip_rows(&mut vr);
        for i in 0..2 {
            assert!(
                (s[i] - sr[i]).abs() < 1e-6 * s[0],
                "{i}: {} vs {}",
                s[i],
                sr[i]
            );
            for j in 0..d {
                assert!((vt[(i, j)] - vr[(i, j)]).abs() < 1e-4, "{i} {j}");
            }
        }
    }

    #[test]
    fn randomized_matches_exact_on_both_orientations() {
        for (n, d) in [(300, 12), (12, 300)] {
            let x = sample(n, d);
            let a = centred(x.view(), None);
            let (s, mut vt) = exact_svd(&a, n, d).unwrap();
            let a = Centred {
                x: x.view(),
                mean: None,
            };
            let p = Randomized {
                n_components: 3,
                n_oversamples: 10,
                n_iter: 7,
                normalizer: PowerIterationNormalizer::Auto,
                seed: 0,
            };
            let (sr, mut vr) = randomized_svd(a, p).unwrap();
            flip_rows(&mut vt);
            flip_rows(&mut vr);
            for i in 0..3 {
                assert!((s[i] - sr[i]).abs() < 1e-8 * s[0], "{n}x{d} {i}");
                for j in 0..d {
                    assert!((vt[(i, j)] - vr[(i, j)]).abs() < 1e-6, "{n}x{d} {i} {j}");
                }
            }
        }
    }
}
