//! Explicit vector kernels, compiled for the CPU's widest instructions.
//!
//! The crates are compiled for the baseline of their target (SSE2 on
//! x86-64): a plain loop gets 128-bit vectors and no fused multiply-add, and
//! the compiler's choice to vectorise a loop at all is fragile. Kernels that
//! must run at the machine's speed are written once against the [`Simd`]
//! trait of the `pulp` crate (the one faer uses) and run with [`dispatch`],
//! which checks the CPU once and calls the kernel compiled for AVX-512 or
//! AVX2 + FMA where the CPU has them, and for the baseline otherwise. No
//! unsafe code is involved.
//!
//! [`SimdFloat`] (a supertrait of [`Float`](crate::Float)) gives generic
//! kernels the vector operations of `f32` and `f64` under one name, so one
//! kernel serves both.
//!
//! Element-wise results do not depend on the instruction set:
//! [`SimdFloat::simd_mul_add`] is a fused multiply-add on every CPU (a
//! library call where the CPU has no FMA instruction). Sums across lanes do:
//! a kernel that adds up a vector's lanes rounds differently with 4 lanes
//! than with 1, so such results can differ in the last bits between CPUs
//! (never between runs or thread counts on one machine). [`Scalar`] runs a
//! kernel with one-lane vectors, for tests of the portable path.

pub use pulp::{Scalar, Simd, WithSimd};

/// Runs a kernel compiled for the best vector instructions this CPU
/// supports (AVX-512, else AVX2 + FMA on x86-64, checked once and cached).
///
/// The kernel's `with_simd` must be `#[inline(always)]`, as must everything
/// it calls, so that it is compiled inside the dispatching function.
///
/// ```
/// use oxlearn::simd::{Simd, SimdFloat, WithSimd, dispatch};
///
/// struct Sum<'a>(&'a [f64]);
///
/// impl WithSimd for Sum<'_> {
///     type Output = f64;
///
///     #[inline(always)]
///     fn with_simd<S: Simd>(self, simd: S) -> f64 {
///         let (head, tail) = f64::as_simd::<S>(self.0);
///         let mut acc = f64::simd_splat(simd, 0.0);
///         for &v in head {
///             acc = f64::simd_add(simd, acc, v);
///         }
///         let mut lanes = [0.0; 64];
///         f64::simd_store(simd, acc, &mut lanes);
///         lanes.iter().sum::<f64>() + tail.iter().sum::<f64>()
///     }
/// }
///
/// let x = vec![1.5; 1001];
/// assert_eq!(dispatch(Sum(&x)), 1501.5);
/// ```
#[inline(always)]
pub fn dispatch<K: WithSimd>(kernel: K) -> K::Output {
    pulp::Arch::new().dispatch(kernel)
}

/// The vector operations of a floating-point type, for kernels generic over
/// `f32` and `f64` and over the instruction set `S`.
pub trait SimdFloat: Copy + 'static {
    /// A vector of `Self` for instruction set `S`.
    type Vector<S: Simd>: Copy;
    /// A lane mask for instruction set `S`.
    type Mask<S: Simd>: Copy;

    /// The number of lanes of [`SimdFloat::Vector`] (at most 64).
    fn simd_lanes<S: Simd>() -> usize;
    /// Every lane set to `v`.
    fn simd_splat<S: Simd>(simd: S, v: Self) -> Self::Vector<S>;
    /// `a + b` lane by lane.
    fn simd_add<S: Simd>(simd: S, a: Self::Vector<S>, b: Self::Vector<S>) -> Self::Vector<S>;
    /// `a - b` lane by lane.
    fn simd_sub<S: Simd>(simd: S, a: Self::Vector<S>, b: Self::Vector<S>) -> Self::Vector<S>;
    /// The sum of the lanes of `a`.
    fn simd_reduce_sum<S: Simd>(simd: S, a: Self::Vector<S>) -> Self;
    /// `a * b + c` lane by lane, rounded once (fused).
    fn simd_mul_add<S: Simd>(
        simd: S,
        a: Self::Vector<S>,
        b: Self::Vector<S>,
        c: Self::Vector<S>,
    ) -> Self::Vector<S>;
    /// The smaller of `a` and `b` lane by lane (for inputs without NaN).
    fn simd_min<S: Simd>(simd: S, a: Self::Vector<S>, b: Self::Vector<S>) -> Self::Vector<S>;
    /// The smallest lane of `a` (for inputs without NaN).
    fn simd_reduce_min<S: Simd>(simd: S, a: Self::Vector<S>) -> Self;
    /// `a == b` lane by lane.
    fn simd_equal<S: Simd>(simd: S, a: Self::Vector<S>, b: Self::Vector<S>) -> Self::Mask<S>;
    /// `a < b` lane by lane (false where either is NaN).
    fn simd_less_than<S: Simd>(simd: S, a: Self::Vector<S>, b: Self::Vector<S>) -> Self::Mask<S>;
    /// `if mask { a } else { b }` lane by lane.
    fn simd_select<S: Simd>(
        simd: S,
        mask: Self::Mask<S>,
        a: Self::Vector<S>,
        b: Self::Vector<S>,
    ) -> Self::Vector<S>;
    /// The whole vectors at the start of `x`, and the values left over.
    fn as_simd<S: Simd>(x: &[Self]) -> (&[Self::Vector<S>], &[Self]);
    /// [`SimdFloat::as_simd`] for a mutable slice.
    fn as_mut_simd<S: Simd>(x: &mut [Self]) -> (&mut [Self::Vector<S>], &mut [Self]);
    /// Writes the lanes of `v` to the start of `out` (which must hold at
    /// least [`SimdFloat::simd_lanes`] values).
    fn simd_store<S: Simd>(simd: S, v: Self::Vector<S>, out: &mut [Self]);
}

macro_rules! impl_simd_float {
    ($t:ty, $v:ident, $m:ident, $lanes:ident, $splat:ident, $add:ident, $sub:ident, $reduce_sum:ident, $fma:ident,
     $min:ident, $reduce_min:ident, $equal:ident, $lt:ident, $select:ident, $as_simd:ident, $as_mut_simd:ident) => {
        impl SimdFloat for $t {
            type Vector<S: Simd> = S::$v;
            type Mask<S: Simd> = S::$m;

            #[inline(always)]
            fn simd_lanes<S: Simd>() -> usize {
                S::$lanes
            }
            #[inline(always)]
            fn simd_splat<S: Simd>(simd: S, v: Self) -> S::$v {
                simd.$splat(v)
            }
            #[inline(always)]
            fn simd_add<S: Simd>(simd: S, a: S::$v, b: S::$v) -> S::$v {
                simd.$add(a, b)
            }
            #[inline(always)]
            fn simd_sub<S: Simd>(simd: S, a: S::$v, b: S::$v) -> S::$v {
                simd.$sub(a, b)
            }
            #[inline(always)]
            fn simd_reduce_sum<S: Simd>(simd: S, a: S::$v) -> Self {
                simd.$reduce_sum(a)
            }
            #[inline(always)]
            fn simd_mul_add<S: Simd>(simd: S, a: S::$v, b: S::$v, c: S::$v) -> S::$v {
                simd.$fma(a, b, c)
            }
            #[inline(always)]
            fn simd_min<S: Simd>(simd: S, a: S::$v, b: S::$v) -> S::$v {
                simd.$min(a, b)
            }
            #[inline(always)]
            fn simd_reduce_min<S: Simd>(simd: S, a: S::$v) -> Self {
                simd.$reduce_min(a)
            }
            #[inline(always)]
            fn simd_equal<S: Simd>(simd: S, a: S::$v, b: S::$v) -> S::$m {
                simd.$equal(a, b)
            }
            #[inline(always)]
            fn simd_less_than<S: Simd>(simd: S, a: S::$v, b: S::$v) -> S::$m {
                simd.$lt(a, b)
            }
            #[inline(always)]
            fn simd_select<S: Simd>(simd: S, mask: S::$m, a: S::$v, b: S::$v) -> S::$v {
                simd.$select(mask, a, b)
            }
            #[inline(always)]
            fn as_simd<S: Simd>(x: &[Self]) -> (&[S::$v], &[Self]) {
                S::$as_simd(x)
            }
            #[inline(always)]
            fn as_mut_simd<S: Simd>(x: &mut [Self]) -> (&mut [S::$v], &mut [Self]) {
                S::$as_mut_simd(x)
            }
            #[inline(always)]
            fn simd_store<S: Simd>(simd: S, v: S::$v, out: &mut [Self]) {
                let _ = simd;
                let (head, _) = S::$as_mut_simd(&mut out[..S::$lanes]);
                head[0] = v;
            }
        }
    };
}

impl_simd_float!(
    f64,
    f64s,
    m64s,
    F64_LANES,
    splat_f64s,
    add_f64s,
    sub_f64s,
    reduce_sum_f64s,
    mul_add_f64s,
    min_f64s,
    reduce_min_f64s,
    equal_f64s,
    less_than_f64s,
    select_f64s,
    as_simd_f64s,
    as_mut_simd_f64s
);
impl_simd_float!(
    f32,
    f32s,
    m32s,
    F32_LANES,
    splat_f32s,
    add_f32s,
    sub_f32s,
    reduce_sum_f32s,
    mul_add_f32s,
    min_f32s,
    reduce_min_f32s,
    equal_f32s,
    less_than_f32s,
    select_f32s,
    as_simd_f32s,
    as_mut_simd_f32s
);
