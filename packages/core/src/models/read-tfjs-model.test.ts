import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/input-error.js';
import { readTfjsModel } from './read-tfjs-model.js';

const root = mkdtempSync(join(tmpdir(), 'mlw-read-tfjs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const layersTopology = {
  class_name: 'Sequential',
  config: { name: 'tiny', layers: [{ class_name: 'Dense', config: { units: 2, name: 'd' } }] },
};
const graphTopology = { node: [{ name: 'x', op: 'Placeholder' }], versions: { producer: 1 } };
const specs = [
  { name: 'd/kernel', shape: [3, 2], dtype: 'float32' },
  { name: 'd/bias', shape: [2], dtype: 'float32' },
];
/** Shard 1 holds the kernel (6 floats), shard 2 the bias (2 floats). */
const shard1 = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
const shard2 = new Uint8Array(new Float32Array([7, 8]).buffer);

let count = 0;
/** Writes a model.json (and, unless told otherwise, its two shards) into a fresh folder. */
function writeModel(json: unknown, shards: Record<string, Uint8Array> = {}): string {
  const folder = join(root, `m${count++}`);
  mkdirSync(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(shards)) writeFileSync(join(folder, name), bytes);
  const path = join(folder, 'model.json');
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

const withPaths = (paths: unknown[], topology: object = layersTopology) => ({
  modelTopology: topology,
  weightsManifest: [{ paths, weights: specs }],
});

const read = (path: string, maxWeightBytes = 1024) =>
  readTfjsModel(path, { maxWeightBytes, limitOption: 'model.maxWeightBytes' });

describe('readTfjsModel', () => {
  it('reads the topology, the weight specs and the shards concatenated in manifest order', async () => {
    const path = writeModel(
      {
        format: 'layers-model',
        generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
        convertedBy: null,
        signature: { inputs: {} },
        modelTopology: layersTopology,
        weightsManifest: [
          { paths: ['group1-shard1of2.bin', 'sub/group1-shard2of2.bin'], weights: specs },
        ],
      },
      { 'group1-shard1of2.bin': shard1 },
    );
    mkdirSync(join(path, '../sub'));
    writeFileSync(join(path, '../sub/group1-shard2of2.bin'), shard2);
    const model = await read(path);
    expect(model.format).toBe('layers-model');
    expect(model.modelTopology).toEqual(layersTopology);
    expect(model.weightSpecs).toEqual(specs);
    expect(model.weightData.byteLength).toBe(32);
    expect(model.weightData.buffer.byteLength).toBe(32);
    expect(Array.from(new Float32Array(model.weightData.buffer))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(model.generatedBy).toBe('TensorFlow.js tfjs-layers v4.22.0');
    expect(model).not.toHaveProperty('convertedBy');
    expect(model.signature).toEqual({ inputs: {} });
  });

  it('tells graph models from Layers models by `format`, else by a `node` list in the topology', async () => {
    const graph = await read(writeModel({ modelTopology: graphTopology }));
    expect(graph.format).toBe('graph-model');
    expect(graph.weightSpecs).toEqual([]);
    expect(graph.weightData.byteLength).toBe(0);
    expect((await read(writeModel({ modelTopology: layersTopology }))).format).toBe('layers-model');
    const labelled = writeModel({ format: 'graph-model', modelTopology: layersTopology });
    expect((await read(labelled)).format).toBe('graph-model');
    const unknownFormat = writeModel({ format: 'keras', modelTopology: graphTopology });
    expect((await read(unknownFormat)).format).toBe('graph-model');
  });

  it('accepts a shard whose name only starts with two dots', async () => {
    const path = writeModel(withPaths(['..shard1.bin', './shard2.bin']), {
      '..shard1.bin': shard1,
      'shard2.bin': shard2,
    });
    expect((await read(path)).weightData.byteLength).toBe(32);
  });

  it('refuses shards that leave the model folder through `..`', async () => {
    const folder = join(root, 'escape');
    mkdirSync(join(folder, 'model'), { recursive: true });
    writeFileSync(join(folder, 'outside.bin'), shard1);
    for (const name of ['../outside.bin', 'sub/../../outside.bin', '..']) {
      const path = join(folder, 'model', `model-${count++}.json`);
      writeFileSync(path, JSON.stringify(withPaths([name])));
      const error = await read(path).catch((e: unknown) => e);
      expect(InputError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'MLW_INPUT_INVALID',
        message: `${path}: weight shard ${JSON.stringify(name)} is not a file inside the model's folder`,
      });
    }
  });

  it('follows links only while they stay in the model folder', async () => {
    const folder = join(root, 'links');
    mkdirSync(join(folder, 'model'), { recursive: true });
    writeFileSync(join(folder, 'outside.bin'), shard1);
    writeFileSync(join(folder, 'model', 'real.bin'), shard1);
    symlinkSync(join(folder, 'outside.bin'), join(folder, 'model', 'leak.bin'));
    symlinkSync('real.bin', join(folder, 'model', 'alias.bin'));
    const leak = join(folder, 'model', 'leak.json');
    writeFileSync(leak, JSON.stringify(withPaths(['leak.bin'])));
    const error = await read(leak).catch((e: unknown) => e);
    expect(InputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `${leak}: weight shard ${join(folder, 'model', 'leak.bin')} is a link to ${join(folder, 'outside.bin')}, outside the model's folder`,
    );
    // A link to a file in the folder, and the whole model folder reached through a link, are fine.
    const alias = join(folder, 'model', 'alias.json');
    writeFileSync(alias, JSON.stringify(withPaths(['alias.bin'])));
    expect((await read(alias)).weightData.byteLength).toBe(24);
    symlinkSync(join(folder, 'model'), join(folder, 'linked-model'));
    expect((await read(join(folder, 'linked-model', 'alias.json'))).weightData.byteLength).toBe(24);
  });

  it('refuses absolute shard paths, even to a file inside the folder', async () => {
    const path = writeModel({}, { 'shard1.bin': shard1 });
    const inside = join(path, '../shard1.bin');
    writeFileSync(path, JSON.stringify(withPaths([inside])));
    await expect(read(path)).rejects.toThrow(
      `weight shard ${JSON.stringify(inside)} is not a file inside the model's folder`,
    );
  });

  it('refuses URL schemes, empty names and names that are not strings', async () => {
    for (const name of ['file:///etc/passwd', 'https://example.com/w.bin', 'c:shard.bin', '', 7]) {
      const path = writeModel(withPaths([name]));
      await expect(read(path)).rejects.toMatchObject({
        code: 'MLW_INPUT_INVALID',
        message: expect.stringContaining(`weight shard ${JSON.stringify(name)} is not a file`),
      });
    }
  });

  it('checks every shard name before reading any shard', async () => {
    // The first shard is missing; the second escapes: the escape is what is reported.
    const path = writeModel({
      modelTopology: layersTopology,
      weightsManifest: [
        { paths: ['absent.bin'], weights: [] },
        { paths: ['../x.bin'], weights: specs },
      ],
    });
    await expect(read(path)).rejects.toThrow(/"..\/x.bin" is not a file inside/);
  });

  it('says which file is missing: model.json or a shard', async () => {
    const missingJson = join(root, 'nowhere', 'model.json');
    await expect(read(missingJson)).rejects.toMatchObject({
      code: 'MLW_INPUT_NOT_FOUND',
      message: expect.stringContaining(`cannot read TensorFlow.js model ${missingJson}: ENOENT`),
    });
    const path = writeModel(withPaths(['shard1.bin', 'shard2.bin']), { 'shard1.bin': shard1 });
    await expect(read(path)).rejects.toMatchObject({
      code: 'MLW_INPUT_NOT_FOUND',
      message: expect.stringContaining(
        `cannot read weight shard ${join(path, '../shard2.bin')} named in ${path}: ENOENT`,
      ),
    });
  });

  it('refuses a shard that is a folder', async () => {
    const path = writeModel(withPaths(['shards']));
    mkdirSync(join(path, '../shards'));
    await expect(read(path)).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
      message: expect.stringMatching(/weight shard .*shards named in .* is not a regular file/),
    });
  });

  it('refuses more weights than the limit, naming the option to raise', async () => {
    const path = writeModel(withPaths(['shard1.bin', 'shard2.bin']), {
      'shard1.bin': shard1,
      'shard2.bin': shard2,
    });
    expect((await read(path, 32)).weightData.byteLength).toBe(32);
    await expect(read(path, 31)).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      message: `weight shard ${join(path, '../shard2.bin')} is 8 bytes (32 with the shards before it), over the limit of 31 bytes`,
      hint: 'raise the limit (option `model.maxWeightBytes`) if the model is trusted and this large',
    });
    await expect(read(path, 10)).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      message: expect.stringContaining('is 24 bytes, over the limit of 10 bytes'),
    });
  });

  it('refuses a model.json over 64 MiB without reading it', async () => {
    const path = writeModel('{}');
    truncateSync(path, 64 * 1024 * 1024 + 1);
    await expect(read(path)).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      message: expect.stringContaining(`${path} is 67108865 bytes, over the limit of 67108864`),
      hint: expect.stringContaining('weights belong in shard files'),
    });
  });

  it('refuses files that are not JSON or not a TensorFlow.js model.json', async () => {
    const notJson = writeModel('{"modelTopology": ');
    await expect(read(notJson)).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
      message: expect.stringMatching(new RegExp(`^${notJson} is not JSON: `)),
    });
    for (const json of [{ format: 'layers-model' }, { modelTopology: 'text' }, [1, 2]]) {
      await expect(read(writeModel(json))).rejects.toThrow(
        'is not a TensorFlow.js model.json (it has no modelTopology)',
      );
    }
  });

  it('refuses a malformed weights manifest, saying what is wrong', async () => {
    const notArray = writeModel({ modelTopology: layersTopology, weightsManifest: {} });
    await expect(read(notArray)).rejects.toThrow(`${notArray}: "weightsManifest" is not an array`);
    const noWeights = writeModel({
      modelTopology: layersTopology,
      weightsManifest: [{ paths: [] }],
    });
    await expect(read(noWeights)).rejects.toThrow(
      `${noWeights}: every weightsManifest entry needs "paths" and "weights"`,
    );
    const badSpec = writeModel({
      modelTopology: layersTopology,
      weightsManifest: [{ paths: [], weights: [{ name: 'w', shape: [-1], dtype: 'float32' }] }],
    });
    await expect(read(badSpec)).rejects.toThrow(
      /weight spec \{"name":"w","shape":\[-1\],"dtype":"float32"\} needs a string "name" and "dtype" and a "shape" of whole numbers/,
    );
  });
});
