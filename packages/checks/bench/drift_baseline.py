"""numpy/scipy baseline for the drift benchmark: the metrics of mlwarden's data.drift on the same
Arrow IPC files, including reading them.

    python drift_baseline.py reference.arrow current.arrow [fast|scipy]   -> JSON on stdout

fast (default): each column is sorted once with numpy and KS, Wasserstein-1 and PSI come from one
merge of the two sorted arrays (SciPy's own formulas: `kstwo.sf(d, round(n1*n2/(n1+n2)))` for the
KS p-value, `chi2_contingency`, `jensenshannon`). scipy: the SciPy functions as a user calls them
(`ks_2samp`, `wasserstein_distance`), which sort again inside each call.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, kstwo, wasserstein_distance

# PSI exactly as the equivalence test defines it.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "test"))
from scipy_reference import psi  # noqa: E402


def numeric_fast(x, y, bins=10, floor=1e-4):
    a = np.sort(x)
    b = np.sort(y)
    n1, n2 = a.size, b.size
    merged = np.concatenate([a, b])
    order = np.argsort(merged, kind="stable")  # two sorted runs: a linear merge
    values = merged[order]
    below_a = np.cumsum(order < n1)
    below_b = np.arange(1, n1 + n2 + 1) - below_a
    diff = below_a / n1 - below_b / n2
    last = np.r_[values[1:] != values[:-1], True]
    d = float(np.max(np.abs(diff[last])))
    m, n = max(n1, n2), min(n1, n2)
    p = float(np.clip(kstwo.sf(d, np.round(m * n / (m + n))), 0, 1))
    w = float(np.sum(np.abs(diff[:-1]) * np.diff(values)))
    edges = np.quantile(a, np.arange(1, bins) / bins)
    r = np.diff(np.r_[0, np.searchsorted(a, edges, side="right"), n1]) / n1
    c = np.diff(np.r_[0, np.searchsorted(b, edges, side="right"), n2]) / n2
    r = np.maximum(r, floor)
    c = np.maximum(c, floor)
    return {
        "ks_statistic": d,
        "ks_pvalue": p,
        "wasserstein": w / float(np.std(x)),
        "psi": float(np.sum((c - r) * np.log(c / r))),
    }


def numeric_scipy(x, y):
    ks = ks_2samp(x, y)
    return {
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks.pvalue),
        "wasserstein": float(wasserstein_distance(x, y) / np.std(x)),
        "psi": psi(x, y),
    }


def categorical(a, b):
    counts = {}
    for side, column in ((0, a), (1, b)):
        for item in column.combine_chunks().dictionary_decode().value_counts().to_pylist():
            counts.setdefault(item["values"], [0, 0])[side] += item["counts"]
    keys = sorted(counts)
    table = np.array([[counts[k][0] for k in keys], [counts[k][1] for k in keys]])
    chi2 = chi2_contingency(table, correction=False)
    return {
        "chi2_statistic": float(chi2.statistic),
        "chi2_pvalue": float(chi2.pvalue),
        "jensenshannon": float(jensenshannon(table[0], table[1])),
    }


def main():
    method = numeric_fast if (sys.argv[3] if len(sys.argv) > 3 else "fast") == "fast" else numeric_scipy
    started = time.perf_counter()
    cpu = time.process_time()
    ref = pa.ipc.open_file(sys.argv[1]).read_all()
    cur = pa.ipc.open_file(sys.argv[2]).read_all()
    out = {}
    for name in ref.column_names:
        a = ref.column(name)
        b = cur.column(name)
        if pa.types.is_floating(a.type):
            out[name] = method(a.to_numpy(), b.to_numpy())
        else:
            out[name] = categorical(a, b)
    print(
        json.dumps(
            {"seconds": time.perf_counter() - started, "cpuSeconds": time.process_time() - cpu, "columns": out}
        )
    )


if __name__ == "__main__":
    main()
