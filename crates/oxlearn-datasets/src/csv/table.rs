//! The CSV engine: two passes over the bytes in memory.
//!
//! The first pass checks the shape of every row, parses numeric columns and
//! the target, and finds which columns hold text. The second pass, run only
//! when some column is categorical, codes those columns.

use std::collections::HashMap;

use csv::{ByteRecord, ReaderBuilder, Trim};
use ndarray::Array2;
use oxlearn::dataset::default_feature_names;
use oxlearn::{Error, Result};

use super::{CsvOptions, StringColumns, TargetColumn};

/// How the target column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// No target (a configured target column is left out of the features).
    None,
    /// Numbers.
    Float,
    /// Class labels.
    Label,
}

/// The target column as parsed.
#[derive(Debug)]
pub enum ParsedTarget {
    /// No target.
    None,
    /// Numeric targets.
    Float(Vec<f64>),
    /// Labels coded `0..names.len()` in sorted order.
    Labels {
        /// One code per row.
        codes: Vec<usize>,
        /// The label of each code.
        names: Vec<String>,
    },
}

/// What [`parse`] returns.
pub(crate) struct Table {
    pub(crate) records: Array2<f64>,
    pub(crate) feature_names: Vec<String>,
    pub(crate) categories: Vec<Option<Vec<String>>>,
    pub(crate) target_name: Option<String>,
    pub(crate) target: ParsedTarget,
}

/// How a feature column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Numeric,
    Categorical,
}

/// Builds a [`Error::Parse`].
fn parse_error(file: &str, line: u64, column: usize, message: impl Into<String>) -> Error {
    Error::Parse {
        file: file.to_string(),
        line,
        column,
        message: message.into(),
    }
}

/// A field as text for messages (lossy for invalid UTF-8, shortened when long).
fn show(field: &[u8]) -> String {
    let text = String::from_utf8_lossy(field);
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(40).collect::<String>())
    } else {
        text.into_owned()
    }
}

/// Parses a number; `None` when the field is not one.
fn parse_number(field: &[u8]) -> Option<f64> {
    std::str::from_utf8(field).ok()?.parse::<f64>().ok()
}

fn reader<'a>(bytes: &'a [u8], options: &CsvOptions) -> csv::Reader<&'a [u8]> {
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(Trim::All)
        .delimiter(options.delimiter)
        .from_reader(bytes)
}

/// Reads the next record; `false` at the end.
fn next_record(rdr: &mut csv::Reader<&[u8]>, record: &mut ByteRecord, file: &str) -> Result<bool> {
    rdr.read_byte_record(record).map_err(|e| {
        let line = e.position().map_or(0, csv::Position::line);
        parse_error(file, line, 1, e.to_string())
    })
}

fn line_of(record: &ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

/// Interns text fields to codes in first-seen order.
#[derive(Default)]
struct Interner {
    codes: HashMap<Vec<u8>, usize>,
    names: Vec<String>,
}

impl Interner {
    /// The code of `field`; `None` when it is not valid UTF-8.
    fn code(&mut self, field: &[u8]) -> Option<usize> {
        if let Some(&code) = self.codes.get(field) {
            return Some(code);
        }
        let name = std::str::from_utf8(field).ok()?;
        let code = self.names.len();
        self.codes.insert(field.to_vec(), code);
        self.names.push(name.to_string());
        Some(code)
    }

    /// The names in sorted order (numeric order when all are numbers) and the
    /// map from first-seen code to sorted code.
    fn finish(self) -> (Vec<String>, Vec<usize>) {
        let names = self.names;
        let numbers: Option<Vec<f64>> = names.iter().map(|n| n.parse::<f64>().ok()).collect();
        let mut order: Vec<usize> = (0..names.len()).collect();
        match numbers {
            Some(values) if values.iter().all(|v| v.is_finite()) => {
                order.sort_by(|&a, &b| {
                    values[a]
                        .total_cmp(&values[b])
                        .then(names[a].cmp(&names[b]))
                });
            }
            _ => order.sort_by(|&a, &b| names[a].cmp(&names[b])),
        }
        let mut remap = vec![0; names.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new;
        }
        let sorted = order.iter().map(|&i| names[i].clone()).collect();
        (sorted, remap)
    }
}

/// The header's column names, the first data record (when there is no
/// header, the first record is data) and the number of columns.
fn read_header(
    rdr: &mut csv::Reader<&[u8]>,
    file: &str,
    options: &CsvOptions,
) -> Result<(Vec<String>, Option<ByteRecord>)> {
    let mut first = ByteRecord::new();
    if !next_record(rdr, &mut first, file)? {
        let what = if options.has_header {
            "no header row"
        } else {
            "no rows"
        };
        return Err(parse_error(file, 1, 1, format!("empty file: {what}")));
    }
    if !options.has_header {
        return Ok((default_feature_names(first.len()), Some(first)));
    }
    let line = line_of(&first);
    let mut names = Vec::with_capacity(first.len());
    for (j, field) in first.iter().enumerate() {
        let name = std::str::from_utf8(field)
            .map_err(|_| parse_error(file, line, j + 1, "the column name is not valid UTF-8"))?;
        names.push(name.to_string());
    }
    Ok((names, None))
}

/// The index of the target column, if any.
fn resolve_target(names: &[String], file: &str, options: &CsvOptions) -> Result<Option<usize>> {
    match &options.target {
        None => Ok(None),
        Some(TargetColumn::Index(i)) if *i < names.len() => Ok(Some(*i)),
        Some(TargetColumn::Index(i)) => Err(parse_error(
            file,
            1,
            1,
            format!(
                "target column index {i} is out of range: the file has {} columns",
                names.len()
            ),
        )),
        Some(TargetColumn::Name(name)) if !options.has_header => Err(Error::invalid_parameter(
            "target",
            "a column index (`target_index`) when the file has no header",
            format!("the name `{name}`"),
        )),
        Some(TargetColumn::Name(name)) => names
            .iter()
            .position(|n| n == name)
            .map(Some)
            .ok_or_else(|| {
                parse_error(
                    file,
                    1,
                    1,
                    format!(
                        "target column `{name}` not found in the header (columns: {})",
                        names.join(", ")
                    ),
                )
            }),
    }
}

/// The kind of each column (the target's entry is unused).
fn initial_kinds(
    names: &[String],
    target: Option<usize>,
    file: &str,
    options: &CsvOptions,
) -> Result<Vec<ColumnKind>> {
    let mut kinds = vec![ColumnKind::Numeric; names.len()];
    for wanted in &options.categorical {
        let j = names.iter().position(|n| n == wanted).ok_or_else(|| {
            parse_error(
                file,
                1,
                1,
                format!(
                    "categorical column `{wanted}` not found in the header (columns: {})",
                    names.join(", ")
                ),
            )
        })?;
        if Some(j) == target {
            return Err(Error::invalid_parameter(
                "categorical",
                "feature columns (the target is coded by choosing `usize` targets)",
                format!("the target column `{wanted}`"),
            ));
        }
        kinds[j] = ColumnKind::Categorical;
    }
    Ok(kinds)
}

/// Parses the CSV `bytes` of file `file` as `options` say.
pub(crate) fn parse(
    bytes: &[u8],
    file: &str,
    options: &CsvOptions,
    kind: TargetKind,
) -> Result<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = reader(bytes, options);
    let (names, mut pending) = read_header(&mut rdr, file, options)?;
    let n_cols = names.len();
    let target = resolve_target(&names, file, options)?;
    if kind != TargetKind::None && target.is_none() {
        return Err(Error::invalid_parameter(
            "target",
            "a target column (`target(name)` or `target_index(i)`) to read targets",
            "none",
        ));
    }
    let mut kinds = initial_kinds(&names, target, file, options)?;
    let features: Vec<usize> = (0..n_cols).filter(|&j| Some(j) != target).collect();
    let missing: Vec<&[u8]> = options
        .missing_values
        .iter()
        .map(|m| m.as_bytes())
        .collect();
    let is_missing = |field: &[u8]| missing.contains(&field);

    let mut values: Vec<f64> = Vec::with_capacity(bytes.len() / 8);
    let mut float_targets = Vec::new();
    let mut labels = Interner::default();
    let mut label_codes = Vec::new();
    let mut n_rows = 0usize;
    let mut last_line = 1;
    let mut record = ByteRecord::new();
    loop {
        if let Some(first) = pending.take() {
            record = first;
        } else if !next_record(&mut rdr, &mut record, file)? {
            break;
        }
        let line = line_of(&record);
        last_line = line;
        if record.len() != n_cols {
            return Err(parse_error(
                file,
                line,
                record.len().min(n_cols) + 1,
                format!(
                    "expected {n_cols} fields (as in the {}), found {}",
                    if options.has_header {
                        "header"
                    } else {
                        "first row"
                    },
                    record.len()
                ),
            ));
        }
        for &j in &features {
            let field = &record[j];
            let value = if is_missing(field) || kinds[j] == ColumnKind::Categorical {
                f64::NAN
            } else if let Some(v) = parse_number(field) {
                v
            } else if options.string_columns == StringColumns::Categorical {
                kinds[j] = ColumnKind::Categorical;
                f64::NAN
            } else {
                return Err(parse_error(
                    file,
                    line,
                    j + 1,
                    format!(
                        "cannot parse `{}` as a number in column `{}` \
                         (text columns need `string_columns(StringColumns::Categorical)`)",
                        show(field),
                        names[j]
                    ),
                ));
            };
            values.push(value);
        }
        if let (Some(t), true) = (target, kind != TargetKind::None) {
            let field = &record[t];
            if is_missing(field) {
                return Err(parse_error(
                    file,
                    line,
                    t + 1,
                    format!("missing target value in column `{}`", names[t]),
                ));
            }
            if kind == TargetKind::Float {
                let v = parse_number(field).ok_or_else(|| {
                    parse_error(
                        file,
                        line,
                        t + 1,
                        format!(
                            "cannot parse target `{}` in column `{}` as a number",
                            show(field),
                            names[t]
                        ),
                    )
                })?;
                float_targets.push(v);
            } else {
                let code = labels.code(field).ok_or_else(|| {
                    parse_error(
                        file,
                        line,
                        t + 1,
                        format!("the target in column `{}` is not valid UTF-8", names[t]),
                    )
                })?;
                label_codes.push(code);
            }
        }
        n_rows += 1;
    }
    if n_rows == 0 {
        return Err(parse_error(
            file,
            last_line + 1,
            1,
            "no data rows after the header",
        ));
    }

    let target_parsed = match kind {
        TargetKind::None => ParsedTarget::None,
        TargetKind::Float => ParsedTarget::Float(float_targets),
        TargetKind::Label => {
            let (names_sorted, remap) = labels.finish();
            for code in &mut label_codes {
                *code = remap[*code];
            }
            ParsedTarget::Labels {
                codes: label_codes,
                names: names_sorted,
            }
        }
    };

    let mut categories: Vec<Option<Vec<String>>> = vec![None; features.len()];
    if features
        .iter()
        .any(|&j| kinds[j] == ColumnKind::Categorical)
    {
        code_categorical(
            bytes,
            file,
            options,
            &names,
            &features,
            &kinds,
            &mut values,
            &mut categories,
        )?;
    }

    let n_features = features.len();
    let records = Array2::from_shape_vec((n_rows, n_features), values)
        .map_err(|e| Error::InvalidInput(format!("{file}: {e}")))?;
    Ok(Table {
        records,
        feature_names: features.iter().map(|&j| names[j].clone()).collect(),
        categories,
        target_name: target.map(|t| names[t].clone()),
        target: target_parsed,
    })
}

/// The second pass: codes the categorical columns into `values`.
#[allow(clippy::too_many_arguments)]
fn code_categorical(
    bytes: &[u8],
    file: &str,
    options: &CsvOptions,
    names: &[String],
    features: &[usize],
    kinds: &[ColumnKind],
    values: &mut [f64],
    categories: &mut [Option<Vec<String>>],
) -> Result<()> {
    let missing: Vec<&[u8]> = options
        .missing_values
        .iter()
        .map(|m| m.as_bytes())
        .collect();
    // (position among the features, column index)
    let cat: Vec<(usize, usize)> = features
        .iter()
        .enumerate()
        .filter(|&(_, &j)| kinds[j] == ColumnKind::Categorical)
        .map(|(p, &j)| (p, j))
        .collect();
    let mut interners: Vec<Interner> = cat.iter().map(|_| Interner::default()).collect();
    let n_features = features.len();
    let mut rdr = reader(bytes, options);
    let mut record = ByteRecord::new();
    if options.has_header {
        next_record(&mut rdr, &mut record, file)?;
    }
    let mut row = 0;
    while next_record(&mut rdr, &mut record, file)? {
        for (k, &(p, j)) in cat.iter().enumerate() {
            let field = &record[j];
            values[row * n_features + p] = if missing.contains(&field) {
                f64::NAN
            } else {
                let code = interners[k].code(field).ok_or_else(|| {
                    let line = line_of(&record);
                    parse_error(
                        file,
                        line,
                        j + 1,
                        format!("a value in column `{}` is not valid UTF-8", names[j]),
                    )
                })?;
                code as f64
            };
        }
        row += 1;
    }
    for (interner, &(p, _)) in interners.into_iter().zip(&cat) {
        let (sorted, remap) = interner.finish();
        for r in 0..row {
            let v = &mut values[r * n_features + p];
            if !v.is_nan() {
                *v = remap[*v as usize] as f64;
            }
        }
        categories[p] = Some(sorted);
    }
    Ok(())
}
