//! A tree as text (scikit-learn's `export_text`) and as Graphviz DOT
//! (`export_graphviz`).

use std::fmt::Write as _;

use oxlearn::Float;

use super::Tree;

/// How a tree is written out.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit};
/// use oxlearn_trees::{DecisionTreeClassifier, Export};
///
/// let data = Dataset::new(array![[1.0], [2.0], [3.0], [4.0]], array!["a", "a", "b", "b"])?
///     .with_feature_names(["size"])?;
/// let model = DecisionTreeClassifier::default().fit(data.view())?;
/// let text = model.export_text(&Export::default().feature_names(data.feature_names().to_vec()));
/// assert_eq!(text, "|--- size <= 2.50\n|   |--- class: a\n|--- size >  2.50\n|   |--- class: b\n");
/// assert!(model.export_graphviz(&Export::default()).starts_with("digraph Tree {"));
/// # Ok::<(), oxlearn_trees::TreeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The name of each feature (`feature_0`, `feature_1`, ... when empty).
    pub feature_names: Vec<String>,
    /// Digits after the decimal point. Default 2.
    pub decimals: usize,
    /// Deeper nodes are summarised as a truncated branch. Default 10.
    pub max_depth: usize,
}

impl Default for Export {
    fn default() -> Self {
        Export {
            feature_names: Vec::new(),
            decimals: 2,
            max_depth: 10,
        }
    }
}

impl Export {
    oxlearn::setters! {
        /// Sets `feature_names`.
        feature_names: Vec<String>,
        /// Sets `decimals`.
        decimals: usize,
        /// Sets `max_depth`.
        max_depth: usize,
    }

    fn name(&self, f: usize) -> String {
        self.feature_names
            .get(f)
            .cloned()
            .unwrap_or_else(|| format!("feature_{f}"))
    }
}

impl<F: Float> Tree<F> {
    /// The tree as indented text; `leaf` writes a leaf's value.
    pub(crate) fn to_text(&self, options: &Export, leaf: &dyn Fn(&[f64]) -> String) -> String {
        /// What remains to write: a node's subtree, or a line as it is.
        enum Item {
            Node(usize, usize),
            Line(String),
        }
        let mut out = String::new();
        let mut stack = vec![Item::Node(0, 0)];
        while let Some(item) = stack.pop() {
            let (i, depth) = match item {
                Item::Line(line) => {
                    out.push_str(&line);
                    continue;
                }
                Item::Node(i, depth) => (i, depth),
            };
            let pad = "|   ".repeat(depth);
            let node = &self.nodes[i];
            if node.is_leaf() {
                let _ = writeln!(out, "{pad}|--- {}", leaf(self.value(i)));
            } else if depth >= options.max_depth {
                let _ = writeln!(
                    out,
                    "{pad}|--- truncated branch of depth {}",
                    self.subtree_depth(i)
                );
            } else {
                let name = options.name(node.feature as usize);
                let thr = self.threshold_text(i, options.decimals);
                let _ = writeln!(out, "{pad}|--- {name} <= {thr}");
                stack.push(Item::Node(node.right as usize, depth + 1));
                stack.push(Item::Line(format!("{pad}|--- {name} >  {thr}\n")));
                stack.push(Item::Node(node.left as usize, depth + 1));
            }
        }
        out
    }

    fn threshold_text(&self, i: usize, decimals: usize) -> String {
        format!("{:.*}", decimals, self.nodes[i].threshold.as_f64())
    }

    /// The depth of the subtree under `node`.
    fn subtree_depth(&self, node: usize) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(node, 0usize)];
        while let Some((i, d)) = stack.pop() {
            deepest = deepest.max(d);
            let n = &self.nodes[i];
            if !n.is_leaf() {
                stack.push((n.left as usize, d + 1));
                stack.push((n.right as usize, d + 1));
            }
        }
        deepest
    }

    /// The tree in Graphviz DOT; `leaf` writes a node's value.
    pub(crate) fn to_dot(&self, options: &Export, leaf: &dyn Fn(&[f64]) -> String) -> String {
        let mut out = String::from(
            "digraph Tree {\nnode [shape=box, fontname=\"helvetica\"] ;\nedge [fontname=\"helvetica\"] ;\n",
        );
        for (i, node) in self.nodes.iter().enumerate() {
            let stats = format!(
                "impurity = {:.*}\\nsamples = {}\\nvalue = {}",
                options.decimals,
                self.impurity[i],
                self.n_node_samples[i],
                leaf(self.value(i))
            );
            let label = if node.is_leaf() {
                stats
            } else {
                format!(
                    "{} <= {}\\n{stats}",
                    options.name(node.feature as usize),
                    self.threshold_text(i, options.decimals)
                )
            };
            let _ = writeln!(out, "{i} [label=\"{}\"] ;", label.replace('"', "\\\""));
            if !node.is_leaf() {
                let (l, r) = (node.left, node.right);
                let _ = writeln!(out, "{i} -> {l} [label=\"<=\"] ;");
                let _ = writeln!(out, "{i} -> {r} [label=\">\"] ;");
            }
        }
        out.push_str("}\n");
        out
    }
}
