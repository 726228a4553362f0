"""A training job that gates its own registration with mlwarden.

Trains a scikit-learn classifier, logs it to MLflow and registers a new version, then asks
mlwarden to check that version (model files, MLmodel, secrets, provenance) and to move the
`champion` alias to it only if the checks pass. The job fails when the gate refuses.

Usage: MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python train.py [--leak-a-key]
The mlwarden command is `npx mlwarden` unless MLWARDEN_CMD names another (e.g. "node bin.js").
"""

import os
import shlex
import subprocess
import sys

import mlflow
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_NAME = os.environ.get("MODEL_NAME", "breast-cancer-classifier")

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
mlflow.set_experiment("mlwarden-gate-example")
with mlflow.start_run() as run:
    mlflow.set_tags({"mlflow.source.git.commit": "4f2a9c1e0d3b5a6978c1e2d3f4a5b6c7d8e9f0a1"})
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500, random_state=0))
    model.fit(X, y)
    mlflow.log_param("C", 1.0)
    if "--leak-a-key" in sys.argv:
        # The mistake the gate exists for: a credential pasted into a parameter.
        mlflow.log_param("s3_key", "AKIA" + "QWERTYUIOPASDFGH")
    mlflow.log_metric("train_accuracy", model.score(X, y))
    info = mlflow.sklearn.log_model(
        model, name="model", input_example=X.head(3), registered_model_name=MODEL_NAME
    )

version = info.registered_model_version
print(f"registered {MODEL_NAME} version {version}; asking mlwarden to gate it", flush=True)
mlwarden = shlex.split(os.environ.get("MLWARDEN_CMD", "npx mlwarden"))
gate = subprocess.run(
    [*mlwarden, "mlflow", "gate", f"models:/{MODEL_NAME}/{version}", "--alias", "champion"],
    check=False,
)
if gate.returncode != 0:
    print(f"mlwarden refused to promote version {version} (exit {gate.returncode})", file=sys.stderr)
    sys.exit(1)
print(f"version {version} is now the champion")
