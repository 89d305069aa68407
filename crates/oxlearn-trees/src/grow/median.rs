//! The absolute error criterion's split search, which its statistics cannot
//! drive: a set's impurity is the weighted absolute deviation from its
//! weighted median, which does not add up over samples.
//!
//! Each node ranks its samples by target once; a best-threshold scan then
//! keeps the left child's weights and weighted (centred) targets in Fenwick
//! trees over those ranks, so each candidate position finds both children's
//! medians and deviations in `O(log n)` (the right child's tree is the
//! node's minus the left one's). scikit-learn's `MAE` criterion keeps
//! sorted arrays instead, `O(n)` per position.

use oxlearn::Float;

use super::columns::Entry;
use super::criterion::Criterion;
use super::split::{Context, NodeStats, Split, keep};

/// The weighted median as scikit-learn's `WeightedMedianCalculator`: the
/// value at the smallest prefix holding half the weight, or the mean of it
/// and the next value when the prefix holds exactly half. `sorted` is
/// `(value, weight)` by value, `total` the sum of the weights.
fn weighted_median(sorted: impl Iterator<Item = (f64, f64)> + Clone, total: f64) -> f64 {
    let half = total / 2.0;
    let mut cum = 0.0;
    let mut values = sorted.clone();
    while let Some((v, w)) = values.next() {
        cum += w;
        if cum >= half {
            if cum == half
                && let Some((next, _)) = values.next()
            {
                return (v + next) / 2.0;
            }
            return v;
        }
    }
    0.0
}

/// The weighted absolute deviation of `(value, weight)` pairs from `median`.
fn deviation(pairs: impl Iterator<Item = (f64, f64)>, median: f64) -> f64 {
    pairs.map(|(v, w)| w * (v - median).abs()).sum()
}

/// The absolute error impurity of the samples `rows` of row-major targets
/// `y` (`m` outputs) with weights `weight(row)`: the mean over outputs of the
/// weighted mean absolute deviation from the weighted median. Writes each
/// output's median to `out`.
pub(crate) fn summarize(
    y: &[f64],
    m: usize,
    rows: &[u32],
    weight: impl Fn(u32) -> f64,
    out: &mut [f64],
) -> f64 {
    let total: f64 = rows.iter().map(|&r| weight(r)).sum();
    let mut pairs: Vec<(f64, f64)> = Vec::with_capacity(rows.len());
    let mut dev = 0.0;
    for (o, med) in out.iter_mut().enumerate().take(m) {
        pairs.clear();
        pairs.extend(rows.iter().map(|&r| (y[r as usize * m + o], weight(r))));
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        *med = weighted_median(pairs.iter().copied(), total);
        dev += deviation(pairs.iter().copied(), *med);
    }
    if total > 0.0 {
        dev / (total * m as f64)
    } else {
        0.0
    }
}

/// A child's deviation and weighted median.
#[derive(Clone, Copy, Default)]
pub(crate) struct Child {
    pub(crate) deviation: f64,
    pub(crate) median: f64,
}

/// Per-tree buffers of the absolute error search: the current node's ranks
/// by target and the Fenwick trees of one feature's scan.
pub(crate) struct Medians {
    /// The number of outputs.
    pub(crate) m: usize,
    /// Per output, each training row's rank in the current node.
    rank: Vec<u32>,
    n_rows: usize,
    /// The node's size.
    n: usize,
    /// Per output, the node's centred targets and weights in rank order.
    value: Vec<f64>,
    weight: Vec<f64>,
    /// Per output, the centre subtracted (the node's middle value), which
    /// keeps the prefix sums' cancellation small.
    centre: Vec<f64>,
    /// Per output, the node's weighted sum of centred targets.
    sum: Vec<f64>,
    /// Per output, 1-based Fenwick trees of the node's weights and weighted
    /// centred targets, and of the left child's.
    node_w: Vec<f64>,
    node_s: Vec<f64>,
    left_w: Vec<f64>,
    left_s: Vec<f64>,
    /// Per output and rank, whether the sample is in the left child.
    in_left: Vec<bool>,
    /// The same for [`partition`](Self::partition).
    mark: Vec<bool>,
    pairs: Vec<(f64, u32)>,
}

impl Medians {
    pub(crate) fn new(n_rows: usize, m: usize) -> Self {
        Medians {
            m,
            rank: vec![0; n_rows * m],
            n_rows,
            n: 0,
            value: Vec::new(),
            weight: Vec::new(),
            centre: vec![0.0; m],
            sum: vec![0.0; m],
            node_w: Vec::new(),
            node_s: Vec::new(),
            left_w: Vec::new(),
            left_s: Vec::new(),
            in_left: Vec::new(),
            mark: Vec::new(),
            pairs: Vec::new(),
        }
    }

    /// Ranks the node's samples `rows` by each output of `y`.
    pub(crate) fn prepare(&mut self, y: &[f64], rows: &[u32], weight: impl Fn(u32) -> f64) {
        let (m, n) = (self.m, rows.len());
        self.n = n;
        for buf in [&mut self.value, &mut self.weight] {
            buf.clear();
            buf.resize(m * n, 0.0);
        }
        for buf in [&mut self.node_w, &mut self.node_s] {
            buf.clear();
            buf.resize(m * (n + 1), 0.0);
        }
        self.left_w.resize(m * (n + 1), 0.0);
        self.left_s.resize(m * (n + 1), 0.0);
        for buf in [&mut self.in_left, &mut self.mark] {
            buf.clear();
            buf.resize(m * n, false);
        }
        for o in 0..m {
            self.pairs.clear();
            self.pairs
                .extend(rows.iter().map(|&r| (y[r as usize * m + o], r)));
            self.pairs
                .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let centre = self.pairs.get(n / 2).map_or(0.0, |p| p.0);
            self.centre[o] = centre;
            let mut sum = 0.0;
            for (k, &(v, r)) in self.pairs.iter().enumerate() {
                let w = weight(r);
                self.rank[o * self.n_rows + r as usize] = k as u32;
                self.value[o * n + k] = v - centre;
                self.weight[o * n + k] = w;
                self.node_w[o * (n + 1) + k + 1] = w;
                self.node_s[o * (n + 1) + k + 1] = w * (v - centre);
                sum += w * (v - centre);
            }
            self.sum[o] = sum;
            build(&mut self.node_w[o * (n + 1)..(o + 1) * (n + 1)]);
            build(&mut self.node_s[o * (n + 1)..(o + 1) * (n + 1)]);
        }
    }

    /// Empties the left child.
    pub(crate) fn clear_left(&mut self) {
        let len = self.m * (self.n + 1);
        self.left_w[..len].fill(0.0);
        self.left_s[..len].fill(0.0);
        self.in_left.fill(false);
    }

    /// Moves the sample of training row `row` into the left child.
    pub(crate) fn push_left(&mut self, row: u32) {
        let (m, n) = (self.m, self.n);
        for o in 0..m {
            let k = self.rank[o * self.n_rows + row as usize] as usize;
            let w = self.weight[o * n + k];
            let s = w * self.value[o * n + k];
            self.in_left[o * n + k] = true;
            let (tw, ts) = (
                &mut self.left_w[o * (n + 1)..(o + 1) * (n + 1)],
                &mut self.left_s[o * (n + 1)..(o + 1) * (n + 1)],
            );
            let mut i = k + 1;
            while i <= n {
                tw[i] += w;
                ts[i] += s;
                i += i & i.wrapping_neg();
            }
        }
    }

    /// The sum over outputs of both children's deviations, the left child
    /// of weight `wl` and weighted centred sum `sl` per output as pushed.
    /// With `medians`, also the single output's two medians.
    pub(crate) fn children(&self, wl: f64, wr: f64, medians: bool) -> (f64, [Child; 2]) {
        let (m, n) = (self.m, self.n);
        let mut total = 0.0;
        let mut kids = [Child::default(); 2];
        for o in 0..m {
            let tw = &self.node_w[o * (n + 1)..(o + 1) * (n + 1)];
            let ts = &self.node_s[o * (n + 1)..(o + 1) * (n + 1)];
            let lw = &self.left_w[o * (n + 1)..(o + 1) * (n + 1)];
            let ls = &self.left_s[o * (n + 1)..(o + 1) * (n + 1)];
            let sl = prefix(ls, n);
            let left = self.child(o, wl, sl, true, |i| lw[i], |i| ls[i], medians);
            let right = self.child(
                o,
                wr,
                self.sum[o] - sl,
                false,
                |i| tw[i] - lw[i],
                |i| ts[i] - ls[i],
                medians,
            );
            total += left.deviation + right.deviation;
            kids = [left, right];
        }
        (total, kids)
    }

    /// One child's deviation for output `o`: its weight `w`, weighted centred
    /// sum `s`, Fenwick nodes `tree_w` / `tree_s`.
    #[allow(clippy::too_many_arguments)]
    fn child(
        &self,
        o: usize,
        w: f64,
        s: f64,
        left: bool,
        tree_w: impl Fn(usize) -> f64,
        tree_s: impl Fn(usize) -> f64,
        median: bool,
    ) -> Child {
        let n = self.n;
        let half = w / 2.0;
        // The largest prefix of ranks holding less than half the weight.
        let (mut pos, mut acc_w, mut acc_s) = (0usize, 0.0, 0.0);
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        while step > 0 {
            let next = pos + step;
            if next <= n && acc_w + tree_w(next) < half {
                pos = next;
                acc_w += tree_w(next);
                acc_s += tree_s(next);
            }
            step >>= 1;
        }
        let member = |k: usize| self.in_left[o * n + k] == left;
        // The first member at or after the prefix: the median's rank.
        let mut k = pos.min(n - 1);
        while k + 1 < n && !member(k) {
            k += 1;
        }
        let (v, wk) = (self.value[o * n + k], self.weight[o * n + k]);
        let (below_w, below_s) = (acc_w + wk, acc_s + wk * v);
        let deviation = (v * below_w - below_s + (s - below_s) - v * (w - below_w)).max(0.0);
        let mut med = v;
        if median
            && below_w == half
            && let Some(next) = (k + 1..n).find(|&j| member(j))
        {
            med = (v + self.value[o * n + next]) / 2.0;
        }
        Child {
            deviation,
            median: med + self.centre[o],
        }
    }

    /// Both children's deviations, summed over outputs, when the left child
    /// is the rows of `left` and the right the node's other samples,
    /// computed directly (the random splitter's single candidate); with the
    /// single output's medians.
    pub(crate) fn partition(
        &mut self,
        left: impl Iterator<Item = u32>,
        wl: f64,
        wr: f64,
    ) -> (f64, [Child; 2]) {
        let (m, n) = (self.m, self.n);
        for row in left {
            for o in 0..m {
                let k = self.rank[o * self.n_rows + row as usize] as usize;
                self.mark[o * n + k] = true;
            }
        }
        let mut total = 0.0;
        let mut kids = [Child::default(); 2];
        for o in 0..m {
            for (side, (is_left, w)) in [(true, wl), (false, wr)].into_iter().enumerate() {
                let pairs = (0..n)
                    .filter(|&k| self.mark[o * n + k] == is_left)
                    .map(|k| (self.value[o * n + k], self.weight[o * n + k]));
                let med = weighted_median(pairs.clone(), w);
                let dev = deviation(pairs, med);
                total += dev;
                kids[side] = Child {
                    deviation: dev,
                    median: med + self.centre[o],
                };
            }
        }
        self.mark.fill(false);
        (total, kids)
    }
}

impl<F: Float, C: Criterion> Context<'_, F, C> {
    /// Every threshold of feature `f` (no missing value: the criterion
    /// rejects them at fit) between two distinct values, for absolute error.
    pub(crate) fn median_best(
        &self,
        f: usize,
        seg: &[Entry],
        node: &NodeStats<'_, C::Sample>,
        md: &mut Medians,
        best: &mut Option<Split<F>>,
    ) {
        let n = seg.len();
        let (min_leaf, min_w) = (self.params.min_samples_leaf, self.params.min_weight_leaf);
        let constrained = self.constraint(f) != 0;
        let outputs = md.m as f64;
        let mut best_proxy = best.as_ref().map_or(f64::NEG_INFINITY, |b| b.proxy);
        let (mut best_p, mut best_wl) = (0usize, 0.0);
        md.clear_left();
        let mut wl = 0.0;
        for p in 0..n {
            let e = seg[p];
            if p >= min_leaf && n - p >= min_leaf && e.code != seg[p - 1].code {
                let wr = node.weight - wl;
                if wl >= min_w && wr >= min_w && wl > 0.0 && wr > 0.0 {
                    let (dev, [l, r]) = md.children(wl, wr, constrained);
                    let proxy = -dev / outputs;
                    if proxy > best_proxy
                        && (!constrained || self.monotone_allows(f, node, l.median, r.median))
                    {
                        (best_proxy, best_p, best_wl) = (proxy, p, wl);
                    }
                }
            }
            md.push_left(node.rows[e.pos as usize]);
            wl += C::weight(&node.records[e.pos as usize]);
        }
        if best_p > 0 {
            let threshold = node.between(seg[best_p - 1], seg[best_p]);
            keep(
                best,
                f,
                best_p,
                best_p > n - best_p,
                threshold,
                best_proxy,
                &[best_wl],
                best_wl,
            );
        }
    }
}

/// Turns `tree[1..]`, holding one value per position, into a Fenwick tree.
fn build(tree: &mut [f64]) {
    let n = tree.len() - 1;
    for i in 1..=n {
        let j = i + (i & i.wrapping_neg());
        if j <= n {
            tree[j] += tree[i];
        }
    }
}

/// The sum of the first `k` positions of a Fenwick tree.
fn prefix(tree: &[f64], k: usize) -> f64 {
    let (mut i, mut sum) = (k, 0.0);
    while i > 0 {
        sum += tree[i];
        i &= i - 1;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(values: &[(f64, f64)]) -> (f64, f64) {
        let mut v = values.to_vec();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = v.iter().map(|p| p.1).sum();
        let med = weighted_median(v.iter().copied(), total);
        (deviation(v.iter().copied(), med), med)
    }

    #[test]
    fn median_as_scikit_learn_splits_an_exact_half() {
        let pairs = [(1.0, 1.0), (2.0, 1.0), (4.0, 1.0), (7.0, 1.0)];
        assert_eq!(weighted_median(pairs.iter().copied(), 4.0), 3.0);
        let pairs = [(1.0, 1.0), (2.0, 3.0), (4.0, 1.0)];
        assert_eq!(weighted_median(pairs.iter().copied(), 5.0), 2.0);
    }

    #[test]
    fn fenwick_scan_equals_direct_deviations() {
        let y = [5.0, 1.0, 3.0, 3.0, 9.0, -2.0, 4.5, 7.0];
        let w = [1.0, 2.0, 1.0, 0.5, 1.0, 3.0, 1.0, 2.0];
        let rows: Vec<u32> = (0..y.len() as u32).collect();
        let mut md = Medians::new(y.len(), 1);
        md.prepare(&y, &rows, |r| w[r as usize]);
        md.clear_left();
        // Scan rows in a shuffled order, as a feature would present them.
        let order = [3u32, 6, 0, 7, 1, 5, 2, 4];
        let total: f64 = w.iter().sum();
        let mut wl = 0.0;
        for p in 1..order.len() {
            md.push_left(order[p - 1]);
            wl += w[order[p - 1] as usize];
            let (dev, kids) = md.children(wl, total - wl, true);
            let pick = |set: &[u32]| -> Vec<(f64, f64)> {
                set.iter()
                    .map(|&r| (y[r as usize], w[r as usize]))
                    .collect()
            };
            let (dl, ml) = brute(&pick(&order[..p]));
            let (dr, mr) = brute(&pick(&order[p..]));
            assert!((dev - dl - dr).abs() < 1e-9, "position {p}");
            assert!((kids[0].median - ml).abs() < 1e-12, "left median at {p}");
            assert!((kids[1].median - mr).abs() < 1e-12, "right median at {p}");
            let (direct, _) = md.partition(order[..p].iter().copied(), wl, total - wl);
            assert!((direct - dl - dr).abs() < 1e-9, "partition at {p}");
        }
    }

    #[test]
    fn summarize_is_the_mean_deviation() {
        let y = [1.0, 2.0, 10.0];
        let mut out = [0.0];
        let imp = summarize(&y, 1, &[0, 1, 2], |_| 1.0, &mut out);
        assert_eq!(out[0], 2.0);
        assert!((imp - 9.0 / 3.0).abs() < 1e-12);
    }
}
