//! The random splitter (extra trees, isolation forest), as scikit-learn's
//! `RandomSplitter`: no sorted order is kept, only the node-ordered samples
//! and records of `super::columns`; for each drawn
//! feature the values of the node's samples are gathered from the
//! feature's column, one threshold is drawn uniformly between the smallest
//! and largest value, and the left child's sums come from one sequential,
//! branch-free pass. Splitting a node partitions its samples only, so a
//! node costs `max_features` passes over its samples, whatever the number of
//! features.

use oxlearn::Float;
use oxlearn::random::Rng;
use rand::Rng as _;

use super::columns::FEATURE_THRESHOLD;
use super::criterion::Criterion;
use super::median::Medians;
use super::split::{Context, NodeStats, Scratch, Split, Threshold, keep};

/// Gathers into `values` the values `column[i]` of the samples `rows`;
/// returns the smallest and largest present value and the number of
/// missing ones.
fn gather<F: Float>(values: &mut Vec<F>, column: &[F], rows: &[u32]) -> (F, F, usize) {
    values.clear();
    values.extend(rows.iter().map(|&i| column[i as usize]));
    // Four independent lanes (no chain of dependent minima through the
    // whole node); a comparison with NaN is false, so NaN never becomes a
    // bound, and `v != v` counts it.
    let (mut low, mut high, mut n_missing) =
        ([F::infinity(); 4], [F::neg_infinity(); 4], [0usize; 4]);
    let mut visit = |k: usize, v: F| {
        low[k] = if v < low[k] { v } else { low[k] };
        high[k] = if v > high[k] { v } else { high[k] };
        n_missing[k] += usize::from(v.is_nan());
    };
    let chunks = values.chunks_exact(4);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (k, &v) in chunk.iter().enumerate() {
            visit(k, v);
        }
    }
    for (k, &v) in rest.iter().enumerate() {
        visit(k, v);
    }
    let min = |a: F, b: F| if b < a { b } else { a };
    let max = |a: F, b: F| if b > a { b } else { a };
    (
        min(min(low[0], low[1]), min(low[2], low[3])),
        max(max(high[0], high[1]), max(high[2], high[3])),
        n_missing.iter().sum(),
    )
}

/// Marks in `mask` which of the samples `rows` go left of `threshold` on
/// the values `column` of the split feature, missing ones going left when
/// `missing_left`.
pub(crate) fn mark<F: Float>(
    mask: &mut Vec<bool>,
    rows: &[u32],
    column: &[F],
    threshold: F,
    missing_left: bool,
) {
    mask.clear();
    mask.extend(
        rows.iter()
            .map(|&i| goes_left(column[i as usize], threshold, missing_left)),
    );
}

/// Whether a sample of value `v` goes left of `threshold`, missing ones
/// going left when `missing_left`: the rule the fitted tree's predict follows.
#[inline(always)]
pub(crate) fn goes_left<F: Float>(v: F, threshold: F, missing_left: bool) -> bool {
    (v <= threshold) | (missing_left & v.is_nan())
}

impl<F: Float, C: Criterion> Context<'_, F, C> {
    /// The random splitter's candidate of feature `f` for the node of
    /// samples `rows`: a threshold uniform between the feature's smallest
    /// and largest value in the node, and the side of its missing values
    /// drawn too (scikit-learn's random splitter). Returns `false` when the
    /// feature is constant in the node.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn random_split(
        &self,
        f: usize,
        rows: &[u32],
        values: &mut Vec<F>,
        node: &NodeStats<'_, C::Sample>,
        scratch: &mut Scratch,
        rng: &mut Rng,
        medians: Option<&mut Medians>,
        best: &mut Option<Split<F>>,
    ) -> bool {
        let column = self.ranked.values(f);
        let (lo, hi, n_missing) = gather(values, column, rows);
        let n = rows.len();
        if n_missing == n || hi <= lo + F::cast(FEATURE_THRESHOLD) {
            return false;
        }
        let u: f64 = rng.random();
        let mut threshold = lo + (hi - lo) * F::cast(u);
        if threshold >= hi {
            threshold = lo;
        }
        let missing_left = n_missing > 0 && rng.random::<bool>();
        let crit = self.criterion;
        scratch.left.fill(0.0);
        let records = &node.records[node.start..node.end];
        let (mut wl, mut nl) = (0.0, 0usize);
        for (&v, p) in values.iter().zip(records) {
            let left = goes_left(v, threshold, missing_left);
            let m = f64::from(u8::from(left));
            crit.add_scaled(&mut scratch.left, p, m);
            wl += m * C::weight(p);
            nl += usize::from(left);
        }
        let nr = n - nl;
        let min_leaf = self.params.min_samples_leaf;
        if nl < min_leaf || nr < min_leaf {
            return true;
        }
        let n_below = nl - if missing_left { n_missing } else { 0 };
        let direction = if n_missing == 0 {
            nl > nr
        } else {
            missing_left
        };
        if let Some(md) = medians {
            self.median_candidate(f, rows, values, threshold, wl, node, md, best);
            return true;
        }
        self.consider(
            f,
            n_below,
            direction,
            &scratch.left,
            wl,
            node,
            &mut scratch.right,
            Threshold::Value(threshold),
            best,
        );
        true
    }

    /// The absolute error of the random candidate sending the samples of
    /// `rows` whose `values` are at or below `threshold` left (no missing
    /// values: the criterion rejects them at fit).
    #[allow(clippy::too_many_arguments)]
    fn median_candidate(
        &self,
        f: usize,
        rows: &[u32],
        values: &[F],
        threshold: F,
        wl: f64,
        node: &NodeStats<'_, C::Sample>,
        md: &mut Medians,
        best: &mut Option<Split<F>>,
    ) {
        let wr = node.weight - wl;
        let min_w = self.params.min_weight_leaf;
        if wl < min_w || wr < min_w || wl <= 0.0 || wr <= 0.0 {
            return;
        }
        let left = rows.iter().zip(values).filter(|&(_, &v)| v <= threshold);
        let n_below = left.clone().count();
        let (dev, [l, r]) = md.partition(left.map(|(&i, _)| i), wl, wr);
        if self.constraint(f) != 0 && !self.monotone_allows(f, node, l.median, r.median) {
            return;
        }
        let proxy = -dev / md.m as f64;
        let n = rows.len();
        keep(
            best,
            f,
            n_below,
            n_below > n - n_below,
            Threshold::Value(threshold),
            proxy,
            &[wl],
            wl,
        );
    }
}
