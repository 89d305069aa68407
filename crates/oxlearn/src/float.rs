//! The floating-point element type shared by every estimator.

use std::fmt::{Debug, Display, LowerExp};
use std::iter::Sum;

use ndarray::ScalarOperand;
use num_traits::{FromPrimitive, NumAssign, ToPrimitive};

/// A floating-point element type: implemented for [`f32`] and [`f64`].
///
/// Every estimator in oxlearn is generic over `Float`, so the same code fits
/// single- and double-precision data. Besides the arithmetic of
/// [`num_traits::Float`], it offers lossless-enough conversions that never fail.
///
/// ```
/// use oxlearn::Float;
///
/// fn mean<F: Float>(values: &[F]) -> F {
///     values.iter().copied().sum::<F>() / F::cast(values.len())
/// }
/// assert_eq!(mean(&[1.0f32, 2.0, 3.0]), 2.0);
/// assert_eq!(mean(&[1.0f64, 2.0]), 1.5);
/// ```
pub trait Float:
    num_traits::Float
    + FromPrimitive
    + ToPrimitive
    + NumAssign
    + ScalarOperand
    + Sum
    + for<'a> Sum<&'a Self>
    + Default
    + Debug
    + Display
    + LowerExp
    + Send
    + Sync
    + 'static
    + crate::simd::SimdFloat
{
    /// Converts any primitive number to `Self`, rounding to the nearest
    /// representable value (NaN if the value has no representation at all).
    fn cast<N: ToPrimitive>(n: N) -> Self;

    /// The value as an `f64` (exact for `f32` and `f64`).
    fn as_f64(self) -> f64;

    /// A short name of the type, `"f32"` or `"f64"`, used in messages.
    const NAME: &'static str;
}

impl Float for f32 {
    fn cast<N: ToPrimitive>(n: N) -> Self {
        n.to_f32().unwrap_or(f32::NAN)
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    const NAME: &'static str = "f32";
}

impl Float for f64 {
    fn cast<N: ToPrimitive>(n: N) -> Self {
        n.to_f64().unwrap_or(f64::NAN)
    }
    fn as_f64(self) -> f64 {
        self
    }
    const NAME: &'static str = "f64";
}
