//! Dense linear algebra for centred, weighted least squares, through faer.
//!
//! Everything here works in `f64` whatever the input type: records are read in
//! blocks of rows, centred, scaled by the square root of their weights and
//! converted on the fly, so the Gram path never copies the whole of `X`. Work
//! is split into a fixed partition of row ranges (independent of the number of
//! threads), each accumulated sequentially and combined in order, so results
//! are bitwise identical on any number of threads.

use faer::linalg::matmul::matmul;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::linalg::solvers::DenseSolveCore;
use faer::prelude::*;
use faer::{Accum, Side};
use ndarray::{ArrayView1, ArrayView2};
use oxlearn::Float;
use oxlearn::parallel::chunk_ranges;
use rayon::prelude::*;

use crate::error::LinearError;

/// Rows converted and multiplied at once (fits in L2 for moderate widths).
const BLOCK_ROWS: usize = 512;
/// Rows per parallel task (a fixed partition: results do not depend on threads).
const TASK_ROWS: usize = 8192;
/// Memory allowed for the per-task Gram accumulators, in bytes.
const TASK_MEMORY: usize = 64 << 20;

/// A weighted least-squares problem: records `x` (n x p), targets `y`
/// (n x k), optional sample weights.
#[derive(Clone, Copy)]
pub(crate) struct Problem<'a, F> {
    pub x: ArrayView2<'a, F>,
    pub y: ArrayView2<'a, F>,
    pub w: Option<ArrayView1<'a, F>>,
    pub fit_intercept: bool,
}

impl<F: Float> Problem<'_, F> {
    fn weight(&self, i: usize) -> f64 {
        self.w.map_or(1.0, |w| w[i].as_f64())
    }
}

/// Weighted means and which columns carry information.
#[derive(Debug, Clone)]
pub(crate) struct Moments {
    /// Weighted column means of `x` (zeros without an intercept).
    pub x_mean: Vec<f64>,
    /// Weighted means of the targets (zeros without an intercept).
    pub y_mean: Vec<f64>,
    /// Sum of the weights.
    pub sum_w: f64,
    /// Number of samples with a positive weight.
    pub n_positive: usize,
    /// Columns that are not identically zero once centred (constant columns
    /// with an intercept, zero columns without one, are left out: their
    /// minimum-norm coefficient is 0).
    pub active: Vec<usize>,
}

struct MomentPart {
    sum_w: f64,
    n_positive: usize,
    sx: Vec<f64>,
    sy: Vec<f64>,
    min: Vec<f64>,
    max: Vec<f64>,
}

/// Weighted means, the number of positive weights, and the active columns.
pub(crate) fn moments<F: Float>(p: &Problem<'_, F>) -> Result<Moments, LinearError> {
    let (n, d) = p.x.dim();
    let k = p.y.ncols();
    let parts: Vec<MomentPart> = chunk_ranges(n, TASK_ROWS)
        .into_par_iter()
        .map(|range| {
            let mut part = MomentPart {
                sum_w: 0.0,
                n_positive: 0,
                sx: vec![0.0; d],
                sy: vec![0.0; k],
                min: vec![f64::INFINITY; d],
                max: vec![f64::NEG_INFINITY; d],
            };
            if p.x.nrows() > 1 && p.x.strides()[0] == 1 {
                // Column-major records: one contiguous sweep per column.
                let w: Vec<f64> = range.clone().map(|i| p.weight(i)).collect();
                for &wi in w.iter().filter(|w| **w > 0.0) {
                    part.sum_w += wi;
                    part.n_positive += 1;
                }
                for j in 0..d {
                    let col = p.x.column(j);
                    let (mut sx, mut lo, mut hi) = (0.0, f64::INFINITY, f64::NEG_INFINITY);
                    for (i, &wi) in range.clone().zip(&w) {
                        if wi > 0.0 {
                            let v = col[i].as_f64();
                            sx += wi * v;
                            lo = lo.min(v);
                            hi = hi.max(v);
                        }
                    }
                    part.sx[j] = sx;
                    part.min[j] = lo;
                    part.max[j] = hi;
                }
                for (i, &wi) in range.zip(&w) {
                    if wi > 0.0 {
                        for (t, &v) in p.y.row(i).iter().enumerate() {
                            part.sy[t] += wi * v.as_f64();
                        }
                    }
                }
                return part;
            }
            for i in range {
                let w = p.weight(i);
                if w <= 0.0 {
                    continue;
                }
                part.sum_w += w;
                part.n_positive += 1;
                for (j, &v) in p.x.row(i).iter().enumerate() {
                    let v = v.as_f64();
                    part.sx[j] += w * v;
                    part.min[j] = part.min[j].min(v);
                    part.max[j] = part.max[j].max(v);
                }
                for (t, &v) in p.y.row(i).iter().enumerate() {
                    part.sy[t] += w * v.as_f64();
                }
            }
            part
        })
        .collect();
    let mut total = MomentPart {
        sum_w: 0.0,
        n_positive: 0,
        sx: vec![0.0; d],
        sy: vec![0.0; k],
        min: vec![f64::INFINITY; d],
        max: vec![f64::NEG_INFINITY; d],
    };
    for part in parts {
        total.sum_w += part.sum_w;
        total.n_positive += part.n_positive;
        for j in 0..d {
            total.sx[j] += part.sx[j];
            total.min[j] = total.min[j].min(part.min[j]);
            total.max[j] = total.max[j].max(part.max[j]);
        }
        for t in 0..k {
            total.sy[t] += part.sy[t];
        }
    }
    if total.n_positive == 0 || total.sum_w <= 0.0 || !total.sum_w.is_finite() {
        return Err(LinearError::ZeroWeightSum);
    }
    let (x_mean, y_mean) = if p.fit_intercept {
        (
            total.sx.iter().map(|s| s / total.sum_w).collect(),
            total.sy.iter().map(|s| s / total.sum_w).collect(),
        )
    } else {
        (vec![0.0; d], vec![0.0; k])
    };
    let active = (0..d)
        .filter(|&j| {
            if p.fit_intercept {
                total.min[j] < total.max[j]
            } else {
                total.min[j] != 0.0 || total.max[j] != 0.0
            }
        })
        .collect();
    Ok(Moments {
        x_mean,
        y_mean,
        sum_w: total.sum_w,
        n_positive: total.n_positive,
        active,
    })
}

/// The centred, weighted cross products of the active columns:
/// `g = Xcᵀ W Xc`, `c = Xcᵀ W Yc`, and `yty[t] = Ycᵀ W Yc` per target.
pub(crate) struct Gram {
    pub g: Mat<f64>,
    pub c: Mat<f64>,
    pub yty: Vec<f64>,
}

/// Fills `bx` (rows x a, row-major) and `by` (rows x k) with the centred rows
/// `start..start + rows`, scaled by the square roots of their weights.
fn fill_block<F: Float>(
    p: &Problem<'_, F>,
    m: &Moments,
    start: usize,
    rows: usize,
    bx: &mut [f64],
    by: &mut [f64],
) {
    let a = m.active.len();
    let k = p.y.ncols();
    let all_active = a == p.x.ncols();
    if p.x.nrows() > 1 && p.x.strides()[0] == 1 {
        // Column-major records: read each column's rows contiguously.
        for (jj, &j) in m.active.iter().enumerate() {
            let col = p.x.column(j);
            let mu = m.x_mean[j];
            for ii in 0..rows {
                bx[ii * a + jj] = col[start + ii].as_f64() - mu;
            }
        }
        for ii in 0..rows {
            let i = start + ii;
            let sw = p.weight(i).sqrt();
            if sw != 1.0 {
                bx[ii * a..(ii + 1) * a].iter_mut().for_each(|v| *v *= sw);
            }
            for t in 0..k {
                by[ii * k + t] = sw * (p.y[[i, t]].as_f64() - m.y_mean[t]);
            }
        }
        return;
    }
    for ii in 0..rows {
        let i = start + ii;
        let sw = p.weight(i).sqrt();
        let out = &mut bx[ii * a..(ii + 1) * a];
        let row = p.x.row(i);
        match row.as_slice() {
            Some(row) if all_active => {
                for ((o, &v), &mu) in out.iter_mut().zip(row).zip(&m.x_mean) {
                    *o = sw * (v.as_f64() - mu);
                }
            }
            _ => {
                for (o, &j) in out.iter_mut().zip(&m.active) {
                    *o = sw * (row[j].as_f64() - m.x_mean[j]);
                }
            }
        }
        for t in 0..k {
            by[ii * k + t] = sw * (p.y[[i, t]].as_f64() - m.y_mean[t]);
        }
    }
}

/// Accumulates the Gram matrix of the centred, weighted active columns.
pub(crate) fn gram<F: Float>(p: &Problem<'_, F>, m: &Moments) -> Gram {
    let n = p.x.nrows();
    let a = m.active.len();
    let k = p.y.ncols();
    let per_task = 8 * (a * a + a * k + k).max(1);
    let max_tasks = (TASK_MEMORY / per_task).max(1);
    let task_rows = TASK_ROWS.max(n.div_ceil(max_tasks));
    let parts: Vec<Gram> = chunk_ranges(n, task_rows)
        .into_par_iter()
        .map(|range| {
            let mut g = Mat::<f64>::zeros(a, a);
            let mut c = Mat::<f64>::zeros(a, k);
            let mut yty = vec![0.0; k];
            let mut bx = vec![0.0; BLOCK_ROWS * a];
            let mut by = vec![0.0; BLOCK_ROWS * k];
            let mut start = range.start;
            while start < range.end {
                let rows = BLOCK_ROWS.min(range.end - start);
                fill_block(p, m, start, rows, &mut bx, &mut by);
                let xb = MatRef::from_row_major_slice(&bx[..rows * a], rows, a);
                let yb = MatRef::from_row_major_slice(&by[..rows * k], rows, k);
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
                matmul(c.as_mut(), Accum::Add, xb.transpose(), yb, 1.0, Par::Seq);
                for (t, s) in yty.iter_mut().enumerate() {
                    *s += (0..rows).map(|ii| by[ii * k + t].powi(2)).sum::<f64>();
                }
                start += rows;
            }
            Gram { g, c, yty }
        })
        .collect();
    let mut total = Gram {
        g: Mat::zeros(a, a),
        c: Mat::zeros(a, k),
        yty: vec![0.0; k],
    };
    for part in parts {
        total.g += &part.g;
        total.c += &part.c;
        for (s, v) in total.yty.iter_mut().zip(&part.yty) {
            *s += v;
        }
    }
    for j in 0..a {
        for i in 0..j {
            total.g[(i, j)] = total.g[(j, i)];
        }
    }
    total
}

/// The centred, weighted active columns and targets as dense matrices (one
/// copy of the records, in `f64`), for the rank-revealing path.
pub(crate) fn centred<F: Float>(p: &Problem<'_, F>, m: &Moments) -> (Mat<f64>, Mat<f64>) {
    let n = p.x.nrows();
    let sw: Vec<f64> = (0..n).map(|i| p.weight(i).sqrt()).collect();
    let xc = Mat::from_fn(n, m.active.len(), |i, jj| {
        let j = m.active[jj];
        sw[i] * (p.x[[i, j]].as_f64() - m.x_mean[j])
    });
    let yc = Mat::from_fn(n, p.y.ncols(), |i, t| {
        sw[i] * (p.y[[i, t]].as_f64() - m.y_mean[t])
    });
    (xc, yc)
}

/// A solution of the normal equations by Cholesky.
pub(crate) struct CholeskySolution {
    /// Coefficients of the active columns, a x k.
    pub coef: Mat<f64>,
    /// `(g + alpha I)^-1` when the condition number was checked.
    pub inverse: Option<Mat<f64>>,
}

fn norm1(m: MatRef<'_, f64>) -> f64 {
    (0..m.ncols())
        .map(|j| (0..m.nrows()).map(|i| m[(i, j)].abs()).sum::<f64>())
        .fold(0.0, f64::max)
}

/// Solves `(g + alpha I) b = c` by Cholesky on the unit-diagonal rescaling of
/// the matrix. Returns `None` when the matrix is not numerically positive
/// definite or, with `max_cond`, when the 1-norm condition number of the
/// rescaled matrix exceeds it (the caller then takes the rank-revealing path).
pub(crate) fn solve_cholesky(
    gram: &Gram,
    alpha: f64,
    max_cond: Option<f64>,
) -> Option<CholeskySolution> {
    let a = gram.g.nrows();
    let k = gram.c.ncols();
    if a == 0 {
        return Some(CholeskySolution {
            coef: Mat::zeros(0, k),
            inverse: max_cond.map(|_| Mat::zeros(0, 0)),
        });
    }
    let d: Vec<f64> = (0..a).map(|j| (gram.g[(j, j)] + alpha).sqrt()).collect();
    if d.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return None;
    }
    let r = Mat::from_fn(a, a, |i, j| {
        let v = gram.g[(i, j)] + if i == j { alpha } else { 0.0 };
        v / (d[i] * d[j])
    });
    let rhs = Mat::from_fn(a, k, |i, t| gram.c[(i, t)] / d[i]);
    let llt = r.llt(Side::Lower).ok()?;
    let z = llt.solve(&rhs);
    let inverse = match max_cond {
        None => None,
        Some(limit) => {
            let inv = llt.inverse();
            let cond = norm1(r.as_ref()) * norm1(inv.as_ref());
            if cond.is_nan() || cond > limit {
                return None;
            }
            Some(Mat::from_fn(a, a, |i, j| inv[(i, j)] / (d[i] * d[j])))
        }
    };
    let coef = Mat::from_fn(a, k, |i, t| z[(i, t)] / d[i]);
    let finite = (0..a).all(|i| (0..k).all(|t| coef[(i, t)].is_finite()));
    finite.then_some(CholeskySolution { coef, inverse })
}

/// A solution through the singular value decomposition of the centred records.
pub(crate) struct SvdSolution {
    /// Coefficients of the active columns, a x k.
    pub coef: Mat<f64>,
    /// Number of singular values kept.
    pub rank: usize,
}

/// How singular values are turned into the solution.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SvdFilter {
    /// Minimum-norm least squares: `1 / s` above `rcond * s_max`, else 0.
    LeastSquares { rcond: f64 },
    /// Ridge: `s / (s² + alpha)` for `s > 1e-15` (as scikit-learn's svd solver).
    Ridge { alpha: f64 },
}

/// Solves the least-squares or ridge problem on `xc`, `yc` by thin SVD.
pub(crate) fn solve_svd(
    xc: MatRef<'_, f64>,
    yc: MatRef<'_, f64>,
    filter: SvdFilter,
) -> Result<SvdSolution, LinearError> {
    let a = xc.ncols();
    let k = yc.ncols();
    if a == 0 || xc.nrows() == 0 {
        return Ok(SvdSolution {
            coef: Mat::zeros(a, k),
            rank: 0,
        });
    }
    let svd = xc.thin_svd().map_err(|e| LinearError::Factorisation {
        what: "singular value decomposition",
        detail: format!("{e:?}"),
    })?;
    let s = svd.S().column_vector();
    let r = s.nrows();
    let s_max = if r > 0 { s[0] } else { 0.0 };
    let factors: Vec<f64> = (0..r)
        .map(|i| match filter {
            SvdFilter::LeastSquares { rcond } if s[i] > rcond * s_max && s[i] > 0.0 => 1.0 / s[i],
            SvdFilter::LeastSquares { .. } => 0.0,
            SvdFilter::Ridge { alpha } if s[i] > 1e-15 => s[i] / (s[i] * s[i] + alpha),
            SvdFilter::Ridge { .. } => 0.0,
        })
        .collect();
    let rank = factors.iter().filter(|f| **f != 0.0).count();
    let mut uty = Mat::<f64>::zeros(r, k);
    matmul(
        uty.as_mut(),
        Accum::Replace,
        svd.U().transpose(),
        yc,
        1.0,
        Par::rayon(0),
    );
    for (i, f) in factors.iter().enumerate() {
        for t in 0..k {
            uty[(i, t)] *= f;
        }
    }
    let mut coef = Mat::<f64>::zeros(a, k);
    matmul(
        coef.as_mut(),
        Accum::Replace,
        svd.V(),
        uty.as_ref(),
        1.0,
        Par::rayon(0),
    );
    Ok(SvdSolution { coef, rank })
}

/// The eigendecomposition `g = V diag(λ) Vᵀ` of a symmetric matrix
/// (eigenvalues clamped at 0, nondecreasing).
pub(crate) fn eigh(g: &Mat<f64>) -> Result<(Vec<f64>, Mat<f64>), LinearError> {
    if g.nrows() == 0 {
        return Ok((Vec::new(), Mat::zeros(0, 0)));
    }
    let evd = g
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| LinearError::Factorisation {
            what: "symmetric eigendecomposition",
            detail: format!("{e:?}"),
        })?;
    let s = evd.S().column_vector();
    let values = (0..s.nrows()).map(|i| s[i].max(0.0)).collect();
    Ok((values, evd.U().to_owned()))
}

/// The centred, weighted active records projected on `v` (n x a, row-major),
/// `Q = sqrt(W) Xc V`, and the centred, weighted first target `sqrt(W) yc`:
/// one pass over the records, in parallel over a fixed partition of rows.
pub(crate) fn project_rows<F: Float>(
    p: &Problem<'_, F>,
    m: &Moments,
    v: MatRef<'_, f64>,
) -> (Vec<f64>, Vec<f64>) {
    let n = p.x.nrows();
    let a = m.active.len();
    let k = p.y.ncols();
    let mut q = vec![0.0; n * a];
    let mut yw = vec![0.0; n];
    if a == 0 {
        return (q, yw);
    }
    q.par_chunks_mut(TASK_ROWS * a)
        .zip(yw.par_chunks_mut(TASK_ROWS))
        .enumerate()
        .for_each(|(task, (q_task, y_task))| {
            let mut bx = vec![0.0; BLOCK_ROWS * a];
            let mut by = vec![0.0; BLOCK_ROWS * k];
            let task_start = task * TASK_ROWS;
            let task_rows = y_task.len();
            let mut off = 0;
            while off < task_rows {
                let rows = BLOCK_ROWS.min(task_rows - off);
                fill_block(p, m, task_start + off, rows, &mut bx, &mut by);
                let xb = MatRef::from_row_major_slice(&bx[..rows * a], rows, a);
                let out = MatMut::from_row_major_slice_mut(
                    &mut q_task[off * a..(off + rows) * a],
                    rows,
                    a,
                );
                matmul(out, Accum::Replace, xb, v, 1.0, Par::Seq);
                for ii in 0..rows {
                    y_task[off + ii] = by[ii * k];
                }
                off += rows;
            }
        });
    (q, yw)
}

/// `Xcᵀ W yc` for the first target over the active columns: one pass over the
/// records, in parallel over a fixed partition of rows.
pub(crate) fn xty<F: Float>(p: &Problem<'_, F>, m: &Moments) -> Vec<f64> {
    let a = m.active.len();
    let parts: Vec<Vec<f64>> = chunk_ranges(p.x.nrows(), TASK_ROWS)
        .into_par_iter()
        .map(|range| {
            let mut acc = vec![0.0; a];
            for i in range {
                let r = p.weight(i) * (p.y[[i, 0]].as_f64() - m.y_mean[0]);
                if r == 0.0 {
                    continue;
                }
                let row = p.x.row(i);
                for (s, &j) in acc.iter_mut().zip(&m.active) {
                    *s += r * (row[j].as_f64() - m.x_mean[j]);
                }
            }
            acc
        })
        .collect();
    let mut total = vec![0.0; a];
    for part in parts {
        for (t, v) in total.iter_mut().zip(part) {
            *t += v;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column-major records (read column by column) give bitwise the same
    /// moments and Gram matrix as row-major ones, with and without weights.
    #[test]
    fn column_major_records_match_row_major() {
        let (n, d) = (1500, 7);
        let rows = ndarray::Array2::from_shape_fn((n, d), |(i, j)| {
            ((i * 13 + j * 7) % 17) as f64 / 3.0 + j as f64
        });
        let mut cols = ndarray::Array2::<f64>::zeros((d, n)).reversed_axes();
        cols.assign(&rows);
        assert_eq!(cols.strides()[0], 1);
        let y = ndarray::Array2::from_shape_fn((n, 1), |(i, _)| (i % 11) as f64);
        let w = ndarray::Array1::from_shape_fn(n, |i| [0.0, 0.5, 2.0][i % 3]);
        for weights in [None, Some(w.view())] {
            let problem = |x| Problem {
                x,
                y: y.view(),
                w: weights,
                fit_intercept: true,
            };
            let (pr, pc) = (problem(rows.view()), problem(cols.view()));
            let (mr, mc) = (moments(&pr).expect("rows"), moments(&pc).expect("columns"));
            assert_eq!(mr.x_mean, mc.x_mean);
            assert_eq!(mr.active, mc.active);
            let (gr, gc) = (gram(&pr, &mr), gram(&pc, &mc));
            assert_eq!(gr.g, gc.g);
            assert_eq!(gr.c, gc.c);
            assert_eq!(gr.yty, gc.yty);
        }
    }

    /// `project_rows` multiplies into contiguous row-major destinations: check
    /// faer writes exactly inside them (a strided row-major destination was
    /// seen to write past its end with faer 0.24, so none is used here).
    #[test]
    fn row_major_destinations_stay_in_bounds() {
        for par in [Par::Seq, Par::rayon(2)] {
            for (n, p, r) in [
                (200usize, 13usize, 3usize),
                (4096, 13, 3),
                (5000, 30, 1),
                (700, 50, 50),
            ] {
                let x: Vec<f64> = (0..n * p).map(|i| (i % 7) as f64).collect();
                let w: Vec<f64> = (0..r * p).map(|i| (i % 5) as f64).collect();
                let xf = MatRef::from_row_major_slice(&x, n, p);
                let wf = MatRef::from_row_major_slice(&w, r, p);
                let mut buf = vec![-1.0; n * r + 64];
                {
                    let out = MatMut::from_row_major_slice_mut(&mut buf[32..32 + n * r], n, r);
                    matmul(out, Accum::Replace, xf, wf.transpose(), 1.0, par);
                }
                assert!(
                    buf[..32].iter().all(|v| *v == -1.0),
                    "front {n} {p} {r} {par:?}"
                );
                assert!(
                    buf[32 + n * r..].iter().all(|v| *v == -1.0),
                    "back {n} {p} {r} {par:?}"
                );
                let expected: f64 = (0..p).map(|j| x[j] * w[j]).sum();
                assert_eq!(buf[32], expected);
            }
        }
    }
}
