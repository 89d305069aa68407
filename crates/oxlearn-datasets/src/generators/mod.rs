//! Seeded synthetic data generators, after scikit-learn's `make_*` functions.
//!
//! Each generator takes a parameter struct (with `Default` and builder
//! methods; field names and defaults are scikit-learn's, with `seed: u64` in
//! place of `random_state`), validates it, and returns a [`Dataset`](oxlearn::Dataset).
//! The same parameters always give the same data, on every platform. The
//! algorithms are scikit-learn's, but the random streams differ, so the numbers
//! are not the same as scikit-learn's for the same seed.
//!
//! | function | task | returns |
//! |---|---|---|
//! | [`make_classification`] | classification: Gaussian clusters on hypercube vertices, with redundant, repeated and useless features | `Dataset<f64, usize>` |
//! | [`make_regression`] | regression: a random linear model | `(Dataset<f64, f64>, coef)` |
//! | [`make_blobs`] | clustering: isotropic Gaussian blobs | `(Dataset<f64, usize>, centers)` |
//! | [`make_moons`] | classification: two interleaving half circles | `Dataset<f64, usize>` |
//! | [`make_circles`] | classification: a circle inside a circle | `Dataset<f64, usize>` |
//! | [`make_friedman1`] | regression: Friedman's problem #1 | `Dataset<f64, f64>` |
//!
//! ```
//! use oxlearn_datasets::generators::{make_moons, MakeMoons};
//!
//! let data = make_moons(&MakeMoons::default().n_samples(200).noise(0.1).seed(3))?;
//! assert_eq!(data.records().dim(), (200, 2));
//! assert_eq!(data.targets().iter().filter(|&&y| y == 1).count(), 100);
//! # Ok::<(), oxlearn::Error>(())
//! ```

/// Builder methods that set one public field each: `name: Type, "doc"`.
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

mod blobs;
mod classification;
mod friedman;
mod regression;
mod shapes;

use ndarray::{Array1, Array2, Axis};
use oxlearn::random::Rng;
use oxlearn::{Error, Result};
use rand::Rng as _;
use rand::seq::SliceRandom;

pub use blobs::{Centers, MakeBlobs, make_blobs};
pub use classification::{MakeClassification, make_classification};
pub use friedman::{MakeFriedman1, make_friedman1};
pub use regression::{MakeRegression, make_regression};
pub use shapes::{MakeCircles, MakeMoons, make_circles, make_moons};

pub(crate) use oxlearn::random::StandardNormal;

/// An `rows x cols` matrix of U[0, 1) draws, filled row by row.
pub(crate) fn uniform_matrix(rng: &mut Rng, rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || rng.random::<f64>())
}

/// Shuffles the rows of `records` and `targets` with one permutation.
pub(crate) fn shuffle_rows<T: Clone>(
    rng: &mut Rng,
    records: Array2<f64>,
    targets: Array1<T>,
) -> (Array2<f64>, Array1<T>) {
    let mut order: Vec<usize> = (0..records.nrows()).collect();
    order.shuffle(rng);
    let records = records.select(Axis(0), &order);
    let targets = order.iter().map(|&i| targets[i].clone()).collect();
    (records, targets)
}

/// `Err` naming `name` unless `n >= 1`.
pub(crate) fn check_positive(name: &str, n: usize) -> Result<()> {
    if n == 0 {
        return Err(Error::invalid_parameter(name, "an integer >= 1", n));
    }
    Ok(())
}

/// `Err` unless `n_samples x n_features` records can be allocated.
pub(crate) fn check_records(n_samples: usize, n_features: usize) -> Result<()> {
    oxlearn::check::allocatable::<f64>(n_samples, n_features, "the generated records")?;
    Ok(())
}

/// `Err` naming `name` unless `value` is finite and `>= 0`.
pub(crate) fn check_non_negative(name: &str, value: f64) -> Result<()> {
    if !(value.is_finite() && value >= 0.0) {
        return Err(Error::invalid_parameter(name, "a finite value >= 0", value));
    }
    Ok(())
}

/// `Err` naming `name` unless `value` is finite.
pub(crate) fn check_finite(name: &str, value: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::invalid_parameter(name, "a finite value", value));
    }
    Ok(())
}

/// `n` evenly spaced values from `start` to `stop`, `stop` included when
/// `endpoint` (numpy's `linspace`).
pub(crate) fn linspace(start: f64, stop: f64, n: usize, endpoint: bool) -> Vec<f64> {
    let div = if endpoint { n.saturating_sub(1) } else { n };
    if div == 0 {
        return vec![start; n];
    }
    let step = (stop - start) / div as f64;
    (0..n).map(|i| start + step * i as f64).collect()
}

#[cfg(test)]
mod tests {
    use oxlearn::random::rng_from_seed;

    use super::*;

    #[test]
    fn standard_normal_has_unit_moments() {
        let mut rng = rng_from_seed(0);
        let mut normal = StandardNormal::new();
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| normal.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / n as f64;
        let skew = draws.iter().map(|z| (z - mean).powi(3)).sum::<f64>() / n as f64;
        let kurt = draws.iter().map(|z| (z - mean).powi(4)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.01, "var {var}");
        assert!(skew.abs() < 0.03, "skew {skew}");
        assert!((kurt - 3.0).abs() < 0.05, "kurtosis {kurt}");
        let within_one = draws.iter().filter(|z| z.abs() < 1.0).count() as f64 / n as f64;
        assert!((within_one - 0.6827).abs() < 0.005, "{within_one}");
    }

    #[test]
    fn linspace_matches_numpy() {
        assert_eq!(linspace(0.0, 1.0, 5, true), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace(0.0, 1.0, 4, false), vec![0.0, 0.25, 0.5, 0.75]);
        assert_eq!(linspace(0.0, 1.0, 1, true), vec![0.0]);
        assert!(linspace(0.0, 1.0, 0, true).is_empty());
    }

    #[test]
    fn shuffle_keeps_rows_with_their_targets() {
        let mut rng = rng_from_seed(1);
        let records = Array2::from_shape_fn((50, 2), |(i, j)| (i * 10 + j) as f64);
        let targets: Array1<usize> = (0..50).collect();
        let (r, t) = shuffle_rows(&mut rng, records, targets.clone());
        assert_ne!(t, targets);
        for (row, &y) in r.rows().into_iter().zip(&t) {
            assert_eq!(row[0], (y * 10) as f64);
        }
    }
}
