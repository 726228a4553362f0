import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { memoryArtifactFile } from '../scan/memory-artifact-file.js';
import { scanArtifactFile } from '../scan/scan-file.js';

const traversal = readFileSync(`${CORPUS_FILES}/malicious/onnx/external-parent.onnx`);

describe('onnxFormat', () => {
  it('is never clean when the protobuf is cut short', async () => {
    for (const cut of [traversal.length - 1, Math.floor(traversal.length / 2), 40]) {
      const r = await scanArtifactFile(memoryArtifactFile('m.onnx', traversal.subarray(0, cut)));
      expect(r.verdict, `cut at ${cut}`).not.toBe('clean');
    }
  });

  it('reads a model inside a compressed stream (no random access)', async () => {
    const r = await scanArtifactFile(memoryArtifactFile('m.onnx.gz', gzipSync(traversal)));
    expect(r.findings.some((f) => f.rule === 'path-escape' && f.severity === 'high')).toBe(true);
  });
});
