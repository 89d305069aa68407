//! Helpers shared by the oxlearn examples: small, readable console output.

use oxlearn::metrics::ConfusionMatrix;

/// Prints `title` underlined, with a blank line before it.
pub fn heading(title: &str) {
    println!("\n{title}\n{}", "-".repeat(title.chars().count()));
}

/// Prints a confusion matrix with its class names as row and column headers.
pub fn print_confusion(cm: &ConfusionMatrix<usize>, names: &[String]) {
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| i.to_string());
    let width = cm
        .labels
        .iter()
        .map(|&l| name(l).len())
        .max()
        .unwrap_or(1)
        .max(6);
    let corner = "true \\ pred";
    let first = width.max(corner.len());
    print!("{corner:>first$}");
    for &l in &cm.labels {
        print!(" {:>width$}", name(l));
    }
    println!();
    for (i, &l) in cm.labels.iter().enumerate() {
        print!("{:>first$}", name(l));
        for j in 0..cm.labels.len() {
            print!(" {:>width$}", cm.matrix[[i, j]]);
        }
        println!();
    }
}
