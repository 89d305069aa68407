//! Clustering with oxlearn-cluster: k-means on handwritten digits, DBSCAN,
//! HDBSCAN and single-linkage agglomerative clustering on two interleaved
//! half-moons, and the neighbours index behind DBSCAN.
//!
//! k-means is scored against the true digits with the adjusted Rand index
//! (1 is a perfect match, 0 chance level); DBSCAN finds the two moons,
//! which k-means with two clusters cannot separate, and marks outliers as
//! noise (-1).
//!
//! ```sh
//! cargo run -p oxlearn-examples --example clustering
//! ```

use oxlearn::metrics::adjusted_rand_score;
use oxlearn::{Dataset, Fit, Predict, Transform};
use oxlearn_cluster::neighbors::{KdTree, Metric};
use oxlearn_cluster::{AgglomerativeClustering, Dbscan, Hdbscan, Init, KMeans, Linkage};
use oxlearn_datasets::generators::{MakeMoons, make_moons};
use oxlearn_examples::heading;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    heading("k-means on digits (1797 x 64, 10 classes)");
    let digits = oxlearn_datasets::digits()?;
    for (name, init, n_init) in [
        ("k-means++, 1 run", Init::KMeansPlusPlus, Some(1)),
        ("k-means++, best of 5", Init::KMeansPlusPlus, Some(5)),
        ("random rows, best of 10", Init::Random, None),
    ] {
        let model = KMeans::new(10)
            .init(init)
            .n_init(n_init)
            .fit(digits.view())?;
        let ari = adjusted_rand_score(model.labels(), digits.targets())?;
        println!(
            "{name:<24} inertia {:>12.1}  iterations {:>3}  ARI vs digits {ari:.3}",
            model.inertia(),
            model.n_iter()
        );
    }
    let model = KMeans::new(10).fit(digits.view())?;
    let first = digits.records().slice_move(ndarray::s![..3, ..]);
    let distances = model.transform(first)?;
    println!(
        "first three digits -> clusters {:?}, nearest-centre distances {:.1?}",
        model.predict(first)?.to_vec(),
        distances
            .rows()
            .into_iter()
            .map(|r| r.iter().copied().fold(f64::INFINITY, f64::min))
            .collect::<Vec<_>>()
    );

    heading("DBSCAN, HDBSCAN and single linkage on make_moons (400 points, noise 0.08)");
    let moons = make_moons(&MakeMoons::default().n_samples(400).noise(0.08).seed(1))?;
    let unlabelled = Dataset::from_records(moons.records().to_owned());
    let dbscan = Dbscan::new(0.2, 5).fit(unlabelled.view())?;
    let noise = dbscan.labels().iter().filter(|&&l| l == -1).count();
    println!(
        "DBSCAN eps 0.2: {} clusters, {} noise points, {} core samples, ARI vs moons {:.3}",
        dbscan.n_clusters(),
        noise,
        dbscan.core_sample_indices().len(),
        adjusted_rand_score(dbscan.labels(), moons.targets())?
    );
    // HDBSCAN needs no radius: it keeps the clusters that persist over all
    // of them, and says how strongly each point belongs to its cluster.
    let hdbscan = Hdbscan::new(15).fit(unlabelled.view())?;
    let noise = hdbscan.labels().iter().filter(|&&l| l == -1).count();
    let weak = hdbscan.probabilities().iter().filter(|&&p| p < 0.5).count();
    println!(
        "HDBSCAN min_cluster_size 15: {} clusters, {} noise points, {} points with \
         probability < 0.5, ARI vs moons {:.3}",
        hdbscan.n_clusters(),
        noise,
        weak,
        adjusted_rand_score(hdbscan.labels(), moons.targets())?
    );
    let single = AgglomerativeClustering::new(2)
        .linkage(Linkage::Single)
        .compute_distances(true)
        .fit(unlabelled.view())?;
    let heights = single.distances().map(|d| d.to_vec()).unwrap_or_default();
    println!(
        "single linkage, 2 clusters: ARI vs moons {:.3}, last merge heights {:.3?}",
        adjusted_rand_score(single.labels(), moons.targets())?,
        &heights[heights.len().saturating_sub(3)..]
    );
    let kmeans = KMeans::new(2).fit(unlabelled.view())?;
    println!(
        "k-means, 2 clusters: ARI vs moons {:.3} (convex clusters cannot follow the moons)",
        adjusted_rand_score(kmeans.labels(), moons.targets())?
    );

    gaussian_mixture_by_bic()?;

    heading("The KD-tree neighbours index");
    let tree = KdTree::new(moons.records(), 30, Metric::Euclidean)?;
    let nearest = tree.query(moons.records().row(0), 4)?;
    println!("4 nearest neighbours of point 0 (index, distance): {nearest:.3?}");
    let within = tree.query_radius(moons.records().row(0), 0.2)?;
    println!("{} points within 0.2 of point 0", within.len());
    Ok(())
}

/// Chooses the number of components (and the covariance type) of a
/// Gaussian mixture by the Bayesian information criterion on blobs of
/// different spreads.
fn gaussian_mixture_by_bic() -> Result<(), Box<dyn std::error::Error>> {
    use oxlearn::PredictProba;
    use oxlearn_cluster::{CovarianceType, GaussianMixture};
    use oxlearn_datasets::generators::{MakeBlobs, make_blobs};

    heading("Gaussian mixtures: the number of components by BIC (make_blobs, 4 centres)");
    let (blobs, _) = make_blobs(
        &MakeBlobs::default()
            .n_samples(600)
            .n_features(2)
            .n_centers(4)
            .cluster_std(1.0)
            .seed(3),
    )?;
    let x = blobs.records();
    let mut best: Option<(f64, usize, CovarianceType)> = None;
    for kind in [
        CovarianceType::Full,
        CovarianceType::Diag,
        CovarianceType::Spherical,
    ] {
        let mut line = format!("{:<10}", kind.name());
        for k in 1..=7 {
            let model = GaussianMixture::new(k)
                .covariance_type(kind)
                .n_init(2)
                .fit(blobs.view())?;
            let bic = model.bic(x)?;
            line.push_str(&format!(" k={k}: {bic:>7.1}"));
            if best.is_none_or(|(b, _, _)| bic < b) {
                best = Some((bic, k, kind));
            }
        }
        println!("BIC {line}");
    }
    if let Some((bic, k, kind)) = best {
        let model = GaussianMixture::new(k)
            .covariance_type(kind)
            .n_init(2)
            .fit(blobs.view())?;
        let proba = model.predict_proba(x)?;
        let uncertain = proba
            .rows()
            .into_iter()
            .filter(|r| r.iter().copied().fold(0.0, f64::max) < 0.9)
            .count();
        println!(
            "lowest BIC {bic:.1}: {k} components, {} covariances; ARI vs the blobs {:.3}, \
             {uncertain} points with no component above 0.9",
            kind.name(),
            adjusted_rand_score(&model.predict(x)?, blobs.targets())?
        );
    }
    Ok(())
}
