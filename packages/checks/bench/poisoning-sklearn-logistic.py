"""scikit-learn reference for the softmax regression of poisoning.label-noise (a vitest test).

  poisoning-sklearn-logistic.py DATA.arrow LABEL C  -> JSON: class probabilities, row-major

Standardises the features (population std) and fits LogisticRegression(C) to convergence.
"""

import json
import sys

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
from sklearn.linear_model import LogisticRegression

path, label, c = sys.argv[1], sys.argv[2], float(sys.argv[3])
with pa.memory_map(path) as source:
    table = ipc.open_file(source).read_all()
features = [name for name in table.column_names if name != label]
x = np.column_stack([table[name].to_numpy().astype(np.float64) for name in features])
x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1)
y = table[label].to_numpy()
model = LogisticRegression(C=c, max_iter=10_000, tol=1e-12).fit(x, y)
json.dump(model.predict_proba(x).ravel().tolist(), sys.stdout)
