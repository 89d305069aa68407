//! Covariance updates for coordinate descent with a lazily computed Gram
//! matrix: only the columns `Xcᵀ W Xc[:, j]` of features that enter the
//! working set are ever formed (in batches, one pass over the records per
//! batch), so a sparse solution over many features costs `n · p · k` for `k`
//! columns instead of `n · p²` for the whole Gram matrix (glmnet's lazy
//! covariance updates).

use faer::Accum;
use faer::Mat;
use faer::linalg::matmul::matmul;
use faer::prelude::*;
use oxlearn::Float;
use oxlearn::parallel::chunk_ranges;
use rayon::prelude::*;

use crate::coordinate_descent::CdData;
use crate::linalg::{self, BLOCK_ROWS, Moments, Problem, TASK_ROWS};

/// From this many (non-constant) features on, the Gram matrix is formed
/// lazily: below it, the whole Gram matrix costs about as much as the few
/// passes over the records that the lazy columns need.
pub(crate) const LAZY_MIN_FEATURES: usize = 1024;

/// Computes the Gram columns of the given (active-index) features.
pub(crate) type ColumnSource<'a> = Box<dyn Fn(&[usize]) -> Vec<Vec<f64>> + 'a>;

/// Covariance updates: columns of the Gram matrix `G = XᵀX` computed on
/// demand, `q = Xᵀy` and the gradient `g = Xᵀr = q - Gβ` for every feature
/// (O(p) per coordinate update, no pass over the samples).
pub(crate) struct GramData<'a> {
    source: ColumnSource<'a>,
    cols: Vec<Option<Vec<f64>>>,
    diag: Vec<f64>,
    q: Vec<f64>,
    grad: Vec<f64>,
    yty: f64,
    lazy: bool,
}

impl<'a> GramData<'a> {
    /// `diag` holds `‖x_j‖²`, `q` is `Xᵀy`, `yty` is `‖y‖²`; the columns of
    /// the non-zero coefficients of `beta` are computed at once.
    pub(crate) fn new(
        source: ColumnSource<'a>,
        diag: Vec<f64>,
        q: Vec<f64>,
        yty: f64,
        beta: &[f64],
    ) -> Self {
        let p = q.len();
        let mut data = GramData {
            source,
            cols: vec![None; p],
            diag,
            grad: q.clone(),
            q,
            yty,
            lazy: true,
        };
        let support: Vec<usize> = (0..p).filter(|&j| beta[j] != 0.0).collect();
        data.ensure(&support);
        for &j in &support {
            if let Some(col) = &data.cols[j] {
                for (g, c) in data.grad.iter_mut().zip(col) {
                    *g -= beta[j] * c;
                }
            }
        }
        data
    }

    /// From the full Gram matrix `g` (every column available: plain cyclic
    /// or random epochs over all features, no working set).
    pub(crate) fn full(g: Mat<f64>, q: Vec<f64>, yty: f64, beta: &[f64]) -> Self {
        let p = q.len();
        let diag = (0..p).map(|j| g[(j, j)]).collect();
        let cols: Vec<Option<Vec<f64>>> = (0..p)
            .map(|j| Some(g.col(j).iter().copied().collect()))
            .collect();
        let grad = (0..p)
            .map(|i| q[i] - (0..p).map(|j| g[(i, j)] * beta[j]).sum::<f64>())
            .collect();
        GramData {
            source: Box::new(|_: &[usize]| Vec::new()),
            cols,
            diag,
            q,
            grad,
            yty,
            lazy: false,
        }
    }

    /// Number of Gram columns formed so far.
    #[cfg(test)]
    pub(crate) fn n_columns(&self) -> usize {
        self.cols.iter().filter(|c| c.is_some()).count()
    }
}

impl CdData for GramData<'_> {
    fn len(&self) -> usize {
        self.q.len()
    }
    fn norm2(&self, j: usize) -> f64 {
        self.diag[j]
    }
    fn dot_residual(&self, j: usize) -> f64 {
        self.grad[j]
    }
    fn update(&mut self, j: usize, delta: f64) {
        if self.cols[j].is_none() {
            self.ensure(&[j]);
        }
        if let Some(col) = &self.cols[j] {
            for (gr, c) in self.grad.iter_mut().zip(col) {
                *gr -= delta * c;
            }
        }
    }
    fn gap_terms(&self, beta: &[f64], out: &mut [f64], _skip: &[bool]) -> (f64, f64) {
        out.copy_from_slice(&self.grad);
        let bq: f64 = beta.iter().zip(&self.q).map(|(b, q)| b * q).sum();
        let bg: f64 = beta.iter().zip(&self.grad).map(|(b, g)| b * g).sum();
        // ‖r‖² = yᵀy - 2βᵀq + βᵀGβ, with Gβ = q - g.
        ((self.yty - bq - bg).max(0.0), self.yty - bq)
    }
    fn gradient(&self) -> Option<&[f64]> {
        self.lazy.then_some(self.grad.as_slice())
    }
    fn ensure(&mut self, js: &[usize]) {
        let missing: Vec<usize> = js
            .iter()
            .copied()
            .filter(|&j| self.cols[j].is_none())
            .collect();
        if missing.is_empty() {
            return;
        }
        let computed = self.cols.iter().filter(|c| c.is_some()).count();
        let missing = if 2 * (computed + missing.len()) > self.cols.len() {
            // Most columns are needed: form all the rest in one pass.
            (0..self.cols.len())
                .filter(|&j| self.cols[j].is_none())
                .collect()
        } else {
            missing
        };
        for (j, col) in missing.iter().zip((self.source)(&missing)) {
            self.cols[*j] = Some(col);
        }
    }
}

/// The cross products of one pass over the records: the Gram columns of
/// `cols` (active indices), and `Xcᵀ W yc`, `‖x_j‖²` and `yᵀ W y` (first
/// target) when `with_moments`.
pub(crate) struct CrossProducts {
    /// `a x cols.len()`: the requested Gram columns.
    pub columns: Vec<Vec<f64>>,
    /// `Xcᵀ W yc` (empty unless asked for).
    pub q: Vec<f64>,
    /// Squared norms of the centred, weighted active columns (empty unless asked for).
    pub diag: Vec<f64>,
    /// `Σ wᵢ (yᵢ - ȳ)²` (0 unless asked for).
    pub yty: f64,
}

/// One blocked pass over the records (fixed partition of rows, combined in
/// order: the same result on any number of threads).
pub(crate) fn cross_products<F: Float>(
    p: &Problem<'_, F>,
    m: &Moments,
    cols: &[usize],
    with_moments: bool,
) -> CrossProducts {
    let n = p.x.nrows();
    let a = m.active.len();
    let k = p.y.ncols();
    let s = cols.len() + usize::from(with_moments);
    let parts: Vec<(Mat<f64>, Vec<f64>, f64)> = chunk_ranges(n, TASK_ROWS)
        .into_par_iter()
        .map(|range| {
            let mut acc = Mat::<f64>::zeros(a, s);
            let mut diag = vec![0.0; if with_moments { a } else { 0 }];
            let mut yty = 0.0;
            let mut bx = vec![0.0; BLOCK_ROWS * a];
            let mut by = vec![0.0; BLOCK_ROWS * k];
            let mut rhs = vec![0.0; BLOCK_ROWS * s];
            let mut start = range.start;
            while start < range.end {
                let rows = BLOCK_ROWS.min(range.end - start);
                linalg::fill_block(p, m, start, rows, &mut bx, &mut by);
                for ii in 0..rows {
                    let row = &bx[ii * a..(ii + 1) * a];
                    let out = &mut rhs[ii * s..(ii + 1) * s];
                    for (o, &j) in out.iter_mut().zip(cols) {
                        *o = row[j];
                    }
                    if with_moments {
                        let yv = by[ii * k];
                        out[s - 1] = yv;
                        yty += yv * yv;
                        for (d, v) in diag.iter_mut().zip(row) {
                            *d += v * v;
                        }
                    }
                }
                let xb = MatRef::from_row_major_slice(&bx[..rows * a], rows, a);
                let rb = MatRef::from_row_major_slice(&rhs[..rows * s], rows, s);
                matmul(acc.as_mut(), Accum::Add, xb.transpose(), rb, 1.0, Par::Seq);
                start += rows;
            }
            (acc, diag, yty)
        })
        .collect();
    let mut acc = Mat::<f64>::zeros(a, s);
    let mut diag = vec![0.0; if with_moments { a } else { 0 }];
    let mut yty = 0.0;
    for (part, d, y) in parts {
        acc += &part;
        for (t, v) in diag.iter_mut().zip(d) {
            *t += v;
        }
        yty += y;
    }
    let columns = (0..cols.len())
        .map(|c| acc.col(c).iter().copied().collect())
        .collect();
    let q = if with_moments {
        acc.col(s - 1).iter().copied().collect()
    } else {
        Vec::new()
    };
    CrossProducts {
        columns,
        q,
        diag,
        yty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coordinate_descent::{self, CdSettings, Selection};
    use ndarray::Array2;

    /// Lazy columns (in batches, through one pass each) and the full Gram
    /// matrix give the same solution; the lazy run forms few columns.
    #[test]
    fn lazy_columns_match_the_full_gram() {
        let (n, d) = (200, 40);
        let x = Array2::from_shape_fn((n, d), |(i, j)| {
            (((i * 31 + j * 17 + i * j) % 23) as f64 - 11.0) / 7.0
        });
        let y = Array2::from_shape_fn((n, 1), |(i, _)| {
            3.0 * x[[i, 2]] - 2.0 * x[[i, 7]] + x[[i, 30]] + ((i % 7) as f64 - 3.0) * 0.05
        });
        let p = Problem {
            x: x.view(),
            y: y.view(),
            w: None,
            fit_intercept: true,
        };
        let m = linalg::moments(&p).expect("moments");
        let g = linalg::gram(&p, &m);
        let a = m.active.len();
        let q: Vec<f64> = (0..a).map(|j| g.c[(j, 0)]).collect();
        for l1_ratio in [1.0, 0.5] {
            let s = CdSettings {
                l1: 0.05 * l1_ratio * n as f64,
                l2: 0.05 * (1.0 - l1_ratio) * n as f64,
                max_iter: 10_000,
                tol: 1e-12,
                positive: false,
                selection: Selection::Cyclic,
                seed: 0,
            };
            let mut b_full = vec![0.0; a];
            let mut full = GramData::full(g.g.clone(), q.clone(), g.yty[0], &b_full);
            let r_full = coordinate_descent::run(&mut full, &mut b_full, g.yty[0], &s);
            let first = cross_products(&p, &m, &[], true);
            assert!((first.yty - g.yty[0]).abs() < 1e-9 * g.yty[0]);
            let (pc, mc) = (p, m.clone());
            let source: ColumnSource<'_> =
                Box::new(move |js: &[usize]| cross_products(&pc, &mc, js, false).columns);
            let mut b_lazy = vec![0.0; a];
            let mut lazy = GramData::new(source, first.diag, first.q, first.yty, &b_lazy);
            let r_lazy = coordinate_descent::run(&mut lazy, &mut b_lazy, first.yty, &s);
            assert!(r_full.converged && r_lazy.converged);
            assert!(lazy.n_columns() < a, "{}", lazy.n_columns());
            for (a, b) in b_full.iter().zip(&b_lazy) {
                assert!((a - b).abs() < 1e-8, "{b_full:?} vs {b_lazy:?}");
            }
        }
    }
}
