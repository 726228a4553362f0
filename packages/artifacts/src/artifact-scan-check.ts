import { defineCheck, type FindingInput, type Json, type RuleMeta } from '@mlwarden/core';
import { artifactScanOptions } from './artifact-scan-options.js';
import { remediationFor } from './scan/_remediation.js';
import type { ScanLimits } from './scan/limits.js';
import { scanArtifactFile } from './scan/scan-file.js';
import type { ArtifactFinding, ArtifactRule, FileVerdict } from './scan/scan-result.js';
import { IMPORT_RULES } from './scan/scan-unit.js';

const RULES: Record<ArtifactRule, Omit<RuleMeta, 'remediation'>> = {
  'dangerous-import': {
    title: 'Dangerous import',
    severity: 'critical',
    description:
      'Loading imports something that runs commands or code, resolves names to callables, loads nested pickles, or reaches the network or file system.',
  },
  'embedded-code': {
    title: 'Embedded code',
    severity: 'high',
    description:
      'cloudpickle/dill rebuild functions from bytecode stored in the file (e.g. MLflow pyfunc models).',
  },
  'unlisted-import': {
    title: 'Import outside the allow-list',
    severity: 'medium',
    description:
      'Loading imports a module or class that ordinary numpy, scikit-learn, PyTorch, XGBoost and joblib models do not use.',
  },
  'unresolved-import': {
    title: 'Import that cannot be resolved statically',
    severity: 'critical',
    description: 'STACK_GLOBAL with a computed operand, or an EXT1/2/4 extension code.',
  },
  'indirect-call': { title: 'Call of a computed callable', severity: 'medium' },
  'build-on-global': { title: 'State set on an imported object', severity: 'high' },
  'malformed-pickle': {
    title: 'Truncated or corrupt pickle',
    severity: 'high',
    description: 'pickle.load runs everything before the break; findings before it are kept.',
  },
  'invalid-pickle': { title: 'Pickle that pickle.load would reject part-way', severity: 'high' },
  'frame-mismatch': { title: 'FRAME lengths disagree with the opcodes', severity: 'high' },
  expansion: { title: 'Memo or DUP expansion', severity: 'high' },
  'protocol-mismatch': { title: 'Opcode newer than the declared protocol', severity: 'low' },
  'out-of-band-buffers': { title: 'Out-of-band buffers', severity: 'low' },
  'persistent-id': { title: 'Persistent ids outside PyTorch', severity: 'low' },
  'torchscript-code': { title: 'TorchScript code', severity: 'medium' },
  'legacy-torch-format': { title: 'Legacy PyTorch format', severity: 'medium' },
  'archive-anomaly': {
    title: 'Archive anomaly',
    severity: 'low',
    description:
      'CRC mismatch, odd flags, local/central name mismatch, prepended data, duplicate or unlisted members, corrupt compressed data.',
  },
  'encrypted-member': { title: 'Encrypted archive member', severity: 'medium' },
  'path-escape': { title: 'Path out of the model directory', severity: 'medium' },
  'custom-object': {
    title: 'Custom object or runtime',
    severity: 'medium',
    description:
      'A Keras custom object (registered_name) or a Seldon runtime class outside the standard MLServer runtimes.',
  },
  'custom-op': { title: 'Custom operator domain', severity: 'medium' },
  'risky-op': {
    title: 'TensorFlow op that touches files or runs Python',
    severity: 'high',
    description:
      'ReadFile, WriteFile, MatchingFiles, WholeFileReader, the py_function family, or PrintV2 to a file:// stream in a SavedModel graph.',
  },
  'storage-size-mismatch': {
    title: 'PyTorch storage size differs from its data',
    severity: 'high',
    description:
      'A storage declares numel × element size different from the size of its data/<key> member (CVE-2026-24747).',
  },
  'malformed-header': {
    title: 'Malformed header',
    severity: 'medium',
    description: 'safetensors or GGUF header out of bounds, overlapping tensors, invalid JSON.',
  },
  'template-injection': {
    title: 'Chat template reaching Python internals',
    severity: 'high',
    description: 'GGUF tokenizer.chat_template with Jinja constructs that reach Python objects.',
  },
  'scan-limit': { title: 'Scan limit reached', severity: 'low' },
  unreadable: { title: 'Unreadable file', severity: 'low' },
};

const rules: Record<string, RuleMeta> = Object.fromEntries(
  Object.entries(RULES).map(([rule, meta]) => [
    rule,
    { ...meta, remediation: remediationFor(rule as ArtifactRule) },
  ]),
);

function toFindingInput(f: ArtifactFinding): FindingInput {
  const importKey =
    IMPORT_RULES.has(f.rule) && f.module !== undefined ? `${f.module}.${f.name ?? ''}` : undefined;
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    location: {
      uri: f.path,
      ...(f.member !== undefined && { member: f.member }),
      ...(f.offset !== undefined && { offset: f.offset }),
    },
    evidence: {
      ...f.evidence,
      ...(f.module !== undefined && { module: f.module }),
      ...(f.name !== undefined && { name: f.name }),
    },
    remediation: f.remediation,
    key: importKey ?? `${f.rule}:${f.offset ?? ''}:${f.message.slice(0, 80)}`,
  };
}

/**
 * `artifact.scan`: finds code that runs when model files are loaded — pickle, joblib, PyTorch
 * (zip and legacy), NumPy — without ever loading them.
 */
export const artifactScanCheck = defineCheck({
  meta: {
    id: 'artifact.scan',
    title: 'Model artifact scan',
    description:
      'Statically scans model files (pickle, joblib, PyTorch zip and legacy, NumPy .npy/.npz, zip, 7z, tar, compressed files, Keras, TensorFlow SavedModel, ONNX, safetensors, GGUF, MLflow and Seldon model directories) for code that runs on load: dangerous imports, embedded bytecode, risky graph ops, imports outside an allow-list of ordinary model classes, and tampered containers. Never loads or executes anything.',
    category: 'supply-chain',
    defaultSeverity: 'high',
    taxonomy: {
      atlas: ['AML.T0010.003', 'AML.T0011.000', 'AML.T0018.002'],
      owasp: ['ML06', 'ML10'],
    },
    requires: ['artifacts'],
    options: artifactScanOptions,
    rules,
    docs: 'docs/checks/artifact.scan.md',
    timeoutMs: 3_600_000,
  },
  async run(ctx) {
    const { artifacts } = ctx.inputs;
    const options = ctx.options;
    const limits: Partial<ScanLimits> = Object.fromEntries(
      Object.entries(options.limits).filter(([, v]) => v !== undefined),
    );
    const listed: FileVerdict[] = [];
    let files = 0;
    let bytes = 0;
    let unlisted = 0;
    for await (const file of artifacts.files({ signal: ctx.signal })) {
      if (ctx.signal.aborted) {
        ctx.incomplete('scan cancelled or timed out before every file was scanned');
        break;
      }
      const result = await scanArtifactFile(file, {
        limits,
        strict: options.strict,
        allow: options.allow,
        deep: options.deep,
        signal: ctx.signal,
      });
      files++;
      bytes += result.size;
      for (const f of result.findings) ctx.report(toFindingInput(f));
      for (const v of result.files) {
        if (listed.length < options.maxListedFiles) listed.push(v);
        else unlisted++;
      }
      if (result.verdict === 'incomplete' || result.verdict === 'error') {
        const why =
          result.reasons.length > 0 ? result.reasons.slice(0, 3).join('; ') : result.verdict;
        ctx.incomplete(`${file.path}: ${why}`);
      }
      ctx.progress(files, undefined, file.path);
    }
    ctx.metric('files', listed as unknown as Json);
    if (unlisted > 0) ctx.metric('filesNotListed', unlisted);
    ctx.metric('filesScanned', files);
    ctx.metric('bytesScanned', bytes);
  },
});
