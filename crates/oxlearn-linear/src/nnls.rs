//! Non-negative least squares on the Gram matrix (Lawson and Hanson's
//! active-set method), for `LinearRegression { positive: true }`.

use faer::Mat;

use crate::linalg::{self, Gram};

/// Solves `min ‖y - Xβ‖²` subject to `β >= 0` given `g = XᵀX` and
/// `c = Xᵀy` (one target): Lawson and Hanson's active-set algorithm, as
/// scipy's `nnls` that scikit-learn calls. Each inner least-squares problem
/// is solved on the passive set through the Gram matrix.
pub(crate) fn nnls(g: &Mat<f64>, c: &[f64]) -> Vec<f64> {
    let p = c.len();
    let mut x = vec![0.0; p];
    let mut passive = vec![false; p];
    let scale = c
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let tol = 10.0 * f64::EPSILON * p.max(1) as f64 * scale;
    let gradient = |x: &[f64]| -> Vec<f64> {
        (0..p)
            .map(|i| c[i] - (0..p).map(|j| g[(i, j)] * x[j]).sum::<f64>())
            .collect()
    };
    let mut w = gradient(&x);
    for _ in 0..3 * p.max(1) {
        let candidate = (0..p)
            .filter(|&j| !passive[j])
            .max_by(|&a, &b| w[a].total_cmp(&w[b]));
        let Some(j) = candidate else { break };
        if w[j] <= tol {
            break;
        }
        passive[j] = true;
        for _ in 0..3 * p.max(1) {
            let s = solve_passive(g, c, &passive);
            if (0..p).filter(|&i| passive[i]).all(|i| s[i] > 0.0) {
                x = s;
                break;
            }
            // Step towards s as far as feasibility allows, then drop the
            // variables that hit zero.
            let alpha = (0..p)
                .filter(|&i| passive[i] && s[i] <= 0.0)
                .map(|i| x[i] / (x[i] - s[i]))
                .fold(f64::INFINITY, f64::min);
            for i in 0..p {
                x[i] += alpha * (s[i] - x[i]);
                if passive[i] && x[i] <= tol * 1e-3 {
                    passive[i] = false;
                    x[i] = 0.0;
                }
            }
        }
        w = gradient(&x);
    }
    x
}

/// The unconstrained least-squares solution on the passive set (zeros
/// elsewhere), by Cholesky, or the minimum-norm one when the passive columns
/// are collinear.
fn solve_passive(g: &Mat<f64>, c: &[f64], passive: &[bool]) -> Vec<f64> {
    let idx: Vec<usize> = (0..c.len()).filter(|&i| passive[i]).collect();
    let m = idx.len();
    let sub = Gram {
        g: Mat::from_fn(m, m, |a, b| g[(idx[a], idx[b])]),
        c: Mat::from_fn(m, 1, |a, _| c[idx[a]]),
        yty: Vec::new(),
    };
    let coef = match linalg::solve_cholesky(&sub, 0.0, Some(1e12)) {
        Some(sol) => (0..m).map(|a| sol.coef[(a, 0)]).collect::<Vec<f64>>(),
        None => match linalg::eigh(&sub.g) {
            Ok((lambda, v)) => {
                let top = lambda.iter().fold(0.0f64, |a, l| a.max(*l));
                let z: Vec<f64> = (0..m)
                    .map(|k| {
                        if lambda[k] > top * 1e-12 {
                            (0..m).map(|a| v[(a, k)] * sub.c[(a, 0)]).sum::<f64>() / lambda[k]
                        } else {
                            0.0
                        }
                    })
                    .collect();
                (0..m)
                    .map(|a| (0..m).map(|k| v[(a, k)] * z[k]).sum())
                    .collect()
            }
            Err(_) => vec![0.0; m],
        },
    };
    let mut out = vec![0.0; c.len()];
    for (a, &i) in idx.iter().enumerate() {
        out[i] = coef[a];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_known_solution() {
        // X = [[1, 0], [0, 1], [1, 1]], y = [2, -1, 1]: the unconstrained
        // solution has β₁ < 0; with β >= 0 it is (1.5, 0).
        let x = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let y = [2.0, -1.0, 1.0];
        let g = Mat::from_fn(2, 2, |i, j| (0..3).map(|r| x[r][i] * x[r][j]).sum());
        let c: Vec<f64> = (0..2)
            .map(|j| (0..3).map(|r| x[r][j] * y[r]).sum())
            .collect();
        let b = nnls(&g, &c);
        assert!((b[0] - 1.5).abs() < 1e-12 && b[1] == 0.0, "{b:?}");
        // All-negative correlations: zero.
        let b = nnls(&g, &[-1.0, -2.0]);
        assert_eq!(b, vec![0.0, 0.0]);
    }
}
