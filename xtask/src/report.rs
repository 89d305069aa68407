//! The comparison report: combined results, markdown tables, SVG charts and
//! the README's headline table.

use std::fmt::Write as _;
use std::path::Path;

use plotters::prelude::*;
use serde_json::{Value, json};

/// The libraries, in column order.
const LIBRARIES: [&str; 4] = ["oxlearn", "scikit-learn", "lightgbm", "xgboost"];

/// Display names of the libraries.
fn display(library: &str) -> &str {
    match library {
        "lightgbm" => "LightGBM",
        "xgboost" => "XGBoost",
        other => other,
    }
}

/// Joins the manifest with both sides' results, workload by workload.
pub fn combine(manifest: &Value, peers: &Value, ours: &Value) -> Value {
    let all_results: Vec<&Value> = peers["results"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(ours["results"].as_array().into_iter().flatten())
        .collect();
    let workloads: Vec<Value> = manifest["workloads"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            let data = &manifest["data"][w["data"].as_str().unwrap_or_default()];
            let mut results = serde_json::Map::new();
            for r in all_results.iter().filter(|r| r["workload"] == w["name"]) {
                results.insert(
                    r["library"].as_str().unwrap_or("?").to_string(),
                    (*r).clone(),
                );
            }
            // Transformers are judged on fit + transform, as their issues state.
            let transform = w["task"] == "transform";
            let cost = |r: &Value| -> Option<f64> {
                let fit = r["fit_s"].as_f64()?;
                if transform {
                    Some(fit + r["predict_s"].as_f64()?)
                } else {
                    Some(fit)
                }
            };
            let best_peer = results
                .iter()
                .filter(|(lib, r)| lib.as_str() != "oxlearn" && cost(r).is_some())
                .min_by(|a, b| {
                    let (ca, cb) = (cost(a.1), cost(b.1));
                    ca.unwrap_or(f64::INFINITY)
                        .total_cmp(&cb.unwrap_or(f64::INFINITY))
                })
                .map(|(lib, _)| lib.clone());
            let ratio = best_peer
                .as_ref()
                .and_then(|lib| Some(cost(results.get("oxlearn")?)? / cost(results.get(lib)?)?));
            json!({
                "family": w["family"],
                "name": w["name"],
                "title": w["title"],
                "n_train": data["n_train"],
                "n_features": data["n_features"],
                "n_samples": data["n_samples"],
                "target_ratio": w["target_ratio"],
                "peers": w["peers"],
                "best_peer": best_peer,
                "ratio": ratio,
                "cost_ours": results.get("oxlearn").and_then(cost),
                "cost_peer": best_peer.as_ref().and_then(|lib| results.get(lib)).and_then(cost),
                "results": results,
            })
        })
        .collect();
    json!({
        "threads": manifest["threads"],
        "repeats": manifest["repeats"],
        "quick": manifest["quick"],
        "versions": peers["versions"],
        "peers_skipped": peers["skipped"],
        "workloads": workloads,
    })
}

fn secs(v: &Value) -> String {
    match v.as_f64() {
        Some(s) if s >= 1.0 => format!("{s:.2} s"),
        Some(s) if s >= 1e-3 => format!("{:.1} ms", s * 1e3),
        Some(s) => format!("{:.0} µs", s * 1e6),
        None => "–".to_string(),
    }
}

fn quality(r: &Value) -> String {
    let Some(q) = r["quality"].as_object() else {
        return "–".to_string();
    };
    let parts: Vec<String> = q
        .iter()
        .map(|(k, v)| match v.as_f64() {
            _ if v.is_u64() => format!("{k} {v}"),
            Some(x) if x.abs() >= 1e4 => format!("{k} {x:.4e}"),
            Some(x) => format!("{k} {x:.4}"),
            None => format!("{k} –"),
        })
        .collect();
    if parts.is_empty() {
        "–".to_string()
    } else {
        parts.join(", ")
    }
}

fn families(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in report["workloads"].as_array().into_iter().flatten() {
        let f = w["family"].as_str().unwrap_or("?").to_string();
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// The comparison section of docs/benchmarks.md; charts are written to `img_dir`.
pub fn markdown(report: &Value, img_dir: &Path, img_link: &str) -> Result<String, String> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## Side by side with scikit-learn, LightGBM and XGBoost\n"
    );
    let _ = writeln!(
        s,
        "Each library fits the same training rows (seeded oxlearn generators, written once as `.npy`) with the same \
         hyperparameters on {} threads; times are the median of {} runs after a warm-up, measured inside the process; \
         quality is measured on the same held-out rows. *ratio* is oxlearn's fit time over the fastest peer's \
         (below 1: oxlearn is faster), on fit + transform for transformers; *target* is the family issue's goal. Peak memory is the growth of the \
         process's peak resident set during the warm-up fit, the first of a fresh process (later fits reuse memory \
         that earlier ones freed). Each peer's constructor in `benches/compare/peers.py` \
         states how our hyperparameters map to its own.\n",
        report["threads"], report["repeats"]
    );
    let versions = report["versions"].as_object().map(|v| {
        v.iter()
            .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or("not installed")))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let _ = writeln!(
        s,
        "Peer versions: {}.\n",
        versions.unwrap_or_else(|| "none".into())
    );
    if let Some(reason) = report["peers_skipped"].as_str() {
        let _ = writeln!(s, "**Peers were skipped in this run: {reason}.**\n");
    }
    std::fs::create_dir_all(img_dir).map_err(|e| e.to_string())?;
    for family in families(report) {
        let rows: Vec<&Value> = report["workloads"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|w| w["family"] == family.as_str())
            .collect();
        let libs: Vec<&str> = LIBRARIES
            .iter()
            .copied()
            .filter(|lib| {
                *lib == "oxlearn"
                    || rows.iter().any(|w| {
                        w["peers"]
                            .as_array()
                            .is_some_and(|p| p.iter().any(|x| x == lib))
                    })
            })
            .collect();
        let _ = writeln!(s, "### {family}\n");
        let mut header = String::from("| workload | train rows x cols |");
        let mut rule = String::from("|---|---|");
        for lib in &libs {
            let _ = write!(header, " {} fit / predict |", display(lib));
            rule.push_str("---:|");
        }
        header.push_str(" ratio | target | quality (oxlearn) | quality (best peer) | peak MiB (oxlearn / best peer) |");
        rule.push_str("---:|---:|---|---|---|");
        let _ = writeln!(s, "{header}\n{rule}");
        for w in &rows {
            let results = &w["results"];
            let mut line = format!(
                "| {} | {} x {} |",
                w["title"].as_str().unwrap_or("?"),
                w["n_train"],
                w["n_features"]
            );
            for lib in &libs {
                let r = &results[*lib];
                if let Some(e) = r["error"].as_str() {
                    let _ = write!(
                        line,
                        " {} |",
                        if *lib == "oxlearn" && e.contains("not implemented") {
                            "missing: not implemented yet".to_string()
                        } else {
                            format!("error: {e}")
                        }
                    );
                } else if r.is_null() {
                    line.push_str(" – |");
                } else {
                    let _ = write!(line, " {} / {} |", secs(&r["fit_s"]), secs(&r["predict_s"]));
                }
            }
            let ratio = w["ratio"]
                .as_f64()
                .map_or("–".to_string(), |r| format!("{r:.2}"));
            let best = w["best_peer"]
                .as_str()
                .map(|b| &results[b])
                .unwrap_or(&Value::Null);
            let mem = |r: &Value| {
                r["peak_fit_mib"]
                    .as_f64()
                    .map_or("–".to_string(), |m| format!("{m:.0}"))
            };
            let _ = writeln!(
                line,
                " {ratio} | {} | {} | {} | {} / {} |",
                w["target_ratio"]
                    .as_f64()
                    .map_or("–".to_string(), |t| format!("<= {t}")),
                quality(&results["oxlearn"]),
                quality(best),
                mem(&results["oxlearn"]),
                mem(best)
            );
            s.push_str(&line);
        }
        let file = format!("compare-{family}.svg");
        if chart(&rows, &img_dir.join(&file))? {
            let _ = writeln!(
                s,
                "\n![{family}: fit time ratio to the best peer]({img_link}/{file})"
            );
        }
        s.push('\n');
    }
    Ok(s)
}

/// A horizontal bar per measured workload: the ratio, with the target marked.
fn chart(rows: &[&Value], path: &Path) -> Result<bool, String> {
    let bars: Vec<(String, f64, f64)> = rows
        .iter()
        .filter_map(|w| {
            Some((
                w["title"].as_str()?.to_string(),
                w["ratio"].as_f64()?,
                w["target_ratio"].as_f64().unwrap_or(1.0),
            ))
        })
        .collect();
    if bars.is_empty() {
        return Ok(false);
    }
    let max = bars.iter().map(|b| b.1.max(b.2)).fold(1.0, f64::max) * 1.15;
    let height = 60 + 34 * bars.len() as u32;
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let area = SVGBackend::new(path, (900, height)).into_drawing_area();
    area.fill(&WHITE).map_err(|x| e(&x))?;
    let mut chart = ChartBuilder::on(&area)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(0)
        .caption(
            "fit time / fastest peer (lower is better; | = target)",
            ("sans-serif", 16),
        )
        .build_cartesian_2d(0.0..max, 0.0..bars.len() as f64)
        .map_err(|x| e(&x))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .draw()
        .map_err(|x| e(&x))?;
    for (i, (title, ratio, target)) in bars.iter().enumerate() {
        let y0 = bars.len() as f64 - i as f64 - 0.85;
        let color = if ratio <= target {
            RGBColor(46, 139, 87)
        } else {
            RGBColor(205, 92, 92)
        };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y0), (*ratio, y0 + 0.7)],
                color.filled(),
            )))
            .map_err(|x| e(&x))?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*target, y0 - 0.05), (*target, y0 + 0.75)],
                BLACK.stroke_width(2),
            )))
            .map_err(|x| e(&x))?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{title}: {ratio:.2}"),
                (max * 0.01, y0 + 0.5),
                ("sans-serif", 13),
            )))
            .map_err(|x| e(&x))?;
    }
    area.present().map_err(|x| e(&x))?;
    Ok(true)
}

/// The README's headline table: one line per workload.
pub fn headline(report: &Value) -> String {
    let mut s = String::from(
        "| workload | oxlearn | best peer | its time | ratio | target |\n|---|---:|---|---:|---:|---:|\n",
    );
    for w in report["workloads"].as_array().into_iter().flatten() {
        let peer = w["best_peer"].as_str().map_or("–", display);
        let ours = if w["cost_ours"].is_f64() {
            secs(&w["cost_ours"])
        } else {
            "not implemented yet".to_string()
        };
        let _ = writeln!(
            s,
            "| {} | {ours} | {peer} | {} | {} | <= {} |",
            w["title"].as_str().unwrap_or("?"),
            secs(&w["cost_peer"]),
            w["ratio"]
                .as_f64()
                .map_or("–".to_string(), |r| format!("{r:.2}")),
            w["target_ratio"]
        );
    }
    s.push_str("\nTimes are fit times, fit + transform for transformers (2 threads each).\n");
    s
}

/// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in
/// `text` (or appends the marked block when absent).
pub fn replace_marked(text: &str, name: &str, body: &str) -> String {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let block = format!("{begin}\n{body}\n{end}");
    match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{block}{}", &text[..b], &text[e + end.len()..]),
        _ => format!("{text}\n{block}\n"),
    }
}

/// The marked block `NAME` of `text`, if any.
pub fn marked<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("\n<!-- {name}:end -->");
    let b = text.find(&begin)? + begin.len();
    let e = text[b..].find(&end)? + b;
    Some(&text[b..e])
}
