"""Benchmark inputs for @mlwarden/artifacts (run with the `artifacts` venv): a large benign
PyTorch state dict (tensor data that no scanner needs to parse), a large benign pickle whose every
byte is opcodes (a scikit-learn CountVectorizer with a big vocabulary), and a directory of many
small benign models. Seeded, written once.

  make-bench-inputs.py OUTDIR [LARGE_MB] [SMALL_FILES]
"""

import os
import pickle
import sys

import numpy as np
import torch
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

out = sys.argv[1]
large_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 320
small = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
os.makedirs(os.path.join(out, "small"), exist_ok=True)

torch.manual_seed(0)
per = 4 * 1024 * 1024  # 16 MiB float32 tensors
state = {f"layer{i}.weight": torch.randn(per) for i in range(max(1, large_mb // 16))}
torch.save(state, os.path.join(out, "large.pt"))

rng = np.random.default_rng(0)
words = rng.integers(0, 2**62, size=large_mb * 12_000)
vectorizer = CountVectorizer(ngram_range=(1, 2))
vectorizer.vocabulary_ = {f"w{w:x}": i for i, w in enumerate(words.tolist())}
with open(os.path.join(out, "vocabulary.pkl"), "wb") as fh:
    pickle.dump(vectorizer, fh, protocol=4)

rng = np.random.default_rng(0)
X = rng.normal(size=(200, 8))
y = (X[:, 0] > 0).astype(int)
for i in range(small):
    kind = i % 4
    path = os.path.join(out, "small", f"m{i:05d}")
    if kind == 0:
        model = LogisticRegression(C=1.0 + i / small).fit(X, y)
        with open(path + ".pkl", "wb") as fh:
            pickle.dump(model, fh, protocol=4)
    elif kind == 1:
        torch.save({"w": torch.randn(64, 8), "b": torch.zeros(64)}, path + ".pt")
    elif kind == 2:
        np.save(path + ".npy", rng.normal(size=(32, 32)))
    else:
        with open(path + ".pkl", "wb") as fh:
            pickle.dump({"coef": rng.normal(size=16), "classes": np.arange(3), "name": f"m{i}"}, fh, protocol=2)
print(out)
