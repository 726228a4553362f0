import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { memoryArtifactFile } from '../scan/memory-artifact-file.js';
import { scanArtifactFile, scanFile } from '../scan/scan-file.js';
import { TF_OP_NAMES } from './_tf-op-names.js';
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
