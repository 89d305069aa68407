//! The split search of one node: the best threshold of each drawn feature
//! (one pass over its sorted segment) or a random one (extra trees), with
//! missing values sent to whichever side is better.

use oxlearn::Float;
use rand::Rng as _;

use super::columns::{Columns, Entry, MISSING, Ranked};
use super::criterion::Criterion;
use super::median::Medians;
use super::{GrowParams, SplitterKind};
use oxlearn::random::Rng;

/// A node being split: its range of sorted positions and its statistics.
pub(crate) struct NodeStats<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) stats: &'a [f64],
    pub(crate) weight: f64,
    /// Bounds on the node's value from monotonic constraints.
    pub(crate) lower: f64,
    pub(crate) upper: f64,
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
    /// Between the largest value of the first code and the smallest of the second.
    Between(u32, u32),
    /// This value.
    Value(F),
}

impl<F: Float> Threshold<F> {
    /// The threshold value of feature `f`.
    pub(crate) fn value(self, ranked: &Ranked<F>, f: usize) -> F {
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
    pub(crate) ranked: &'a Ranked<F>,
    pub(crate) criterion: &'a C,
    /// Each training row's weight and target, prepared for the criterion.
    pub(crate) prepared: &'a [C::Sample],
    pub(crate) params: &'a GrowParams,
}

impl<F: Float, C: Criterion> Context<'_, F, C> {
    /// Searches the node over up to `max_features` non-constant features
    /// drawn at random from `active`; `medians` holds the absolute error
    /// criterion's buffers (for that criterion only).
    pub(crate) fn search(
        &self,
        columns: &Columns,
        node: &NodeStats<'_>,
        active: &[u32],
        rng: &mut Rng,
        mut medians: Option<&mut Medians>,
    ) -> Search<F> {
        if let (Some(md), Some(ae)) = (medians.as_deref_mut(), self.criterion.absolute_error()) {
            md.prepare(ae.y, &columns.samples[node.start..node.end], |r| {
                C::weight(&self.prepared[r as usize])
            });
        }
        let mut order: Vec<u32> = active.to_vec();
        let mut search = Search {
            best: None,
            constant: Vec::new(),
        };
        let mut scratch = Scratch::new(self.criterion.width());
        let mut visited = 0usize;
        for i in 0..order.len() {
            if visited >= self.params.max_features {
                break;
            }
            let j = rng.random_range(i..order.len());
            order.swap(i, j);
            let f = order[i] as usize;
            let seg = columns.segment(f, node.start, node.end);
            let n_present = match seg.last() {
                Some(e) if e.code == MISSING => seg.partition_point(|e| e.code != MISSING),
                _ => seg.len(),
            };
            if n_present == 0 || seg[0].code == seg[n_present - 1].code {
                search.constant.push(f as u32);
                continue;
            }
            visited += 1;
            if let Some(md) = medians.as_deref_mut() {
                match self.params.splitter {
                    SplitterKind::Best => self.median_best(f, seg, node, md, &mut search.best),
                    SplitterKind::Random => {
                        self.median_random(f, seg, node, md, rng, &mut search.best);
                    }
                }
                continue;
            }
            match self.params.splitter {
                SplitterKind::Best => {
                    self.best_of_feature(f, seg, n_present, node, &mut scratch, &mut search.best);
                }
                SplitterKind::Random => self.random_of_feature(
                    f,
                    seg,
                    n_present,
                    node,
                    &mut scratch,
                    rng,
                    &mut search.best,
                ),
            }
        }
        search
    }

    /// Sums of the entries `seg` into `out` (cleared first); returns their weight.
    fn sum_into(&self, seg: &[Entry], out: &mut [f64]) -> f64 {
        out.fill(0.0);
        let mut w = 0.0;
        for e in seg {
            let s = e.sample as usize;
            let p = &self.prepared[s];
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
        node: &NodeStats<'_>,
        scratch: &mut Scratch,
        best: &mut Option<Split<F>>,
    ) {
        let n_missing = seg.len() - n_present;
        let constrained = self.params.monotonic.as_ref().is_some_and(|m| m[f] != 0);
        if n_missing == 0 && !constrained {
            self.best_of_complete(f, seg, node, scratch, best);
            return;
        }
        let w_missing = self.sum_into(&seg[n_present..], &mut scratch.missing);
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
                    let threshold = Threshold::Between(seg[p - 1].code, e.code);
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
            let s = e.sample as usize;
            let prepared = &self.prepared[s];
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
    fn best_of_complete(
        &self,
        f: usize,
        seg: &[Entry],
        node: &NodeStats<'_>,
        scratch: &mut Scratch,
        best: &mut Option<Split<F>>,
    ) {
        let n = seg.len();
        let min_leaf = self.params.min_samples_leaf;
        let min_w = self.params.min_weight_leaf;
        let mut best_proxy = best.as_ref().map_or(f64::NEG_INFINITY, |b| b.proxy);
        let mut best_p = 0usize;
        scratch.left.fill(0.0);
        let mut wl = 0.0;
        let crit = self.criterion;
        for p in 0..n {
            let e = seg[p];
            if p >= min_leaf && n - p >= min_leaf && e.code != seg[p - 1].code {
                let wr = node.weight - wl;
                if wl >= min_w && wr >= min_w && wl > 0.0 && wr > 0.0 {
                    for ((r, &t), &l) in scratch.right.iter_mut().zip(node.stats).zip(&scratch.left)
                    {
                        *r = t - l;
                    }
                    let proxy = crit.proxy(&scratch.left, wl, &scratch.right, wr);
                    if proxy > best_proxy {
                        best_proxy = proxy;
                        best_p = p;
                        scratch.cand.copy_from_slice(&scratch.left);
                    }
                }
            }
            let s = e.sample as usize;
            let prepared = &self.prepared[s];
            crit.add(&mut scratch.left, prepared);
            wl += C::weight(prepared);
        }
        if best_p == 0 {
            return;
        }
        let left_weight: f64 = seg[..best_p]
            .iter()
            .map(|e| C::weight(&self.prepared[e.sample as usize]))
            .sum();
        let split = Split {
            feature: f,
            n_below: best_p,
            threshold: Threshold::Between(seg[best_p - 1].code, seg[best_p].code),
            missing_left: best_p > n - best_p,
            proxy: best_proxy,
            left: scratch.cand.clone(),
            left_weight,
        };
        *best = Some(split);
    }

    /// One random threshold of feature `f`, uniform between its smallest and
    /// largest value in the node (scikit-learn's random splitter), with the
    /// side of the missing values drawn too: the threshold, the present
    /// entries below it, and whether the missing ones go left. `None` when a
    /// child would have fewer than `min_samples_leaf` samples.
    pub(crate) fn draw(
        &self,
        f: usize,
        seg: &[Entry],
        n_present: usize,
        rng: &mut Rng,
    ) -> Option<(F, usize, bool)> {
        let lo = self.ranked.low[f][seg[0].code as usize];
        let hi = self.ranked.high[f][seg[n_present - 1].code as usize];
        let u: f64 = rng.random();
        let mut threshold = lo + (hi - lo) * F::cast(u);
        if threshold >= hi {
            threshold = lo;
        }
        let n_missing = seg.len() - n_present;
        let missing_left = n_missing > 0 && rng.random::<bool>();
        let high = &self.ranked.high[f];
        let fraction = ((threshold - lo) / (hi - lo)).as_f64();
        let n_below = gallop(&seg[..n_present], fraction, |e| {
            high[e.code as usize] <= threshold
        });
        let (nl, nr) = if missing_left {
            (n_below + n_missing, n_present - n_below)
        } else {
            (n_below, n_present - n_below + n_missing)
        };
        let min_leaf = self.params.min_samples_leaf;
        (nl >= min_leaf && nr >= min_leaf).then_some((threshold, n_below, missing_left))
    }

    /// The random splitter's candidate of feature `f` (see [`draw`](Self::draw)).
    #[allow(clippy::too_many_arguments)]
    fn random_of_feature(
        &self,
        f: usize,
        seg: &[Entry],
        n_present: usize,
        node: &NodeStats<'_>,
        scratch: &mut Scratch,
        rng: &mut Rng,
        best: &mut Option<Split<F>>,
    ) {
        let Some((threshold, n_below, missing_left)) = self.draw(f, seg, n_present, rng) else {
            return;
        };
        let n_missing = seg.len() - n_present;
        let (nl, nr) = if missing_left {
            (n_below + n_missing, n_present - n_below)
        } else {
            (n_below, n_present - n_below + n_missing)
        };
        // The left sums from the smaller side of the present values.
        let mut wl = if n_below <= n_present / 2 {
            self.sum_into(&seg[..n_below], &mut scratch.left)
        } else {
            let w_missing = self.sum_into(&seg[n_present..], &mut scratch.missing);
            let w_above = self.sum_into(&seg[n_below..n_present], &mut scratch.cand);
            for ((l, &t), (&m, &a)) in scratch
                .left
                .iter_mut()
                .zip(node.stats)
                .zip(scratch.missing.iter().zip(&scratch.cand))
            {
                *l = t - m - a;
            }
            node.weight - w_missing - w_above
        };
        if missing_left {
            let w_missing = self.sum_into(&seg[n_present..], &mut scratch.missing);
            for (l, &m) in scratch.left.iter_mut().zip(&scratch.missing) {
                *l += m;
            }
            wl += w_missing;
        }
        let direction = if n_missing == 0 {
            nl > nr
        } else {
            missing_left
        };
        let left = std::mem::take(&mut scratch.left);
        self.consider(
            f,
            n_below,
            direction,
            &left,
            wl,
            node,
            &mut scratch.right,
            Threshold::Value(threshold),
            best,
        );
        scratch.left = left;
    }

    /// The monotonic constraint on feature `f`: -1, 0 or 1.
    pub(crate) fn constraint(&self, f: usize) -> i8 {
        self.params.monotonic.as_ref().map_or(0, |m| m[f])
    }

    /// Whether children of values `vl` and `vr` keep feature `f`'s
    /// monotonic constraint and the node's bounds.
    pub(crate) fn monotone_allows(&self, f: usize, node: &NodeStats<'_>, vl: f64, vr: f64) -> bool {
        let within = |v: f64| v >= node.lower && v <= node.upper;
        within(vl) && within(vr) && (vl - vr) * f64::from(self.constraint(f)) <= 0.0
    }

    /// Keeps the split with left sums `left` (weight `wl`) when it is allowed
    /// and better than `best`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn consider(
        &self,
        f: usize,
        n_below: usize,
        missing_left: bool,
        left: &[f64],
        wl: f64,
        node: &NodeStats<'_>,
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

/// The number of leading entries of `seg` for which `below` holds (it holds
/// for a prefix), searched from the interpolated guess `fraction · len` by
/// galloping: a uniform threshold on spread values lands a few entries from
/// the guess, so this reads few (randomly placed) values.
fn gallop(seg: &[Entry], fraction: f64, below: impl Fn(&Entry) -> bool) -> usize {
    let n = seg.len();
    let guess = ((fraction * n as f64) as usize).min(n.saturating_sub(1));
    if n == 0 {
        return 0;
    }
    if below(&seg[guess]) {
        // The boundary is after `guess`: widen until an entry is not below.
        let (mut lo, mut step) = (guess + 1, 1usize);
        while lo + step <= n && below(&seg[lo + step - 1]) {
            lo += step;
            step *= 2;
        }
        let hi = (lo + step).min(n);
        lo + seg[lo..hi].partition_point(&below)
    } else {
        // The boundary is at or before `guess`.
        let (mut hi, mut step) = (guess, 1usize);
        while hi >= step && !below(&seg[hi - step]) {
            hi -= step;
            step *= 2;
        }
        let lo = hi.saturating_sub(step);
        lo + seg[lo..hi].partition_point(&below)
    }
}

/// Per-search buffers of one criterion width.
struct Scratch {
    left: Vec<f64>,
    right: Vec<f64>,
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

#[cfg(test)]
mod tests {
    use super::{Entry, gallop};

    #[test]
    fn gallop_finds_the_boundary_from_any_guess() {
        for n in 0..40usize {
            let seg: Vec<Entry> = (0..n)
                .map(|i| Entry {
                    code: i as u32,
                    sample: 0,
                })
                .collect();
            for cut in 0..=n {
                for fraction in [0.0, 0.1, 0.5, 0.9, 1.0] {
                    let found = gallop(&seg, fraction, |e| (e.code as usize) < cut);
                    assert_eq!(found, cut, "n {n} cut {cut} guess {fraction}");
                }
            }
        }
    }
}
