//! Structural and statistical properties of the generators.

use std::f64::consts::PI;

use ndarray::{Array1, ArrayView1, array};
use oxlearn::Error;
use oxlearn_datasets::generators::*;

fn mean(v: ArrayView1<'_, f64>) -> f64 {
    v.sum() / v.len() as f64
}

fn corr(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn assert_invalid<T: std::fmt::Debug>(result: oxlearn::Result<T>, param: &str) {
    match result {
        Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, param),
        other => panic!("expected an invalid `{param}`, got {other:?}"),
    }
}

#[test]
fn classification_shapes_balance_and_determinism() {
    let params = MakeClassification::default()
        .n_samples(1000)
        .n_classes(3)
        .n_informative(4)
        .seed(9);
    let data = make_classification(&params).unwrap();
    assert_eq!(data.records().dim(), (1000, 20));
    let mut counts = [0usize; 3];
    for &y in data.targets() {
        counts[y] += 1;
    }
    // Balanced up to the 1% label flips.
    assert!(
        counts.iter().all(|&c| (310..=357).contains(&c)),
        "{counts:?}"
    );
    assert_eq!(make_classification(&params).unwrap(), data);
    assert_ne!(make_classification(&params.clone().seed(10)).unwrap(), data);
    assert!(data.records().iter().all(|v| v.is_finite()));
}

#[test]
fn classification_weights_and_no_flips() {
    let params = MakeClassification::default()
        .n_samples(1000)
        .weights([0.9, 0.1])
        .flip_y(0.0)
        .seed(1);
    let data = make_classification(&params).unwrap();
    let ones = data.targets().iter().filter(|&&y| y == 1).count();
    assert_eq!(ones, 100);
}

#[test]
fn classification_column_structure_without_shuffle() {
    // 3 informative, 2 redundant, 2 repeated, 3 useless columns, in that order.
    let params = MakeClassification::default()
        .n_samples(400)
        .n_features(10)
        .n_informative(3)
        .n_redundant(2)
        .n_repeated(2)
        .flip_y(0.0)
        .shuffle(false)
        .seed(4);
    let data = make_classification(&params).unwrap();
    let x = data.records();
    // Redundant columns are exact linear combinations of the informative ones:
    // solve least squares via the normal equations (3 x 3) and check the residual.
    let inf = x.slice(ndarray::s![.., ..3]).to_owned();
    let gram = inf.t().dot(&inf);
    for r in 3..5 {
        let rhs = inf.t().dot(&x.column(r));
        let coef = solve3(&gram, &rhs);
        let resid = &x.column(r) - &inf.dot(&coef);
        assert!(resid.iter().all(|e| e.abs() < 1e-8), "column {r}");
    }
    // Repeated columns copy earlier ones.
    for r in 5..7 {
        assert!((0..5).any(|c| x.column(c) == x.column(r)), "column {r}");
    }
    // Useless columns are standard normal and unrelated to the informative ones.
    for u in 7..10 {
        assert!(mean(x.column(u)).abs() < 0.2);
        assert!(corr(x.column(u), x.column(0)).abs() < 0.2);
    }
    // Sorted by class, unshuffled: the labels come in blocks.
    assert_eq!(data.targets()[0], 0);
    assert_eq!(data.targets()[399], 1);
}

fn solve3(a: &ndarray::Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    // Cramer's rule for a 3 x 3 system.
    let det = |m: &ndarray::Array2<f64>| {
        m[[0, 0]] * (m[[1, 1]] * m[[2, 2]] - m[[1, 2]] * m[[2, 1]])
            - m[[0, 1]] * (m[[1, 0]] * m[[2, 2]] - m[[1, 2]] * m[[2, 0]])
            + m[[0, 2]] * (m[[1, 0]] * m[[2, 1]] - m[[1, 1]] * m[[2, 0]])
    };
    let d = det(a);
    (0..3)
        .map(|j| {
            let mut m = a.clone();
            m.column_mut(j).assign(b);
            det(&m) / d
        })
        .collect()
}

#[test]
fn classification_informative_features_separate_classes() {
    let params = MakeClassification::default()
        .n_samples(2000)
        .n_features(6)
        .n_informative(2)
        .n_redundant(0)
        .n_clusters_per_class(1)
        .class_sep(3.0)
        .flip_y(0.0)
        .shuffle(false)
        .seed(2);
    let data = make_classification(&params).unwrap();
    let x = data.records();
    let y: Array1<f64> = data.targets().mapv(|c| c as f64);
    // With one cluster per class at opposite-ish vertices, some informative
    // feature tracks the class strongly; the useless ones do not.
    let best = (0..2)
        .map(|j| corr(x.column(j), y.view()).abs())
        .fold(0.0, f64::max);
    assert!(best > 0.5, "{best}");
    for j in 2..6 {
        assert!(corr(x.column(j), y.view()).abs() < 0.1);
    }
}

#[test]
fn classification_random_shift_and_scale() {
    let params = MakeClassification::default()
        .shift(None)
        .scale(None)
        .n_samples(500);
    let data = make_classification(&params).unwrap();
    let spread: Vec<f64> = data
        .records()
        .columns()
        .into_iter()
        .map(|c| c.iter().fold(0.0f64, |m, v| m.max(v.abs())))
        .collect();
    assert!(spread.iter().any(|&s| s > 20.0), "{spread:?}");
}

#[test]
fn classification_rejects_bad_parameters() {
    let d = MakeClassification::default;
    assert_invalid(make_classification(&d().n_samples(0)), "n_samples");
    assert_invalid(make_classification(&d().n_informative(21)), "n_informative");
    assert_invalid(make_classification(&d().n_informative(0)), "n_informative");
    assert_invalid(
        make_classification(&d().n_redundant(19)),
        "n_informative + n_redundant + n_repeated",
    );
    assert_invalid(make_classification(&d().n_classes(5)), "n_informative");
    assert_invalid(make_classification(&d().n_classes(0)), "n_classes");
    assert_invalid(make_classification(&d().flip_y(1.5)), "flip_y");
    assert_invalid(
        make_classification(&d().weights([0.1, 0.2, 0.3])),
        "weights",
    );
    assert_invalid(make_classification(&d().class_sep(f64::NAN)), "class_sep");
    assert_invalid(make_classification(&d().scale(f64::INFINITY)), "scale");
    // n_classes * n_clusters_per_class overflows (64 informative features
    // would otherwise allow any count).
    let wide = d().n_features(64).n_informative(64).n_redundant(0);
    assert_invalid(
        make_classification(&wide.n_clusters_per_class(1 << 63)),
        "n_clusters_per_class",
    );
}

#[test]
fn regression_is_linear_without_noise() {
    let params = MakeRegression::default()
        .n_samples(200)
        .n_features(12)
        .n_informative(4)
        .bias(-7.5)
        .seed(3);
    let (data, coef) = make_regression(&params).unwrap();
    assert_eq!(data.records().dim(), (200, 12));
    assert_eq!(coef.len(), 12);
    assert_eq!(coef.iter().filter(|&&c| c != 0.0).count(), 4);
    assert!(coef.iter().all(|&c| (0.0..100.0).contains(&c)));
    let fitted = data.records().dot(&coef) + (-7.5);
    for (f, y) in fitted.iter().zip(data.targets()) {
        assert!((f - y).abs() < 1e-9 * (1.0 + y.abs()));
    }
    assert_eq!(make_regression(&params).unwrap().0, data);
}

#[test]
fn regression_noise_has_the_requested_scale() {
    let params = MakeRegression::default()
        .n_samples(5000)
        .n_features(5)
        .n_informative(5)
        .noise(2.0);
    let (data, coef) = make_regression(&params).unwrap();
    let resid = &data.targets() - &data.records().dot(&coef);
    let sd = (resid.iter().map(|r| r * r).sum::<f64>() / resid.len() as f64).sqrt();
    assert!((sd - 2.0).abs() < 0.1, "{sd}");
}

#[test]
fn regression_low_rank_inputs() {
    let params = MakeRegression::default()
        .n_samples(100)
        .n_features(30)
        .effective_rank(2)
        .tail_strength(0.0);
    let (data, coef) = make_regression(&params).unwrap();
    let x = data.records();
    // Singular values exp(-(i/2)^2): the Frobenius norm is fixed.
    let expected: f64 = (0..30)
        .map(|i| (-2.0 * (i as f64 / 2.0).powi(2)).exp())
        .sum();
    let actual: f64 = x.iter().map(|v| v * v).sum();
    assert!((actual - expected).abs() < 1e-9);
    let fitted = x.dot(&coef);
    assert!(
        fitted
            .iter()
            .zip(data.targets())
            .all(|(f, y)| (f - y).abs() < 1e-9)
    );
}

#[test]
fn regression_rejects_bad_parameters() {
    let d = MakeRegression::default;
    assert_invalid(make_regression(&d().n_samples(0)), "n_samples");
    assert_invalid(make_regression(&d().n_features(5)), "n_informative");
    assert_invalid(make_regression(&d().noise(-1.0)), "noise");
    assert_invalid(make_regression(&d().effective_rank(0)), "effective_rank");
    assert_invalid(make_regression(&d().tail_strength(2.0)), "tail_strength");
    assert_invalid(make_regression(&d().bias(f64::NAN)), "bias");
}

#[test]
fn records_too_large_to_allocate_are_errors() {
    let huge = usize::MAX / 2;
    let too_large = |result: oxlearn::Result<()>| match result {
        Err(Error::InvalidInput(message)) => assert!(message.contains("too large"), "{message}"),
        other => panic!("expected a too-large error, got {other:?}"),
    };
    too_large(make_blobs(&MakeBlobs::default().n_samples(huge)).map(|_| ()));
    too_large(make_regression(&MakeRegression::default().n_samples(huge)).map(|_| ()));
    too_large(make_classification(&MakeClassification::default().n_samples(huge)).map(|_| ()));
    too_large(make_friedman1(&MakeFriedman1::default().n_samples(huge)).map(|_| ()));
    too_large(make_moons(&MakeMoons::default().n_samples(usize::MAX)).map(|_| ()));
    too_large(make_circles(&MakeCircles::default().n_samples(usize::MAX)).map(|_| ()));
}

#[test]
fn blobs_cluster_around_their_centres() {
    let params = MakeBlobs::default()
        .n_samples(3001)
        .n_features(3)
        .n_centers(4)
        .cluster_stds([0.5, 1.0, 1.5, 2.0])
        .seed(8);
    let (data, centers) = make_blobs(&params).unwrap();
    assert_eq!(data.records().dim(), (3001, 3));
    assert_eq!(centers.dim(), (4, 3));
    assert!(centers.iter().all(|c| (-10.0..10.0).contains(c)));
    for k in 0..4 {
        let rows: Vec<usize> = (0..3001).filter(|&i| data.targets()[i] == k).collect();
        assert_eq!(rows.len(), if k == 0 { 751 } else { 750 });
        let members = data.records().select(ndarray::Axis(0), &rows);
        for j in 0..3 {
            let col = members.column(j);
            let m = mean(col);
            let sd = (col.iter().map(|v| (v - m).powi(2)).sum::<f64>() / col.len() as f64).sqrt();
            let std = [0.5, 1.0, 1.5, 2.0][k];
            assert!((m - centers[[k, j]]).abs() < 0.25 * std, "blob {k}");
            assert!((sd / std - 1.0).abs() < 0.1, "blob {k}: {sd}");
        }
    }
}

#[test]
fn blobs_given_centres_and_bad_parameters() {
    let params = MakeBlobs::default()
        .centers(array![[0.0], [100.0]])
        .cluster_std(0.0)
        .shuffle(false);
    let (data, _) = make_blobs(&params).unwrap();
    assert_eq!(data.n_features(), 1);
    assert!(data.records().column(0).iter().take(50).all(|&v| v == 0.0));
    assert!(
        data.records()
            .column(0)
            .iter()
            .skip(50)
            .all(|&v| v == 100.0)
    );

    let d = MakeBlobs::default;
    assert_invalid(make_blobs(&d().n_samples(0)), "n_samples");
    assert_invalid(make_blobs(&d().n_centers(0)), "centers");
    assert_invalid(make_blobs(&d().cluster_std(-1.0)), "cluster_std");
    assert_invalid(make_blobs(&d().cluster_stds([1.0, 2.0])), "cluster_std");
    assert_invalid(make_blobs(&d().center_box((5.0, -5.0))), "center_box");
    assert_invalid(
        make_blobs(&d().centers(ndarray::Array2::zeros((0, 2)))),
        "centers",
    );
}

#[test]
fn moons_lie_on_their_half_circles() {
    let data = make_moons(&MakeMoons::default().n_samples(101)).unwrap();
    assert_eq!(data.records().dim(), (101, 2));
    assert_eq!(data.targets().iter().filter(|&&y| y == 0).count(), 50);
    for (row, &y) in data.records().rows().into_iter().zip(data.targets()) {
        let (cx, cy) = if y == 0 { (0.0, 0.0) } else { (1.0, 0.5) };
        let (dx, dy) = (row[0] - cx, row[1] - cy);
        assert!((dx.hypot(dy) - 1.0).abs() < 1e-12);
        assert!(if y == 0 { dy >= -1e-12 } else { dy <= 1e-12 });
    }
    let noisy = make_moons(&MakeMoons::default().n_samples(2000).noise(0.1)).unwrap();
    let clean = make_moons(&MakeMoons::default().n_samples(2000)).unwrap();
    assert_eq!(
        noisy.targets(),
        clean.targets(),
        "noise is added after shuffling"
    );
    let d = &noisy.records() - &clean.records();
    let sd = (d.iter().map(|v| v * v).sum::<f64>() / d.len() as f64).sqrt();
    assert!((sd - 0.1).abs() < 0.01, "{sd}");
    assert_invalid(make_moons(&MakeMoons::default().noise(-0.1)), "noise");
    assert_invalid(make_moons(&MakeMoons::default().n_samples(0)), "n_samples");
}

#[test]
fn circles_have_the_right_radii_and_spacing() {
    let data = make_circles(
        &MakeCircles::default()
            .n_samples(9)
            .factor(0.3)
            .shuffle(false),
    )
    .unwrap();
    let x = data.records();
    for i in 0..4 {
        let angle = 2.0 * PI * i as f64 / 4.0;
        assert!((x[[i, 0]] - angle.cos()).abs() < 1e-12 && (x[[i, 1]] - angle.sin()).abs() < 1e-12);
    }
    for i in 4..9 {
        assert!((x.row(i)[0].hypot(x.row(i)[1]) - 0.3).abs() < 1e-12);
        assert_eq!(data.targets()[i], 1);
    }
    assert_invalid(make_circles(&MakeCircles::default().factor(1.0)), "factor");
    assert_invalid(make_circles(&MakeCircles::default().factor(-0.5)), "factor");
    assert_invalid(
        make_circles(&MakeCircles::default().noise(f64::NAN)),
        "noise",
    );
}

#[test]
fn friedman1_follows_the_formula() {
    let data = make_friedman1(&MakeFriedman1::default().n_samples(300).n_features(7)).unwrap();
    assert_eq!(data.records().dim(), (300, 7));
    assert!(data.records().iter().all(|v| (0.0..1.0).contains(v)));
    for (r, &y) in data.records().rows().into_iter().zip(data.targets()) {
        let f = 10.0 * (PI * r[0] * r[1]).sin()
            + 20.0 * (r[2] - 0.5).powi(2)
            + 10.0 * r[3]
            + 5.0 * r[4];
        assert_eq!(f, y);
    }
    let noisy = make_friedman1(&MakeFriedman1::default().n_samples(4000).noise(1.0)).unwrap();
    let resid: Vec<f64> = noisy
        .records()
        .rows()
        .into_iter()
        .zip(noisy.targets())
        .map(|(r, &y)| {
            y - (10.0 * (PI * r[0] * r[1]).sin()
                + 20.0 * (r[2] - 0.5).powi(2)
                + 10.0 * r[3]
                + 5.0 * r[4])
        })
        .collect();
    let sd = (resid.iter().map(|e| e * e).sum::<f64>() / resid.len() as f64).sqrt();
    assert!((sd - 1.0).abs() < 0.05, "{sd}");
    assert_invalid(
        make_friedman1(&MakeFriedman1::default().n_features(4)),
        "n_features",
    );
    assert_invalid(
        make_friedman1(&MakeFriedman1::default().n_samples(0)),
        "n_samples",
    );
}

#[test]
fn every_generator_is_deterministic_per_seed() {
    let a = make_blobs(&MakeBlobs::default().seed(5)).unwrap();
    assert_eq!(a, make_blobs(&MakeBlobs::default().seed(5)).unwrap());
    assert_ne!(a.0, make_blobs(&MakeBlobs::default().seed(6)).unwrap().0);
    let m = MakeMoons::default().noise(0.2).seed(5);
    assert_eq!(make_moons(&m).unwrap(), make_moons(&m).unwrap());
    let c = MakeCircles::default().noise(0.2).seed(5);
    assert_eq!(make_circles(&c).unwrap(), make_circles(&c).unwrap());
    let f = MakeFriedman1::default().noise(0.2).seed(5);
    assert_eq!(make_friedman1(&f).unwrap(), make_friedman1(&f).unwrap());
    let r = MakeRegression::default()
        .effective_rank(5)
        .noise(1.0)
        .seed(5);
    assert_eq!(make_regression(&r).unwrap(), make_regression(&r).unwrap());
}
