//! The nearest-centre kernel of Lloyd's iterations.
//!
//! For a row `x` the nearest centre minimises `|c|^2 - 2 x.c` (the `|x|^2`
//! term is common to all centres). The centres are packed once per
//! iteration in blocks of `kb` centres (two of the CPU's widest vectors:
//! with AVX2 8 `f64` or 16 `f32`, twice that with AVX-512), transposed
//! (`d x kb`, zero-padded, padding norms `+inf`), and [`RB`] rows at a time
//! are multiplied against each block in registers with fused multiply-adds:
//! no matrix product is packed per chunk and no `n x k` distance matrix
//! exists (only the tile's `RB x k`). The nearest centre of a row is found
//! without branches (the smallest value, then the lowest index holding it),
//! and the row is added to its centre's sums in the same pass.
//!
//! The kernel is written against [`oxlearn::simd`] and compiled for the
//! CPU's widest vectors; its arithmetic (fused multiply-adds in a fixed
//! order, whatever the block width) is the same on every CPU, and so are the
//! labels and the cluster sums.

use ndarray::ArrayView2;
use oxlearn::Float;
use oxlearn::simd::{Simd, WithSimd, dispatch};

use super::lloyd::Rows;

/// Rows multiplied against a block at once.
const RB: usize = 4;

/// Centres packed for [`PackedCenters::nearest`].
pub(crate) struct PackedCenters<F> {
    d: usize,
    k: usize,
    /// Centres per block.
    kb: usize,
    /// Blocks of `d x kb` values: `blocks[(b * d + f) * kb + j]` is feature
    /// `f` of centre `b * kb + j` (0 past the last centre).
    blocks: Vec<F>,
    /// `|c|^2` per centre, `+inf` past the last centre.
    norms: Vec<F>,
    /// The index of every centre as a float.
    index: Vec<F>,
    /// Whether every index is exact as a float (below 2^23 centres in
    /// `f32`, 2^52 in `f64`); otherwise the nearest centre is found by a
    /// scalar scan.
    exact_index: bool,
}

impl<F: Float> PackedCenters<F> {
    /// Packs `k x d` centres.
    pub fn new(centers: ArrayView2<'_, F>) -> Self {
        let (k, d) = centers.dim();
        // Two of the widest vectors this CPU has: 8 `f64` with AVX2, 16 with AVX-512.
        let kb = 2 * dispatch(Lanes::<F>(std::marker::PhantomData));
        let n_blocks = k.div_ceil(kb);
        let mut blocks = vec![F::zero(); n_blocks * d * kb];
        let mut norms = vec![F::infinity(); n_blocks * kb];
        for (j, c) in centers.rows().into_iter().enumerate() {
            let (b, lane) = (j / kb, j % kb);
            for (f, &v) in c.iter().enumerate() {
                blocks[(b * d + f) * kb + lane] = v;
            }
            norms[j] = c.dot(&c);
        }
        let index = (0..n_blocks * kb).map(F::cast).collect();
        let exact_index = (n_blocks * kb) as f64 <= 1.0 / F::epsilon().as_f64();
        PackedCenters {
            d,
            k,
            kb,
            blocks,
            norms,
            index,
            exact_index,
        }
    }

    /// The number of centres.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Writes the nearest centre (ties: lowest index) of every row
    /// `start..start + labels.len()` of `x` to `labels`; with `acc`, also
    /// adds each row, times its weight, to its centre's sums and weight.
    pub fn nearest(
        &self,
        x: Rows<'_, F>,
        start: usize,
        labels: &mut [usize],
        acc: Option<Accumulate<'_, F>>,
    ) {
        dispatch(Nearest {
            packed: self,
            x,
            start,
            labels,
            acc,
        });
    }
}

/// Where [`PackedCenters::nearest`] adds up the rows of each cluster.
pub(crate) struct Accumulate<'a, F> {
    /// Sample weights of all rows of `x` (`None`: all 1).
    pub weights: Option<&'a [F]>,
    /// `k x d` sums of weight times row per centre, row-major.
    pub sums: &'a mut [F],
    /// Total weight per centre.
    pub totals: &'a mut [F],
}

/// The number of lanes of the widest vectors of `F` on this CPU.
struct Lanes<F>(std::marker::PhantomData<F>);

impl<F: Float> WithSimd for Lanes<F> {
    type Output = usize;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) -> usize {
        F::simd_lanes::<S>()
    }
}

/// The work of one call of [`PackedCenters::nearest`].
struct Nearest<'a, F> {
    packed: &'a PackedCenters<F>,
    x: Rows<'a, F>,
    start: usize,
    labels: &'a mut [usize],
    acc: Option<Accumulate<'a, F>>,
}

impl<F: Float> WithSimd for Nearest<'_, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Vectors per block: 2 with the vectors the block was packed for,
        // the block width (at most 32) with one-lane vectors.
        match self.packed.kb / F::simd_lanes::<S>() {
            1 => self.run::<S, 1>(simd),
            2 => self.run::<S, 2>(simd),
            4 => self.run::<S, 4>(simd),
            8 => self.run::<S, 8>(simd),
            16 => self.run::<S, 16>(simd),
            _ => self.run::<S, 32>(simd),
        }
    }
}

impl<F: Float> Nearest<'_, F> {
    /// Tile by tile of [`RB`] rows: distances, nearest, accumulate.
    #[inline(always)]
    fn run<S: Simd, const NV: usize>(self, simd: S) {
        let Nearest {
            packed,
            x,
            start,
            labels,
            mut acc,
        } = self;
        let (d, width) = (packed.d, packed.norms.len());
        // `dist[r * width + j]`: `|c_j|^2 - 2 x_r.c_j` for the tile's rows.
        let mut dist = vec![F::zero(); RB * width];
        for (t, lab) in labels.chunks_mut(RB).enumerate() {
            let first = start + t * RB;
            // A short last tile repeats its last row; the extra results are unused.
            let last = first + lab.len() - 1;
            let tile: [&[F]; RB] = std::array::from_fn(|r| x.row((first + r).min(last)));
            tile_distances::<F, S, NV>(simd, packed, tile, &mut dist);
            for ((r, l), dr) in lab.iter_mut().enumerate().zip(dist.chunks_exact(width)) {
                let j = nearest_in_row(simd, packed, dr);
                *l = j;
                if let Some(acc) = acc.as_mut() {
                    let i = first + r;
                    let w = acc.weights.map_or_else(F::one, |w| w[i]);
                    add_scaled(simd, &mut acc.sums[j * d..(j + 1) * d], x.row(i), w);
                    acc.totals[j] += w;
                }
            }
        }
    }
}

/// `dist[r * width + j] = |c_j|^2 - 2 x_r.c_j` for the [`RB`] rows of a
/// tile and every (padded) centre `j`, block by block of `NV` vectors.
#[inline(always)]
fn tile_distances<F: Float, S: Simd, const NV: usize>(
    simd: S,
    p: &PackedCenters<F>,
    tile: [&[F]; RB],
    dist: &mut [F],
) {
    let [r0, r1, r2, r3] = tile;
    let d = p.d;
    let lanes = F::simd_lanes::<S>();
    let width = p.norms.len();
    let (blocks, _) = F::as_simd::<S>(&p.blocks);
    let (norms, _) = F::as_simd::<S>(&p.norms);
    let zero = F::simd_splat(simd, F::zero());
    let minus_two = F::simd_splat(simd, F::cast(-2));
    for (b, (block, norms)) in blocks
        .chunks_exact(d * NV)
        .zip(norms.chunks_exact(NV))
        .enumerate()
    {
        let mut dots = [[zero; NV]; RB];
        let features = r0.iter().zip(r1).zip(r2).zip(r3);
        for (c, (((&x0, &x1), &x2), &x3)) in block.chunks_exact(NV).zip(features) {
            for (dr, xv) in dots.iter_mut().zip([x0, x1, x2, x3]) {
                let xv = F::simd_splat(simd, xv);
                for v in 0..NV {
                    dr[v] = F::simd_mul_add(simd, xv, c[v], dr[v]);
                }
            }
        }
        for (r, dr) in dots.iter().enumerate() {
            for v in 0..NV {
                let at = r * width + (b * NV + v) * lanes;
                let value = F::simd_mul_add(simd, minus_two, dr[v], norms[v]);
                F::simd_store(simd, value, &mut dist[at..]);
            }
        }
    }
}

/// The lowest index of the smallest value in a row of distances (padding
/// lanes hold `+inf`); centre 0 when no distance is below `+inf` (squares
/// that overflowed), so the index is always a real centre.
#[inline(always)]
fn nearest_in_row<F: Float, S: Simd>(simd: S, p: &PackedCenters<F>, row: &[F]) -> usize {
    let j = smallest_in_row(simd, p, row);
    if j < p.k { j } else { 0 }
}

/// The lowest index of the smallest value in a row of distances, padding
/// included.
#[inline(always)]
fn smallest_in_row<F: Float, S: Simd>(simd: S, p: &PackedCenters<F>, row: &[F]) -> usize {
    let (values, _) = F::as_simd::<S>(row);
    let (index, _) = F::as_simd::<S>(&p.index);
    let inf = F::simd_splat(simd, F::infinity());
    let m = values.iter().fold(inf, |m, &v| F::simd_min(simd, m, v));
    let m = F::simd_reduce_min(simd, m);
    if !p.exact_index {
        return row.iter().position(|&v| v == m).unwrap_or(0);
    }
    let m = F::simd_splat(simd, m);
    let at = values.iter().zip(index).fold(inf, |at, (&v, &j)| {
        let hit = F::simd_equal(simd, v, m);
        F::simd_min(simd, at, F::simd_select(simd, hit, j, inf))
    });
    F::simd_reduce_min(simd, at).to_usize().unwrap_or(0)
}

/// `sums += w * row`, vectorised.
#[inline(always)]
fn add_scaled<F: Float, S: Simd>(simd: S, sums: &mut [F], row: &[F], w: F) {
    let (sv, st) = F::as_mut_simd::<S>(sums);
    let (rv, rt) = F::as_simd::<S>(row);
    let wv = F::simd_splat(simd, w);
    for (s, &r) in sv.iter_mut().zip(rv) {
        *s = F::simd_mul_add(simd, wv, r, *s);
    }
    for (s, &r) in st.iter_mut().zip(rt) {
        *s = w.mul_add(r, *s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    fn brute(x: &Array2<f64>, c: &Array2<f64>) -> Vec<usize> {
        x.rows()
            .into_iter()
            .map(|r| {
                let mut best = (f64::INFINITY, 0);
                for (j, cr) in c.rows().into_iter().enumerate() {
                    let dist = cr.dot(&cr) - 2.0 * r.dot(&cr);
                    if dist < best.0 {
                        best = (dist, j);
                    }
                }
                best.1
            })
            .collect()
    }

    #[test]
    fn matches_brute_force_for_all_block_remainders() {
        for (n, k, d) in [(1, 1, 1), (7, 3, 2), (13, 8, 5), (29, 17, 3), (40, 9, 16)] {
            let x = Array2::from_shape_fn((n, d), |(i, f)| ((i * 7 + f * 3) % 11) as f64 - 5.0);
            let c = Array2::from_shape_fn((k, d), |(j, f)| ((j * 5 + f) % 9) as f64 - 4.0);
            let packed = PackedCenters::new(c.view());
            let mut labels = vec![usize::MAX; n];
            packed.nearest(Rows::new(x.view()), 0, &mut labels, None);
            assert_eq!(labels, brute(&x, &c), "n {n} k {k} d {d}");
        }
    }

    #[test]
    fn scalar_scan_for_huge_k_gives_the_same_labels() {
        let x = Array2::from_shape_fn((23, 3), |(i, f)| ((i * 5 + f * 7) % 13) as f64 - 6.0);
        let c = Array2::from_shape_fn((19, 3), |(j, f)| ((j * 3 + f * 11) % 7) as f64 - 3.0);
        let mut packed = PackedCenters::new(c.view());
        packed.exact_index = false;
        let mut labels = vec![usize::MAX; 23];
        packed.nearest(Rows::new(x.view()), 0, &mut labels, None);
        assert_eq!(labels, brute(&x, &c));
    }

    #[test]
    fn ties_go_to_the_lowest_index() {
        let x = array![[0.0], [1.0]];
        // Centres 0 and 9 are equally near both rows; 9 sits in the second block.
        let mut c = Array2::from_elem((10, 1), 50.0);
        c[[3, 0]] = 0.5;
        c[[9, 0]] = 0.5;
        let packed = PackedCenters::new(c.view());
        let mut labels = vec![usize::MAX; 2];
        packed.nearest(Rows::new(x.view()), 0, &mut labels, None);
        assert_eq!(labels, vec![3, 3]);
    }

    /// Labels and sums from the portable (one-lane) kernel and from the
    /// kernel for this CPU's vectors.
    fn both_paths<F: Float>(n: usize, k: usize, d: usize) -> [(Vec<usize>, Vec<F>, Vec<F>); 2] {
        let x = Array2::from_shape_fn((n, d), |(i, f)| {
            F::cast(((i * 37 + f * 11) % 23) as f64 * 0.37 - 4.0)
        });
        let c = Array2::from_shape_fn((k, d), |(j, f)| {
            F::cast(((j * 13 + f * 7) % 17) as f64 * 0.41 - 3.0)
        });
        let w: Vec<F> = (0..n).map(|i| F::cast(1.0 + (i % 3) as f64)).collect();
        let packed = PackedCenters::new(c.view());
        let rows = Rows::new(x.view());
        let run = |portable: bool| {
            let (mut labels, mut sums, mut totals) =
                (vec![0; n], vec![F::zero(); k * d], vec![F::zero(); k]);
            let job = Nearest {
                packed: &packed,
                x: rows,
                start: 0,
                labels: &mut labels,
                acc: Some(Accumulate {
                    weights: Some(&w),
                    sums: &mut sums,
                    totals: &mut totals,
                }),
            };
            if portable {
                job.with_simd(oxlearn::simd::Scalar::new());
            } else {
                dispatch(job);
            }
            (labels, sums, totals)
        };
        [run(true), run(false)]
    }

    #[test]
    fn portable_and_vector_kernels_agree_bit_for_bit() {
        for (n, k, d) in [(50, 17, 5), (9, 3, 16), (33, 40, 7)] {
            let [a, b] = both_paths::<f64>(n, k, d);
            assert_eq!(a, b, "f64 n {n} k {k} d {d}");
            let [a, b] = both_paths::<f32>(n, k, d);
            assert_eq!(a, b, "f32 n {n} k {k} d {d}");
        }
    }
}
