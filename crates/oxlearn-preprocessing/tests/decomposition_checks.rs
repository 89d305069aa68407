//! Bad input, f32, threads and serde for `Pca`, `TruncatedSvd` and
//! `KnnImputer`.

use ndarray::{Array1, Array2, array, s};
use oxlearn::{Dataset, Fit, Transform};
use oxlearn_preprocessing::*;

fn sample(n: usize, d: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, d), |(i, j)| {
        (((i * 7 + j * 13) % 17) as f64 - 8.0) * (j as f64 + 1.0) + (i as f64 * 0.37).sin()
    })
}

fn data(x: Array2<f64>) -> Dataset<f64, ()> {
    Dataset::from_records(x)
}

#[track_caller]
fn err_contains<T: std::fmt::Debug, E: std::fmt::Display>(r: Result<T, E>, needle: &str) {
    let e = r.expect_err("an error").to_string();
    assert!(e.contains(needle), "`{e}` should mention `{needle}`");
}

#[test]
fn pca_rejects_bad_input() {
    let x = sample(20, 4);
    let d = data(x.clone());
    let count = |k| Pca::default().n_components(PcaComponents::Count(k));
    err_contains(count(0).fit(d.view()), "n_components");
    err_contains(count(5).fit(d.view()), "min(n_samples, n_features)=4");
    err_contains(
        count(5).svd_solver(SvdSolver::Randomized).fit(d.view()),
        "svd_solver='randomized'",
    );
    for f in [0.0, 1.0, -0.5, f64::NAN] {
        err_contains(
            Pca::default()
                .n_components(PcaComponents::VarianceFraction(f))
                .fit(d.view()),
            "n_components",
        );
    }
    err_contains(
        Pca::default()
            .n_components(PcaComponents::VarianceFraction(0.5))
            .svd_solver(SvdSolver::Randomized)
            .fit(d.view()),
        "n_components",
    );
    err_contains(Pca::default().n_threads(Some(0)).fit(d.view()), "n_threads");
    let mut bad = x.clone();
    bad[[3, 1]] = f64::NAN;
    err_contains(
        Pca::default().fit(data(bad.clone()).view()),
        "row 3, column 1",
    );
    bad[[3, 1]] = f64::INFINITY;
    assert!(Pca::default().fit(data(bad).view()).is_err());
    err_contains(
        Pca::default().fit(data(Array2::zeros((0, 3))).view()),
        "no samples",
    );
    err_contains(
        Pca::default().fit(data(Array2::zeros((1, 3))).view()),
        "too few samples",
    );
    let weighted = Dataset::new(x.clone(), Array1::from_elem(20, ()))
        .and_then(|d| d.with_weights(Array1::ones(20)))
        .expect("weighted");
    err_contains(Pca::default().fit(weighted.view()), "sample weights");
    let model = count(2).fit(d.view()).expect("fits");
    err_contains(model.transform(Array2::zeros((2, 3)).view()), "4 features");
    err_contains(
        model.inverse_transform(Array2::zeros((2, 3)).view()),
        "2 features",
    );
    let mut nan = Array2::zeros((2, 4));
    nan[[0, 0]] = f64::NAN;
    assert!(model.transform(nan.view()).is_err());
    assert!(model.score_samples(nan.view()).is_err());
    err_contains(
        model.score_samples(Array2::zeros((2, 3)).view()),
        "4 features",
    );
    assert!(model.score(x.view()).expect("score").is_finite());
    // Every component of rank-deficient data: no noise, singular covariance:
    // an error or a log-likelihood of -inf, never a panic or NaN.
    let mut flat = x.clone();
    flat.column_mut(2).fill(1.0);
    let all = Pca::default().fit(data(flat.clone()).view()).expect("fits");
    if let Ok(s) = all.score_samples(flat.view()) {
        assert!(s.iter().all(|v| !v.is_nan()));
    }
}

#[test]
fn truncated_svd_rejects_bad_input() {
    let x = sample(20, 4);
    let d = data(x.clone());
    err_contains(
        TruncatedSvd::default().n_components(0).fit(d.view()),
        "n_components",
    );
    err_contains(
        TruncatedSvd::default().n_components(5).fit(d.view()),
        "min(n_samples, n_features)=4",
    );
    let mut bad = x.clone();
    bad[[0, 0]] = f64::NAN;
    assert!(TruncatedSvd::default().fit(data(bad).view()).is_err());
    assert!(
        TruncatedSvd::default()
            .fit(data(Array2::zeros((1, 3))).view())
            .is_err()
    );
    let weighted = Dataset::new(x, Array1::from_elem(20, ()))
        .and_then(|d| d.with_weights(Array1::ones(20)))
        .expect("weighted");
    err_contains(
        TruncatedSvd::default().fit(weighted.view()),
        "sample weights",
    );
    let model = TruncatedSvd::default().fit(d.view()).expect("fits");
    assert!(model.transform(Array2::zeros((2, 5)).view()).is_err());
    assert!(
        model
            .inverse_transform(Array2::zeros((2, 3)).view())
            .is_err()
    );
}

#[test]
fn knn_imputer_rejects_bad_input() {
    let nan = f64::NAN;
    let x = array![[1.0, nan], [2.0, 3.0], [nan, 4.0]];
    err_contains(
        KnnImputer::default()
            .n_neighbors(0)
            .fit(data(x.clone()).view()),
        "n_neighbors",
    );
    err_contains(
        KnnImputer::default()
            .n_threads(Some(0))
            .fit(data(x.clone()).view()),
        "n_threads",
    );
    let mut inf = x.clone();
    inf[[1, 1]] = f64::INFINITY;
    assert!(KnnImputer::default().fit(data(inf.clone()).view()).is_err());
    assert!(
        KnnImputer::default()
            .fit(data(Array2::zeros((0, 2))).view())
            .is_err()
    );
    err_contains(
        KnnImputer::default().fit(data(array![[nan, nan], [nan, nan]]).view()),
        "no observed value",
    );
    let model = KnnImputer::default()
        .fit(data(x.clone()).view())
        .expect("fits");
    assert!(model.transform(Array2::zeros((1, 3)).view()).is_err());
    assert!(model.transform(inf.view()).is_err());
}

#[test]
fn knn_imputer_edge_cases() {
    let nan = f64::NAN;
    // Column 2 is empty at fit: dropped, or kept as 0.
    let x = array![[1.0, nan, nan], [2.0, 4.0, nan], [3.0, 6.0, nan]];
    let model = KnnImputer::default()
        .fit(data(x.clone()).view())
        .expect("fits");
    assert_eq!(model.dropped_features(), vec![2]);
    let out = model.transform(x.view()).expect("transform");
    assert_eq!(out.dim(), (3, 2));
    assert_eq!(out[[0, 1]], 5.0);
    let keep = KnnImputer::default()
        .keep_empty_features(true)
        .fit(data(x.clone()).view())
        .expect("fits");
    let out = keep.transform(x.view()).expect("transform");
    assert_eq!(out.column(2).to_vec(), vec![0.0; 3]);
    // No coordinate in common with any donor: the column mean.
    let q = array![[nan, nan, 1.0]];
    let out = model.transform(q.view()).expect("transform");
    assert_eq!(out.row(0).to_vec(), vec![2.0, 5.0]);
    // A zero-distance donor takes all the weight with distance weights.
    let x = array![[1.0, 10.0], [1.0, 20.0], [2.0, 30.0]];
    let dist = KnnImputer::default()
        .n_neighbors(3)
        .weights(KnnWeights::Distance)
        .fit(data(x).view())
        .expect("fits");
    let out = dist
        .transform(array![[2.0, nan]].view())
        .expect("transform");
    assert_eq!(out[[0, 1]], 30.0);
}

#[test]
fn f32_matches_f64() {
    let x = sample(300, 6);
    let x32 = x.mapv(|v| v as f32);
    for solver in [
        SvdSolver::Full,
        SvdSolver::CovarianceEigh,
        SvdSolver::Randomized,
    ] {
        let pca = Pca::default()
            .n_components(PcaComponents::Count(3))
            .svd_solver(solver);
        let m64 = pca.fit(data(x.clone()).view()).expect("f64");
        let m32 = pca
            .fit(Dataset::from_records(x32.clone()).view())
            .expect("f32");
        let z64 = m64.transform(x.view()).expect("f64");
        let z32 = m32.transform(x32.view()).expect("f32");
        let scale = z64.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (a, b) in z64.iter().zip(z32.iter()) {
            assert!(
                (a - f64::from(*b)).abs() < 1e-4 * scale,
                "{solver:?}: {a} vs {b}"
            );
        }
    }
    let t64 = TruncatedSvd::default()
        .fit(data(x.clone()).view())
        .expect("f64");
    let t32 = TruncatedSvd::default()
        .fit(Dataset::from_records(x32.clone()).view())
        .expect("f32");
    for (a, b) in t64.singular_values().iter().zip(t32.singular_values()) {
        assert!((a - f64::from(*b)).abs() < 1e-4 * a);
    }
    let mut holes = x.clone();
    holes[[0, 0]] = f64::NAN;
    holes[[5, 3]] = f64::NAN;
    let k64 = KnnImputer::default()
        .fit(data(holes.clone()).view())
        .expect("f64");
    let h32 = holes.mapv(|v| v as f32);
    let k32 = KnnImputer::default()
        .fit(Dataset::from_records(h32.clone()).view())
        .expect("f32");
    let o64 = k64.transform(holes.view()).expect("f64");
    let o32 = k32.transform(h32.view()).expect("f32");
    assert!((o64[[0, 0]] - f64::from(o32[[0, 0]])).abs() < 1e-4 * o64[[0, 0]].abs().max(1.0));
}

#[test]
fn same_result_on_one_and_two_threads() {
    // Large enough for several parallel tasks.
    let x = sample(9000, 12);
    for solver in [
        SvdSolver::Full,
        SvdSolver::CovarianceEigh,
        SvdSolver::Randomized,
    ] {
        let pca = Pca::default()
            .n_components(PcaComponents::Count(4))
            .svd_solver(solver);
        let one = pca
            .n_threads(Some(1))
            .fit(data(x.clone()).view())
            .expect("1");
        let two = pca
            .n_threads(Some(2))
            .fit(data(x.clone()).view())
            .expect("2");
        assert_eq!(one, two, "{solver:?}");
    }
    let t = TruncatedSvd::default().n_components(3);
    assert_eq!(
        t.n_threads(Some(1)).fit(data(x.clone()).view()).expect("1"),
        t.n_threads(Some(2)).fit(data(x.clone()).view()).expect("2")
    );
    let mut holes = x.slice(s![..600, ..]).to_owned();
    for i in (0..600).step_by(7) {
        holes[[i, i % 12]] = f64::NAN;
    }
    let k = KnnImputer::default();
    let d = data(holes.clone());
    let one = k.n_threads(Some(1)).fit(d.view()).expect("1");
    let two = k.n_threads(Some(2)).fit(d.view()).expect("2");
    assert_eq!(
        one.transform(holes.view()).expect("1"),
        two.transform(holes.view()).expect("2")
    );
}

#[test]
fn serde_round_trip_transforms_identically() {
    let x = sample(50, 5);
    let d = data(x.clone());
    let pca = Pca::default()
        .n_components(PcaComponents::Count(3))
        .whiten(true)
        .fit(d.view())
        .expect("fits");
    let back: PcaModel<f64> =
        serde_json::from_str(&serde_json::to_string(&pca).expect("ser")).expect("de");
    assert_eq!(
        back.transform(x.view()).expect("t"),
        pca.transform(x.view()).expect("t")
    );
    let svd = TruncatedSvd::default().fit(d.view()).expect("fits");
    let back: TruncatedSvdModel<f64> =
        serde_json::from_str(&serde_json::to_string(&svd).expect("ser")).expect("de");
    assert_eq!(
        back.transform(x.view()).expect("t"),
        svd.transform(x.view()).expect("t")
    );
    let mut holes = x.clone();
    holes[[2, 2]] = f64::NAN;
    let knn = KnnImputer::default()
        .fit(data(holes.clone()).view())
        .expect("fits");
    let back: KnnImputerModel<f64> =
        serde_json::from_str(&serde_json::to_string(&knn).expect("ser")).expect("de");
    assert_eq!(
        back.transform(holes.view()).expect("t"),
        knn.transform(holes.view()).expect("t")
    );
    // A corrupt model is an error, not a panic.
    let mut json: serde_json::Value = serde_json::to_value(&pca).expect("ser");
    json["mean"]["dim"] = serde_json::json!([2]);
    json["mean"]["data"] = serde_json::json!([0.0, 0.0]);
    let corrupt: PcaModel<f64> = serde_json::from_value(json).expect("de");
    assert!(corrupt.transform(x.view()).is_err());
}

#[test]
fn pca_properties() {
    let x = sample(40, 6);
    let d = data(x.clone());
    // All components: the inverse transform recovers the records.
    let full = Pca::default().fit(d.view()).expect("fits");
    assert_eq!(full.n_components(), 6);
    assert_eq!(full.noise_variance(), 0.0);
    let back = full
        .inverse_transform(full.transform(x.view()).expect("t").view())
        .expect("inverse");
    for (a, b) in back.iter().zip(x.iter()) {
        assert!((a - b).abs() < 1e-9 * b.abs().max(1.0));
    }
    let ratio: f64 = full.explained_variance_ratio().sum();
    assert!((ratio - 1.0).abs() < 1e-12);
    // Components are orthonormal, largest entry positive.
    let c = full.components();
    let gram = c.dot(&c.t());
    for i in 0..6 {
        for j in 0..6 {
            let e = if i == j { 1.0 } else { 0.0 };
            assert!((gram[[i, j]] - e).abs() < 1e-10);
        }
        let row = c.row(i);
        let big = row
            .iter()
            .fold(0.0f64, |m, v| if v.abs() > m.abs() { *v } else { m });
        assert!(big > 0.0);
    }
    assert_eq!(full.feature_names_out(&[])[5], "pca5");
    assert_eq!(full.n_samples(), 40);
    // Wide data (fewer samples than features) on every solver.
    let wide = sample(8, 30);
    for solver in [
        SvdSolver::Full,
        SvdSolver::CovarianceEigh,
        SvdSolver::Randomized,
        SvdSolver::Auto,
    ] {
        let m = Pca::default()
            .n_components(PcaComponents::Count(3))
            .svd_solver(solver)
            .fit(data(wide.clone()).view())
            .expect("wide");
        assert_eq!(m.components().dim(), (3, 30));
    }
}
