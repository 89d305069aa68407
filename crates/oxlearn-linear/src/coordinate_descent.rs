//! Coordinate descent for the elastic-net objective, as scikit-learn's
//! `enet_coordinate_descent` (on the records) and
//! `enet_coordinate_descent_gram` (on the Gram matrix), with the same update
//! rule, stopping rule (largest coordinate change, then the duality gap) and
//! duality gap.
//!
//! Problem, on centred records scaled by the square roots of the weights:
//! `½‖y - Xβ‖² + l1 ‖β‖₁ + ½ l2 ‖β‖²`.

use faer::Mat;
use rand::Rng as _;

/// How coordinates are visited in each epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Selection {
    /// In order, every epoch (scikit-learn's default).
    #[default]
    Cyclic,
    /// A coordinate drawn uniformly at random (seeded), as many draws per
    /// epoch as there are features; often faster when `tol` is large.
    Random,
}

/// Settings of one coordinate-descent run.
pub(crate) struct CdSettings {
    pub l1: f64,
    pub l2: f64,
    pub max_iter: usize,
    /// The user's `tol`: for the coordinate changes, and times `yᵀy` for the gap.
    pub tol: f64,
    pub positive: bool,
    pub selection: Selection,
    pub seed: u64,
}

/// What a run returns.
pub(crate) struct CdResult {
    pub n_iter: usize,
    pub gap: f64,
    pub converged: bool,
}

/// The operations coordinate descent needs from the data.
pub(crate) trait CdData {
    /// Number of coefficients.
    fn len(&self) -> usize;
    /// `‖x_j‖²`.
    fn norm2(&self, j: usize) -> f64;
    /// `x_jᵀ r` for the current residual `r`.
    fn dot_residual(&self, j: usize) -> f64;
    /// The coefficient `j` changed by `delta`: update the residual.
    fn update(&mut self, j: usize, delta: f64);
    /// `Xᵀr` into `out` (entries with `skip[j]` may be left at anything),
    /// `‖r‖²` and `rᵀy`, given the coefficients.
    fn gap_terms(&self, beta: &[f64], out: &mut [f64], skip: &[bool]) -> (f64, f64);
}

fn soft_threshold(tmp: f64, l1: f64, denom: f64, positive: bool) -> f64 {
    if positive && tmp < 0.0 {
        0.0
    } else {
        tmp.signum() * (tmp.abs() - l1).max(0.0) / denom
    }
}

/// The duality gap of `beta` (scikit-learn's formula) on the features not
/// screened out, and the dual norm `max_j |x_jᵀr - l2 β_j|`; `xta` is left
/// holding `x_jᵀr - l2 β_j`.
fn duality_gap<D: CdData>(
    data: &D,
    beta: &[f64],
    s: &CdSettings,
    xta: &mut [f64],
    screened: &[bool],
) -> (f64, f64) {
    let (r_norm2, r_dot_y) = data.gap_terms(beta, xta, screened);
    let mut dual_norm = 0.0f64;
    for ((x, b), &out) in xta.iter_mut().zip(beta).zip(screened) {
        *x -= s.l2 * b;
        if !out {
            dual_norm = dual_norm.max(if s.positive { *x } else { x.abs() });
        }
    }
    let (konst, mut gap) = if dual_norm > s.l1 {
        let konst = s.l1 / dual_norm;
        (konst, 0.5 * (r_norm2 + r_norm2 * konst * konst))
    } else {
        (1.0, r_norm2)
    };
    let l1_norm: f64 = beta.iter().map(|b| b.abs()).sum();
    let w_norm2: f64 = beta.iter().map(|b| b * b).sum();
    gap += s.l1 * l1_norm - konst * r_dot_y + 0.5 * s.l2 * (1.0 + konst * konst) * w_norm2;
    (gap, dual_norm)
}

/// Gap safe screening (Fercoq, Gramfort and Salmon 2015; scikit-learn's
/// `do_screening`): the dual point `θ = r / max(l1, dual_norm)` and the
/// duality gap bound the optimal dual point within a ball of radius
/// `√(2 gap) / l1`; a feature whose correlation with every point of the ball
/// stays below 1 is 0 at the optimum, so it is set to 0 and never visited
/// again in this run. The elastic net is screened as the lasso on the
/// augmented design `[X; √l2 I]`. Returns whether a feature was removed.
fn screen<D: CdData>(
    data: &mut D,
    beta: &mut [f64],
    s: &CdSettings,
    xta: &[f64],
    dual_norm: f64,
    gap: f64,
    screened: &mut [bool],
) -> bool {
    if s.l1 <= 0.0 || !gap.is_finite() {
        return false;
    }
    let scale = dual_norm.max(s.l1);
    let radius = (2.0 * gap.max(0.0)).sqrt() / s.l1;
    let mut removed = false;
    for j in 0..beta.len() {
        if screened[j] {
            continue;
        }
        let corr = if s.positive { xta[j] } else { xta[j].abs() } / scale;
        // A small margin against rounding in the gap and the correlations.
        if corr + radius * (data.norm2(j) + s.l2).sqrt() < 1.0 - 1e-10 {
            screened[j] = true;
            removed = true;
            if beta[j] != 0.0 {
                data.update(j, -beta[j]);
                beta[j] = 0.0;
            }
        }
    }
    removed
}

/// The features visited in an epoch, in order: those not screened out.
fn epoch_order(screened: &[bool]) -> Vec<usize> {
    (0..screened.len()).filter(|&j| !screened[j]).collect()
}

/// Runs coordinate descent from `beta` (updated in place). `yty` is `‖y‖²`.
///
/// Each epoch visits the features that are not screened out, in order (or
/// drawn at random among them). Whenever scikit-learn would check the
/// duality gap, the gap is computed and, if it is still too large, gap safe
/// screening removes the features proven to be 0; the solution satisfies the
/// same duality-gap criterion as without screening.
pub(crate) fn run<D: CdData>(data: &mut D, beta: &mut [f64], yty: f64, s: &CdSettings) -> CdResult {
    let p = data.len();
    let gap_tol = s.tol * yty;
    let mut rng = oxlearn::random::rng_from_seed(s.seed);
    let mut xta = vec![0.0; p];
    let mut gap = f64::INFINITY;
    if p == 0 {
        return CdResult {
            n_iter: 0,
            gap: 0.0,
            converged: true,
        };
    }
    let mut screened = vec![false; p];
    let mut order = epoch_order(&screened);
    for n_iter in 0..s.max_iter {
        let mut w_max = 0.0f64;
        let mut d_w_max = 0.0f64;
        let m = order.len();
        for f in 0..m {
            let j = match s.selection {
                Selection::Cyclic => order[f],
                Selection::Random => order[rng.random_range(0..m)],
            };
            let norm2 = data.norm2(j);
            if norm2 == 0.0 {
                continue;
            }
            let old = beta[j];
            let tmp = data.dot_residual(j) + norm2 * old;
            let new = soft_threshold(tmp, s.l1, norm2 + s.l2, s.positive);
            beta[j] = new;
            if new != old {
                data.update(j, new - old);
            }
            d_w_max = d_w_max.max((new - old).abs());
            w_max = w_max.max(new.abs());
        }
        if w_max == 0.0 || d_w_max / w_max <= s.tol || n_iter + 1 == s.max_iter {
            let (g, dual_norm) = duality_gap(data, beta, s, &mut xta, &screened);
            gap = g;
            if gap < gap_tol {
                return CdResult {
                    n_iter: n_iter + 1,
                    gap,
                    converged: true,
                };
            }
            if screen(data, beta, s, &xta, dual_norm, gap, &mut screened) {
                order = epoch_order(&screened);
            }
        }
    }
    CdResult {
        n_iter: s.max_iter,
        gap,
        converged: false,
    }
}

/// Covariance updates: the Gram matrix `G = XᵀX`, `q = Xᵀy` and the
/// gradient `g = Xᵀr = q - Gβ` (O(p) per coordinate, no pass over samples).
pub(crate) struct GramData {
    pub g: Mat<f64>,
    pub q: Vec<f64>,
    pub grad: Vec<f64>,
    pub yty: f64,
}

impl GramData {
    pub(crate) fn new(g: Mat<f64>, q: Vec<f64>, yty: f64, beta: &[f64]) -> Self {
        let p = q.len();
        let grad = (0..p)
            .map(|i| q[i] - (0..p).map(|j| g[(i, j)] * beta[j]).sum::<f64>())
            .collect();
        GramData { g, q, grad, yty }
    }
}

impl CdData for GramData {
    fn len(&self) -> usize {
        self.q.len()
    }
    fn norm2(&self, j: usize) -> f64 {
        self.g[(j, j)]
    }
    fn dot_residual(&self, j: usize) -> f64 {
        self.grad[j]
    }
    fn update(&mut self, j: usize, delta: f64) {
        let col = self.g.col(j);
        for (i, gr) in self.grad.iter_mut().enumerate() {
            *gr -= delta * col[i];
        }
    }
    fn gap_terms(&self, beta: &[f64], out: &mut [f64], _skip: &[bool]) -> (f64, f64) {
        out.copy_from_slice(&self.grad);
        let bq: f64 = beta.iter().zip(&self.q).map(|(b, q)| b * q).sum();
        let bg: f64 = beta.iter().zip(&self.grad).map(|(b, g)| b * g).sum();
        // ‖r‖² = yᵀy - 2βᵀq + βᵀGβ, with Gβ = q - g.
        ((self.yty - bq - bg).max(0.0), self.yty - bq)
    }
}

/// Residual updates on the records (column-major, n x p): O(n) per
/// coordinate; for wide designs where the Gram matrix would be large.
pub(crate) struct RecordsData {
    pub x: Mat<f64>,
    pub y: Vec<f64>,
    pub r: Vec<f64>,
    pub norms: Vec<f64>,
}

impl RecordsData {
    pub(crate) fn new(x: Mat<f64>, y: Vec<f64>, beta: &[f64]) -> Self {
        let (n, p) = (x.nrows(), x.ncols());
        let norms = (0..p)
            .map(|j| x.col(j).iter().map(|v| v * v).sum())
            .collect();
        let r = (0..n)
            .map(|i| y[i] - (0..p).map(|j| x[(i, j)] * beta[j]).sum::<f64>())
            .collect();
        RecordsData { x, y, r, norms }
    }
}

impl CdData for RecordsData {
    fn len(&self) -> usize {
        self.norms.len()
    }
    fn norm2(&self, j: usize) -> f64 {
        self.norms[j]
    }
    fn dot_residual(&self, j: usize) -> f64 {
        self.x.col(j).iter().zip(&self.r).map(|(x, r)| x * r).sum()
    }
    fn update(&mut self, j: usize, delta: f64) {
        for (r, x) in self.r.iter_mut().zip(self.x.col(j).iter()) {
            *r -= delta * x;
        }
    }
    fn gap_terms(&self, _beta: &[f64], out: &mut [f64], skip: &[bool]) -> (f64, f64) {
        for (j, o) in out.iter_mut().enumerate() {
            *o = if skip[j] { 0.0 } else { self.dot_residual(j) };
        }
        let r2 = self.r.iter().map(|r| r * r).sum();
        let ry = self.r.iter().zip(&self.y).map(|(r, y)| r * y).sum();
        (r2, ry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small centred design and targets.
    fn problem() -> (Mat<f64>, Vec<f64>) {
        let (n, p) = (30, 6);
        let mut x = Mat::from_fn(n, p, |i, j| {
            (((i * 7 + j * 11) % 13) as f64 - 6.0) * (j as f64 + 1.0).sqrt()
        });
        for j in 0..p {
            let mean = x.col(j).iter().sum::<f64>() / n as f64;
            for i in 0..n {
                x[(i, j)] -= mean;
            }
        }
        let mut y: Vec<f64> = (0..n)
            .map(|i| x[(i, 0)] * 2.0 - x[(i, 3)] + ((i % 5) as f64 - 2.0) * 0.1)
            .collect();
        let mean = y.iter().sum::<f64>() / n as f64;
        y.iter_mut().for_each(|v| *v -= mean);
        (x, y)
    }

    fn settings(selection: Selection, positive: bool) -> CdSettings {
        CdSettings {
            l1: 3.0,
            l2: 1.5,
            max_iter: 10_000,
            tol: 1e-12,
            positive,
            selection,
            seed: 7,
        }
    }

    #[test]
    fn gram_and_records_updates_agree() {
        let (x, y) = problem();
        let p = x.ncols();
        let g = Mat::from_fn(p, p, |i, j| {
            x.col(i)
                .iter()
                .zip(x.col(j).iter())
                .map(|(a, b)| a * b)
                .sum()
        });
        let q: Vec<f64> = (0..p)
            .map(|j| x.col(j).iter().zip(&y).map(|(a, b)| a * b).sum())
            .collect();
        let yty: f64 = y.iter().map(|v| v * v).sum();
        for selection in [Selection::Cyclic, Selection::Random] {
            for positive in [false, true] {
                let s = settings(selection, positive);
                let mut b1 = vec![0.0; p];
                let mut gram = GramData::new(g.clone(), q.clone(), yty, &b1);
                let r1 = run(&mut gram, &mut b1, yty, &s);
                let mut b2 = vec![0.0; p];
                let mut records = RecordsData::new(x.clone(), y.clone(), &b2);
                let r2 = run(&mut records, &mut b2, yty, &s);
                assert!(r1.converged && r2.converged);
                for (a, b) in b1.iter().zip(&b2) {
                    assert!((a - b).abs() < 1e-8, "{b1:?} vs {b2:?}");
                }
                if positive {
                    assert!(b1.iter().all(|b| *b >= 0.0));
                }
                assert!(r1.gap >= -1e-9 && r1.gap < 1e-12 * yty);
            }
        }
    }

    /// At the optimum (duality gap ~ 0) the rule removes exactly the zero
    /// coefficients with slack in the optimality conditions, and keeps the
    /// solution; far from it (beta = 0, large gap) it removes nothing.
    #[test]
    fn gap_safe_screening_removes_only_zero_coefficients() {
        let (x, y) = problem();
        let p = x.ncols();
        let yty: f64 = y.iter().map(|v| v * v).sum();
        let mut s = settings(Selection::Cyclic, false);
        s.l1 = 40.0;
        let mut beta = vec![0.0; p];
        let mut data = RecordsData::new(x.clone(), y.clone(), &beta);
        let mut xta = vec![0.0; p];
        let mut screened = vec![false; p];
        let (gap, dual_norm) = duality_gap(&data, &beta, &s, &mut xta, &screened);
        assert!(!screen(
            &mut data,
            &mut beta,
            &s,
            &xta,
            dual_norm,
            gap,
            &mut screened
        ));
        let r = run(&mut data, &mut beta, yty, &s);
        assert!(r.converged);
        let zeros = beta.iter().filter(|b| **b == 0.0).count();
        assert!(zeros > 0 && zeros < p, "{beta:?}");
        let (gap, dual_norm) = duality_gap(&data, &beta, &s, &mut xta, &screened);
        let before = beta.clone();
        screen(
            &mut data,
            &mut beta,
            &s,
            &xta,
            dual_norm,
            gap,
            &mut screened,
        );
        assert_eq!(beta, before);
        for j in 0..p {
            if screened[j] {
                assert_eq!(beta[j], 0.0);
            }
            if beta[j] == 0.0 && xta[j].abs() < 0.9 * s.l1 {
                assert!(screened[j], "feature {j}: {} vs {}", xta[j], s.l1);
            }
        }
    }

    #[test]
    fn max_iter_reached_is_reported() {
        let (x, y) = problem();
        let yty: f64 = y.iter().map(|v| v * v).sum();
        let mut s = settings(Selection::Cyclic, false);
        s.max_iter = 1;
        s.l1 = 0.001;
        let mut b = vec![0.0; x.ncols()];
        let mut records = RecordsData::new(x, y, &b);
        let r = run(&mut records, &mut b, yty, &s);
        assert!(!r.converged);
        assert_eq!(r.n_iter, 1);
        assert!(r.gap.is_finite() && r.gap > 0.0);
    }
}
