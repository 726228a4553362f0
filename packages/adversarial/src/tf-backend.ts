import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, isMissingModule } from '@mlwarden/core';
import { loadTf, type TfModule } from './_tf.js';
import { speedUpWasmMatMul } from './_wasm-matmul.js';

/** `tensorflow` is the native backend of `@tensorflow/tfjs-node`. */
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface TfBackendInfo {
  /** The backend every TensorFlow.js computation of this process now runs on. */
  name: TfBackendName;
  /** Why preferred backends were passed over, e.g. `tensorflow: @tensorflow/tfjs-node is not installed`. */
  skipped: string[];
}

const ORDER: readonly TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];
let current: Promise<TfBackendInfo> | undefined;
let currentKey = '';

async function tryBackend(tf: TfModule, name: TfBackendName): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') {
      // An optional peer: imported by a name the bundler and type checker do not resolve.
      const nodeBinding = '@tensorflow/tfjs-node';
      await import(nodeBinding);
      if (tf.findBackendFactory('tensorflow') === null) {
        return '@tensorflow/tfjs-node is installed but registered with another copy of @tensorflow/tfjs';
      }
    }
    if (name === 'wasm') {
      // Imported here, not at the top, so that loading this package does not load the backend.
      const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const root = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      setWasmPaths(`${join(root, 'dist')}/`);
    }
    if (!(await tf.setBackend(name))) return `backend ${name} failed to initialise`;
    if (name === 'wasm') speedUpWasmMatMul(tf);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return name === 'tensorflow' && isMissingModule(error)
      ? '@tensorflow/tfjs-node is not installed'
      : (message ?? 'unknown error');
  }
}

/**
 * Chooses the TensorFlow.js backend once per process: `@tensorflow/tfjs-node` when it is installed,
 * else WebAssembly (its `.wasm` files are loaded from the installed package), else pure JavaScript.
 * `prefer` (or the environment variable `MLWARDEN_TF_BACKEND`) names the backend to start from.
 */
export function initTfBackend(options: { prefer?: TfBackendName } = {}): Promise<TfBackendInfo> {
  const fromEnv = process.env.MLWARDEN_TF_BACKEND;
  const prefer = options.prefer ?? (fromEnv === '' ? undefined : fromEnv);
  if (prefer !== undefined && !ORDER.includes(prefer as TfBackendName)) {
    throw new ConfigError(
      `unknown TensorFlow.js backend "${prefer}"; use one of ${ORDER.join(', ')}`,
      { hint: 'check the option `backend` or the environment variable MLWARDEN_TF_BACKEND' },
    );
  }
  const key = prefer ?? 'auto';
  if (current !== undefined && currentKey === key) return current;
  currentKey = key;
  const candidates = ORDER.slice(prefer === undefined ? 0 : ORDER.indexOf(prefer as TfBackendName));
  current = (async () => {
    const tf = await loadTf();
    const skipped: string[] = [];
    for (const name of candidates) {
      const problem = await tryBackend(tf, name);
      if (problem === undefined) return { name, skipped };
      skipped.push(`${name}: ${problem}`);
    }
    throw new ConfigError(`no TensorFlow.js backend could start (${skipped.join('; ')})`);
  })();
  return current;
}
