"""Datasets and expectation suites shared by the GX 0.18 and GX 1.x fixture generators.

Standard library only, so both venvs can import it. Every dataset comes from a seeded
random.Random, so the rows are the same on every machine. The "tampered" trips batch carries
planted failures: nulls, out-of-range fares, a new payment category, zone codes that miss the
regex, e-mail addresses outside the allowed domain (stand-ins for personal data), duplicate ids,
a row-count jump and a shifted fare distribution. One expectation names a column that does not
exist, so GX records an exception for it.
"""

import json
import os
import random
import shutil
from datetime import datetime, timedelta, timezone

SEED = 20240501

# Fixed run ids, so that run directories and run_id fields are the same on every run.
RUNS = [
    # (run_name, run_time, which trips batch)
    ("baseline", datetime(2024, 5, 1, 2, 0, 0, tzinfo=timezone.utc), "baseline"),
    (None, datetime(2024, 5, 2, 2, 0, 0, tzinfo=timezone.utc), "baseline"),
    ("nightly", datetime(2024, 5, 3, 2, 0, 0, tzinfo=timezone.utc), "tampered"),
]

PAYMENT_TYPES = ["card", "cash", "voucher"]
COLUMNS = ["trip_id", "passenger_count", "fare", "payment_type", "pickup_zone", "email", "pickup_time"]

# Planted raw values. Tests assert that none of them reaches an mlwarden report.
PLANTED_SECRETS = ["john.doe@gmail.com", "jane.roe@corp.example.org", "ZONE9", "crypto"]


def _base_rows(rng, n, start_id):
    rows = []
    t0 = datetime(2024, 4, 30, 0, 0, 0)
    for i in range(n):
        rows.append(
            {
                "trip_id": start_id + i,
                "passenger_count": rng.randint(1, 6),
                "fare": round(max(2.5, rng.gauss(20.0, 6.0)), 2),
                "payment_type": rng.choice(PAYMENT_TYPES),
                "pickup_zone": "Z%03d" % rng.randint(0, 263),
                "email": "rider%d@example.com" % rng.randint(1, 99999),
                "pickup_time": (t0 + timedelta(minutes=rng.randint(0, 1439))).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    return rows


def trips(kind):
    """Rows of the trips table: 'baseline' (500 clean rows) or 'tampered' (820 rows, planted failures)."""
    rng = random.Random(SEED)
    if kind == "baseline":
        return _base_rows(rng, 500, 1)
    rows = _base_rows(rng, 820, 1)
    # Distribution shift: a block of rows with much larger fares (still in range).
    for r in rows[100:400]:
        r["fare"] = round(r["fare"] * 3.0 + 40.0, 2)
    for i in (3, 17, 42, 99, 512):
        rows[i]["passenger_count"] = None
    rows[5]["fare"] = -5.0
    rows[6]["fare"] = 812.5
    rows[7]["fare"] = 1024.0
    for i in (10, 11, 12, 13):
        rows[i]["payment_type"] = "crypto"
    rows[20]["pickup_zone"] = "ZONE9"
    rows[21]["pickup_zone"] = "Z12"
    rows[30]["email"] = "john.doe@gmail.com"
    rows[31]["email"] = "jane.roe@corp.example.org"
    rows[40]["trip_id"] = rows[41]["trip_id"]
    return rows


def orders():
    """Rows of the orders table: always clean."""
    rng = random.Random(SEED + 1)
    return [
        {"order_id": i + 1, "amount": round(rng.uniform(1, 300), 2), "status": rng.choice(["new", "paid", "shipped"])}
        for i in range(200)
    ]


def trips_expectations(generation):
    """(expectation type, kwargs, meta) of the trips suite for GX generation "0.18" or "1"."""
    expectations = [
        ("expect_table_row_count_to_be_between", {"min_value": 400, "max_value": 600}, {}),
        ("expect_table_columns_to_match_set", {"column_set": COLUMNS, "exact_match": True}, {}),
        ("expect_column_values_to_not_be_null", {"column": "passenger_count"}, {}),
        ("expect_column_values_to_be_between", {"column": "fare", "min_value": 0, "max_value": 500}, {}),
        ("expect_column_values_to_be_in_set", {"column": "payment_type", "value_set": PAYMENT_TYPES}, {}),
        ("expect_column_values_to_match_regex", {"column": "pickup_zone", "regex": r"^Z\d{3}$"}, {}),
        (
            "expect_column_values_to_match_regex",
            {"column": "email", "regex": r"^[a-z0-9]+@example\.com$"},
            {"mlwarden": {"severity": "low"}, "notes": "contact addresses must be pseudonymised"},
        ),
        ("expect_column_values_to_be_unique", {"column": "trip_id"}, {}),
        ("expect_column_mean_to_be_between", {"column": "fare", "min_value": 15, "max_value": 25}, {}),
        ("expect_column_stdev_to_be_between", {"column": "fare", "min_value": 3, "max_value": 10}, {}),
        (
            "expect_column_quantile_values_to_be_between",
            {
                "column": "fare",
                "quantile_ranges": {
                    "quantiles": [0.1, 0.5, 0.9],
                    "value_ranges": [[5, 20], [15, 25], [20, 35]],
                },
            },
            {},
        ),
        ("expect_column_distinct_values_to_be_in_set", {"column": "payment_type", "value_set": PAYMENT_TYPES}, {}),
        ("expect_column_most_common_value_to_be_in_set", {"column": "payment_type", "value_set": ["card"]}, {}),
        ("expect_column_median_to_be_between", {"column": "passenger_count", "min_value": 1, "max_value": 6}, {}),
        (
            "expect_column_proportion_of_unique_values_to_be_between",
            {"column": "pickup_zone", "min_value": 0.0, "max_value": 0.6},
            {},
        ),
        ("expect_column_max_to_be_between", {"column": "pickup_time", "min_value": "2024-04-30 00:00:00", "max_value": "2024-04-30 23:59:59"}, {}),
        ("expect_column_values_to_be_of_type", {"column": "fare", "type_": "float64"}, {}),
        (
            "expect_column_kl_divergence_to_be_less_than",
            {
                "column": "fare",
                "partition_object": {"bins": [0, 10, 20, 30, 40, 1000], "weights": [0.05, 0.45, 0.4, 0.08, 0.02]},
                "threshold": 0.1,
            },
            {},
        ),
        # The column does not exist: GX records an exception for this expectation.
        ("expect_column_values_to_be_between", {"column": "tip", "min_value": 0, "max_value": 100}, {}),
    ]
    if generation == "1":
        # GX 1.24.1 cannot store this expectation's result: its details hold numpy.bool_ values,
        # which the validation results store fails to serialise ("Object of type bool_ is not
        # JSON serializable"), so the 1.x suite leaves it out.
        expectations = [e for e in expectations if e[0] != "expect_column_quantile_values_to_be_between"]
    return expectations


def orders_expectations():
    return [
        ("expect_table_row_count_to_equal", {"value": 200}, {}),
        ("expect_column_values_to_be_unique", {"column": "order_id"}, {}),
        ("expect_column_values_to_be_between", {"column": "amount", "min_value": 0, "max_value": 1000}, {}),
        ("expect_column_values_to_be_in_set", {"column": "status", "value_set": ["new", "paid", "shipped"]}, {}),
    ]


def dump(path, obj):
    """Writes JSON the way the fixtures are checked in (two-space indent, trailing newline)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def finish(work, out_dir, manifest):
    """Keeps only what GX wrote that the adapter reads (the suites and the validations store),
    removes GX's working project and writes the manifest."""
    project = os.path.join(out_dir, "project", "gx")
    shutil.rmtree(os.path.join(out_dir, "project"), ignore_errors=True)
    shutil.copytree(os.path.join(work, "gx", "expectations"), os.path.join(project, "expectations"))
    shutil.copytree(
        os.path.join(work, "gx", "uncommitted", "validations"),
        os.path.join(project, "uncommitted", "validations"),
    )
    shutil.rmtree(work, ignore_errors=True)
    dump(os.path.join(out_dir, "manifest.json"), manifest)
