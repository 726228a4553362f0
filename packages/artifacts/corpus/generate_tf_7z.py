#!/usr/bin/env python3
"""TensorFlow SavedModels and 7z archives for the @mlwarden/artifacts corpus.

Runs in its own venv (python/artifacts-formats.requirements.txt: TensorFlow, tf_keras, py7zr), called
by generate.py with the PyTorch archives it made:

    python generate_tf_7z.py --inputs DIR --out FILES_DIR --entries ENTRIES.json [--ops-list OUT.ts]

Writes the files under FILES_DIR and a JSON list of manifest entries (path, kind, expect, bypass,
notes) for generate.py to add. --ops-list also writes the TensorFlow op names TS module.

Safety: the malicious SavedModels are written by tf.saved_model.save from tf.functions whose file
paths are inert canaries under /nonexistent; the generator never loads any of them. 7z members are
bytes made by generate.py (opcode-assembled, never executed).

Deterministic: fixed seeds, fingerprint.pb (random uuid) left out, 7z timestamps fixed.
"""
import argparse
import io
import json
import os
import random
import shutil
import sys
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CANARY = "MLWARDEN_CANARY_DO_NOT_RUN"
CANARY_PATH = f"/nonexistent/{CANARY}"
# 1980-01-01, as the zip entries of the corpus.
FIXED_TIME = 315532800.0


def entry(path, kind, expect, bypass=None, notes=""):
    e = {"path": path, "kind": kind, "expect": expect}
    if bypass:
        e["bypass"] = bypass
    if notes:
        e["notes"] = notes
    return e


def write(root, rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


# --------------------------------------------------------------------------- TensorFlow


def saved_model_files(tmp, obj, save):
    """Saves `obj` with `save(obj, dir)` and returns {relative path: bytes} without fingerprint.pb."""
    save(obj, tmp)
    files = {}
    for root, _dirs, names in os.walk(tmp):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), tmp)
            if rel == "fingerprint.pb":  # holds a random uuid; nothing a scanner needs
                continue
            with open(os.path.join(root, name), "rb") as fh:
                files[rel] = fh.read()
    return files


def build_tensorflow(out, tmp):
    import keras
    import tensorflow as tf
    import tf_keras

    tf.random.set_seed(0)
    keras.utils.set_random_seed(0)
    tf_keras.utils.set_random_seed(0)
    entries = []

    def add_dir(prefix, files, kind, expect_for, **kw):
        for rel, data in sorted(files.items()):
            expect = expect_for(rel)
            if kind == "malicious" and expect["verdict"] == "clean":
                if rel.startswith("variables/"):
                    continue  # the checkpoint of a malicious export is of no interest
                # The graph beside a malicious keras_metadata.pb is itself harmless.
                write(out, f"{prefix}/{rel}", data)
                entries.append(entry(f"{prefix}/{rel}", "benign", expect, notes="harmless companion of a malicious file"))
                continue
            write(out, f"{prefix}/{rel}", data)
            entries.append(entry(f"{prefix}/{rel}", kind, expect, **kw))

    def clean_sm(rel):
        return {"verdict": "clean", **({"formats": ["tf-savedmodel"]} if rel == "saved_model.pb" else {})}

    # Benign: a small Keras 3 model exported with tf.saved_model.save.
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
    model(tf.zeros((1, 4)))
    files = saved_model_files(os.path.join(tmp, "keras3"), model, tf.saved_model.save)
    add_dir("benign/tensorflow/savedmodel", files, "benign", clean_sm)

    # Benign: a tf_keras (Keras 2) model saved in the SavedModel format, with keras_metadata.pb.
    k2 = tf_keras.Sequential([tf_keras.layers.Dense(3, activation="relu", input_shape=(4,)), tf_keras.layers.Dense(2)])
    files = saved_model_files(os.path.join(tmp, "tfkeras"), k2, lambda m, d: m.save(d, save_format="tf"))

    def clean_k2(rel):
        if rel == "keras_metadata.pb":
            return {"verdict": "clean", "formats": ["keras-metadata"]}
        return clean_sm(rel)

    add_dir("benign/tensorflow/tf-keras-savedmodel", files, "benign", clean_k2)

    def risky(rules=("risky-op",)):
        def expect(rel):
            if rel == "saved_model.pb":
                return {"verdict": "findings", "severityAtLeast": "high", "rules": list(rules), "formats": ["tf-savedmodel"]}
            return {"verdict": "clean"}

        return expect

    # Malicious: file reads and writes inside a tf.function (inert canary paths, never run).
    class FileAccess(tf.Module):
        @tf.function(input_signature=[])
        def __call__(self):
            data = tf.io.read_file(CANARY_PATH)
            tf.io.write_file(CANARY_PATH + ".out", data)
            return tf.io.matching_files(CANARY_PATH + "*")

    files = saved_model_files(os.path.join(tmp, "readwrite"), FileAccess(), tf.saved_model.save)
    add_dir("malicious/tensorflow/file-access", files, "malicious", risky(), notes="tf.io.read_file/write_file/matching_files on /nonexistent canary paths")

    # The same graph without saved_model_schema_version: proto3 readers take the missing field
    # as 0, so a scanner must not need it to recognise the file.
    data = files["saved_model.pb"]
    assert data[:2] == b"\x08\x01"
    write(out, "malicious/tensorflow/no-schema-version/saved_model.pb", data[2:])
    entries.append(entry("malicious/tensorflow/no-schema-version/saved_model.pb", "malicious", risky()("saved_model.pb"), notes="file-access graph with the leading schema-version field removed"))

    # Malicious: tf.py_function saves as EagerPyFunc (the Python callable itself is not saved, but
    # a loader that registered one under the same token runs it).
    class PyFunction(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def __call__(self, x):
            return tf.py_function(func=lambda v: v, inp=[x], Tout=tf.float32)

    files = saved_model_files(os.path.join(tmp, "pyfunc"), PyFunction(), tf.saved_model.save)
    add_dir("malicious/tensorflow/py-function", files, "malicious", risky())

    # Malicious: tf.print to a file:// output stream writes a file on every call.
    class PrintToFile(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def __call__(self, x):
            tf.print(x, output_stream="file://" + CANARY_PATH + ".log")
            return x

    files = saved_model_files(os.path.join(tmp, "printv2"), PrintToFile(), tf.saved_model.save)
    add_dir("malicious/tensorflow/print-to-file", files, "malicious", risky())

    # Malicious: a Lambda layer in a tf_keras SavedModel (keras_metadata.pb carries its bytecode).
    # Compiled under a fixed file name: the marshalled bytecode records it.
    double = eval(compile("lambda x: x * 2.0", "mlwarden-corpus", "eval"))  # noqa: S307 (constant source)
    lam = tf_keras.Sequential([tf_keras.layers.Lambda(double, input_shape=(4,)), tf_keras.layers.Dense(2)])
    files = saved_model_files(os.path.join(tmp, "lambda"), lam, lambda m, d: m.save(d, save_format="tf"))

    def lambda_expect(rel):
        if rel == "keras_metadata.pb":
            return {"verdict": "findings", "severityAtLeast": "high", "rules": ["embedded-code"], "formats": ["keras-metadata"]}
        return clean_sm(rel)

    add_dir("malicious/tensorflow/tf-keras-lambda", files, "malicious", lambda_expect, bypass="B24", notes="tf_keras SavedModel whose keras_metadata.pb holds a Lambda with marshalled bytecode")

    # Two different Lambdas: keras_metadata.pb writes each config three times (the model's config,
    # its model_config, the layer's own node); a scanner reports two layers, not six, nor one.
    triple = eval(compile("lambda x: x * 3.0", "mlwarden-corpus", "eval"))  # noqa: S307 (constant source)
    two = tf_keras.Sequential([tf_keras.layers.Lambda(double, input_shape=(4,)), tf_keras.layers.Lambda(triple), tf_keras.layers.Dense(2)])
    files = saved_model_files(os.path.join(tmp, "two-lambdas"), two, lambda m, d: m.save(d, save_format="tf"))
    add_dir("malicious/tensorflow/tf-keras-two-lambdas", files, "malicious", lambda_expect, bypass="B24", notes="two different Lambda layers, each written three times in keras_metadata.pb")

    # Malicious: an op TensorFlow does not know (needs tf.load_op_library of a native library):
    # the benign graph with one op renamed, re-serialised with protobuf (never loaded by TF).
    from tensorflow.core.protobuf import saved_model_pb2

    benign = saved_model_pb2.SavedModel()
    with open(os.path.join(out, "benign/tensorflow/savedmodel/saved_model.pb"), "rb") as fh:
        benign.ParseFromString(fh.read())
    renamed = False
    for fn in benign.meta_graphs[0].graph_def.library.function:
        for node in fn.node_def:
            if node.op == "Relu" and not renamed:
                node.op = "MlwardenCanaryCustomOp"
                renamed = True
    assert renamed
    write(out, "malicious/tensorflow/custom-op/saved_model.pb", benign.SerializeToString(deterministic=True))
    entries.append(entry("malicious/tensorflow/custom-op/saved_model.pb", "malicious", {"verdict": "findings", "severityAtLeast": "medium", "rules": ["custom-op"], "formats": ["tf-savedmodel"]}, notes="benign export with Relu renamed to an op no TensorFlow build registers"))

    # The same SavedModels in protobuf text format: tf.saved_model.load reads saved_model.pbtxt
    # when there is no saved_model.pb (loader_impl.parse_saved_model, text_format.Merge).
    from google.protobuf import text_format

    def pbtxt_of(rel):
        message = saved_model_pb2.SavedModel()
        with open(os.path.join(out, rel), "rb") as fh:
            message.ParseFromString(fh.read())
        return text_format.MessageToString(message).encode()  # map entries sorted by key

    benign_txt = pbtxt_of("benign/tensorflow/savedmodel/saved_model.pb")
    # The text must be what TensorFlow loads: the benign one is loaded beside its variables
    # (the malicious ones are never loaded).
    check = os.path.join(tmp, "pbtxt-check")
    shutil.copytree(os.path.join(out, "benign/tensorflow/savedmodel/variables"), os.path.join(check, "variables"))
    with open(os.path.join(check, "saved_model.pbtxt"), "wb") as fh:
        fh.write(benign_txt)
    loaded = tf.saved_model.load(check)
    assert loaded.signatures["serving_default"] is not None
    pbtxt = {"formats": ["tf-savedmodel", "pbtxt"]}
    write(out, "benign/tensorflow/savedmodel-pbtxt/saved_model.pbtxt", benign_txt)
    entries.append(entry("benign/tensorflow/savedmodel-pbtxt/saved_model.pbtxt", "benign", {"verdict": "clean", **pbtxt}, notes="the benign Keras 3 export as text format (text_format.MessageToString); TensorFlow loads it"))
    for name in ("file-access", "py-function"):
        rel = f"malicious/tensorflow/{name}-pbtxt/saved_model.pbtxt"
        write(out, rel, pbtxt_of(f"malicious/tensorflow/{name}/saved_model.pb"))
        entries.append(entry(rel, "malicious", {"verdict": "findings", "severityAtLeast": "high", "rules": ["risky-op"], **pbtxt}, notes=f"the {name} graph as text format"))
    write(out, "malformed/tensorflow/truncated-pbtxt/saved_model.pbtxt", benign_txt[: len(benign_txt) // 2])
    entries.append(entry("malformed/tensorflow/truncated-pbtxt/saved_model.pbtxt", "malformed", {"verdict": "incomplete", **pbtxt}, notes="text-format SavedModel cut in the middle of a message"))

    # Malformed: a truncated saved_model.pb.
    with open(os.path.join(out, "benign/tensorflow/savedmodel/saved_model.pb"), "rb") as fh:
        data = fh.read()
    write(out, "malformed/tensorflow/truncated/saved_model.pb", data[: len(data) // 2])
    entries.append(entry("malformed/tensorflow/truncated/saved_model.pb", "malformed", {"verdict": "incomplete", "formats": ["tf-savedmodel"]}))
    return entries


def op_names():
    """Every op registered in this TensorFlow build (what a SavedModel may use without a native library)."""
    from tensorflow.core.framework import op_def_pb2
    from tensorflow.python.client import pywrap_tf_session as c

    buf = c.TF_GetAllOpList()
    try:
        ops = op_def_pb2.OpList()
        ops.ParseFromString(c.TF_GetBuffer(buf))
    finally:
        c.TF_DeleteBuffer(buf)
    return sorted({o.name for o in ops.op})


def write_ops_list(path):
    import tensorflow as tf

    names = op_names()
    lines = [
        f"// Generated by packages/artifacts/corpus/generate_tf_7z.py --ops-list from TensorFlow {tf.__version__}:",
        f"// the {len(names)} ops its registry holds (TF_GetAllOpList). Do not edit by hand.",
        "",
        "/** Op names a TensorFlow build registers; a SavedModel op outside them needs a native library. */",
        "export const TF_OP_NAMES: ReadonlySet<string> = new Set(",
        "  `",
    ]
    line = ""
    for name in names:
        if len(line) + len(name) + 1 > 96:
            lines.append(line.rstrip())
            line = ""
        line += name + " "
    lines.append(line.rstrip())
    lines += ["`.split(/\\s+/).filter((n) => n.length > 0),", ");", ""]
    with open(path, "w") as fh:
        fh.write("\n".join(lines))


# --------------------------------------------------------------------------- 7z


def deterministic_7z():
    """Fixed timestamps, and a seeded AES IV (py7zr draws it from the OS)."""
    from py7zr import compressor, helpers

    helpers.ArchiveTimestamp.from_now = classmethod(lambda cls: cls.from_datetime(FIXED_TIME))
    rnd = random.Random(7)
    compressor.get_random_bytes = lambda n: bytes(rnd.getrandbits(8) for _ in range(n))


def seven_zip(members, filters=None, password=None, header_encryption=False):
    import py7zr

    buf = io.BytesIO()
    kw = {"filters": filters} if filters is not None else {}
    if password is not None:
        kw.update(password=password, header_encryption=header_encryption)
    with py7zr.SevenZipFile(buf, "w", **kw) as z:
        for name, data in members:
            z.writestr(data, name)
    return buf.getvalue()


def build_7z(out, inputs):
    import py7zr

    deterministic_7z()
    entries = []

    def zip_members(name):
        with zipfile.ZipFile(os.path.join(inputs, name)) as zf:
            return [(i.filename, zf.read(i.filename)) for i in zf.infolist()]

    benign = zip_members("torch-state-dict.pt")
    nullifai = zip_members("nullifai.pt")
    crit = {"verdict": "incomplete", "severityAtLeast": "critical", "imports": ["os.system"], "rules": ["malformed-pickle"], "formats": ["7z"]}

    write(out, "benign/7z/torch-state-dict.7z", seven_zip(benign))
    entries.append(entry("benign/7z/torch-state-dict.7z", "benign", {"verdict": "clean", "formats": ["7z", "pickle"]}, notes="the members of a real torch.save archive, packed by py7zr (LZMA2, LZMA-encoded header)"))
    write(out, "benign/7z/torch-state-dict-stored.7z", seven_zip(benign, [{"id": py7zr.FILTER_COPY}]))
    entries.append(entry("benign/7z/torch-state-dict-stored.7z", "benign", {"verdict": "clean", "formats": ["7z"]}))

    write(out, "malicious/7z/b08-nullifai.7z", seven_zip(nullifai))
    entries.append(entry("malicious/7z/b08-nullifai.7z", "malicious", crit, bypass="B8", notes="nullifAI shape: a PyTorch archive recompressed into 7z (py7zr default: BCJ x86 + LZMA2, LZMA-packed header), data.pkl runs os.system first and is broken after it"))
    for label, fid in (("lzma", py7zr.FILTER_LZMA), ("deflate", py7zr.FILTER_DEFLATE), ("bzip2", py7zr.FILTER_BZIP2)):
        rel = f"malicious/7z/b08-nullifai-{label}.7z"
        write(out, rel, seven_zip(nullifai, [{"id": fid}]))
        entries.append(entry(rel, "malicious", crit, bypass="B8"))
    unsupported = {"verdict": "incomplete", "rules": ["archive-anomaly"], "formats": ["7z"]}
    write(out, "malicious/7z/ppmd.7z", seven_zip(nullifai, [{"id": py7zr.FILTER_PPMD}]))
    entries.append(entry("malicious/7z/ppmd.7z", "malicious", unsupported, notes="PPMd is not decoded: incomplete, never clean"))
    write(out, "malicious/7z/delta-lzma2.7z", seven_zip(nullifai, [{"id": py7zr.FILTER_DELTA}, {"id": py7zr.FILTER_LZMA2}]))
    entries.append(entry("malicious/7z/delta-lzma2.7z", "malicious", unsupported, notes="the Delta filter is not decoded: incomplete, never clean"))
    write(out, "malicious/7z/zstd.7z", seven_zip(nullifai, [{"id": py7zr.FILTER_ZSTD}]))
    entries.append(entry("malicious/7z/zstd.7z", "malicious", unsupported, notes="Zstandard is not decoded: incomplete, never clean"))
    write(out, "malicious/7z/encrypted.7z", seven_zip(nullifai, password=CANARY))
    entries.append(entry("malicious/7z/encrypted.7z", "malicious", {"verdict": "incomplete", "rules": ["encrypted-member"], "formats": ["7z"]}, notes="AES-encrypted members (py7zr, password-based AES-256 with a seeded IV)"))
    write(out, "malicious/7z/encrypted-header.7z", seven_zip(nullifai, password=CANARY, header_encryption=True))
    entries.append(entry("malicious/7z/encrypted-header.7z", "malicious", {"verdict": "incomplete", "rules": ["encrypted-member"], "formats": ["7z"]}, notes="AES-encrypted header: nothing can be listed"))

    # Every coder the scanner decodes, over the same bytes: x86-like code (E8/E9 branches for the
    # BCJ filter), runs and noise, past one LZMA2 chunk (64 KiB packed). Tests compare the members.
    rnd = random.Random(77)
    parts = [b"\xfe\xfeMLWARDEN 7z coder test\n"]
    while sum(map(len, parts)) < 160 * 1024:
        kind = rnd.randrange(4)
        if kind == 0:
            parts.append(bytes([rnd.choice((0xE8, 0xE9))]) + rnd.getrandbits(24).to_bytes(3, "little") + bytes([rnd.choice((0x00, 0xFF))]))
        elif kind == 1:
            parts.append(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 64))))
        else:
            parts.append(bytes([rnd.getrandbits(8)]) * rnd.randrange(1, 200))
    payload = b"".join(parts)
    codecs = {
        "copy": [{"id": py7zr.FILTER_COPY}],
        "lzma2": [{"id": py7zr.FILTER_LZMA2, "preset": 6}],
        "lzma": [{"id": py7zr.FILTER_LZMA}],
        "bcj-lzma2": [{"id": py7zr.FILTER_X86}, {"id": py7zr.FILTER_LZMA2}],
        "deflate": [{"id": py7zr.FILTER_DEFLATE}],
        "bzip2": [{"id": py7zr.FILTER_BZIP2}],
    }
    for label, filters in codecs.items():
        rel = f"benign/7z/codec-{label}.7z"
        write(out, rel, seven_zip([("payload.bin", payload), ("second.bin", payload[:1000])], filters))
        entries.append(entry(rel, "benign", {"verdict": "clean", "formats": ["7z"]}, notes="coder test: the same two members in every codec"))

    # Self-extracting archives: a 7z after an executable stub, as 7-Zip's SFX modules write them.
    # The stand-in stub (no real code) starts like a PE file, holds the 7z signature constant the
    # way an extractor's code does (without a valid start header after it) and is longer than the
    # 64 KiB head the scanner sniffs.
    stub_rnd = random.Random(1977)
    stub = bytearray(b"MZ" + bytes(58) + (64).to_bytes(4, "little") + b"This program cannot be run in DOS mode.\r\r\n$")
    stub += bytes(stub_rnd.getrandbits(8) for _ in range(40 * 1024))
    stub += b"7z\xbc\xaf\x27\x1c" + bytes(stub_rnd.getrandbits(8) for _ in range(26))
    stub += bytes(stub_rnd.getrandbits(8) for _ in range(96 * 1024 - len(stub)))
    sfx = {"formats": ["7z"], "rules": ["archive-anomaly"]}
    write(out, "benign/7z/sfx-torch-state-dict.exe", bytes(stub) + seven_zip(benign))
    entries.append(entry("benign/7z/sfx-torch-state-dict.exe", "benign", {"verdict": "findings", "severityAtMost": "low", **sfx}, notes="benign 7z after a 96 KiB stand-in SFX stub: only the prepended-data anomaly"))
    write(out, "malicious/7z/sfx-nullifai.exe", bytes(stub) + seven_zip(nullifai))
    entries.append(entry("malicious/7z/sfx-nullifai.exe", "malicious", {**crit, **sfx, "rules": ["malformed-pickle", "archive-anomaly"]}, bypass="B8", notes="the nullifAI 7z after a 96 KiB stand-in SFX stub"))
    text_stub = b"".join(f"line {i} of data before the archive\n".encode() for i in range(100))
    write(out, "malicious/7z/prepended-text-nullifai.7z", text_stub + seven_zip(nullifai))
    entries.append(entry("malicious/7z/prepended-text-nullifai.7z", "malicious", {**crit, **sfx, "rules": ["malformed-pickle", "archive-anomaly"]}, notes="the nullifAI 7z after 3.6 KiB of text (found in the head)"))

    whole = seven_zip(nullifai)
    write(out, "malformed/7z/truncated.7z", whole[: len(whole) // 2])
    entries.append(entry("malformed/7z/truncated.7z", "malformed", {"verdict": "incomplete", "formats": ["7z"]}))
    return entries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--entries", required=True)
    parser.add_argument("--ops-list")
    args = parser.parse_args()
    tmp = os.path.join(args.inputs, "tf-tmp")
    entries = build_7z(args.out, args.inputs) + build_tensorflow(args.out, tmp)
    if args.ops_list:
        write_ops_list(args.ops_list)
    import py7zr
    import tensorflow as tf
    import tf_keras

    versions = {"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__, "py7zr": py7zr.__version__}
    with open(args.entries, "w") as fh:
        json.dump({"versions": versions, "entries": entries}, fh)
    print(f"generate_tf_7z: {len(entries)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
