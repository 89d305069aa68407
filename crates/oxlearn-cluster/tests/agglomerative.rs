//! AgglomerativeClustering: reference values from scikit-learn 1.7.2
//! (`xtask/fixtures/cluster_hierarchy.py`), bad input, f32, threads.
//!
//! Against scikit-learn, on iris, standardised wine, make_blobs, make_moons
//! and make_circles, for the four linkages (and manhattan, cosine and
//! chebyshev distances for complete, average and single): the same
//! partitions (adjusted Rand index 1.0) and the same label numbering, the
//! same `children_` where scikit-learn's tree has no tied heights, merge
//! heights within 1e-10 (relative, absolute below 1), and the same
//! `n_clusters_` and labels when cutting at a distance threshold.

use ndarray::{Array1, Array2, array};
use oxlearn::metrics::adjusted_rand_score;
use oxlearn::{Dataset, Fit};
use oxlearn_cluster::{AgglomerativeClustering, Linkage, LinkageMetric};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows = v.as_array().unwrap();
    let d = rows[0].as_array().unwrap().len();
    Array2::from_shape_vec(
        (rows.len(), d),
        rows.iter()
            .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()))
            .collect(),
    )
    .unwrap()
}

fn ints(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn linkage(name: &str) -> Linkage {
    match name {
        "ward" => Linkage::Ward,
        "complete" => Linkage::Complete,
        "average" => Linkage::Average,
        "single" => Linkage::Single,
        other => panic!("unknown linkage {other}"),
    }
}

fn metric(name: &str) -> LinkageMetric {
    match name {
        "euclidean" => LinkageMetric::Euclidean,
        "manhattan" => LinkageMetric::Manhattan,
        "cosine" => LinkageMetric::Cosine,
        "chebyshev" => LinkageMetric::Chebyshev,
        other => panic!("unknown metric {other}"),
    }
}

#[test]
fn matches_scikit_learn() {
    let data = load("hierarchy_data");
    let fixture = load("agglomerative");
    let mut exact_children = 0;
    for case in fixture["cases"].as_array().unwrap() {
        let name = format!(
            "{} {} {}",
            case["data"].as_str().unwrap(),
            case["linkage"],
            case["metric"]
        );
        let x = matrix(&data["data"][case["data"].as_str().unwrap()]);
        let n = x.nrows();
        let ds = Dataset::from_records(x);
        let params = AgglomerativeClustering::new(case["n_clusters"].as_u64().unwrap() as usize)
            .linkage(linkage(case["linkage"].as_str().unwrap()))
            .metric(metric(case["metric"].as_str().unwrap()))
            .compute_distances(true);
        let model = params.fit(ds.view()).unwrap();
        assert_eq!(model.n_leaves(), n);
        assert_eq!(model.n_features_in(), ds.records().ncols());

        // Heights, sorted as scikit-learn's.
        let expected: Vec<f64> = case["distances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let heights = model.distances().unwrap();
        for (i, (&a, &b)) in heights.iter().zip(&expected).enumerate() {
            assert!(
                (a - b).abs() <= 1e-10 * b.abs().max(1.0),
                "{name}: height {i}: {a} vs {b}"
            );
        }

        // Labels: same partition and same numbering.
        let labels = ints(&case["labels"]);
        let ari = adjusted_rand_score(model.labels(), &Array1::from(labels.clone())).unwrap();
        assert_eq!(ari, 1.0, "{name}");
        assert_eq!(model.labels().to_vec(), labels, "{name}: label numbering");

        // Children: identical unless heights tie (then the order of the tied
        // merges is arbitrary).
        let children: Vec<usize> = ints(&Value::Array(
            case["children"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r.as_array().unwrap().clone())
                .collect(),
        ));
        let ties = expected.windows(2).any(|w| w[0] == w[1]);
        let ours: Vec<usize> = model.children().iter().copied().collect();
        if !ties {
            assert_eq!(ours, children, "{name}: children");
            exact_children += 1;
        }
        let counts = model.counts();
        assert_eq!(counts[counts.len() - 1], n);

        // The same tree cut at a distance threshold.
        if let Some(t) = case["threshold"].as_f64() {
            let cut = AgglomerativeClustering::with_distance_threshold(t)
                .linkage(params.linkage)
                .fit(ds.view())
                .unwrap();
            assert_eq!(
                cut.n_clusters() as u64,
                case["threshold_n_clusters"].as_u64().unwrap(),
                "{name}: threshold"
            );
            assert_eq!(
                cut.labels().to_vec(),
                ints(&case["threshold_labels"]),
                "{name}"
            );
            assert!(cut.distances().is_some());
        }
    }
    assert!(
        exact_children >= 20,
        "only {exact_children} trees without ties"
    );
}

#[test]
fn invalid_hyperparameters_are_errors() {
    let ds = Dataset::from_records(array![[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]);
    for params in [
        AgglomerativeClustering::new(0),
        AgglomerativeClustering::new(4),
        AgglomerativeClustering::new(2).distance_threshold(Some(1.0)),
        AgglomerativeClustering::new(2).n_clusters(None),
        AgglomerativeClustering::with_distance_threshold(-1.0),
        AgglomerativeClustering::with_distance_threshold(f64::NAN),
        AgglomerativeClustering::with_distance_threshold(1.0).compute_full_tree(false),
        AgglomerativeClustering::new(2).metric(LinkageMetric::Manhattan),
        AgglomerativeClustering::new(2).n_threads(Some(0)),
    ] {
        let err = params.fit(ds.view()).unwrap_err();
        assert!(err.to_string().contains("invalid hyperparameter"), "{err}");
    }
}

#[test]
fn bad_data_is_an_error() {
    let params = AgglomerativeClustering::new(1);
    let empty = Dataset::from_records(Array2::<f64>::zeros((0, 2)));
    assert!(params.fit(empty.view()).is_err());
    let one = Dataset::from_records(array![[1.0, 2.0]]);
    assert!(params.fit(one.view()).is_err());
    let nan = Dataset::from_records(array![[0.0, f64::NAN], [1.0, 1.0]]);
    assert!(
        params
            .fit(nan.view())
            .unwrap_err()
            .to_string()
            .contains("non-finite")
    );
    let zero_row = Dataset::from_records(array![[0.0, 0.0], [1.0, 1.0], [1.0, 2.0]]);
    let cosine = AgglomerativeClustering::new(2)
        .linkage(Linkage::Average)
        .metric(LinkageMetric::Cosine);
    assert!(
        cosine
            .fit(zero_row.view())
            .unwrap_err()
            .to_string()
            .contains("all-zero")
    );
    let weighted = Dataset::from_records(array![[0.0], [1.0], [3.0]])
        .with_weights(array![1.0, 2.0, 1.0])
        .unwrap();
    let err = params.fit(weighted.view()).unwrap_err();
    assert!(err.to_string().contains("sample weights"), "{err}");
    // Distances that overflow to +inf still give a valid tree, not a panic.
    let huge = Dataset::from_records(array![[0.0], [1e200], [-1e200]]);
    for linkage in [
        Linkage::Ward,
        Linkage::Complete,
        Linkage::Average,
        Linkage::Single,
    ] {
        let model = AgglomerativeClustering::new(1)
            .linkage(linkage)
            .fit(huge.view())
            .unwrap();
        assert_eq!(model.labels().to_vec(), [0, 0, 0], "{linkage:?}");
    }
}

#[test]
fn f32_threads_and_small_cases() {
    let x = oxlearn_datasets::iris().unwrap().records().to_owned();
    let x32 = x.mapv(|v| v as f32);
    for link in [
        Linkage::Ward,
        Linkage::Complete,
        Linkage::Average,
        Linkage::Single,
    ] {
        let params = AgglomerativeClustering::new(3)
            .linkage(link)
            .compute_distances(true);
        let m64 = params.fit(Dataset::from_records(x.clone()).view()).unwrap();
        let m32 = params
            .fit(Dataset::from_records(x32.clone()).view())
            .unwrap();
        let ari = adjusted_rand_score(m64.labels(), m32.labels()).unwrap();
        assert!(ari > 0.9, "{link:?}: {ari}");
        let one = params
            .clone()
            .n_threads(Some(1))
            .fit(Dataset::from_records(x.clone()).view())
            .unwrap();
        let two = params
            .n_threads(Some(2))
            .fit(Dataset::from_records(x.clone()).view())
            .unwrap();
        assert_eq!(one, two);
        assert_eq!(one, m64);
    }
    // Two samples, one cluster each or together; without compute_distances
    // there are no heights.
    let two = Dataset::from_records(array![[0.0], [3.0]]);
    let m = AgglomerativeClustering::new(2).fit(two.view()).unwrap();
    assert_eq!(m.labels().to_vec(), vec![1, 0]);
    assert!(m.distances().is_none());
    assert!(m.tree().linkage_matrix().is_none());
    let m = AgglomerativeClustering::new(1).fit(two.view()).unwrap();
    assert_eq!(m.labels().to_vec(), vec![0, 0]);
    assert_eq!(m.children().row(0).to_vec(), vec![0, 1]);
}

#[test]
fn parallel_nearest_neighbour_search_is_deterministic() {
    // Enough active clusters for the parallel nearest-neighbour search.
    let x = Array2::from_shape_fn((5000, 3), |(i, j)| {
        ((i * 7919 + j * 104_729) % 2003) as f64 / 100.0 + (i % 4) as f64 * 50.0
    });
    let ds = Dataset::from_records(x);
    for link in [Linkage::Ward, Linkage::Single] {
        let params = AgglomerativeClustering::new(4)
            .linkage(link)
            .compute_distances(true);
        let one = params.clone().n_threads(Some(1)).fit(ds.view()).unwrap();
        let two = params.n_threads(Some(2)).fit(ds.view()).unwrap();
        assert_eq!(one, two);
        let truth: Array1<usize> = (0..5000).map(|i| i % 4).collect();
        assert_eq!(adjusted_rand_score(one.labels(), &truth).unwrap(), 1.0);
    }
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip() {
    let x = array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]];
    let m = AgglomerativeClustering::new(2)
        .compute_distances(true)
        .fit(Dataset::from_records(x).view())
        .unwrap();
    let json = serde_json::to_string(&m).unwrap();
    let back: oxlearn_cluster::AgglomerativeModel<f64> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    // A merge that refers to a node created after it is rejected.
    let corrupt = json.replacen("\"data\":[2,3", "\"data\":[2,9", 1);
    assert_ne!(corrupt, json);
    let err =
        serde_json::from_str::<oxlearn_cluster::AgglomerativeModel<f64>>(&corrupt).unwrap_err();
    assert!(err.to_string().contains("merge tree"), "{err}");
}

/// Small random point sets on a coarse grid (so that ties and duplicates occur).
fn grid_points() -> impl proptest::strategy::Strategy<Value = Array2<f64>> {
    use proptest::prelude::*;
    (2usize..40, 1usize..4).prop_flat_map(|(n, d)| {
        proptest::collection::vec(-4i8..4, n * d).prop_map(move |v| {
            Array2::from_shape_vec((n, d), v.into_iter().map(|t| f64::from(t) * 0.5).collect())
                .unwrap()
        })
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any data, linkage and number of clusters: a valid tree and exactly
    /// `n_clusters` non-empty clusters, or an error, never a panic.
    #[test]
    fn trees_and_labels_are_valid(
        x in grid_points(),
        link in 0usize..4,
        k in 1usize..40,
        cosine in proptest::bool::ANY,
    ) {
        let n = x.nrows();
        let linkage = [Linkage::Ward, Linkage::Complete, Linkage::Average, Linkage::Single][link];
        let metric = if cosine && linkage != Linkage::Ward {
            LinkageMetric::Cosine
        } else {
            LinkageMetric::Euclidean
        };
        let params = AgglomerativeClustering::new(k)
            .linkage(linkage)
            .metric(metric)
            .compute_distances(true);
        match params.fit(Dataset::from_records(x).view()) {
            Err(_) => proptest::prop_assert!(k > n || metric == LinkageMetric::Cosine),
            Ok(m) => {
                proptest::prop_assert!(k <= n);
                let mut seen = vec![false; 2 * n - 1];
                for (i, row) in m.children().rows().into_iter().enumerate() {
                    for &c in row {
                        proptest::prop_assert!(c < n + i && !seen[c]);
                        seen[c] = true;
                    }
                }
                let d = m.distances().unwrap();
                proptest::prop_assert!(d.windows(2).into_iter().all(|w| w[0] <= w[1]));
                proptest::prop_assert_eq!(m.counts()[n - 2], n);
                let mut sizes = vec![0usize; k];
                for &l in m.labels() {
                    proptest::prop_assert!(l < k);
                    sizes[l] += 1;
                }
                proptest::prop_assert!(sizes.iter().all(|&s| s > 0));
            }
        }
    }
}
