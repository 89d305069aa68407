//! Running work on a chosen number of threads.
//!
//! Estimators with an `n_threads: Option<usize>` hyperparameter run their fit
//! through [`with_threads`]: `None` uses rayon's global pool, `Some(n)` builds a
//! local pool of `n` threads for the duration of the call.

use crate::error::{Error, Result};
use crate::params::check_n_threads;

/// Runs `f` on `n_threads` threads (`None`: the global rayon pool).
///
/// # Errors
/// [`Error::InvalidParameter`] for `Some(0)`, [`Error::ThreadPool`] when the
/// pool cannot be built.
///
/// ```
/// use oxlearn::parallel::with_threads;
/// use rayon::prelude::*;
///
/// let sum: u64 = with_threads(Some(2), || (1..=100u64).into_par_iter().sum())?;
/// assert_eq!(sum, 5050);
/// assert_eq!(with_threads(Some(1), rayon::current_num_threads)?, 1);
/// assert!(with_threads(Some(0), || ()).is_err());
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn with_threads<R: Send>(n_threads: Option<usize>, f: impl FnOnce() -> R + Send) -> Result<R> {
    check_n_threads(n_threads)?;
    match n_threads {
        None => Ok(f()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::ThreadPool {
                    n_threads: n,
                    message: e.to_string(),
                })?;
            Ok(pool.install(f))
        }
    }
}

/// Splits `0..n` into chunks of about `chunk_size` (at least one item each):
/// a fixed partition, independent of the number of threads, so that
/// per-chunk results combined in chunk order are deterministic.
///
/// ```
/// use oxlearn::parallel::chunk_ranges;
///
/// assert_eq!(chunk_ranges(10, 4), vec![0..4, 4..8, 8..10]);
/// assert!(chunk_ranges(0, 4).is_empty());
/// ```
pub fn chunk_ranges(n: usize, chunk_size: usize) -> Vec<std::ops::Range<usize>> {
    let size = chunk_size.max(1);
    (0..n.div_ceil(size))
        .map(|c| c * size..((c + 1) * size).min(n))
        .collect()
}
