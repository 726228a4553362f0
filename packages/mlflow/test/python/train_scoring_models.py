"""Trains the small scikit-learn models the scoring-server tests serve with `mlflow models serve`.

Run with the MLflow venv (scripts/py-venv mlflow): `python train_scoring_models.py <out dir>`.
Logs three models to a local store (sqlite file, artifacts in <out dir>/artifacts) and writes <out dir>/expected.json
with their model URIs, 40 test rows (float32-representable, as the client sends them) and
scikit-learn's own labels and probabilities for those rows.
"""

import json
import os
import sys
import warnings

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


class LabelledScores(mlflow.pyfunc.PythonModel):
    """Returns a DataFrame (one record per row): the class name and one score per class."""

    def load_context(self, context):
        import joblib

        self.model = joblib.load(context.artifacts["model"])

    def predict(self, context, model_input, params=None):
        scores = self.model.predict_proba(model_input[COLUMNS])
        out = pd.DataFrame(scores, columns=[f"p_{c}" for c in self.model.classes_])
        out.insert(0, "species", self.model.predict(model_input[COLUMNS]))
        return out


def requirements():
    from importlib.metadata import version

    return [f"mlflow=={mlflow.__version__}"] + [
        f"{p}=={version(p)}" for p in ("scikit-learn", "pandas", "numpy")
    ]


def main(out_dir: str) -> None:
    warnings.filterwarnings("ignore")
    # MLflow 3.17 keeps the plain file store in maintenance mode; a sqlite file is the local store.
    mlflow.set_tracking_uri("sqlite:///" + os.path.join(out_dir, "scoring.db"))
    mlflow.set_experiment(
        experiment_id=mlflow.create_experiment(
            "scoring", artifact_location="file://" + os.path.join(out_dir, "artifacts")
        )
    )
    iris = load_iris()
    # Values the client can send exactly: float32, widened back to float64.
    x = pd.DataFrame(iris.data.astype(np.float32).astype(np.float64), columns=COLUMNS)
    y = iris.target
    names = np.array(iris.target_names)
    rng = np.random.default_rng(11)
    order = rng.permutation(len(x))
    train, test = order[:110], order[110:150]
    model = LogisticRegression(max_iter=500, C=0.5).fit(x.iloc[train], y[train])
    named = LogisticRegression(max_iter=500, C=0.5).fit(x.iloc[train], names[y[train]])
    rows = x.iloc[test[:40]]
    uris = {}
    with mlflow.start_run():
        labels_info = mlflow.sklearn.log_model(
            model,
            name="labels",
            signature=infer_signature(x, model.predict(x)),
            pip_requirements=requirements(),
        )
        proba_info = mlflow.sklearn.log_model(
            model,
            name="proba",
            signature=infer_signature(x, model.predict_proba(x)),
            pyfunc_predict_fn="predict_proba",
            pip_requirements=requirements(),
        )
        import joblib

        path = os.path.join(out_dir, "named.joblib")
        joblib.dump(named, path)
        example = LabelledScores()
        example.model = named
        records_info = mlflow.pyfunc.log_model(
            name="records",
            python_model=LabelledScores(),
            artifacts={"model": path},
            signature=infer_signature(x, example.predict(None, x)),
            pip_requirements=requirements() + ["joblib"],
        )
        uris = {
            "labels": labels_info.model_uri,
            "proba": proba_info.model_uri,
            "records": records_info.model_uri,
        }
    expected = {
        "mlflow_version": mlflow.__version__,
        "tracking_uri": mlflow.get_tracking_uri(),
        "model_uris": uris,
        "columns": COLUMNS,
        "rows": rows.to_numpy().tolist(),
        "labels": model.predict(rows).tolist(),
        "probabilities": model.predict_proba(rows).tolist(),
        "class_names": [str(c) for c in named.classes_],
        "named_labels": [str(v) for v in named.predict(rows)],
        "named_probabilities": named.predict_proba(rows).tolist(),
    }
    with open(os.path.join(out_dir, "expected.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main(sys.argv[1])
