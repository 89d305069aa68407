//! Prim's minimum spanning tree in O(n^2) time and O(n) memory: the
//! pairwise weights are computed on the fly, never stored.
//!
//! The order of the scan reproduces scikit-learn's `mst_linkage_core` and
//! `mst_from_data_matrix` (and scipy's `mst_single_linkage`): each step adds
//! the first remaining point, in index order, with the strictly smallest
//! weight to the tree. The inner loop runs in parallel over fixed chunks
//! whose partial minima are combined by (weight, index), so that the tree
//! is the same on any number of threads.

use rayon::prelude::*;

/// Points per parallel chunk of the inner loop.
const CHUNK: usize = 4096;

/// One step of Prim's algorithm.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PrimStep {
    /// The point added to the tree at the previous step.
    pub(crate) previous: usize,
    /// The tree point closest to `added` (its true spanning-tree neighbour).
    pub(crate) source: usize,
    /// The point added now.
    pub(crate) added: usize,
    /// The weight of the edge `source - added`.
    pub(crate) weight: f64,
}

/// The point distance of a spanning tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrimMetric {
    Euclidean,
    Manhattan,
    Chebyshev,
    /// `1 - <a, b> / (|a| |b|)`, clamped to `[0, 2]`.
    Cosine,
}

/// The weights of a Prim step: the distance between two points, or with
/// core distances HDBSCAN's mutual reachability
/// `max(core(a), core(b), d(a, b) / alpha)`.
pub(crate) struct Weights<'a> {
    /// Row-major points.
    pub(crate) points: &'a [f64],
    /// Columns of `points` (at least 1).
    pub(crate) dim: usize,
    /// Core distances (empty: plain distances).
    pub(crate) core: &'a [f64],
    /// Divides the distances (1 for plain distances).
    pub(crate) alpha: f64,
    /// The point distance.
    pub(crate) metric: PrimMetric,
}

/// The points not yet in the tree, in index order, with their coordinates
/// stored column by column (so that the distances vectorise), their core
/// distances and norms; points that joined the tree have a NaN `best`
/// until the next compaction.
struct Remaining {
    dim: usize,
    /// Column `k` is `cols[k * cap..k * cap + len]`.
    cols: Vec<f64>,
    cap: usize,
    ids: Vec<usize>,
    core: Vec<f64>,
    norm: Vec<f64>,
    best: Vec<f64>,
    source: Vec<usize>,
}

impl Remaining {
    fn compact(&mut self) {
        let keep: Vec<usize> = (0..self.ids.len())
            .filter(|&r| !self.best[r].is_nan())
            .collect();
        fn retain<T: Copy>(v: &mut Vec<T>, keep: &[usize]) {
            if v.is_empty() {
                return;
            }
            for (w, &r) in keep.iter().enumerate() {
                v[w] = v[r];
            }
            v.truncate(keep.len());
        }
        for k in 0..self.dim {
            let col = &mut self.cols[k * self.cap..(k + 1) * self.cap];
            for (w, &r) in keep.iter().enumerate() {
                col[w] = col[r];
            }
        }
        retain(&mut self.ids, &keep);
        retain(&mut self.core, &keep);
        retain(&mut self.norm, &keep);
        retain(&mut self.best, &keep);
        retain(&mut self.source, &keep);
    }
}

/// The current point of a step.
struct Current<'a> {
    id: usize,
    row: &'a [f64],
    core: f64,
    norm: f64,
}

/// Updates rows `lo..lo + best.len()` with the weights from `cur` (`acc`
/// is scratch space of the same length) and returns their first strict
/// minimum `(weight, position from lo)`.
fn scan_chunk(
    w: &Weights<'_>,
    cur: &Current<'_>,
    rem: &Remaining,
    lo: usize,
    acc: &mut [f64],
    best: &mut [f64],
    source: &mut [usize],
) -> (f64, usize) {
    let len = best.len();
    for (k, &q) in cur.row.iter().enumerate() {
        let col = &rem.cols[k * rem.cap + lo..k * rem.cap + lo + len];
        let pairs = acc.iter_mut().zip(col);
        match (w.metric, k) {
            (PrimMetric::Euclidean, 0) => pairs.for_each(|(a, &v)| *a = (q - v) * (q - v)),
            (PrimMetric::Euclidean, _) => pairs.for_each(|(a, &v)| *a += (q - v) * (q - v)),
            (PrimMetric::Manhattan | PrimMetric::Chebyshev, 0) => {
                pairs.for_each(|(a, &v)| *a = (q - v).abs());
            }
            (PrimMetric::Manhattan, _) => pairs.for_each(|(a, &v)| *a += (q - v).abs()),
            (PrimMetric::Chebyshev, _) => pairs.for_each(|(a, &v)| *a = a.max((q - v).abs())),
            (PrimMetric::Cosine, 0) => pairs.for_each(|(a, &v)| *a = q * v),
            (PrimMetric::Cosine, _) => pairs.for_each(|(a, &v)| *a += q * v),
        }
    }
    match w.metric {
        PrimMetric::Euclidean => acc.iter_mut().for_each(|a| *a = a.sqrt()),
        PrimMetric::Cosine => {
            for (a, &nv) in acc.iter_mut().zip(&rem.norm[lo..lo + len]) {
                *a = 1.0 - (*a / (cur.norm * nv)).clamp(-1.0, 1.0);
            }
        }
        PrimMetric::Manhattan | PrimMetric::Chebyshev => {}
    }
    if !rem.core.is_empty() {
        for (a, &c) in acc.iter_mut().zip(&rem.core[lo..lo + len]) {
            let core = if cur.core > c { cur.core } else { c };
            let d = *a / w.alpha;
            *a = if d > core { d } else { core };
        }
    }
    // Branch-free update (points in the tree have a NaN `best`, which no
    // comparison changes), then the first strict minimum.
    for ((&weight, b), s) in acc.iter().zip(best.iter_mut()).zip(source.iter_mut()) {
        let lower = weight < *b;
        *b = if lower { weight } else { *b };
        *s = if lower { cur.id } else { *s };
    }
    // The minimum over four lanes (NaN never wins a comparison).
    let mut lanes = [f64::INFINITY; 4];
    let quads = best.chunks_exact(4);
    let tail = quads.remainder();
    for q in quads {
        for (m, &b) in lanes.iter_mut().zip(q) {
            *m = if b < *m { b } else { *m };
        }
    }
    let mut min = tail
        .iter()
        .fold(f64::INFINITY, |m, &b| if b < m { b } else { m });
    for m in lanes {
        min = if m < min { m } else { min };
    }
    if min < f64::INFINITY {
        let r = best.iter().position(|&b| b == min).unwrap_or(usize::MAX);
        (min, r)
    } else {
        (f64::INFINITY, usize::MAX)
    }
}

/// The `n - 1` steps of Prim's algorithm from point 0 on the complete graph
/// of the points with [`Weights`] (finite).
pub(crate) fn prim(w: &Weights<'_>) -> Vec<PrimStep> {
    let dim = w.dim.max(1);
    let n = w.points.len() / dim;
    let mut cols = vec![0.0; n * dim];
    for (i, row) in w.points.chunks_exact(dim).enumerate() {
        for (k, &v) in row.iter().enumerate() {
            cols[k * n + i] = v;
        }
    }
    let norm_of = |row: &[f64]| row.iter().map(|v| v * v).sum::<f64>().sqrt();
    let mut rem = Remaining {
        dim,
        cols,
        cap: n,
        ids: (0..n).collect(),
        core: w.core.to_vec(),
        norm: if w.metric == PrimMetric::Cosine {
            w.points.chunks_exact(dim).map(norm_of).collect()
        } else {
            Vec::new()
        },
        best: vec![f64::INFINITY; n],
        source: vec![0; n],
    };
    let mut scratch = vec![0.0; n];
    let mut steps = Vec::with_capacity(n.saturating_sub(1));
    let mut current = 0;
    let mut current_pos = 0;
    for step in 0..n.saturating_sub(1) {
        rem.best[current_pos] = f64::NAN;
        let remaining = n - step - 1;
        if rem.ids.len() > remaining + remaining / 4 + 64 {
            rem.compact();
        }
        let row = &w.points[current * dim..(current + 1) * dim];
        let cur = Current {
            id: current,
            row,
            core: w.core.get(current).copied().unwrap_or(0.0),
            norm: if w.metric == PrimMetric::Cosine {
                norm_of(row)
            } else {
                0.0
            },
        };
        let len = rem.ids.len();
        let mut best = std::mem::take(&mut rem.best);
        let mut source = std::mem::take(&mut rem.source);
        let acc = &mut scratch[..len];
        let (min, pos) = if len <= 2 * CHUNK {
            scan_chunk(w, &cur, &rem, 0, acc, &mut best, &mut source)
        } else {
            let rem = &rem;
            best.par_chunks_mut(CHUNK)
                .zip(source.par_chunks_mut(CHUNK))
                .zip(acc.par_chunks_mut(CHUNK))
                .enumerate()
                .map(|(c, ((best, source), acc))| {
                    let (m, r) = scan_chunk(w, &cur, rem, c * CHUNK, acc, best, source);
                    (m, if r == usize::MAX { r } else { c * CHUNK + r })
                })
                .reduce(
                    || (f64::INFINITY, usize::MAX),
                    |a, b| {
                        if b.0 < a.0 || (b.0 == a.0 && b.1 < a.1) {
                            b
                        } else {
                            a
                        }
                    },
                )
        };
        rem.best = best;
        rem.source = source;
        // Without a finite candidate (overflowing weights), take the first
        // remaining point, so that the tree stays connected.
        let pos = if pos == usize::MAX {
            (0..len).find(|&r| !rem.best[r].is_nan()).unwrap_or(0)
        } else {
            pos
        };
        let added = rem.ids[pos];
        let source = if min.is_finite() {
            rem.source[pos]
        } else {
            current
        };
        steps.push(PrimStep {
            previous: current,
            source,
            added,
            weight: rem.best[pos],
        });
        current = added;
        current_pos = pos;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: &[f64]) -> Weights<'_> {
        Weights {
            points: x,
            dim: 1,
            core: &[],
            alpha: 1.0,
            metric: PrimMetric::Manhattan,
        }
    }

    #[test]
    fn spanning_tree_of_a_line() {
        let x = [0.0f64, 10.0, 1.0, 3.0, 4.0];
        let steps = prim(&line(&x));
        let added: Vec<usize> = steps.iter().map(|s| s.added).collect();
        assert_eq!(added, vec![2, 3, 4, 1]);
        let total: f64 = steps.iter().map(|s| s.weight).sum();
        assert_eq!(total, 1.0 + 2.0 + 1.0 + 6.0);
        assert_eq!(steps[3].source, 4);
        assert_eq!(steps[3].previous, 4);
    }

    #[test]
    fn parallel_chunks_agree_with_one_chunk() {
        let n = 3 * CHUNK + 17;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1013) as f64).collect();
        let steps = prim(&line(&x));
        let mut seen = vec![false; n];
        seen[0] = true;
        for s in &steps {
            assert!(!seen[s.added]);
            seen[s.added] = true;
            assert!(seen[s.source]);
        }
    }
}
