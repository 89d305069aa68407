use oxlearn::Error;

use super::*;

fn read<T: CsvTarget>(options: &CsvOptions, text: &str) -> Result<Dataset<f64, T>> {
    options.read_from::<T>(text.as_bytes(), "t.csv")
}

/// The (line, column) of a parse error.
fn position(err: &Error) -> (u64, usize) {
    match err {
        Error::Parse { line, column, .. } => (*line, *column),
        other => panic!("expected a parse error, got {other}"),
    }
}

#[test]
fn class_codes_sort_numerically_when_labels_are_numbers() {
    let text = "x,y\n1,10\n2,9\n3,10\n4,2\n";
    let data = read::<usize>(&CsvOptions::new().target("y"), text).unwrap();
    assert_eq!(data.target_names(), ["2", "9", "10"]);
    assert_eq!(data.targets().to_vec(), vec![2, 1, 2, 0]);
}

#[test]
fn class_codes_sort_text_labels() {
    let text = "x,y\n1,b\n2,a\n3,c\n4,a\n";
    let data = read::<usize>(&CsvOptions::new().target("y"), text).unwrap();
    assert_eq!(data.target_names(), ["a", "b", "c"]);
    assert_eq!(data.targets().to_vec(), vec![1, 0, 2, 0]);
}

#[test]
fn forced_categorical_integer_column() {
    let text = "a,b\n3,1\n1,2\n3,3\n,4\n";
    let data = read::<()>(&CsvOptions::new().categorical(["a"]), text).unwrap();
    assert_eq!(
        data.categories()[0],
        Some(vec!["1".to_string(), "3".to_string()])
    );
    assert_eq!(data.categories()[1], None);
    let col: Vec<f64> = data.records().column(0).to_vec();
    assert_eq!(&col[..3], &[1.0, 0.0, 1.0]);
    assert!(col[3].is_nan());
}

#[test]
fn column_turns_categorical_after_numbers() {
    // Numbers first, text later: the whole column is categorical.
    let text = "a,t\n1,0\n2,1\nz,0\n";
    let options = CsvOptions::new()
        .target("t")
        .string_columns(StringColumns::Categorical);
    let data = read::<f64>(&options, text).unwrap();
    assert_eq!(
        data.categories()[0],
        Some(vec!["1".to_string(), "2".to_string(), "z".to_string()])
    );
    assert_eq!(data.records().column(0).to_vec(), vec![0.0, 1.0, 2.0]);
    assert_eq!(data.target_names(), ["t"]);
}

#[test]
fn target_index_without_header() {
    let text = "1,2,a\n3,4,b\n";
    let options = CsvOptions::new().has_header(false).target_index(2);
    let data = read::<String>(&options, text).unwrap();
    assert_eq!(data.feature_names(), ["x0", "x1"]);
    assert_eq!(data.targets().to_vec(), vec!["a", "b"]);

    let by_name = CsvOptions::new().has_header(false).target("c");
    assert!(matches!(
        read::<String>(&by_name, text),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn unsupervised_drops_a_configured_target() {
    let text = "a,b,c\n1,2,3\n";
    let data = read::<()>(&CsvOptions::new().target("b"), text).unwrap();
    assert_eq!(data.feature_names(), ["a", "c"]);
}

#[test]
fn reading_targets_needs_a_target_column() {
    let err = read::<f64>(&CsvOptions::new(), "a\n1\n").unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { ref name, .. } if name == "target"),
        "{err}"
    );
}

#[test]
fn quoted_fields_whitespace_bom_and_other_delimiters() {
    let text = "\u{feff}name;\"value\"\n\" x, y \"; 1.5 \nz;2\n";
    let options = CsvOptions::new()
        .delimiter(b';')
        .target("value")
        .string_columns(StringColumns::Categorical);
    let data = read::<f64>(&options, text).unwrap();
    assert_eq!(data.feature_names(), ["name"]);
    assert_eq!(
        data.categories()[0],
        Some(vec!["x, y".to_string(), "z".to_string()])
    );
    assert_eq!(data.targets().to_vec(), vec![1.5, 2.0]);
}

#[test]
fn custom_missing_markers() {
    let text = "a,b\n-999,1\n,2\n";
    let options = CsvOptions::new().missing_values(["-999"]);
    let err = read::<()>(&options, text).unwrap_err();
    // The empty field is no longer missing, and not a number.
    assert_eq!(position(&err), (3, 1));
    let data = read::<()>(&CsvOptions::new().missing_values(["-999", ""]), text).unwrap();
    assert!(data.records()[[0, 0]].is_nan() && data.records()[[1, 0]].is_nan());
}

#[test]
fn errors_name_line_and_column() {
    let ragged_short = "a,b,c\n1,2,3\n4,5\n";
    assert_eq!(
        position(&read::<()>(&CsvOptions::new(), ragged_short).unwrap_err()),
        (3, 3)
    );
    let ragged_long = "a,b\n1,2\n3,4\n5,6,7\n";
    assert_eq!(
        position(&read::<()>(&CsvOptions::new(), ragged_long).unwrap_err()),
        (4, 3)
    );
    let text_in_numbers = "a,b\n1,2\n3,four\n";
    assert_eq!(
        position(&read::<()>(&CsvOptions::new(), text_in_numbers).unwrap_err()),
        (3, 2)
    );
    let missing_target = "a,y\n1,2\n3,\n";
    let err = read::<f64>(&CsvOptions::new().target("y"), missing_target).unwrap_err();
    assert_eq!(position(&err), (3, 2));
    assert!(err.to_string().contains("missing target"), "{err}");
    let bad_target = "y,a\n1,2\nx,3\n";
    assert_eq!(
        position(&read::<f64>(&CsvOptions::new().target("y"), bad_target).unwrap_err()),
        (3, 1)
    );
    let no_column = "a,b\n1,2\n";
    let err = read::<f64>(&CsvOptions::new().target("y"), no_column).unwrap_err();
    assert_eq!(position(&err), (1, 1));
    assert!(
        err.to_string().contains("target column `y` not found"),
        "{err}"
    );
    let err = read::<()>(&CsvOptions::new(), "").unwrap_err();
    assert_eq!(position(&err), (1, 1));
    assert!(err.to_string().contains("empty file"), "{err}");
    let err = read::<()>(&CsvOptions::new(), "a,b\n").unwrap_err();
    assert_eq!(position(&err), (2, 1));
    let err = read::<f64>(&CsvOptions::new().target_index(5), "a,b\n1,2\n").unwrap_err();
    assert_eq!(position(&err), (1, 1));
    let err = read::<()>(&CsvOptions::new().categorical(["nope"]), "a,b\n1,2\n").unwrap_err();
    assert!(err.to_string().contains("`nope`"), "{err}");
}

#[test]
fn quoted_newlines_keep_line_numbers_of_record_starts() {
    let text = "a,b\n\"x\ny\",1\n2,oops\n";
    let options = CsvOptions::new().string_columns(StringColumns::Reject);
    let err = read::<()>(&options, text).unwrap_err();
    // The first data record spans lines 2-3: the bad one starts on line 4.
    assert_eq!(position(&err), (2, 1));
    let options = CsvOptions::new().categorical(["a"]);
    let err = read::<()>(&options, text).unwrap_err();
    assert_eq!(position(&err), (4, 2));
}

#[test]
fn invalid_utf8_labels_are_errors() {
    let bytes = b"a,y\n1,\xff\n";
    let err = CsvOptions::new()
        .target("y")
        .read_from::<String>(&bytes[..], "t.csv")
        .unwrap_err();
    assert_eq!(position(&err), (2, 2));
}
