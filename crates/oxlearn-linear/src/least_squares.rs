//! The fit shared by the direct solvers: moments, then Cholesky on the Gram
//! matrix or a rank-revealing SVD, then the intercept.

use faer::Mat;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use oxlearn::{Error, Float, check};

use crate::error::LinearError;
use crate::linalg::{self, Gram, Moments, Problem, SvdFilter};

/// Largest 1-norm condition number of the unit-diagonal Gram matrix that the
/// Cholesky path accepts for least squares: the normal equations lose about
/// `cond * eps` of relative accuracy, so this keeps about 1e-8.
pub(crate) const MAX_GRAM_COND: f64 = 1e8;

/// Which factorisation produced a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Solver {
    /// Cholesky factorisation of the centred Gram matrix `XcᵀWXc`.
    Cholesky,
    /// Singular value decomposition of the centred records (rank-deficient,
    /// ill-conditioned or wide designs).
    Svd,
    /// Eigendecomposition of the centred Gram matrix (the leave-one-out path
    /// of [`RidgeCV`](crate::RidgeCV)).
    Eigen,
    /// Lawson and Hanson's active-set non-negative least squares on the
    /// centred Gram matrix (`LinearRegression { positive: true }`).
    ActiveSet,
}

/// What a direct fit produces, in `f64`.
pub(crate) struct Solved {
    /// Coefficients, targets x features.
    pub coef: Array2<f64>,
    /// Intercepts, one per target (zeros without an intercept).
    pub intercept: Array1<f64>,
    /// Numerical rank of the centred design.
    pub rank: usize,
    /// The factorisation used.
    pub solver: Solver,
    /// Means and active columns.
    pub moments: Moments,
    /// The Gram matrix, when the Cholesky path ran.
    pub gram: Option<Gram>,
    /// The inverse Gram matrix, when the least-squares Cholesky path ran.
    pub inverse: Option<Mat<f64>>,
}

/// The penalty of the direct solvers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Penalty {
    /// Ordinary least squares, minimum-norm when rank-deficient.
    None,
    /// Ridge with this alpha (>= 0).
    Ridge(f64),
    /// Least squares with non-negative coefficients.
    NonNegative,
}

/// Checks records, targets and weights of a fit.
pub(crate) fn check_inputs<F: Float>(
    x: ArrayView2<'_, F>,
    y: ArrayView2<'_, F>,
    w: Option<ArrayView1<'_, F>>,
) -> Result<(), LinearError> {
    check::records(x, "training records")?;
    check::same_length(x.nrows(), y.nrows(), "targets (one row per sample)")?;
    if y.ncols() == 0 {
        return Err(Error::empty("targets have no columns (0 targets)").into());
    }
    check::finite(y, "targets")?;
    if let Some(w) = w {
        check::same_length(x.nrows(), w.len(), "sample weights (one per sample)")?;
        if let Some((i, v)) = w
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite() || **v < F::zero())
        {
            return Err(Error::InvalidInput(format!(
                "sample weight {i} is {v}; weights must be finite and >= 0"
            ))
            .into());
        }
    }
    Ok(())
}

/// Fits the problem with the given penalty.
pub(crate) fn solve<F: Float>(p: &Problem<'_, F>, penalty: Penalty) -> Result<Solved, LinearError> {
    let m = linalg::moments(p)?;
    let n = p.x.nrows();
    let a = m.active.len();
    let max_rank = m.n_positive.saturating_sub(usize::from(p.fit_intercept));
    let mut gram = None;
    let mut inverse = None;
    let mut solution = None;
    if let Penalty::NonNegative = penalty {
        let g = linalg::gram(p, &m);
        let mut coef = Mat::<f64>::zeros(a, p.y.ncols());
        for t in 0..p.y.ncols() {
            let c: Vec<f64> = (0..a).map(|j| g.c[(j, t)]).collect();
            for (j, v) in crate::nnls::nnls(&g.g, &c).into_iter().enumerate() {
                coef[(j, t)] = v;
            }
        }
        return Ok(assemble(p, m, coef, a, Solver::ActiveSet));
    }
    let use_gram = match penalty {
        Penalty::None => a <= max_rank,
        Penalty::Ridge(_) | Penalty::NonNegative => a <= m.n_positive,
    };
    if use_gram {
        let g = linalg::gram(p, &m);
        let found = match penalty {
            Penalty::None | Penalty::NonNegative => {
                linalg::solve_cholesky(&g, 0.0, Some(MAX_GRAM_COND))
            }
            Penalty::Ridge(alpha) => linalg::solve_cholesky(&g, alpha, None),
        };
        if let Some(found) = found {
            solution = Some((found.coef, a, Solver::Cholesky));
            inverse = found.inverse;
            gram = Some(g);
        }
    }
    let (coef_active, rank, solver) = match solution {
        Some(s) => s,
        None => {
            let (xc, yc) = linalg::centred(p, &m);
            let filter = match penalty {
                Penalty::None | Penalty::NonNegative => SvdFilter::LeastSquares {
                    rcond: f64::EPSILON * n.max(a) as f64,
                },
                Penalty::Ridge(alpha) => SvdFilter::Ridge { alpha },
            };
            let s = linalg::solve_svd(xc.as_ref(), yc.as_ref(), filter)?;
            (s.coef, s.rank, Solver::Svd)
        }
    };
    Ok(assemble(p, m, coef_active, rank, solver).with_factors(gram, inverse))
}

impl Solved {
    fn with_factors(mut self, gram: Option<Gram>, inverse: Option<Mat<f64>>) -> Self {
        self.gram = gram;
        self.inverse = inverse;
        self
    }
}

/// Puts the active coefficients back among all features and computes the
/// intercepts.
pub(crate) fn assemble<F: Float>(
    p: &Problem<'_, F>,
    m: Moments,
    coef_active: Mat<f64>,
    rank: usize,
    solver: Solver,
) -> Solved {
    let d = p.x.ncols();
    let k = p.y.ncols();
    let mut coef = Array2::<f64>::zeros((k, d));
    for (jj, &j) in m.active.iter().enumerate() {
        for t in 0..k {
            coef[[t, j]] = coef_active[(jj, t)];
        }
    }
    let intercept = Array1::from_shape_fn(k, |t| {
        if p.fit_intercept {
            m.y_mean[t] - (0..d).map(|j| m.x_mean[j] * coef[[t, j]]).sum::<f64>()
        } else {
            0.0
        }
    });
    Solved {
        coef,
        intercept,
        rank,
        solver,
        moments: m,
        gram: None,
        inverse: None,
    }
}
