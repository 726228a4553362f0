import { ConfigError, type FeatureSpec, InputError, type ModelTarget } from '@mlwarden/core';
import type * as Tf from '@tensorflow/tfjs';
import { argmaxRow } from './_argmax.js';
import { loadModelJson } from './_load-model-json.js';
import { loadTf, type TfModule } from './_tf.js';
import { MissingGradientError } from './missing-gradient-error.js';
import { initTfBackend, type TfBackendInfo, type TfBackendName } from './tf-backend.js';

export interface TfModelTargetOptions {
  /** Path of a TensorFlow.js `model.json` (Layers or Graph format), or a model already in memory. */
  model: string | Tf.LayersModel | Tf.GraphModel;
  /** Class names, in output order. */
  classes?: string[];
  /**
   * What the model outputs. `auto` (default): logits are taken from before a final softmax (the
   * last layer of a Layers model, the output node of a graph model, behind Identity nodes);
   * otherwise outputs that are non-negative and sum to 1 are probabilities.
   */
  output?: 'auto' | 'logits' | 'probabilities';
  /** Feature names and bounds of a tabular model, in column order. */
  features?: FeatureSpec[];
  /** Rows per forward or backward pass. Default 256. */
  batchSize?: number;
  /** Largest total size of weight files read from disk. Default 512 MiB. */
  maxWeightBytes?: number;
  /** Backend to start from; default: tfjs-node if installed, else WebAssembly, else CPU. */
  backend?: TfBackendName;
}

/** A white-box target: predictions plus the gradient of the cross-entropy loss w.r.t. the input. */
export interface TfModelTarget extends ModelTarget {
  readonly backend: TfBackendInfo;
  /** The TensorFlow.js model attacked. */
  readonly model: Tf.LayersModel | Tf.GraphModel;
  /** `layers-model` (Keras-style layers) or `graph-model` (converted TensorFlow graph). */
  readonly format: 'layers-model' | 'graph-model';
  /** Values per row. */
  readonly width: number;
  readonly numClasses: number;
  gradient(x: Float32Array, labels: Int32Array, n: number): Promise<Float32Array>;
  /** Per-row cross-entropy loss. */
  loss(x: Float32Array, labels: Int32Array, n: number): Promise<Float32Array>;
  /** Frees the model's tensors when this target loaded it. */
  dispose(): void;
}

type Forward = (x: Tf.Tensor) => Tf.Tensor2D;

function isLayersModel(model: Tf.LayersModel | Tf.GraphModel): model is Tf.LayersModel {
  return 'layers' in model && Array.isArray((model as Tf.LayersModel).layers);
}

function activationName(layer: Tf.layers.Layer): string | undefined {
  const activation = (layer as unknown as { activation?: { getClassName?: () => string } })
    .activation;
  return activation?.getClassName?.();
}

/** Logits of a Layers model whose last layer applies softmax, or undefined. */
function logitsOfLayers(tf: TfModule, model: Tf.LayersModel): Forward | undefined {
  const last = model.layers[model.layers.length - 1];
  if (last === undefined || activationName(last) !== 'softmax') return undefined;
  const before = last.input;
  if (Array.isArray(before)) return undefined;
  const trunk = tf.model({ inputs: model.inputs, outputs: before });
  const className = last.getClassName();
  if (className === 'Activation') return (x) => trunk.apply(x) as Tf.Tensor2D;
  if (className !== 'Dense') return undefined;
  if (last.getWeights().length === 0) return undefined;
  return (x) => {
    // Read at call time, so a model trained after the target was made is seen as it is now.
    const [kernel, bias] = last.getWeights();
    const h = trunk.apply(x) as Tf.Tensor2D;
    const z = tf.matMul(h, kernel as Tf.Tensor2D);
    return (bias === undefined ? z : tf.add(z, bias)) as Tf.Tensor2D;
  };
}

/** Cross-entropy of softmax(logits), with a gradient that stays exact for confident rows. */
function crossEntropyFromLogitsIn(tf: TfModule) {
  return tf.customGrad((...args) => {
    const [logits, onehot, save] = args as [Tf.Tensor2D, Tf.Tensor2D, Tf.GradSaveFunc];
    const logp = tf.logSoftmax(logits);
    const value = tf.neg(tf.sum(tf.mul(onehot, logp), 1));
    // d loss / d logits = p - onehot. For the label, 1 - p_y is computed as the sum of the other
    // probabilities, which float32 keeps even when p_y rounds to 1.
    const p = tf.exp(logp);
    const others = tf.mul(p, tf.sub(1, onehot));
    const dz = tf.sub(others, tf.mul(onehot, tf.sum(others, 1, true)));
    save([dz, onehot]);
    return {
      value,
      gradFunc: (dy: Tf.Tensor, saved: Tf.Tensor[]) => {
        const [savedDz, savedOnehot] = saved as [Tf.Tensor, Tf.Tensor];
        return [tf.mul(savedDz, tf.expandDims(dy, 1)), tf.zerosLike(savedOnehot)];
      },
    };
  });
}

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

/** The GraphDef JSON of a graph model, when it can be read. */
function graphNodes(model: Tf.GraphModel, artifacts?: Tf.io.ModelArtifacts): GraphNode[] {
  // GraphModel keeps the artifacts it was built from; they are not part of its typed API.
  const source = artifacts ?? (model as unknown as { artifacts?: Tf.io.ModelArtifacts }).artifacts;
  const topology = source?.modelTopology as { node?: unknown } | undefined;
  return Array.isArray(topology?.node) ? (topology.node as GraphNode[]) : [];
}

/** The graph node a signature output key or tensor name refers to. */
function outputNodeName(
  model: Tf.GraphModel,
  artifacts?: Tf.io.ModelArtifacts,
): string | undefined {
  const key = model.outputNodes[0];
  if (key === undefined) return undefined;
  const source = artifacts ?? (model as unknown as { artifacts?: Tf.io.ModelArtifacts }).artifacts;
  const signature = source?.signature as
    | { outputs?: Record<string, { name?: string }> }
    | undefined;
  const tensor = signature?.outputs?.[key]?.name ?? key;
  return tensor.replace(/:\d+$/, '');
}

/**
 * Logits of a graph model whose output is `softmax(z)` (possibly behind Identity nodes), computed
 * by running the graph only up to `z`; undefined when the output is anything else.
 */
function logitsOfGraph(
  model: Tf.GraphModel,
  artifacts?: Tf.io.ModelArtifacts,
): Forward | undefined {
  const nodes = new Map(graphNodes(model, artifacts).map((node) => [node.name, node]));
  let node = nodes.get(outputNodeName(model, artifacts) ?? '');
  for (let hops = 0; node?.op === 'Identity' && hops < 16; hops++) {
    node = nodes.get((node.input?.[0] ?? '').replace(/:\d+$/, ''));
  }
  const before = node?.op === 'Softmax' ? node.input?.[0] : undefined;
  if (before === undefined || before.startsWith('^')) return undefined;
  return (x) => model.execute(x, before) as Tf.Tensor2D;
}

function crossEntropyFromProbabilities(
  tf: TfModule,
  p: Tf.Tensor2D,
  onehot: Tf.Tensor2D,
): Tf.Tensor {
  return tf.neg(tf.sum(tf.mul(onehot, tf.log(tf.maximum(p, 1e-30))), 1));
}

function perRowShape(model: Tf.LayersModel | Tf.GraphModel, source: string): number[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InputError(
      `${source} has ${model.inputs.length} inputs and ${model.outputs.length} outputs; a classifier target needs one of each`,
    );
  }
  const shape = model.inputs[0]?.shape;
  if (shape === undefined || shape.length < 2 || shape.slice(1).some((d) => d == null || d < 1)) {
    throw new InputError(
      `the model's input shape ${JSON.stringify(shape)} is not [batch, ...fixed dimensions]`,
    );
  }
  return shape.slice(1) as number[];
}

/**
 * A TensorFlow.js classifier as a white-box model target. Loads `model.json` files (Layers or
 * graph format, told apart by their `format` field) without executing anything in them, picks the
 * fastest available backend, and computes gradients of the cross-entropy loss with respect to the
 * input for gradient attacks. A graph model with an op TensorFlow.js cannot differentiate still
 * predicts; its `gradient` throws a {@link MissingGradientError} naming the op.
 */
export async function createTfModelTarget(options: TfModelTargetOptions): Promise<TfModelTarget> {
  const backend = await initTfBackend(
    options.backend === undefined ? {} : { prefer: options.backend },
  );
  const tf = await loadTf();
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new ConfigError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  let model: Tf.LayersModel | Tf.GraphModel;
  let owned = false;
  let source = 'in-memory TensorFlow.js model';
  let artifacts: Tf.io.ModelArtifacts | undefined;
  if (typeof options.model === 'string') {
    source = options.model;
    const loaded = await loadModelJson(options.model, options.maxWeightBytes ?? 512 * 1024 * 1024);
    const { format, handler } = loaded;
    artifacts = loaded.artifacts;
    try {
      model =
        format === 'graph-model'
          ? await tf.loadGraphModel(handler)
          : await tf.loadLayersModel(handler, { strict: true });
    } catch (error) {
      throw new InputError(
        `cannot build the TensorFlow.js ${format} in ${source}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    owned = true;
  } else {
    model = options.model;
  }
  const shape = perRowShape(model, source);
  const format = isLayersModel(model) ? 'layers-model' : 'graph-model';
  const width = shape.reduce((a, b) => a * b, 1);
  const forwardRaw: Forward = isLayersModel(model)
    ? (x) => (model as Tf.LayersModel).apply(x) as Tf.Tensor2D
    : (x) => (model as Tf.GraphModel).predict(x) as Tf.Tensor2D;
  const toTensor = (x: Float32Array, n: number) => tf.tensor(x, [n, ...shape], 'float32');

  // Decide what the outputs are.
  let logits: Forward | undefined;
  const mode = options.output ?? 'auto';
  if (mode === 'logits') logits = forwardRaw;
  else if (mode === 'auto') {
    logits = isLayersModel(model) ? logitsOfLayers(tf, model) : logitsOfGraph(model, artifacts);
  }
  let probe: Tf.Tensor;
  try {
    probe = tf.tidy(() => forwardRaw(tf.zeros([1, ...shape])));
  } catch (error) {
    throw new InputError(`${source}: the model cannot run here: ${(error as Error).message}`, {
      cause: error,
      hint: 'a graph model may use an op this TensorFlow.js backend lacks; try another backend (option `backend` or MLWARDEN_TF_BACKEND)',
    });
  }
  const numClasses = probe.shape[1] ?? 0;
  if (probe.shape.length !== 2 || numClasses < 2) {
    probe.dispose();
    throw new InputError(
      `${source}: expected a classifier with output [batch, classes], got ${JSON.stringify(probe.shape)}`,
    );
  }
  if (mode === 'auto' && logits === undefined) {
    const row = probe.dataSync() as Float32Array;
    const sum = row.reduce((a, b) => a + b, 0);
    if (!(row.every((v) => v >= 0) && Math.abs(sum - 1) < 1e-3)) logits = forwardRaw;
  }
  probe.dispose();
  if (options.classes !== undefined && options.classes.length !== numClasses) {
    throw new ConfigError(
      `${source} has ${numClasses} outputs but ${options.classes.length} class names were given`,
    );
  }

  const probabilities: Forward = logits ? (x) => tf.softmax((logits as Forward)(x)) : forwardRaw;
  const crossEntropyFromLogits = crossEntropyFromLogitsIn(tf);
  const lossOf = (x: Tf.Tensor, labels: Tf.Tensor1D): Tf.Tensor => {
    const onehot = tf.oneHot(labels, numClasses).toFloat() as Tf.Tensor2D;
    return logits
      ? crossEntropyFromLogits(logits(x), onehot)
      : crossEntropyFromProbabilities(tf, forwardRaw(x), onehot);
  };

  let used = 0;
  const checkInput = (x: Float32Array, n: number, what: string) => {
    if (x.length !== n * width) {
      throw new InputError(
        `${what}: ${x.length} values for ${n} rows of ${width} (shape ${JSON.stringify(shape)})`,
      );
    }
  };
  const inBatches = async (
    n: number,
    step: (from: number, to: number) => Promise<void>,
  ): Promise<void> => {
    for (let from = 0; from < n; from += batchSize) await step(from, Math.min(n, from + batchSize));
  };

  const target: TfModelTarget = {
    kind: 'classifier',
    source,
    inputSpec: options.features ? { features: options.features } : { shape, dtype: 'float32' },
    ...(options.classes !== undefined && { classes: options.classes }),
    backend,
    model,
    format,
    width,
    numClasses,
    get queries() {
      return { used };
    },
    async predict(x, n) {
      checkInput(x, n, 'predict');
      used += n;
      const labels = new Int32Array(n);
      const probs = new Float32Array(n * numClasses);
      await inBatches(n, async (from, to) => {
        const p = tf.tidy(() =>
          probabilities(toTensor(x.subarray(from * width, to * width), to - from)),
        );
        const values = (await p.data()) as Float32Array;
        p.dispose();
        probs.set(values, from * numClasses);
        for (let i = from; i < to; i++) labels[i] = argmaxRow(probs, i, numClasses);
      });
      return { labels, probabilities: probs };
    },
    async gradient(x, labels, n) {
      checkInput(x, n, 'gradient');
      used += n;
      const out = new Float32Array(n * width);
      await inBatches(n, async (from, to) => {
        let g: Tf.Tensor;
        try {
          g = tf.tidy(() => {
            const y = tf.tensor1d(labels.subarray(from, to), 'int32');
            const xs = toTensor(x.subarray(from * width, to * width), to - from);
            return tf.grad((input: Tf.Tensor) => tf.sum(lossOf(input, y)))(xs);
          });
        } catch (error) {
          const op = MissingGradientError.opOf(error);
          if (op !== undefined) throw new MissingGradientError(source, op, error);
          throw error;
        }
        out.set((await g.data()) as Float32Array, from * width);
        g.dispose();
      });
      return out;
    },
    async loss(x, labels, n) {
      checkInput(x, n, 'loss');
      used += n;
      const out = new Float32Array(n);
      await inBatches(n, async (from, to) => {
        const l = tf.tidy(() =>
          lossOf(
            toTensor(x.subarray(from * width, to * width), to - from),
            tf.tensor1d(labels.subarray(from, to), 'int32'),
          ),
        );
        out.set((await l.data()) as Float32Array, from);
        l.dispose();
      });
      return out;
    },
    dispose() {
      if (owned) model.dispose();
    },
  };
  return target;
}
