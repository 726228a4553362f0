import { describe, expect, it } from 'vitest';
import { memoryArtifactFile } from '../scan/memory-artifact-file.js';
import { scanArtifactFile } from '../scan/scan-file.js';

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const CONFIG = JSON.stringify({
  class_name: 'Sequential',
  config: { layers: [{ class_name: 'Lambda', config: { function: ['YmFk', null, null] } }] },
});

/** An HDF5 signature, then `config` placed so that `"class_name"` starts at `at`. */
function h5With(at: number, total: number): Uint8Array {
  const bytes = Buffer.alloc(total, 0);
  SIGNATURE.copy(bytes, 0);
  Buffer.from(CONFIG).copy(bytes, at - 1);
  return bytes;
}

describe('hdf5Format', () => {
  it.each([
    ['inside the first window', 4096],
    ['across the 1 MiB window boundary', 1024 * 1024 - 5],
    ['in a later window', 3 * 1024 * 1024 + 17],
  ])('finds a model_config %s', async (_, at) => {
    const r = await scanArtifactFile(memoryArtifactFile('m.h5', h5With(at, 4 * 1024 * 1024)));
    expect(r.files[0]?.formats).toEqual(['hdf5', 'keras-h5']);
    expect(r.findings.map((f) => f.rule)).toEqual(['embedded-code']);
  });

  it('ignores JSON that is not a Keras config and unterminated objects', async () => {
    const bytes = Buffer.alloc(8192, 0);
    SIGNATURE.copy(bytes, 0);
    Buffer.from('{"class_name": "x"}').copy(bytes, 100);
    Buffer.from('{"class_name": "Lambda", "config": {').copy(bytes, 200);
    const r = await scanArtifactFile(memoryArtifactFile('m.h5', bytes));
    expect(r.verdict).toBe('clean');
    expect(r.files[0]?.formats).toEqual(['hdf5']);
  });
});
