import { ConfigError, isMissingModule, OptionalDependencyError } from '@mlwarden/core';

/** The npm package ONNX models run on. */
export type OnnxRuntimeName = 'onnxruntime-node' | 'onnxruntime-web';

/** The parts of onnxruntime's tensor this package uses (both runtimes share the API). */
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

export type OrtValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | {
      readonly name: string;
      readonly isTensor: true;
      readonly type: string;
      readonly shape: readonly (number | string)[];
    };

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly OrtValueMetadata[];
  readonly outputMetadata?: readonly OrtValueMetadata[];
  run(
    feeds: Record<string, OrtTensor>,
    fetches?: readonly string[],
  ): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession>;
  };
  Tensor: new (
    type: string,
    data: Float32Array | Float64Array,
    dims: readonly number[],
  ) => OrtTensor;
  env: { wasm?: { numThreads?: number } };
}

export interface OnnxRuntime {
  name: OnnxRuntimeName;
  ort: OrtModule;
  /** Why preferred runtimes were passed over. */
  skipped: string[];
}

const ORDER: readonly OnnxRuntimeName[] = ['onnxruntime-node', 'onnxruntime-web'];
const loaded = new Map<OnnxRuntimeName, Promise<OrtModule>>();

function importRuntime(name: OnnxRuntimeName): Promise<OrtModule> {
  let module = loaded.get(name);
  if (module === undefined) {
    // Optional peers: imported by a name the bundler and the type checker do not resolve.
    const specifier: string = name;
    module = import(specifier).then((m: { default?: OrtModule } & Partial<OrtModule>) => {
      const ort = (m.InferenceSession ? m : m.default) as OrtModule;
      // WebAssembly in Node: one thread keeps runs deterministic and spawns no workers.
      if (name === 'onnxruntime-web' && ort.env.wasm) ort.env.wasm.numThreads = 1;
      return ort;
    });
    loaded.set(name, module);
    module.catch(() => loaded.delete(name));
  }
  return module;
}

/**
 * Loads an ONNX runtime: `onnxruntime-node` (native) when installed, else `onnxruntime-web`
 * (WebAssembly, which runs in Node too). `prefer` (or MLWARDEN_ONNX_RUNTIME) names the one to use;
 * a named runtime that is missing is an error rather than a silent fallback.
 */
export async function loadOnnxRuntime(prefer?: OnnxRuntimeName): Promise<OnnxRuntime> {
  const fromEnv = process.env.MLWARDEN_ONNX_RUNTIME;
  const wanted = prefer ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  if (wanted !== undefined && !ORDER.includes(wanted as OnnxRuntimeName)) {
    throw new ConfigError(`unknown ONNX runtime "${wanted}"; use one of ${ORDER.join(', ')}`, {
      hint: 'check the option `runtime` or the environment variable MLWARDEN_ONNX_RUNTIME',
    });
  }
  const candidates = wanted === undefined ? ORDER : [wanted as OnnxRuntimeName];
  const skipped: string[] = [];
  let missing = 0;
  for (const name of candidates) {
    try {
      return { name, ort: await importRuntime(name), skipped };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const absent = isMissingModule(error);
      if (absent) missing++;
      skipped.push(`${name}: ${absent ? 'not installed' : message}`);
    }
  }
  const install = wanted ?? 'onnxruntime-node';
  if (missing === candidates.length) {
    throw new OptionalDependencyError(install, 'running ONNX models', undefined, {
      detail: skipped.join('; '),
      ...(install === 'onnxruntime-node' && {
        alternative:
          'or `npm install onnxruntime-web` where the native package cannot download its binaries at install time',
      }),
    });
  }
  // A runtime is installed but failed to load (e.g. a native binary for another platform).
  throw new ConfigError(`no ONNX runtime could be loaded (${skipped.join('; ')})`, {
    code: 'MLW_DEPENDENCY_MISSING',
    hint: 'reinstall the runtime that failed to load, or pick another with the option `runtime` or MLWARDEN_ONNX_RUNTIME',
  });
}
