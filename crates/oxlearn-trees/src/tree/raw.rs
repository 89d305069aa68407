//! The unchecked serialised form of a [`Tree`], validated when loaded.

use oxlearn::{Error, Float};

use super::{FORMAT_VERSION, Node, Tree};

/// A [`Tree`] as stored, before its invariants are checked.
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub(crate) struct RawTree<F> {
    pub(crate) format_version: u32,
    pub(crate) n_features: usize,
    pub(crate) value_width: usize,
    pub(crate) nodes: Vec<Node<F>>,
    pub(crate) impurity: Vec<f64>,
    pub(crate) n_node_samples: Vec<u64>,
    pub(crate) weighted_n_node_samples: Vec<f64>,
    pub(crate) value: Vec<f64>,
}

fn invalid(message: String) -> Error {
    Error::InvalidModel(format!("tree: {message}"))
}

impl<F: Float> TryFrom<RawTree<F>> for Tree<F> {
    type Error = Error;

    fn try_from(raw: RawTree<F>) -> Result<Self, Error> {
        if raw.format_version != FORMAT_VERSION {
            return Err(invalid(format!(
                "format version {}, expected {FORMAT_VERSION}",
                raw.format_version
            )));
        }
        let n = raw.nodes.len();
        if n == 0 || n > u32::MAX as usize {
            return Err(invalid(format!(
                "{n} nodes, expected between 1 and {}",
                u32::MAX
            )));
        }
        if raw.n_features == 0 || raw.value_width == 0 {
            return Err(invalid(format!(
                "{} features and values of width {}, expected both >= 1",
                raw.n_features, raw.value_width
            )));
        }
        for (what, len) in [
            ("impurities", raw.impurity.len()),
            ("sample counts", raw.n_node_samples.len()),
            ("weighted sample counts", raw.weighted_n_node_samples.len()),
        ] {
            if len != n {
                return Err(invalid(format!("{len} {what} for {n} nodes")));
            }
        }
        if n.checked_mul(raw.value_width) != Some(raw.value.len()) {
            return Err(invalid(format!(
                "{} values for {n} nodes of width {}",
                raw.value.len(),
                raw.value_width
            )));
        }
        let mut parents = vec![0u8; n];
        for (i, node) in raw.nodes.iter().enumerate() {
            if node.is_leaf() {
                if node.right != 0 {
                    return Err(invalid(format!("leaf {i} has a right child")));
                }
                continue;
            }
            let (l, r) = (node.left as usize, node.right as usize);
            if l <= i || r <= i || l == r || l >= n || r >= n {
                return Err(invalid(format!(
                    "node {i} has children {l} and {r}, expected two distinct nodes in {}..{n}",
                    i + 1
                )));
            }
            if node.feature as usize >= raw.n_features {
                return Err(invalid(format!(
                    "node {i} splits on feature {}, expected < {}",
                    node.feature, raw.n_features
                )));
            }
            if node.threshold.is_nan() {
                return Err(invalid(format!("node {i} has a NaN threshold")));
            }
            parents[l] += 1;
            parents[r] += 1;
            if raw.n_node_samples[l].checked_add(raw.n_node_samples[r])
                != Some(raw.n_node_samples[i])
            {
                return Err(invalid(format!(
                    "node {i} holds {} samples, its children {} and {}",
                    raw.n_node_samples[i], raw.n_node_samples[l], raw.n_node_samples[r]
                )));
            }
        }
        if let Some(orphan) = (1..n).find(|&i| parents[i] != 1) {
            return Err(invalid(format!(
                "node {orphan} has {} parents, expected 1",
                parents[orphan]
            )));
        }
        let bad_stat = |v: &f64| !(v.is_finite() && *v >= 0.0);
        if raw.impurity.iter().any(bad_stat) || raw.weighted_n_node_samples.iter().any(bad_stat) {
            return Err(invalid(
                "an impurity or weighted sample count is negative or not finite".to_string(),
            ));
        }
        if raw.value.iter().any(|v| !v.is_finite()) {
            return Err(invalid("a node value is not finite".to_string()));
        }
        let mut tree = Tree {
            format_version: raw.format_version,
            n_features: raw.n_features,
            value_width: raw.value_width,
            nodes: raw.nodes,
            impurity: raw.impurity,
            n_node_samples: raw.n_node_samples,
            weighted_n_node_samples: raw.weighted_n_node_samples,
            value: raw.value,
            max_depth: 0,
        };
        tree.max_depth = tree.depths().into_iter().max().unwrap_or(0);
        Ok(tree)
    }
}
