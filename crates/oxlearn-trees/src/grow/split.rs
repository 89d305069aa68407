//! The split search of one node: the best threshold of each drawn feature
//! (one pass over its sorted segment) or a random one (extra trees, see
//! `super::random`), with missing values sent to whichever side is better.

use oxlearn::Float;
use oxlearn::random::Rng;
use rand::Rng as _;

use super::columns::{Columns, Entry, MISSING, Ranked};
use super::criterion::Criterion;
use super::median::Medians;
use super::{GrowParams, SplitterKind};

/// A node being split: its range of positions, its statistics, and the
/// tree's rows and records by position.
pub(crate) struct NodeStats<'a, S> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The training row of every position of the tree.
    pub(crate) rows: &'a [u32],
    /// The prepared record of every position of the tree.
    pub(crate) records: &'a [S],
    pub(crate) stats: &'a [f64],
    pub(crate) weight: f64,
    /// Bounds on the node's value from monotonic constraints.
    pub(crate) lower: f64,
    pub(crate) upper: f64,
}

impl<S> NodeStats<'_, S> {
    /// The threshold between the rows of two neighbouring entries.
    pub(crate) fn between<F>(&self, below: Entry, above: Entry) -> Threshold<F> {
        Threshold::Between(self.rows[below.pos as usize], self.rows[above.pos as usize])
    }
}

/// The best split found so far.
pub(crate) struct Split<F> {
    pub(crate) feature: usize,
    /// Non-missing entries of the feature's sorted segment that go left.
    pub(crate) n_below: usize,
    pub(crate) threshold: Threshold<F>,
    pub(crate) missing_left: bool,
    pub(crate) proxy: f64,
    /// The left child's statistics and weight.
    pub(crate) left: Vec<f64>,
    pub(crate) left_weight: f64,
}

/// A split's threshold: between two codes of a feature (resolved to a
/// value only for the split kept), or a value.
#[derive(Clone, Copy)]
pub(crate) enum Threshold<F> {
    /// Between the values of two rows, neighbours in the node's sorted order.
    Between(u32, u32),
    /// This value.
    Value(F),
}

impl<F: Float> Threshold<F> {
    /// The threshold value of feature `f`.
    pub(crate) fn value(self, ranked: &Ranked<'_, F>, f: usize) -> F {
        match self {
            Threshold::Between(a, b) => ranked.threshold(f, a, b),
            Threshold::Value(v) => v,
        }
    }
}

/// What the search of one node found.
pub(crate) struct Search<F> {
    pub(crate) best: Option<Split<F>>,
    /// Features found constant in the node (never useful below it).
    pub(crate) constant: Vec<u32>,
}

/// Shared inputs of every split search of a tree.
pub(crate) struct Context<'a, F, C: Criterion> {
    pub(crate) ranked: &'a Ranked<'a, F>,
    pub(crate) criterion: &'a C,
    /// Each training row's weight (the split search reads the prepared
    /// [`NodeStats::records`]).
    pub(crate) weights: &'a [f64],
    pub(crate) params: &'a GrowParams,
}

impl<F: Float, C: Criterion> Context<'_, F, C> {
    /// Searches the node over up to `max_features` non-constant features
    /// drawn at random from `active`; `medians` holds the absolute error
    /// criterion's buffers (for that criterion only), `buffers` every
    /// search's, reused from node to node.
    pub(crate) fn search(
        &self,
        columns: &Columns,
        node: &NodeStats<'_, C::Sample>,
        active: &[u32],
        rng: &mut Rng,
        mut medians: Option<&mut Medians>,
        buffers: &mut Buffers<F>,
    ) -> Search<F> {
        let rows = &node.rows[node.start..node.end];
        if let (Some(md), Some(ae)) = (medians.as_deref_mut(), self.criterion.absolute_error()) {
            md.prepare(ae.y, rows, |r| self.weights[r as usize]);
        }
        let Buffers {
            values,
            order,
            scratch,
        } = buffers;
        order.clear();
        order.extend_from_slice(active);
        let mut search = Search {
            best: None,
            constant: Vec::new(),
        };
        let mut visited = 0usize;
        for i in 0..order.len() {
            if visited >= self.params.max_features {
                break;
            }
            let j = rng.random_range(i..order.len());
            order.swap(i, j);
            let f = order[i] as usize;
            let varies = match self.params.splitter {
                SplitterKind::Best => self.best_split(
                    f,
                    columns.segment(f, node.start, node.end),
                    node,
                    scratch,
                    medians.as_deref_mut(),
                    &mut search.best,
                ),
                SplitterKind::Random => self.random_split(
                    f,
                    rows,
                    values,
                    node,
                    scratch,
                    rng,
                    medians.as_deref_mut(),
                    &mut search.best,
                ),
            };
            if varies {
                visited += 1;
            } else {
                search.constant.push(f as u32);
            }
        }
        search
    }

    /// The best splitter's candidate of feature `f`, whose entries in the
    /// node are `seg` (sorted); `false` when the feature is constant there.
    fn best_split(
        &self,
        f: usize,
        seg: &[Entry],
        node: &NodeStats<'_, C::Sample>,
        scratch: &mut Scratch,
        medians: Option<&mut Medians>,
        best: &mut Option<Split<F>>,
    ) -> bool {
        let n_present = match seg.last() {
            Some(e) if e.code == MISSING => seg.partition_point(|e| e.code != MISSING),
            _ => seg.len(),
        };
        if n_present == 0 || seg[0].code == seg[n_present - 1].code {
            return false;
        }
        match medians {
            Some(md) => self.median_best(f, seg, node, md, best),
            None => self.best_of_feature(f, seg, n_present, node, scratch, best),
        }
        true
    }

    /// Sums of the entries `seg` of `node` into `out` (cleared first);
    /// returns their weight.
    fn sum_into(&self, node: &NodeStats<'_, C::Sample>, seg: &[Entry], out: &mut [f64]) -> f64 {
        out.fill(0.0);
        let mut w = 0.0;
        for e in seg {
            let p = &node.records[e.pos as usize];
            self.criterion.add(out, p);
            w += C::weight(p);
        }
        w
    }

    /// Every threshold of feature `f` between two distinct values.
    fn best_of_feature(
        &self,
        f: usize,
        seg: &[Entry],
        n_present: usize,
        node: &NodeStats<'_, C::Sample>,
        scratch: &mut Scratch,
        best: &mut Option<Split<F>>,
    ) {
        let n_missing = seg.len() - n_present;
        let constrained = self.params.monotonic.as_ref().is_some_and(|m| m[f] != 0);
        if n_missing == 0 && !constrained {
            self.best_of_complete(f, seg, node, scratch, best);
            return;
        }
        let w_missing = self.sum_into(node, &seg[n_present..], &mut scratch.missing);
        scratch.left.fill(0.0);
        let mut wl = 0.0;
        let min_leaf = self.params.min_samples_leaf;
        for p in 0..n_present {
            let e = seg[p];
            if p > 0 && e.code != seg[p - 1].code {
                let nr_present = n_present - p;
                for missing_left in [false, true] {
                    if missing_left && n_missing == 0 {
                        break;
                    }
                    let (nl, nr) = if missing_left {
                        (p + n_missing, nr_present)
                    } else {
                        (p, nr_present + n_missing)
                    };
                    if nl < min_leaf || nr < min_leaf {
                        continue;
                    }
                    let (wl_all, candidate_left) = if missing_left {
                        for ((c, &l), &m) in scratch
                            .cand
                            .iter_mut()
                            .zip(&scratch.left)
                            .zip(&scratch.missing)
                        {
                            *c = l + m;
                        }
                        (wl + w_missing, &scratch.cand)
                    } else {
                        (wl, &scratch.left)
                    };
                    let threshold = node.between(seg[p - 1], e);
                    let direction = if n_missing == 0 {
                        nl > nr
                    } else {
                        missing_left
                    };
                    self.consider(
                        f,
                        p,
                        direction,
                        candidate_left,
                        wl_all,
                        node,
                        &mut scratch.right,
                        threshold,
                        best,
                    );
                }
            }
            let prepared = &node.records[e.pos as usize];
            self.criterion.add(&mut scratch.left, prepared);
            wl += C::weight(prepared);
        }
        if n_missing > 0 && n_present >= min_leaf && n_missing >= min_leaf {
            // Every present value left, every missing one right.
            let left = scratch.left.clone();
            self.consider(
                f,
                n_present,
                false,
                &left,
                wl,
                node,
                &mut scratch.right,
                Threshold::Value(F::max_value()),
                best,
            );
        }
    }

    /// [`best_of_feature`](Self::best_of_feature) for a feature with no
    /// missing value and no constraint in the node: the hot loop, with the
    /// best position kept in locals and the split built once at the end.
    /// The running sums of a criterion that adds at fixed positions
    /// (one-output squared error) are a local array, which the compiler
    /// keeps in registers instead of storing and reloading them at every
    /// sample (RandomForestRegressor: 17% less time); a class count's
    /// position is the sample's class, so it stays in memory.
    fn best_of_complete(
        &self,
        f: usize,
        seg: &[Entry],
        node: &NodeStats<'_, C::Sample>,
        scratch: &mut Scratch,
        best: &mut Option<Split<F>>,
    ) {
        if self.criterion.width() == 2 && self.criterion.adds_at_fixed_positions() {
            let mut sums = [[0.0; 2]; 3];
            let [left, right, cand] = &mut sums;
            self.scan_complete(f, seg, node, left, right, cand, best);
        } else {
            let Scratch {
                left, right, cand, ..
            } = scratch;
            left.fill(0.0);
            self.scan_complete(f, seg, node, left, right, cand, best);
        }
    }

    /// [`best_of_complete`](Self::best_of_complete) with sums of type `B`
    /// (`left` zero).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn scan_complete<B: AsRef<[f64]> + AsMut<[f64]>>(
        &self,
        f: usize,
        seg: &[Entry],
        node: &NodeStats<'_, C::Sample>,
        left: &mut B,
        right: &mut B,
        cand: &mut B,
        best: &mut Option<Split<F>>,
    ) {
        let n = seg.len();
        let min_leaf = self.params.min_samples_leaf;
        let min_w = self.params.min_weight_leaf;
        let mut best_proxy = best.as_ref().map_or(f64::NEG_INFINITY, |b| b.proxy);
        let mut best_p = 0usize;
        let crit = self.criterion;
        let mut wl = 0.0;
        for p in 0..n {
            let e = seg[p];
            if p >= min_leaf && n - p >= min_leaf && e.code != seg[p - 1].code {
                let wr = node.weight - wl;
                if wl >= min_w && wr >= min_w && wl > 0.0 && wr > 0.0 {
                    for ((r, &t), &l) in
                        right.as_mut().iter_mut().zip(node.stats).zip(left.as_ref())
                    {
                        *r = t - l;
                    }
                    let proxy = crit.proxy(left.as_ref(), wl, right.as_ref(), wr);
                    if proxy > best_proxy {
                        best_proxy = proxy;
                        best_p = p;
                        cand.as_mut().copy_from_slice(left.as_ref());
                    }
                }
            }
            let prepared = &node.records[e.pos as usize];
            crit.add(left.as_mut(), prepared);
            wl += C::weight(prepared);
        }
        if best_p == 0 {
            return;
        }
        let left_weight: f64 = seg[..best_p]
            .iter()
            .map(|e| C::weight(&node.records[e.pos as usize]))
            .sum();
        let split = Split {
            feature: f,
            n_below: best_p,
            threshold: node.between(seg[best_p - 1], seg[best_p]),
            missing_left: best_p > n - best_p,
            proxy: best_proxy,
            left: cand.as_ref().to_vec(),
            left_weight,
        };
        *best = Some(split);
    }

    /// The monotonic constraint on feature `f`: -1, 0 or 1.
    pub(crate) fn constraint(&self, f: usize) -> i8 {
        self.params.monotonic.as_ref().map_or(0, |m| m[f])
    }

    /// Whether children of values `vl` and `vr` keep feature `f`'s
    /// monotonic constraint and the node's bounds.
    pub(crate) fn monotone_allows(
        &self,
        f: usize,
        node: &NodeStats<'_, C::Sample>,
        vl: f64,
        vr: f64,
    ) -> bool {
        let within = |v: f64| v >= node.lower && v <= node.upper;
        within(vl) && within(vr) && (vl - vr) * f64::from(self.constraint(f)) <= 0.0
    }

    /// Keeps the split with left sums `left` (weight `wl`) when it is allowed
    /// and better than `best`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(crate) fn consider(
        &self,
        f: usize,
        n_below: usize,
        missing_left: bool,
        left: &[f64],
        wl: f64,
        node: &NodeStats<'_, C::Sample>,
        right: &mut [f64],
        threshold: Threshold<F>,
        best: &mut Option<Split<F>>,
    ) {
        let wr = node.weight - wl;
        let min_w = self.params.min_weight_leaf;
        if wl < min_w || wr < min_w || wl <= 0.0 || wr <= 0.0 {
            return;
        }
        for ((r, &t), &l) in right.iter_mut().zip(node.stats).zip(left) {
            *r = t - l;
        }
        if self.constraint(f) != 0 {
            let vl = self.criterion.monotone_value(left, wl);
            let vr = self.criterion.monotone_value(right, wr);
            if !self.monotone_allows(f, node, vl, vr) {
                return;
            }
        }
        let proxy = self.criterion.proxy(left, wl, right, wr);
        keep(best, f, n_below, missing_left, threshold, proxy, left, wl);
    }
}

/// Makes the described split `best` when its proxy is a number above the
/// best one's.
#[allow(clippy::too_many_arguments)]
pub(crate) fn keep<F: Float>(
    best: &mut Option<Split<F>>,
    feature: usize,
    n_below: usize,
    missing_left: bool,
    threshold: Threshold<F>,
    proxy: f64,
    left: &[f64],
    left_weight: f64,
) {
    if proxy.is_nan() || proxy == f64::NEG_INFINITY {
        return;
    }
    match best {
        Some(b) if proxy > b.proxy => {
            b.feature = feature;
            b.n_below = n_below;
            b.threshold = threshold;
            b.missing_left = missing_left;
            b.proxy = proxy;
            b.left.copy_from_slice(left);
            b.left_weight = left_weight;
        }
        Some(_) => {}
        None => {
            *best = Some(Split {
                feature,
                n_below,
                threshold,
                missing_left,
                proxy,
                left: left.to_vec(),
                left_weight,
            });
        }
    }
}

/// The buffers of every split search of a tree.
pub(crate) struct Buffers<F> {
    /// The random splitter's values of the feature being searched.
    values: Vec<F>,
    /// The features in the order they are drawn.
    order: Vec<u32>,
    scratch: Scratch,
}

impl<F> Buffers<F> {
    /// Buffers for a criterion of `width` statistics.
    pub(crate) fn new(width: usize) -> Self {
        Buffers {
            values: Vec::new(),
            order: Vec::new(),
            scratch: Scratch::new(width),
        }
    }
}

/// Per-search buffers of one criterion width.
pub(crate) struct Scratch {
    pub(crate) left: Vec<f64>,
    pub(crate) right: Vec<f64>,
    missing: Vec<f64>,
    cand: Vec<f64>,
}

impl Scratch {
    fn new(width: usize) -> Self {
        Scratch {
            left: vec![0.0; width],
            right: vec![0.0; width],
            missing: vec![0.0; width],
            cand: vec![0.0; width],
        }
    }
}
