"""Runs Great Expectations 1.x on the shared datasets and writes its own JSON output.

Usage: python gx1_fixtures.py OUT_DIR   (run with the gx1 venv's python)

Writes, under OUT_DIR:
  project/gx/expectations/...                 the suites, as GX stores them
  project/gx/uncommitted/validations/...      every checkpoint run, as GX's store writes it
  checkpoint-result.json                      the last CheckpointResult: run_id, success and
                                              run_results keyed by str(ValidationResultIdentifier)
  checkpoint-describe.json                    CheckpointResult.describe_dict() of the last run
  validation-result-complete.json             ValidationDefinition.run(result_format=COMPLETE)
  validation-result-boolean-only.json         ValidationDefinition.run(result_format=BOOLEAN_ONLY)
  manifest.json                               what was generated, with GX's own statistics
Run ids are fixed; validation/checkpoint ids (UUIDs), ge_load_time and batch_spec paths are
whatever GX writes.
"""

import csv
import json
import os
import sys
import tempfile
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
warnings.filterwarnings("ignore")

import great_expectations as gx  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gx_fixture_data as data  # noqa: E402


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def add_suite(context, name, expectations):
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for etype, kwargs, meta in expectations:
        suite.add_expectation_configuration(ExpectationConfiguration(type=etype, kwargs=kwargs, meta=meta))
    suite.save()
    return suite


def checkpoint_json(result):
    """CheckpointResult as JSON: GX 1.x has no to_json_dict for it, so its fields are dumped
    with GX's own serialisers (ValidationResultIdentifier keys become their str())."""
    return {
        "run_id": result.run_id.to_json_dict(),
        "run_results": {str(key): value.to_json_dict() for key, value in result.run_results.items()},
        "checkpoint_config": json.loads(result.checkpoint_config.json()),
        "success": result.success,
    }


def main(out_dir):
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="gx1-")
    data_dir = os.path.join(work, "data")
    os.makedirs(data_dir)
    write_csv(os.path.join(data_dir, "orders.csv"), data.orders())
    write_csv(os.path.join(data_dir, "trips.csv"), data.trips("baseline"))
    context = gx.get_context(mode="file", project_root_dir=work)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas_filesystem("fixtures", base_directory=data_dir)
    trips_def = source.add_csv_asset("trips").add_batch_definition_path("trips_csv", path="trips.csv")
    orders_def = source.add_csv_asset("orders").add_batch_definition_path("orders_csv", path="orders.csv")
    trips_suite = add_suite(context, "trips", data.trips_expectations("1"))
    orders_suite = add_suite(context, "shop.orders", data.orders_expectations())
    trips_vd = context.validation_definitions.add(gx.ValidationDefinition(name="trips_vd", data=trips_def, suite=trips_suite))
    orders_vd = context.validation_definitions.add(
        gx.ValidationDefinition(name="orders_vd", data=orders_def, suite=orders_suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name="nightly_cp", validation_definitions=[trips_vd, orders_vd], actions=[])
    )
    manifest = {"gx_version": gx.__version__, "seed": data.SEED, "runs": [], "files": {}}
    last = None
    for run_name, run_time, kind in data.RUNS:
        write_csv(os.path.join(data_dir, "trips.csv"), data.trips(kind))
        result = checkpoint.run(run_id=RunIdentifier(run_name=run_name, run_time=run_time))
        manifest["runs"].append(
            {
                "run_name": run_name,
                "run_time": run_time.isoformat(),
                "batch": kind,
                "validations": [
                    {"key": str(key), "suite": r.suite_name, "statistics": r.statistics}
                    for key, r in result.run_results.items()
                ],
            }
        )
        last = result
    data.dump(os.path.join(out_dir, "checkpoint-result.json"), checkpoint_json(last))
    manifest["files"]["checkpoint-result.json"] = {"kind": "checkpoint-result"}
    data.dump(os.path.join(out_dir, "checkpoint-describe.json"), last.describe_dict())
    manifest["files"]["checkpoint-describe.json"] = {"kind": "checkpoint-describe"}

    write_csv(os.path.join(data_dir, "trips.csv"), data.trips("tampered"))
    adhoc = gx.ValidationDefinition(name="trips_adhoc", data=trips_def, suite=trips_suite)
    # ValidationDefinition.run stores its result too, so each ad-hoc run gets its own run id.
    for fmt, name, day in (
        ("COMPLETE", "validation-result-complete.json", 4),
        ("BOOLEAN_ONLY", "validation-result-boolean-only.json", 5),
    ):
        run_time = data.RUNS[-1][1].replace(day=day)
        result = adhoc.run(result_format=fmt, run_id=RunIdentifier(run_name="adhoc-" + fmt.lower(), run_time=run_time))
        data.dump(os.path.join(out_dir, name), result.to_json_dict())
        manifest["files"][name] = {"kind": "validation-result", "result_format": fmt, "statistics": result.statistics}

    data.finish(work, out_dir, manifest)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gx1_fixtures.py OUT_DIR")
    main(sys.argv[1])
