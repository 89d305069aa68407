//! HDBSCAN's condensed tree, cluster stabilities, cluster selection,
//! labels and membership probabilities (scikit-learn's `_tree.pyx`).

use std::collections::{BTreeSet, VecDeque};

use super::tree::Merge;

/// One row of the condensed tree: `child` (a sample `< n` or a cluster
/// `>= n`) leaves `parent` at `lambda = 1 / distance` with `size` samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Row {
    pub(crate) parent: usize,
    pub(crate) child: usize,
    pub(crate) lambda: f64,
    pub(crate) size: usize,
}

/// How HDBSCAN picks the flat clusters from the condensed tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ClusterSelection {
    /// Excess of mass: the most stable clusters, none inside another.
    #[default]
    Eom,
    /// The leaves of the condensed cluster tree (finer, more homogeneous).
    Leaf,
}

/// The selection settings of [`tree_to_labels`].
pub(crate) struct Selection {
    pub(crate) min_cluster_size: usize,
    pub(crate) method: ClusterSelection,
    pub(crate) allow_single_cluster: bool,
    pub(crate) epsilon: f64,
    pub(crate) max_cluster_size: Option<usize>,
}

/// The breadth-first order of the nodes under `root` in the single-linkage
/// tree (`hierarchy[i]` creates node `n + i`).
fn bfs_hierarchy(h: &[Merge], root: usize) -> Vec<usize> {
    let n = h.len() + 1;
    let mut out = Vec::new();
    let mut queue = vec![root];
    while !queue.is_empty() {
        out.extend_from_slice(&queue);
        let mut next = Vec::new();
        for &v in &queue {
            if v >= n {
                next.push(h[v - n].a);
                next.push(h[v - n].b);
            }
        }
        queue = next;
    }
    out
}

/// scikit-learn's `_condense_tree`.
pub(crate) fn condense(h: &[Merge], min_cluster_size: usize) -> Vec<Row> {
    let n = h.len() + 1;
    let root = 2 * h.len();
    let mut next_label = n + 1;
    let mut relabel = vec![0usize; root + 1];
    relabel[root] = n;
    let mut ignore = vec![false; root + 1];
    let mut rows = Vec::with_capacity(2 * n);
    let count = |v: usize| if v >= n { h[v - n].size } else { 1 };
    for node in bfs_hierarchy(h, root) {
        if ignore[node] || node < n {
            continue;
        }
        let m = h[node - n];
        let lambda = if m.dist > 0.0 {
            1.0 / m.dist
        } else {
            f64::INFINITY
        };
        let (lc, rc) = (count(m.a), count(m.b));
        let parent = relabel[node];
        let fall_out = |sub: usize, rows: &mut Vec<Row>, ignore: &mut Vec<bool>| {
            for v in bfs_hierarchy(h, sub) {
                if v < n {
                    rows.push(Row {
                        parent,
                        child: v,
                        lambda,
                        size: 1,
                    });
                }
                ignore[v] = true;
            }
        };
        let (big_l, big_r) = (lc >= min_cluster_size, rc >= min_cluster_size);
        if big_l && big_r {
            for (child, size) in [(m.a, lc), (m.b, rc)] {
                relabel[child] = next_label;
                rows.push(Row {
                    parent,
                    child: next_label,
                    lambda,
                    size,
                });
                next_label += 1;
            }
        } else if !big_l && !big_r {
            fall_out(m.a, &mut rows, &mut ignore);
            fall_out(m.b, &mut rows, &mut ignore);
        } else if !big_l {
            relabel[m.b] = parent;
            fall_out(m.a, &mut rows, &mut ignore);
        } else {
            relabel[m.a] = parent;
            fall_out(m.b, &mut rows, &mut ignore);
        }
    }
    rows
}

/// The labels (-1 for noise) and membership probabilities of the samples.
pub(crate) fn tree_to_labels(h: &[Merge], sel: &Selection) -> (Vec<i64>, Vec<f64>) {
    let n = h.len() + 1;
    let rows = condense(h, sel.min_cluster_size);
    let root = n;
    let max_id = rows
        .iter()
        .map(|r| r.parent.max(r.child))
        .max()
        .unwrap_or(root);
    let n_ids = max_id + 1 - root;

    // Stability (`_compute_stability`).
    let mut birth = vec![f64::NAN; n_ids];
    for r in rows.iter().filter(|r| r.child >= root) {
        birth[r.child - root] = r.lambda;
    }
    birth[0] = 0.0;
    let mut stability = vec![0.0f64; n_ids];
    for r in &rows {
        stability[r.parent - root] += (r.lambda - birth[r.parent - root]) * r.size as f64;
    }

    // The cluster tree: rows whose child is a cluster.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n_ids];
    let mut parent_of = vec![usize::MAX; n_ids];
    let mut size_of = vec![0usize; n_ids];
    for r in rows.iter().filter(|r| r.size > 1) {
        children[r.parent - root].push(r.child);
        parent_of[r.child - root] = r.parent;
        size_of[r.child - root] = r.size;
    }
    let has_cluster_tree = rows.iter().any(|r| r.size > 1);
    if sel.allow_single_cluster {
        size_of[0] = children[0].iter().map(|&c| size_of[c - root]).sum();
    }
    let descendants = |node: usize| {
        let mut out = Vec::new();
        let mut queue = VecDeque::from([node]);
        while let Some(v) = queue.pop_front() {
            out.push(v);
            queue.extend(children[v - root].iter().copied());
        }
        out
    };
    let candidates: Vec<usize> = (root..=max_id)
        .rev()
        .filter(|&c| sel.allow_single_cluster || c != root)
        .filter(|&c| c == root || parent_of[c - root] != usize::MAX)
        .collect();
    let mut is_cluster = vec![false; n_ids];
    for &c in &candidates {
        is_cluster[c - root] = true;
    }
    let max_size = sel.max_cluster_size.unwrap_or(usize::MAX);
    // The distance at which a (non-root) cluster is born.
    let eps_of = |c: usize| 1.0 / birth[c - root];
    let epsilon_search = |leaves: &BTreeSet<usize>| -> BTreeSet<usize> {
        let mut selected = BTreeSet::new();
        let mut processed = BTreeSet::new();
        for &leaf in leaves {
            if eps_of(leaf) < sel.epsilon {
                if !processed.contains(&leaf) {
                    // `traverse_upwards`.
                    let mut node = leaf;
                    let chosen = loop {
                        let parent = parent_of[node - root];
                        if parent == usize::MAX {
                            break node;
                        }
                        if parent == root {
                            break if sel.allow_single_cluster {
                                parent
                            } else {
                                node
                            };
                        }
                        if eps_of(parent) > sel.epsilon {
                            break parent;
                        }
                        node = parent;
                    };
                    selected.insert(chosen);
                    processed.extend(descendants(chosen).into_iter().filter(|&v| v != chosen));
                }
            } else {
                selected.insert(leaf);
            }
        }
        selected
    };
    match sel.method {
        ClusterSelection::Eom => {
            for &node in &candidates {
                let sub: f64 = children[node - root]
                    .iter()
                    .map(|&c| stability[c - root])
                    .sum();
                if sub > stability[node - root] || size_of[node - root] > max_size {
                    is_cluster[node - root] = false;
                    stability[node - root] = sub;
                } else {
                    for v in descendants(node) {
                        if v != node {
                            is_cluster[v - root] = false;
                        }
                    }
                }
            }
            if sel.epsilon != 0.0 && has_cluster_tree {
                let eom: BTreeSet<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&c| is_cluster[c - root])
                    .collect();
                let selected = if eom.len() == 1 && eom.contains(&root) {
                    if sel.allow_single_cluster {
                        eom
                    } else {
                        BTreeSet::new()
                    }
                } else {
                    epsilon_search(&eom)
                };
                for &c in &candidates {
                    is_cluster[c - root] = selected.contains(&c);
                }
            }
        }
        ClusterSelection::Leaf => {
            let leaves: BTreeSet<usize> = if has_cluster_tree {
                descendants(root)
                    .into_iter()
                    .filter(|&v| children[v - root].is_empty())
                    .collect()
            } else {
                BTreeSet::new()
            };
            let selected = if sel.epsilon != 0.0 {
                epsilon_search(&leaves)
            } else {
                leaves
            };
            for &c in &candidates {
                is_cluster[c - root] = selected.contains(&c);
            }
        }
    }
    let clusters: Vec<usize> = (root..=max_id).filter(|&c| is_cluster[c - root]).collect();
    let label_of = |c: usize| clusters.binary_search(&c).ok().map(|i| i as i64);

    // `_do_labelling`: a sample takes the nearest selected cluster above it.
    let mut point_row = vec![usize::MAX; n];
    for (i, r) in rows.iter().enumerate() {
        if r.child < root {
            point_row[r.child] = i;
        }
    }
    let root_max_lambda = rows
        .iter()
        .filter(|r| r.parent == root)
        .map(|r| r.lambda)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut labels = vec![-1i64; n];
    for (p, label) in labels.iter_mut().enumerate() {
        let Some(row) = rows.get(point_row[p]) else {
            continue;
        };
        let mut c = row.parent;
        while c != root && !is_cluster[c - root] {
            c = parent_of[c - root];
        }
        if c != root {
            *label = label_of(c).unwrap_or(-1);
        } else if clusters.len() == 1 && sel.allow_single_cluster {
            let threshold = if sel.epsilon != 0.0 {
                1.0 / sel.epsilon
            } else {
                root_max_lambda
            };
            if row.lambda >= threshold {
                *label = label_of(root).unwrap_or(-1);
            }
        }
    }

    // `get_probabilities`, with `max_lambdas` (the last run of each parent).
    let mut deaths = vec![0.0f64; n_ids];
    if let Some(first) = rows.first() {
        let (mut current, mut max_lambda) = (first.parent, first.lambda);
        for r in &rows[1..] {
            if r.parent == current {
                max_lambda = max_lambda.max(r.lambda);
            } else {
                deaths[current - root] = max_lambda;
                current = r.parent;
                max_lambda = r.lambda;
            }
        }
        deaths[current - root] = max_lambda;
    }
    let mut probabilities = vec![0.0f64; n];
    for r in rows.iter().filter(|r| r.child < root) {
        let label = labels[r.child];
        if label < 0 {
            continue;
        }
        let max_lambda = deaths[clusters[label as usize] - root];
        probabilities[r.child] = if max_lambda == 0.0 || r.lambda.is_infinite() {
            1.0
        } else {
            r.lambda.min(max_lambda) / max_lambda
        };
    }
    (labels, probabilities)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(dists: &[f64]) -> Vec<Merge> {
        // Leaves 0..n joined one by one: ((0, 1), 2), 3) ...
        let n = dists.len() + 1;
        dists
            .iter()
            .enumerate()
            .map(|(i, &dist)| Merge {
                a: if i == 0 { 0 } else { n + i - 1 },
                b: i + 1,
                dist,
                size: i + 2,
            })
            .collect()
    }

    #[test]
    fn everything_falls_out_of_the_root_without_a_split() {
        let h = chain(&[1.0, 1.0, 2.0, 2.0]);
        let rows = condense(&h, 3);
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|r| r.parent == 5 && r.size == 1));
        let sel = Selection {
            min_cluster_size: 3,
            method: ClusterSelection::Eom,
            allow_single_cluster: false,
            epsilon: 0.0,
            max_cluster_size: None,
        };
        let (labels, probs) = tree_to_labels(&h, &sel);
        assert_eq!(labels, vec![-1; 5]);
        assert_eq!(probs, vec![0.0; 5]);
        let single = Selection {
            allow_single_cluster: true,
            ..sel
        };
        let (labels, probs) = tree_to_labels(&h, &single);
        // Samples that leave the root at its largest lambda stay in it.
        assert_eq!(labels, vec![0, 0, 0, -1, -1]);
        assert_eq!(probs, vec![1.0, 1.0, 1.0, 0.0, 0.0]);
    }
}
