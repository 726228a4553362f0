"""Creates the runs and registered models the @mlwarden/mlflow integration tests inspect.

Run with the MLflow venv (scripts/py-venv mlflow) and MLFLOW_TRACKING_URI pointing at a fresh
server; writes the ids it created as JSON to the path given as the first argument.

Nothing here ever unpickles the malicious file: it is assembled from opcodes and only written.
"""

import base64
import json
import os
import sys
import tempfile

import mlflow
import numpy as np
from mlflow.entities import Param
from mlflow.models import infer_signature
from mlflow.tracking import MlflowClient
from sklearn.linear_model import LogisticRegression

# An obviously fake AWS access key id in the real format (AKIA + 16 upper-case letters/digits).
FAKE_AWS_KEY = "AKIA" + "MLWARDENFAKE0001"
# A fake GitHub token in the real format, written into a small text artifact.
FAKE_GITHUB_TOKEN = "ghp_" + "mlwardenfake" * 3


def malicious_pickle() -> bytes:
    """Protocol-0 pickle that would call os.system('echo mlwarden-test') if anyone loaded it."""
    return b"cos\nsystem\n(S'echo mlwarden-test'\ntR."


class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input * 2


def training_data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(120, 4))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int)
    return x, y


def pinned_requirements(*packages: str) -> list[str]:
    """Exact pins of the installed versions; passing them skips MLflow's slow inference step."""
    from importlib.metadata import version

    return [f"mlflow=={mlflow.__version__}"] + [f"{p}=={version(p)}" for p in packages]


def git_tags():
    return {
        "mlflow.source.git.commit": "0123456789abcdef0123456789abcdef01234567",
        "mlflow.source.name": "train.py",
        "mlflow.source.type": "LOCAL",
        "mlflow.user": "ci-bot",
    }


def log_clean(x, y, registered_name: str) -> dict:
    """A clean scikit-learn model with signature, input example and pinned requirements."""
    with mlflow.start_run(run_name="clean-sklearn") as run:
        mlflow.set_tags(git_tags())
        model = LogisticRegression(max_iter=200).fit(x, y)
        mlflow.log_params({"C": "1.0", "max_iter": "200"})
        mlflow.log_metric("accuracy", float(model.score(x, y)))
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(x, model.predict(x)),
            input_example=x[:2],
            registered_model_name=registered_name,
            pip_requirements=pinned_requirements("scikit-learn", "skops"),
        )
    return {
        "run_id": run.info.run_id,
        "model_id": info.model_id,
        "model_uri": info.model_uri,
        "version": str(info.registered_model_version),
    }


def log_tampered(client: MlflowClient, registered_name: str) -> dict:
    """A tampered model: a leaked key in the params, a token in a text artifact, no provenance
    tags, and a model folder whose python_model.pkl is a malicious pickle."""
    with mlflow.start_run(run_name="tampered") as run:
        mlflow.log_params({"aws_access_key_id": FAKE_AWS_KEY, "lr": "0.1"})
        with tempfile.TemporaryDirectory() as tmp:
            model_dir = os.path.join(tmp, "model")
            os.makedirs(model_dir)
            with open(os.path.join(model_dir, "python_model.pkl"), "wb") as f:
                f.write(malicious_pickle())
            with open(os.path.join(model_dir, "MLmodel"), "w") as f:
                f.write(
                    "flavors:\n"
                    "  python_function:\n"
                    "    loader_module: mlflow.pyfunc.model\n"
                    "    python_model: python_model.pkl\n"
                    "    cloudpickle_version: 3.1.1\n"
                    "    python_version: 3.11.7\n"
                    f"mlflow_version: {mlflow.__version__}\n"
                )
            with open(os.path.join(model_dir, "requirements.txt"), "w") as f:
                f.write("mlflow\ncloudpickle>=2\n--extra-index-url https://pypi.example.invalid/simple\n")
            mlflow.log_artifacts(model_dir, artifact_path="model")
            notes = os.path.join(tmp, "notes.txt")
            with open(notes, "w") as f:
                f.write(f"deploy notes\ntoken: {FAKE_GITHUB_TOKEN}\n")
            mlflow.log_artifact(notes, artifact_path="config")
        mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", registered_name)
    # MLflow records git provenance on its own when the script sits in a checkout: remove it.
    for key in ("mlflow.source.git.commit", "mlflow.source.git.branch", "mlflow.source.name", "mlflow.user"):
        if key in client.get_run(run.info.run_id).data.tags:
            client.delete_tag(run.info.run_id, key)
    return {
        "run_id": run.info.run_id,
        "version": str(mv.version),
        "pickle_b64": base64.b64encode(malicious_pickle()).decode(),
    }


def main(out_path: str) -> None:
    client = MlflowClient()
    x, y = training_data()
    ids: dict = {}

    # The gate tests write verdicts, reports and aliases: they get models of their own.
    mlflow.set_experiment("mlwarden-gate")
    ids["gate_clean"] = log_clean(x, y, "mlw-gate-clean")
    ids["gate_bad"] = log_tampered(client, "mlw-gate-bad")

    experiment = mlflow.set_experiment("mlwarden-e2e")
    ids["experiment_id"] = experiment.experiment_id
    ids["clean"] = log_clean(x, y, "mlw-clean")

    # A custom pyfunc model serialised with cloudpickle, without signature or input example.
    with mlflow.start_run(run_name="pyfunc-cloudpickle") as run:
        mlflow.set_tags(git_tags())
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=Doubler(),
            registered_model_name="mlw-pyfunc",
            pip_requirements=pinned_requirements("cloudpickle"),
        )
        ids["pyfunc"] = {
            "run_id": run.info.run_id,
            "model_id": info.model_id,
            "version": str(info.registered_model_version),
        }
    # An alias moved by hand, without an mlwarden verdict: what registry hygiene reports.
    client.set_registered_model_alias("mlw-pyfunc", "production", ids["pyfunc"]["version"])

    ids["bad"] = log_tampered(client, "mlw-bad")

    # A run with thousands of params (logged in batches of 100, the server's limit).
    with mlflow.start_run(run_name="many-params") as run:
        params = [Param(f"p{i:05d}", str(i)) for i in range(3000)]
        for start in range(0, len(params), 100):
            client.log_batch(run.info.run_id, params=params[start : start + 100])
        ids["many_params"] = {"run_id": run.info.run_id, "count": len(params)}

    # A run whose training data is a local CSV file, logged as an MLflow dataset input.
    import pandas as pd

    data_path = os.path.join(os.path.dirname(os.path.abspath(out_path)), "train-data.csv")
    frame = pd.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "label": y})
    frame.to_csv(data_path, index=False)
    with mlflow.start_run(run_name="with-dataset") as run:
        mlflow.log_input(mlflow.data.from_pandas(frame, source=data_path, name="train"), context="training")
        ids["with_dataset"] = {"run_id": run.info.run_id, "path": data_path, "rows": len(frame)}

    ids["mlflow_version"] = mlflow.__version__
    with open(out_path, "w") as f:
        json.dump(ids, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1])
