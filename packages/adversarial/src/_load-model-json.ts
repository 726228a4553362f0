import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { InputError } from '@mlwarden/core';
import type * as tf from '@tensorflow/tfjs';

export interface LoadedArtifacts {
  format: 'layers-model' | 'graph-model';
  handler: tf.io.IOHandler;
}

const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths?: unknown; weights?: unknown }[];
  [key: string]: unknown;
}

function weightPath(root: string, path: unknown, where: string): string {
  if (typeof path !== 'string' || path === '' || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    throw new InputError(
      `${where}: weight path ${JSON.stringify(path)} is not a relative file name`,
    );
  }
  const full = resolve(root, normalize(path));
  const rel = relative(root, full);
  if (isAbsolute(path) || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new InputError(`${where}: weight path "${path}" points outside the model's directory`, {
      hint: 'weight files must sit in the directory of model.json or below it',
    });
  }
  return full;
}

/**
 * Reads a TensorFlow.js `model.json` and its weight shards from disk into memory, refusing weight
 * paths that leave the model's directory and more than `maxWeightBytes` of weights. Nothing in the
 * files is executed: TensorFlow.js builds layers and graph ops from their JSON description.
 */
export async function loadModelJson(
  path: string,
  maxWeightBytes: number,
): Promise<LoadedArtifacts> {
  const where = path;
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_MODEL_JSON_BYTES) {
      throw new InputError(`${where}: model.json is ${info.size} bytes, more than 64 MiB`);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (InputError.isInstance(error)) throw error;
    throw new InputError(`cannot read TensorFlow.js model ${where}: ${(error as Error).message}`, {
      code: 'MLW_INPUT_NOT_FOUND',
      cause: error,
    });
  }
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (error) {
    throw new InputError(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || json.modelTopology === undefined) {
    throw new InputError(`${where} is not a TensorFlow.js model.json (no modelTopology)`);
  }
  const format =
    json.format === 'graph-model' || json.format === 'layers-model'
      ? json.format
      : isGraphTopology(json.modelTopology)
        ? 'graph-model'
        : 'layers-model';
  const root = dirname(resolve(path));
  const manifest = Array.isArray(json.weightsManifest) ? json.weightsManifest : [];
  const files: string[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new InputError(`${where}: weightsManifest entries need "paths" and "weights" arrays`);
    }
    for (const p of group.paths) files.push(weightPath(root, p, where));
    specs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  let total = 0;
  for (const file of files) {
    const size = (await stat(file).catch(() => undefined))?.size;
    if (size === undefined) {
      throw new InputError(`${where}: weight file ${relative(root, file)} is missing`, {
        code: 'MLW_INPUT_NOT_FOUND',
      });
    }
    total += size;
    if (total > maxWeightBytes) {
      throw new InputError(`${where}: weights exceed the limit of ${maxWeightBytes} bytes`, {
        code: 'MLW_LIMIT_EXCEEDED',
        hint: 'raise maxWeightBytes if the model is trusted and this large',
      });
    }
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const file of files) {
    const bytes = await readFile(file);
    weightData.set(bytes.subarray(0, total - offset), offset);
    offset += bytes.length;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as object,
    format,
    weightSpecs: specs,
    weightData: weightData.buffer,
    ...(typeof json.generatedBy === 'string' && { generatedBy: json.generatedBy }),
    ...(typeof json.convertedBy === 'string' && { convertedBy: json.convertedBy }),
    ...(typeof json.signature === 'object' &&
      json.signature !== null && { signature: json.signature }),
  };
  return { format, handler: { load: async () => artifacts } };
}

function isGraphTopology(topology: unknown): boolean {
  return typeof topology === 'object' && topology !== null && 'node' in topology;
}
