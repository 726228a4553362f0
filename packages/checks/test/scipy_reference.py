"""Reference values for the drift equivalence test (test/scipy-equivalence.test.ts).

Reads a manifest of cases written by the test: numeric cases name two files of little-endian
float64 values, categorical cases give two count vectors. Prints SciPy's values as JSON.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance


def psi(ref, cur, bins=10, floor=1e-4):
    """PSI as specified: edges are the reference's interior quantiles (linear), bins closed on
    the right, outer bins open, proportions floored."""
    edges = np.quantile(ref, np.arange(1, bins) / bins)
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=bins) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=bins) / cur.size
    r = np.maximum(r, floor)
    c = np.maximum(c, floor)
    return float(np.sum((c - r) * np.log(c / r)))


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    out = {}
    for case in cases:
        if case["kind"] == "numeric":
            a = np.fromfile(case["reference"], dtype="<f8")
            b = np.fromfile(case["current"], dtype="<f8")
            ks = ks_2samp(a, b)
            out[case["name"]] = {
                "ks_statistic": float(ks.statistic),
                "ks_pvalue": float(ks.pvalue),
                "wasserstein_distance": float(wasserstein_distance(a, b)),
                "wasserstein": float(wasserstein_distance(a, b) / np.std(a)),
                "psi": psi(a, b),
            }
        else:
            table = np.array([case["reference"], case["current"]], dtype=float)
            chi2 = chi2_contingency(table, correction=False)
            out[case["name"]] = {
                "chi2_statistic": float(chi2.statistic),
                "chi2_pvalue": float(chi2.pvalue),
                "chi2_dof": int(chi2.dof),
                "jensenshannon": float(jensenshannon(table[0], table[1])),
            }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
