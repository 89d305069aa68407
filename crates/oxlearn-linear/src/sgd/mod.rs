//! Linear models fitted by stochastic gradient descent, as scikit-learn's
//! `SGDClassifier` and `SGDRegressor`: [`SgdClassifier`], [`SgdRegressor`].
//!
//! Both learn sample by sample (a port of scikit-learn's `_plain_sgd` in
//! `plain.rs`; the classifier's one-vs-rest problems in `ovr.rs`) and keep
//! learning from new batches with [`PartialFit`](oxlearn::PartialFit).

mod classifier;
mod ovr;
mod params;
mod plain;
mod regressor;

use oxlearn::random::rng_from_seed;
use oxlearn::{DatasetView, Error, Float};
use rand::seq::SliceRandom;

pub use classifier::{SgdClassifier, SgdClassifierModel};
pub use params::{LearningRate, SgdLoss, SgdPenalty};
pub use regressor::{SgdRegressor, SgdRegressorModel};

/// Records as one row-major slice of `F` (borrowed when already in standard
/// layout, copied otherwise).
fn row_major<'a, F: Float>(x: ndarray::ArrayView2<'a, F>) -> std::borrow::Cow<'a, [F]> {
    match x.to_slice() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(x.iter().copied().collect()),
    }
}

/// Per-sample weights in `f64` (1 when the dataset has none).
fn sample_weights<F: Float, T>(data: DatasetView<'_, F, T>) -> Vec<f64> {
    match data.weights() {
        Some(w) => w.iter().map(|v| v.as_f64()).collect(),
        None => vec![1.0; data.n_samples()],
    }
}

/// The validation mask of early stopping: `ceil(fraction · n)` samples drawn
/// with a generator seeded by `seed`; stratified by `strata` (class indices)
/// when given, with each class's share rounded down and the rest handed to
/// the classes with the largest remainders.
///
/// # Errors
/// When the training or validation part would be empty, or every validation
/// sample has weight zero.
fn validation_mask(
    n: usize,
    fraction: f64,
    strata: Option<(&[usize], usize)>,
    sample_weight: &[f64],
    seed: u64,
) -> Result<Vec<bool>, Error> {
    let n_val = (fraction * n as f64).ceil() as usize;
    if n_val == 0 || n_val >= n {
        return Err(Error::InvalidInput(format!(
            "early stopping with validation_fraction {fraction} splits {n} samples into \
             {} training and {n_val} validation samples; both must be non-empty \
             (change validation_fraction, add samples, or disable early_stopping)",
            n.saturating_sub(n_val)
        )));
    }
    let mut rng = rng_from_seed(seed);
    let mut mask = vec![false; n];
    match strata {
        None => {
            let mut idx: Vec<usize> = (0..n).collect();
            idx.shuffle(&mut rng);
            for &i in &idx[..n_val] {
                mask[i] = true;
            }
        }
        Some((y, k)) => {
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
            for (i, &c) in y.iter().enumerate() {
                members[c].push(i);
            }
            let exact: Vec<f64> = members
                .iter()
                .map(|m| n_val as f64 * m.len() as f64 / n as f64)
                .collect();
            let mut take: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
            let mut order: Vec<usize> = (0..k).collect();
            order.sort_by(|&a, &b| {
                (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor()))
            });
            let mut left = n_val - take.iter().sum::<usize>();
            for &c in order.iter().cycle().take(k * 2) {
                if left == 0 {
                    break;
                }
                if take[c] < members[c].len() {
                    take[c] += 1;
                    left -= 1;
                }
            }
            for (m, &count) in members.iter_mut().zip(&take) {
                m.shuffle(&mut rng);
                for &i in &m[..count] {
                    mask[i] = true;
                }
            }
        }
    }
    if !mask.iter().zip(sample_weight).any(|(m, w)| *m && *w > 0.0) {
        return Err(Error::InvalidInput(
            "early stopping: every sample of the validation set has weight zero; \
             change the seed or the weights"
                .to_string(),
        ));
    }
    Ok(mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_masks_are_seeded_and_stratified() {
        let y: Vec<usize> = (0..100).map(|i| usize::from(i % 4 == 0)).collect();
        let w = vec![1.0; 100];
        let a = validation_mask(100, 0.2, Some((&y, 2)), &w, 3).expect("mask");
        let b = validation_mask(100, 0.2, Some((&y, 2)), &w, 3).expect("mask");
        assert_eq!(a, b);
        assert_eq!(a.iter().filter(|m| **m).count(), 20);
        let ones = a.iter().zip(&y).filter(|(m, c)| **m && **c == 1).count();
        assert_eq!(ones, 5);
        let r = validation_mask(100, 0.1, None, &w, 3).expect("mask");
        assert_eq!(r.iter().filter(|m| **m).count(), 10);
        assert!(validation_mask(3, 0.01, None, &w[..3], 3).is_ok());
        assert!(validation_mask(1, 0.5, None, &w[..1], 3).is_err());
        assert!(validation_mask(10, 0.5, None, &[0.0; 10], 3).is_err());
    }
}
