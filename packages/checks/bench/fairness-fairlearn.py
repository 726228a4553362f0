"""Fairlearn reference for fairness.group: the equivalence test and the benchmark.

  fairness-fairlearn.py metrics DATA.arrow SPEC.json   -> JSON of per-group metrics and disparities
  fairness-fairlearn.py bench DATA.arrow SPEC.json     -> the same from one MetricFrame per key,
                                                          plus the seconds taken

SPEC: {"label": col, "prediction": col | null, "score": col | null, "threshold": t,
       "sensitive": [cols]}. Labels and predictions must be 0/1 (Fairlearn's convention).
The keys measured are each sensitive column and, with several, all of them together.
"""

import json
import math
import sys
import time
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

warnings.filterwarnings("ignore")

SEP = " & "


def precision(y_true, y_pred):
    return precision_score(y_true, y_pred, zero_division=0)


GROUP_METRICS = {
    "count": count,
    "selectionRate": selection_rate,
    "accuracy": accuracy_score,
    "truePositiveRate": true_positive_rate,
    "falsePositiveRate": false_positive_rate,
    "falseNegativeRate": false_negative_rate,
    "precision": precision,
}

DISPARITIES = {
    "demographicParityDifference": demographic_parity_difference,
    "demographicParityRatio": demographic_parity_ratio,
    "equalizedOddsDifference": equalized_odds_difference,
    "equalizedOddsRatio": equalized_odds_ratio,
    "equalOpportunityDifference": equal_opportunity_difference,
    "equalOpportunityRatio": equal_opportunity_ratio,
}


def number(v):
    v = float(v)
    return None if math.isnan(v) else v


def read(path, spec):
    with pa.memory_map(path) as source:
        table = ipc.open_file(source).read_all()
    df = table.to_pandas()
    y = df[spec["label"]].to_numpy()
    if spec.get("prediction"):
        y_pred = df[spec["prediction"]].to_numpy()
    else:
        y_pred = (df[spec["score"]].to_numpy() >= spec["threshold"]).astype(np.int64)
    return df, y, y_pred


def keys(spec):
    cols = spec["sensitive"]
    return [[c] for c in cols] + ([cols] if len(cols) > 1 else [])


def group_name(index):
    return SEP.join(str(v) for v in index) if isinstance(index, tuple) else str(index)


def from_frame(frame):
    """The disparities from one MetricFrame, as the fairlearn functions derive them."""
    diff = frame.difference()
    ratio = frame.ratio()
    return {
        "demographicParityDifference": number(diff["selectionRate"]),
        "demographicParityRatio": number(ratio["selectionRate"]),
        "equalizedOddsDifference": number(max(diff["truePositiveRate"], diff["falsePositiveRate"])),
        "equalizedOddsRatio": number(min(ratio["truePositiveRate"], ratio["falsePositiveRate"])),
        "equalOpportunityDifference": number(diff["truePositiveRate"]),
        "equalOpportunityRatio": number(ratio["truePositiveRate"]),
    }


def measure(df, y, y_pred, cols, one_frame):
    sf = df[cols[0]] if len(cols) == 1 else df[cols]
    frame = MetricFrame(metrics=GROUP_METRICS, y_true=y, y_pred=y_pred, sensitive_features=sf)
    groups = {}
    for index, row in frame.by_group.iterrows():
        if row.isna().all():
            continue  # an empty intersection
        groups[group_name(index)] = {k: number(v) for k, v in row.items()}
    if one_frame:
        disparities = from_frame(frame)
    else:
        disparities = {
            name: number(fn(y, y_pred, sensitive_features=sf)) for name, fn in DISPARITIES.items()
        }
    return {"groups": groups, "disparities": disparities}


def main():
    mode, path, spec_path = sys.argv[1:4]
    with open(spec_path) as f:
        spec = json.load(f)
    started = time.perf_counter()
    df, y, y_pred = read(path, spec)
    read_s = time.perf_counter() - started
    # The benchmark derives the disparities from one MetricFrame per key (the fast way to use
    # Fairlearn); the equivalence test calls Fairlearn's disparity functions themselves.
    one_frame = mode == "bench"
    out = {SEP.join(cols): measure(df, y, y_pred, cols, one_frame) for cols in keys(spec)}
    total_s = time.perf_counter() - started
    if mode == "bench":
        out = {"seconds": total_s, "readSeconds": read_s, "result": out}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
