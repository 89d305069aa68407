//! HDBSCAN: reference values from scikit-learn 1.7.2
//! (`xtask/fixtures/cluster_hierarchy.py`), bad input, f32, threads.
//!
//! Against scikit-learn, on iris, standardised wine, make_blobs, make_moons
//! and make_circles, with excess of mass and leaf selection, with and
//! without `cluster_selection_epsilon`, several `min_samples`,
//! `allow_single_cluster`, `max_cluster_size`, manhattan with `alpha` and
//! chebyshev: the same partitions (adjusted Rand index 1.0, noise
//! included) and membership probabilities within 1e-10; `dbscan_clustering`
//! at two cuts: the same partitions and noise.
//!
//! scikit-learn sorts the spanning-tree edges with numpy's unstable (and
//! CPU-dependent) argsort, and tied mutual reachability distances are
//! common; the order of tied edges can change the condensed tree. Where it
//! does, the fixture holds scikit-learn's own pipeline run with a stable
//! sort (the order oxlearn uses) as `stable_labels` / `stable_probabilities`,
//! and the test compares with those; every other case is compared with
//! `HDBSCAN.fit` itself.

use ndarray::{Array1, Array2, array};
use oxlearn::metrics::adjusted_rand_score;
use oxlearn::{Dataset, Fit};
use oxlearn_cluster::{ClusterSelection, Hdbscan, Metric};
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

fn params(p: &Value) -> Hdbscan {
    let mut h = Hdbscan::new(p["min_cluster_size"].as_u64().unwrap() as usize);
    if let Some(m) = p["min_samples"].as_u64() {
        h = h.min_samples(Some(m as usize));
    }
    if let Some(e) = p["cluster_selection_epsilon"].as_f64() {
        h = h.cluster_selection_epsilon(e);
    }
    if p["cluster_selection_method"].as_str() == Some("leaf") {
        h = h.cluster_selection_method(ClusterSelection::Leaf);
    }
    if let Some(a) = p["allow_single_cluster"].as_bool() {
        h = h.allow_single_cluster(a);
    }
    if let Some(m) = p["max_cluster_size"].as_u64() {
        h = h.max_cluster_size(Some(m as usize));
    }
    if let Some(a) = p["alpha"].as_f64() {
        h = h.alpha(a);
    }
    match p["metric"].as_str() {
        Some("manhattan") => h.metric(Metric::Manhattan),
        Some("chebyshev") => h.metric(Metric::Chebyshev),
        _ => h,
    }
}

#[test]
fn matches_scikit_learn() {
    let data = load("hierarchy_data");
    let fixture = load("hdbscan");
    let mut failures = Vec::new();
    let mut public = 0;
    let mut cuts = 0;
    for case in fixture["cases"].as_array().unwrap() {
        let name = format!("{} {}", case["data"].as_str().unwrap(), case["params"]);
        let x = matrix(&data["data"][case["data"].as_str().unwrap()]);
        let model = params(&case["params"])
            .fit(Dataset::from_records(x).view())
            .unwrap();
        let (labels_key, probabilities_key) = if case.get("stable_labels").is_some() {
            ("stable_labels", "stable_probabilities")
        } else {
            public += 1;
            ("labels", "probabilities")
        };
        let expected: Array1<i64> = case[labels_key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        for cut in case["dbscan_cuts"].as_array().into_iter().flatten() {
            let ours = model
                .dbscan_clustering(
                    cut["cut"].as_f64().unwrap(),
                    cut["min_cluster_size"].as_u64().unwrap() as usize,
                )
                .unwrap();
            let theirs: Array1<i64> = cut["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect();
            let same_noise = ours
                .iter()
                .zip(&theirs)
                .all(|(a, b)| (*a == -1) == (*b == -1));
            if adjusted_rand_score(&ours, &theirs).unwrap() != 1.0 || !same_noise {
                failures.push(format!("{name}: dbscan_clustering at {}", cut["cut"]));
            }
            cuts += 1;
        }
        let ari = adjusted_rand_score(model.labels(), &expected).unwrap();
        if ari != 1.0 {
            failures.push(format!("{name}: ARI {ari}"));
            continue;
        }
        // Noise is noise in both.
        for (a, b) in model.labels().iter().zip(&expected) {
            assert_eq!(*a == -1, *b == -1, "{name}");
        }
        for (i, (a, b)) in model
            .probabilities()
            .iter()
            .zip(case[probabilities_key].as_array().unwrap())
            .enumerate()
        {
            let b = b.as_f64().unwrap();
            if (a - b).abs() > 1e-10 {
                failures.push(format!("{name}: probability {i}: {a} vs {b}"));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        public >= 30,
        "only {public} cases compared with HDBSCAN.fit"
    );
    assert_eq!(cuts, 10);
}

#[test]
fn invalid_hyperparameters_are_errors() {
    let ds = Dataset::from_records(array![[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]);
    for params in [
        Hdbscan::new(1),
        Hdbscan::new(0),
        Hdbscan::new(2).min_samples(Some(0)),
        Hdbscan::new(2).min_samples(Some(4)),
        Hdbscan::new(4),
        Hdbscan::new(2).cluster_selection_epsilon(-0.1),
        Hdbscan::new(2).cluster_selection_epsilon(f64::NAN),
        Hdbscan::new(2).max_cluster_size(Some(0)),
        Hdbscan::new(2).alpha(0.0),
        Hdbscan::new(2).alpha(f64::INFINITY),
        Hdbscan::new(2).leaf_size(0),
        Hdbscan::new(2).n_threads(Some(0)),
    ] {
        let err = params.fit(ds.view()).unwrap_err();
        assert!(err.to_string().contains("invalid hyperparameter"), "{err}");
    }
}

#[test]
fn bad_data_is_an_error() {
    let params = Hdbscan::new(2).min_samples(Some(1));
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
    let inf = Dataset::from_records(array![[0.0, f64::INFINITY], [1.0, 1.0]]);
    assert!(params.fit(inf.view()).is_err());
    let fitted = params
        .fit(Dataset::from_records(array![[0.0], [1.0], [3.0]]).view())
        .unwrap();
    assert!(fitted.dbscan_clustering(-1.0, 2).is_err());
    assert!(fitted.dbscan_clustering(f64::NAN, 2).is_err());
    assert_eq!(
        fitted.dbscan_clustering(0.0, 1).unwrap().to_vec(),
        vec![0, 1, 2]
    );
    let weighted = Dataset::from_records(array![[0.0], [1.0], [3.0]])
        .with_weights(array![1.0, 2.0, 1.0])
        .unwrap();
    let err = params.fit(weighted.view()).unwrap_err();
    assert!(err.to_string().contains("sample weights"), "{err}");
}

#[test]
fn f32_threads_and_duplicates() {
    let x = oxlearn_datasets::iris().unwrap().records().to_owned();
    let params = Hdbscan::new(5);
    let m64 = params.fit(Dataset::from_records(x.clone()).view()).unwrap();
    let m32 = params
        .fit(Dataset::from_records(x.mapv(|v| v as f32)).view())
        .unwrap();
    assert_eq!(m64.labels(), m32.labels());
    for (a, b) in m64.probabilities().iter().zip(m32.probabilities()) {
        assert!((a - f64::from(*b)).abs() < 1e-6);
    }
    let one = params
        .clone()
        .n_threads(Some(1))
        .fit(Dataset::from_records(x.clone()).view())
        .unwrap();
    let two = params
        .n_threads(Some(2))
        .fit(Dataset::from_records(x).view())
        .unwrap();
    assert_eq!(one, two);
    assert_eq!(one.n_features_in(), 4);
    assert_eq!(one.single_linkage_tree().n_leaves(), 150);
    assert!(
        one.probabilities()
            .iter()
            .all(|&p| (0.0..=1.0).contains(&p))
    );

    // All points identical: distances 0, lambda infinite, no panic.
    let same = Dataset::from_records(Array2::<f64>::ones((10, 2)));
    let m = Hdbscan::new(3).fit(same.view()).unwrap();
    assert_eq!(m.labels().len(), 10);
    let m = Hdbscan::new(3)
        .allow_single_cluster(true)
        .fit(same.view())
        .unwrap();
    assert!(m.labels().iter().all(|&l| l == 0), "{:?}", m.labels());
}

#[test]
fn larger_data_runs_in_parallel_chunks() {
    // Enough samples for the parallel chunks of Prim's inner loop.
    let x = Array2::from_shape_fn((9000, 2), |(i, j)| {
        let c = (i % 3) as f64 * 10.0;
        c + ((i * 7919 + j * 104_729) % 1000) as f64 / 500.0
    });
    let ds = Dataset::from_records(x);
    let one = Hdbscan::new(20).n_threads(Some(1)).fit(ds.view()).unwrap();
    let two = Hdbscan::new(20).n_threads(Some(2)).fit(ds.view()).unwrap();
    assert_eq!(one, two);
    assert!(one.n_clusters() >= 3);
    // No cluster straddles two of the three groups.
    for (i, &l) in one.labels().iter().enumerate() {
        if l >= 0 {
            let first = one.labels().iter().position(|&m| m == l).unwrap();
            assert_eq!(i % 3, first % 3);
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip() {
    let x = oxlearn_datasets::iris().unwrap().records().to_owned();
    let m = Hdbscan::default()
        .fit(Dataset::from_records(x).view())
        .unwrap();
    let json = serde_json::to_string(&m).unwrap();
    let back: oxlearn_cluster::HdbscanModel<f64> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
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

    /// Any data and settings: labels `-1..k` with every cluster non-empty,
    /// probabilities in [0, 1] and 0 for noise, or an error, never a panic.
    #[test]
    fn labels_and_probabilities_are_valid(
        x in grid_points(),
        mcs in 2usize..12,
        ms in proptest::option::of(1usize..12),
        leaf in proptest::bool::ANY,
        single in proptest::bool::ANY,
        eps in proptest::prop_oneof![proptest::strategy::Just(0.0), 0.0f64..2.0],
        max_size in proptest::option::of(1usize..20),
    ) {
        let n = x.nrows();
        let method = if leaf { ClusterSelection::Leaf } else { ClusterSelection::Eom };
        let params = Hdbscan::new(mcs)
            .min_samples(ms)
            .cluster_selection_method(method)
            .allow_single_cluster(single)
            .cluster_selection_epsilon(eps)
            .max_cluster_size(max_size);
        match params.fit(Dataset::from_records(x).view()) {
            Err(_) => proptest::prop_assert!(ms.unwrap_or(mcs) > n),
            Ok(m) => {
                let k = m.n_clusters();
                let mut sizes = vec![0usize; k];
                for (&l, &p) in m.labels().iter().zip(m.probabilities()) {
                    proptest::prop_assert!((-1..k as i64).contains(&l));
                    proptest::prop_assert!((0.0..=1.0).contains(&p));
                    if l == -1 {
                        proptest::prop_assert_eq!(p, 0.0);
                    } else {
                        sizes[l as usize] += 1;
                    }
                }
                proptest::prop_assert!(sizes.iter().all(|&s| s > 0));
            }
        }
    }
}
