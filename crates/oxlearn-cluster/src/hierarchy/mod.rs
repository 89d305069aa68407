//! Hierarchical clustering: [`AgglomerativeClustering`] and [`Hdbscan`].
//!
//! Both build a binary merge tree ([`MergeTree`], scikit-learn's and
//! scipy's numbering) with the same machinery: Prim's minimum spanning
//! tree without a distance matrix (single linkage, and HDBSCAN's mutual
//! reachability graph), the nearest-neighbour chain (Ward, complete,
//! average linkage), and a union-find that numbers the merges.

mod agglomerative;
mod condense;
mod hdbscan;
mod mst;
mod nn_chain;
mod tree;

pub use agglomerative::{AgglomerativeClustering, AgglomerativeModel, Linkage, LinkageMetric};
pub use condense::ClusterSelection;
pub use hdbscan::{Hdbscan, HdbscanModel};
pub use tree::MergeTree;
