"""Reads what mlwarden wrote into MLflow back through MLflow's own Python client.

Usage: read_back.py RUN_ID [MODEL_NAME VERSION [ALIAS]]   (MLFLOW_TRACKING_URI set)
Prints JSON: the run's tags and latest metrics, the files under mlwarden/, the verdict inside
mlwarden/report.json, and the model version's tags and where ALIAS points.
"""

import json
import os
import sys
import tempfile

from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient


def main(argv: list[str]) -> None:
    client = MlflowClient()
    run_id = argv[0]
    run = client.get_run(run_id)
    out: dict = {
        "run_tags": dict(run.data.tags),
        "run_metrics": dict(run.data.metrics),
        "artifacts": [f.path for f in client.list_artifacts(run_id, "mlwarden")],
    }
    if "mlwarden/report.json" in out["artifacts"]:
        with tempfile.TemporaryDirectory() as tmp:
            path = client.download_artifacts(run_id, "mlwarden/report.json", tmp)
            with open(path) as f:
                out["report_verdict"] = json.load(f)["summary"]["verdict"]
    if len(argv) >= 3:
        name, version = argv[1], argv[2]
        out["version_tags"] = dict(client.get_model_version(name, version).tags)
        if len(argv) >= 4:
            try:
                out["alias_version"] = client.get_model_version_by_alias(name, argv[3]).version
            except MlflowException:
                out["alias_version"] = None
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    main(sys.argv[1:])
