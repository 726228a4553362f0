"""Trains scikit-learn classifiers and exports them to ONNX for @mlwarden/adversarial's tests.

Usage: onnx_reference.py COMMAND WORKDIR  (the same raw-array protocol as art_reference.py)

  export  fit the requested model on xTrain/yTrain, write it with skl2onnx to request["out"]
          (float32 input "X", outputs "label" and "probabilities", no ZipMap) and answer with
          scikit-learn's own predict and predict_proba on x; with request["externalCopy"], also
          save a copy whose weights sit in an external data file beside it
"""

import json
import sys
from pathlib import Path

import numpy as np


def load(workdir: Path, spec):
    dtype = np.float32 if spec["dtype"] == "f32" else np.int32
    return np.fromfile(workdir / spec["file"], dtype=dtype).reshape(spec["shape"])


def save(workdir: Path, name: str, array: np.ndarray):
    array = np.ascontiguousarray(array)
    kind = "f32" if array.dtype.kind == "f" else "i32"
    array.astype(np.float32 if kind == "f32" else np.int32).tofile(workdir / f"{name}.{kind}")
    return {"file": f"{name}.{kind}", "dtype": kind, "shape": list(array.shape)}


def make_model(kind: str, seed: int):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    if kind == "logistic":
        return LogisticRegression(max_iter=5000)
    if kind == "forest":
        return RandomForestClassifier(n_estimators=30, max_depth=8, random_state=seed)
    if kind == "mlp":
        return MLPClassifier(hidden_layer_sizes=(32,), max_iter=500, random_state=seed)
    raise ValueError(f"unknown model kind {kind}")


def export(workdir: Path, req):
    import skl2onnx
    from skl2onnx import to_onnx

    x_train, y_train = load(workdir, req["xTrain"]), load(workdir, req["yTrain"])
    x = load(workdir, req["x"])
    model = make_model(req["model"], req.get("seed", 0))
    # Fitted on float32 values, the rows the ONNX model sees.
    model.fit(x_train, y_train)
    onx = to_onnx(model, x_train[:1], options={id(model): {"zipmap": False}}, target_opset=17)
    Path(req["out"]).write_bytes(onx.SerializeToString())
    if req.get("externalCopy"):
        import onnx
        from onnx import numpy_helper

        # Only tensors stored as raw bytes move to the external file; skl2onnx writes float lists.
        external = onnx.ModelProto()
        external.CopyFrom(onx)
        for tensor in external.graph.initializer:
            tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor), tensor.name))
        copy = Path(req["externalCopy"])
        onnx.save_model(
            external,
            str(copy),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=f"{copy.name}.data",
            size_threshold=0,
        )
    return {
        "skl2onnx": skl2onnx.__version__,
        "classes": model.classes_.tolist(),
        "ops": sorted({node.op_type for node in onx.graph.node}),
        "labels": save(workdir, "labels", model.predict(x).astype(np.int32)),
        "probabilities": save(workdir, "probabilities", model.predict_proba(x)),
    }


def main():
    command, workdir = sys.argv[1], Path(sys.argv[2])
    req = json.loads((workdir / "request.json").read_text())
    handler = {"export": export}[command]
    (workdir / "response.json").write_text(json.dumps(handler(workdir, req)))


if __name__ == "__main__":
    main()
