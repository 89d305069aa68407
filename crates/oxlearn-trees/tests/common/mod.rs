//! Shared helpers of the tests: a seeded regression problem, the fixtures of
//! `xtask/fixtures/trees.py`, the data sets as the script sees them, the
//! hyperparameters as our builders, and the tie-aware walk comparing a fitted
//! tree with scikit-learn's.

#![allow(dead_code)]

use ndarray::{Array1, Array2};
use oxlearn::Dataset;
use oxlearn_trees::{
    ClassWeight, ClassificationCriterion, DecisionTreeClassifier, MaxFeatures, Tree,
};
use serde_json::Value;

pub const CALIFORNIA_ROWS: usize = 3000;

/// A small seeded regression problem on `[0, 10)^4`:
/// `y = x0 + 2 x1 + sin(x2 x3)`.
pub fn smooth_regression(n: usize, seed: u64) -> Dataset<f64, f64> {
    use rand::Rng as _;
    let mut rng = oxlearn::random::rng_from_seed(seed);
    let x = Array2::from_shape_simple_fn((n, 4), || rng.random::<f64>() * 10.0);
    let y = x
        .rows()
        .into_iter()
        .map(|r| r[0] + 2.0 * r[1] + (r[2] * r[3]).sin())
        .collect();
    Dataset::new(x, y).unwrap()
}

/// A fixture of `tests/fixtures`.
pub fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A fixture float: null is NaN, "inf" / "-inf" the infinities.
pub fn num(v: &Value) -> f64 {
    match v {
        Value::Null => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        v => v.as_f64().unwrap(),
    }
}

pub fn list(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

pub fn floats(v: &Value) -> Vec<f64> {
    list(v).iter().map(num).collect()
}

pub fn usizes(v: &Value) -> Vec<usize> {
    list(v)
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

pub fn matrix(v: &Value) -> Array2<f64> {
    let rows = list(v);
    let d = list(&rows[0]).len();
    Array2::from_shape_vec((rows.len(), d), rows.iter().flat_map(floats).collect()).unwrap()
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    a == b || (a - b).abs() <= tol * b.abs().max(1.0)
}

pub fn threshold_close(ours: f64, theirs: f64) -> bool {
    if theirs.is_infinite() {
        return ours == theirs || ours >= f64::MAX;
    }
    (ours - theirs).abs() <= 1e-6 * ours.abs().max(theirs.abs()).max(1e-12)
}

pub fn opt_usize(v: &Value) -> Option<usize> {
    v.as_u64().map(|k| k as usize)
}

pub fn classification_data(fixture: &Value, key: &str) -> Dataset<f64, usize> {
    match key {
        "iris" => oxlearn_datasets::iris().unwrap(),
        "wine" => oxlearn_datasets::wine().unwrap(),
        "breast_cancer" => oxlearn_datasets::breast_cancer().unwrap(),
        "penguins" => {
            let p = &fixture["penguins"];
            Dataset::new(matrix(&p["x"]), Array1::from(usizes(&p["y"]))).unwrap()
        }
        other => panic!("unknown classification data {other}"),
    }
}

pub fn regression_data(key: &str) -> Dataset<f64, f64> {
    match key {
        "diabetes" | "diabetes_multi" => oxlearn_datasets::diabetes().unwrap(),
        "california3000" => {
            let all = oxlearn_datasets::california_housing().unwrap();
            all.select(&(0..CALIFORNIA_ROWS).collect::<Vec<_>>())
                .unwrap()
        }
        other => panic!("unknown regression data {other}"),
    }
}

pub fn with_weights<T>(data: Dataset<f64, T>, case: &Value) -> Dataset<f64, T> {
    match &case["weights"] {
        Value::Null => data,
        w => data.with_weights(Array1::from(floats(w))).unwrap(),
    }
}

/// The hyperparameters of a case (scikit-learn names) as our builders.
pub fn classifier(p: &Value) -> DecisionTreeClassifier {
    let criterion = match p["criterion"].as_str().unwrap() {
        "gini" => ClassificationCriterion::Gini,
        "entropy" => ClassificationCriterion::Entropy,
        "log_loss" => ClassificationCriterion::LogLoss,
        other => panic!("unknown criterion {other}"),
    };
    let class_weight = match p["class_weight"].as_str() {
        Some("balanced") => ClassWeight::Balanced,
        _ => ClassWeight::Uniform,
    };
    DecisionTreeClassifier::default()
        .criterion(criterion)
        .class_weight(class_weight)
        .max_depth(opt_usize(&p["max_depth"]))
        .min_samples_split(p["min_samples_split"].as_u64().unwrap() as usize)
        .min_samples_leaf(p["min_samples_leaf"].as_u64().unwrap() as usize)
        .max_leaf_nodes(opt_usize(&p["max_leaf_nodes"]))
        .min_impurity_decrease(p["min_impurity_decrease"].as_f64().unwrap())
        .ccp_alpha(p["ccp_alpha"].as_f64().unwrap())
        .max_features(MaxFeatures::All)
        .seed(0)
}

/// What a walk of our tree against scikit-learn's found.
pub struct Walk<'a> {
    pub name: &'a str,
    pub sk: &'a Value,
    /// Every split was scikit-learn's own.
    pub exact: bool,
    /// Every split made scikit-learn's children (so the trees partition the
    /// training data alike).
    pub same_partitions: bool,
    pub errors: Vec<String>,
}

impl<'a> Walk<'a> {
    fn field(&self, key: &str, node: usize) -> &'a Value {
        let sk: &'a Value = self.sk;
        &sk[key][node]
    }

    pub fn fail(&mut self, what: String) {
        self.errors.push(format!("{}: {what}", self.name));
    }

    /// Compares our node `a` with scikit-learn's node `b`, then their children.
    pub fn node(&mut self, ours: &Tree<f64>, a: usize, b: usize) {
        let n = self.field("n_node_samples", b).as_u64().unwrap() as usize;
        if ours.n_node_samples(a) != n {
            // Another partition: nothing below is comparable.
            return self.fail(format!(
                "node {b}: {} samples, expected {n}",
                ours.n_node_samples(a)
            ));
        }
        let checks = [
            ("impurity", ours.impurity(a), num(self.field("impurity", b))),
            (
                "weighted_n_node_samples",
                ours.weighted_n_node_samples(a),
                num(self.field("weighted_n_node_samples", b)),
            ),
        ];
        for (what, x, y) in checks {
            if !close(x, y, 1e-9) {
                self.fail(format!("node {b}: {what} {x} vs {y}"));
            }
        }
        let value: Vec<f64> = list(self.field("value", b))
            .iter()
            .flat_map(floats)
            .collect();
        if ours.value(a).len() != value.len()
            || ours
                .value(a)
                .iter()
                .zip(&value)
                .any(|(x, y)| !close(*x, *y, 1e-9))
        {
            self.fail(format!("node {b}: value {:?} vs {value:?}", ours.value(a)));
        }
        let sk_left = self.field("children_left", b).as_i64().unwrap();
        let (Some(left), Some(right)) = (ours.left_child(a), ours.right_child(a)) else {
            if sk_left >= 0 {
                self.fail(format!("node {b}: a leaf, expected a split"));
            }
            return;
        };
        if sk_left < 0 {
            return self.fail(format!("node {b}: a split, expected a leaf"));
        }
        let (sk_left, sk_right) = (
            sk_left as usize,
            self.field("children_right", b).as_u64().unwrap() as usize,
        );
        let f = ours.feature(a).unwrap();
        let t = ours.threshold(a);
        let had_missing = self.field("had_missing", b).as_bool().unwrap();
        let own = f == self.field("feature", b).as_u64().unwrap() as usize
            && threshold_close(t, num(self.field("threshold", b)))
            && (!had_missing
                || ours.missing_go_left(a)
                    == self.field("missing_go_to_left", b).as_bool().unwrap());
        if own {
            self.node(ours, left, sk_left);
            return self.node(ours, right, sk_right);
        }
        let tie = self.field("tie", b).as_str().unwrap().to_string();
        let alternative = match self.field("alternatives", b) {
            Value::Null => None,
            alts => list(alts).iter().find(|alt| {
                alt[0].as_u64().unwrap() as usize == f
                    && threshold_close(t, num(&alt[1]))
                    && alt[2]
                        .as_bool()
                        .is_none_or(|m| m == ours.missing_go_left(a))
            }),
        };
        let Some(alt) = alternative else {
            return self.fail(format!(
                "node {b}: split on feature {f} at {t} (missing left: {}), expected feature {} at {} \
                 (missing left: {}){}",
                ours.missing_go_left(a),
                self.field("feature", b),
                self.field("threshold", b),
                self.field("missing_go_to_left", b),
                if tie == "none" { String::new() } else { " or an equally good one".into() }
            ));
        };
        self.exact = false;
        if tie == "same" {
            if alt[3].as_bool().unwrap() {
                self.node(ours, left, sk_right);
                self.node(ours, right, sk_left);
            } else {
                self.node(ours, left, sk_left);
                self.node(ours, right, sk_right);
            }
        } else {
            self.same_partitions = false;
        }
    }
}

pub fn walk<'a>(name: &'a str, ours: &Tree<f64>, sk: &'a Value) -> Walk<'a> {
    let mut w = Walk {
        name,
        sk,
        exact: true,
        same_partitions: true,
        errors: Vec::new(),
    };
    w.node(ours, 0, 0);
    w
}
