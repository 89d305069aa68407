//! Property tests: the KD-tree agrees with brute force; k-means and DBSCAN
//! results satisfy their definitions on random data, and never panic.

use ndarray::Array2;
use oxlearn::{Dataset, Fit, Predict, Transform};
use oxlearn_cluster::neighbors::{KdTree, Metric};
use oxlearn_cluster::{ClusterError, Dbscan, KMeans};
use proptest::prelude::*;

/// Small random point sets on a coarse grid (so that ties and duplicates occur).
fn points() -> impl Strategy<Value = Array2<f64>> {
    (1usize..40, 1usize..4).prop_flat_map(|(n, d)| {
        proptest::collection::vec(-4i8..4, n * d).prop_map(move |v| {
            Array2::from_shape_vec((n, d), v.into_iter().map(|t| f64::from(t) * 0.5).collect())
                .unwrap()
        })
    })
}

fn metric() -> impl Strategy<Value = Metric> {
    prop_oneof![
        Just(Metric::Euclidean),
        Just(Metric::Manhattan),
        Just(Metric::Chebyshev)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn kd_tree_matches_brute_force(x in points(), metric in metric(), leaf in 1usize..6, k in 1usize..5, r in 0.0f64..3.0) {
        let tree = KdTree::new(x.view(), leaf, metric).unwrap();
        let q = x.row(0);
        let mut all: Vec<(usize, f64)> = x
            .rows()
            .into_iter()
            .enumerate()
            .map(|(i, p)| (i, metric.distance(p.as_slice().unwrap(), q.as_slice().unwrap())))
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let k = k.min(x.nrows());
        let got = tree.query(q, k).unwrap();
        prop_assert_eq!(got, all[..k].to_vec());
        let mut within = tree.query_radius(q, r).unwrap();
        within.sort_unstable();
        let mut want: Vec<usize> = all.iter().filter(|p| p.1 <= r).map(|p| p.0).collect();
        want.sort_unstable();
        prop_assert_eq!(within, want);
    }

    #[test]
    fn kmeans_labels_are_nearest_centres(x in points(), k in 1usize..5, seed in 0u64..1000) {
        let data = Dataset::from_records(x.clone());
        match KMeans::new(k).seed(seed).fit(data.view()) {
            Ok(model) => {
                // Training labels and predictions agree up to exact ties
                // (rounding differs between the centred fit and predict).
                let predicted = model.predict(x.view()).unwrap();
                let dist = model.transform(x.view()).unwrap();
                let mut inertia = 0.0;
                for ((row, &l), &p) in dist.rows().into_iter().zip(model.labels()).zip(&predicted) {
                    let best = row.iter().copied().fold(f64::INFINITY, f64::min);
                    prop_assert!(row[l] <= best + 1e-9);
                    prop_assert!(row[p] <= best + 1e-9);
                    inertia += row[l] * row[l];
                }
                prop_assert!((inertia - model.inertia()).abs() <= 1e-9 * (1.0 + inertia));
            }
            Err(ClusterError::TooFewDistinctClusters { found, n_clusters }) => {
                prop_assert!(found < n_clusters);
            }
            Err(e) => prop_assert!(k > x.nrows(), "unexpected error {}", e),
        }
    }

    #[test]
    fn dbscan_follows_its_definition(x in points(), metric in metric(), eps in 0.1f64..2.0, min_samples in 1usize..6) {
        let data = Dataset::from_records(x.clone());
        let model = Dbscan::new(eps, min_samples).metric(metric).fit(data.view()).unwrap();
        let labels = model.labels();
        let n = x.nrows();
        let near = |a: usize, b: usize| {
            metric.distance(x.row(a).as_slice().unwrap(), x.row(b).as_slice().unwrap()) <= eps
        };
        let core: Vec<bool> = (0..n).map(|i| (0..n).filter(|&j| near(i, j)).count() >= min_samples).collect();
        let expected: Vec<usize> = (0..n).filter(|&i| core[i]).collect();
        prop_assert_eq!(model.core_sample_indices(), &expected[..]);
        for i in 0..n {
            if core[i] {
                prop_assert!(labels[i] >= 0);
                for j in 0..n {
                    if core[j] && near(i, j) {
                        prop_assert_eq!(labels[i], labels[j]);
                    }
                }
            } else if labels[i] >= 0 {
                prop_assert!((0..n).any(|j| core[j] && near(i, j) && labels[j] == labels[i]));
            } else {
                prop_assert!(!(0..n).any(|j| core[j] && near(i, j)));
            }
        }
    }
}
