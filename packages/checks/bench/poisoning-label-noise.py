"""Python baseline of poisoning.label-noise for scripts/poisoning-bench: the same computation with
scikit-learn and numpy.

  poisoning-label-noise.py DATA.arrow SPEC.json  -> JSON (seconds per step, flagged rows, noise)

SPEC: {"label": col, "features": [cols], "folds": 5, "C": 1, "neighbours": 10,
       "knnReference": 2000, "modelWeight": 0.5, "tolerance": 0.01, "seed": n}
Steps: standardise; out-of-fold multinomial LogisticRegression (lbfgs) over stratified shuffled
folds; NearestNeighbors against a random sample of knnReference rows (self excluded), add-one
smoothing towards the priors; blend; confident learning; exact and grid near-duplicates with
conflicting labels.
"""

import json
import sys
import time
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import NearestNeighbors

warnings.filterwarnings("ignore")


def confident_learning(p, y, k):
    counts = np.bincount(y, minlength=k).astype(float)
    thresholds = np.array([p[y == j, j].mean() if counts[j] else 1.0 for j in range(k)])
    above = p >= thresholds
    masked = np.where(above, p, -np.inf)
    confident = np.where(above.any(axis=1), masked.argmax(axis=1), -1)
    raw = np.zeros((k, k))
    ok = confident >= 0
    np.add.at(raw, (y[ok], confident[ok]), 1)
    rows = raw.sum(axis=1, keepdims=True)
    joint = np.divide(raw, rows, out=np.zeros_like(raw), where=rows > 0) * counts[:, None]
    joint = joint / joint.sum() * len(y)
    noise = 1 - np.diag(joint) / np.maximum(joint.sum(axis=1), 1e-300)
    issues = np.flatnonzero(ok & (confident != y))
    return issues, noise, joint


def duplicates(x, z, y, tolerance):
    exact = 0
    _, inverse = np.unique(x, axis=0, return_inverse=True)
    for g in np.unique(inverse[np.unique(inverse, return_counts=True)[1][inverse] > 1]):
        if len(np.unique(y[inverse == g])) > 1:
            exact += 1
    near = 0
    for offset in (0.0, 0.5):
        cells = np.floor(z / tolerance + offset).astype(np.int64)
        _, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
        shared = counts[inverse] > 1
        for g in np.unique(inverse[shared]):
            if len(np.unique(y[inverse == g])) > 1:
                near += 1
    return exact, near


def main():
    path, spec_path = sys.argv[1:3]
    with open(spec_path) as f:
        spec = json.load(f)
    times = {}
    t = time.perf_counter()
    with pa.memory_map(path) as source:
        table = ipc.open_file(source).read_all()
    x = np.column_stack([table[c].to_numpy().astype(np.float64) for c in spec["features"]])
    y = table[spec["label"]].to_numpy().astype(np.int64)
    times["read"] = time.perf_counter() - t
    k = int(y.max()) + 1
    n = len(y)

    t = time.perf_counter()
    z = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1)
    folds = StratifiedKFold(n_splits=spec["folds"], shuffle=True, random_state=spec["seed"])
    model = LogisticRegression(C=spec["C"], max_iter=100)
    p_model = cross_val_predict(model, z, y, cv=folds, method="predict_proba")
    times["outOfFoldModel"] = time.perf_counter() - t

    t = time.perf_counter()
    rng = np.random.default_rng(spec["seed"])
    sample = np.sort(rng.choice(n, size=min(n, spec["knnReference"]), replace=False))
    nn = NearestNeighbors(n_neighbors=spec["neighbours"] + 1).fit(z[sample])
    _, index = nn.kneighbors(z)
    neighbours = sample[index]
    keep = neighbours != np.arange(n)[:, None]
    # Drop the row itself where it is in the sample, else the farthest of the k + 1.
    chosen = np.where(keep.all(axis=1)[:, None], neighbours[:, : spec["neighbours"]], 0)
    for i in np.flatnonzero(~keep.all(axis=1)):
        chosen[i] = neighbours[i][keep[i]][: spec["neighbours"]]
    prior = np.bincount(y, minlength=k) / n
    p_knn = np.tile(prior / (spec["neighbours"] + 1), (n, 1))
    np.add.at(p_knn, (np.repeat(np.arange(n), spec["neighbours"]), y[chosen].ravel()), 1 / (spec["neighbours"] + 1))
    times["neighbours"] = time.perf_counter() - t

    t = time.perf_counter()
    w = spec["modelWeight"]
    p = w * p_model + (1 - w) * p_knn
    issues, noise, joint = confident_learning(p, y, k)
    times["confidentLearning"] = time.perf_counter() - t

    t = time.perf_counter()
    exact, near = duplicates(x, z, y, spec["tolerance"])
    times["duplicates"] = time.perf_counter() - t
    json.dump(
        {
            "seconds": times,
            "total": sum(times.values()),
            "flagged": issues.tolist(),
            "noiseRate": noise.tolist(),
            "overallNoiseRate": float((joint.sum() - np.trace(joint)) / n),
            "duplicates": {"exact": exact, "near": near},
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
