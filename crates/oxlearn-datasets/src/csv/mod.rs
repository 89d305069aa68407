//! Loading a [`Dataset`] from a CSV file.
//!
//! [`CsvOptions`] says how the file is laid out (header, delimiter, which
//! column is the target, which fields mean "missing", what to do with text
//! columns); [`CsvOptions::read`] and [`CsvOptions::read_from`] then build a
//! `Dataset<f64, T>`, where the target type `T` picks how the target column is
//! read (see [`CsvTarget`]):
//!
//! | `T` | target column | target names |
//! |---|---|---|
//! | `f64` | parsed as numbers (regression) | the column's name |
//! | `String` | class labels as text | none |
//! | `usize` | class labels coded `0..k` in sorted order (numeric order when every label is a number) | the label of each code |
//! | `()` | none: unsupervised (a configured target column is left out) | none |
//!
//! Features are always `f64`: numbers as written, missing fields as NaN and,
//! with [`StringColumns::Categorical`], text columns as integer codes whose
//! names are recorded with [`Dataset::with_categories`]. Files whose name ends
//! in `.gz` (or whose bytes start like gzip) are decompressed transparently.
//!
//! Every problem with the file is an [`Error::Parse`](oxlearn::Error::Parse)
//! naming the file, the 1-based line and the 1-based column (field index).
//!
//! ```
//! use oxlearn_datasets::csv::{CsvOptions, StringColumns};
//!
//! let text = "\
//! colour,size,price
//! red,1.5,10
//! blue,NA,12.5
//! red,2.0,11
//! ";
//! let data = CsvOptions::new()
//!     .target("price")
//!     .string_columns(StringColumns::Categorical)
//!     .read_from::<f64>(text.as_bytes(), "prices.csv")?;
//! assert_eq!(data.records().dim(), (3, 2));
//! assert_eq!(data.feature_names(), ["colour", "size"]);
//! assert_eq!(data.categories()[0], Some(vec!["blue".to_string(), "red".to_string()]));
//! assert_eq!(data.records()[[0, 0]], 1.0); // "red" is code 1
//! assert!(data.records()[[1, 1]].is_nan()); // "NA" is missing
//! assert_eq!(data.targets()[1], 12.5);
//!
//! // A number that does not parse is an error naming line and column.
//! let err = CsvOptions::new().target("b").read_from::<f64>("a,b\n1,2\nx,3\n".as_bytes(), "t.csv");
//! assert_eq!(
//!     err.unwrap_err().to_string(),
//!     "malformed t.csv at line 3, column 1: cannot parse `x` as a number in column `a` \
//!      (text columns need `string_columns(StringColumns::Categorical)`)"
//! );
//! # Ok::<(), oxlearn::Error>(())
//! ```

mod table;

use std::io::Read;
use std::path::Path;

use ndarray::Array1;
use oxlearn::{Dataset, Result};

use crate::source;
use table::{ParsedTarget, TargetKind};

/// Which column holds the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetColumn {
    /// The column with this header name.
    Name(String),
    /// The column at this 0-based position.
    Index(usize),
}

/// What to do with a feature column that holds text that is not a number
/// (nor a missing-value marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StringColumns {
    /// Reject the file with an [`Error::Parse`](oxlearn::Error::Parse) naming
    /// the first such field. The default: a stray word in a numeric column is
    /// usually a mistake.
    #[default]
    Reject,
    /// Read the column as categorical: the distinct values, sorted (in numeric
    /// order when all are numbers), are coded `0..k` and their names are set
    /// with [`Dataset::with_categories`]. Missing fields stay NaN.
    Categorical,
}

/// How to read a CSV file into a [`Dataset`].
///
/// Build it with [`CsvOptions::new`] (or `Default`) and the builder methods,
/// then call [`read`](CsvOptions::read) or [`read_from`](CsvOptions::read_from).
///
/// | option | default |
/// |---|---|
/// | [`has_header`](CsvOptions::has_header) | `true`: the first row names the columns |
/// | [`target`](CsvOptions::target) / [`target_index`](CsvOptions::target_index) | none (unsupervised) |
/// | [`delimiter`](CsvOptions::delimiter) | `b','` |
/// | [`missing_values`](CsvOptions::missing_values) | [`DEFAULT_MISSING_VALUES`] |
/// | [`string_columns`](CsvOptions::string_columns) | [`StringColumns::Reject`] |
/// | [`categorical`](CsvOptions::categorical) | none |
///
/// Fields are trimmed of surrounding whitespace before they are interpreted;
/// quoting follows RFC 4180 (`"a, b"` is one field, `""` an escaped quote).
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// Whether the first row is a header naming the columns. Without one the
    /// features are named `x0`, `x1`, ... and the target can only be chosen by
    /// index.
    pub has_header: bool,
    /// The target column, or `None` for unsupervised data.
    pub target: Option<TargetColumn>,
    /// The field delimiter (a single byte: `b','`, `b';'`, `b'\t'`, ...).
    pub delimiter: u8,
    /// Field values that mean "missing" (compared after trimming). A missing
    /// feature becomes NaN; a missing target is an error.
    pub missing_values: Vec<String>,
    /// What to do with feature columns holding text.
    pub string_columns: StringColumns,
    /// Names of columns to read as categorical even when every value is a
    /// number (integer-coded categories, for example).
    pub categorical: Vec<String>,
}

/// The fields [`CsvOptions`] treats as missing by default: the empty field and
/// the usual spellings of "not available".
pub const DEFAULT_MISSING_VALUES: [&str; 8] = ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "?"];

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            has_header: true,
            target: None,
            delimiter: b',',
            missing_values: DEFAULT_MISSING_VALUES
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            string_columns: StringColumns::Reject,
            categorical: Vec::new(),
        }
    }
}

impl CsvOptions {
    /// The default options (see the table on [`CsvOptions`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets whether the first row is a header.
    pub fn has_header(mut self, yes: bool) -> Self {
        self.has_header = yes;
        self
    }

    /// Reads the target from the column named `name` in the header.
    pub fn target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(TargetColumn::Name(name.into()));
        self
    }

    /// Reads the target from the column at 0-based position `index`.
    pub fn target_index(mut self, index: usize) -> Self {
        self.target = Some(TargetColumn::Index(index));
        self
    }

    /// Reads no target: every column is a feature.
    pub fn no_target(mut self) -> Self {
        self.target = None;
        self
    }

    /// Sets the field delimiter.
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Replaces the missing-value markers (include `""` to keep treating empty
    /// fields as missing).
    pub fn missing_values<S: Into<String>>(mut self, markers: impl IntoIterator<Item = S>) -> Self {
        self.missing_values = markers.into_iter().map(Into::into).collect();
        self
    }

    /// Sets what to do with text in feature columns.
    pub fn string_columns(mut self, mode: StringColumns) -> Self {
        self.string_columns = mode;
        self
    }

    /// Reads the named columns as categorical whatever they hold.
    pub fn categorical<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.categorical = names.into_iter().map(Into::into).collect();
        self
    }

    /// Reads the CSV file at `path` (gzip-compressed when it ends in `.gz`).
    ///
    /// `T` chooses how the target column is read: see [`CsvTarget`].
    ///
    /// # Errors
    /// [`Error::Io`](oxlearn::Error::Io) when the file cannot be read;
    /// [`Error::Parse`](oxlearn::Error::Parse) with the line and column of the
    /// first problem when it is malformed: an empty file, a row with the wrong
    /// number of fields, text in a numeric column (unless read as
    /// categorical), a missing or unparsable target, a target column that does
    /// not exist; [`Error::InvalidParameter`](oxlearn::Error::InvalidParameter)
    /// when `T` needs a target and none is configured.
    pub fn read<T: CsvTarget>(&self, path: impl AsRef<Path>) -> Result<Dataset<f64, T>> {
        let path = path.as_ref();
        let bytes = source::read_path(path)?;
        self.read_bytes(&bytes, &path.display().to_string())
    }

    /// Reads CSV data from `reader` (decompressed when it is gzip); `name`
    /// names it in errors.
    ///
    /// # Errors
    /// As [`read`](CsvOptions::read).
    pub fn read_from<T: CsvTarget>(
        &self,
        reader: impl Read,
        name: &str,
    ) -> Result<Dataset<f64, T>> {
        let bytes = source::read_reader(reader, name)?;
        self.read_bytes(&bytes, name)
    }

    /// Reads plain (already decompressed) CSV bytes.
    pub(crate) fn read_bytes<T: CsvTarget>(
        &self,
        bytes: &[u8],
        name: &str,
    ) -> Result<Dataset<f64, T>> {
        let table = table::parse(bytes, name, self, T::KIND)?;
        let n_samples = table.records.nrows();
        let (targets, target_names) = T::build(table.target, table.target_name, n_samples);
        Dataset::new(table.records, targets)?
            .with_feature_names(table.feature_names)?
            .with_categories(table.categories)
            .map(|data| data.with_target_names(target_names))
    }
}

mod sealed {
    /// Keeps [`CsvTarget`](super::CsvTarget) implemented only here.
    pub trait Sealed {}
    impl Sealed for () {}
    impl Sealed for f64 {}
    impl Sealed for String {}
    impl Sealed for usize {}
}

/// A target type that [`CsvOptions::read`] can produce: `f64` (regression),
/// `String` (class labels as text), `usize` (class labels coded `0..k`, with
/// the labels as target names) or `()` (no target).
///
/// This trait is sealed: it is implemented for exactly these four types.
pub trait CsvTarget: sealed::Sealed + Sized {
    #[doc(hidden)]
    const KIND: TargetKind;
    #[doc(hidden)]
    fn build(
        parsed: ParsedTarget,
        column: Option<String>,
        n_samples: usize,
    ) -> (Array1<Self>, Vec<String>);
}

impl CsvTarget for () {
    const KIND: TargetKind = TargetKind::None;
    fn build(_: ParsedTarget, _: Option<String>, n_samples: usize) -> (Array1<()>, Vec<String>) {
        (Array1::from_elem(n_samples, ()), Vec::new())
    }
}

impl CsvTarget for f64 {
    const KIND: TargetKind = TargetKind::Float;
    fn build(parsed: ParsedTarget, column: Option<String>, _: usize) -> (Array1<f64>, Vec<String>) {
        let values = match parsed {
            ParsedTarget::Float(values) => values,
            _ => Vec::new(),
        };
        (Array1::from(values), column.into_iter().collect())
    }
}

impl CsvTarget for String {
    const KIND: TargetKind = TargetKind::Label;
    fn build(parsed: ParsedTarget, _: Option<String>, _: usize) -> (Array1<String>, Vec<String>) {
        let labels = match parsed {
            ParsedTarget::Labels { codes, names } => {
                codes.iter().map(|&c| names[c].clone()).collect()
            }
            _ => Vec::new(),
        };
        (Array1::from(labels), Vec::new())
    }
}

impl CsvTarget for usize {
    const KIND: TargetKind = TargetKind::Label;
    fn build(parsed: ParsedTarget, _: Option<String>, _: usize) -> (Array1<usize>, Vec<String>) {
        match parsed {
            ParsedTarget::Labels { codes, names } => (Array1::from(codes), names),
            _ => (Array1::from(Vec::new()), Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests;
