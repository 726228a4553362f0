"""Runs Great Expectations 0.18 on the shared datasets and writes its own JSON output.

Usage: python gx018_fixtures.py OUT_DIR   (run with the gx018 venv's python)

Writes, under OUT_DIR:
  project/gx/expectations/...                 the suites, as GX stores them
  project/gx/uncommitted/validations/...      every checkpoint run, as GX's store writes it
  checkpoint-result.json                      CheckpointResult.to_json_dict() of the last run
  validation-result-complete.json             Validator.validate(result_format=COMPLETE)
  validation-result-boolean-only.json         Validator.validate(result_format=BOOLEAN_ONLY)
  manifest.json                               what was generated, with GX's own statistics
Run ids are fixed; validation_time, ge_load_time and pandas fingerprints are whatever GX writes.
"""

import os
import sys
import tempfile
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("GE_USAGE_STATS", "FALSE")
warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
import great_expectations as gx  # noqa: E402
from great_expectations.core.expectation_configuration import ExpectationConfiguration  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gx_fixture_data as data  # noqa: E402


def add_suite(context, name, expectations):
    suite = context.add_or_update_expectation_suite(expectation_suite_name=name)
    for etype, kwargs, meta in expectations:
        suite.add_expectation(ExpectationConfiguration(expectation_type=etype, kwargs=kwargs, meta=meta))
    context.add_or_update_expectation_suite(expectation_suite=suite)
    return suite


def main(out_dir):
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="gx018-")
    context = gx.get_context(project_root_dir=work)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.sources.add_pandas("fixtures")
    trips_asset = source.add_dataframe_asset("trips")
    orders_asset = source.add_dataframe_asset("orders")
    add_suite(context, "trips", data.trips_expectations("0.18"))
    add_suite(context, "shop.orders", data.orders_expectations())
    checkpoint = context.add_or_update_checkpoint(
        name="nightly_cp",
        action_list=[
            {"name": "store_validation_result", "action": {"class_name": "StoreValidationResultAction"}},
        ],
    )
    orders_df = pd.DataFrame(data.orders())
    manifest = {"gx_version": gx.__version__, "seed": data.SEED, "runs": [], "files": {}}
    last = None
    for run_name, run_time, kind in data.RUNS:
        trips_df = pd.DataFrame(data.trips(kind))
        result = checkpoint.run(
            run_id=RunIdentifier(run_name=run_name, run_time=run_time),
            validations=[
                {"batch_request": trips_asset.build_batch_request(dataframe=trips_df), "expectation_suite_name": "trips"},
                {"batch_request": orders_asset.build_batch_request(dataframe=orders_df), "expectation_suite_name": "shop.orders"},
            ],
        )
        manifest["runs"].append(
            {
                "run_name": run_name,
                "run_time": run_time.isoformat(),
                "batch": kind,
                "validations": [
                    {"key": str(key), "suite": r["validation_result"].meta["expectation_suite_name"], "statistics": r["validation_result"].statistics}
                    for key, r in result.run_results.items()
                ],
            }
        )
        last = result
    data.dump(os.path.join(out_dir, "checkpoint-result.json"), last.to_json_dict())
    manifest["files"]["checkpoint-result.json"] = {"kind": "checkpoint-result"}

    tampered = pd.DataFrame(data.trips("tampered"))
    for fmt, name in (("COMPLETE", "validation-result-complete.json"), ("BOOLEAN_ONLY", "validation-result-boolean-only.json")):
        validator = context.get_validator(
            batch_request=trips_asset.build_batch_request(dataframe=tampered), expectation_suite_name="trips"
        )
        result = validator.validate(result_format=fmt, catch_exceptions=True)
        data.dump(os.path.join(out_dir, name), result.to_json_dict())
        manifest["files"][name] = {"kind": "validation-result", "result_format": fmt, "statistics": result.statistics}

    data.finish(work, out_dir, manifest)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gx018_fixtures.py OUT_DIR")
    main(sys.argv[1])
