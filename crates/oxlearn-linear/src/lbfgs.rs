//! A small L-BFGS minimiser for smooth convex objectives (logistic
//! regression), with a backtracking Armijo line search.
//!
//! Stopping rules follow scipy's L-BFGS-B as scikit-learn calls it: the
//! largest absolute gradient component at most `gtol`, or a relative decrease
//! of the objective at most `ftol = 64 ε`, or `max_iter` iterations.

use std::collections::VecDeque;

/// Memory of the quasi-Newton approximation (scipy's default `maxcor`).
const MEMORY: usize = 10;
/// Maximum backtracking steps per line search (scikit-learn's `maxls`).
const MAX_LINE_SEARCH: usize = 50;

/// The last [`MEMORY`] curvature pairs `(s, y, 1 / s.y)` of a limited-memory
/// quasi-Newton method, shared by L-BFGS and OWL-QN.
pub(crate) struct History {
    pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)>,
}

impl History {
    /// No curvature information yet.
    pub fn new() -> Self {
        History {
            pairs: VecDeque::with_capacity(MEMORY),
        }
    }

    /// Forgets every pair (a restart from the gradient).
    pub fn clear(&mut self) {
        self.pairs.clear();
    }

    /// Writes `H grad` into `out` by the two-loop recursion, `H` being the
    /// inverse-Hessian approximation (a scaled identity without history).
    pub fn apply(&self, grad: &[f64], out: &mut [f64]) {
        out.copy_from_slice(grad);
        let mut alphas = Vec::with_capacity(self.pairs.len());
        for (s, y, rho) in self.pairs.iter().rev() {
            let a = rho * dot(s, out);
            axpy(-a, y, out);
            alphas.push(a);
        }
        let gamma = self
            .pairs
            .back()
            .map_or(1.0 / inf_norm(grad).max(1.0), |(s, y, _)| {
                dot(s, y) / dot(y, y)
            });
        out.iter_mut().for_each(|d| *d *= gamma);
        for ((s, y, rho), a) in self.pairs.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(y, out);
            axpy(a - b, s, out);
        }
    }

    /// Records the step from `x` to `x_new` and the gradient change, when
    /// its curvature is safely positive.
    pub fn push(&mut self, x_new: &[f64], x: &[f64], g_new: &[f64], g: &[f64]) {
        let s: Vec<f64> = x_new.iter().zip(x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_new.iter().zip(g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-10 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
            if self.pairs.len() == MEMORY {
                self.pairs.pop_front();
            }
            self.pairs.push_back((s, y, 1.0 / sy));
        }
    }
}

/// The largest absolute component.
pub(crate) fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// How a minimisation ended.
pub(crate) struct LbfgsResult {
    pub n_iter: usize,
    pub converged: bool,
}

/// Minimises `f` from `x` (updated in place). `f(x, grad)` returns the value
/// and writes the gradient.
pub(crate) fn minimise(
    x: &mut [f64],
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    gtol: f64,
    max_iter: usize,
) -> LbfgsResult {
    let n = x.len();
    let ftol = 64.0 * f64::EPSILON;
    let mut g = vec![0.0; n];
    let mut value = f(x, &mut g);
    let mut history = History::new();
    let mut direction = vec![0.0; n];
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    if inf_norm(&g) <= gtol {
        return LbfgsResult {
            n_iter: 0,
            converged: true,
        };
    }
    for iter in 1..=max_iter {
        // Two-loop recursion: direction = -H g.
        history.apply(&g, &mut direction);
        direction.iter_mut().for_each(|d| *d = -*d);
        let mut slope = dot(&g, &direction);
        if slope >= 0.0 {
            // Not a descent direction (numerical trouble): restart from the gradient.
            history.clear();
            for (d, gi) in direction.iter_mut().zip(&g) {
                *d = -gi;
            }
            slope = dot(&g, &direction);
        }
        // Backtracking line search with the Armijo condition.
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..MAX_LINE_SEARCH {
            for i in 0..n {
                x_new[i] = x[i] + step * direction[i];
            }
            let v = f(&x_new, &mut g_new);
            if v.is_finite() && v <= value + 1e-4 * step * slope {
                accepted = Some(v);
                break;
            }
            step *= 0.5;
        }
        let Some(new_value) = accepted else {
            // No decrease possible at machine precision: as converged as it gets.
            return LbfgsResult {
                n_iter: iter,
                converged: inf_norm(&g) <= gtol,
            };
        };
        history.push(&x_new, x, &g_new, &g);
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        let decrease = (value - new_value) / value.abs().max(new_value.abs()).max(1.0);
        value = new_value;
        if inf_norm(&g) <= gtol {
            return LbfgsResult {
                n_iter: iter,
                converged: true,
            };
        }
        if decrease <= ftol {
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

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_a_quadratic_and_rosenbrock() {
        let mut x = vec![3.0, -2.0, 1.0];
        let r = minimise(
            &mut x,
            |x, g| {
                let w = [1.0, 10.0, 100.0];
                let mut v = 0.0;
                for i in 0..3 {
                    v += 0.5 * w[i] * (x[i] - i as f64).powi(2);
                    g[i] = w[i] * (x[i] - i as f64);
                }
                v
            },
            1e-10,
            200,
        );
        assert!(r.converged);
        for (i, xi) in x.iter().enumerate() {
            assert!((xi - i as f64).abs() < 1e-9);
        }
        let mut x = vec![-1.2, 1.0];
        let r = minimise(
            &mut x,
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            1e-8,
            1000,
        );
        assert!(r.converged);
        assert!(
            (x[0] - 1.0).abs() < 1e-5 && (x[1] - 1.0).abs() < 1e-5,
            "{x:?}"
        );
        let mut x = vec![1.0];
        let r = minimise(
            &mut x,
            |x, g| {
                g[0] = x[0];
                0.5 * x[0] * x[0]
            },
            1e-12,
            1,
        );
        assert_eq!(r.n_iter, 1);
    }
}
