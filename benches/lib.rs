//! Shared workloads for oxlearn's criterion suites: seeded inputs built once,
//! identical from run to run, so that timings compare like with like.

use ndarray::{Array1, Array2};
use oxlearn::random::rng_from_seed;
use rand::Rng as _;

/// Seeded binary labels and scores for classification metrics: the score is
/// the label plus uniform noise, so the problem is neither trivial nor random.
pub fn binary_scores(n: usize, seed: u64) -> (Array1<u8>, Array1<f64>) {
    let mut rng = rng_from_seed(seed);
    let y: Array1<u8> = (0..n)
        .map(|_| u8::from(rng.random::<f64>() < 0.4))
        .collect();
    let score = y.mapv(|c| f64::from(c) * 0.5 + rng.random::<f64>());
    (y, score)
}

/// Seeded multiclass labels and a prediction that agrees about 80% of the time.
pub fn multiclass_labels(n: usize, k: usize, seed: u64) -> (Array1<usize>, Array1<usize>) {
    let mut rng = rng_from_seed(seed);
    let y: Array1<usize> = (0..n).map(|_| rng.random_range(0..k)).collect();
    let pred = y.mapv(|c| {
        if rng.random::<f64>() < 0.8 {
            c
        } else {
            rng.random_range(0..k)
        }
    });
    (y, pred)
}

/// Seeded regression targets and predictions with Gaussian-like noise.
pub fn regression_values(n: usize, seed: u64) -> (Array1<f64>, Array1<f64>) {
    let mut rng = rng_from_seed(seed);
    let y: Array1<f64> = (0..n).map(|_| rng.random::<f64>() * 10.0).collect();
    let pred = y.mapv(|v| v + (rng.random::<f64>() - 0.5));
    (y, pred)
}

/// `k` seeded, well separated blobs in `d` dimensions, with their labels.
pub fn blobs(n: usize, d: usize, k: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let mut rng = rng_from_seed(seed);
    let labels: Array1<usize> = (0..n).map(|i| i % k).collect();
    let x = Array2::from_shape_fn((n, d), |(i, j)| {
        (labels[i] * 5 + j) as f64 + rng.random::<f64>()
    });
    (x, labels)
}
