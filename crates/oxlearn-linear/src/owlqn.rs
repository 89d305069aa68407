//! Orthant-wise limited-memory quasi-Newton (OWL-QN, Andrew and Gao 2007):
//! L-BFGS for a smooth objective plus a weighted L1 norm, for logistic
//! regression with an L1 or elastic-net penalty.

use crate::lbfgs::{History, LbfgsResult, dot, inf_norm};

const MAX_LINE_SEARCH: usize = 60;

/// The pseudo-gradient of `f + Σ l1ⱼ |xⱼ|` (the minimum-norm subgradient).
fn pseudo_gradient(x: &[f64], g: &[f64], l1: &[f64], out: &mut [f64]) {
    for j in 0..x.len() {
        let (xj, gj, lj) = (x[j], g[j], l1[j]);
        out[j] = if lj == 0.0 {
            gj
        } else if xj > 0.0 {
            gj + lj
        } else if xj < 0.0 {
            gj - lj
        } else if gj + lj < 0.0 {
            gj + lj
        } else if gj - lj > 0.0 {
            gj - lj
        } else {
            0.0
        };
    }
}

/// Minimises `f(x) + Σ l1ⱼ |xⱼ|` from `x`. `f(x, grad)` returns the smooth
/// part's value and writes its gradient. Stops when the largest pseudo-gradient
/// component is at most `gtol`, on a relative decrease below `64 ε`, or after
/// `max_iter` iterations.
pub(crate) fn minimise(
    x: &mut [f64],
    l1: &[f64],
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    gtol: f64,
    max_iter: usize,
) -> LbfgsResult {
    let n = x.len();
    let ftol = 64.0 * f64::EPSILON;
    let penalty = |x: &[f64]| -> f64 { x.iter().zip(l1).map(|(v, l)| l * v.abs()).sum() };
    let mut g = vec![0.0; n];
    let mut value = f(x, &mut g) + penalty(x);
    let mut pg = vec![0.0; n];
    pseudo_gradient(x, &g, l1, &mut pg);
    let mut history = History::new();
    let mut d = vec![0.0; n];
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    if inf_norm(&pg) <= gtol {
        return LbfgsResult {
            n_iter: 0,
            converged: true,
        };
    }
    for iter in 1..=max_iter {
        history.apply(&pg, &mut d);
        // Descent direction; penalised coordinates are kept in the orthant
        // the pseudo-gradient points to (unpenalised ones move freely, as in
        // L-BFGS, which keeps, for example, the sum of multinomial
        // intercepts where it started).
        for j in 0..n {
            d[j] = -d[j];
            if l1[j] != 0.0 && d[j] * pg[j] >= 0.0 {
                d[j] = 0.0;
            }
        }
        if dot(&d, &pg) >= 0.0 {
            history.clear();
            for j in 0..n {
                d[j] = -pg[j];
            }
        }
        let orthant: Vec<f64> = (0..n)
            .map(|j| {
                if x[j] != 0.0 {
                    x[j].signum()
                } else {
                    -pg[j].signum()
                }
            })
            .collect();
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_LINE_SEARCH {
            for j in 0..n {
                let v = x[j] + step * d[j];
                // Project onto the orthant: coordinates that change sign become 0.
                x_new[j] = if l1[j] != 0.0 && v * orthant[j] <= 0.0 {
                    0.0
                } else {
                    v
                };
            }
            let v = f(&x_new, &mut g_new) + penalty(&x_new);
            let decrease: f64 = (0..n).map(|j| pg[j] * (x_new[j] - x[j])).sum();
            if v.is_finite() && v <= value + 1e-4 * decrease {
                accepted = Some(v);
                break;
            }
            step *= 0.5;
        }
        let Some(new_value) = accepted else {
            return LbfgsResult {
                n_iter: iter,
                converged: inf_norm(&pg) <= gtol,
            };
        };
        history.push(&x_new, x, &g_new, &g);
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        pseudo_gradient(x, &g, l1, &mut pg);
        let rel = (value - new_value) / value.abs().max(new_value.abs()).max(1.0);
        value = new_value;
        if inf_norm(&pg) <= gtol || rel <= ftol {
            return LbfgsResult {
                n_iter: iter,
                converged: true,
            };
        }
    }
    LbfgsResult {
        n_iter: max_iter,
        converged: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_separable_lasso() {
        // ½ Σ wⱼ (xⱼ - cⱼ)² + λ Σ |xⱼ|: soft thresholding, coordinate by coordinate.
        let c = [3.0, -0.5, 0.2, -4.0];
        let w = [1.0, 2.0, 1.0, 0.5];
        let lambda = 0.8;
        let mut x = vec![0.0; 4];
        let r = minimise(
            &mut x,
            &[lambda; 4],
            |x, g| {
                let mut v = 0.0;
                for j in 0..4 {
                    v += 0.5 * w[j] * (x[j] - c[j]).powi(2);
                    g[j] = w[j] * (x[j] - c[j]);
                }
                v
            },
            1e-12,
            500,
        );
        assert!(r.converged);
        for j in 0..4 {
            let expected = c[j].signum() * (c[j].abs() - lambda / w[j]).max(0.0);
            assert!(
                (x[j] - expected).abs() < 1e-9,
                "{j}: {} vs {expected}",
                x[j]
            );
        }
        assert_eq!(x[2], 0.0);
    }
}
