//! The hyperparameter-validation convention shared by every crate.
//!
//! Every hyperparameter struct implements [`Params`]: `validate` checks every
//! field and returns an [`Error::InvalidParameter`] naming the first bad one.
//! `fit` calls it before touching the data. The `check_*` functions here are the
//! building blocks, so that messages read the same everywhere.
//!
//! ```
//! use oxlearn::params::{Params, check_positive, check_range};
//! use oxlearn::Error;
//!
//! struct Smoother { alpha: f64, fraction: f64 }
//!
//! impl Params for Smoother {
//!     fn validate(&self) -> Result<(), Error> {
//!         check_positive("alpha", self.alpha)?;
//!         check_range("fraction", self.fraction, 0.0, 1.0)?;
//!         Ok(())
//!     }
//! }
//!
//! assert!(Smoother { alpha: 1.0, fraction: 0.5 }.validate().is_ok());
//! let err = Smoother { alpha: 0.0, fraction: 0.5 }.validate().unwrap_err();
//! assert!(err.to_string().contains("`alpha`"));
//! ```

use crate::error::{Error, Result};
use crate::float::Float;

/// Hyperparameters that can check themselves.
pub trait Params {
    /// Checks every hyperparameter.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first invalid one.
    fn validate(&self) -> Result<()>;
}

/// `value` must be finite and > 0.
///
/// # Errors
/// [`Error::InvalidParameter`] otherwise.
pub fn check_positive<F: Float>(name: &str, value: F) -> Result<()> {
    if value.is_finite() && value > F::zero() {
        Ok(())
    } else {
        Err(Error::invalid_parameter(name, "a finite value > 0", value))
    }
}

/// `value` must be finite and >= 0.
///
/// # Errors
/// [`Error::InvalidParameter`] otherwise.
pub fn check_non_negative<F: Float>(name: &str, value: F) -> Result<()> {
    if value.is_finite() && value >= F::zero() {
        Ok(())
    } else {
        Err(Error::invalid_parameter(name, "a finite value >= 0", value))
    }
}

/// `value` must lie in the closed interval `[low, high]`.
///
/// # Errors
/// [`Error::InvalidParameter`] otherwise (NaN included).
pub fn check_range<F: Float>(name: &str, value: F, low: F, high: F) -> Result<()> {
    if value >= low && value <= high {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            format!("a value in [{low}, {high}]"),
            value,
        ))
    }
}

/// `value` must lie in the open interval `(low, high)`.
///
/// # Errors
/// [`Error::InvalidParameter`] otherwise (NaN included).
pub fn check_open_range<F: Float>(name: &str, value: F, low: F, high: F) -> Result<()> {
    if value > low && value < high {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            format!("a value in ({low}, {high})"),
            value,
        ))
    }
}

/// `n_threads` must be `None` (rayon's global pool) or at least 1; what
/// [`with_threads`](crate::parallel::with_threads) accepts.
///
/// # Errors
/// [`Error::InvalidParameter`] for `Some(0)`.
///
/// ```
/// use oxlearn::params::check_n_threads;
///
/// assert!(check_n_threads(None).is_ok());
/// assert!(check_n_threads(Some(2)).is_ok());
/// assert!(check_n_threads(Some(0)).is_err());
/// ```
pub fn check_n_threads(n_threads: Option<usize>) -> Result<()> {
    if n_threads == Some(0) {
        Err(Error::invalid_parameter(
            "n_threads",
            "None (all cores) or at least 1",
            0,
        ))
    } else {
        Ok(())
    }
}

/// A count must be at least `min`.
///
/// # Errors
/// [`Error::InvalidParameter`] otherwise.
pub fn check_at_least(name: &str, value: usize, min: usize) -> Result<()> {
    if value >= min {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            format!("at least {min}"),
            value,
        ))
    }
}

/// A count must be at most `max` (a guard against sizes that cannot be
/// allocated).
///
/// # Errors
/// [`Error::InvalidParameter`] otherwise.
pub fn check_at_most(name: &str, value: usize, max: usize) -> Result<()> {
    if value <= max {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            format!("at most {max}"),
            value,
        ))
    }
}

/// Builder methods for the fields of a hyperparameter struct: each
/// `name: Type` becomes a `#[must_use] pub fn name(self, name: Type) -> Self`
/// with the given doc comment. The one setter pattern of every crate.
///
/// ```
/// #[derive(Default)]
/// struct Smoother { alpha: f64, max_iter: usize }
///
/// impl Smoother {
///     oxlearn::setters! {
///         /// Sets `alpha`.
///         alpha: f64,
///         /// Sets `max_iter`.
///         max_iter: usize,
///     }
/// }
///
/// let s = Smoother::default().alpha(0.5).max_iter(10);
/// assert_eq!((s.alpha, s.max_iter), (0.5, 10));
/// ```
#[macro_export]
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name(mut self, $name: $ty) -> Self {
                self.$name = $name;
                self
            }
        )*
    };
}
