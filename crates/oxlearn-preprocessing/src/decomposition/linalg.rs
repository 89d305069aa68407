//! Dense linear algebra shared by [`Pca`](super::Pca) and
//! [`TruncatedSvd`](super::TruncatedSvd), in `f64` through faer.
//!
//! The exact SVD works on a contiguous row-major `f64` copy of the
//! (centred) records viewed by faer. Everything else reads the records in
//! blocks of rows converted (and centred) in cache, without a copy: the
//! covariance `Aᵀ A`, the products `A Q`, `Aᵀ Y` and the fused `Aᵀ A Q` of
//! the randomized SVD. These run over a fixed partition of rows, each task
//! sequential and combined in order, and the factorisations run
//! sequentially, so results do not depend on the number of threads. faer
//! only writes into contiguous outputs.
//! The randomized SVD built on these is in `randomized`.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::matmul::matmul;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::{Accum, Conj, Mat, MatMut, MatRef, Par};
use ndarray::ArrayView2;
use oxlearn::parallel::chunk_ranges;
use oxlearn::{Error, Float};
use rayon::prelude::*;

use crate::util::reduce_rows;

/// Rows per parallel task (a fixed partition: results do not depend on threads).
const TASK_ROWS: usize = 4096;
/// Rows converted and multiplied at once inside a task.
const BLOCK_ROWS: usize = 512;
/// Memory allowed for the per-task Gram accumulators, in bytes.
const TASK_MEMORY: usize = 64 << 20;

/// Column means of `x` in `f64`.
pub(crate) fn column_means<F: Float>(x: ArrayView2<'_, F>) -> Result<Vec<f64>, Error> {
    let (n, d) = x.dim();
    let sums = reduce_rows(
        x,
        d,
        0.0,
        |rows, _, acc| {
            for row in rows.chunks_exact(d) {
                for (a, &v) in acc.iter_mut().zip(row) {
                    *a += v.as_f64();
                }
            }
        },
        |total, part| {
            for (t, p) in total.iter_mut().zip(part) {
                *t += p;
            }
        },
    )?;
    Ok(sums.into_iter().map(|s| s / n as f64).collect())
}

/// A row-major `f64` copy of `x` minus `mean` (when given). `x` has at
/// least one column.
pub(crate) fn centred<F: Float>(x: ArrayView2<'_, F>, mean: Option<&[f64]>) -> Vec<f64> {
    let (n, d) = x.dim();
    let mut out = vec![0.0; n * d];
    if d == 0 {
        return out;
    }
    out.par_chunks_mut(TASK_ROWS * d)
        .enumerate()
        .for_each(|(task, chunk)| {
            let start = task * TASK_ROWS;
            for (ii, o) in chunk.chunks_exact_mut(d).enumerate() {
                let row = x.row(start + ii);
                match mean {
                    Some(mean) => {
                        for ((o, &v), &m) in o.iter_mut().zip(row.iter()).zip(mean) {
                            *o = v.as_f64() - m;
                        }
                    }
                    None => {
                        for (o, &v) in o.iter_mut().zip(row.iter()) {
                            *o = v.as_f64();
                        }
                    }
                }
            }
        });
    out
}

/// The Gram matrix `(X - mean)ᵀ (X - mean)` (d x d), accumulated in blocks of
/// centred rows without copying the records.
pub(crate) fn centred_gram<F: Float>(x: ArrayView2<'_, F>, mean: &[f64]) -> Mat<f64> {
    let (n, d) = x.dim();
    let max_tasks = (TASK_MEMORY / (8 * d * d).max(1)).max(1);
    let task_rows = TASK_ROWS.max(n.div_ceil(max_tasks));
    let parts: Vec<Mat<f64>> = chunk_ranges(n, task_rows)
        .into_par_iter()
        .map(|range| {
            let mut g = Mat::<f64>::zeros(d, d);
            let mut buf = vec![0.0; BLOCK_ROWS * d];
            let mut start = range.start;
            while start < range.end {
                let rows = BLOCK_ROWS.min(range.end - start);
                for (ii, o) in buf[..rows * d].chunks_exact_mut(d).enumerate() {
                    let row = x.row(start + ii);
                    for ((o, &v), &m) in o.iter_mut().zip(row.iter()).zip(mean) {
                        *o = v.as_f64() - m;
                    }
                }
                let xb = MatRef::from_row_major_slice(&buf[..rows * d], rows, d);
                // Lower triangle only (half the work); mirrored below.
                triangular::matmul(
                    g.as_mut(),
                    BlockStructure::TriangularLower,
                    Accum::Add,
                    xb.transpose(),
                    BlockStructure::Rectangular,
                    xb,
                    BlockStructure::Rectangular,
                    1.0,
                    Par::Seq,
                );
                start += rows;
            }
            g
        })
        .collect();
    let mut total = Mat::<f64>::zeros(d, d);
    for part in parts {
        total += &part;
    }
    for j in 0..d {
        for i in 0..j {
            total[(i, j)] = total[(j, i)];
        }
    }
    total
}

/// Records minus an optional mean, read in blocks of rows converted to `f64`
/// on the fly (no copy of the whole matrix).
#[derive(Clone, Copy)]
pub(crate) struct Centred<'a, F> {
    /// The records, n x d.
    pub x: ArrayView2<'a, F>,
    /// The mean subtracted from each row (none: uncentred).
    pub mean: Option<&'a [f64]>,
}

impl<F: Float> Centred<'_, F> {
    /// Rows `start..start + rows` into `buf` (row-major, rows x d).
    fn fill(&self, start: usize, rows: usize, buf: &mut [f64]) {
        let d = self.x.ncols();
        for (ii, o) in buf[..rows * d].chunks_exact_mut(d).enumerate() {
            let row = self.x.row(start + ii);
            match self.mean {
                Some(mean) => {
                    for ((o, &v), &m) in o.iter_mut().zip(row.iter()).zip(mean) {
                        *o = v.as_f64() - m;
                    }
                }
                None => {
                    for (o, &v) in o.iter_mut().zip(row.iter()) {
                        *o = v.as_f64();
                    }
                }
            }
        }
    }

    /// Rows `start..start + rows` as a row-major block converted into `buf`.
    fn block<'s>(&self, start: usize, rows: usize, buf: &'s mut [f64]) -> MatRef<'s, f64> {
        let d = self.x.ncols();
        self.fill(start, rows, buf);
        MatRef::from_row_major_slice(&buf[..rows * d], rows, d)
    }

    /// The sum of the squared entries, over a fixed partition.
    pub(crate) fn sum_of_squares(&self) -> f64 {
        let d = self.x.ncols();
        let parts: Vec<f64> = chunk_ranges(self.x.nrows(), TASK_ROWS)
            .into_par_iter()
            .map(|range| {
                let mut buf = vec![0.0; BLOCK_ROWS * d];
                let mut total = 0.0;
                for start in range.step_by(BLOCK_ROWS) {
                    let rows = BLOCK_ROWS.min(self.x.nrows() - start);
                    self.fill(start, rows, &mut buf);
                    total += buf[..rows * d].iter().map(|v| v * v).sum::<f64>();
                }
                total
            })
            .collect();
        parts.iter().sum()
    }

    /// `A Q` for `Q` (d x l): n x l.
    pub(super) fn times(&self, q: MatRef<'_, f64>) -> Mat<f64> {
        let (n, d) = self.x.dim();
        let l = q.ncols();
        let mut out = Mat::<f64>::zeros(n, l);
        if l == 0 || n == 0 {
            return out;
        }
        let parts: Vec<Mat<f64>> = chunk_ranges(n, TASK_ROWS)
            .into_par_iter()
            .map(|range| {
                let mut part = Mat::<f64>::zeros(range.len(), l);
                let mut block = Mat::<f64>::zeros(BLOCK_ROWS, l);
                let mut buf = vec![0.0; BLOCK_ROWS * d];
                for start in range.clone().step_by(BLOCK_ROWS) {
                    let rows = BLOCK_ROWS.min(range.end - start);
                    let xb = self.block(start, rows, &mut buf);
                    // A contiguous destination, then copied into place.
                    if rows < BLOCK_ROWS {
                        block = Mat::<f64>::zeros(rows, l);
                    }
                    matmul(block.as_mut(), Accum::Replace, xb, q, 1.0, Par::Seq);
                    part.as_mut()
                        .subrows_mut(start - range.start, rows)
                        .copy_from(&block);
                }
                part
            })
            .collect();
        let mut start = 0;
        for part in parts {
            let rows = part.nrows();
            out.as_mut().subrows_mut(start, rows).copy_from(&part);
            start += rows;
        }
        out
    }

    /// `Aᵀ A Q` for `Q` (d x l): d x l, in one pass over the rows (each
    /// block's `A_b Q` is multiplied back while the block is in cache).
    pub(super) fn gram_times(&self, q: MatRef<'_, f64>) -> Mat<f64> {
        let (n, d) = self.x.dim();
        let l = q.ncols();
        let parts: Vec<Mat<f64>> = chunk_ranges(n, TASK_ROWS)
            .into_par_iter()
            .map(|range| {
                let mut part = Mat::<f64>::zeros(d, l);
                let mut yb = Mat::<f64>::zeros(BLOCK_ROWS, l);
                let mut buf = vec![0.0; BLOCK_ROWS * d];
                for start in range.clone().step_by(BLOCK_ROWS) {
                    let rows = BLOCK_ROWS.min(range.end - start);
                    let xb = self.block(start, rows, &mut buf);
                    if rows < BLOCK_ROWS {
                        yb = Mat::<f64>::zeros(rows, l);
                    }
                    matmul(yb.as_mut(), Accum::Replace, xb, q, 1.0, Par::Seq);
                    matmul(
                        part.as_mut(),
                        Accum::Add,
                        xb.transpose(),
                        yb.as_ref(),
                        1.0,
                        Par::Seq,
                    );
                }
                part
            })
            .collect();
        let mut total = Mat::<f64>::zeros(d, l);
        for part in parts {
            total += &part;
        }
        total
    }

    /// `Aᵀ Y` for `Y` (n x l): d x l.
    pub(super) fn t_times(&self, y: MatRef<'_, f64>) -> Mat<f64> {
        let (n, d) = self.x.dim();
        let l = y.ncols();
        let parts: Vec<Mat<f64>> = chunk_ranges(n, TASK_ROWS)
            .into_par_iter()
            .map(|range| {
                let mut part = Mat::<f64>::zeros(d, l);
                let mut buf = vec![0.0; BLOCK_ROWS * d];
                for start in range.clone().step_by(BLOCK_ROWS) {
                    let rows = BLOCK_ROWS.min(range.end - start);
                    let xb = self.block(start, rows, &mut buf);
                    matmul(
                        part.as_mut(),
                        Accum::Add,
                        xb.transpose(),
                        y.subrows(start, rows),
                        1.0,
                        Par::Seq,
                    );
                }
                part
            })
            .collect();
        let mut total = Mat::<f64>::zeros(d, l);
        for part in parts {
            total += &part;
        }
        total
    }
}

/// Rows per block of the tall-skinny QR (a block of 20 columns fits in L2).
const TSQR_ROWS: usize = 4096;

/// The thin `Q` factor of `y`, as an orthonormal basis of its columns.
///
/// A tall matrix is factorised as a tall-skinny QR: a Householder QR of
/// each fixed block of rows (in parallel, in cache), then one of the
/// stacked `R` factors, whose `Q` combines the blocks' `Q`s. The columns
/// match a plain QR's up to sign; the partition does not depend on the
/// number of threads.
pub(super) fn thin_q(y: Mat<f64>) -> Mat<f64> {
    let (m, l) = y.shape();
    if m <= 2 * TSQR_ROWS || l == 0 || TSQR_ROWS < 4 * l {
        return householder_qr(y).0;
    }
    let ranges = chunk_ranges(m, TSQR_ROWS);
    let blocks: Vec<(Mat<f64>, Mat<f64>)> = ranges
        .par_iter()
        .map(|r| householder_qr(y.subrows(r.start, r.len()).to_owned()))
        .collect();
    let height: usize = blocks.iter().map(|b| b.1.nrows()).sum();
    let mut stacked = Mat::<f64>::zeros(height, l);
    let mut offsets = Vec::with_capacity(blocks.len());
    let mut off = 0;
    for (_, r) in &blocks {
        stacked.as_mut().subrows_mut(off, r.nrows()).copy_from(r);
        offsets.push(off);
        off += r.nrows();
    }
    let (qs, _) = householder_qr(stacked);
    let size = qs.ncols();
    let parts: Vec<Mat<f64>> = blocks
        .par_iter()
        .zip(&offsets)
        .map(|((qi, _), &off)| {
            let mut part = Mat::<f64>::zeros(qi.nrows(), size);
            matmul(
                part.as_mut(),
                Accum::Replace,
                qi.as_ref(),
                qs.subrows(off, qi.ncols()),
                1.0,
                Par::Seq,
            );
            part
        })
        .collect();
    let mut q = Mat::<f64>::zeros(m, size);
    for (part, r) in parts.iter().zip(&ranges) {
        q.as_mut().subrows_mut(r.start, r.len()).copy_from(part);
    }
    q
}

/// The thin QR of `y` (m x n, Householder, sequential): `Q` (m x s) and the
/// upper trapezoidal `R` (s x n), s = min(m, n).
fn householder_qr(mut y: Mat<f64>) -> (Mat<f64>, Mat<f64>) {
    use faer::linalg::householder::{
        apply_block_householder_sequence_on_the_left_in_place_scratch as apply_scratch,
        apply_block_householder_sequence_on_the_left_in_place_with_conj as apply,
    };
    use faer::linalg::qr::no_pivoting::factor::{
        qr_in_place, qr_in_place_scratch, recommended_block_size,
    };
    let (m, n) = y.shape();
    let size = m.min(n);
    if size == 0 {
        return (Mat::zeros(m, 0), Mat::zeros(0, n));
    }
    let bs = recommended_block_size::<f64>(m, n);
    let mut coeff = Mat::<f64>::zeros(bs, size);
    let req = qr_in_place_scratch::<f64>(m, n, bs, Par::Seq, Default::default());
    qr_in_place(
        y.as_mut(),
        coeff.as_mut(),
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(req)),
        Default::default(),
    );
    let r = Mat::from_fn(size, n, |i, j| if i <= j { y[(i, j)] } else { 0.0 });
    // The Householder basis: unit lower trapezoidal part of the factor.
    let mut basis = y.subcols(0, size).to_owned();
    for j in 0..size {
        for i in 0..=j {
            basis[(i, j)] = if i == j { 1.0 } else { 0.0 };
        }
    }
    let mut q = Mat::<f64>::identity(m, size);
    apply(
        basis.as_ref(),
        coeff.as_ref(),
        Conj::No,
        q.as_mut(),
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(apply_scratch::<f64>(m, bs, size))),
    );
    (q, r)
}

/// Singular values (nonincreasing), `U` when asked for, and `V`.
pub(super) type Svd = (Vec<f64>, Option<Mat<f64>>, Mat<f64>);

/// The thin SVD `a = U S Vᵀ` (sequential): singular values (nonincreasing),
/// `U` when asked for, and `V`.
pub(super) fn svd_seq(a: MatRef<'_, f64>, want_u: bool) -> Result<Svd, Error> {
    use faer::linalg::svd::{ComputeSvdVectors, svd, svd_scratch};
    let (m, n) = a.shape();
    let size = m.min(n);
    let mut s = faer::diag::Diag::<f64>::zeros(size);
    let mut u = want_u.then(|| Mat::<f64>::zeros(m, size));
    let mut v = Mat::<f64>::zeros(n, size);
    let compute_u = if want_u {
        ComputeSvdVectors::Thin
    } else {
        ComputeSvdVectors::No
    };
    let req = svd_scratch::<f64>(
        m,
        n,
        compute_u,
        ComputeSvdVectors::Thin,
        Par::Seq,
        Default::default(),
    );
    svd(
        a,
        s.as_mut(),
        u.as_mut().map(|u| u.as_mut()),
        Some(v.as_mut()),
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(req)),
        Default::default(),
    )
    .map_err(|e| Error::InvalidInput(format!("the SVD did not converge: {e:?}")))?;
    let s = s.column_vector();
    Ok(((0..size).map(|i| s[i]).collect(), u, v))
}

/// Singular values (nonincreasing) and right singular vectors (as rows) of
/// `A` (row-major n x d): `(s, vt)` with `min(n, d)` of each.
pub(crate) fn exact_svd(a: &[f64], n: usize, d: usize) -> Result<(Vec<f64>, Mat<f64>), Error> {
    let (s, _, v) = svd_seq(MatRef::from_row_major_slice(a, n, d), false)?;
    let r = s.len();
    Ok((s, Mat::from_fn(r, d, |i, j| v[(j, i)])))
}

/// Eigenvalues (nonincreasing, clamped at 0) and eigenvectors (as rows) of
/// a symmetric matrix.
pub(crate) fn eigh_descending(c: &Mat<f64>) -> Result<(Vec<f64>, Mat<f64>), Error> {
    use faer::linalg::evd::{ComputeEigenvectors, self_adjoint_evd, self_adjoint_evd_scratch};
    let d = c.nrows();
    let mut s = faer::diag::Diag::<f64>::zeros(d);
    let mut u = Mat::<f64>::zeros(d, d);
    let req =
        self_adjoint_evd_scratch::<f64>(d, ComputeEigenvectors::Yes, Par::Seq, Default::default());
    self_adjoint_evd(
        c.as_ref(),
        s.as_mut(),
        Some(u.as_mut()),
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(req)),
        Default::default(),
    )
    .map_err(|e| {
        Error::InvalidInput(format!(
            "the eigendecomposition of the covariance did not converge: {e:?}"
        ))
    })?;
    let s = s.column_vector();
    let values = (0..d).map(|i| s[d - 1 - i].max(0.0)).collect();
    Ok((values, Mat::from_fn(d, d, |i, j| u[(j, d - 1 - i)])))
}

/// scikit-learn's `svd_flip(u_based_decision=False)`: makes the entry of
/// largest absolute value of each row of `vt` positive (the first such entry
/// on ties).
pub(crate) fn flip_rows(vt: &mut Mat<f64>) {
    for i in 0..vt.nrows() {
        let mut best = 0;
        for j in 1..vt.ncols() {
            if vt[(i, j)].abs() > vt[(i, best)].abs() {
                best = j;
            }
        }
        if vt.ncols() > 0 && vt[(i, best)] < 0.0 {
            for j in 0..vt.ncols() {
                vt[(i, j)] = -vt[(i, j)];
            }
        }
    }
}

/// `(X - mean) Vᵀ` for records `x` (n x d), `mean` (d or none) and `vt`
/// (k x d, row-major), row-major n x k, in parallel over fixed row blocks.
pub(crate) fn project<F: Float>(
    x: ArrayView2<'_, F>,
    mean: Option<&[f64]>,
    vt: &[f64],
    k: usize,
) -> Vec<f64> {
    let (n, d) = x.dim();
    let mut out = vec![0.0; n * k];
    if k == 0 || n == 0 {
        return out;
    }
    let v = MatRef::from_row_major_slice(vt, k, d);
    let a = Centred { x: x.view(), mean };
    out.par_chunks_mut(TASK_ROWS * k)
        .enumerate()
        .for_each(|(task, chunk)| {
            let mut buf = vec![0.0; BLOCK_ROWS * d];
            for (block, dst) in chunk.chunks_mut(BLOCK_ROWS * k).enumerate() {
                let start = task * TASK_ROWS + block * BLOCK_ROWS;
                let rows = dst.len() / k;
                let xb = a.block(start, rows, &mut buf);
                // A contiguous row-major destination (row stride = width).
                let dst = MatMut::from_row_major_slice_mut(dst, rows, k);
                matmul(dst, Accum::Replace, xb, v.transpose(), 1.0, Par::Seq);
            }
        });
    out
}

/// Every value of `x` must be finite: a parallel scan, then
/// [`check::finite`](oxlearn::check::finite) for the message.
pub(crate) fn check_finite<F: Float>(x: ArrayView2<'_, F>, what: &str) -> Result<(), Error> {
    let clean = x.as_slice().is_some_and(|s| {
        !s.par_chunks(1 << 16)
            .any(|c| c.iter().any(|v| !v.is_finite()))
    });
    if clean {
        Ok(())
    } else {
        oxlearn::check::finite(x, what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn sample(n: usize, d: usize) -> Array2<f64> {
        Array2::from_shape_fn((n, d), |(i, j)| {
            (((i * 7 + j * 13) % 17) as f64 - 8.0) * (j as f64 + 1.0) + (i as f64 * 0.01).sin()
        })
    }

    #[test]
    fn products_and_gram_match_naive() {
        let x = sample(5000, 6);
        let a = Centred {
            x: x.view(),
            mean: None,
        };
        let q = Mat::from_fn(6, 3, |i, j| (i + 2 * j) as f64);
        let y = a.times(q.as_ref());
        let z = a.t_times(y.as_ref());
        let g = centred_gram(x.view(), &[0.0; 6]);
        let gq = a.gram_times(q.as_ref());
        for i in 0..6 {
            for j in 0..3 {
                assert!((gq[(i, j)] - z[(i, j)]).abs() < 1e-8 * z[(i, j)].abs().max(1.0));
            }
        }
        for i in 0..6 {
            for j in 0..3 {
                let expected: f64 = (0..6).map(|t| g[(i, t)] * q[(t, j)]).sum();
                assert!((z[(i, j)] - expected).abs() < 1e-8 * expected.abs().max(1.0));
            }
        }
        assert!(
            (y[(4999, 2)] - (0..6).map(|t| x[[4999, t]] * q[(t, 2)]).sum::<f64>()).abs() < 1e-9
        );
    }

    #[test]
    fn tall_skinny_q_is_orthonormal_and_spans_the_columns() {
        let y = Mat::from_fn(3 * TSQR_ROWS + 77, 5, |i, j| {
            ((i * 7 + j * 3) % 11) as f64 + (i as f64 * 1e-3).cos() * j as f64
        });
        let q = thin_q(y.clone());
        assert_eq!(q.shape(), (y.nrows(), 5));
        let mut qtq = Mat::<f64>::zeros(5, 5);
        matmul(
            qtq.as_mut(),
            Accum::Replace,
            q.transpose(),
            q.as_ref(),
            1.0,
            Par::Seq,
        );
        let mut qty = Mat::<f64>::zeros(5, 5);
        matmul(
            qty.as_mut(),
            Accum::Replace,
            q.transpose(),
            y.as_ref(),
            1.0,
            Par::Seq,
        );
        let mut back = Mat::<f64>::zeros(y.nrows(), 5);
        matmul(
            back.as_mut(),
            Accum::Replace,
            q.as_ref(),
            qty.as_ref(),
            1.0,
            Par::Seq,
        );
        for i in 0..5 {
            for j in 0..5 {
                let e = if i == j { 1.0 } else { 0.0 };
                assert!((qtq[(i, j)] - e).abs() < 1e-12);
            }
        }
        for i in 0..y.nrows() {
            for j in 0..5 {
                assert!((back[(i, j)] - y[(i, j)]).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn flip_makes_largest_entry_positive() {
        let mut v = Mat::from_fn(2, 3, |i, j| [[0.1, -0.9, 0.2], [0.5, 0.5, -0.1]][i][j]);
        flip_rows(&mut v);
        assert_eq!(v[(0, 1)], 0.9);
        assert_eq!(v[(1, 0)], 0.5);
    }
}
