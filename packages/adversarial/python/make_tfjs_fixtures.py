"""Makes the TensorFlow.js model fixtures of @mlwarden/adversarial with the real converter.

Usage: make_tfjs_fixtures.py DIGITS_ARROW OUT_DIR  (run through scripts/adversarial-fixtures)

Trains one small Keras MLP on the first 1200 digits (pixels / 16) and writes it twice, from the
same weights: OUT_DIR/digits-layers (tensorflowjs_converter, Keras HDF5 -> tfjs_layers_model) and
OUT_DIR/digits-graph (Keras -> SavedModel -> tfjs_graph_model). OUT_DIR/sliced-graph is a graph
model that slices its input: TensorFlow.js has no gradient for the StridedSlice op this makes, so
the tests can check the error a white-box attack gives on it. Seeds are fixed; TensorFlow's CPU
kernels may still differ in the last bits between machines, which the tests do not depend on.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import pyarrow.ipc as ipc  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402


def digits(path: Path):
    with ipc.open_file(str(path)) as reader:
        table = reader.read_all()
    names = [n for n in table.column_names if n != "target"]
    x = np.stack([table.column(n).to_numpy().astype(np.float32) for n in names], axis=1) / 16
    y = table.column("target").to_numpy().astype(np.int32)
    return x, y


def convert(source: Path, out: Path, input_format: str, output_format: str) -> None:
    converter = Path(sys.executable).parent / "tensorflowjs_converter"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        old.unlink()
    subprocess.run(
        [
            str(converter),
            f"--input_format={input_format}",
            f"--output_format={output_format}",
            str(source),
            str(out),
        ],
        check=True,
    )
    print(f"{out}: {sorted(p.name for p in out.iterdir())}")


def save_graph(model, work: Path, out: Path) -> None:
    saved = work / f"{out.name}-savedmodel"
    model.save(str(saved), save_format="tf")
    convert(saved, out, "tf_saved_model", "tfjs_graph_model")


def main() -> None:
    arrow, out = Path(sys.argv[1]), Path(sys.argv[2])
    keras.utils.set_random_seed(0)
    tf.config.experimental.enable_op_determinism()
    x, y = digits(arrow)
    x_train, y_train = x[:1200], y[:1200]

    mlp = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    mlp.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    mlp.fit(x_train, y_train, epochs=20, batch_size=64, shuffle=False, verbose=0)
    accuracy = float(np.mean(np.argmax(mlp.predict(x[1200:], verbose=0), axis=1) == y[1200:]))
    print(f"digits MLP: held-out accuracy {accuracy:.3f}")

    # Drops the first row of pixels; TensorFlow.js has no gradient for the StridedSlice this makes.
    sliced = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Lambda(lambda t: t[:, 8:]),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        h5 = work / "digits.h5"
        mlp.save(str(h5), save_format="h5")
        convert(h5, out / "digits-layers", "keras", "tfjs_layers_model")
        save_graph(mlp, work, out / "digits-graph")
        save_graph(sliced, work, out / "sliced-graph")


if __name__ == "__main__":
    main()
