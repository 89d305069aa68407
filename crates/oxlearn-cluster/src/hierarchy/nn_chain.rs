//! The nearest-neighbour chain algorithm (scipy's `nn_chain`) for the
//! reducible linkages: Ward on centroids (no distance matrix), complete and
//! average on a condensed distance matrix with Lance-Williams updates.

use rayon::prelude::*;

use super::tree::{Merge, scipy_label};

/// Active clusters per parallel chunk of a nearest-neighbour search.
const CHUNK: usize = 2048;

/// Cluster-to-cluster distances for the chain. Values may be any monotone
/// transform of the linkage distance ([`Dissimilarity::finish`] undoes it).
pub(crate) trait Dissimilarity: Sync {
    /// The (transformed) distance between active clusters `x` and `y`.
    fn dist(&self, x: usize, y: usize, sizes: &[usize]) -> f64;
    /// Clusters `x` and `y` (x < y, sizes `nx` and `ny` before the merge)
    /// merge into slot `y`; `sizes` already holds the
    /// new sizes (`x` zero), `active` the clusters still alive.
    fn merge(
        &mut self,
        x: usize,
        y: usize,
        nx: usize,
        ny: usize,
        sizes: &[usize],
        active: &[usize],
    );
    /// The linkage distance from a transformed one.
    fn finish(&self, d: f64) -> f64 {
        d
    }
    /// The first cluster of `part` other than `x` at the strictly smallest
    /// distance from `x`.
    fn nearest_in(&self, x: usize, sizes: &[usize], part: &[usize]) -> (f64, usize) {
        let mut best = (f64::INFINITY, usize::MAX);
        for &i in part {
            if i != x {
                let v = self.dist(x, i, sizes);
                if v < best.0 {
                    best = (v, i);
                }
            }
        }
        best
    }
}

/// The first active cluster other than `x` at the strictly smallest
/// distance from `x`, in index order; when no distance is below `+inf`
/// (squares that overflowed), the first active cluster other than `x`.
fn nearest<D: Dissimilarity>(d: &D, x: usize, sizes: &[usize], active: &[usize]) -> (f64, usize) {
    let scan = |part: &[usize]| d.nearest_in(x, sizes, part);
    let found = if active.len() <= 2 * CHUNK {
        scan(active)
    } else {
        active.par_chunks(CHUNK).map(scan).reduce(
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
    if found.1 != usize::MAX {
        return found;
    }
    active
        .iter()
        .find(|&&i| i != x)
        .map_or(found, |&i| (d.dist(x, i, sizes), i))
}

/// scipy's `nn_chain` over `n` singletons; returns the merges sorted and
/// numbered as scipy's `linkage` does.
pub(crate) fn nn_chain<D: Dissimilarity>(d: &mut D, n: usize) -> Vec<Merge> {
    let mut sizes = vec![1usize; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut merges = Vec::with_capacity(n.saturating_sub(1));
    for _ in 0..n.saturating_sub(1) {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        let (x, y, dxy) = loop {
            let x = chain[chain.len() - 1];
            let prev = (chain.len() > 1).then(|| chain[chain.len() - 2]);
            let (mut current_min, mut y) = match prev {
                Some(p) => (d.dist(x, p, &sizes), p),
                None => (f64::INFINITY, usize::MAX),
            };
            let (m, i) = nearest(d, x, &sizes, &active);
            if m < current_min || y == usize::MAX {
                current_min = m;
                y = i;
            }
            if prev == Some(y) {
                break (x, y, current_min);
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);
        let (x, y) = if x > y { (y, x) } else { (x, y) };
        let (nx, ny) = (sizes[x], sizes[y]);
        merges.push(Merge {
            a: x,
            b: y,
            dist: d.finish(dxy),
            size: nx + ny,
        });
        sizes[x] = 0;
        sizes[y] = nx + ny;
        if let Ok(at) = active.binary_search(&x) {
            active.remove(at);
        }
        d.merge(x, y, nx, ny, &sizes, &active);
    }
    scipy_label(merges, n)
}

/// Ward's linkage from the centroids and sizes of the clusters:
/// `d(A, B)^2 = 2 |A| |B| / (|A| + |B|) * ||c_A - c_B||^2`, kept squared.
pub(crate) struct WardCentroids {
    dim: usize,
    centroids: Vec<f64>,
}

impl WardCentroids {
    /// `points` row-major, `dim` columns.
    pub(crate) fn new(points: Vec<f64>, dim: usize) -> Self {
        WardCentroids {
            dim,
            centroids: points,
        }
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.centroids[i * self.dim..(i + 1) * self.dim]
    }
}

impl Dissimilarity for WardCentroids {
    #[inline]
    fn dist(&self, x: usize, y: usize, sizes: &[usize]) -> f64 {
        let (nx, ny) = (sizes[x] as f64, sizes[y] as f64);
        let sq: f64 = self
            .row(x)
            .iter()
            .zip(self.row(y))
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        2.0 * nx * ny / (nx + ny) * sq
    }

    fn merge(&mut self, x: usize, y: usize, nx: usize, ny: usize, _: &[usize], _: &[usize]) {
        let (fx, fy) = (nx as f64, ny as f64);
        let t = fx + fy;
        for k in 0..self.dim {
            let v =
                (fx * self.centroids[x * self.dim + k] + fy * self.centroids[y * self.dim + k]) / t;
            self.centroids[y * self.dim + k] = v;
        }
    }

    fn finish(&self, d: f64) -> f64 {
        d.sqrt()
    }

    fn nearest_in(&self, x: usize, sizes: &[usize], part: &[usize]) -> (f64, usize) {
        // The same arithmetic as `dist`, in blocks: distances first, then
        // the first strict minimum.
        let dim = self.dim;
        let cx = self.row(x);
        let nx = sizes[x] as f64;
        let mut best = (f64::INFINITY, usize::MAX);
        let mut values = [0.0f64; 64];
        for block in part.chunks(64) {
            for (v, &i) in values.iter_mut().zip(block) {
                let ci = &self.centroids[i * dim..(i + 1) * dim];
                let sq: f64 = cx.iter().zip(ci).map(|(a, b)| (a - b) * (a - b)).sum();
                let ni = sizes[i] as f64;
                *v = if i == x {
                    f64::INFINITY
                } else {
                    2.0 * nx * ni / (nx + ni) * sq
                };
            }
            for (&v, &i) in values.iter().zip(block) {
                if v < best.0 {
                    best = (v, i);
                }
            }
        }
        best
    }
}

/// How a condensed matrix updates after a merge (Lance-Williams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Update {
    /// `max(d(x, i), d(y, i))`.
    Complete,
    /// The size-weighted mean of `d(x, i)` and `d(y, i)`.
    Average,
}

/// A condensed (upper-triangle, row-major) distance matrix, as scipy's
/// `pdist` returns it.
pub(crate) struct Condensed {
    n: usize,
    d: Vec<f64>,
    update: Update,
}

impl Condensed {
    pub(crate) fn new(n: usize, d: Vec<f64>, update: Update) -> Self {
        Condensed { n, d, update }
    }

    #[inline]
    fn index(&self, i: usize, j: usize) -> usize {
        let (i, j) = if i < j { (i, j) } else { (j, i) };
        self.n * i - i * (i + 1) / 2 + (j - i - 1)
    }
}

impl Dissimilarity for Condensed {
    #[inline]
    fn dist(&self, x: usize, y: usize, _: &[usize]) -> f64 {
        self.d[self.index(x, y)]
    }

    fn merge(
        &mut self,
        x: usize,
        y: usize,
        nx: usize,
        ny: usize,
        sizes: &[usize],
        active: &[usize],
    ) {
        let (fx, fy) = (nx as f64, ny as f64);
        for &i in active {
            if i == y || sizes[i] == 0 {
                continue;
            }
            let (ix, iy) = (self.index(i, x), self.index(i, y));
            let (dxi, dyi) = (self.d[ix], self.d[iy]);
            self.d[iy] = match self.update {
                Update::Complete => dxi.max(dyi),
                Update::Average => (fx * dxi + fy * dyi) / (fx + fy),
            };
        }
    }
}

/// The condensed matrix of `dist` over the rows of `points` (row-major).
pub(crate) fn condensed(
    points: &[f64],
    n: usize,
    dim: usize,
    dist: impl Fn(&[f64], &[f64]) -> f64 + Sync,
) -> Vec<f64> {
    let row = |i: usize| &points[i * dim..(i + 1) * dim];
    (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            let dist = &dist;
            (i + 1..n).map(move |j| dist(row(i), row(j)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ward_on_a_line_matches_hand_computation() {
        // 0, 1, 10: merge (0, 1) at 1, then {0, 1} with 10:
        // sqrt(2 * 2 * 1 / 3) * 9.5.
        let mut w = WardCentroids::new(vec![0.0, 1.0, 10.0], 1);
        let merges = nn_chain(&mut w, 3);
        assert_eq!((merges[0].a, merges[0].b), (0, 1));
        assert!((merges[0].dist - 1.0).abs() < 1e-12);
        assert_eq!((merges[1].a, merges[1].b, merges[1].size), (2, 3, 3));
        assert!((merges[1].dist - (4.0f64 / 3.0).sqrt() * 9.5).abs() < 1e-12);
    }

    #[test]
    fn complete_and_average_updates() {
        let pts = [0.0, 1.0, 3.0];
        let d = condensed(&pts, 3, 1, |a, b| (a[0] - b[0]).abs());
        assert_eq!(d, vec![1.0, 3.0, 2.0]);
        let complete = nn_chain(&mut Condensed::new(3, d.clone(), Update::Complete), 3);
        assert_eq!(complete[1].dist, 3.0);
        let average = nn_chain(&mut Condensed::new(3, d, Update::Average), 3);
        assert_eq!(average[1].dist, 2.5);
    }
}
