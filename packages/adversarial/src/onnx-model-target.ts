import { readFile, stat } from 'node:fs/promises';
import { ConfigError, type FeatureSpec, InputError, type ModelTarget } from '@mlwarden/core';
import { argmaxRow } from './_argmax.js';
import { usesExternalData } from './_onnx-external-data.js';
import {
  loadOnnxRuntime,
  type OnnxRuntimeName,
  type OrtSession,
  type OrtTensor,
  type OrtValueMetadata,
} from './_onnx-runtime.js';

export type { OnnxRuntimeName } from './_onnx-runtime.js';

export interface OnnxModelTargetOptions {
  /** Path of an `.onnx` file with its weights inside (models using external data files are refused). */
  model: string;
  /** The input fed with the rows. Default: the model's only input. */
  inputName?: string;
  /**
   * The output holding class scores, `[batch, classes]`. Default: an output named
   * `probabilities` or `output_probability` (scikit-learn exports), else the only float output.
   */
  outputName?: string;
  /**
   * The output holding predicted labels, `[batch]`. Default: an output named `label` or
   * `output_label` when there is one; labels are otherwise the highest-scoring class.
   */
  labelName?: string;
  /**
   * Whether attacks see the scores (default true). `false` makes a labels-only target, as an API
   * answering with a class and nothing else would be.
   */
  probabilities?: boolean;
  /** Class names in score order; labels the model outputs as names or numbers are mapped by them. */
  classes?: string[];
  /** Feature names and bounds of a tabular model, in column order. */
  features?: FeatureSpec[];
  /** Per-row input shape, when the model leaves it open (e.g. `[batch, ?]`). */
  inputShape?: number[];
  /** Rows per run of the model. Default 1024. */
  batchSize?: number;
  /** Largest model file read. Default 512 MiB. */
  maxModelBytes?: number;
  /** Runtime to use; default `onnxruntime-node` when installed, else `onnxruntime-web`. */
  runtime?: OnnxRuntimeName;
}

/** An ONNX classifier as a black-box target: predictions (labels and scores), no gradients. */
export interface OnnxModelTarget extends ModelTarget {
  readonly runtime: OnnxRuntimeName;
  readonly inputName: string;
  /** The score output, when the target exposes scores. */
  readonly outputName?: string;
  readonly labelName?: string;
  /** Values per row. */
  readonly width: number;
  /** Number of classes, when the model has a score output. */
  readonly numClasses?: number;
  /** Frees the runtime's session. */
  dispose(): Promise<void>;
}

function isDynamic(dim: number | string | undefined): boolean {
  // Symbolic dimensions are strings; onnxruntime-web reports an open one as 2^32 - 1.
  return typeof dim !== 'number' || dim < 1 || dim > 0x7fffffff;
}

function tensorMeta(
  metadata: readonly OrtValueMetadata[] | undefined,
  name: string,
): Extract<OrtValueMetadata, { isTensor: true }> | { name: string; isTensor: false } | undefined {
  return metadata?.find((m) => m.name === name);
}

const FLOAT_TYPES = ['float32', 'float64', 'float16'];

/** Picks the score and label outputs by the options, the usual names, then by type. */
function pickOutputs(
  session: OrtSession,
  options: OnnxModelTargetOptions,
  source: string,
): { scores?: string; label?: string } {
  const names = session.outputNames;
  const check = (name: string | undefined, what: string) => {
    if (name !== undefined && !names.includes(name)) {
      throw new ConfigError(`${source} has no output "${name}" (${what})`, {
        hint: `its outputs are: ${names.join(', ')}`,
      });
    }
  };
  check(options.outputName, 'outputName');
  check(options.labelName, 'labelName');
  const meta = session.outputMetadata;
  const floats = names.filter((n) => {
    const m = tensorMeta(meta, n);
    return m?.isTensor === true && FLOAT_TYPES.includes(m.type);
  });
  const scores =
    options.outputName ??
    names.find((n) => n === 'probabilities' || n === 'output_probability') ??
    (floats.length === 1 ? floats[0] : undefined);
  const label =
    options.labelName ?? names.find((n) => n !== scores && (n === 'label' || n === 'output_label'));
  if (scores !== undefined) {
    const m = tensorMeta(meta, scores);
    if (m !== undefined && !m.isTensor) {
      throw new InputError(`${source}: output "${scores}" is not a tensor (a sequence of maps?)`, {
        hint: 'export scikit-learn classifiers with skl2onnx option {"zipmap": False} so probabilities are a [batch, classes] tensor',
      });
    }
  }
  if (scores === undefined && label === undefined) {
    throw new InputError(`${source}: cannot tell which output holds the scores or labels`, {
      hint: `set outputName (scores) or labelName; its outputs are: ${names.join(', ')}`,
    });
  }
  return {
    ...(scores !== undefined && { scores }),
    ...(label !== undefined && { label }),
  };
}

async function readModel(path: string, maxBytes: number): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new InputError(`cannot read ONNX model ${path}: ${(error as Error).message}`, {
      code: 'MLW_INPUT_NOT_FOUND',
      cause: error,
    });
  }
  if (size > maxBytes) {
    throw new InputError(
      `${path}: ONNX model is ${size} bytes, more than the limit of ${maxBytes}`,
      {
        code: 'MLW_LIMIT_EXCEEDED',
        hint: 'raise maxModelBytes if the model is trusted and this large',
      },
    );
  }
  return new Uint8Array(await readFile(path));
}

/**
 * An ONNX classifier (for example a scikit-learn model exported by skl2onnx) as a black-box
 * model target, run by `onnxruntime-node` when installed, else by `onnxruntime-web`
 * (WebAssembly). Rows are fed as float32 (float64 for models declaring double inputs) in batches;
 * the target answers with labels and, unless `probabilities: false`, the model's class scores.
 * The model is read into memory and run from there; a model that keeps tensors in external data
 * files is refused, so a model file can never make the runtime read other files.
 */
export async function createOnnxModelTarget(
  options: OnnxModelTargetOptions,
): Promise<OnnxModelTarget> {
  const source = options.model;
  const batchSize = options.batchSize ?? 1024;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new ConfigError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const runtime = await loadOnnxRuntime(options.runtime);
  const ort = runtime.ort;
  const bytes = await readModel(source, options.maxModelBytes ?? 512 * 1024 * 1024);
  if (usesExternalData(bytes)) {
    throw new InputError(
      `${source} keeps tensors in external data files, which are not opened: a model file may not make mlwarden read other files`,
      {
        hint: 'save the model with its weights inside (onnx.save_model(model, path, save_as_external_data=False))',
      },
    );
  }
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(`${source} is not a valid ONNX model: ${message}`, {
      cause: error,
      hint: `check that the file is a complete .onnx export (${runtime.name} could not load it)`,
    });
  }

  try {
    if (options.inputName !== undefined && !session.inputNames.includes(options.inputName)) {
      throw new ConfigError(`${source} has no input "${options.inputName}"`, {
        hint: `its inputs are: ${session.inputNames.join(', ')}`,
      });
    }
    if (options.inputName === undefined && session.inputNames.length !== 1) {
      throw new ConfigError(
        `${source} has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); say which one takes the rows with inputName`,
      );
    }
    const inputName = options.inputName ?? (session.inputNames[0] as string);
    const inputMeta = tensorMeta(session.inputMetadata, inputName);
    if (inputMeta !== undefined && !inputMeta.isTensor) {
      throw new InputError(`${source}: input "${inputName}" is not a tensor`);
    }
    const declared = inputMeta?.isTensor ? inputMeta.shape : undefined;
    const inputType = inputMeta?.isTensor ? inputMeta.type : 'float32';
    if (inputType !== 'float32' && inputType !== 'float64') {
      throw new InputError(
        `${source}: input "${inputName}" takes ${inputType} values; only float32 and float64 inputs can be attacked`,
        { hint: 'export the model with a float input (e.g. skl2onnx FloatTensorType)' },
      );
    }

    // The per-row shape: declared by the model, or given, and the two must agree.
    const declaredRow = declared && declared.length > 0 ? declared.slice(1) : undefined;
    let shape: number[];
    if (options.inputShape !== undefined) {
      shape = options.inputShape;
      const disagrees =
        declaredRow !== undefined &&
        (declaredRow.length !== shape.length ||
          declaredRow.some((d, i) => !isDynamic(d) && d !== shape[i]));
      if (disagrees) {
        throw new InputError(
          `${source}: inputShape ${JSON.stringify(shape)} does not match the model's input ${JSON.stringify(declared)}`,
        );
      }
    } else if (declaredRow?.every((d) => !isDynamic(d))) {
      shape = declaredRow as number[];
    } else {
      throw new ConfigError(
        `${source}: the input "${inputName}" has shape ${JSON.stringify(declared ?? 'unknown')}, so the row shape is not known`,
        { hint: 'give inputShape, the shape of one row (e.g. [30])' },
      );
    }
    if (shape.length === 0 || shape.some((d) => !(Number.isInteger(d) && d > 0))) {
      throw new InputError(
        `${source}: row shape ${JSON.stringify(shape)} is not a list of positive sizes`,
      );
    }
    const width = shape.reduce((a, b) => a * b, 1);
    if (options.features !== undefined && options.features.length !== width) {
      throw new InputError(
        `${source} takes ${width} values per row but ${options.features.length} features were given`,
      );
    }
    // A model with a fixed batch size runs that many rows at a time, the last run padded.
    const fixedBatch =
      declared !== undefined && !isDynamic(declared[0]) ? (declared[0] as number) : undefined;
    const chunk = fixedBatch ?? batchSize;

    const outputs = pickOutputs(session, options, source);
    const exposeScores = options.probabilities !== false;
    const fetches = [outputs.scores, outputs.label].filter((n): n is string => n !== undefined);
    const classIndex =
      options.classes === undefined
        ? undefined
        : new Map(options.classes.map((name, i) => [name, i]));

    let used = 0;
    let numClasses: number | undefined;
    /** Labels as class indices from the label output's values. */
    const toIndex = (value: unknown, row: number): number => {
      const key = typeof value === 'bigint' ? value.toString() : String(value);
      if (classIndex !== undefined) {
        const i = classIndex.get(key);
        if (i === undefined) {
          throw new InputError(`${source} predicted the class "${key}", which is not in classes`, {
            hint: `classes are: ${[...classIndex.keys()].join(', ')}`,
          });
        }
        return i;
      }
      const n = Number(key);
      if (!(Number.isInteger(n) && n >= 0 && (numClasses === undefined || n < numClasses))) {
        throw new InputError(
          `${source} predicted the label ${JSON.stringify(key)} for row ${row}, which is not a class index`,
          { hint: 'give classes, the class labels in score order, so labels can be mapped' },
        );
      }
      return n;
    };

    // onnxruntime-web runs one call at a time per session; calls made meanwhile wait their turn.
    let queue: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
      if (runtime.name !== 'onnxruntime-web') return task();
      const result = queue.then(task);
      queue = result.catch(() => undefined);
      return result;
    };

    const run = async (x: Float32Array, m: number) => {
      const rows = fixedBatch ?? m;
      const data =
        inputType === 'float64' ? new Float64Array(rows * width) : new Float32Array(rows * width);
      data.set(x.subarray(0, m * width));
      const feed = new ort.Tensor(inputType, data, [rows, ...shape]);
      let out: Record<string, OrtTensor>;
      try {
        out = await exclusive(() => session.run({ [inputName]: feed }, fetches));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new InputError(`${source}: the model failed on a batch of ${m} rows: ${message}`, {
          cause: error,
        });
      }
      return out;
    };

    const target: OnnxModelTarget = {
      kind: 'classifier',
      source,
      inputSpec: options.features ? { features: options.features } : { shape, dtype: 'float32' },
      ...(options.classes !== undefined && { classes: options.classes }),
      runtime: runtime.name,
      inputName,
      ...(outputs.scores !== undefined && exposeScores && { outputName: outputs.scores }),
      ...(outputs.label !== undefined && { labelName: outputs.label }),
      width,
      get numClasses() {
        return numClasses;
      },
      get queries() {
        return { used };
      },
      async predict(x, n, callOptions) {
        if (!(Number.isInteger(n) && n >= 0) || x.length !== n * width) {
          throw new InputError(
            `${source}: ${x.length} values for ${n} rows of ${width} (row shape ${JSON.stringify(shape)})`,
          );
        }
        used += n;
        const labels = new Int32Array(n);
        let probabilities: Float32Array | undefined;
        for (let from = 0; from < n; from += chunk) {
          callOptions?.signal?.throwIfAborted();
          const to = Math.min(n, from + chunk);
          const m = to - from;
          const out = await run(x.subarray(from * width, to * width), m);
          if (outputs.scores !== undefined) {
            const scores = out[outputs.scores] as OrtTensor;
            const k = scores.dims.length === 2 ? (scores.dims[1] as number) : 0;
            if (scores.dims[0] !== (fixedBatch ?? m) || k < 1) {
              throw new InputError(
                `${source}: output "${outputs.scores}" has shape ${JSON.stringify(scores.dims)}, not [rows, classes]`,
                { hint: 'name the score output with outputName' },
              );
            }
            numClasses ??= k;
            if (k !== numClasses) throw new InputError(`${source}: the number of classes changed`);
            probabilities ??= new Float32Array(n * k);
            const values = scores.data as ArrayLike<number>;
            for (let i = 0; i < m * k; i++) probabilities[from * k + i] = values[i] as number;
          }
          if (outputs.label !== undefined) {
            const values = (out[outputs.label] as OrtTensor).data as ArrayLike<unknown>;
            for (let r = 0; r < m; r++) labels[from + r] = toIndex(values[r], from + r);
          } else if (probabilities !== undefined && numClasses !== undefined) {
            for (let r = from; r < to; r++) labels[r] = argmaxRow(probabilities, r, numClasses);
          }
        }
        return probabilities !== undefined && exposeScores ? { labels, probabilities } : { labels };
      },
      async dispose() {
        await session.release();
      },
    };
    return target;
  } catch (error) {
    await session.release().catch(() => undefined);
    throw error;
  }
}
