//! Mixed tables: [`ColumnTransformer`] applies a different chain of
//! transformers to each group of columns and concatenates the results.

mod any;

use ndarray::{Array2, ArrayView2, Axis, concatenate};
use oxlearn::params::Params;
use oxlearn::{Dataset, DatasetView, Error, Fit, Float, Transform, check};

pub use any::{AnyTransformer, AnyTransformerModel};

use crate::encode::EncoderTarget;
use crate::error::PreprocessingError;
use crate::util::names_or;

/// The columns a [`ColumnGroup`] applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Columns {
    /// Columns by feature name (see [`Dataset::feature_names`]).
    Names(Vec<String>),
    /// Columns by index.
    Indices(Vec<usize>),
}

impl Columns {
    /// Columns by name.
    pub fn names<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        Columns::Names(names.into_iter().map(Into::into).collect())
    }

    /// Columns by index.
    pub fn indices(indices: impl IntoIterator<Item = usize>) -> Self {
        Columns::Indices(indices.into_iter().collect())
    }

    fn resolve(&self, group: &str, names: &[String]) -> Result<Vec<usize>, Error> {
        match self {
            Columns::Indices(idx) => {
                if let Some(&bad) = idx.iter().find(|&&j| j >= names.len()) {
                    return Err(Error::InvalidInput(format!(
                        "ColumnTransformer group `{group}`: column index {bad} is out of range \
                         for {} columns",
                        names.len()
                    )));
                }
                Ok(idx.clone())
            }
            Columns::Names(wanted) => wanted
                .iter()
                .map(|w| {
                    names
                        .iter()
                        .position(|n| n == w)
                        .ok_or_else(|| Error::Unknown {
                            what: format!("column name in ColumnTransformer group `{group}`"),
                            value: format!("`{w}` (columns: {})", names.join(", ")),
                        })
                })
                .collect(),
        }
    }
}

/// What a [`ColumnTransformer`] does with the columns no group selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Remainder {
    /// Leave them out of the output (the default, as scikit-learn).
    #[default]
    Drop,
    /// Append them unchanged after the groups' outputs.
    Passthrough,
}

/// One group of a [`ColumnTransformer`]: a name, its columns, and the chain
/// of transformers applied to them in order (an empty chain passes the
/// columns through).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ColumnGroup {
    /// The group's name, the prefix of its output names (`<name>__<feature>`).
    pub name: String,
    /// The input columns.
    pub columns: Columns,
    /// The transformers, applied in order.
    pub steps: Vec<AnyTransformer>,
}

/// Applies a chain of transformers to each group of columns of a table and
/// concatenates the outputs, as scikit-learn's `ColumnTransformer`: the way to
/// impute and one-hot encode categorical columns while imputing and scaling
/// numeric ones, in one step of an [`oxlearn::Pipeline`].
///
/// Hyperparameters (scikit-learn's names and defaults): the groups
/// (`transformers`), `remainder` (default [`Remainder::Drop`]) and
/// `verbose_feature_names_out` (default `true`: output names are prefixed
/// with the group's name, `<group>__<feature>`, and `remainder__<feature>`).
/// A column may belong to several groups. Feature names and the categories
/// of integer-coded columns are passed to each group's first transformer,
/// and on to the next ones through steps that keep a column's name and
/// codes (an imputer before an encoder); the targets (any
/// [`EncoderTarget`] type, `()` for none) and sample weights go to every
/// transformer, as scikit-learn passes `y`. Each step is fitted on its
/// predecessor's training output
/// ([`Fit::fit_with_training_output`]), so a
/// [`TargetEncoder`](crate::TargetEncoder) group gives its cross-fitted
/// encoding of the training rows, to the next step and in the column
/// transformer's own training output (what a [`Pipeline`](oxlearn::Pipeline)
/// passes on), as scikit-learn's `fit_transform`.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::{
///     ColumnTransformer, Columns, OneHotEncoder, SimpleImputer, StandardScaler,
/// };
///
/// let nan = f64::NAN;
/// let table = Dataset::from_records(array![[0.0, 1.0], [1.0, nan], [1.0, 3.0]])
///     .with_feature_names(["island", "mass"])?
///     .with_categories(vec![Some(vec!["Biscoe".into(), "Dream".into()]), None])?;
/// let prep = ColumnTransformer::default()
///     .add("cat", Columns::names(["island"]), vec![OneHotEncoder::default().into()])
///     .add(
///         "num",
///         Columns::names(["mass"]),
///         vec![SimpleImputer::default().into(), StandardScaler::default().into()],
///     );
/// let model = prep.fit(table.view())?;
/// let x = model.transform(table.records())?;
/// assert_eq!(x.row(1).to_vec(), vec![0.0, 1.0, 0.0]);
/// assert_eq!(
///     model.feature_names_out(table.feature_names()),
///     ["cat__island_Biscoe", "cat__island_Dream", "num__mass"]
/// );
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ColumnTransformer {
    /// The groups, in output order.
    pub transformers: Vec<ColumnGroup>,
    /// What to do with unselected columns (default [`Remainder::Drop`]).
    pub remainder: Remainder,
    /// Prefix output names with the group's name (default `true`).
    pub verbose_feature_names_out: bool,
}

impl Default for ColumnTransformer {
    fn default() -> Self {
        ColumnTransformer {
            transformers: Vec::new(),
            remainder: Remainder::Drop,
            verbose_feature_names_out: true,
        }
    }
}

impl ColumnTransformer {
    /// Adds a group: `steps` applied in order to `columns`.
    pub fn add(
        mut self,
        name: impl Into<String>,
        columns: Columns,
        steps: impl IntoIterator<Item = AnyTransformer>,
    ) -> Self {
        self.transformers.push(ColumnGroup {
            name: name.into(),
            columns,
            steps: steps.into_iter().collect(),
        });
        self
    }

    /// Sets `remainder`.
    pub fn remainder(mut self, remainder: Remainder) -> Self {
        self.remainder = remainder;
        self
    }

    /// Sets `verbose_feature_names_out`.
    pub fn verbose_feature_names_out(mut self, verbose: bool) -> Self {
        self.verbose_feature_names_out = verbose;
        self
    }
}

impl Params for ColumnTransformer {
    fn validate(&self) -> Result<(), Error> {
        for (i, g) in self.transformers.iter().enumerate() {
            if g.name.is_empty() || g.name.contains("__") || g.name == "remainder" {
                return Err(Error::invalid_parameter(
                    "transformers",
                    "group names that are non-empty, without `__`, and not `remainder`",
                    format!("`{}`", g.name),
                ));
            }
            if self.transformers[..i].iter().any(|h| h.name == g.name) {
                return Err(Error::invalid_parameter(
                    "transformers",
                    "unique group names",
                    format!("`{}` twice", g.name),
                ));
            }
        }
        Ok(())
    }
}

/// A fitted [`ColumnGroup`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct FittedGroup<F> {
    name: String,
    columns: Vec<usize>,
    steps: Vec<AnyTransformerModel<F>>,
}

/// A fitted [`ColumnTransformer`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ColumnTransformerModel<F> {
    groups: Vec<FittedGroup<F>>,
    remainder: Vec<usize>,
    verbose_feature_names_out: bool,
    feature_names_in: Vec<String>,
}

/// Columns `cols` of `data` as a dataset of their own, with targets, names,
/// categories and weights.
fn select<F: Float, T: Clone>(
    data: &DatasetView<'_, F, T>,
    cols: &[usize],
) -> Result<Dataset<F, T>, Error> {
    let names = data.feature_names();
    let categories = data.categories();
    let records = data.records().select(Axis(1), cols);
    let mut sub = Dataset::new(records, data.targets().to_owned())?
        .with_feature_names(cols.iter().map(|&j| names[j].clone()))?
        .with_categories(cols.iter().map(|&j| categories[j].clone()).collect())?;
    if let Some(w) = data.weights() {
        sub = sub.with_weights(w.to_owned())?;
    }
    Ok(sub)
}

/// The categories of the output columns of a step that keep an input
/// column's name and still hold valid codes of it (an imputer's output, for
/// example), so that an encoder after it names the categories.
fn carried_categories<F: Float, T>(
    input: &Dataset<F, T>,
    output: &Dataset<F, T>,
    out_names: &[String],
) -> Vec<Option<Vec<String>>> {
    out_names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let j = input.feature_names().iter().position(|n| n == name)?;
            let cats = input.categories()[j].clone()?;
            let n = F::cast(cats.len());
            output
                .records()
                .column(k)
                .iter()
                .all(|&v| v.is_nan() || (v >= F::zero() && v < n && v.fract() == F::zero()))
                .then_some(cats)
        })
        .collect()
}

impl ColumnTransformer {
    /// Fits every group; with `with_output`, also returns the training output
    /// of each group's last step (each step's
    /// [`fit_with_training_output`](Fit::fit_with_training_output)), in
    /// output order, and of the remainder.
    fn fit_groups<F: Float, T: EncoderTarget>(
        &self,
        data: DatasetView<'_, F, T>,
        with_output: bool,
    ) -> Result<(ColumnTransformerModel<F>, Vec<Array2<F>>), PreprocessingError> {
        self.validate()?;
        check::non_empty(data.records(), "ColumnTransformer training records")?;
        let names = data.feature_names();
        let mut used = vec![false; data.n_features()];
        let mut groups = Vec::with_capacity(self.transformers.len());
        let mut blocks = Vec::new();
        for g in &self.transformers {
            let columns = g.columns.resolve(&g.name, &names)?;
            columns.iter().for_each(|&j| used[j] = true);
            let mut steps = Vec::with_capacity(g.steps.len());
            if !columns.is_empty() {
                let mut current = select(&data, &columns)?;
                for (k, step) in g.steps.iter().enumerate() {
                    let last = k + 1 == g.steps.len();
                    if last && !with_output {
                        steps.push(step.fit(current.view())?);
                        break;
                    }
                    let (model, out) = step.fit_with_training_output(current.view())?;
                    let out = match out {
                        Some(out) => out,
                        None => model.transform(current.records())?,
                    };
                    if out.nrows() != data.n_samples() {
                        return Err(Error::shape_mismatch(
                            "rows of a ColumnTransformer step's training output",
                            format!("{} rows (one per sample)", data.n_samples()),
                            format!("{} rows", out.nrows()),
                        )
                        .into());
                    }
                    let out_names = model.feature_names_out(current.feature_names());
                    let mut next = Dataset::new(out, data.targets().to_owned())?;
                    if out_names.len() == next.n_features() {
                        let categories = carried_categories(&current, &next, &out_names);
                        next = next
                            .with_feature_names(out_names)?
                            .with_categories(categories)?;
                    }
                    if let Some(w) = data.weights() {
                        next = next.with_weights(w.to_owned())?;
                    }
                    current = next;
                    steps.push(model);
                }
                if with_output {
                    blocks.push(current.into_parts().0);
                }
            }
            groups.push(FittedGroup {
                name: g.name.clone(),
                columns,
                steps,
            });
        }
        let remainder: Vec<usize> = match self.remainder {
            Remainder::Drop => Vec::new(),
            Remainder::Passthrough => (0..data.n_features()).filter(|&j| !used[j]).collect(),
        };
        if with_output && !remainder.is_empty() {
            blocks.push(data.records().select(Axis(1), &remainder));
        }
        let model = ColumnTransformerModel {
            groups,
            remainder,
            verbose_feature_names_out: self.verbose_feature_names_out,
            feature_names_in: names,
        };
        Ok((model, blocks))
    }
}

/// The targets go to every transformer, as scikit-learn's `y`: any
/// [`EncoderTarget`] type, `()` for none (a [`TargetEncoder`](crate::TargetEncoder)
/// step then fails).
impl<F: Float, T: EncoderTarget> Fit<F, T> for ColumnTransformer {
    type Model = ColumnTransformerModel<F>;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        Ok(self.fit_groups(data, false)?.0)
    }

    /// The groups' training outputs concatenated (then the remainder): each
    /// step's own [`fit_with_training_output`](Fit::fit_with_training_output),
    /// so a [`TargetEncoder`](crate::TargetEncoder) step gives its
    /// cross-fitted encoding, as scikit-learn's `fit_transform`.
    fn fit_with_training_output(
        &self,
        data: DatasetView<'_, F, T>,
    ) -> Result<(Self::Model, Option<Array2<F>>), PreprocessingError> {
        let (model, blocks) = self.fit_groups(data, true)?;
        Ok((model, Some(concat_blocks(&blocks, data.n_samples())?)))
    }
}

/// `blocks` side by side; `n` rows and no column when there is none.
fn concat_blocks<F: Float>(blocks: &[Array2<F>], n: usize) -> Result<Array2<F>, Error> {
    if blocks.is_empty() {
        return Ok(Array2::zeros((n, 0)));
    }
    let views: Vec<ArrayView2<'_, F>> = blocks.iter().map(|b| b.view()).collect();
    concatenate(Axis(1), &views).map_err(|e| Error::InvalidInput(e.to_string()))
}

impl<F: Float> ColumnTransformerModel<F> {
    /// The input columns of each group, by group name.
    pub fn groups(&self) -> Vec<(&str, &[usize])> {
        self.groups
            .iter()
            .map(|g| (g.name.as_str(), g.columns.as_slice()))
            .collect()
    }

    /// The fitted transformers of the group `name`.
    pub fn group_steps(&self, name: &str) -> Option<&[AnyTransformerModel<F>]> {
        self.groups
            .iter()
            .find(|g| g.name == name)
            .map(|g| g.steps.as_slice())
    }

    /// The columns passed through unchanged (empty with [`Remainder::Drop`]).
    pub fn remainder_columns(&self) -> &[usize] {
        &self.remainder
    }

    fn check(&self, x: ArrayView2<'_, F>) -> Result<(), Error> {
        let d = self.feature_names_in.len();
        let ok = self
            .groups
            .iter()
            .flat_map(|g| &g.columns)
            .chain(&self.remainder)
            .all(|&j| j < d);
        if !ok {
            return Err(Error::InvalidModel(format!(
                "ColumnTransformerModel: a column index is out of range for {d} features"
            )));
        }
        check::n_features(x, d)
    }
}

impl<F: Float> Transform<F> for ColumnTransformerModel<F> {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check(x)?;
        check::non_empty(x, "ColumnTransformer input")?;
        let mut blocks = Vec::with_capacity(self.groups.len() + 1);
        for g in &self.groups {
            if g.columns.is_empty() {
                continue;
            }
            let mut current = x.select(Axis(1), &g.columns);
            for step in &g.steps {
                current = step.transform(current.view())?;
            }
            blocks.push(current);
        }
        if !self.remainder.is_empty() {
            blocks.push(x.select(Axis(1), &self.remainder));
        }
        Ok(concat_blocks(&blocks, x.nrows())?)
    }

    fn n_features_in(&self) -> usize {
        self.feature_names_in.len()
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        let names = names_or(input, &self.feature_names_in);
        let prefix = |group: &str, n: String| {
            if self.verbose_feature_names_out {
                format!("{group}__{n}")
            } else {
                n
            }
        };
        let get = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{j}"));
        let mut out = Vec::new();
        for g in &self.groups {
            let mut current: Vec<String> = g.columns.iter().map(|&j| get(j)).collect();
            for step in &g.steps {
                current = step.feature_names_out(&current);
            }
            out.extend(current.into_iter().map(|n| prefix(&g.name, n)));
        }
        out.extend(self.remainder.iter().map(|&j| prefix("remainder", get(j))));
        out
    }
}
