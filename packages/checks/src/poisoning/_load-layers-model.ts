import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '@mlwarden/core';
import type { io, LayersModel } from '@tensorflow/tfjs';
import type { TfModule } from './_import-tfjs.js';

const MODEL_JSON_LIMIT = 64 * 1024 * 1024;

async function readBounded(
  file: string,
  limit: number,
  what: string,
  already = 0,
): Promise<Buffer> {
  const size = await stat(file).then(
    (s) => s.size,
    (error: unknown) => {
      throw new InputError(`cannot read ${what} ${file}: ${(error as Error).message}`, {
        code: 'MLW_INPUT_NOT_FOUND',
        cause: error,
      });
    },
  );
  if (already + size > limit) {
    const total =
      already === 0
        ? `${size} bytes`
        : `${size} bytes (${already + size} with the shards before it)`;
    throw new InputError(`${what} ${file} is ${total}, over the limit of ${limit} bytes`, {
      code: 'MLW_LIMIT_EXCEEDED',
      hint: 'raise the limit (option `model.maxWeightBytes`) if the model is trusted and this large',
    });
  }
  return readFile(file);
}

/**
 * Loads a TensorFlow.js Layers model from `model.json` and its weight shards. Only JSON and raw
 * weights are read: layers are built from their JSON description, nothing in the files runs.
 * Weight shards must sit inside the model's folder; their total size is bounded.
 */
export async function loadLayersModel(
  tf: TfModule,
  path: string,
  maxWeightBytes: number,
): Promise<LayersModel> {
  const text = (await readBounded(path, MODEL_JSON_LIMIT, 'TensorFlow.js model')).toString('utf8');
  let json: {
    format?: unknown;
    modelTopology?: unknown;
    weightsManifest?: { paths?: unknown; weights?: unknown }[];
  };
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const topology = json?.modelTopology;
  if (typeof topology !== 'object' || topology === null) {
    throw new InputError(`${path} is not a TensorFlow.js model.json (it has no modelTopology)`);
  }
  if (json.format === 'graph-model' || 'node' in topology) {
    throw new InputError(`${path} is a TensorFlow.js graph model, which has no named layers`, {
      hint: 'export the model as a Layers model (tf.LayersModel.save, or tensorflowjs_converter --output_format tfjs_layers_model)',
    });
  }
  const folder = dirname(resolve(path));
  const specs: io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  let total = 0;
  for (const group of Array.isArray(json.weightsManifest) ? json.weightsManifest : []) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) {
      throw new InputError(`${path}: every weightsManifest entry needs "paths" and "weights"`);
    }
    for (const shard of group.paths) {
      const inside =
        typeof shard === 'string' &&
        shard !== '' &&
        !isAbsolute(shard) &&
        !/^[a-z][\w+.-]*:/i.test(shard);
      const file = inside ? resolve(folder, shard) : '';
      const back = relative(folder, file);
      if (!inside || back === '' || back.startsWith('..') || isAbsolute(back)) {
        throw new InputError(
          `${path}: weight shard ${JSON.stringify(shard)} is not a file inside the model's folder`,
        );
      }
      const bytes = await readBounded(file, maxWeightBytes, 'weight shard', total);
      total += bytes.length;
      shards.push(bytes);
    }
    specs.push(...(group.weights as io.WeightsManifestEntry[]));
  }
  const weights = new Uint8Array(total);
  let at = 0;
  for (const bytes of shards) {
    weights.set(bytes, at);
    at += bytes.length;
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology as object,
        weightSpecs: specs,
        weightData: weights.buffer,
      }),
      { strict: true },
    );
  } catch (error) {
    throw new InputError(`cannot build the Layers model in ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
