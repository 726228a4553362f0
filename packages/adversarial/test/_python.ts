import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

const venvs = new Map<string, Promise<string>>();

/** Path of the virtual environment for python/NAME.requirements.txt (made once by scripts/py-venv). */
export function pythonVenv(name: string): Promise<string> {
  let venv = venvs.get(name);
  if (venv === undefined) {
    venv = run(join(repo, 'scripts/py-venv'), [name], { maxBuffer: 1 << 20 }).then((r) =>
      r.stdout.trim(),
    );
    venvs.set(name, venv);
  }
  return venv;
}

export interface ArraySpec {
  file: string;
  dtype: 'f32' | 'i32';
  shape: number[];
}

/** Arrays to hand to Python: a typed array and its shape. */
export type ArrayIn = { data: Float32Array | Int32Array; shape: number[] };

function isArrayIn(value: unknown): value is ArrayIn {
  return (
    typeof value === 'object' &&
    value !== null &&
    'data' in value &&
    (value.data instanceof Float32Array || value.data instanceof Int32Array)
  );
}

/**
 * Runs `packages/adversarial/python/SCRIPT COMMAND WORKDIR` in the venv NAME with `request`; every
 * `ArrayIn` in it (at any depth) is written as a raw file and replaced by its spec. Returns the
 * response and a reader for arrays it names.
 */
export async function runPython<T>(
  venv: string,
  script: string,
  command: string,
  request: Record<string, unknown>,
): Promise<{ response: T; array: (spec: ArraySpec) => Promise<Float32Array | Int32Array> }> {
  const python = join(await pythonVenv(venv), 'bin/python');
  const dir = await mkdtemp(join(tmpdir(), `mlwarden-${venv}-`));
  let count = 0;
  const writes: Promise<void>[] = [];
  const convert = (value: unknown): unknown => {
    if (isArrayIn(value)) {
      const dtype = value.data instanceof Float32Array ? 'f32' : 'i32';
      const file = `in${count++}.${dtype}`;
      writes.push(
        writeFile(
          join(dir, file),
          new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength),
        ),
      );
      return { file, dtype, shape: value.shape };
    }
    if (Array.isArray(value)) return value.map(convert);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    }
    return value;
  };
  const converted = convert(request);
  await Promise.all(writes);
  await writeFile(join(dir, 'request.json'), JSON.stringify(converted));
  try {
    await run(python, [resolve(here, '../python', script), command, dir], {
      maxBuffer: 16 << 20,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
    });
    const response = JSON.parse(await readFile(join(dir, 'response.json'), 'utf8')) as T;
    const arrays = new Map<string, Float32Array | Int32Array>();
    for (const entry of await readdir(dir)) {
      if (!/\.(f32|i32)$/.test(entry) || entry.startsWith('in')) continue;
      const bytes = await readFile(join(dir, entry));
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      arrays.set(entry, entry.endsWith('.f32') ? new Float32Array(buffer) : new Int32Array(buffer));
    }
    return {
      response,
      array: async (spec) => {
        const found = arrays.get(spec.file);
        if (found === undefined) throw new Error(`ART wrote no ${spec.file}`);
        return found;
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
