"""Builds the MLServer model repository for @mlwarden/seldon's integration tests.

Usage: python train_iris.py OUT_DIR HTTP_PORT GRPC_PORT METRICS_PORT

Trains a seeded logistic regression on scikit-learn's bundled iris data (no download), writes
MLServer's settings.json (loopback only, Kafka and tracing off, metrics on their own loopback
port), one model folder per model (iris: scikit-learn runtime; echo: a tiny custom runtime that
returns its inputs through MLServer's own codecs), and expected.json with scikit-learn's own
predict / predict_proba on the exact float32 rows the tests send, plus the model's coefficients.
"""

import json
import os
import shutil
import sys

import joblib
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

out, http_port, grpc_port, metrics_port = sys.argv[1], *map(int, sys.argv[2:5])
here = os.path.dirname(os.path.abspath(__file__))

X, y = load_iris(return_X_y=True)
model = LogisticRegression(max_iter=1000, random_state=0).fit(X, y)

iris_dir = os.path.join(out, "iris")
os.makedirs(iris_dir, exist_ok=True)
joblib.dump(model, os.path.join(iris_dir, "model.joblib"))
with open(os.path.join(iris_dir, "model-settings.json"), "w") as f:
    json.dump(
        {
            "name": "iris",
            "implementation": "mlserver_sklearn.SKLearnModel",
            "parameters": {"uri": "./model.joblib", "version": "v1"},
            "inputs": [{"name": "input-0", "datatype": "FP64", "shape": [-1, 4]}],
            "outputs": [
                {"name": "predict", "datatype": "INT64", "shape": [-1, 1]},
                {"name": "predict_proba", "datatype": "FP64", "shape": [-1, 3]},
            ],
        },
        f,
    )

echo_dir = os.path.join(out, "echo")
os.makedirs(echo_dir, exist_ok=True)
shutil.copy(os.path.join(here, "echo_runtime.py"), os.path.join(echo_dir, "echo_runtime.py"))
with open(os.path.join(echo_dir, "model-settings.json"), "w") as f:
    json.dump({"name": "echo", "implementation": "echo_runtime.EchoModel"}, f)

with open(os.path.join(out, "settings.json"), "w") as f:
    json.dump(
        {
            "host": "127.0.0.1",
            "http_port": http_port,
            "grpc_port": grpc_port,
            "metrics_port": metrics_port,
            "metrics_dir": os.path.join(out, ".metrics"),
            "environments_dir": os.path.join(out, ".envs"),
            "kafka_enabled": False,
            "parallel_workers": 0,
            "load_models_at_startup": True,
            # "debug" is left at MLServer's default (true): the probes must find what a default
            # install leaks.
        },
        f,
    )

# Rows as the client sends them: float32 values, widened exactly to float64 by the server.
rng = np.random.default_rng(7)
rows = X[rng.choice(len(X), size=40, replace=False)].astype(np.float32).astype(np.float64)
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(
        {
            "rows": rows.tolist(),
            "predict": model.predict(rows).tolist(),
            "predict_proba": model.predict_proba(rows).tolist(),
            "classes": model.classes_.tolist(),
            "coef": model.coef_.tolist(),
            "intercept": model.intercept_.tolist(),
        },
        f,
    )
