//! Portable seeded randomness.
//!
//! Every randomized estimator takes a `seed: u64` and builds its generator with
//! [`rng_from_seed`]. Work that runs in parallel derives one seed per task with
//! [`derive_seed`] from the seed and the task's index, never from the order in
//! which threads happen to run, so results are the same on any number of threads.

use rand::SeedableRng;
use rand::seq::SliceRandom;

/// The generator used everywhere: xoshiro256++, fast, portable across platforms
/// and versions, and seedable from a `u64`.
pub type Rng = rand_xoshiro::Xoshiro256PlusPlus;

/// The seed used by every estimator's `Default`.
pub const DEFAULT_SEED: u64 = 42;

/// A generator seeded from `seed`.
///
/// ```
/// use oxlearn::random::rng_from_seed;
/// use rand::Rng as _;
///
/// let a: u64 = rng_from_seed(7).random();
/// let b: u64 = rng_from_seed(7).random();
/// assert_eq!(a, b);
/// ```
pub fn rng_from_seed(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

/// The seed of task `index` of a job seeded with `seed` (SplitMix64 mixing).
///
/// Distinct indices give unrelated seeds, and the result depends only on the
/// two arguments, so each parallel task can build its own generator.
///
/// ```
/// use oxlearn::random::derive_seed;
///
/// assert_eq!(derive_seed(42, 3), derive_seed(42, 3));
/// assert_ne!(derive_seed(42, 3), derive_seed(42, 4));
/// ```
pub fn derive_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of task `index` of a job seeded with `seed`.
pub fn task_rng(seed: u64, index: u64) -> Rng {
    rng_from_seed(derive_seed(seed, index))
}

/// `0..n` in a random order determined by `seed`.
///
/// ```
/// use oxlearn::random::permutation;
///
/// let p = permutation(5, 1);
/// let mut sorted = p.clone();
/// sorted.sort();
/// assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
/// assert_eq!(p, permutation(5, 1));
/// ```
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(&mut rng_from_seed(seed));
    idx
}

/// Standard normal variates by Marsaglia's polar method, which makes them in
/// pairs: the second of each pair is kept for the next call.
///
/// ```
/// use oxlearn::random::{StandardNormal, rng_from_seed};
///
/// let mut rng = rng_from_seed(0);
/// let mut normal = StandardNormal::new();
/// let z: Vec<f64> = (0..20_000).map(|_| normal.sample(&mut rng)).collect();
/// let mean = z.iter().sum::<f64>() / z.len() as f64;
/// let var = z.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / z.len() as f64;
/// assert!(mean.abs() < 0.03 && (var - 1.0).abs() < 0.05);
/// ```
#[derive(Debug, Default, Clone)]
pub struct StandardNormal {
    spare: Option<f64>,
}

impl StandardNormal {
    /// A sampler with no value kept.
    pub fn new() -> Self {
        Self::default()
    }

    /// One draw from N(0, 1).
    pub fn sample(&mut self, rng: &mut Rng) -> f64 {
        use rand::Rng as _;
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * rng.random::<f64>() - 1.0;
            let v = 2.0 * rng.random::<f64>() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * factor);
                return u * factor;
            }
        }
    }

    /// An `rows x cols` matrix of N(0, 1) draws, filled row by row.
    pub fn matrix(&mut self, rng: &mut Rng, rows: usize, cols: usize) -> ndarray::Array2<f64> {
        ndarray::Array2::from_shape_simple_fn((rows, cols), || self.sample(rng))
    }
}
