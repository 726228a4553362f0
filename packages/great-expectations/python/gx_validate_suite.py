"""Loads expectation suites the way a GX project does and validates datasets with them.

Usage: python gx_validate_suite.py JOBS.json   (with the gx018 or gx1 venv's python)

JOBS.json: {"suite": <suite JSON written by mlwarden>, "datasets": {"<name>": {"records": [...],
"datetime_columns": [...]}}}. The suite is written into a fresh file project's expectations/
directory and read back through the data context, so GX itself parses it. Prints one JSON object:
{"gx_version", "results": {"<name>": {"statistics", "expectations": [{"type", "column", "success",
"exception", "mlwarden"}]}}}. One process validates every dataset, because importing GX is slow.
"""

import json
import os
import shutil
import sys
import tempfile
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GE_USAGE_STATS", "FALSE")
warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
import great_expectations as gx  # noqa: E402

GX1 = not gx.__version__.startswith("0.")


def frame(dataset):
    df = pd.DataFrame.from_records(dataset["records"], columns=dataset.get("columns"))
    for column in dataset.get("datetime_columns", []):
        if column in df.columns:
            df[column] = pd.to_datetime(df[column])
    return df


def suite_file(root, name):
    parts = name.split(".") if not GX1 else [name]
    path = os.path.join(root, "gx", "expectations", *parts[:-1], parts[-1] + ".json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def describe(result):
    out = []
    for r in result.results:
        cfg = r.expectation_config
        info = r.exception_info or {}
        raised = bool(info.get("raised_exception")) or any(
            isinstance(v, dict) and v.get("exception_message") for v in info.values()
        )
        out.append(
            {
                "type": cfg.type if GX1 else cfg.expectation_type,
                "column": cfg.kwargs.get("column"),
                "success": bool(r.success),
                "exception": raised,
                "mlwarden": (cfg.meta or {}).get("mlwarden"),
            }
        )
    return {"statistics": dict(result.statistics), "expectations": out}


def validate(jobs):
    """Runs the jobs (see the module docstring) and returns the result object."""
    suite_json = jobs["suite"]
    name = suite_json["name"] if GX1 else suite_json["expectation_suite_name"]
    root = tempfile.mkdtemp(prefix="gx-suite-")
    try:
        if GX1:
            context = gx.get_context(mode="file", project_root_dir=root)
        else:
            context = gx.get_context(project_root_dir=root)
        with open(suite_file(root, name), "w", encoding="utf-8") as f:
            json.dump(suite_json, f)
        results = {}
        if GX1:
            suite = context.suites.get(name)
            asset = context.data_sources.add_pandas("mlwarden").add_dataframe_asset("data")
            batch_definition = asset.add_batch_definition_whole_dataframe("whole")
            for key, dataset in jobs["datasets"].items():
                batch = batch_definition.get_batch(batch_parameters={"dataframe": frame(dataset)})
                results[key] = describe(batch.validate(suite, result_format="SUMMARY"))
        else:
            suite = context.get_expectation_suite(expectation_suite_name=name)
            asset = context.sources.add_pandas("mlwarden").add_dataframe_asset("data")
            for key, dataset in jobs["datasets"].items():
                validator = context.get_validator(
                    batch_request=asset.build_batch_request(dataframe=frame(dataset)), expectation_suite=suite
                )
                results[key] = describe(validator.validate(result_format="SUMMARY", catch_exceptions=True))
        return {"gx_version": gx.__version__, "expectations_loaded": len(suite.expectations), "results": results}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(jobs_path):
    with open(jobs_path, encoding="utf-8") as f:
        json.dump(validate(json.load(f)), sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gx_validate_suite.py JOBS.json")
    main(sys.argv[1])
