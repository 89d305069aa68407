//! Bad input gives an `Err` naming the problem, never a panic.

use ndarray::{Array2, array};
use oxlearn::{Dataset, Error, Fit, PartialFit, Transform};
use oxlearn_preprocessing::*;

fn data() -> Dataset<f64, ()> {
    Dataset::from_records(array![[1.0, 2.0], [3.0, 5.0], [4.0, 9.0]])
        .with_feature_names(["a", "b"])
        .expect("names")
}

fn empty() -> Dataset<f64, ()> {
    Dataset::from_records(Array2::zeros((0, 2)))
}

fn infinite() -> Dataset<f64, ()> {
    Dataset::from_records(array![[1.0, 2.0], [f64::INFINITY, 5.0]])
}

/// Fits `params` on empty and infinite data, then transforms inputs with the
/// wrong number of columns, an infinite value, and (for `finite_only`) NaN.
fn common<P>(params: P, finite_only: bool)
where
    P: Fit<f64, (), Error = PreprocessingError>,
    P::Model: Transform<f64, Error = PreprocessingError>,
{
    let err = params.fit(empty().view()).err().expect("empty data");
    assert!(err.to_string().contains("no samples"), "{err}");
    let err = params.fit(infinite().view()).err().expect("infinite value");
    assert!(err.to_string().contains("row 1, column 0"), "{err}");
    let model = params.fit(data().view()).expect("fit");
    let err = model
        .transform(array![[1.0, 2.0, 3.0]].view())
        .expect_err("3 columns");
    assert!(err.to_string().contains("2 features (as at fit)"), "{err}");
    let err = model
        .transform(array![[1.0, f64::NEG_INFINITY]].view())
        .expect_err("inf");
    assert!(err.to_string().contains("column 1"), "{err}");
    let nan = model.transform(array![[1.0, f64::NAN]].view());
    assert_eq!(nan.is_err(), finite_only);
}

#[test]
fn every_transformer_rejects_bad_data() {
    common(StandardScaler::default(), false);
    common(MinMaxScaler::default(), false);
    common(MaxAbsScaler, false);
    common(RobustScaler::default(), false);
    common(Normalizer::default(), true);
    common(Binarizer::default(), true);
    common(SimpleImputer::default(), false);
    common(PolynomialFeatures::default(), true);
    common(KBinsDiscretizer::default().n_bins(2), true);
    common(QuantileTransformer::default(), false);
    common(PowerTransformer::default(), false);
    common(
        PowerTransformer::default().method(PowerMethod::BoxCox),
        false,
    );
    common(
        KBinsDiscretizer::default()
            .n_bins(2)
            .strategy(BinStrategy::KMeans),
        true,
    );
    common(
        QuantileTransformer::default()
            .subsample(Some(2))
            .n_quantiles(2),
        false,
    );
    common(SplineTransformer::default(), true);
    common(
        OneHotEncoder::default().handle_unknown(HandleUnknown::Ignore),
        false,
    );
    common(
        OrdinalEncoder::default().handle_unknown(OrdinalUnknown::UseEncodedValue(-1.0)),
        false,
    );
}

#[test]
fn invalid_hyperparameters_name_the_parameter() {
    let d = data();
    let cases: Vec<(&str, Result<(), PreprocessingError>)> = vec![
        (
            "feature_range",
            MinMaxScaler::default()
                .feature_range(1.0, 0.0)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "feature_range",
            MinMaxScaler::default()
                .feature_range(0.0, f64::NAN)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "quantile_range",
            RobustScaler::default()
                .quantile_range(-1.0, 50.0)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "quantile_range",
            RobustScaler::default()
                .quantile_range(10.0, 101.0)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "n_bins",
            KBinsDiscretizer::default()
                .n_bins(usize::MAX)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "n_oversamples",
            Pca::default()
                .svd_solver(SvdSolver::Randomized)
                .n_oversamples(usize::MAX)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "n_oversamples",
            TruncatedSvd::default()
                .n_oversamples(usize::MAX)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "n_knots",
            SplineTransformer::default()
                .n_knots(usize::MAX)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "threshold",
            Binarizer::default()
                .threshold(f64::NAN)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "fill_value",
            SimpleImputer::default()
                .fill_value(f64::INFINITY)
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "min_frequency",
            OneHotEncoder::default()
                .min_frequency(Some(MinFrequency::Count(0)))
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "min_frequency",
            OneHotEncoder::default()
                .min_frequency(Some(MinFrequency::Fraction(1.5)))
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "max_categories",
            OneHotEncoder::default()
                .max_categories(Some(0))
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "unknown_value",
            OrdinalEncoder::default()
                .handle_unknown(OrdinalUnknown::UseEncodedValue(0.5))
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "unknown_value",
            OrdinalEncoder::default()
                .handle_unknown(OrdinalUnknown::UseEncodedValue(1.0))
                .fit(d.view())
                .map(|_| ()),
        ),
        (
            "encoded_missing_value",
            OrdinalEncoder::default()
                .encoded_missing_value(0.0)
                .fit(Dataset::from_records(array![[1.0], [f64::NAN]]).view())
                .map(|_| ()),
        ),
    ];
    for (name, result) in cases {
        let err = result.expect_err(name);
        assert!(
            err.to_string().contains(&format!("`{name}`")),
            "{name}: {err}"
        );
        assert!(matches!(Error::from(err), Error::InvalidParameter { .. }));
    }
}

#[test]
fn interaction_only_stops_at_the_number_of_features() {
    // Degrees past the number of features add no interaction term, however
    // large (no loop up to the degree).
    let model = PolynomialFeatures::default()
        .degree(usize::MAX)
        .interaction_only(true)
        .fit(data().view())
        .expect("fit");
    let out = model
        .transform(array![[2.0, 3.0]].view())
        .expect("transform");
    assert_eq!(out, array![[1.0, 2.0, 3.0, 6.0]]);
}

#[test]
fn constant_columns_get_scale_one() {
    let d = Dataset::from_records(array![[7.0, 0.0], [7.0, 0.0], [7.0, 0.0]]);
    let z = StandardScaler::default()
        .fit(d.view())
        .expect("fit")
        .transform(d.records())
        .expect("t");
    assert!(z.iter().all(|&v| v == 0.0));
    let m = MinMaxScaler::default().fit(d.view()).expect("fit");
    assert_eq!(m.scale().to_vec(), vec![1.0, 1.0]);
    let m = RobustScaler::default().fit(d.view()).expect("fit");
    assert_eq!(m.scale().expect("scale").to_vec(), vec![1.0, 1.0]);
    let m = MaxAbsScaler.fit(d.view()).expect("fit");
    assert_eq!(m.scale().to_vec(), vec![7.0, 1.0]);
}

#[test]
fn all_missing_columns() {
    let nan = f64::NAN;
    let d = Dataset::from_records(array![[nan, 1.0], [nan, 3.0]])
        .with_feature_names(["gone", "kept"])
        .expect("n");
    // Dropped, as scikit-learn does, and listed.
    let m = SimpleImputer::default().fit(d.view()).expect("fit");
    assert_eq!(m.dropped_features(), vec![0]);
    assert_eq!(m.transform(d.records()).expect("t"), array![[1.0], [3.0]]);
    assert_eq!(m.feature_names_out(d.feature_names()), ["kept"]);
    // Every column empty: an error naming the first.
    let all = Dataset::from_records(array![[nan], [nan]])
        .with_feature_names(["gone"])
        .expect("n");
    let err = SimpleImputer::default()
        .strategy(ImputeStrategy::Median)
        .fit(all.view())
        .expect_err("all NaN");
    assert!(err.to_string().contains("`gone`"), "{err}");
    // Other transformers give NaN statistics and NaN output, as scikit-learn.
    let m = QuantileTransformer::default().fit(d.view()).expect("fit");
    let out = m
        .transform(array![[2.0f64, 2.0]].view())
        .expect("transform");
    assert!(out[[0, 0]].is_nan() && out[[0, 1]] == 0.5);
    let m = StandardScaler::default().fit(d.view()).expect("fit");
    assert!(m.transform(array![[2.0, 2.0]].view()).expect("t")[[0, 0]].is_nan());
    // Constant strategy and keep_empty_features keep it.
    let m = SimpleImputer::default()
        .keep_empty_features(true)
        .fit(all.view())
        .expect("fit");
    assert_eq!(m.transform(all.records()).expect("t"), array![[0.0], [0.0]]);
}

#[test]
fn unknown_categories_and_partial_fit_errors() {
    let d = data();
    let m = OneHotEncoder::default().fit(d.view()).expect("fit");
    let err = m.transform(array![[1.0, 4.0]].view()).expect_err("unknown");
    assert!(err.to_string().contains("column 1 (`b`)"), "{err}");
    let m = OrdinalEncoder::default().fit(d.view()).expect("fit");
    assert!(m.transform(array![[2.0, 2.0]].view()).is_err());
    assert!(m.inverse_transform(array![[7.0, 0.0]].view()).is_err());

    let mut s = StandardScaler::default().fit(d.view()).expect("fit");
    let before = s.clone();
    let wide = Dataset::from_records(array![[1.0, 2.0, 3.0]]);
    assert!(s.partial_fit(wide.view()).is_err());
    assert!(s.partial_fit(infinite().view()).is_err());
    assert_eq!(s, before, "a failed partial_fit leaves the model unchanged");
    let mut mm = MinMaxScaler::default().fit(d.view()).expect("fit");
    assert!(mm.partial_fit(wide.view()).is_err());

    let hot = OneHotEncoder::default().fit(d.view()).expect("fit");
    let err = hot
        .inverse_transform(Array2::<f64>::zeros((1, 6)).view())
        .expect_err("all zeros");
    assert!(err.to_string().contains("all zeros"), "{err}");
    assert!(
        hot.inverse_transform(Array2::<f64>::zeros((1, 5)).view())
            .is_err()
    );

    let weighted = d
        .clone()
        .with_weights(ndarray::array![1.0, 2.0, 1.0])
        .expect("weights");
    let err = KBinsDiscretizer::default()
        .fit(weighted.view())
        .expect_err("weights");
    assert!(err.to_string().contains("sample weights"), "{err}");

    let constant = Dataset::from_records(array![[1.0], [1.0]])
        .with_feature_names(["c"])
        .expect("n");
    let err = SplineTransformer::default()
        .fit(constant.view())
        .expect_err("constant");
    assert!(err.to_string().contains("`c`"), "{err}");

    let labels = LabelEncoder.fit(array![3, 1, 2].view()).expect("fit");
    assert!(labels.transform(array![4].view()).is_err());
    assert!(labels.inverse_transform(array![3].view()).is_err());
    assert!(
        LabelEncoder
            .fit(ndarray::Array1::<u8>::zeros(0).view())
            .is_err()
    );
}

#[test]
fn column_transformer_errors_name_the_problem() {
    let d = data();
    let unknown = ColumnTransformer::default().add("num", Columns::names(["a", "zzz"]), vec![]);
    let err = unknown.fit(d.view()).expect_err("unknown column");
    assert!(
        err.to_string().contains("`zzz`") && err.to_string().contains("`num`"),
        "{err}"
    );
    let out_of_range = ColumnTransformer::default().add("num", Columns::indices([0, 5]), vec![]);
    let err = out_of_range.fit(d.view()).expect_err("index out of range");
    assert!(err.to_string().contains("column index 5"), "{err}");
    let twice = ColumnTransformer::default()
        .add("g", Columns::indices([0]), vec![])
        .add("g", Columns::indices([1]), vec![]);
    let err = twice.fit(d.view()).expect_err("duplicate names");
    assert!(err.to_string().contains("`transformers`"), "{err}");
    let bad_name = ColumnTransformer::default().add("a__b", Columns::indices([0]), vec![]);
    assert!(bad_name.fit(d.view()).is_err());
    // A failing step names its own problem.
    let bad_step = ColumnTransformer::default().add(
        "g",
        Columns::indices([0]),
        vec![MinMaxScaler::default().feature_range(2.0, 1.0).into()],
    );
    let err = bad_step.fit(d.view()).expect_err("bad step");
    assert!(err.to_string().contains("`feature_range`"), "{err}");

    let ok = ColumnTransformer::default()
        .add(
            "scaled",
            Columns::names(["b"]),
            vec![StandardScaler::default().into()],
        )
        .remainder(Remainder::Passthrough);
    let m = ok.fit(d.view()).expect("fit");
    assert!(m.transform(array![[1.0]].view()).is_err());
    assert_eq!(
        m.feature_names_out(d.feature_names()),
        ["scaled__b", "remainder__a"]
    );
    let z = m.transform(d.records()).expect("transform");
    assert_eq!(z.column(1).to_vec(), vec![1.0, 3.0, 4.0]);
}

#[test]
fn corrupt_models_give_errors_not_panics() {
    let d = data();
    let scaler = StandardScaler::default().fit(d.view()).expect("fit");
    let mut json: serde_json::Value = serde_json::to_value(&scaler).expect("json");
    json["scale"]["dim"] = serde_json::json!([1]);
    json["scale"]["data"] = serde_json::json!([1.0]);
    let broken: StandardScalerModel<f64> = serde_json::from_value(json).expect("loads");
    let err = broken.transform(d.records()).expect_err("inconsistent");
    assert!(err.to_string().contains("invalid model"), "{err}");

    let hot = OneHotEncoder::default().fit(d.view()).expect("fit");
    let mut json = serde_json::to_value(&hot).expect("json");
    json["offsets"] = serde_json::json!([0, 1]);
    let broken: OneHotEncoderModel = serde_json::from_value(json).expect("loads");
    assert!(broken.transform(d.records()).is_err());

    let poly = PolynomialFeatures::default().fit(d.view()).expect("fit");
    let mut json = serde_json::to_value(&poly).expect("json");
    json["terms"][1]["features"] = serde_json::json!([7]);
    let broken: PolynomialFeaturesModel = serde_json::from_value(json).expect("loads");
    assert!(broken.transform(d.records()).is_err());

    let bins = KBinsDiscretizer::default()
        .n_bins(2)
        .fit(d.view())
        .expect("fit");
    let mut json = serde_json::to_value(&bins).expect("json");
    json["bin_edges"][0] = serde_json::json!([3.0, 1.0]);
    let broken: KBinsDiscretizerModel = serde_json::from_value(json).expect("loads");
    assert!(broken.transform(d.records()).is_err());
    let mut json = serde_json::to_value(&bins).expect("json");
    json["bin_edges"][0] = serde_json::json!([]);
    let broken: KBinsDiscretizerModel = serde_json::from_value(json).expect("loads");
    assert_eq!(broken.n_bins()[0], 0);
    assert_eq!(broken.feature_names_out(&[]).len(), 2);
    assert!(broken.transform(d.records()).is_err());

    let spline = SplineTransformer::default().fit(d.view()).expect("fit");
    let mut json = serde_json::to_value(&spline).expect("json");
    json["knots"] = serde_json::json!([[0.0], [0.0]]);
    let broken: SplineTransformerModel = serde_json::from_value(json).expect("loads");
    assert_eq!(broken.n_features_out(), 0);
    assert!(broken.feature_names_out(&[]).is_empty());
    assert!(broken.transform(d.records()).is_err());

    let pca = Pca::default().fit(d.view()).expect("fit");
    let mut json = serde_json::to_value(&pca).expect("json");
    json["explained_variance"]["dim"] = serde_json::json!([1]);
    json["explained_variance"]["data"] = serde_json::json!([1.0]);
    let broken: PcaModel<f64> = serde_json::from_value(json).expect("loads");
    assert!(broken.get_covariance().is_err());
    assert!(broken.get_precision().is_err());
}
