import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors/input-error.js';

/** The largest `model.json` read: it holds the topology and the manifest, never the weights. */
const MODEL_JSON_LIMIT = 64 * 1024 * 1024;

/** One entry of a `weightsManifest` group's `weights`, as TensorFlow.js writes it. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** Other fields (`quantization`, `group`) as written in the file. */
  [key: string]: unknown;
}

/** A TensorFlow.js model read from `model.json` and its weight shards, as plain data. */
export interface TfjsModelFiles {
  /** The `format` field when it is one of these, else `graph-model` when the topology has `node`. */
  format: 'layers-model' | 'graph-model';
  modelTopology: Record<string, unknown>;
  /** The weight specs of every manifest group, in file order. */
  weightSpecs: TfjsWeightSpec[];
  /** The weight shards concatenated in manifest order; its `buffer` holds exactly these bytes. */
  weightData: Uint8Array;
  generatedBy?: string;
  convertedBy?: string;
  signature?: Record<string, unknown>;
}

export interface ReadTfjsModelOptions {
  /** Largest total size of the weight shards; more is `MLW_LIMIT_EXCEEDED`. */
  maxWeightBytes: number;
  /** The option a user raises to allow more weights, named in the error's hint. */
  limitOption?: string;
}

/** A value from the file as JSON for an error message, cut to a readable length. */
const quote = (value: unknown) => String(JSON.stringify(value)).slice(0, 200);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The size of a regular file; a missing one is `MLW_INPUT_NOT_FOUND`. */
async function fileSize(file: string, what: string): Promise<number> {
  const info = await stat(file).catch((error: unknown) => {
    throw new InputError(`cannot read ${what}: ${(error as Error).message}`, {
      code: 'MLW_INPUT_NOT_FOUND',
      cause: error,
    });
  });
  if (!info.isFile()) throw new InputError(`${what} is not a regular file`);
  return info.size;
}

/** Reads exactly `into.length` bytes of `file`; a file that changed size since it was measured is an error. */
async function readExactly(file: string, into: Uint8Array): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    let at = 0;
    while (at < into.length) {
      const { bytesRead } = await handle.read(into, at, into.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    const extra = await handle.read(new Uint8Array(1), 0, 1, at);
    if (at < into.length || extra.bytesRead > 0) {
      throw new InputError(`${file} changed size while it was being read`);
    }
  } catch (error) {
    if (InputError.isInstance(error)) throw error;
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

/** Resolves a shard name against the model's folder, refusing anything that would leave it. */
function shardFile(folder: string, shard: unknown, where: string): string {
  const relativeName =
    typeof shard === 'string' &&
    shard !== '' &&
    !isAbsolute(shard) &&
    !/^[a-z][a-z0-9+.-]*:/i.test(shard);
  const file = relativeName ? resolve(folder, shard) : '';
  const back = relativeName ? relative(folder, file) : '';
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back)) {
    throw new InputError(
      `${where}: weight shard ${quote(shard)} is not a file inside the model's folder`,
      { hint: "weight shards must be relative names of files in model.json's folder or below it" },
    );
  }
  return file;
}

function weightSpec(value: unknown, where: string): TfjsWeightSpec {
  if (
    !isObject(value) ||
    typeof value.name !== 'string' ||
    typeof value.dtype !== 'string' ||
    !Array.isArray(value.shape) ||
    !value.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
  ) {
    throw new InputError(
      `${where}: weight spec ${quote(value)} needs a string "name" and "dtype" and a "shape" of whole numbers`,
    );
  }
  return { ...value, name: value.name, dtype: value.dtype, shape: value.shape as number[] };
}

/**
 * Reads a TensorFlow.js `model.json` (at most 64 MiB) and its weight shards into memory as plain
 * data, without TensorFlow.js and without executing anything in them. Shard names must be relative
 * names of regular files inside the model's folder (no `..` out of it, no absolute paths, no URL
 * schemes); their total size is bounded by `maxWeightBytes`, checked before any shard is read.
 * Errors are `InputError`s: `MLW_INPUT_NOT_FOUND` for a missing file, `MLW_LIMIT_EXCEEDED` over a
 * limit, `MLW_INPUT_INVALID` for anything malformed.
 */
export async function readTfjsModel(
  path: string,
  options: ReadTfjsModelOptions,
): Promise<TfjsModelFiles> {
  const jsonSize = await fileSize(path, `TensorFlow.js model ${path}`);
  if (jsonSize > MODEL_JSON_LIMIT) {
    throw new InputError(
      `TensorFlow.js model ${path} is ${jsonSize} bytes, over the limit of ${MODEL_JSON_LIMIT} bytes for a model.json`,
      {
        code: 'MLW_LIMIT_EXCEEDED',
        hint: 'a model.json holds the topology and the weights manifest; weights belong in shard files beside it',
      },
    );
  }
  const jsonBytes = new Uint8Array(jsonSize);
  await readExactly(path, jsonBytes);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes));
  } catch (error) {
    throw new InputError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const topology = isObject(json) ? json.modelTopology : undefined;
  if (!isObject(json) || !isObject(topology)) {
    throw new InputError(`${path} is not a TensorFlow.js model.json (it has no modelTopology)`);
  }
  const format =
    json.format === 'graph-model' || json.format === 'layers-model'
      ? json.format
      : 'node' in topology
        ? 'graph-model'
        : 'layers-model';

  const folder = dirname(resolve(path));
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) {
    throw new InputError(`${path}: "weightsManifest" is not an array`);
  }
  const files: string[] = [];
  const weightSpecs: TfjsWeightSpec[] = [];
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new InputError(`${path}: every weightsManifest entry needs "paths" and "weights"`);
    }
    for (const shard of group.paths) files.push(shardFile(folder, shard, path));
    for (const spec of group.weights) weightSpecs.push(weightSpec(spec, path));
  }

  const sizes: number[] = [];
  let total = 0;
  // Links are followed only while they stay in the folder (itself resolved: a linked model folder
  // is fine, a shard linked to a file elsewhere is not).
  const realFolder = files.length > 0 ? await realpath(folder) : folder;
  for (const [i, file] of files.entries()) {
    const size = await fileSize(file, `weight shard ${file} named in ${path}`);
    const real = await realpath(file);
    const back = relative(realFolder, real);
    if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back)) {
      throw new InputError(
        `${path}: weight shard ${file} is a link to ${real}, outside the model's folder`,
        {
          hint: "weight shards must be files in model.json's folder or below it, not links out of it",
        },
      );
    }
    files[i] = real;
    total += size;
    if (total > options.maxWeightBytes) {
      const what =
        total === size ? `${size} bytes` : `${size} bytes (${total} with the shards before it)`;
      throw new InputError(
        `weight shard ${file} is ${what}, over the limit of ${options.maxWeightBytes} bytes`,
        {
          code: 'MLW_LIMIT_EXCEEDED',
          hint: `raise the limit${options.limitOption === undefined ? '' : ` (option \`${options.limitOption}\`)`} if the model is trusted and this large`,
        },
      );
    }
    sizes.push(size);
  }
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const [i, file] of files.entries()) {
    const size = sizes[i] as number;
    await readExactly(file, weightData.subarray(at, at + size));
    at += size;
  }
  return {
    format,
    modelTopology: topology,
    weightSpecs,
    weightData,
    ...(typeof json.generatedBy === 'string' && { generatedBy: json.generatedBy }),
    ...(typeof json.convertedBy === 'string' && { convertedBy: json.convertedBy }),
    ...(isObject(json.signature) && { signature: json.signature }),
  };
}
