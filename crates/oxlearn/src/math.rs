//! Numerical kernels shared by the family crates.

/// `exp(x)` within a few ulps of [`f64::exp`], with no branches, so that loops
/// over slices vectorise (libm's `exp` is a call per value and a slow path
/// near underflow).
///
/// Cody-Waite reduction `x = n ln 2 + r` with `|r| <= ln 2 / 2`, the degree-13
/// Taylor polynomial of `exp(r)` (truncation error below 1e-17), and `2^n`
/// built from its bits. Above about 709.78 the result overflows to infinity
/// as `f64::exp`'s does; below -708 it is 0 (results under about 3.3e-308,
/// the subnormal range, are flushed to zero); NaN gives NaN.
///
/// ```
/// use oxlearn::math::fast_exp;
///
/// assert!((fast_exp(1.0) - std::f64::consts::E).abs() < 1e-15);
/// assert_eq!(fast_exp(-800.0), 0.0);
/// assert_eq!(fast_exp(800.0), f64::INFINITY);
/// ```
#[inline]
pub fn fast_exp(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52: adding it rounds to an integer.
    const LN2_HI: f64 = 6.931_471_803_691_238e-1; // ln 2 with trailing zero bits
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let y = x.clamp(-708.0, 710.0); // keeps NaN
    let t = y * std::f64::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    // Horner on 1 + r + r^2/2! + ... + r^13/13!.
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    // n in [-1021, 1024] sits in the low bits of t: an unsigned add and shift
    // (plain SIMD integer operations) make 2^(n - 1), always normal, and
    // 2 p 2^(n - 1) overflows to infinity where exp does.
    let e = (p + p) * f64::from_bits(t.to_bits().wrapping_add(1022) << 52);
    if x < -708.0 { 0.0 } else { e }
}

#[cfg(test)]
mod tests {
    use super::fast_exp;

    #[test]
    fn matches_std_exp_over_the_whole_range() {
        let mut worst = 0.0f64;
        let mut x = -707.9;
        while x < 709.7 {
            let (a, b) = (fast_exp(x), x.exp());
            worst = worst.max(((a - b) / b).abs());
            x += 0.0173;
        }
        for x in [-1e-300, 0.0, 1e-10, -0.5, 0.5, 1.0, 2.5, -0.3465, 0.3466] {
            let (a, b) = (fast_exp(x), x.exp());
            worst = worst.max(((a - b) / b).abs());
        }
        assert!(worst < 1e-15, "{worst:e}");
    }

    #[test]
    fn limits() {
        assert_eq!(fast_exp(0.0), 1.0);
        assert_eq!(fast_exp(-800.0), 0.0);
        assert_eq!(fast_exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(fast_exp(710.0), f64::INFINITY);
        assert_eq!(fast_exp(f64::INFINITY), f64::INFINITY);
        assert!(fast_exp(f64::NAN).is_nan());
        assert_eq!(fast_exp(-740.0), 0.0);
        assert!(fast_exp(-708.0) > 0.0);
        assert!(fast_exp(709.7).is_finite());
    }
}
