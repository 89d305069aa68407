//! The standard normal distribution's CDF and quantile function (PPF), to
//! double precision, for transformers that map to a normal output.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// The complementary error function, `erfc(z) = 1 - erf(z)`, with a small
/// relative error in both tails: the Taylor series of `erf` for `|z| < 2`,
/// the continued fraction of `erfc` beyond.
pub(crate) fn erfc(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z < 0.0 {
        return 2.0 - erfc(-z);
    }
    if z < 2.0 {
        // erf(z) = 2 / sqrt(pi) * sum (-1)^n z^(2n+1) / (n! (2n + 1))
        let z2 = z * z;
        let mut term = z; // (-1)^n z^(2n+1) / n!
        let mut sum = z;
        // At most 80 terms: z^(2n+1) / n! is below 1e-17 of the sum long before.
        for n in 1..=80 {
            let n = f64::from(n);
            term *= -z2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() <= 1e-17 * sum.abs() {
                break;
            }
        }
        return 1.0 - 2.0 / PI.sqrt() * sum;
    }
    if z > 27.0 {
        return 0.0;
    }
    // erfc(z) = exp(-z^2) / sqrt(pi) / (z + (1/2) / (z + 1 / (z + (3/2) / (z + ...))))
    let mut t = z;
    for k in (1..=120).rev() {
        t = z + f64::from(k) * 0.5 / t;
    }
    (-z * z).exp() / (PI.sqrt() * t)
}

/// The standard normal CDF.
pub(crate) fn norm_cdf(x: f64) -> f64 {
    0.5 * erfc(-x * FRAC_1_SQRT_2)
}

/// The standard normal density.
fn norm_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// The standard normal quantile function (inverse CDF): Acklam's rational
/// approximation refined by Newton steps on the lower tail (the upper tail
/// by symmetry). `-inf` at 0, `inf` at 1, NaN outside `[0, 1]`.
pub(crate) fn norm_ppf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -norm_ppf(1.0 - p);
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let mut x = if p < 0.02425 {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    for _ in 0..4 {
        let step = (norm_cdf(x) - p) / norm_pdf(x);
        x -= step;
        if step.abs() <= 1e-16 * x.abs() {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((norm_cdf(0.0) - 0.5).abs() < 1e-16);
        assert!((norm_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
        assert!((norm_cdf(-5.0) - 2.866_515_718_791_933e-7).abs() < 1e-20);
        assert!((norm_ppf(0.975) - 1.959_963_984_540_054).abs() < 1e-13);
        assert!((norm_ppf(1e-7) + 5.199_337_582_192_817).abs() < 1e-12);
        assert_eq!(norm_ppf(0.5), 0.0);
        assert!(norm_ppf(1.5).is_nan());
        assert!((erfc(3.0) - 2.209_049_699_858_544e-5).abs() < 1e-19);
        for p in [1e-7, 0.001, 0.02, 0.1, 0.3, 0.5, 0.7, 0.97, 0.999_999] {
            assert!((norm_cdf(norm_ppf(p)) - p).abs() <= 1e-13 * p, "{p}");
        }
    }
}
