//! Minimal cost-complexity pruning (Breiman et al., scikit-learn's
//! `ccp_alpha` and `cost_complexity_pruning_path`).
//!
//! The cost of a subtree is the sum over its leaves of
//! `weight / total weight · impurity`; pruning repeatedly collapses the
//! internal node whose collapse costs the least per leaf removed (its
//! effective alpha), until that cost exceeds `ccp_alpha`.

use oxlearn::Float;

use super::Tree;

/// The effective alphas at which the nodes are pruned, and the total leaf
/// impurity of the tree after each pruning; the first entry is the full
/// tree's (alpha 0).
#[derive(Debug, Clone, PartialEq)]
pub struct CcpPath {
    /// Increasing effective alphas, starting with 0.
    pub ccp_alphas: Vec<f64>,
    /// The total leaf impurity of the subtree at each alpha.
    pub impurities: Vec<f64>,
}

impl<F: Float> Tree<F> {
    /// Runs the pruning loop until the next effective alpha exceeds `alpha`
    /// (never, for `f64::INFINITY`); returns which nodes stay, which of those
    /// become leaves, and the path.
    fn prune_loop(&self, alpha: f64) -> (Vec<bool>, Vec<bool>, CcpPath) {
        let n = self.nodes.len();
        let total = self.weighted_n_node_samples[0];
        let r_node: Vec<f64> = (0..n)
            .map(|i| self.weighted_n_node_samples[i] * self.impurity[i] / total)
            .collect();
        let mut parent = vec![usize::MAX; n];
        for (i, node) in self.nodes.iter().enumerate() {
            if !node.is_leaf() {
                parent[node.left as usize] = i;
                parent[node.right as usize] = i;
            }
        }
        let mut is_leaf: Vec<bool> = self.nodes.iter().map(|nd| nd.is_leaf()).collect();
        let mut r_branch = vec![0.0; n];
        let mut n_leaves = vec![0usize; n];
        for leaf in (0..n).filter(|&i| is_leaf[i]) {
            r_branch[leaf] = r_node[leaf];
            let mut i = leaf;
            while i != 0 {
                let p = parent[i];
                r_branch[p] += r_node[leaf];
                n_leaves[p] += 1;
                i = p;
            }
        }
        let mut candidate: Vec<bool> = is_leaf.iter().map(|l| !l).collect();
        let mut keep = vec![true; n];
        let mut path = CcpPath {
            ccp_alphas: vec![0.0],
            impurities: vec![r_branch[0]],
        };
        while candidate[0] {
            let mut effective = f64::MAX;
            let mut pruned = 0;
            for i in (0..n).filter(|&i| candidate[i]) {
                let a = (r_node[i] - r_branch[i]) / (n_leaves[i] - 1) as f64;
                if a < effective {
                    effective = a;
                    pruned = i;
                }
            }
            if alpha < effective {
                break;
            }
            let mut stack = vec![pruned];
            while let Some(i) = stack.pop() {
                if !keep[i] {
                    continue;
                }
                candidate[i] = false;
                is_leaf[i] = false;
                keep[i] = false;
                let node = &self.nodes[i];
                if !node.is_leaf() {
                    stack.push(node.left as usize);
                    stack.push(node.right as usize);
                }
            }
            is_leaf[pruned] = true;
            keep[pruned] = true;
            let removed = n_leaves[pruned] - 1;
            n_leaves[pruned] = 0;
            let diff = r_node[pruned] - r_branch[pruned];
            r_branch[pruned] = r_node[pruned];
            let mut i = parent[pruned];
            while i != usize::MAX {
                n_leaves[i] -= removed;
                r_branch[i] += diff;
                i = parent[i];
            }
            path.ccp_alphas.push(effective);
            path.impurities.push(r_branch[0]);
        }
        (keep, is_leaf, path)
    }

    /// The pruning path of this tree.
    pub(crate) fn pruning_path(&self) -> CcpPath {
        self.prune_loop(f64::INFINITY).2
    }

    /// This tree pruned with complexity parameter `alpha` (nodes renumbered
    /// depth-first, left before right).
    pub(crate) fn pruned(&self, alpha: f64) -> Tree<F> {
        let (keep, is_leaf, _) = self.prune_loop(alpha);
        if keep.iter().all(|&k| k)
            && (0..self.nodes.len()).all(|i| is_leaf[i] == self.nodes[i].is_leaf())
        {
            return self.clone();
        }
        let w = self.value_width;
        let mut out = Tree {
            format_version: self.format_version,
            n_features: self.n_features,
            value_width: w,
            nodes: Vec::new(),
            impurity: Vec::new(),
            n_node_samples: Vec::new(),
            weighted_n_node_samples: Vec::new(),
            value: Vec::new(),
            max_depth: 0,
        };
        // (old node, new parent, is left)
        let mut stack = vec![(0usize, usize::MAX, false)];
        while let Some((old, new_parent, left)) = stack.pop() {
            let id = out.nodes.len();
            let mut node = self.nodes[old];
            if is_leaf[old] {
                node = super::Node::leaf();
            } else {
                stack.push((node.right as usize, id, false));
                stack.push((node.left as usize, id, true));
            }
            out.nodes.push(node);
            out.impurity.push(self.impurity[old]);
            out.n_node_samples.push(self.n_node_samples[old]);
            out.weighted_n_node_samples
                .push(self.weighted_n_node_samples[old]);
            out.value.extend_from_slice(self.value(old));
            if new_parent != usize::MAX {
                let p = &mut out.nodes[new_parent];
                if left {
                    p.left = id as u32;
                } else {
                    p.right = id as u32;
                }
            }
        }
        out.max_depth = out.depths().into_iter().max().unwrap_or(0);
        out
    }
}
