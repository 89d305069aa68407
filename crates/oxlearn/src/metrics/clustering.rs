//! Clustering metrics: agreement with reference labels (adjusted Rand index,
//! normalized mutual information) and the silhouette coefficient.

use std::collections::BTreeMap;

use ndarray::{Array1, ArrayView1, AsArray, Ix2};
use rayon::prelude::*;

use crate::check;
use crate::error::{Error, Result};
use crate::float::Float;

/// Each label's index among the sorted distinct labels, and their count.
fn encode<'a, T: Ord>(labels: ArrayView1<'a, T>) -> (Vec<usize>, usize) {
    let mut map: BTreeMap<&'a T, usize> = labels.into_iter().map(|t| (t, 0)).collect();
    for (i, v) in map.values_mut().enumerate() {
        *v = i;
    }
    (labels.into_iter().map(|t| map[t]).collect(), map.len())
}

/// The non-zero cells of the contingency table, in row-major order, with
/// the row and column totals.
struct Contingency {
    cells: Vec<(usize, usize, u64)>,
    rows: Vec<u64>,
    cols: Vec<u64>,
    n: u64,
}

fn contingency<'a, T: Ord + 'a, U: Ord + 'a>(
    labels_true: impl AsArray<'a, T>,
    labels_pred: impl AsArray<'a, U>,
) -> Result<Contingency> {
    let (t, p) = (labels_true.into(), labels_pred.into());
    if t.is_empty() {
        return Err(Error::empty("labels_true has no samples"));
    }
    check::same_length(
        t.len(),
        p.len(),
        "labels_pred (one per sample of labels_true)",
    )?;
    let ((ti, nt), (pi, np)) = (encode(t), encode(p));
    let mut pairs: Vec<(usize, usize)> = ti.into_iter().zip(pi).collect();
    pairs.sort_unstable();
    let mut cells: Vec<(usize, usize, u64)> = Vec::new();
    for (r, c) in pairs {
        match cells.last_mut() {
            Some(last) if (last.0, last.1) == (r, c) => last.2 += 1,
            _ => cells.push((r, c, 1)),
        }
    }
    let (mut rows, mut cols) = (vec![0; nt], vec![0; np]);
    for &(r, c, v) in &cells {
        rows[r] += v;
        cols[c] += v;
    }
    Ok(Contingency {
        cells,
        rows,
        cols,
        n: t.len() as u64,
    })
}

/// Entropy (natural log) of a labelling given its class counts.
fn entropy(counts: &[u64], n: u64) -> f64 {
    if counts.len() == 1 {
        return 0.0;
    }
    let ln_n = (n as f64).ln();
    -counts
        .iter()
        .map(|&c| c as f64 / n as f64 * ((c as f64).ln() - ln_n))
        .sum::<f64>()
}

/// Adjusted Rand index: the Rand index (fraction of sample pairs on which
/// two labellings agree) corrected for chance. 1 for identical partitions
/// (whatever the label names), about 0 for random ones, down to -0.5.
///
/// The two labellings may use different label types; any label (such as
/// DBSCAN's noise label -1) is a cluster like the others.
///
/// # Errors
/// Empty or mismatched inputs.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::adjusted_rand_score;
///
/// assert_eq!(adjusted_rand_score(&array![0, 0, 1, 1], &array!["b", "b", "a", "a"])?, 1.0);
/// let ari = adjusted_rand_score(&array![0, 0, 1, 2], &array![0, 0, 1, 1])?;
/// assert!((ari - 0.571_428_571_428_571_4).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn adjusted_rand_score<'a, T: Ord + 'a, U: Ord + 'a>(
    labels_true: impl AsArray<'a, T>,
    labels_pred: impl AsArray<'a, U>,
) -> Result<f64> {
    let c = contingency(labels_true, labels_pred)?;
    let sq = |v: u64| i128::from(v) * i128::from(v);
    let n = i128::from(c.n);
    let sum_squares: i128 = c.cells.iter().map(|&(_, _, v)| sq(v)).sum();
    let tp = sum_squares - n;
    let fp = c.cols.iter().map(|&v| sq(v)).sum::<i128>() - sum_squares;
    let fn_ = c.rows.iter().map(|&v| sq(v)).sum::<i128>() - sum_squares;
    let tn = n * n - fp - fn_ - sum_squares;
    if fn_ == 0 && fp == 0 {
        return Ok(1.0);
    }
    let num = 2.0 * ((tp * tn - fn_ * fp) as f64);
    let den = ((tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn)) as f64;
    Ok(num / den)
}

/// Normalized mutual information with the arithmetic mean of the two
/// entropies as normalizer (scikit-learn's default
/// `average_method="arithmetic"`): 1 for identical partitions, 0 for
/// independent ones. Not adjusted for chance.
///
/// Two single-cluster labellings score 1. Labels may be of different types.
///
/// # Errors
/// Empty or mismatched inputs.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::normalized_mutual_info_score;
///
/// assert_eq!(normalized_mutual_info_score(&array![0, 0, 1, 1], &array![1, 1, 0, 0])?, 1.0);
/// assert_eq!(normalized_mutual_info_score(&array![0, 0, 1, 1], &array![0, 1, 0, 1])?, 0.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn normalized_mutual_info_score<'a, T: Ord + 'a, U: Ord + 'a>(
    labels_true: impl AsArray<'a, T>,
    labels_pred: impl AsArray<'a, U>,
) -> Result<f64> {
    let c = contingency(labels_true, labels_pred)?;
    if c.rows.len() == 1 && c.cols.len() == 1 {
        return Ok(1.0);
    }
    if c.rows.len() == 1 || c.cols.len() == 1 {
        return Ok(0.0);
    }
    // scikit-learn's mutual_info_score, term by term.
    let n = c.n as f64;
    let ln_n = n.ln();
    let mi: f64 = c
        .cells
        .iter()
        .map(|&(r, k, v)| {
            let v = v as f64;
            let p = v / n;
            let outer = (c.rows[r] as f64) * (c.cols[k] as f64);
            let term = p * (v.ln() - ln_n) + p * (-outer.ln() + ln_n + ln_n);
            if term.abs() < f64::EPSILON { 0.0 } else { term }
        })
        .sum::<f64>()
        .max(0.0);
    if mi == 0.0 {
        return Ok(0.0);
    }
    let h_true = entropy(&c.rows, c.n);
    let h_pred = entropy(&c.cols, c.n);
    Ok(mi / ((h_true + h_pred) / 2.0))
}

/// The silhouette coefficient of every sample, with Euclidean distances:
/// `(b - a) / max(a, b)` where `a` is the mean distance to the other
/// samples of its cluster and `b` the mean distance to the samples of the
/// nearest other cluster. 0 for a sample alone in its cluster.
///
/// O(n^2) distance computations, spread over rayon's threads, in O(n k)
/// memory (no n x n distance matrix). Results do not depend on the number
/// of threads.
///
/// # Errors
/// Empty records, non-finite values, a label count that does not match the
/// rows, and a number of distinct labels outside `2..=n_samples - 1`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::silhouette_samples;
///
/// let x = array![[0.0], [1.0], [10.0], [11.0]];
/// let s = silhouette_samples(&x, &array![0, 0, 1, 1])?;
/// assert!((s[0] - (1.0 - 1.0 / 10.5)).abs() < 1e-12);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn silhouette_samples<'a, F: Float, T: Ord + 'a>(
    x: impl AsArray<'a, F, Ix2>,
    labels: impl AsArray<'a, T>,
) -> Result<Array1<f64>> {
    let (x, labels) = (x.into(), labels.into());
    check::records(x, "silhouette records")?;
    check::same_length(x.nrows(), labels.len(), "labels (one per row of x)")?;
    let (idx, k) = encode(labels);
    let n = x.nrows();
    if k < 2 || k >= n {
        return Err(Error::InvalidInput(format!(
            "the silhouette needs between 2 and n_samples - 1 = {} distinct labels, got {k}",
            n.saturating_sub(1)
        )));
    }
    let mut sizes = vec![0usize; k];
    for &c in &idx {
        sizes[c] += 1;
    }
    let d = x.ncols();
    let data: Vec<f64> = x.iter().map(|v| v.as_f64()).collect();
    let row = |i: usize| &data[i * d..(i + 1) * d];
    let scores: Vec<f64> = (0..n)
        .into_par_iter()
        .map_init(
            || vec![0.0; k],
            |sums, i| {
                sums.iter_mut().for_each(|s| *s = 0.0);
                let xi = row(i);
                for (j, &cj) in idx.iter().enumerate() {
                    let dist: f64 = xi
                        .iter()
                        .zip(row(j))
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum::<f64>()
                        .sqrt();
                    sums[cj] += dist;
                }
                let own = idx[i];
                let a = sums[own] / (sizes[own] - 1) as f64;
                let b = (0..k)
                    .filter(|&c| c != own)
                    .map(|c| sums[c] / sizes[c] as f64)
                    .fold(f64::INFINITY, f64::min);
                let s = (b - a) / a.max(b);
                if s.is_nan() { 0.0 } else { s }
            },
        )
        .collect();
    Ok(Array1::from(scores))
}

/// The mean silhouette coefficient over all samples (see
/// [`silhouette_samples`]): near 1 for dense, well-separated clusters, near
/// 0 for overlapping ones, negative for wrong assignments.
///
/// # Errors
/// As [`silhouette_samples`].
///
/// ```
/// use ndarray::array;
/// use oxlearn::metrics::silhouette_score;
///
/// let x = array![[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0]];
/// assert!(silhouette_score(&x, &array![0, 0, 1, 1])? > 0.8);
/// assert!(silhouette_score(&x, &array![0, 1, 0, 1])? < 0.0);
/// # Ok::<(), oxlearn::Error>(())
/// ```
pub fn silhouette_score<'a, F: Float, T: Ord + 'a>(
    x: impl AsArray<'a, F, Ix2>,
    labels: impl AsArray<'a, T>,
) -> Result<f64> {
    let s = silhouette_samples(x, labels)?;
    Ok(s.sum() / s.len() as f64)
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use super::*;

    #[test]
    fn perfect_and_special_cases() {
        let a = array![3, 3, 1, 1, 2];
        let b = array!['x', 'x', 'y', 'y', 'z'];
        assert_eq!(adjusted_rand_score(&a, &b).unwrap(), 1.0);
        assert!((normalized_mutual_info_score(&a, &b).unwrap() - 1.0).abs() < 1e-15);
        let one = array![0, 0, 0];
        assert_eq!(normalized_mutual_info_score(&one, &one).unwrap(), 1.0);
        assert_eq!(
            normalized_mutual_info_score(&one, &array![0, 1, 2]).unwrap(),
            0.0
        );
        assert_eq!(adjusted_rand_score(&one, &one).unwrap(), 1.0);
        assert_eq!(
            adjusted_rand_score(&array![0, 1], &array![0, 0]).unwrap(),
            0.0
        );
    }

    #[test]
    fn singleton_cluster_scores_zero() {
        let x = array![[0.0], [1.0], [2.0], [10.0]];
        let s = silhouette_samples(&x, &array![0, 0, 0, 1]).unwrap();
        assert_eq!(s[3], 0.0);
        let s32 = silhouette_samples(&x.mapv(|v| v as f32), &array![0, 0, 0, 1]).unwrap();
        assert!((&s - &s32).iter().all(|d| d.abs() < 1e-6));
    }

    #[test]
    fn bad_input_is_an_error() {
        let empty: [i32; 0] = [];
        assert!(matches!(
            adjusted_rand_score(&empty[..], &empty[..]),
            Err(Error::EmptyData { .. })
        ));
        assert!(matches!(
            normalized_mutual_info_score(&array![0, 1], &array![0]),
            Err(Error::ShapeMismatch { .. })
        ));
        let x = array![[0.0], [1.0], [2.0]];
        assert!(silhouette_score(&x, &array![0, 0, 0]).is_err()); // one label
        assert!(silhouette_score(&x, &array![0, 1, 2]).is_err()); // n labels
        assert!(matches!(
            silhouette_score(&x, &array![0, 1]),
            Err(Error::ShapeMismatch { .. })
        ));
        let nan = array![[0.0], [f64::NAN], [2.0]];
        assert!(matches!(
            silhouette_score(&nan, &array![0, 0, 1]),
            Err(Error::NonFinite { .. })
        ));
        assert!(matches!(
            silhouette_score(&Array2::<f64>::zeros((0, 2)), &empty[..]),
            Err(Error::EmptyData { .. })
        ));
    }
}
