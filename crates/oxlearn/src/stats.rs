//! Small statistics shared by estimators and metrics: percentiles as numpy
//! and scikit-learn compute them.

/// The median of `values` as `numpy.median`: the middle value, or the mean
/// of the two middle values for an even count. `None` for no values.
///
/// ```
/// use oxlearn::stats::median;
///
/// assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
/// assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
/// assert_eq!(median(&[]), None);
/// ```
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The `q`-th percentile (`q` in `[0, 100]`) of `values` with linear
/// interpolation, as `numpy.percentile`'s default. `None` for no values or
/// a `q` outside `[0, 100]`.
///
/// ```
/// use oxlearn::stats::percentile;
///
/// assert_eq!(percentile(&[4.0, 1.0, 3.0, 2.0], 50.0), Some(2.5));
/// assert_eq!(percentile(&[1.0, 2.0, 3.0], 100.0), Some(3.0));
/// assert_eq!(percentile(&[1.0, 2.0, 3.0], 150.0), None);
/// ```
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=100.0).contains(&q) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

/// The weighted `q`-th percentile (`q` in `[0, 100]`) by the inverted
/// cumulative distribution: the smallest value whose cumulative weight reaches
/// `q`% of the total, as scikit-learn's `_weighted_percentile`. Leading
/// zero-weight values are skipped. `None` for no values.
///
/// ```
/// use oxlearn::stats::weighted_percentile;
///
/// assert_eq!(weighted_percentile(&[1.0, 2.0, 3.0], &[1.0, 1.0, 1.0], 50.0), Some(2.0));
/// assert_eq!(weighted_percentile(&[1.0, 2.0, 3.0], &[0.0, 0.0, 1.0], 50.0), Some(3.0));
/// ```
pub fn weighted_percentile(values: &[f64], weights: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() || values.len() != weights.len() {
        return None;
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let total: f64 = weights.iter().sum();
    let mut target = q / 100.0 * total;
    if target == 0.0 {
        target = f64::MIN_POSITIVE;
    }
    let mut cumulative = 0.0;
    for &i in &order {
        cumulative += weights[i];
        if cumulative >= target {
            return Some(values[i]);
        }
    }
    order.last().map(|&i| values[i])
}
