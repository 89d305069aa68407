//! Reference tests of the encoders and the column transformer against
//! scikit-learn 1.7.2 (fixtures written by `xtask/fixtures/preprocessing.py`
//! on penguins and the first 3000 rows of adult): within 1e-10 relative to
//! max(1, |expected|) in f64; category names as scikit-learn's.

#[path = "support/mod.rs"]
mod support;

use ndarray::{Array1, Axis, s};
use oxlearn::{Fit, Transform};
use oxlearn_preprocessing::*;
use support::*;

#[test]
fn one_hot_encoder() {
    let fx = fixtures();
    let rows_p = indices(&fx["rows_penguins"]);
    let rows_a = indices(&fx["rows_adult"]);
    let pen = columns(&penguins(), &[0, 5], 0..344);
    let c_names = |n: usize| (0..n).map(|k| format!("c{k}")).collect::<Vec<_>>();
    for (key, drop) in [
        ("onehot_penguins", None),
        ("onehot_penguins_first", Some(DropCategory::First)),
        ("onehot_penguins_if_binary", Some(DropCategory::IfBinary)),
    ] {
        let e = &fx[key];
        let m = OneHotEncoder::default()
            .drop(drop)
            .fit(pen.view())
            .expect("fit");
        assert_eq!(
            m.feature_names_out(&c_names(2)),
            strings(&e["names"]),
            "{key}"
        );
        let out = m.transform(pen.records()).expect("transform");
        assert_rows(&out, &rows_p, &e["rows"], key);
        assert_close(
            out.sum_axis(Axis(0)).iter(),
            vec1(&e["col_sums"]).iter(),
            key,
        );
        if !e["inverse_rows"].is_null() {
            let back = m.inverse_transform(out.view()).expect("inverse");
            assert_rows(&back, &rows_p, &e["inverse_rows"], key);
        }
    }
    let first_names = OneHotEncoder::default().fit(pen.view()).expect("fit");
    assert_eq!(
        first_names.feature_names_out(pen.feature_names())[..3],
        ["island_Biscoe", "island_Dream", "island_Torgersen"]
    );

    let adult = oxlearn_datasets::adult().expect("adult");
    let fit = columns(&adult, &ADULT_CAT, 0..3000);
    let new = columns(&adult, &ADULT_CAT, 3000..3300);
    let cases = [
        (
            "onehot_adult",
            OneHotEncoder::default().handle_unknown(HandleUnknown::Ignore),
        ),
        (
            "onehot_adult_infrequent",
            OneHotEncoder::default()
                .handle_unknown(HandleUnknown::InfrequentIfExist)
                .min_frequency(Some(MinFrequency::Count(30))),
        ),
        (
            "onehot_adult_max_categories",
            OneHotEncoder::default()
                .handle_unknown(HandleUnknown::InfrequentIfExist)
                .max_categories(Some(4))
                .drop(Some(DropCategory::First)),
        ),
        (
            "onehot_adult_fraction",
            OneHotEncoder::default()
                .handle_unknown(HandleUnknown::InfrequentIfExist)
                .min_frequency(Some(MinFrequency::Fraction(0.05)))
                .max_categories(Some(6))
                .drop(Some(DropCategory::IfBinary)),
        ),
    ];
    for (key, params) in cases {
        let e = &fx[key];
        let m = params.fit(fit.view()).expect("fit");
        assert_eq!(
            m.feature_names_out(&c_names(8)),
            strings(&e["names"]),
            "{key}"
        );
        let out = m.transform(fit.records()).expect("transform");
        assert_rows(&out, &rows_a, &e["rows"], key);
        assert_close(
            out.sum_axis(Axis(0)).iter(),
            vec1(&e["col_sums"]).iter(),
            key,
        );
        let out = m.transform(new.records()).expect("transform new");
        assert_rows(&out, &rows_a, &e["new_rows"], key);
        assert_close(
            out.sum_axis(Axis(0)).iter(),
            vec1(&e["new_col_sums"]).iter(),
            key,
        );
        if !e["inverse_rows"].is_null() {
            let back = m.inverse_transform(out.view()).expect("inverse");
            assert_rows(&back, &rows_a, &e["inverse_rows"], key);
        }
    }
    // Unknown categories with the default `Error`.
    let strict = OneHotEncoder::default().fit(fit.view()).expect("fit");
    let mut bad = fit.records().slice(s![..3, ..]).to_owned();
    bad[[1, 7]] = 999.0;
    let err = strict.transform(bad.view()).expect_err("unknown category");
    assert!(
        matches!(&err, PreprocessingError::UnknownCategory { column: 7, name, .. } if name == "native-country"),
        "{err}"
    );
    assert!(err.to_string().contains("999"), "{err}");
}

#[test]
fn ordinal_and_label_encoders() {
    let fx = fixtures();
    let rows_p = indices(&fx["rows_penguins"]);
    let rows_a = indices(&fx["rows_adult"]);
    let adult = oxlearn_datasets::adult().expect("adult");
    let fit = columns(&adult, &ADULT_CAT, 0..3000);
    let new = columns(&adult, &ADULT_CAT, 3000..3300);
    let e = &fx["ordinal_adult"];
    let m = OrdinalEncoder::default()
        .handle_unknown(OrdinalUnknown::UseEncodedValue(-2.0))
        .fit(fit.view())
        .expect("fit");
    assert_rows(
        &m.transform(fit.records()).expect("transform"),
        &rows_a,
        &e["rows"],
        "ordinal",
    );
    let out = m.transform(new.records()).expect("transform");
    assert_rows(&out, &rows_a, &e["new_rows"], "ordinal new");
    let sums: Vec<f64> = out
        .columns()
        .into_iter()
        .map(|c| c.iter().filter(|v| !v.is_nan()).sum())
        .collect();
    assert_close(&sums, &vec1(&e["new_col_sums"]), "ordinal new sums");
    let nan_counts: Vec<f64> = out
        .columns()
        .into_iter()
        .map(|c| c.iter().filter(|v| v.is_nan()).count() as f64)
        .collect();
    assert_close(
        &nan_counts,
        &vec1(&e["new_nan_counts"]),
        "ordinal nan counts",
    );
    let strict = OrdinalEncoder::default().fit(fit.view()).expect("fit");
    let mut bad = fit.records().slice(s![..3, ..]).to_owned();
    bad[[2, 0]] = 999.0;
    let err = strict.transform(bad.view()).expect_err("unknown category");
    assert!(err.to_string().contains("`workclass`"), "{err}");

    let pen = columns(&penguins(), &[0, 5], 0..344);
    let m = OrdinalEncoder::default()
        .encoded_missing_value(-1.0)
        .fit(pen.view())
        .expect("fit");
    let out = m.transform(pen.records()).expect("transform");
    assert_rows(
        &out,
        &rows_p,
        &fx["ordinal_penguins"]["rows"],
        "ordinal penguins",
    );
    assert_eq!(m.categories()[0], ["Biscoe", "Dream", "Torgersen"]);
    let back = m.inverse_transform(out.view()).expect("inverse");
    assert_close(back.iter(), pen.records().iter(), "ordinal inverse");

    let p = penguins();
    let species: Array1<String> = p
        .targets()
        .iter()
        .map(|&k| p.target_names()[k].clone())
        .collect();
    let (model, codes) = LabelEncoder.fit_transform(species.view()).expect("fit");
    let e = &fx["label_penguins"];
    assert_eq!(model.classes(), strings(&e["classes"]).as_slice());
    let expected: Vec<usize> = indices(&e["codes"]);
    assert_eq!(codes.to_vec(), expected);
}

#[test]
fn column_transformer() {
    let fx = fixtures();
    let rows_p = indices(&fx["rows_penguins"]);
    let rows_a = indices(&fx["rows_adult"]);
    let ct = |cat: Columns, num: Columns, onehot: OneHotEncoder| {
        ColumnTransformer::default()
            .add(
                "cat",
                cat,
                vec![
                    SimpleImputer::default()
                        .strategy(ImputeStrategy::MostFrequent)
                        .into(),
                    onehot.into(),
                ],
            )
            .add(
                "num",
                num,
                vec![
                    SimpleImputer::default()
                        .strategy(ImputeStrategy::Median)
                        .into(),
                    StandardScaler::default().into(),
                ],
            )
    };
    // Penguins: by name, `year` passed through.
    let p = penguins();
    let params = ct(
        Columns::names(["island", "sex"]),
        Columns::names([
            "bill_length_mm",
            "bill_depth_mm",
            "flipper_length_mm",
            "body_mass_g",
        ]),
        OneHotEncoder::default().handle_unknown(HandleUnknown::Ignore),
    )
    .remainder(Remainder::Passthrough);
    let m = params.fit(p.view()).expect("fit");
    let e = &fx["column_transformer_penguins"];
    assert_eq!(m.feature_names_out(p.feature_names()), strings(&e["names"]));
    assert_rows(
        &m.transform(p.records()).expect("transform"),
        &rows_p,
        &e["rows"],
        "ct penguins",
    );
    assert_eq!(m.remainder_columns(), &[6]);

    // Adult (first 3000 rows): by index, infrequent categories, the rest dropped.
    let adult = oxlearn_datasets::adult().expect("adult");
    let head = adult.view().slice(0, 3000).expect("slice");
    let params = ct(
        Columns::indices(ADULT_CAT),
        Columns::indices([0, 2, 4, 10, 11, 12]),
        OneHotEncoder::default()
            .handle_unknown(HandleUnknown::InfrequentIfExist)
            .min_frequency(Some(MinFrequency::Count(20))),
    );
    let m = params.fit(head).expect("fit");
    let e = &fx["column_transformer_adult"];
    assert_eq!(
        m.feature_names_out(&head.feature_names()),
        strings(&e["names"])
    );
    assert_rows(
        &m.transform(head.records()).expect("transform"),
        &rows_a,
        &e["rows"],
        "ct adult",
    );
}
