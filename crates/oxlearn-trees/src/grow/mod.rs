//! The tree learner: presorted columns, additive criteria, the split search
//! and the two growth orders (depth-first, and best-first when
//! `max_leaf_nodes` is set), as scikit-learn's `DepthFirstTreeBuilder` and
//! `BestFirstTreeBuilder`.

pub(crate) mod columns;
pub(crate) mod criterion;
mod median;
mod random;
mod split;

use std::collections::BinaryHeap;

use oxlearn::Float;
use oxlearn::random::Rng;

use crate::tree::{FORMAT_VERSION, Node, Tree};
use columns::{Columns, Ranked, Records};
use criterion::Criterion;
use median::Medians;
use random::goes_left;
use split::{Buffers, Context, NodeStats, Search};

/// Impurities at or below this are zero (scikit-learn's `EPSILON`).
const EPSILON: f64 = f64::EPSILON;

/// How thresholds are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SplitterKind {
    /// The best threshold of each feature.
    Best,
    /// One uniformly drawn threshold per feature (extra trees).
    Random,
}

/// The hyperparameters of one tree, resolved against the data.
#[derive(Debug, Clone)]
pub(crate) struct GrowParams {
    pub(crate) splitter: SplitterKind,
    pub(crate) max_depth: usize,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    pub(crate) min_weight_leaf: f64,
    pub(crate) max_features: usize,
    pub(crate) max_leaf_nodes: Option<usize>,
    pub(crate) min_impurity_decrease: f64,
    /// Per feature -1, 0 or 1 (single output only).
    pub(crate) monotonic: Option<Vec<i8>>,
}

/// A node to be added: its sample range, depth, parent and bounds.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
    active: Vec<u32>,
    lower: f64,
    upper: f64,
}

/// The tree being grown and what every node needs.
struct Grower<'a, F, C: Criterion> {
    ctx: Context<'a, F, C>,
    columns: Columns,
    tree: Tree<F>,
    total_weight: f64,
    rng: &'a mut Rng,
    /// The absolute error criterion's buffers.
    medians: Option<Medians>,
    /// The prepared records in node order.
    records: Records<C::Sample>,
    /// The split search's buffers.
    buffers: Buffers<F>,
}

/// A node added with the split it will get if it is expanded.
struct Added<F> {
    id: usize,
    split: Option<(split::Split<F>, f64)>,
    pending: Pending,
    middle: f64,
}

/// Grows one tree on the samples of `columns` with per-sample `weights`
/// (indexed by training row).
pub(crate) fn grow<F: Float, C: Criterion>(
    ranked: &Ranked<'_, F>,
    columns: Columns,
    criterion: &C,
    weights: &[f64],
    params: &GrowParams,
    rng: &mut Rng,
) -> Tree<F> {
    let total_weight: f64 = columns.samples.iter().map(|&i| weights[i as usize]).sum();
    let n = columns.n;
    let records = Records::new(&columns.samples, |i| criterion.prepare(i, weights[i]));
    let mut grower = Grower {
        ctx: Context {
            ranked,
            criterion,
            weights,
            params,
        },
        columns,
        tree: Tree {
            format_version: FORMAT_VERSION,
            n_features: ranked.n_features,
            value_width: criterion.value_width(),
            nodes: Vec::new(),
            impurity: Vec::new(),
            n_node_samples: Vec::new(),
            weighted_n_node_samples: Vec::new(),
            value: Vec::new(),
            max_depth: 0,
        },
        total_weight,
        rng,
        medians: criterion
            .absolute_error()
            .map(|ae| Medians::new(ranked.n_rows, ae.n_outputs)),
        records,
        buffers: Buffers::new(criterion.width()),
    };
    let root = Pending {
        start: 0,
        end: n,
        depth: 0,
        parent: None,
        active: (0..ranked.n_features as u32).collect(),
        lower: f64::NEG_INFINITY,
        upper: f64::INFINITY,
    };
    match params.max_leaf_nodes {
        None => grower.depth_first(root),
        Some(max_leaves) => grower.best_first(root, max_leaves),
    }
    let mut tree = grower.tree;
    tree.max_depth = tree.depths().into_iter().max().unwrap_or(0);
    // The tables grew by doubling: a forest keeps its trees, so drop the
    // unused capacity (up to half of each table), as scikit-learn does.
    tree.nodes.shrink_to_fit();
    tree.impurity.shrink_to_fit();
    tree.n_node_samples.shrink_to_fit();
    tree.weighted_n_node_samples.shrink_to_fit();
    tree.value.shrink_to_fit();
    tree
}

impl<F: Float, C: Criterion> Grower<'_, F, C> {
    fn depth_first(&mut self, root: Pending) {
        let mut stack = vec![root];
        while let Some(pending) = stack.pop() {
            let added = self.add(pending);
            if let Some(children) = self.expand(added) {
                stack.extend(children.into_iter().rev());
            }
        }
    }

    fn best_first(&mut self, root: Pending, max_leaves: usize) {
        let mut frontier = BinaryHeap::new();
        let mut records = Vec::new();
        let mut max_splits = max_leaves.saturating_sub(1);
        let push = |frontier: &mut BinaryHeap<Frontier>,
                    records: &mut Vec<Option<Added<F>>>,
                    a: Added<F>| {
            let improvement = a.split.as_ref().map_or(0.0, |(_, imp)| *imp);
            frontier.push(Frontier {
                improvement,
                order: records.len(),
            });
            records.push(Some(a));
        };
        let added = self.add(root);
        push(&mut frontier, &mut records, added);
        while let Some(top) = frontier.pop() {
            let Some(added) = records[top.order].take() else {
                continue;
            };
            if added.split.is_none() || max_splits == 0 {
                continue;
            }
            max_splits -= 1;
            if let Some([left, right]) = self.expand(added) {
                let left = self.add(left);
                let right = self.add(right);
                push(&mut frontier, &mut records, left);
                push(&mut frontier, &mut records, right);
            }
        }
    }

    /// Adds the node of `pending` as a leaf with its statistics and value,
    /// and searches its split when it may have one.
    fn add(&mut self, pending: Pending) -> Added<F> {
        let crit = self.ctx.criterion;
        let params = self.ctx.params;
        let mut stats = vec![0.0; crit.width()];
        let mut weight = 0.0;
        for p in &self.records.items[pending.start..pending.end] {
            crit.add(&mut stats, p);
            let w = C::weight(p);
            weight += w;
        }
        let n_node = pending.end - pending.start;
        let width = crit.value_width();
        let at = self.tree.value.len();
        self.tree.value.resize(at + width, 0.0);
        let value = &mut self.tree.value[at..];
        let impurity = match crit.absolute_error() {
            Some(ae) => {
                let weight_of = |r: u32| self.ctx.weights[r as usize];
                let rows = &self.columns.samples[pending.start..pending.end];
                median::summarize(ae.y, ae.n_outputs, rows, weight_of, value)
            }
            None => {
                crit.value(&stats, weight, value);
                crit.impurity(&stats, weight)
            }
        };
        let id = self.tree.nodes.len();
        self.tree.nodes.push(Node::leaf());
        self.tree.impurity.push(impurity.max(0.0));
        self.tree.n_node_samples.push(n_node as u64);
        self.tree.weighted_n_node_samples.push(weight);
        if params.monotonic.is_some() {
            clip_value(&mut self.tree.value[at..], pending.lower, pending.upper);
        }
        if let Some((parent, is_left)) = pending.parent {
            let node = &mut self.tree.nodes[parent];
            if is_left {
                node.left = id as u32;
            } else {
                node.right = id as u32;
            }
        }
        let may_split = pending.depth < params.max_depth
            && n_node >= params.min_samples_split
            && n_node >= 2 * params.min_samples_leaf
            && weight >= 2.0 * params.min_weight_leaf
            && impurity > EPSILON;
        let mut added = Added {
            id,
            split: None,
            pending,
            middle: 0.0,
        };
        if !may_split {
            return added;
        }
        let node = NodeStats {
            start: added.pending.start,
            end: added.pending.end,
            rows: &self.columns.samples,
            records: &self.records.items,
            stats: &stats,
            weight,
            lower: added.pending.lower,
            upper: added.pending.upper,
        };
        let Search { best, constant } = self.ctx.search(
            &self.columns,
            &node,
            &added.pending.active,
            self.rng,
            self.medians.as_mut(),
            &mut self.buffers,
        );
        if !constant.is_empty() {
            added.pending.active.retain(|f| !constant.contains(f));
        }
        let Some(best) = best else {
            return added;
        };
        let wl = best.left_weight;
        let wr = weight - wl;
        let (improvement, middle) = if let Some(ae) = crit.absolute_error() {
            // The children's impurities and medians from their samples.
            let (left, right) = self.sides(&best, added.pending.start, added.pending.end);
            let weight_of = |r: u32| self.ctx.weights[r as usize];
            let (mut vl, mut vr) = (vec![0.0; width], vec![0.0; width]);
            let il = median::summarize(ae.y, ae.n_outputs, &left, weight_of, &mut vl);
            let ir = median::summarize(ae.y, ae.n_outputs, &right, weight_of, &mut vr);
            let improvement =
                weight / self.total_weight * (impurity - wr / weight * ir - wl / weight * il);
            (improvement, 0.5 * vl[0] + 0.5 * vr[0])
        } else {
            let right: Vec<f64> = stats.iter().zip(&best.left).map(|(t, l)| t - l).collect();
            let improvement = crit.improvement(
                impurity,
                weight,
                self.total_weight,
                &best.left,
                wl,
                &right,
                wr,
            );
            let middle =
                0.5 * crit.monotone_value(&best.left, wl) + 0.5 * crit.monotone_value(&right, wr);
            (improvement, middle)
        };
        if improvement + EPSILON < params.min_impurity_decrease {
            return added;
        }
        added.middle = middle;
        added.split = Some((best, improvement));
        added
    }

    /// Splits an added node: applies its split to the columns and returns
    /// its two children to add (left first).
    fn expand(&mut self, added: Added<F>) -> Option<[Pending; 2]> {
        let (split, _) = added.split?;
        let Pending {
            start,
            end,
            depth,
            active,
            lower,
            upper,
            ..
        } = added.pending;
        let ranked = self.ctx.ranked;
        let threshold = split.threshold.value(ranked, split.feature);
        let n_left = match self.ctx.params.splitter {
            SplitterKind::Best => self.columns.split(
                split.feature,
                start,
                end,
                split.n_below,
                split.missing_left,
                &active,
                &mut self.records,
            ),
            SplitterKind::Random => {
                random::mark(
                    &mut self.columns.mask,
                    &self.columns.samples[start..end],
                    ranked.values(split.feature),
                    threshold,
                    split.missing_left,
                );
                self.columns.apply(start, end, &[], &mut self.records)
            }
        };
        let node = &mut self.tree.nodes[added.id];
        node.feature = split.feature as u32;
        node.threshold = threshold;
        node.missing_left = split.missing_left;
        let cst = self
            .ctx
            .params
            .monotonic
            .as_ref()
            .map_or(0, |m| m[split.feature]);
        let ((l_lo, l_hi), (r_lo, r_hi)) = match cst {
            1 => ((lower, added.middle), (added.middle, upper)),
            -1 => ((added.middle, upper), (lower, added.middle)),
            _ => ((lower, upper), (lower, upper)),
        };
        let child =
            |s: usize, e: usize, is_left: bool, lo: f64, hi: f64, active: Vec<u32>| Pending {
                start: s,
                end: e,
                depth: depth + 1,
                parent: Some((added.id, is_left)),
                active,
                lower: lo,
                upper: hi,
            };
        Some([
            child(start, start + n_left, true, l_lo, l_hi, active.clone()),
            child(start + n_left, end, false, r_lo, r_hi, active),
        ])
    }
}

impl<F: Float, C: Criterion> Grower<'_, F, C> {
    /// The rows of the node `start..end` that `split` sends left and right
    /// (for absolute error, which has no missing values).
    fn sides(&self, split: &split::Split<F>, start: usize, end: usize) -> (Vec<u32>, Vec<u32>) {
        let f = split.feature;
        match self.ctx.params.splitter {
            SplitterKind::Best => {
                let seg = self.columns.segment(f, start, end);
                let samples = &self.columns.samples;
                let rows = |part: &[columns::Entry]| {
                    part.iter().map(|e| samples[e.pos as usize]).collect()
                };
                (rows(&seg[..split.n_below]), rows(&seg[split.n_below..]))
            }
            SplitterKind::Random => {
                let ranked = self.ctx.ranked;
                let threshold = split.threshold.value(ranked, f);
                let values = ranked.values(f);
                self.columns.samples[start..end]
                    .iter()
                    .partition(|&&i| goes_left(values[i as usize], threshold, split.missing_left))
            }
        }
    }
}

/// Clips the constrained value of a node (the mean of a regressor, the
/// second class's fraction of a binary classifier) into its bounds.
fn clip_value(value: &mut [f64], lower: f64, upper: f64) {
    if value.len() == 2 {
        let p = value[1].clamp(lower, upper);
        value[1] = p;
        value[0] = 1.0 - p;
    } else {
        value[0] = value[0].clamp(lower, upper);
    }
}

/// A frontier entry of best-first growth: the largest improvement first,
/// then the earliest added.
#[derive(PartialEq)]
struct Frontier {
    improvement: f64,
    order: usize,
}

impl Eq for Frontier {}

impl PartialOrd for Frontier {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Frontier {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.improvement
            .total_cmp(&other.improvement)
            .then_with(|| other.order.cmp(&self.order))
    }
}
