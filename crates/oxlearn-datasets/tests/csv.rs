//! Reading CSV files from disk: plain and gzip, happy path and malformed files.

use std::io::Write;
use std::path::PathBuf;

use flate2::Compression;
use flate2::write::GzEncoder;
use oxlearn::Error;
use oxlearn_datasets::csv::{CsvOptions, StringColumns};

/// A fresh path under cargo's per-target temporary directory.
fn temp_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oxlearn-datasets-csv");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", std::process::id()))
}

fn write_plain(name: &str, text: &str) -> PathBuf {
    let path = temp_path(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn write_gz(name: &str, text: &str) -> PathBuf {
    let path = temp_path(name);
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    std::fs::write(&path, enc.finish().unwrap()).unwrap();
    path
}

const PEOPLE: &str = "\
age,city,height,label
31,Paris,1.80,yes
45,,1.62,no
,Berlin,NA,yes
27,Paris,?,no
";

#[test]
fn happy_path_plain_and_gzip() {
    let options = CsvOptions::new()
        .target("label")
        .string_columns(StringColumns::Categorical);
    let plain = write_plain("people.csv", PEOPLE);
    let gz = write_gz("people.csv.gz", PEOPLE);
    for path in [&plain, &gz] {
        let data = options.read::<usize>(path).unwrap();
        assert_eq!(data.records().dim(), (4, 3));
        assert_eq!(data.feature_names(), ["age", "city", "height"]);
        assert_eq!(data.target_names(), ["no", "yes"]);
        assert_eq!(data.targets().to_vec(), vec![1, 0, 1, 0]);
        assert_eq!(
            data.categories()[1],
            Some(vec!["Berlin".to_string(), "Paris".to_string()])
        );
        let x = data.records();
        assert_eq!(x[[0, 0]], 31.0);
        assert_eq!(x[[0, 1]], 1.0);
        assert!(
            x[[1, 1]].is_nan() && x[[2, 0]].is_nan() && x[[2, 2]].is_nan() && x[[3, 2]].is_nan()
        );
        assert_eq!(x.iter().filter(|v| v.is_nan()).count(), 4);
    }
    std::fs::remove_file(plain).unwrap();
    std::fs::remove_file(gz).unwrap();
}

#[test]
fn string_targets_and_unsupervised_reads() {
    let path = write_plain("strings.csv", "a,b,class\n1,2,cat\n3,4,dog\n");
    let labelled = CsvOptions::new()
        .target("class")
        .read::<String>(&path)
        .unwrap();
    assert_eq!(labelled.targets().to_vec(), vec!["cat", "dog"]);
    let unlabelled = CsvOptions::new().target("class").read::<()>(&path).unwrap();
    assert_eq!(unlabelled.feature_names(), ["a", "b"]);
    let all = CsvOptions::new().read::<()>(&path);
    // Without a target, `class` is a feature and holds text: rejected by default.
    let err = all.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Parse {
                line: 2,
                column: 3,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains(&path.display().to_string()));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn regression_targets_and_names() {
    let path = write_gz("reg.csv.gz", "x1\tx2\ty\n0.5\t1e3\t-2.5\n1\t-inf\t3\n");
    let data = CsvOptions::new()
        .delimiter(b'\t')
        .target("y")
        .read::<f64>(&path)
        .unwrap();
    assert_eq!(data.targets().to_vec(), vec![-2.5, 3.0]);
    assert_eq!(data.target_names(), ["y"]);
    assert_eq!(data.records()[[0, 1]], 1000.0);
    assert_eq!(data.records()[[1, 1]], f64::NEG_INFINITY);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn malformed_files_report_line_and_column() {
    let cases: [(&str, &str, u64, usize); 6] = [
        ("ragged", "a,b,y\n1,2,3\n4,5,6\n7,8\n", 4, 3),
        ("bad-number", "a,b,y\n1,2,3\n4,x5,6\n", 3, 2),
        ("missing-target", "a,b,y\n1,2,3\n4,5,NA\n", 3, 3),
        ("bad-target", "a,b,y\n1,2,3\n4,5,six\n", 3, 3),
        ("no-target-column", "a,b,z\n1,2,3\n", 1, 1),
        ("empty", "", 1, 1),
    ];
    for (name, text, line, column) in cases {
        let path = write_plain(&format!("{name}.csv"), text);
        let err = CsvOptions::new()
            .target("y")
            .read::<f64>(&path)
            .unwrap_err();
        match &err {
            Error::Parse {
                file,
                line: l,
                column: c,
                ..
            } => {
                assert_eq!((*l, *c), (line, column), "{name}: {err}");
                assert_eq!(file, &path.display().to_string());
            }
            other => panic!("{name}: expected a parse error, got {other}"),
        }
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn io_and_gzip_errors() {
    let missing = temp_path("does-not-exist.csv");
    assert!(matches!(
        CsvOptions::new().read::<()>(&missing),
        Err(Error::Io { .. })
    ));
    let fake_gz = write_plain("fake.csv.gz", "a\n1\n");
    let err = CsvOptions::new().read::<()>(&fake_gz).unwrap_err();
    assert!(err.to_string().contains("not gzip"), "{err}");
    std::fs::remove_file(fake_gz).unwrap();
    let mut truncated = {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(PEOPLE.as_bytes()).unwrap();
        enc.finish().unwrap()
    };
    truncated.truncate(truncated.len() / 2);
    let result = CsvOptions::new().read_from::<()>(&truncated[..], "cut.csv.gz");
    assert!(matches!(result, Err(Error::Io { .. })));
}
