//! [`PolynomialFeatures`]: products of features up to a degree.

use ndarray::{Array2, ArrayView2};
use oxlearn::params::Params;
use oxlearn::{DatasetView, Error, Fit, Float, Transform, check};

use crate::error::PreprocessingError;
use crate::util::{MAX_OUTPUT_FEATURES, map_rows, names_or};

/// Generates every product of features of total degree `min_degree ..=
/// degree` (and a bias column of ones), as scikit-learn's
/// `PolynomialFeatures`.
///
/// Hyperparameters (scikit-learn's names and defaults):
/// - `degree` (default 2) and `min_degree` (default 0; scikit-learn's
///   `degree=(min_degree, degree)`), `min_degree <= degree`;
/// - `interaction_only` (default `false`): only products of distinct features;
/// - `include_bias` (default `true`): a first column of ones.
///
/// Columns come in scikit-learn's order (`1`, `x0`, `x1`, `x0^2`, `x0 x1`,
/// `x1^2`, ...) with its names. Missing values are rejected. Sample weights
/// are irrelevant and not used.
///
/// ```
/// use ndarray::array;
/// use oxlearn::{Dataset, Fit, Transform};
/// use oxlearn_preprocessing::PolynomialFeatures;
///
/// let data = Dataset::from_records(array![[2.0, 3.0]]).with_feature_names(["a", "b"])?;
/// let model = PolynomialFeatures::default().fit(data.view())?;
/// assert_eq!(model.transform(data.records())?, array![[1.0, 2.0, 3.0, 4.0, 6.0, 9.0]]);
/// assert_eq!(
///     model.feature_names_out(data.feature_names()),
///     ["1", "a", "b", "a^2", "a b", "b^2"]
/// );
/// let inter = PolynomialFeatures::default().interaction_only(true).include_bias(false);
/// assert_eq!(inter.fit(data.view())?.transform(data.records())?, array![[2.0, 3.0, 6.0]]);
/// # Ok::<(), oxlearn::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PolynomialFeatures {
    /// Maximum total degree (default 2).
    pub degree: usize,
    /// Minimum total degree of the non-bias terms (default 0).
    pub min_degree: usize,
    /// Only products of distinct features (default `false`).
    pub interaction_only: bool,
    /// Include the column of ones (default `true`).
    pub include_bias: bool,
}

impl Default for PolynomialFeatures {
    fn default() -> Self {
        PolynomialFeatures {
            degree: 2,
            min_degree: 0,
            interaction_only: false,
            include_bias: true,
        }
    }
}

impl PolynomialFeatures {
    /// Sets `degree`.
    pub fn degree(mut self, degree: usize) -> Self {
        self.degree = degree;
        self
    }

    /// Sets `min_degree`.
    pub fn min_degree(mut self, min_degree: usize) -> Self {
        self.min_degree = min_degree;
        self
    }

    /// Sets `interaction_only`.
    pub fn interaction_only(mut self, interaction_only: bool) -> Self {
        self.interaction_only = interaction_only;
        self
    }

    /// Sets `include_bias`.
    pub fn include_bias(mut self, include_bias: bool) -> Self {
        self.include_bias = include_bias;
        self
    }
}

impl Params for PolynomialFeatures {
    fn validate(&self) -> Result<(), Error> {
        if self.min_degree > self.degree {
            return Err(Error::invalid_parameter(
                "min_degree",
                format!("at most degree ({})", self.degree),
                self.min_degree,
            ));
        }
        if self.degree == 0 && !self.include_bias {
            return Err(Error::invalid_parameter(
                "degree",
                "at least 1 when include_bias is false (the output would be empty)",
                0,
            ));
        }
        Ok(())
    }
}

/// One output term: the features multiplied (sorted, repeats for powers) and
/// the output column holding the same product without the last feature
/// (`None`: the empty product 1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Term {
    features: Vec<usize>,
    parent: Option<usize>,
}

/// A fitted [`PolynomialFeatures`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PolynomialFeaturesModel {
    terms: Vec<Term>,
    n_features_in: usize,
    feature_names_in: Vec<String>,
}

/// Every term of the expansion, in scikit-learn's order, with parents.
/// Terms of degree below `min_degree` are computed (they are parents) but
/// not output; the returned flag says which are output.
fn expand(p: &PolynomialFeatures, d: usize) -> Result<(Vec<Term>, Vec<bool>), Error> {
    // Count first (saturating), so that a huge expansion is refused before
    // any allocation: C(d + k - 1, k) terms of degree k, C(d, k) with
    // interaction_only.
    let mut total: usize = 1;
    let mut of_degree: usize = 1;
    for k in 1..=p.degree {
        let top = if p.interaction_only {
            d.saturating_sub(k - 1)
        } else {
            d + k - 1
        };
        of_degree = of_degree.saturating_mul(top) / k;
        if of_degree == 0 {
            break; // no term of this degree or any higher one
        }
        total = total.saturating_add(of_degree);
        if total > MAX_OUTPUT_FEATURES {
            return Err(Error::invalid_parameter(
                "degree",
                format!(
                    "a degree giving at most {MAX_OUTPUT_FEATURES} output columns for {d} features"
                ),
                p.degree,
            ));
        }
    }
    let mut terms = vec![Term {
        features: Vec::new(),
        parent: None,
    }];
    let mut output = vec![p.include_bias];
    let mut previous = 0..1; // the terms of the previous degree
    for degree in 1..=p.degree {
        if previous.is_empty() {
            break; // interaction_only past d features: no more terms
        }
        let start = terms.len();
        for t in previous.clone() {
            let last = terms[t].features.last().copied();
            let first = match last {
                None => 0,
                Some(l) if p.interaction_only => l + 1,
                Some(l) => l,
            };
            for j in first..d {
                let mut features = terms[t].features.clone();
                features.push(j);
                terms.push(Term {
                    features,
                    parent: Some(t),
                });
                output.push(degree >= p.min_degree.max(1));
            }
        }
        previous = start..terms.len();
    }
    Ok((terms, output))
}

impl<F: Float, T> Fit<F, T> for PolynomialFeatures {
    type Model = PolynomialFeaturesModel;
    type Error = PreprocessingError;

    fn fit(&self, data: DatasetView<'_, F, T>) -> Result<Self::Model, PreprocessingError> {
        self.validate()?;
        check::records(data.records(), "PolynomialFeatures training records")?;
        let (all, output) = expand(self, data.n_features())?;
        // Keep only output terms; parents are re-indexed into the kept list,
        // or recomputed from their own parents when not output.
        let mut index = vec![None; all.len()];
        let mut terms = Vec::new();
        for (t, term) in all.iter().enumerate() {
            if output[t] {
                index[t] = Some(terms.len());
                terms.push(Term {
                    features: term.features.clone(),
                    parent: term.parent.and_then(|p| index[p]),
                });
            }
        }
        Ok(PolynomialFeaturesModel {
            terms,
            n_features_in: data.n_features(),
            feature_names_in: data.feature_names(),
        })
    }
}

impl PolynomialFeaturesModel {
    /// The exponent of each input feature in each output column
    /// (scikit-learn's `powers_`), output columns x input features.
    pub fn powers(&self) -> Array2<usize> {
        let mut p = Array2::zeros((self.terms.len(), self.n_features_in));
        for (t, term) in self.terms.iter().enumerate() {
            for &j in &term.features {
                if j < self.n_features_in {
                    p[[t, j]] += 1;
                }
            }
        }
        p
    }

    /// The number of output columns.
    pub fn n_features_out(&self) -> usize {
        self.terms.len()
    }

    /// The output names given the input names (`1`, `a`, `a^2`, `a b`, ...).
    pub fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        let names = names_or(input, &self.feature_names_in);
        let get = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{j}"));
        self.terms
            .iter()
            .map(|term| {
                if term.features.is_empty() {
                    return "1".to_string();
                }
                let mut parts = Vec::new();
                let mut k = 0;
                while k < term.features.len() {
                    let j = term.features[k];
                    let power = term.features[k..].iter().take_while(|&&f| f == j).count();
                    parts.push(if power == 1 {
                        get(j)
                    } else {
                        format!("{}^{power}", get(j))
                    });
                    k += power;
                }
                parts.join(" ")
            })
            .collect()
    }

    fn check(&self) -> Result<(), Error> {
        let ok = self.terms.iter().enumerate().all(|(t, term)| {
            term.features.iter().all(|&j| j < self.n_features_in)
                && term.parent.is_none_or(|p| p < t)
        });
        if ok && self.feature_names_in.len() == self.n_features_in {
            Ok(())
        } else {
            Err(Error::InvalidModel(
                "PolynomialFeaturesModel: a term refers to a missing feature or a later term"
                    .into(),
            ))
        }
    }
}

/// How one output column is computed.
enum Op<'a> {
    One,
    Times(usize, usize),
    Product(&'a [usize]),
}

impl<F: Float> Transform<F> for PolynomialFeaturesModel {
    type Error = PreprocessingError;

    fn transform(&self, x: ArrayView2<'_, F>) -> Result<Array2<F>, PreprocessingError> {
        self.check()?;
        check::n_features(x, self.n_features_in)?;
        check::records(x, "PolynomialFeatures input")?;
        // Flattened: each output is 1, out[parent] * x[last], or a full product.
        let ops: Vec<Op<'_>> = self
            .terms
            .iter()
            .map(|term| match (term.parent, term.features.last()) {
                (_, None) => Op::One,
                (Some(p), Some(&j)) => Op::Times(p, j),
                (None, Some(_)) => Op::Product(&term.features),
            })
            .collect();
        Ok(map_rows(x, ops.len(), |row, out| {
            for (t, op) in ops.iter().enumerate() {
                out[t] = match *op {
                    Op::One => F::one(),
                    Op::Times(p, j) => out[p] * row[j],
                    Op::Product(features) => features.iter().fold(F::one(), |acc, &j| acc * row[j]),
                };
            }
        })?)
    }

    fn n_features_in(&self) -> usize {
        self.n_features_in
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        PolynomialFeaturesModel::feature_names_out(self, input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_in_scikit_learn_order() {
        let (terms, output) = expand(&PolynomialFeatures::default().degree(3), 2).unwrap();
        let features: Vec<Vec<usize>> = terms.iter().map(|t| t.features.clone()).collect();
        assert_eq!(
            features,
            vec![
                vec![],
                vec![0],
                vec![1],
                vec![0, 0],
                vec![0, 1],
                vec![1, 1],
                vec![0, 0, 0],
                vec![0, 0, 1],
                vec![0, 1, 1],
                vec![1, 1, 1]
            ]
        );
        assert!(output.iter().all(|&o| o));
        let p = PolynomialFeatures::default()
            .degree(3)
            .interaction_only(true);
        let (terms, _) = expand(&p, 3).unwrap();
        assert_eq!(terms.len(), 1 + 3 + 3 + 1);
        assert!(expand(&PolynomialFeatures::default().degree(30), 30).is_err());
    }
}
