"""ART's poison detectors on a planted-trigger dataset, for scripts/poisoning-eval.

  poisoning-art.py DATA.arrow ACTIVATIONS.arrow SPEC.json  -> JSON on stdout
  poisoning-art.py --given ACTIVATIONS.arrow SPEC.json     -> JSON on stdout

SPEC: {"label": col, "features": [cols], "planted": col, "poisonShare": s, "seed": n}.
Trains a small Keras MLP (standardised inputs, Dense 64 relu -> Dense 32 relu "embedding" ->
logits) on the poisoned data, runs ART's ActivationDefence (2-means on PCA-10 of each class's
activations, with its default "smaller" cluster analysis and with "relative-size", on the same
clustering) and SpectralSignatureDefense (told the true poison share, which favours it), and
writes the embedding activations of every row to ACTIVATIONS.arrow (columns e0…e31 plus the
label) so that mlwarden's detectors run on exactly the same representation.

With --given, ActivationDefence runs on activations computed elsewhere (columns e*, the label and
the planted flag of ACTIVATIONS.arrow; e.g. a TensorFlow.js model's layer): ART takes them as
its per-class activations instead of asking its classifier.

ART analyses the last layer its classifier lists; the classifier here lists the layers up to the
embedding, so both detectors see the 32-unit hidden layer (the representation the papers use),
not the logits.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.ipc as ipc  # noqa: E402


def scores(flagged, planted):
    flagged = np.asarray(flagged, dtype=bool)
    planted = np.asarray(planted, dtype=bool)
    tp = int(np.sum(flagged & planted))
    return {
        "flagged": int(flagged.sum()),
        "precision": tp / flagged.sum() if flagged.sum() else None,
        "recall": tp / planted.sum() if planted.sum() else None,
    }


def activation_defence(defence, seed, planted):
    """ART's ActivationDefence with both size analyses on the same (seeded) clustering."""
    out = {}
    for key, analysis in (("activationDefence", "smaller"), ("activationDefenceRelativeSize", "relative-size")):
        np.random.seed(seed)
        _, clean = defence.detect_poison(nb_clusters=2, nb_dims=10, reduce="PCA", cluster_analysis=analysis)
        out[key] = scores(np.asarray(clean) == 0, planted)
    return out


def given(activations_path, spec_path):
    """ActivationDefence on activations computed elsewhere."""
    with open(spec_path) as f:
        spec = json.load(f)
    import tensorflow as tf
    from art.defences.detector.poison import ActivationDefence
    from art.estimators.classification import TensorFlowV2Classifier

    with pa.memory_map(activations_path) as source:
        table = ipc.open_file(source).read_all()
    columns = [c for c in table.column_names if c.startswith("e")]
    activations = np.column_stack([table[c].to_numpy().astype(np.float64) for c in columns])
    y = table[spec["label"]].to_numpy().astype(np.int64)
    planted = table[spec["planted"]].to_numpy().astype(bool)
    classes = int(y.max()) + 1
    # ART needs a classifier to construct the defence; it is never asked for activations, since
    # the per-class activations are set beforehand.
    stub = tf.keras.Sequential([tf.keras.Input(shape=(activations.shape[1],)), tf.keras.layers.Dense(classes)])
    classifier = TensorFlowV2Classifier(model=stub, nb_classes=classes, input_shape=(activations.shape[1],))
    defence = ActivationDefence(classifier, activations.astype(np.float32), np.eye(classes)[y])
    defence.activations_by_class = defence._segment_by_class(activations, defence.y_train)
    json.dump(activation_defence(defence, spec["seed"], planted), sys.stdout)


def main():
    if sys.argv[1] == "--given":
        given(sys.argv[2], sys.argv[3])
        return
    data_path, out_path, spec_path = sys.argv[1:4]
    with open(spec_path) as f:
        spec = json.load(f)
    import tensorflow as tf
    from art.defences.detector.poison import ActivationDefence, SpectralSignatureDefense
    from art.estimators.classification import TensorFlowV2Classifier

    tf.keras.utils.set_random_seed(spec["seed"])
    tf.config.experimental.enable_op_determinism()
    with pa.memory_map(data_path) as source:
        table = ipc.open_file(source).read_all()
    x = np.column_stack([table[c].to_numpy().astype(np.float64) for c in spec["features"]])
    x = ((x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1)).astype(np.float32)
    y = table[spec["label"]].to_numpy().astype(np.int64)
    planted = table[spec["planted"]].to_numpy().astype(bool)
    classes = int(y.max()) + 1

    model = tf.keras.Sequential(
        [
            tf.keras.Input(shape=(x.shape[1],)),
            tf.keras.layers.Dense(64, activation="relu"),
            tf.keras.layers.Dense(32, activation="relu", name="embedding"),
            tf.keras.layers.Dense(classes),
        ]
    )
    model.compile(
        optimizer=tf.keras.optimizers.Adam(1e-3),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(x, y, epochs=60, batch_size=64, verbose=0, shuffle=True)

    class EmbeddingClassifier(TensorFlowV2Classifier):
        @property
        def layer_names(self):
            return super().layer_names[:-1]

    classifier = EmbeddingClassifier(
        model=model,
        nb_classes=classes,
        input_shape=(x.shape[1],),
        loss_object=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    onehot = np.eye(classes)[y]
    logits = model.predict(x, verbose=0)
    triggered = planted & (np.argmax(logits, axis=1) == y)

    activation = activation_defence(ActivationDefence(classifier, x, onehot), spec["seed"], planted)
    spectral = SpectralSignatureDefense(
        classifier, x, onehot, expected_pp_poison=spec["poisonShare"], batch_size=128, eps_multiplier=1.5
    )
    _, clean_spectral = spectral.detect_poison()

    embedding = classifier.get_activations(x, layer="embedding", batch_size=256)
    columns = {f"e{j}": pa.array(embedding[:, j].astype(np.float64)) for j in range(embedding.shape[1])}
    columns[spec["label"]] = pa.array(y.astype(np.int32))
    out = pa.table(columns)
    with pa.OSFile(out_path, "wb") as sink:
        with ipc.new_file(sink, out.schema) as writer:
            writer.write_table(out)

    json.dump(
        {
            "trainAccuracy": float(history.history["accuracy"][-1]),
            "plantedLearned": float(triggered.sum() / max(1, planted.sum())),
            **activation,
            "spectralSignatureDefense": scores(np.asarray(clean_spectral) == 0, planted),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
