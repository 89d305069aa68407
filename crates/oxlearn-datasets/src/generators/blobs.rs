//! `make_blobs`: isotropic Gaussian blobs for clustering.

use ndarray::{Array1, Array2};
use oxlearn::random::{DEFAULT_SEED, rng_from_seed};
use oxlearn::{Dataset, Error, Result};
use rand::Rng as _;

use super::{StandardNormal, check_positive, check_records, shuffle_rows};

/// The centres of [`make_blobs`]: how many to draw, or where they are.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Centers {
    /// This many centres drawn uniformly in `center_box` (in each of the
    /// `n_features` dimensions).
    Count(usize),
    /// These centres, one per row; `n_features` is then their number of
    /// columns.
    Given(Array2<f64>),
}

impl Default for Centers {
    fn default() -> Self {
        Centers::Count(3)
    }
}

/// Parameters of [`make_blobs`], with scikit-learn's names and defaults.
///
/// | field | default | valid |
/// |---|---|---|
/// | `n_samples` | 100 (split evenly between the centres) | >= 1 |
/// | `n_features` | 2 (ignored with [`Centers::Given`]) | >= 1 |
/// | `centers` | `Centers::Count(3)` | >= 1 centre, finite |
/// | `cluster_std` | `[1.0]` (one for all, or one per centre) | finite, >= 0 |
/// | `center_box` | `(-10.0, 10.0)` | finite, low <= high |
/// | `shuffle` | `true` | |
/// | `seed` | [`DEFAULT_SEED`] | any |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MakeBlobs {
    /// Number of samples, split as evenly as possible between the centres
    /// (the first ones get one more).
    pub n_samples: usize,
    /// Number of features when the centres are drawn.
    pub n_features: usize,
    /// The centres.
    pub centers: Centers,
    /// Standard deviation of the blobs: one value for all, or one per centre.
    pub cluster_std: Vec<f64>,
    /// The box `(low, high)` random centres are drawn in.
    pub center_box: (f64, f64),
    /// Whether to shuffle the samples.
    pub shuffle: bool,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for MakeBlobs {
    fn default() -> Self {
        MakeBlobs {
            n_samples: 100,
            n_features: 2,
            centers: Centers::default(),
            cluster_std: vec![1.0],
            center_box: (-10.0, 10.0),
            shuffle: true,
            seed: DEFAULT_SEED,
        }
    }
}

impl MakeBlobs {
    setters! {
        /// Sets `n_samples`.
        n_samples: usize,
        /// Sets `n_features`.
        n_features: usize,
        /// Sets `center_box`.
        center_box: (f64, f64),
        /// Sets `shuffle`.
        shuffle: bool,
        /// Sets `seed`.
        seed: u64,
    }

    /// Draws `n` random centres.
    #[must_use]
    pub fn n_centers(mut self, n: usize) -> Self {
        self.centers = Centers::Count(n);
        self
    }

    /// Uses these centres (one per row).
    #[must_use]
    pub fn centers(mut self, centers: Array2<f64>) -> Self {
        self.centers = Centers::Given(centers);
        self
    }

    /// One standard deviation for every blob.
    #[must_use]
    pub fn cluster_std(mut self, std: f64) -> Self {
        self.cluster_std = vec![std];
        self
    }

    /// One standard deviation per blob.
    #[must_use]
    pub fn cluster_stds(mut self, stds: impl Into<Vec<f64>>) -> Self {
        self.cluster_std = stds.into();
        self
    }

    /// The number of centres and features.
    fn validate(&self) -> Result<(usize, usize)> {
        check_positive("n_samples", self.n_samples)?;
        let (n_centers, n_features) = match &self.centers {
            Centers::Count(k) => {
                check_positive("centers", *k)?;
                check_positive("n_features", self.n_features)?;
                let (lo, hi) = self.center_box;
                if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                    return Err(Error::invalid_parameter(
                        "center_box",
                        "finite (low, high) with low <= high",
                        format!("({lo}, {hi})"),
                    ));
                }
                (*k, self.n_features)
            }
            Centers::Given(c) => {
                if c.nrows() == 0 || c.ncols() == 0 {
                    return Err(Error::invalid_parameter(
                        "centers",
                        "at least one centre with at least one feature",
                        format!("a {} x {} matrix", c.nrows(), c.ncols()),
                    ));
                }
                if c.iter().any(|v| !v.is_finite()) {
                    return Err(Error::invalid_parameter(
                        "centers",
                        "finite coordinates",
                        "a non-finite value",
                    ));
                }
                (c.nrows(), c.ncols())
            }
        };
        if self.cluster_std.len() != 1 && self.cluster_std.len() != n_centers {
            return Err(Error::invalid_parameter(
                "cluster_std",
                format!("1 or {n_centers} values (one per centre)"),
                format!("{} values", self.cluster_std.len()),
            ));
        }
        if let Some(bad) = self
            .cluster_std
            .iter()
            .find(|s| !(s.is_finite() && **s >= 0.0))
        {
            return Err(Error::invalid_parameter(
                "cluster_std",
                "finite values >= 0",
                bad,
            ));
        }
        Ok((n_centers, n_features))
    }
}

/// Isotropic Gaussian blobs (scikit-learn's `make_blobs`).
///
/// Sample `i` of blob `k` is `centers[k] + cluster_std[k] * N(0, I)`; its
/// label is `k`. Returns the dataset and the centres (one per row).
///
/// ```
/// use ndarray::array;
/// use oxlearn_datasets::generators::{make_blobs, MakeBlobs};
///
/// let params = MakeBlobs::default().n_samples(90).centers(array![[0.0, 0.0], [10.0, 10.0]]).cluster_std(0.5);
/// let (data, centers) = make_blobs(&params)?;
/// assert_eq!(data.records().dim(), (90, 2));
/// assert_eq!(centers.nrows(), 2);
/// assert_eq!(data.targets().iter().filter(|&&y| y == 0).count(), 45);
/// # Ok::<(), oxlearn::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming the first invalid parameter (see the
/// table on [`MakeBlobs`]).
pub fn make_blobs(params: &MakeBlobs) -> Result<(Dataset<f64, usize>, Array2<f64>)> {
    let (n_centers, n_features) = params.validate()?;
    check_records(params.n_samples, n_features)?;
    let mut rng = rng_from_seed(params.seed);
    let centers = match &params.centers {
        Centers::Given(c) => c.clone(),
        Centers::Count(_) => {
            let (lo, hi) = params.center_box;
            Array2::from_shape_simple_fn((n_centers, n_features), || {
                lo + (hi - lo) * rng.random::<f64>()
            })
        }
    };
    let n = params.n_samples;
    let mut normal = StandardNormal::new();
    let mut x = Array2::<f64>::zeros((n, n_features));
    let mut y = Array1::<usize>::zeros(n);
    let mut row = 0;
    for k in 0..n_centers {
        let count = n / n_centers + usize::from(k < n % n_centers);
        let std = params.cluster_std[if params.cluster_std.len() == 1 { 0 } else { k }];
        for _ in 0..count {
            for j in 0..n_features {
                x[[row, j]] = centers[[k, j]] + std * normal.sample(&mut rng);
            }
            y[row] = k;
            row += 1;
        }
    }
    if params.shuffle {
        (x, y) = shuffle_rows(&mut rng, x, y);
    }
    Ok((Dataset::new(x, y)?, centers))
}
