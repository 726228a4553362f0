"""Runs IBM ART on inputs written by @mlwarden/adversarial's tests and benchmark.

Usage: art_reference.py COMMAND WORKDIR
WORKDIR holds request.json and raw little-endian arrays (<name>.f32 / <name>.i32) it names;
the answer goes to WORKDIR/response.json and more raw arrays. Commands:

  logistic  train scikit-learn LogisticRegression, attack it with ART FGSM and PGD
  mlp       PGD robust accuracy of a Keras MLP/CNN with given weights (TensorFlowV2Classifier)
  hsj       ART HopSkipJump through a query-counting BlackBoxClassifier
  square    ART SquareAttack (L-inf or L2) on an MLP's softmax scores, rows as 8x8x1 images
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def load(workdir: Path, spec):
    dtype = np.float32 if spec["dtype"] == "f32" else np.int32
    data = np.fromfile(workdir / spec["file"], dtype=dtype)
    return data.reshape(spec["shape"])


def save(workdir: Path, name: str, array: np.ndarray):
    array = np.ascontiguousarray(array)
    kind = "f32" if array.dtype.kind == "f" else "i32"
    array.astype(np.float32 if kind == "f32" else np.int32).tofile(workdir / f"{name}.{kind}")
    return {"file": f"{name}.{kind}", "dtype": kind, "shape": list(array.shape)}


def logistic(workdir: Path, req):
    from art.attacks.evasion import FastGradientMethod, ProjectedGradientDescent
    from art.estimators.classification import SklearnClassifier
    from sklearn.linear_model import LogisticRegression

    x_train, y_train = load(workdir, req["xTrain"]), load(workdir, req["yTrain"])
    x, y = load(workdir, req["x"]), load(workdir, req["y"])
    model = LogisticRegression(C=req["C"], max_iter=10000, tol=1e-8)
    model.fit(x_train.astype(np.float64), y_train)
    classifier = SklearnClassifier(model=model, clip_values=tuple(req["clip"]))
    nb = classifier.nb_classes
    y_onehot = np.eye(nb)[y]
    out = {
        "classifier": type(classifier).__name__,
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "probabilities": save(workdir, "probabilities", model.predict_proba(x)),
        "attacks": [],
    }
    for i, attack in enumerate(req["attacks"]):
        norm = np.inf if attack["norm"] == "inf" else 2
        if attack["name"] == "fgsm":
            art_attack = FastGradientMethod(classifier, norm=norm, eps=attack["eps"], batch_size=4096)
        else:
            art_attack = ProjectedGradientDescent(
                classifier,
                norm=norm,
                eps=attack["eps"],
                eps_step=attack["step"],
                max_iter=attack["iterations"],
                num_random_init=0,
                batch_size=4096,
                verbose=False,
            )
        adv = art_attack.generate(x=x.astype(np.float32), y=y_onehot)
        out["attacks"].append(save(workdir, f"adv{i}", adv))
    return out


def keras_model(spec):
    import tensorflow as tf

    layers = [tf.keras.Input(shape=tuple(spec["inputShape"]))]
    for layer in spec["layers"]:
        if layer["type"] == "dense":
            layers.append(tf.keras.layers.Dense(layer["units"], activation=layer.get("activation")))
        elif layer["type"] == "conv2d":
            layers.append(
                tf.keras.layers.Conv2D(
                    layer["filters"], layer["kernel"], padding=layer.get("padding", "valid"),
                    activation=layer.get("activation"),
                )
            )
        elif layer["type"] == "flatten":
            layers.append(tf.keras.layers.Flatten())
        elif layer["type"] == "maxpool":
            layers.append(tf.keras.layers.MaxPooling2D(layer["size"]))
    model = tf.keras.Sequential(layers)
    return model


def tf_classifier(workdir: Path, req):
    import tensorflow as tf
    from art.estimators.classification import TensorFlowV2Classifier

    model = keras_model(req["model"])
    model.set_weights([load(workdir, w) for w in req["weights"]])
    return TensorFlowV2Classifier(
        model=model,
        nb_classes=req["model"]["classes"],
        input_shape=tuple(req["model"]["inputShape"]),
        loss_object=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        clip_values=tuple(req["clip"]),
    )


def mlp(workdir: Path, req):
    from art.attacks.evasion import ProjectedGradientDescent

    classifier = tf_classifier(workdir, req)
    x, y = load(workdir, req["x"]), load(workdir, req["y"])
    clean = np.argmax(classifier.predict(x, batch_size=512), axis=1)
    out = {"cleanAccuracy": float(np.mean(clean == y)), "curve": []}
    norm = np.inf if req["norm"] == "inf" else 2
    for eps in req["epsilons"]:
        attack = ProjectedGradientDescent(
            classifier,
            norm=norm,
            eps=eps,
            eps_step=req["stepFactor"] * eps / req["iterations"],
            max_iter=req["iterations"],
            num_random_init=0,
            batch_size=512,
            verbose=False,
        )
        start = time.perf_counter()
        adv = attack.generate(x=x, y=y)
        seconds = time.perf_counter() - start
        pred = np.argmax(classifier.predict(adv, batch_size=512), axis=1)
        out["curve"].append({"epsilon": eps, "robustAccuracy": float(np.mean(pred == y)), "seconds": seconds})
    return out


def mlp_scores(weights, batch):
    """Softmax scores of a ReLU MLP given as [kernel, bias, ...] weights, on flattened rows."""
    h = batch.reshape(len(batch), -1).astype(np.float32)
    for i in range(0, len(weights) - 2, 2):
        h = np.maximum(h @ weights[i] + weights[i + 1], 0)
    z = h @ weights[-2] + weights[-1]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def counted_mlp(workdir: Path, req):
    """The request's MLP as a query-counting scoring function, its rows and its query counter."""
    weights = [load(workdir, w) for w in req["weights"]]
    x, y = load(workdir, req["x"]), load(workdir, req["y"])
    queries = {"n": 0}

    def scores(batch):
        queries["n"] += len(batch)
        return mlp_scores(weights, batch)

    return weights, scores, x, y, queries


def summary(weights, adv, x, y, norm, queries):
    """Which rows the attack fooled and how far it moved them (the check itself is not counted)."""
    adv = adv.reshape(x.shape)
    pred = np.argmax(mlp_scores(weights, adv), axis=1)
    diff = (adv - x).reshape(len(x), -1)
    norms = np.abs(diff).max(axis=1) if norm == np.inf else np.linalg.norm(diff, axis=1)
    return {"norms": norms.tolist(), "fooled": (pred != y).astype(int).tolist(), "queries": queries["n"]}


def hsj(workdir: Path, req):
    from art.attacks.evasion import HopSkipJump
    from art.estimators.classification import BlackBoxClassifier

    weights, scores, x, y, queries = counted_mlp(workdir, req)
    nb = req["classes"]

    def predict(batch):
        return np.eye(nb)[np.argmax(scores(batch), axis=1)]

    classifier = BlackBoxClassifier(predict, x.shape[1:], nb, clip_values=tuple(req["clip"]))
    norm = np.inf if req["norm"] == "inf" else 2
    attack = HopSkipJump(
        classifier,
        norm=norm,
        max_iter=req["maxIter"],
        max_eval=req["maxEval"],
        init_eval=req["initEval"],
        init_size=req["initSize"],
        verbose=False,
    )
    np.random.seed(req["seed"])
    start = time.perf_counter()
    adv = attack.generate(x=x, y=np.eye(nb)[y])
    seconds = time.perf_counter() - start
    return {**summary(weights, adv, x, y, norm, queries), "seconds": seconds}


def square(workdir: Path, req):
    import random

    from art.attacks.evasion import SquareAttack
    from art.estimators.classification.blackbox import BlackBoxClassifierNeuralNetwork

    weights, scores, x, y, queries = counted_mlp(workdir, req)
    nb = req["classes"]
    shape = tuple(req["imageShape"])
    classifier = BlackBoxClassifierNeuralNetwork(
        scores, shape, nb, channels_first=False, clip_values=tuple(req["clip"])
    )
    norm = np.inf if req["norm"] == "inf" else 2
    attack = SquareAttack(
        classifier,
        norm=norm,
        eps=req["eps"],
        max_iter=req["maxIter"],
        p_init=req["pInit"],
        nb_restarts=1,
        batch_size=len(x),
        verbose=False,
    )
    np.random.seed(req["seed"])
    random.seed(req["seed"])
    adv = attack.generate(x=x.reshape((len(x), *shape)), y=np.eye(nb)[y])
    return summary(weights, adv, x, y, norm, queries)


def main():
    command, workdir = sys.argv[1], Path(sys.argv[2])
    req = json.loads((workdir / "request.json").read_text())
    handler = {"logistic": logistic, "mlp": mlp, "hsj": hsj, "square": square}[command]
    (workdir / "response.json").write_text(json.dumps(handler(workdir, req)))


if __name__ == "__main__":
    main()
