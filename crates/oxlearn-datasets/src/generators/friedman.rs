//! `make_friedman1`: Friedman's regression problem #1.

use std::f64::consts::PI;

use ndarray::Array1;
use oxlearn::random::{DEFAULT_SEED, rng_from_seed};
use oxlearn::{Dataset, Error, Result};

use super::{StandardNormal, check_non_negative, check_positive, uniform_matrix};

/// Parameters of [`make_friedman1`], with scikit-learn's names and defaults.
///
/// | field | default | valid |
/// |---|---|---|
/// | `n_samples` | 100 | >= 1 |
/// | `n_features` | 10 | >= 5 |
/// | `noise` | 0.0 | >= 0 |
/// | `seed` | [`DEFAULT_SEED`] | any |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MakeFriedman1 {
    /// Number of samples.
    pub n_samples: usize,
    /// Number of features; only the first five enter the target.
    pub n_features: usize,
    /// Standard deviation of the Gaussian noise added to the targets.
    pub noise: f64,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for MakeFriedman1 {
    fn default() -> Self {
        MakeFriedman1 {
            n_samples: 100,
            n_features: 10,
            noise: 0.0,
            seed: DEFAULT_SEED,
        }
    }
}

impl MakeFriedman1 {
    setters! {
        /// Sets `n_samples`.
        n_samples: usize,
        /// Sets `n_features`.
        n_features: usize,
        /// Sets `noise`.
        noise: f64,
        /// Sets `seed`.
        seed: u64,
    }
}

/// Friedman's regression problem #1 (scikit-learn's `make_friedman1`).
///
/// The features are independent and uniform on [0, 1); the target is
///
/// `y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + noise * N(0, 1)`,
///
/// so features beyond the fifth are pure noise.
///
/// ```
/// use oxlearn_datasets::generators::{make_friedman1, MakeFriedman1};
///
/// let data = make_friedman1(&MakeFriedman1::default().n_samples(20))?;
/// assert_eq!(data.records().dim(), (20, 10));
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] when `n_samples` is 0, `n_features` is below 5,
/// or `noise` is negative or not finite.
pub fn make_friedman1(params: &MakeFriedman1) -> Result<Dataset<f64, f64>> {
    check_positive("n_samples", params.n_samples)?;
    if params.n_features < 5 {
        return Err(Error::invalid_parameter(
            "n_features",
            "at least 5",
            params.n_features,
        ));
    }
    check_non_negative("noise", params.noise)?;
    super::check_records(params.n_samples, params.n_features)?;
    let mut rng = rng_from_seed(params.seed);
    let x = uniform_matrix(&mut rng, params.n_samples, params.n_features);
    let mut normal = StandardNormal::new();
    let y: Array1<f64> = x
        .rows()
        .into_iter()
        .map(|r| {
            let clean = 10.0 * (PI * r[0] * r[1]).sin()
                + 20.0 * (r[2] - 0.5).powi(2)
                + 10.0 * r[3]
                + 5.0 * r[4];
            if params.noise > 0.0 {
                clean + params.noise * normal.sample(&mut rng)
            } else {
                clean
            }
        })
        .collect();
    Dataset::new(x, y)
}
