"""Corpus fixtures for the data-only and configuration formats of @mlwarden/artifacts.

Keras (.keras, HDF5), ONNX, safetensors, GGUF, MLflow MLmodel and Seldon model-settings.json.
Benign files come from the formats' own libraries (h5py, onnx, safetensors, gguf) where they
write deterministically; Keras configs are the JSON Keras 3.15 writes (copied from a real save,
because Keras' zip carries a save date); malicious files are edited or hand-assembled. Nothing is
ever loaded by a model loader. Imported by generate.py.
"""

import io
import json
import os
import struct
import tempfile
import zipfile

CANARY = "MLWARDEN_CANARY_DO_NOT_RUN"

# marshal of `lambda x: x * 2` as Keras 3.15.1 on Python 3.11 serialised it (inert arithmetic).
LAMBDA_CODE = (
    "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6BQAAUwApAk7pAgAAAKkAKQHaAXhzAQAA\n"
    "ACD6CS90bXAvay5wefoIPGxhbWJkYT5yBgAAAAIAAABzDQAAAIAA0HFy0HN00XF0gADzAAAAAA==\n"
)


def _dtype():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def _dense(name, units):
    return {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            "dtype": _dtype(),
            "units": units,
            "activation": "relu",
            "use_bias": True,
            "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None}, "registered_name": None},
            "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": None},
            "kernel_regularizer": None,
            "bias_regularizer": None,
        },
        "registered_name": None,
        "build_config": {"input_shape": [None, 4]},
    }


def _sequential(layers):
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "trainable": True,
            "dtype": _dtype(),
            "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input_layer"}, "registered_name": None},
                *layers,
            ],
        },
        "registered_name": None,
        "build_config": {"input_shape": [None, 4]},
        "compile_config": {},
    }


def _lambda_v3():
    return {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {
            "name": "lambda",
            "trainable": True,
            "dtype": _dtype(),
            "function": {"class_name": "__lambda__", "config": {"code": LAMBDA_CODE, "defaults": None, "closure": None}},
            "arguments": {},
        },
        "registered_name": None,
    }


def _keras_zip(config, weights=b""):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in (
            ("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}).encode()),
            ("config.json", json.dumps(config).encode()),
            ("model.weights.h5", weights),
        ):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            z.writestr(info, data)
    return buf.getvalue()


def _h5(attrs, path, userblock=0):
    import h5py
    import numpy as np

    with h5py.File(path, "w", libver="earliest", track_order=False, userblock_size=userblock) as f:
        for k, v in attrs.items():
            f.attrs[k] = v
        g = f.create_group("model_weights")
        g.create_dataset("kernel", data=np.arange(12, dtype="float32").reshape(4, 3), track_times=False)
    with open(path, "rb") as fh:
        return fh.read()


def build_keras(c, malicious, clean):
    weights_dir = tempfile.mkdtemp()
    weights = _h5({}, os.path.join(weights_dir, "w.h5"))
    c.add("benign/keras/sequential.keras", _keras_zip(_sequential([_dense("dense", 3)]), weights), "benign", clean(["keras-v3", "hdf5"]), notes="Keras 3 zip: config.json as Keras writes it, weights by h5py")
    c.add("malicious/keras/lambda.keras", _keras_zip(_sequential([_dense("dense", 3), _lambda_v3()]), weights), "malicious", malicious("high", rules=["embedded-code"], formats=["keras-v3"]), bypass="B24", notes="Lambda layer with marshalled bytecode (inert x*2)")
    foreign = _sequential([_dense("dense", 3)])
    foreign["config"]["layers"].append({"module": "subprocess", "class_name": "Popen", "config": {"args": ["echo", CANARY]}, "registered_name": None})
    c.add("malicious/keras/foreign-module.keras", _keras_zip(foreign, weights), "malicious", malicious("high", imports=["subprocess.Popen"], rules=["dangerous-import"]), bypass="B25", notes="config.json names subprocess.Popen as a layer class (CVE-2025-1550)")
    gadget = _sequential([_dense("dense", 3)])
    gadget["config"]["layers"].append(
        {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "reload", "function": {"module": "keras.models", "class_name": "function", "config": "load_model", "registered_name": "function"}, "arguments": {"filepath": "evil.keras", "safe_mode": False}}, "registered_name": None}
    )
    c.add("malicious/keras/load-model-gadget.keras", _keras_zip(gadget, weights), "malicious", malicious("high", imports=["keras.models.load_model"]), bypass="B26", notes="Lambda calling keras.models.load_model(safe_mode=False) through an allowed module")
    custom = _sequential([_dense("dense", 3)])
    custom["config"]["layers"].append({"module": None, "class_name": "MyLayer", "config": {"name": "my_layer"}, "registered_name": "Custom>MyLayer"})
    c.add("malicious/keras/custom-object.keras", _keras_zip(custom, weights), "malicious", malicious("medium", rules=["custom-object"]), notes="registered custom object: its code must come from the loading program")

    h5_benign = _sequential([_dense("dense", 3)])
    h5_benign.pop("module")
    path = os.path.join(weights_dir, "m.h5")
    c.add("benign/keras/model.h5", _h5({"model_config": json.dumps(h5_benign), "keras_version": "3.15.1", "backend": "tensorflow"}, path), "benign", clean(["hdf5", "keras-h5"]), notes="legacy HDF5 model written with h5py: model_config attribute")
    v2_lambda = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [{"class_name": "Lambda", "config": {"name": "lambda", "function": [LAMBDA_CODE, None, None], "function_type": "lambda", "module": "__main__", "output_shape": None, "arguments": {}}}]}}
    c.add("malicious/keras/lambda.h5", _h5({"model_config": json.dumps(v2_lambda), "keras_version": "2.12.0", "backend": "tensorflow"}, path), "malicious", malicious("high", rules=["embedded-code"], formats=["keras-h5"]), bypass="B27", notes="Keras 2 HDF5 Lambda (safe_mode is ignored for .h5, CVE-2025-9905)")
    v2_fn = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [{"class_name": "Lambda", "config": {"name": "lambda", "function": "system", "function_type": "function", "module": "os", "arguments": {}}}]}}
    c.add("malicious/keras/userblock-lambda.h5", _h5({"model_config": json.dumps(v2_lambda)}, path, userblock=512), "malicious", malicious("high", rules=["embedded-code"], formats=["keras-h5"]), bypass="B27", notes="HDF5 with a 512-byte user block: the superblock is not at offset 0")
    c.add("malicious/keras/function-os-system.h5", _h5({"model_config": json.dumps(v2_fn)}, path), "malicious", malicious("critical", imports=["os.system"]), bypass="B27", notes="HDF5 Lambda naming os.system as its function")


def build_onnx(c, malicious, clean):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def model(nodes, inits, domains=()):
        graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], initializer=inits)
        opsets = [helper.make_opsetid("", 17), *(helper.make_opsetid(d, 1) for d in domains)]
        m = helper.make_model(graph, opset_imports=opsets, producer_name="mlwarden-corpus")
        m.ir_version = 8
        return m

    def external(name, location):
        t = numpy_helper.from_array(np.ones(2, dtype="float32"), name)
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", "0"), ("length", "8")):
            e = t.external_data.add()
            e.key, e.value = k, v
        return t

    add = helper.make_node("Add", ["x", "w"], ["y"])
    w = numpy_helper.from_array(np.array([1.0, 2.0], dtype="float32"), "w")
    m = model([add], [w])
    onnx.checker.check_model(m)
    c.add("benign/onnx/add.onnx", m.SerializeToString(), "benign", clean(["onnx"]), notes="onnx.helper model with an inline initializer")
    c.add("benign/onnx/external-inside.onnx", model([add], [external("w", "weights/w.bin")]).SerializeToString(), "benign", clean(["onnx"]), notes="external data inside the model directory")
    for rel, loc, note in (
        ("malicious/onnx/external-parent.onnx", "../../../../etc/passwd", "external_data location climbing out of the model directory (CVE-2022-25882)"),
        ("malicious/onnx/external-nested.onnx", "sub/../../secrets.bin", "nested traversal that defeated the first fix (CVE-2024-27318)"),
        ("malicious/onnx/external-absolute.onnx", "/etc/passwd", "absolute external_data location"),
    ):
        c.add(rel, model([add], [external("w", loc)]).SerializeToString(), "malicious", malicious("high", rules=["path-escape"]), bypass="B28", notes=note)
    sub = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "then", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], initializer=[external("k", "..\\..\\boot.ini")])
    iff = helper.make_node("If", ["c"], ["y"], then_branch=sub, else_branch=sub)
    c.add("malicious/onnx/subgraph-external.onnx", model([iff], [numpy_helper.from_array(np.array(True), "c")]).SerializeToString(), "malicious", malicious("high", rules=["path-escape"]), bypass="B28", notes="traversal hidden in an If subgraph, Windows separators")
    custom = helper.make_node("Exec", ["x"], ["y"], domain="com.example.evil")
    c.add("malicious/onnx/custom-domain.onnx", model([custom], [], ["com.example.evil"]).SerializeToString(), "malicious", malicious("medium", rules=["custom-op"]), notes="operator from a custom domain (a native library must provide it)")


def _st(header, data):
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


def build_safetensors(c, malicious, clean):
    import numpy as np
    from safetensors.numpy import save

    arrays = {"weight": np.arange(12, dtype="float32").reshape(3, 4), "bias": np.zeros(3, dtype="float16")}
    c.add("benign/safetensors/model.safetensors", save(arrays, metadata={"format": "np"}), "benign", clean(["safetensors"]), notes="written by safetensors.numpy.save")
    data = bytes(range(32))
    bad = {
        "overlap": ({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, data[:24], "overlapping tensors"),
        "out-of-range": ({"a": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}, data[:16], "tensor beyond the end of the file"),
        "shape-mismatch": ({"a": {"dtype": "F32", "shape": [100], "data_offsets": [0, 16]}}, data[:16], "shape needs more bytes than the range"),
        "metadata-object": ({"__metadata__": {"format": {"nested": CANARY}}, "a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]}}, data[:4], "non-string __metadata__ value"),
        "unknown-dtype": ({"a": {"dtype": "PYOBJ", "shape": [4], "data_offsets": [0, 4]}}, data[:4], "dtype safetensors does not define"),
    }
    for name, (header, payload, note) in bad.items():
        c.add(f"malformed/safetensors/{name}.safetensors", _st(header, payload), "malformed", {"verdict": "findings", "rules": ["malformed-header"]}, notes=note)
    huge = struct.pack("<Q", 64) + b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}'
    c.add("malformed/safetensors/header-past-end.safetensors", huge, "malformed", {"verdict": "findings", "rules": ["malformed-header"]}, notes="header length larger than the file")


CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
SSTI = "{{ cycler.__init__.__globals__.os.popen('echo " + CANARY + "').read() }}" + CHATML


def build_gguf(c, malicious, clean):
    import numpy as np
    from gguf import GGUFWriter

    def write(template):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.gguf")
            w = GGUFWriter(path, "llama")
            w.add_name("mlwarden-corpus")
            w.add_context_length(128)
            w.add_token_list(["<s>", "</s>", "a", "b"])
            w.add_chat_template(template)
            w.add_tensor("tok_embd.weight", np.arange(16, dtype="float32").reshape(4, 4))
            w.write_header_to_file()
            w.write_kv_data_to_file()
            w.write_tensors_to_file()
            w.close()
            with open(path, "rb") as fh:
                return fh.read()

    c.add("benign/gguf/chatml.gguf", write(CHATML), "benign", clean(["gguf"]), notes="GGUFWriter with a ChatML chat template")
    bad = write(SSTI)
    c.add("malicious/gguf/chat-template-ssti.gguf", bad, "malicious", malicious("high", rules=["template-injection"]), bypass="B29", notes="Jinja SSTI reaching os.popen through cycler globals (CVE-2024-34359)")
    attr = "{{ (cycler|attr('\\x5f\\x5finit\\x5f\\x5f')) }}" + CHATML
    c.add("malicious/gguf/chat-template-attr.gguf", write(attr), "malicious", malicious("high", rules=["template-injection"]), bypass="B29", notes="dunder access spelled with |attr and escaped underscores")
    c.add("malformed/gguf/truncated.gguf", bad[:200], "malformed", {"verdict": "incomplete", "rules": ["malformed-header"]}, notes="GGUF cut inside its metadata")


MLMODEL_SKLEARN = """artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.7
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.9.1
mlflow_version: 3.6.0
model_size_bytes: 1024
model_uuid: 00000000000000000000000000000000
run_id: 00000000000000000000000000000000
utc_time_created: '2026-01-01 00:00:00.000000'
"""

MLMODEL_PYFUNC = """artifact_path: model
flavors:
  python_function:
    cloudpickle_version: 3.1.3
    code: code
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.pyfunc.model
    python_model: python_model.pkl
    python_version: 3.11.7
    streamable: false
mlflow_version: 3.6.0
model_size_bytes: 2048
model_uuid: 00000000000000000000000000000000
signature:
  inputs: '[{"type": "double", "required": true}]'
  outputs: null
  params: null
utc_time_created: '2026-01-01 00:00:00.000000'
"""


def build_mlflow_seldon(c, malicious, clean):
    c.add("benign/mlflow/sklearn/MLmodel", MLMODEL_SKLEARN.encode(), "benign", clean(["mlflow-mlmodel"]), notes="MLmodel of mlflow.sklearn.log_model (fields as MLflow 3 writes them)")
    c.add("benign/mlflow/pyfunc/MLmodel", MLMODEL_PYFUNC.encode(), "benign", {"verdict": "findings", "rules": ["embedded-code"], "severityAtMost": "high", "noRules": ["dangerous-import"]}, notes="pyfunc with a cloudpickled PythonModel and code_paths: embedded code by design")
    evil = MLMODEL_SKLEARN.replace("loader_module: mlflow.sklearn", "loader_module: os")
    c.add("malicious/mlflow/loader-module/MLmodel", evil.encode(), "malicious", malicious("high", imports=["os._load_pyfunc"]), notes="loader_module naming a non-MLflow module")
    settings = {"name": "iris", "implementation": "mlserver_sklearn.SKLearnModel", "parameters": {"uri": "./model.joblib", "version": "v1"}}
    c.add("benign/seldon/model-settings.json", json.dumps(settings, indent=2).encode(), "benign", clean(["seldon-model-settings"]))
    custom = {**settings, "implementation": "models.MyRuntime"}
    c.add("malicious/seldon/custom-runtime/model-settings.json", json.dumps(custom, indent=2).encode(), "malicious", malicious("medium", rules=["custom-object"]), notes="custom MLServer runtime class")
    escape = {**settings, "parameters": {"uri": "../../other-model/model.joblib"}}
    c.add("malicious/seldon/uri-escape/model-settings.json", json.dumps(escape, indent=2).encode(), "malicious", malicious("high", rules=["path-escape"]), notes="parameters.uri leaving the model directory")
    dangerous = {**settings, "implementation": "os.system"}
    c.add("malicious/seldon/os-system/model-settings.json", json.dumps(dangerous, indent=2).encode(), "malicious", malicious("critical", imports=["os.system"]), notes="implementation naming os.system")


def build_formats(c, malicious, clean):
    build_keras(c, malicious, clean)
    build_onnx(c, malicious, clean)
    build_safetensors(c, malicious, clean)
    build_gguf(c, malicious, clean)
    build_mlflow_seldon(c, malicious, clean)


def versions():
    from importlib.metadata import version

    return {name: version(name) for name in ("h5py", "onnx", "safetensors", "gguf")}
