"""Time scikit-learn, LightGBM and XGBoost on oxlearn's comparison workloads.

Run by `cargo xtask bench --compare`; not meant to be run by hand. The workloads,
their data (.npy files generated once by oxlearn's seeded generators) and their
hyperparameters come from the manifest written by the Rust side, so both sides
fit exactly the same rows with the same settings.

    python peers.py all MANIFEST OUT.json     every workload x library, each in a child process
    python peers.py one MANIFEST WORKLOAD LIBRARY   one measurement, JSON on stdout

Hyperparameter mapping, ours -> theirs, is written next to each constructor below.
"""

import json
import os
import statistics
import subprocess
import sys
import time


def peak_reset():
    """Reset the peak resident set size (Linux clear_refs); False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def make_estimator(library, workload, threads):
    """The peer estimator for a workload, configured like ours."""
    name, p = workload["name"], workload["params"]
    if library == "scikit-learn":
        from sklearn import cluster, decomposition, ensemble, linear_model, mixture, preprocessing, tree

        table = {
            # LinearRegression: fit_intercept -> fit_intercept.
            "linear_regression": lambda: linear_model.LinearRegression(),
            # Ridge: alpha -> alpha, solver auto (Cholesky for n > p).
            "ridge": lambda: linear_model.Ridge(alpha=p["alpha"]),
            # Lasso / ElasticNet: alpha, l1_ratio, tol, max_iter identical.
            "lasso": lambda: linear_model.Lasso(alpha=p["alpha"], tol=p["tol"], max_iter=p["max_iter"]),
            "elastic_net": lambda: linear_model.ElasticNet(
                alpha=p["alpha"], l1_ratio=p["l1_ratio"], tol=p["tol"], max_iter=p["max_iter"]
            ),
            # LogisticRegression: C -> C, lbfgs, max_iter, tol.
            "logistic_binary": lambda: linear_model.LogisticRegression(C=p["C"], max_iter=p["max_iter"], tol=p["tol"]),
            "logistic_multinomial": lambda: linear_model.LogisticRegression(
                C=p["C"], max_iter=p["max_iter"], tol=p["tol"]
            ),
            # KMeans: n_clusters, init k-means++, n_init, max_iter, tol, seed -> random_state.
            "kmeans_fixed_iterations": lambda: cluster.KMeans(
                n_clusters=p["n_clusters"], n_init=1, max_iter=p["max_iter"], tol=0.0,
                algorithm="lloyd", random_state=0,
            ),
            "kmeans_default": lambda: cluster.KMeans(n_clusters=p["n_clusters"], random_state=0),
            # DBSCAN: eps, min_samples identical, euclidean.
            "dbscan": lambda: cluster.DBSCAN(eps=p["eps"], min_samples=p["min_samples"], n_jobs=threads),
            "gaussian_mixture": lambda: mixture.GaussianMixture(
                n_components=p["n_components"], covariance_type="full", max_iter=p["max_iter"], tol=0.0,
                random_state=0,
            ),
            # AgglomerativeClustering / HDBSCAN: n_clusters, linkage ward; min_cluster_size.
            "agglomerative_ward": lambda: cluster.AgglomerativeClustering(n_clusters=p["n_clusters"], linkage="ward"),
            "hdbscan": lambda: cluster.HDBSCAN(min_cluster_size=p["min_cluster_size"]),
            "standard_scaler": lambda: preprocessing.StandardScaler(),
            # OneHotEncoder on the integer codes (NaN a category of its own), dense output as ours.
            "one_hot_adult": lambda: preprocessing.OneHotEncoder(handle_unknown=p["handle_unknown"], sparse_output=False),
            "polynomial_features": lambda: preprocessing.PolynomialFeatures(degree=p["degree"]),
            # ours runs its covariance-eigh solver here (exact; output equal to full SVD's).
            "pca_exact": lambda: decomposition.PCA(n_components=p["n_components"], svd_solver="full"),
            "pca_randomized": lambda: decomposition.PCA(
                n_components=p["n_components"], svd_solver="randomized", random_state=0
            ),
            # Trees and forests: scikit-learn's defaults, as ours; forests on all threads.
            "decision_tree_classifier": lambda: tree.DecisionTreeClassifier(random_state=0),
            "decision_tree_regressor": lambda: tree.DecisionTreeRegressor(random_state=0),
            "random_forest_classifier": lambda: ensemble.RandomForestClassifier(
                n_estimators=p["n_estimators"], n_jobs=threads, random_state=0
            ),
            "random_forest_regressor": lambda: ensemble.RandomForestRegressor(
                n_estimators=p["n_estimators"], n_jobs=threads, random_state=0
            ),
            "extra_trees_regressor": lambda: ensemble.ExtraTreesRegressor(
                n_estimators=p["n_estimators"], n_jobs=threads, random_state=0
            ),
        }
        return table[name]()
    if library == "lightgbm":
        import lightgbm

        # Random-forest mode as a forest peer: bootstrap-like bagging of 63.2%
        # of the rows per tree, sqrt(20) = 4 of 20 / all features per node as scikit-learn's
        # defaults, deep trees (histogram splits, so not the same answer).
        def lgbm_rf(model, feature_fraction):
            return model(
                boosting_type="rf", n_estimators=p["n_estimators"], bagging_freq=1, bagging_fraction=0.632,
                feature_fraction_bynode=feature_fraction, num_leaves=4096, min_child_samples=1,
                min_child_weight=0.0, n_jobs=threads, verbose=-1, random_state=0,
            )

        return {
            "random_forest_classifier": lambda: lgbm_rf(lightgbm.LGBMClassifier, 0.2),
            "random_forest_regressor": lambda: lgbm_rf(lightgbm.LGBMRegressor, 1.0),
            "hist_gbdt_regression": lambda: lightgbm.LGBMRegressor(n_jobs=threads, verbose=-1, **p),
            "hist_gbdt_classification": lambda: lightgbm.LGBMClassifier(n_jobs=threads, verbose=-1, **p),
        }[name]()
    if library == "xgboost":
        import xgboost

        return {
            "hist_gbdt_regression": lambda: xgboost.XGBRegressor(n_jobs=threads, tree_method="hist", **p),
            "hist_gbdt_classification": lambda: xgboost.XGBClassifier(n_jobs=threads, tree_method="hist", **p),
        }[name]()
    raise KeyError(library)


def quality(task, est, x_test, y_test, pred):
    import numpy as np
    from sklearn import metrics

    if task == "regression":
        return {"r2": float(metrics.r2_score(y_test, pred))}
    if task == "classification":
        q = {"accuracy": float(metrics.accuracy_score(y_test, pred))}
        if hasattr(est, "predict_proba"):
            q["log_loss"] = float(metrics.log_loss(y_test, est.predict_proba(x_test), labels=est.classes_))
        return q
    if task == "clustering":
        q = {"ari": float(metrics.adjusted_rand_score(y_test, pred))}
        if hasattr(est, "cluster_centers_"):
            d = ((x_test[:, None, :] - est.cluster_centers_[None, :, :]) ** 2).sum(-1)
            q["inertia"] = float(d.min(1).sum())
        return q
    if task == "transform":
        # The output's width and mean square: equal output at a glance.
        q = {"columns": int(pred.shape[1]), "mean_sq": float(np.mean(pred**2))}
        if hasattr(est, "inverse_transform") and hasattr(est, "components_"):
            back = est.inverse_transform(pred)
            q["reconstruction_mse"] = float(np.mean((back - x_test) ** 2))
        return q
    return {}


def measure_one(manifest_path, name, library):
    import numpy as np

    with open(manifest_path) as f:
        manifest = json.load(f)
    workload = next(w for w in manifest["workloads"] if w["name"] == name)
    threads = manifest["threads"]
    data = manifest["data"][workload["data"]]
    base = os.path.dirname(manifest_path)
    load = lambda key: np.load(os.path.join(base, data[key])) if data.get(key) else None
    x_train, y_train, x_test, y_test = (load(k) for k in ("x_train", "y_train", "x_test", "y_test"))
    task = workload["task"]
    if task in ("classification", "clustering"):
        y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
    is_transform = task == "transform"
    fit_args = (x_train,) if is_transform or task == "clustering" else (x_train, y_train)

    def fit():
        est = make_estimator(library, workload, threads)
        t = time.perf_counter()
        est.fit(*fit_args)
        return est, time.perf_counter() - t

    def apply(est):
        t = time.perf_counter()
        out = est.transform(x_test) if is_transform else est.predict(x_test)
        return out, time.perf_counter() - t

    # The warm-up (imports, caches, thread pools) is the fit whose peak
    # memory is measured: the first of a fresh process, as later fits reuse
    # memory that earlier ones freed and the allocator kept resident.
    rss_before = rss_mib()
    reset = peak_reset()
    fit()
    peak = peak_mib() - rss_before if reset else float("nan")
    est, first_fit = fit()
    fit_times = [first_fit] + [fit()[1] for _ in range(manifest["repeats"] - 1)]
    if hasattr(est, "predict") or is_transform:
        pred, _ = apply(est)
        predict_s = statistics.median(apply(est)[1] for _ in range(manifest["repeats"]))
        judged = quality(task, est, x_test, y_test, pred)
    else:
        # DBSCAN labels only what it was fitted on: judge the training labels.
        predict_s = None
        judged = {"ari": float(__import__("sklearn.metrics").metrics.adjusted_rand_score(y_train, est.labels_))}
    return {
        "workload": name,
        "library": library,
        "fit_s": statistics.median(fit_times),
        "predict_s": predict_s,
        "peak_fit_mib": max(peak, 0.0) if peak == peak else None,
        "quality": judged,
    }


def versions():
    out = {"python": sys.version.split()[0]}
    for module, label in (("sklearn", "scikit-learn"), ("lightgbm", "lightgbm"), ("xgboost", "xgboost"), ("numpy", "numpy")):
        try:
            out[label] = __import__(module).__version__
        except Exception:  # noqa: BLE001 - a missing peer is reported, not fatal
            out[label] = None
    return out


def measure_all(manifest_path, out_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    threads = str(manifest["threads"])
    env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    results, available = [], versions()
    for w in manifest["workloads"]:
        for library in w["peers"]:
            if available.get(library) is None:
                results.append({"workload": w["name"], "library": library, "error": "not installed"})
                continue
            print(f"    {library:<12} {w['name']}", flush=True)
            run = subprocess.run(
                [sys.executable, __file__, "one", manifest_path, w["name"], library],
                env=env, capture_output=True, text=True,
            )
            if run.returncode != 0:
                tail = run.stderr.strip().splitlines()[-1:] or ["failed"]
                results.append({"workload": w["name"], "library": library, "error": tail[0]})
            else:
                results.append(json.loads(run.stdout))
    with open(out_path, "w") as f:
        json.dump({"versions": available, "results": results}, f, indent=1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["one"]:
        print(json.dumps(measure_one(sys.argv[2], sys.argv[3], sys.argv[4])))
    elif sys.argv[1:2] == ["all"]:
        measure_all(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
