"""Makes the quick start's bundled inputs (seeded, deterministic). Run once; outputs are committed.

data/reference.csv  last quarter's customers (the data the model was trained on)
data/current.csv    this week's batch: income shifted, a new plan appeared, personal data leaked in
model/model.joblib  the churn model (scikit-learn pipeline), benign
model/feature_encoder.pkl  a "helper" downloaded from a model hub: a pickle that would run a shell
                    command when loaded. Assembled from pickle opcodes with an inert canary command;
                    never loaded by anything.

Usage: python make-data.py   (needs numpy, scikit-learn, joblib: e.g. the mlserver venv)
"""

import csv
import os

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261127)
PLANS = ["basic", "plus", "pro"]


def customers(n, income_shift=0.0, plans=PLANS, leak=0):
    age = rng.integers(18, 80, n)
    income = rng.normal(52_000 + income_shift, 12_000, n).round(2)
    tenure = rng.integers(1, 120, n)
    plan = rng.choice(plans, n)
    logit = -2.0 + 0.00002 * (60_000 - income) + 0.01 * (40 - tenure)
    churned = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    notes = ["" for _ in range(n)]
    for i in range(leak):
        notes[i * 7] = f"call back: customer{i}@example.com"
    return [
        {"age": int(a), "income": float(m), "tenure_months": int(t), "plan": str(p), "notes": s, "churned": int(c)}
        for a, m, t, p, s, c in zip(age, income, tenure, plan, notes, churned)
    ]


def write(path, rows):
    with open(os.path.join(here, path), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


reference = customers(2000)
current = customers(800, income_shift=9_000, plans=PLANS + ["enterprise"], leak=12)
write("data/reference.csv", reference)
write("data/current.csv", current)

X = np.array([[r["age"], r["income"], r["tenure_months"]] for r in reference])
y = np.array([r["churned"] for r in reference])
model = make_pipeline(StandardScaler(), LogisticRegression(random_state=0)).fit(X, y)
joblib.dump(model, os.path.join(here, "model/model.joblib"))

# protocol 2: PROTO 2, GLOBAL 'posix system', the canary string, TUPLE1, REDUCE, STOP
canary = b"echo mlwarden-canary"
payload = b"\x80\x02cposix\nsystem\nX" + len(canary).to_bytes(4, "little") + canary + b"\x85R."
with open(os.path.join(here, "model/feature_encoder.pkl"), "wb") as f:
    f.write(payload)
