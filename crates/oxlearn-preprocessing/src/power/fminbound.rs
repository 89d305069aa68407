//! Scalar minimisation as scipy's: `fminbound` (Brent's bounded method:
//! golden sections and parabolic steps), which `yeojohnson_normmax` uses,
//! and `brent` from a starting bracket, which `boxcox_normmax` uses (and so
//! scikit-learn's `PowerTransformer` for each method).

/// The minimum of `f` on `[lower, upper]` to absolute tolerance `xatol`
/// (at most 500 evaluations), following scipy's `_minimize_scalar_bounded`
/// step by step.
pub(super) fn fminbound(f: impl Fn(f64) -> f64, lower: f64, upper: f64, xatol: f64) -> f64 {
    let sqrt_eps = 2.2e-16f64.sqrt();
    let golden_mean = 0.5 * (3.0 - 5.0f64.sqrt());
    let (mut a, mut b) = (lower, upper);
    let mut fulc = a + golden_mean * (b - a);
    let mut nfc = fulc;
    let mut xf = fulc;
    let (mut rat, mut e): (f64, f64) = (0.0, 0.0);
    let mut fx = f(xf);
    let mut num = 1;
    let (mut ffulc, mut fnfc) = (fx, fx);
    let mut xm = 0.5 * (a + b);
    let mut tol1 = sqrt_eps * xf.abs() + xatol / 3.0;
    let mut tol2 = 2.0 * tol1;
    let sign = |v: f64| {
        if v > 0.0 {
            1.0
        } else if v < 0.0 {
            -1.0
        } else {
            0.0
        }
    };
    while (xf - xm).abs() > tol2 - 0.5 * (b - a) {
        let mut golden = true;
        if e.abs() > tol1 {
            golden = false;
            let mut r = (xf - nfc) * (fx - ffulc);
            let mut q = (xf - fulc) * (fx - fnfc);
            let mut p = (xf - fulc) * q - (xf - nfc) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            r = e;
            e = rat;
            if p.abs() < (0.5 * q * r).abs() && p > q * (a - xf) && p < q * (b - xf) {
                rat = p / q;
                let x = xf + rat;
                if (x - a) < tol2 || (b - x) < tol2 {
                    let si = sign(xm - xf) + if xm - xf == 0.0 { 1.0 } else { 0.0 };
                    rat = tol1 * si;
                }
            } else {
                golden = true;
            }
        }
        if golden {
            e = if xf >= xm { a - xf } else { b - xf };
            rat = golden_mean * e;
        }
        let si = sign(rat) + if rat == 0.0 { 1.0 } else { 0.0 };
        let x = xf + si * rat.abs().max(tol1);
        let fu = f(x);
        num += 1;
        if fu <= fx {
            if x >= xf {
                a = xf;
            } else {
                b = xf;
            }
            (fulc, ffulc) = (nfc, fnfc);
            (nfc, fnfc) = (xf, fx);
            (xf, fx) = (x, fu);
        } else {
            if x < xf {
                a = x;
            } else {
                b = x;
            }
            if fu <= fnfc || nfc == xf {
                (fulc, ffulc) = (nfc, fnfc);
                (nfc, fnfc) = (x, fu);
            } else if fu <= ffulc || fulc == xf || fulc == nfc {
                (fulc, ffulc) = (x, fu);
            }
        }
        xm = 0.5 * (a + b);
        tol1 = sqrt_eps * xf.abs() + xatol / 3.0;
        tol2 = 2.0 * tol1;
        if num >= 500 {
            break;
        }
    }
    xf
}

/// A bracket `(xa, xb, xc)` with `f(xb)` below `f(xa)` and `f(xc)`, and
/// the three values, grown from `xa, xb` as scipy's `optimize.bracket`
/// (`grow_limit` 110, at most 1000 iterations); `None` when no valid
/// bracket is found.
#[allow(clippy::type_complexity)]
fn bracket(f: &impl Fn(f64) -> f64, xa: f64, xb: f64) -> Option<[(f64, f64); 3]> {
    const GOLD: f64 = 1.618034;
    const VERY_SMALL: f64 = 1e-21;
    const GROW_LIMIT: f64 = 110.0;
    let (mut xa, mut xb) = (xa, xb);
    let (mut fa, mut fb) = (f(xa), f(xb));
    if fa < fb {
        (xa, xb) = (xb, xa);
        (fa, fb) = (fb, fa);
    }
    let mut xc = xb + GOLD * (xb - xa);
    let mut fc = f(xc);
    let mut iter = 0;
    while fc < fb {
        let tmp1 = (xb - xa) * (fb - fc);
        let tmp2 = (xb - xc) * (fb - fa);
        let val = tmp2 - tmp1;
        let denom = if val.abs() < VERY_SMALL {
            2.0 * VERY_SMALL
        } else {
            2.0 * val
        };
        let mut w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom;
        let wlim = xb + GROW_LIMIT * (xc - xb);
        if iter > 1000 {
            return None;
        }
        iter += 1;
        let fw;
        if (w - xc) * (xb - w) > 0.0 {
            let fw1 = f(w);
            if fw1 < fc {
                (xa, xb, fa, fb) = (xb, w, fb, fw1);
                break;
            } else if fw1 > fb {
                (xc, fc) = (w, fw1);
                break;
            }
            w = xc + GOLD * (xc - xb);
            fw = f(w);
        } else if (w - wlim) * (wlim - xc) >= 0.0 {
            w = wlim;
            fw = f(w);
        } else if (w - wlim) * (xc - w) > 0.0 {
            let fw1 = f(w);
            if fw1 < fc {
                xb = xc;
                xc = w;
                w = xc + GOLD * (xc - xb);
                fb = fc;
                fc = fw1;
                fw = f(w);
            } else {
                fw = fw1;
            }
        } else {
            w = xc + GOLD * (xc - xb);
            fw = f(w);
        }
        (xa, xb, xc) = (xb, xc, w);
        (fa, fb, fc) = (fb, fc, fw);
    }
    let cond1 = (fb < fc && fb <= fa) || (fb < fa && fb <= fc);
    let cond2 = (xa < xb && xb < xc) || (xc < xb && xb < xa);
    let cond3 = xa.is_finite() && xb.is_finite() && xc.is_finite();
    (cond1 && cond2 && cond3).then_some([(xa, fa), (xb, fb), (xc, fc)])
}

/// The minimum of `f` by Brent's method from the bracket grown from
/// `(xa, xb)`, as `scipy.optimize.brent(f, brack=(xa, xb))` (relative
/// tolerance 1.48e-8, at most 500 iterations) step by step; `None` when no
/// bracket is found (scipy raises a `BracketError`).
pub(super) fn brent(f: impl Fn(f64) -> f64, xa: f64, xb: f64) -> Option<f64> {
    const TOL: f64 = 1.48e-8;
    const MINTOL: f64 = 1.0e-11;
    const CG: f64 = 0.3819660;
    let [(xa, _), (xb, fb), (xc, _)] = bracket(&f, xa, xb)?;
    let (mut x, mut w, mut v) = (xb, xb, xb);
    let (mut fx, mut fw, mut fv) = (fb, fb, fb);
    let (mut a, mut b) = if xa < xc { (xa, xc) } else { (xc, xa) };
    let mut deltax: f64 = 0.0;
    let mut rat: f64 = 0.0;
    for _ in 0..500 {
        let tol1 = TOL * x.abs() + MINTOL;
        let tol2 = 2.0 * tol1;
        let xmid = 0.5 * (a + b);
        if (x - xmid).abs() < tol2 - 0.5 * (b - a) {
            break;
        }
        if deltax.abs() <= tol1 {
            deltax = if x >= xmid { a - x } else { b - x };
            rat = CG * deltax;
        } else {
            let tmp1 = (x - w) * (fx - fv);
            let mut tmp2 = (x - v) * (fx - fw);
            let mut p = (x - v) * tmp2 - (x - w) * tmp1;
            tmp2 = 2.0 * (tmp2 - tmp1);
            if tmp2 > 0.0 {
                p = -p;
            }
            tmp2 = tmp2.abs();
            let dx_temp = deltax;
            deltax = rat;
            if p > tmp2 * (a - x) && p < tmp2 * (b - x) && p.abs() < (0.5 * tmp2 * dx_temp).abs() {
                rat = p / tmp2;
                let u = x + rat;
                if (u - a) < tol2 || (b - u) < tol2 {
                    rat = if xmid - x >= 0.0 { tol1 } else { -tol1 };
                }
            } else {
                deltax = if x >= xmid { a - x } else { b - x };
                rat = CG * deltax;
            }
        }
        let u = if rat.abs() < tol1 {
            if rat >= 0.0 { x + tol1 } else { x - tol1 }
        } else {
            x + rat
        };
        let fu = f(u);
        if fu > fx {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, w, fv, fw) = (w, u, fw, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        } else {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, w, x) = (w, x, u);
            (fv, fw, fx) = (fw, fx, fu);
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_minima_inside_and_at_bounds() {
        let x = fminbound(|x| (x - 0.7) * (x - 0.7) + 1.0, -2.0, 2.0, 1e-10);
        assert!((x - 0.7).abs() < 1e-7);
        let x = fminbound(|x| x, -2.0, 2.0, 1e-10);
        assert!((x + 2.0).abs() < 1e-6);
        let x = fminbound(|x: f64| x.cos(), 3.0, 4.0, 1.48e-8);
        assert!((x - std::f64::consts::PI).abs() < 1e-6);
    }

    #[test]
    fn brent_from_a_bracket() {
        let x = brent(|x| (x - 0.7) * (x - 0.7) + 1.0, -2.0, 2.0).unwrap();
        assert!((x - 0.7).abs() < 1e-7);
        let x = brent(|x| (x - 30.0).powi(2), -2.0, 2.0).unwrap();
        assert!((x - 30.0).abs() < 1e-6);
        assert!(brent(|x| x, -2.0, 2.0).is_none()); // unbounded below
    }
}
