import type { ArtifactRule } from './scan-result.js';

const TEXT: Record<ArtifactRule, string> = {
  'dangerous-import':
    'Do not load this file. Obtain the model from a trusted source, verify its signature or digest, and prefer a data-only format (safetensors, ONNX, XGBoost JSON).',
  'embedded-code':
    'The file rebuilds Python functions from bytecode when loaded (cloudpickle/dill, e.g. an MLflow pyfunc model). Load it only if its producer is trusted and the file is signed; otherwise re-export the model without custom code.',
  'unlisted-import':
    'Loading imports a module that ordinary models do not use. Check that the class is expected (e.g. your own estimator); if it is, allow its exact path in the artifact.scan options.',
  'unresolved-import':
    'The file computes the name it imports at load time, which no scanner can check. Treat it as malicious unless you produced it yourself.',
  'indirect-call':
    'The file calls something that is not a plain imported class or function. Do not load it unless you produced it yourself.',
  'build-on-global':
    'The file overwrites attributes of an imported module or class when loaded. Do not load it.',
  'malformed-pickle':
    'The pickle is truncated or corrupt; pickle.load would still run everything before the break. Re-download the file from a trusted source and scan it again.',
  'invalid-pickle':
    'pickle.load would fail on this file, after running what comes before the failure. Re-export the model, or treat the file as tampered.',
  'frame-mismatch':
    'FRAME lengths disagree with the opcodes, so different loaders read different code. Treat the file as tampered.',
  expansion:
    'The memo or DUP usage has the shape of an expansion (denial-of-service) attack. Do not load the file.',
  'protocol-mismatch':
    'The stream uses opcodes newer than the protocol it declares, which Python pickle never writes. Treat the file as hand-crafted.',
  'out-of-band-buffers':
    'The pickle expects out-of-band buffers from its loader; make sure the loader supplies only trusted data.',
  'persistent-id':
    'The pickle uses persistent ids whose meaning its loader defines; check which loader is used.',
  'torchscript-code':
    'TorchScript code in the archive runs when the model is loaded with torch.jit.load. Load it only from a trusted, signed source.',
  'legacy-torch-format':
    'The legacy PyTorch format cannot be loaded with weights_only=True on current PyTorch. Re-save the model with torch.save (zip format) or as safetensors.',
  'archive-anomaly':
    'The archive is malformed in a way that makes tools disagree about its content. Re-create it with a standard tool.',
  'encrypted-member':
    'An encrypted member cannot be scanned. Decrypt it and scan the content, or reject the archive.',
  'path-escape':
    'Replace the link with the file it points to, or remove it; model directories should be self-contained.',
  'custom-object':
    'Loading needs code that is not part of the framework (a custom Keras object, a custom inference runtime). Check that the class is yours and reviewed; otherwise do not load the model.',
  'custom-op':
    'The model uses operators from a non-standard domain, implemented by a native library the runtime must load. Load it only with the operator library you trust, or re-export it with standard operators.',
  'risky-op':
    'The TensorFlow graph reads or writes files, or calls Python, when the model runs. Do not serve it unless you produced it; re-export the model without these ops (tf.io file ops, tf.py_function, tf.print to a file).',
  'storage-size-mismatch':
    'A PyTorch storage declares a different size than the data stored for it, which loaders have trusted to the point of memory corruption (CVE-2026-24747). Treat the file as tampered: re-download it from a trusted source or re-save it with torch.save.',
  'malformed-header':
    'The header is invalid or inconsistent, so loaders and scanners may read different content. Re-export the model with the reference library.',
  'template-injection':
    'The chat template reaches Python internals, which a sandbox-less Jinja renderer turns into code execution. Remove the template or replace it with the one from the original model.',
  'scan-limit':
    'A scan limit was reached, so part of the file was not analysed. Raise the limit in the artifact.scan options if the file is legitimately this large.',
  unreadable:
    'The file could not be read or parsed. Check that it is complete and in a supported format.',
};

export function remediationFor(rule: ArtifactRule): string {
  return TEXT[rule];
}
