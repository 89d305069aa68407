//! Presorted columns: each feature's values ranked once, and per tree the
//! samples of every node kept in sorted order for every feature.
//!
//! [`Ranked`] is built once per fit (once per forest): for each feature the
//! rank (code) of every sample's value among the feature's distinct
//! values, missing values last with code [`MISSING`], and the samples in
//! sorted order. [`Columns`] is one tree's working copy: the samples in the
//! tree, as (code, sample) pairs sorted per feature; a node is a range
//! `start..end` of positions, the same in every feature, and splitting a
//! node partitions that range of every still-useful feature stably, so both
//! children stay sorted. A split search is then one sequential pass per
//! feature, with no sorting at any node (scikit-learn sorts at every node).
//! The random splitter keeps no sorted order: its trees' columns hold the
//! samples only, and [`Ranked`] the values, feature-major, for it to
//! gather (`super::random`).

use ndarray::ArrayView2;
use oxlearn::Float;
use rayon::prelude::*;

use super::SplitterKind;

/// The code of a missing value; it sorts after every real code.
pub(crate) const MISSING: u32 = u32::MAX;

/// Two consecutive distinct values closer than this are one value, as
/// scikit-learn's `FEATURE_THRESHOLD`.
pub(crate) const FEATURE_THRESHOLD: f64 = 1e-7;

/// Every feature ranked once: shared, read-only, by all trees of a fit.
pub(crate) struct Ranked<'x, F> {
    pub(crate) n_rows: usize,
    pub(crate) n_features: usize,
    /// The training records, row-major (thresholds are midpoints of their
    /// values): borrowed when the caller's are contiguous (best splitter).
    rows: Rows<'x, F>,
    /// Feature-major: the samples of feature `f` in sorted order, with
    /// their codes, are `sorted[f * n_rows..(f + 1) * n_rows]`.
    pub(crate) sorted: Vec<Entry>,
    /// Feature-major: sample `i`'s value of feature `f` is
    /// `values[f * n_rows + i]` (for the random splitter, which gathers
    /// them; empty for the best splitter, which reads `sorted`).
    values: Vec<F>,
}

impl<'x, F: Float> Ranked<'x, F> {
    /// Ranks every column of `x` (NaN is missing; the caller rejected
    /// infinities and checked that the rows fit in `u32`) for the best
    /// splitter; for the random one, which needs no order, copies the
    /// columns only.
    pub(crate) fn new(x: ArrayView2<'x, F>, splitter: SplitterKind) -> Self {
        if splitter == SplitterKind::Random {
            let (n_rows, n_features) = x.dim();
            return Ranked {
                n_rows,
                n_features,
                rows: Rows::Borrowed(&[]),
                sorted: Vec::new(),
                values: x.t().iter().copied().collect(),
            };
        }
        let (n_rows, n_features) = x.dim();
        let per_feature: Vec<_> = (0..n_features)
            .into_par_iter()
            .map(|f| {
                let col = x.column(f);
                // Order-preserving integer keys (NaN last), ties by sample
                // index: an unstable sort of unique keys is deterministic.
                let mut keyed: Vec<(u64, u32)> = col
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (order_key(v.as_f64()), i as u32))
                    .collect();
                keyed.sort_unstable();
                let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
                let mut sorted: Vec<Entry> = order
                    .iter()
                    .map(|&i| Entry {
                        code: MISSING,
                        pos: i,
                    })
                    .collect();
                let eps = F::cast(FEATURE_THRESHOLD);
                let (mut code, mut last) = (0u32, None::<F>);
                for e in &mut sorted {
                    let v = col[e.pos as usize];
                    if v.is_nan() {
                        break;
                    }
                    if last.is_some_and(|h| v > h + eps) {
                        code += 1;
                    }
                    last = Some(v);
                    e.code = code;
                }
                sorted
            })
            .collect();
        let mut ranked = Ranked {
            n_rows,
            n_features,
            rows: match x.to_slice() {
                Some(rows) => Rows::Borrowed(rows),
                None => Rows::Owned(x.iter().copied().collect()),
            },
            sorted: Vec::with_capacity(n_rows * n_features),
            values: Vec::new(),
        };
        for sorted in per_feature {
            ranked.sorted.extend_from_slice(&sorted);
        }
        ranked
    }

    /// Every sample's value of feature `f` (random splitter).
    #[inline]
    pub(crate) fn values(&self, f: usize) -> &[F] {
        &self.values[f * self.n_rows..(f + 1) * self.n_rows]
    }

    /// The threshold of feature `f` between the values of rows `left` and
    /// `right` (neighbours in sorted order): their midpoint, or the left
    /// value when the midpoint rounds up to the right one.
    pub(crate) fn threshold(&self, f: usize, left: u32, right: u32) -> F {
        let rows = match &self.rows {
            Rows::Borrowed(rows) => rows,
            Rows::Owned(rows) => rows.as_slice(),
        };
        let d = self.n_features;
        let a = rows[left as usize * d + f];
        let b = rows[right as usize * d + f];
        let half = F::cast(0.5);
        let mid = a * half + b * half;
        if mid >= b || !mid.is_finite() { a } else { mid }
    }
}

/// Row-major records: the caller's when contiguous, else a copy.
enum Rows<'x, F> {
    Borrowed(&'x [F]),
    Owned(Vec<F>),
}

/// A key whose integer order is the order of the values, NaN after all.
fn order_key(v: f64) -> u64 {
    if v.is_nan() {
        return u64::MAX;
    }
    // -0.0 and 0.0 are equal values.
    let bits = (v + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// One entry of a sorted column: the code of a sample's value and the
/// sample's position in node order (in [`Ranked`], where all rows are in row
/// order, the position is the row).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) code: u32,
    pub(crate) pos: u32,
}

/// One tree's samples in node order, with their sorted columns (best
/// splitter only).
///
/// A node is a range `start..end` of positions: its samples are
/// `samples[start..end]`, their prepared records `records[start..end]`
/// ([`Records`]), and each feature's entries of the node are the same
/// range of that feature's sorted column, pointing at those positions. A
/// split search reads the records of a node's entries at positions within
/// the node, so a deep node's reads stay in a small block of memory.
pub(crate) struct Columns {
    /// The number of samples in the tree.
    pub(crate) n: usize,
    /// Feature-major entries: feature `f` is `entries[f * n..(f + 1) * n]`.
    pub(crate) entries: Vec<Entry>,
    /// The training row of each position.
    pub(crate) samples: Vec<u32>,
    /// Scratch for partitioning (the right part of a node).
    scratch: Vec<Entry>,
    scratch_samples: Vec<u32>,
    /// Whether each position of the node being split goes left (from the
    /// node's start).
    pub(crate) mask: Vec<bool>,
    /// The position each position of the node being split moves to.
    moved: Vec<u32>,
}

impl Columns {
    /// The samples with `weight > 0` (all samples when `weights` is
    /// `None`), and their sorted columns when `ranked` keeps them.
    pub(crate) fn new<F: Float>(ranked: &Ranked<'_, F>, weights: Option<&[f64]>) -> Self {
        let n_rows = ranked.n_rows;
        let samples: Vec<u32> = match weights {
            Some(w) => (0..n_rows as u32)
                .filter(|&i| w[i as usize] > 0.0)
                .collect(),
            None => (0..n_rows as u32).collect(),
        };
        let n = samples.len();
        let entries = match weights {
            None => ranked.sorted.clone(),
            Some(_) if ranked.sorted.is_empty() => Vec::new(),
            Some(_) => {
                let mut position = vec![u32::MAX; n_rows];
                for (p, &i) in samples.iter().enumerate() {
                    position[i as usize] = p as u32;
                }
                let mut entries = Vec::with_capacity(n * ranked.n_features);
                entries.extend(ranked.sorted.iter().filter_map(|e| {
                    let pos = position[e.pos as usize];
                    (pos != u32::MAX).then_some(Entry { code: e.code, pos })
                }));
                entries
            }
        };
        Columns {
            n,
            entries,
            samples,
            scratch: Vec::new(),
            scratch_samples: Vec::new(),
            mask: Vec::new(),
            moved: Vec::new(),
        }
    }

    /// The entries of feature `f` in the node `start..end`.
    #[inline]
    pub(crate) fn segment(&self, f: usize, start: usize, end: usize) -> &[Entry] {
        &self.entries[f * self.n + start..f * self.n + end]
    }

    /// Splits the node `start..end` on feature `f`: the first `n_below`
    /// entries of its sorted segment (the non-missing values at or below
    /// the threshold) go left, and the missing ones (at the end) go left when
    /// `missing_left`. Returns the number of samples that went left (see
    /// [`apply`](Self::apply)).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn split<S: Copy>(
        &mut self,
        f: usize,
        start: usize,
        end: usize,
        n_below: usize,
        missing_left: bool,
        features: &[u32],
        records: &mut Records<S>,
    ) -> usize {
        let n = self.n;
        let seg = &self.entries[f * n + start..f * n + end];
        let n_missing = match seg.last() {
            Some(e) if e.code == MISSING => seg.len() - seg.partition_point(|e| e.code != MISSING),
            _ => 0,
        };
        self.mask.clear();
        self.mask.resize(end - start, false);
        let missing_from = seg.len() - n_missing;
        for (p, e) in seg.iter().enumerate() {
            let left = p < n_below || (missing_left && p >= missing_from);
            self.mask[e.pos as usize - start] = left;
        }
        self.apply(start, end, features, records)
    }

    /// Splits the node `start..end` as `mask` says: the samples and
    /// records partitioned stably, and every feature in `features`
    /// partitioned stably (so both children stay sorted) with its entries'
    /// positions moved along. Returns the number that went left.
    pub(crate) fn apply<S: Copy>(
        &mut self,
        start: usize,
        end: usize,
        features: &[u32],
        records: &mut Records<S>,
    ) -> usize {
        let mask = &self.mask;
        let n_left = mask.iter().filter(|&&m| m).count();
        self.moved.clear();
        let (mut l, mut r) = (start as u32, (start + n_left) as u32);
        self.moved.extend(mask.iter().map(|&m| {
            let to = if m { l } else { r };
            l += u32::from(m);
            r += u32::from(!m);
            to
        }));
        partition(
            &mut self.samples[start..end],
            &mut self.scratch_samples,
            |p, i| (i, mask[p]),
        );
        partition(
            &mut records.items[start..end],
            &mut records.scratch,
            |p, r| (r, mask[p]),
        );
        let (n, moved) = (self.n, &self.moved);
        let bound = (start + n_left) as u32;
        for &g in features {
            let g = g as usize;
            let seg = &mut self.entries[g * n + start..g * n + end];
            partition(seg, &mut self.scratch, |_, e| {
                let pos = moved[e.pos as usize - start];
                (Entry { pos, ..e }, pos < bound)
            });
        }
        n_left
    }
}

/// One tree's prepared criterion records in node order: node `start..end`
/// holds `items[start..end]`, in the order of [`Columns::samples`].
pub(crate) struct Records<S> {
    pub(crate) items: Vec<S>,
    scratch: Vec<S>,
}

impl<S: Copy> Records<S> {
    /// The records `prepare(row)` of `samples`.
    pub(crate) fn new(samples: &[u32], prepare: impl Fn(usize) -> S) -> Self {
        Records {
            items: samples.iter().map(|&i| prepare(i as usize)).collect(),
            scratch: Vec::new(),
        }
    }
}

/// Rewrites each item of `seg` as `step` (given its position and the
/// item) says and moves those it sends left to the front, the others after
/// them, both in their original order. Branch-free: every item is written to
/// both sides and only the cursors move, as the side of a sample is
/// unpredictable.
pub(crate) fn partition<T: Copy>(
    seg: &mut [T],
    scratch: &mut Vec<T>,
    step: impl Fn(usize, T) -> (T, bool),
) {
    let Some(&first) = seg.first() else {
        return;
    };
    scratch.clear();
    scratch.resize(seg.len(), first);
    let (mut l, mut r) = (0usize, 0usize);
    for read in 0..seg.len() {
        let (e, goes_left) = step(read, seg[read]);
        seg[l] = e;
        scratch[r] = e;
        l += usize::from(goes_left);
        r += usize::from(!goes_left);
    }
    seg[l..].copy_from_slice(&scratch[..r]);
}
