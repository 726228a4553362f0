import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { memoryArtifactFile } from '../scan/memory-artifact-file.js';
import { scanArtifactFile, scanFile } from '../scan/scan-file.js';
import { TF_OP_NAMES } from './_tf-op-names.js';
import { isSavedModelText } from './_tf-savedmodel-text.js';
import { isSavedModel } from './tf-savedmodel-format.js';

const corpus = (name: string) => new Uint8Array(readFileSync(join(CORPUS_FILES, name)));
const BENIGN = 'benign/tensorflow/savedmodel/saved_model.pb';

describe('SavedModel detection by structure', () => {
  it('recognises saved_model.pb written by TensorFlow and not as ONNX', async () => {
    for (const name of [BENIGN, 'benign/tensorflow/tf-keras-savedmodel/saved_model.pb']) {
      const r = await scanFile(join(CORPUS_FILES, name));
      expect(r.files[0]?.formats, name).toEqual(['tf-savedmodel']);
      expect(r.verdict, name).toBe('clean');
    }
  });

  it('recognises it whatever the file is called', async () => {
    const r = await scanArtifactFile(memoryArtifactFile('model.onnx', corpus(BENIGN)));
    expect(r.files[0]?.formats).toEqual(['tf-savedmodel']);
  });

  it('does not need the schema version field', async () => {
    const r = await scanFile(
      join(CORPUS_FILES, 'malicious/tensorflow/no-schema-version/saved_model.pb'),
    );
    expect(r.files[0]?.formats).toEqual(['tf-savedmodel']);
    expect(r.findings.filter((f) => f.rule === 'risky-op')).toHaveLength(3);
  });

  it('leaves ONNX models to the ONNX scanner', async () => {
    const onnx = corpus('benign/onnx/add.onnx');
    expect(isSavedModel(onnx, onnx.length)).toBe(false);
    const r = await scanFile(join(CORPUS_FILES, 'benign/onnx/add.onnx'));
    expect(r.files[0]?.formats).toEqual(['onnx']);
  });

  it('does not take other protobuf-like bytes for a SavedModel', () => {
    expect(isSavedModel(new Uint8Array([0x08, 0x01, 0x12, 0x03, 0x41, 0x42, 0x43]), 7)).toBe(false);
    expect(isSavedModel(new Uint8Array([0x08, 0x02, 0x12, 0x02, 0x0a, 0x00]), 6)).toBe(false);
    expect(isSavedModel(new Uint8Array([0x08, 0x01]), 2)).toBe(false);
  });
});

describe('risky TensorFlow ops', () => {
  it.each([
    ['malicious/tensorflow/file-access/saved_model.pb', ['ReadFile', 'WriteFile', 'MatchingFiles']],
    ['malicious/tensorflow/py-function/saved_model.pb', ['EagerPyFunc']],
    ['malicious/tensorflow/print-to-file/saved_model.pb', ['PrintV2']],
  ])('%s reports %s at high', async (name, ops) => {
    const r = await scanFile(join(CORPUS_FILES, name));
    const found = r.findings.filter((f) => f.rule === 'risky-op');
    expect(found.map((f) => f.evidence.op).sort()).toEqual([...ops].sort());
    for (const f of found) expect(f.severity).toBe('high');
    expect(found[0]?.message).toMatch(/function __inference_/);
  });

  it('reports an op no TensorFlow build registers as a custom op', async () => {
    const r = await scanFile(join(CORPUS_FILES, 'malicious/tensorflow/custom-op/saved_model.pb'));
    const f = r.findings.find((x) => x.rule === 'custom-op');
    expect(f?.severity).toBe('medium');
    expect(f?.evidence.ops).toEqual(['MlwardenCanaryCustomOp']);
  });

  it('ships the op list of a real TensorFlow build', () => {
    expect(TF_OP_NAMES.size).toBeGreaterThan(1500);
    for (const op of ['MatMul', 'StatefulPartitionedCall', 'ReadFile', 'RestoreV2'])
      expect(TF_OP_NAMES.has(op), op).toBe(true);
  });

  it('finds a Lambda layer in keras_metadata.pb', async () => {
    const r = await scanFile(
      join(CORPUS_FILES, 'malicious/tensorflow/tf-keras-lambda/keras_metadata.pb'),
    );
    expect(r.files[0]?.formats).toEqual(['keras-metadata']);
    expect(r.findings.some((f) => f.rule === 'embedded-code' && /Lambda/.test(f.message))).toBe(
      true,
    );
  });
});

describe('bad SavedModel input', () => {
  it('a corrupt protobuf is incomplete with the reason', async () => {
    const bytes = corpus(BENIGN).slice();
    // Turn a length prefix deep in the graph into an enormous one.
    const at = bytes.length >> 1;
    bytes.set([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], at);
    const r = await scanArtifactFile(memoryArtifactFile('saved_model.pb', bytes));
    expect(r.verdict).not.toBe('clean');
    expect(r.reasons.join(' ')).toMatch(/SavedModel protobuf unreadable/);
  });

  it('every truncation is recognised and incomplete, never clean', async () => {
    const bytes = corpus(BENIGN);
    for (const cut of [64, 1000, 5000, bytes.length - 1]) {
      const r = await scanArtifactFile(memoryArtifactFile('x.pb', bytes.subarray(0, cut)));
      expect(r.files[0]?.formats, `cut at ${cut}`).toEqual(['tf-savedmodel']);
      expect(r.verdict, `cut at ${cut}`).toBe('incomplete');
    }
  });

  it('the time limit stops the walk as incomplete', async () => {
    const r = await scanArtifactFile(memoryArtifactFile('saved_model.pb', corpus(BENIGN)), {
      limits: { maxTimeMs: -1 },
    });
    expect(r.verdict).toBe('incomplete');
  });
});

const TXT = 'benign/tensorflow/savedmodel-pbtxt/saved_model.pbtxt';
const text = (name: string) => Buffer.from(corpus(name)).toString('utf8');
const scanText = (body: string, name = 'saved_model.pbtxt', limits = {}) =>
  scanArtifactFile(memoryArtifactFile(name, new Uint8Array(Buffer.from(body, 'utf8'))), {
    limits,
  });
const risky = (r: { findings: { rule: string; evidence: Record<string, unknown> }[] }) =>
  r.findings
    .filter((f) => f.rule === 'risky-op')
    .map((f) => f.evidence.op)
    .sort();

describe('SavedModel in text format (saved_model.pbtxt)', () => {
  it('recognises the text TensorFlow writes and loads, by content', async () => {
    const r = await scanArtifactFile(memoryArtifactFile('model.txt', corpus(TXT)));
    expect(r.files[0]?.formats).toEqual(['tf-savedmodel', 'pbtxt']);
    expect(r.verdict).toBe('clean');
    expect(isSavedModelText(corpus(TXT).subarray(0, 64 * 1024))).toBe(true);
  });

  it.each(['file-access', 'py-function'])(
    'reports the same findings for %s as the binary graph',
    async (name) => {
      const bin = await scanFile(join(CORPUS_FILES, `malicious/tensorflow/${name}/saved_model.pb`));
      const txt = await scanFile(
        join(CORPUS_FILES, `malicious/tensorflow/${name}-pbtxt/saved_model.pbtxt`),
      );
      expect(txt.findings.length).toBeGreaterThan(0);
      const shape = (r: typeof bin) =>
        r.findings.map((f) => [f.rule, f.severity, f.message, f.evidence]);
      expect(shape(txt)).toEqual(shape(bin));
    },
  );

  it('reads every text-format way of writing an op: escapes, joined strings, lists, <>', async () => {
    const body = text(TXT);
    const graphAt = body.indexOf('  graph_def {\n') + '  graph_def {\n'.length;
    expect(graphAt).toBeGreaterThan(20);
    const extra = [
      String.raw`node { name: "a" op: "Read" 'F\151le' }`,
      'node: [{ name: "b" op: "WriteFile" }, < name: "c" op: "PyFunc" >]',
      '# node { op: "MatchingFiles" } is only a comment',
      'node { attr { key: "output_stream" value { s: "file:///tmp/x.log" } } op: "PrintV2" }',
      'node { op: "PrintV2" attr { key: "output_stream" value { s: "stderr" } } }',
      'node { op: "MlwardenTextCustomOp" }',
    ].join('\n');
    const r = await scanText(`${body.slice(0, graphAt)}${extra}\n${body.slice(graphAt)}`);
    expect(r.verdict).toBe('findings');
    expect(risky(r)).toEqual(['PrintV2', 'PyFunc', 'ReadFile', 'WriteFile']);
    const print = r.findings.find((f) => f.evidence.op === 'PrintV2');
    expect(print?.evidence.outputStream).toBe('file:///tmp/x.log');
    expect(r.findings.find((f) => f.rule === 'custom-op')?.evidence.ops).toEqual([
      'MlwardenTextCustomOp',
    ]);
  });

  it('takes library function names as ops, as the binary walk does', async () => {
    const body =
      'meta_graphs { graph_def { node { op: "my_fn" } library { function { node_def { op: "ReadFile" } signature { name: "my_fn" } } } } }';
    const r = await scanText(body);
    expect(risky(r)).toEqual(['ReadFile']);
    expect(r.findings.some((f) => f.rule === 'custom-op')).toBe(false);
  });

  it('ignores ops outside graph_def (the stripped op list, unknown fields)', async () => {
    const body =
      'meta_graphs { meta_info_def { stripped_op_list { op { name: "ReadFile" } } } graph_def { node { op: "Const" } } }';
    const r = await scanText(body);
    expect(r.verdict).toBe('clean');
  });

  it('does not take other text for a SavedModel', () => {
    for (const other of [
      'node { op: "ReadFile" }', // a GraphDef (tf.io.write_graph), not what tf.saved_model loads
      'saved_model_schema_version: 1\n', // no meta_graphs
      'meta_graphs { node { op: "ReadFile" } }', // not a MetaGraphDef field
      'meta_graphs: 3', // a scalar
      'import os\nos.system("x")\n',
      '{"meta_graphs": {}}',
      'meta_graphs } graph_def {',
      'meta_graphs {',
    ]) {
      expect(isSavedModelText(Buffer.from(other)), other).toBe(false);
    }
    for (const savedModel of [
      '# comment\nmeta_graphs <\n  graph_def {',
      'saved_model_schema_version: 1 meta_graphs: { object_graph_def { nodes',
      'meta_graphs {}',
      'meta_graphs { graph_def { "broken',
    ]) {
      expect(isSavedModelText(Buffer.from(savedModel)), savedModel).toBe(true);
    }
  });
});

describe('bad text-format SavedModel input', () => {
  it('every truncation is recognised and incomplete with the reason, never clean', async () => {
    const bytes = corpus(TXT);
    for (const cut of [200, 5000, bytes.length >> 1, bytes.length - 3]) {
      const r = await scanArtifactFile(memoryArtifactFile('x.pbtxt', bytes.subarray(0, cut)));
      expect(r.files[0]?.formats, `cut at ${cut}`).toEqual(['tf-savedmodel', 'pbtxt']);
      expect(r.verdict, `cut at ${cut}`).toBe('incomplete');
      expect(r.reasons.join(' '), `cut at ${cut}`).toMatch(/SavedModel text protobuf unreadable/);
    }
  });

  it('garbled text after the head is incomplete, and keeps what was found before it', async () => {
    const bad = `${text('malicious/tensorflow/file-access-pbtxt/saved_model.pbtxt')}\n}}} @@@`;
    const r = await scanText(bad);
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join(' ')).toMatch(/expected a field name at line \d+/);
    expect(risky(r)).toEqual(['MatchingFiles', 'ReadFile', 'WriteFile']);
  });

  it('nesting deeper than 100 messages is incomplete', async () => {
    const r = await scanText(`meta_graphs { graph_def { ${'x { '.repeat(120)}${'} '.repeat(122)}`);
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join(' ')).toMatch(/nested deeper than 100/);
  });

  it('text larger than maxBufferedBytes is not read, and incomplete', async () => {
    const r = await scanText(text(TXT), 'saved_model.pbtxt', { maxBufferedBytes: 1024 });
    expect(r.verdict).toBe('incomplete');
    expect(r.findings.some((f) => f.rule === 'scan-limit')).toBe(true);
  });
});
