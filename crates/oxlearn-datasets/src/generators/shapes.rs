//! `make_moons` and `make_circles`: two-dimensional toy shapes.

use std::f64::consts::PI;

use ndarray::{Array1, Array2};
use oxlearn::random::{DEFAULT_SEED, rng_from_seed};
use oxlearn::{Dataset, Error, Result};

use super::{StandardNormal, check_non_negative, check_positive, linspace, shuffle_rows};

/// Parameters of [`make_moons`], with scikit-learn's names and defaults.
///
/// | field | default | valid |
/// |---|---|---|
/// | `n_samples` | 100 (`n_samples / 2` in the first moon, the rest in the second) | >= 1 |
/// | `noise` | 0.0 (scikit-learn's `None`) | >= 0 |
/// | `shuffle` | `true` | |
/// | `seed` | [`DEFAULT_SEED`] | any |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MakeMoons {
    /// Number of samples.
    pub n_samples: usize,
    /// Standard deviation of the Gaussian noise added to each coordinate.
    pub noise: f64,
    /// Whether to shuffle the samples.
    pub shuffle: bool,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for MakeMoons {
    fn default() -> Self {
        MakeMoons {
            n_samples: 100,
            noise: 0.0,
            shuffle: true,
            seed: DEFAULT_SEED,
        }
    }
}

impl MakeMoons {
    setters! {
        /// Sets `n_samples`.
        n_samples: usize,
        /// Sets `noise`.
        noise: f64,
        /// Sets `shuffle`.
        shuffle: bool,
        /// Sets `seed`.
        seed: u64,
    }
}

/// Parameters of [`make_circles`], with scikit-learn's names and defaults.
///
/// | field | default | valid |
/// |---|---|---|
/// | `n_samples` | 100 (`n_samples / 2` on the outer circle, the rest on the inner one) | >= 1 |
/// | `noise` | 0.0 (scikit-learn's `None`) | >= 0 |
/// | `factor` | 0.8 | [0, 1) |
/// | `shuffle` | `true` | |
/// | `seed` | [`DEFAULT_SEED`] | any |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MakeCircles {
    /// Number of samples.
    pub n_samples: usize,
    /// Standard deviation of the Gaussian noise added to each coordinate.
    pub noise: f64,
    /// Radius of the inner circle (the outer one has radius 1).
    pub factor: f64,
    /// Whether to shuffle the samples.
    pub shuffle: bool,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for MakeCircles {
    fn default() -> Self {
        MakeCircles {
            n_samples: 100,
            noise: 0.0,
            factor: 0.8,
            shuffle: true,
            seed: DEFAULT_SEED,
        }
    }
}

impl MakeCircles {
    setters! {
        /// Sets `n_samples`.
        n_samples: usize,
        /// Sets `noise`.
        noise: f64,
        /// Sets `factor`.
        factor: f64,
        /// Sets `shuffle`.
        shuffle: bool,
        /// Sets `seed`.
        seed: u64,
    }
}

/// Stacks the points of the two shapes (label 0 then label 1), shuffles and
/// adds noise as scikit-learn does.
fn finish(
    outer: Vec<(f64, f64)>,
    inner: Vec<(f64, f64)>,
    noise: f64,
    shuffle: bool,
    seed: u64,
) -> Result<Dataset<f64, usize>> {
    let n = outer.len() + inner.len();
    let mut x = Array2::<f64>::zeros((n, 2));
    for (i, (a, b)) in outer.iter().chain(&inner).enumerate() {
        x[[i, 0]] = *a;
        x[[i, 1]] = *b;
    }
    let mut y: Array1<usize> = (0..n).map(|i| usize::from(i >= outer.len())).collect();
    let mut rng = rng_from_seed(seed);
    if shuffle {
        (x, y) = shuffle_rows(&mut rng, x, y);
    }
    if noise > 0.0 {
        let mut normal = StandardNormal::new();
        x.mapv_inplace(|v| v + noise * normal.sample(&mut rng));
    }
    Dataset::new(x, y)
}

/// Two interleaving half circles (scikit-learn's `make_moons`): a simple
/// dataset that no linear model separates.
///
/// Without noise, class 0 lies on the upper half of the unit circle centred at
/// (0, 0) and class 1 on the lower half of the unit circle centred at
/// (1, 0.5). Two features.
///
/// # Errors
/// [`Error::InvalidParameter`] when `n_samples` is 0 or `noise` is negative
/// or not finite.
pub fn make_moons(params: &MakeMoons) -> Result<Dataset<f64, usize>> {
    check_positive("n_samples", params.n_samples)?;
    check_non_negative("noise", params.noise)?;
    super::check_records(params.n_samples, 2)?;
    let n_out = params.n_samples / 2;
    let n_in = params.n_samples - n_out;
    let outer = linspace(0.0, PI, n_out, true)
        .into_iter()
        .map(|t| (t.cos(), t.sin()))
        .collect();
    let inner = linspace(0.0, PI, n_in, true)
        .into_iter()
        .map(|t| (1.0 - t.cos(), 1.0 - t.sin() - 0.5))
        .collect();
    finish(outer, inner, params.noise, params.shuffle, params.seed)
}

/// A large circle containing a smaller one (scikit-learn's `make_circles`).
///
/// Without noise, class 0 lies on the unit circle and class 1 on the circle
/// of radius `factor`, both centred at the origin and evenly spaced. Two
/// features.
///
/// ```
/// use oxlearn_datasets::generators::{make_circles, MakeCircles};
///
/// let data = make_circles(&MakeCircles::default().n_samples(40).factor(0.5))?;
/// for (row, &y) in data.records().rows().into_iter().zip(data.targets()) {
///     let radius = row[0].hypot(row[1]);
///     assert!((radius - if y == 0 { 1.0 } else { 0.5 }).abs() < 1e-12);
/// }
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] when `n_samples` is 0, `noise` is negative or
/// not finite, or `factor` is outside [0, 1).
pub fn make_circles(params: &MakeCircles) -> Result<Dataset<f64, usize>> {
    check_positive("n_samples", params.n_samples)?;
    check_non_negative("noise", params.noise)?;
    super::check_records(params.n_samples, 2)?;
    if !(0.0..1.0).contains(&params.factor) {
        return Err(Error::invalid_parameter(
            "factor",
            "a value in [0, 1)",
            params.factor,
        ));
    }
    let n_out = params.n_samples / 2;
    let n_in = params.n_samples - n_out;
    let outer = linspace(0.0, 2.0 * PI, n_out, false)
        .into_iter()
        .map(|t| (t.cos(), t.sin()))
        .collect();
    let f = params.factor;
    let inner = linspace(0.0, 2.0 * PI, n_in, false)
        .into_iter()
        .map(|t| (f * t.cos(), f * t.sin()))
        .collect();
    finish(outer, inner, params.noise, params.shuffle, params.seed)
}
