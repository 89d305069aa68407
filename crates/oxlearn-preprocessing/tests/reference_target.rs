//! Reference tests of `TargetEncoder` against scikit-learn 1.7.2 (fixtures
//! written by `xtask/fixtures/preprocessing.py` into
//! `preprocessing_extra.json`) on penguins, adult, digits and wine: the
//! encodings, target means and `transform` (fitted on all rows) and the
//! cross-fitted `cross_fit_transform` with unshuffled folds (scikit-learn's
//! `TargetEncoder(shuffle=False).fit_transform`), within 1e-10 relative to
//! max(1, |expected|) in f64.

#[path = "support/mod.rs"]
mod support;

use ndarray::{Array1, Array2, Axis, s};
use oxlearn::{Dataset, Fit, Transform};
use oxlearn_preprocessing::*;
use serde_json::Value;
use support::*;

fn extra() -> Value {
    serde_json::from_str(include_str!("fixtures/preprocessing_extra.json")).expect("fixture")
}

/// Checks one fixture case: `data` fitted with `encoder` (shuffle off), and
/// `new` transformed when given.
#[track_caller]
fn check<T: EncoderTarget + PartialEq>(
    e: &Value,
    key: &str,
    data: &Dataset<f64, T>,
    encoder: TargetEncoder,
    rows: &[usize],
    new: Option<&Array2<f64>>,
) {
    let encoder = encoder.shuffle(false);
    let model = encoder.fit(data.view()).expect("fit");
    let d = data.n_features();
    let names: Vec<String> = (0..d).map(|j| format!("f{j}")).collect();
    assert_eq!(
        model.feature_names_out(&names),
        strings(&e["names"]),
        "{key}"
    );
    let want_type = match e["target_type"].as_str() {
        Some("continuous") => TargetType::Continuous,
        Some("binary") => TargetType::Binary,
        _ => TargetType::Multiclass,
    };
    assert_eq!(model.target_type(), want_type, "{key}");
    assert_close(
        model.target_mean(),
        &vec1(&e["target_mean"]),
        &format!("{key} target_mean"),
    );
    let want_enc = e["encodings"].as_array().expect("encodings");
    for (k, want) in want_enc.iter().enumerate() {
        assert_close(
            &model.encodings()[k],
            &vec1(want),
            &format!("{key} encodings[{k}]"),
        );
    }
    let out = model.transform(data.records()).expect("transform");
    assert_rows(&out, rows, &e["rows"], &format!("{key} rows"));
    assert_close(
        out.sum_axis(Axis(0)).iter(),
        vec1(&e["col_sums"]).iter(),
        &format!("{key} col_sums"),
    );
    let (again, cross) = encoder.cross_fit_transform(data.view()).expect("cross");
    assert_eq!(
        again, model,
        "{key}: cross_fit_transform fits the same model"
    );
    assert_rows(&cross, rows, &e["cross_rows"], &format!("{key} cross_rows"));
    assert_close(
        cross.sum_axis(Axis(0)).iter(),
        vec1(&e["cross_col_sums"]).iter(),
        &format!("{key} cross_col_sums"),
    );
    if let Some(new) = new {
        let out = model.transform(new.view()).expect("transform new");
        assert_rows(&out, rows, &e["new_rows"], &format!("{key} new_rows"));
        assert_close(
            out.sum_axis(Axis(0)).iter(),
            vec1(&e["new_col_sums"]).iter(),
            &format!("{key} new_col_sums"),
        );
    }
}

#[test]
fn target_encoder_penguins() {
    let fx = extra();
    let rows = indices(&fx["rows_penguins"]);
    let p = penguins();
    let x = columns(&p, &[0, 5], 0..344);
    let data = x.clone().with_targets(p.targets().to_owned()).expect("y");
    check(
        &fx["target_penguins_multiclass"],
        "penguins multiclass",
        &data,
        TargetEncoder::default(),
        &rows,
        None,
    );
    check(
        &fx["target_penguins_multiclass_smooth"],
        "penguins multiclass smooth",
        &data,
        TargetEncoder::default().smooth(Smooth::Value(3.0)).cv(3),
        &rows,
        None,
    );
    // Body mass as a continuous target, the two rows without it dropped.
    let keep: Vec<usize> = (0..344)
        .filter(|&i| !p.records()[[i, 4]].is_nan())
        .collect();
    let xk = x.records().select(Axis(0), &keep);
    let yk: Array1<f64> = keep.iter().map(|&i| p.records()[[i, 4]]).collect();
    let data = Dataset::new(xk, yk).expect("data");
    for (key, smooth) in [
        ("target_penguins_continuous", Smooth::Auto),
        ("target_penguins_continuous_smooth", Smooth::Value(20.0)),
    ] {
        let enc = TargetEncoder::default()
            .smooth(smooth)
            .target_type(TargetType::Continuous);
        check(&fx[key], key, &data, enc, &rows[..rows.len() - 1], None);
    }
}

#[test]
fn target_encoder_adult() {
    let fx = extra();
    let rows = indices(&fx["rows_adult"]);
    let adult = oxlearn_datasets::adult().expect("adult");
    let x = columns(&adult, &ADULT_CAT, 0..3000);
    let y = adult.targets().slice(s![..3000]).to_owned();
    let data = x.with_targets(y).expect("y");
    let new = columns(&adult, &ADULT_CAT, 3000..3300).records().to_owned();
    check(
        &fx["target_adult_binary"],
        "adult binary",
        &data,
        TargetEncoder::default(),
        &rows,
        Some(&new),
    );
    check(
        &fx["target_adult_binary_smooth"],
        "adult binary smooth",
        &data,
        TargetEncoder::default().smooth(Smooth::Value(10.0)),
        &rows,
        Some(&new),
    );
}

#[test]
fn target_encoder_digits_and_wine() {
    let fx = extra();
    let dg = digits();
    let x = dg.records().slice(s![.., 18..22]).to_owned();
    let data = Dataset::new(x, dg.targets().to_owned()).expect("digits");
    check(
        &fx["target_digits_multiclass"],
        "digits",
        &data,
        TargetEncoder::default(),
        &[0, 1796],
        None,
    );
    let rows = indices(&fx["rows_wine"]);
    let w = wine();
    let x = w.records().select(Axis(1), &[4, 12]);
    let data = Dataset::new(x, w.targets().to_owned()).expect("wine");
    check(
        &fx["target_wine_multiclass"],
        "wine multiclass",
        &data,
        TargetEncoder::default(),
        &rows,
        None,
    );
    let x = w.records().select(Axis(1), &[4]);
    let data = Dataset::new(x, w.records().column(0).to_owned()).expect("wine");
    check(
        &fx["target_wine_continuous"],
        "wine continuous",
        &data,
        TargetEncoder::default().cv(4),
        &rows,
        None,
    );
}

#[test]
fn target_encoder_shuffled_folds_and_f32() {
    let p = penguins();
    let x = columns(&p, &[0, 5], 0..344);
    let data = x.with_targets(p.targets().to_owned()).expect("y");
    let enc = TargetEncoder::default();
    let (m1, a) = enc.cross_fit_transform(data.view()).expect("shuffled");
    let (m2, b) = enc.cross_fit_transform(data.view()).expect("shuffled");
    assert_eq!((m1, &a), (m2, &b), "same seed, same folds");
    let (_, c) = enc
        .seed(7)
        .cross_fit_transform(data.view())
        .expect("seed 7");
    assert_ne!(a, c, "another seed, other folds");
    let (_, plain) = enc
        .shuffle(false)
        .cross_fit_transform(data.view())
        .expect("plain");
    assert_ne!(a, plain);
    // The same on 1 and 2 threads.
    let on = |n| {
        oxlearn::parallel::with_threads(Some(n), || enc.cross_fit_transform(data.view()))
            .expect("pool")
            .expect("fit")
    };
    assert_eq!(on(1), on(2));
    // f32 records give the f64 encodings rounded.
    let x32 = data.records().mapv(|v| v as f32);
    let d32 = Dataset::new(x32, data.targets().to_owned()).expect("f32");
    let m32 = enc.fit(d32.view()).expect("f32 fit");
    let m64 = enc.fit(data.view()).expect("f64 fit");
    let o32 = m32.transform(d32.records()).expect("f32");
    let o64 = m64.transform(data.records()).expect("f64");
    for (u, v) in o32.iter().zip(&o64) {
        assert_eq!(*u, *v as f32);
    }
    // Text labels work like their codes.
    let names = ["Adelie", "Chinstrap", "Gentoo"];
    let text: Array1<String> = p.targets().iter().map(|&c| names[c].to_string()).collect();
    let dt = Dataset::new(data.records().to_owned(), text).expect("text");
    let mt = enc.fit(dt.view()).expect("text fit");
    assert_eq!(mt.transform(dt.records()).expect("text"), o64);
    assert_eq!(
        mt.feature_names_out(&["island".into(), "sex".into()])[..3],
        ["island_Adelie", "island_Chinstrap", "island_Gentoo"]
    );
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_string(&mt).expect("serialize");
        let back: TargetEncoderModel<String> = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, mt);
    }
}

#[test]
fn target_encoder_bad_input() {
    let x = ndarray::array![
        [0.0, 1.0],
        [1.0, 1.0],
        [0.0, 2.0],
        [1.0, 2.0],
        [0.0, f64::NAN]
    ];
    let y = ndarray::array![1.0, 2.0, 3.0, 4.5, 5.0];
    let data = Dataset::new(x.clone(), y.clone()).expect("data");
    let enc = TargetEncoder::default();
    // Hyperparameters.
    for (bad, name) in [
        (enc.cv(1), "cv"),
        (enc.smooth(Smooth::Value(-1.0)), "smooth"),
        (enc.smooth(Smooth::Value(f64::NAN)), "smooth"),
    ] {
        let err = bad.fit(data.view()).expect_err(name);
        assert!(err.to_string().contains(name), "{err}");
    }
    // More folds than samples.
    assert!(enc.cv(6).cross_fit_transform(data.view()).is_err());
    // Data: empty, infinite, NaN target, weights.
    let empty = Dataset::new(Array2::<f64>::zeros((0, 2)), Array1::<f64>::zeros(0)).expect("empty");
    assert!(enc.fit(empty.view()).is_err());
    let mut inf = x.clone();
    inf[[1, 0]] = f64::INFINITY;
    let err = enc
        .fit(Dataset::new(inf, y.clone()).expect("inf").view())
        .expect_err("inf");
    assert!(err.to_string().contains("row 1, column 0"), "{err}");
    let mut y_nan = y.clone();
    y_nan[2] = f64::NAN;
    let err = enc
        .fit(Dataset::new(x.clone(), y_nan).expect("nan").view())
        .expect_err("nan target");
    assert!(err.to_string().contains("row 2"), "{err}");
    let weighted = data.clone().with_weights(Array1::ones(5)).expect("weights");
    let err = enc.fit(weighted.view()).expect_err("weights");
    assert!(err.to_string().contains("sample weights"), "{err}");
    // Target type mismatch.
    let err = enc
        .target_type(TargetType::Binary)
        .fit(data.view())
        .expect_err("5 classes are not binary");
    assert!(err.to_string().contains("exactly 2 classes"), "{err}");
    let labels = Dataset::new(x.clone(), ndarray::array!["a", "b", "a", "b", "a"]).expect("text");
    let err = enc
        .target_type(TargetType::Continuous)
        .fit(labels.view())
        .expect_err("text is not continuous");
    assert!(err.to_string().contains("numeric targets"), "{err}");
    assert!(
        enc.target_type(TargetType::Multiclass)
            .fit(labels.view())
            .is_err()
    );
    // Transform: wrong width, infinite; unseen categories and unseen NaN
    // get the target mean.
    let m = enc.fit(data.view()).expect("fit");
    assert!(m.transform(ndarray::array![[0.0]].view()).is_err());
    assert!(
        m.transform(ndarray::array![[0.0, f64::INFINITY]].view())
            .is_err()
    );
    let out = m
        .transform(ndarray::array![[7.0, 3.0]].view())
        .expect("unseen");
    let mean = y.mean().expect("mean");
    assert_eq!(out, ndarray::array![[mean, mean]]);
    let no_nan =
        Dataset::new(x.slice(s![..4, ..]).to_owned(), y.slice(s![..4]).to_owned()).expect("data");
    let m = enc.fit(no_nan.view()).expect("fit");
    let out = m
        .transform(ndarray::array![[f64::NAN, f64::NAN]].view())
        .expect("nan");
    assert_eq!(out, ndarray::array![[2.625, 2.625]]);
}
