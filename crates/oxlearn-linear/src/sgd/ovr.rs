//! The one-vs-rest runner of [`SgdClassifier`]: one binary SGD problem per
//! class (one for two classes), in parallel, each with its own generator.

use oxlearn::parallel::with_threads;
use oxlearn::random::task_rng;
use oxlearn::{Error, Float};
use rayon::prelude::*;

use super::SgdClassifier;
use super::params::SgdLoss;
use super::plain::{Outcome, Problem, State, plain_sgd};
use crate::error::LinearError;
use oxlearn::ClassWeight;

/// One coefficient vector for two classes, one per class otherwise.
pub(super) fn n_rows(n_classes: usize) -> usize {
    if n_classes == 2 { 1 } else { n_classes }
}

/// The weight of each class: scikit-learn's `compute_class_weight`
/// (balanced on the unweighted class counts of `y`).
pub(super) fn class_weights(cw: &ClassWeight, y: &[usize], k: usize) -> Result<Vec<f64>, Error> {
    let mut counts = vec![0.0f64; k];
    for &c in y {
        counts[c] += 1.0;
    }
    cw.weights(&counts)
}

/// Runs the one-vs-rest problems on class indices `y` from `states`.
#[allow(clippy::too_many_arguments)]
pub(super) fn run<F: Float>(
    params: &SgdClassifier,
    states: &mut [State],
    x: &[F],
    p: usize,
    y: &[usize],
    sample_weight: &[f64],
    class_w: &[f64],
    mask: Option<&[bool]>,
    max_iter: usize,
    t: f64,
) -> Result<Outcome, LinearError> {
    let settings = params.settings(mask.is_some());
    let binary = states.len() == 1;
    let negative = if params.loss == SgdLoss::LogLoss {
        0.0
    } else {
        -1.0
    };
    let outcomes: Vec<Result<Outcome, LinearError>> = with_threads(params.n_threads, || {
        states
            .par_iter_mut()
            .enumerate()
            .map(|(r, state)| {
                let pos = if binary { 1 } else { r };
                let target: Vec<f64> = y
                    .iter()
                    .map(|&c| if c == pos { 1.0 } else { negative })
                    .collect();
                let weight_neg = if binary { class_w[0] } else { 1.0 };
                let problem = Problem {
                    x,
                    n_features: p,
                    y: &target,
                    sample_weight,
                    validation: mask,
                };
                let mut rng = task_rng(params.seed, r as u64);
                plain_sgd(
                    state,
                    &problem,
                    &settings,
                    class_w[pos],
                    weight_neg,
                    max_iter,
                    t,
                    &mut rng,
                )
            })
            .collect()
    })?;
    let mut total = Outcome {
        n_iter: 0,
        converged: true,
    };
    for o in outcomes {
        let o = o?;
        total.n_iter = total.n_iter.max(o.n_iter);
        total.converged &= o.converged;
    }
    Ok(total)
}
