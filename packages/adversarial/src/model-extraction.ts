import { ConfigError, type ModelTarget } from '@mlwarden/core';
import type * as Tf from '@tensorflow/tfjs';
import { featureBounds } from './_bounds.js';
import { type AttackStop, endRun, queryUsage, stopOf, widthOfTarget } from './_evasion-common.js';
import { createRandom, type Random } from './_random.js';
import { loadTf } from './_tf.js';
import type { TabularConstraints } from './tabular-constraints.js';
import { initTfBackend } from './tf-backend.js';

/**
 * How the attacker picks queries. `random`: uniform in the feature bounds. `in-distribution`:
 * rows of data like the training data (the `pool`). `adversarial`: a seed set from the pool, then
 * Jacobian-based augmentation (Papernot et al., 2017): points pushed along the surrogate's
 * gradient, towards where the target's decision boundary is.
 */
export type ExtractionStrategy = 'random' | 'in-distribution' | 'adversarial';
export const EXTRACTION_STRATEGIES: readonly ExtractionStrategy[] = [
  'random',
  'in-distribution',
  'adversarial',
];

export interface SurrogateOptions {
  /** Hidden layer sizes of the surrogate MLP. Default [64]. */
  hiddenUnits?: readonly number[];
  /** Training epochs. Default 60. */
  epochs?: number;
  /** Adam learning rate. Default 0.01. */
  learningRate?: number;
  /** Default 32. */
  batchSize?: number;
}

export interface ExtractionOptions {
  /** Query counts at which a surrogate is trained and measured, ascending. */
  budgets: readonly number[];
  /** Default `in-distribution`. */
  strategy?: ExtractionStrategy;
  /** Attacker data for `in-distribution` and the seed set of `adversarial` (rows, row-major). */
  pool?: Float32Array;
  /** Held-out rows on which fidelity (agreement with the target) is measured. */
  evaluation: Float32Array;
  surrogate?: SurrogateOptions;
  /** Bounds for `random` queries and augmentation (default: the range of pool and evaluation). */
  constraints?: TabularConstraints;
  /** `adversarial`: augmentation step as a share of each feature's range. Default 0.1. */
  augmentationStep?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface ExtractionPoint {
  /** Attacker queries spent so far. */
  queries: number;
  /** Share of evaluation rows where the surrogate and the target agree. */
  fidelity: number;
}

export interface ExtractionResult {
  strategy: ExtractionStrategy;
  curve: ExtractionPoint[];
  /** Rows fidelity was measured on. */
  evaluationRows: number;
  /** Queries spent labelling the evaluation rows (not part of the attacker's budget). */
  evaluationQueries: number;
  /** Whether the surrogate learned from class scores (true) or labels only. */
  usedScores: boolean;
  seed: number;
  queries: { used: number; budget?: number };
  complete: boolean;
  stopped?: AttackStop;
}

interface Labelled {
  x: number[][];
  targets: number[][];
}

function standardiser(rows: number[][], width: number) {
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (const row of rows)
    for (let j = 0; j < width; j++)
      mean[j] = (mean[j] as number) + (row[j] as number) / rows.length;
  for (const row of rows)
    for (let j = 0; j < width; j++)
      std[j] = (std[j] as number) + ((row[j] as number) - (mean[j] as number)) ** 2 / rows.length;
  for (let j = 0; j < width; j++) std[j] = Math.sqrt(std[j] as number) || 1;
  return (x: Float32Array, n: number) => {
    const out = new Float32Array(n * width);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < width; j++)
        out[i * width + j] =
          ((x[i * width + j] as number) - (mean[j] as number)) / (std[j] as number);
    }
    return out;
  };
}

/** Trains a fresh surrogate MLP (seeded, deterministic) on what the attacker has seen. */
async function trainSurrogate(
  data: Labelled,
  width: number,
  classes: number,
  options: SurrogateOptions,
  random: Random,
) {
  const tf = await loadTf();
  const standardise = standardiser(data.x, width);
  const n = data.x.length;
  const order = random.shuffle(Array.from({ length: n }, (_, i) => i));
  const x = new Float32Array(n * width);
  const t = new Float32Array(n * classes);
  order.forEach((i, k) => {
    x.set(data.x[i] as number[], k * width);
    t.set(data.targets[i] as number[], k * classes);
  });
  const model = tf.sequential();
  const seedBase = random.int(1 << 30);
  (options.hiddenUnits ?? [64]).forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seedBase + i }),
        ...(i === 0 && { inputShape: [width] }),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: classes,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedBase + 99 }),
      ...((options.hiddenUnits ?? [64]).length === 0 && { inputShape: [width] }),
    }),
  );
  model.compile({
    optimizer: tf.train.adam(options.learningRate ?? 0.01),
    loss: (yTrue: Tf.Tensor, yPred: Tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const xs = tf.tensor2d(standardise(x, n), [n, width]);
  const ys = tf.tensor2d(t, [n, classes]);
  await model.fit(xs, ys, {
    epochs: options.epochs ?? 60,
    batchSize: options.batchSize ?? 32,
    shuffle: false,
    verbose: 0,
    yieldEvery: 'never',
  });
  xs.dispose();
  ys.dispose();
  return {
    predict(rows: Float32Array, m: number): Int32Array {
      return tf.tidy(() => {
        const z = model.predict(tf.tensor2d(standardise(rows, m), [m, width])) as Tf.Tensor;
        return Int32Array.from(z.argMax(1).dataSync());
      });
    },
    /** Sign of d log p(label) / d x at each row (through the standardisation's positive scale). */
    gradientSign(rows: Float32Array, labels: Int32Array, m: number): Float32Array {
      return tf.tidy(() => {
        const input = tf.tensor2d(standardise(rows, m), [m, width]);
        const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat();
        const g = tf.grad((v: Tf.Tensor) =>
          tf.sum(tf.mul(onehot, tf.logSoftmax(model.predict(v) as Tf.Tensor))),
        )(input);
        return Float32Array.from(tf.sign(g).dataSync());
      });
    },
    dispose: () => model.dispose(),
  };
}

/**
 * Model extraction: how cheaply an attacker with query access copies the model. Queries are spent
 * up to each budget, a surrogate MLP is trained in TensorFlow.js on the target's answers, and its
 * fidelity (agreement with the target on held-out rows) is measured. Stops cleanly, keeping the
 * points measured so far, when the target's query budget runs out.
 */
export async function modelExtraction(
  target: ModelTarget,
  options: ExtractionOptions,
): Promise<ExtractionResult> {
  await initTfBackend();
  const width = widthOfTarget(target);
  const strategy = options.strategy ?? 'in-distribution';
  const seed = options.seed ?? 0;
  const budgets = [...options.budgets].sort((a, b) => a - b);
  if (budgets.length === 0 || budgets.some((b) => !(Number.isInteger(b) && b >= 1))) {
    throw new ConfigError('budgets must be a non-empty list of whole numbers >= 1');
  }
  if (!EXTRACTION_STRATEGIES.includes(strategy)) {
    throw new ConfigError(
      `unknown extraction strategy "${strategy}"; use one of ${EXTRACTION_STRATEGIES.join(', ')}`,
    );
  }
  const pool = options.pool ?? new Float32Array(0);
  const poolRows = pool.length / width;
  if (strategy !== 'random' && poolRows === 0) {
    throw new ConfigError(`the ${strategy} strategy needs attacker data (pool)`);
  }
  const evaluationRows = options.evaluation.length / width;
  if (!(evaluationRows >= 1))
    throw new ConfigError('extraction needs evaluation rows to measure fidelity');
  const random = createRandom(seed);
  const both = new Float32Array(pool.length + options.evaluation.length);
  both.set(pool);
  both.set(options.evaluation, pool.length);
  const { lo, hi } = featureBounds(options.constraints, both, width);
  const usage = queryUsage(target);
  const signal = options.signal;
  const result: ExtractionResult = {
    strategy,
    curve: [],
    evaluationRows,
    evaluationQueries: 0,
    usedScores: false,
    seed,
    queries: { used: 0 },
    complete: true,
  };
  const finish = (stopped?: AttackStop) => endRun(result, usage, stopped);

  let reference: Int32Array;
  let classes = target.classes?.length ?? 0;
  try {
    const answer = await target.predict(
      options.evaluation,
      evaluationRows,
      signal ? { signal } : undefined,
    );
    reference = answer.labels;
    if (answer.probabilities)
      classes = Math.max(classes, answer.probabilities.length / evaluationRows);
    result.evaluationQueries = evaluationRows;
  } catch (error) {
    return finish(stopOf(error, signal));
  }
  for (const label of reference) classes = Math.max(classes, label + 1);
  classes = Math.max(classes, 2);

  const seen: Labelled = { x: [], targets: [] };
  const poolOrder = random.shuffle(Array.from({ length: poolRows }, (_, i) => i));
  let poolNext = 0;
  const fromPool = (): number[] => {
    const i = poolOrder[poolNext % poolRows] as number;
    const row = Array.from(pool.subarray(i * width, (i + 1) * width));
    if (poolNext++ >= poolRows) {
      // Pool used up: jitter reused rows a little so queries stay distinct.
      for (let j = 0; j < width; j++)
        row[j] = Math.min(
          hi[j] as number,
          Math.max(
            lo[j] as number,
            (row[j] as number) + random.normal() * 0.01 * ((hi[j] as number) - (lo[j] as number)),
          ),
        );
    }
    return row;
  };
  const uniform = (): number[] =>
    Array.from(
      { length: width },
      (_, j) => (lo[j] as number) + random.next() * ((hi[j] as number) - (lo[j] as number)),
    );
  let surrogate: Awaited<ReturnType<typeof trainSurrogate>> | undefined;
  const stepShare = options.augmentationStep ?? 0.1;
  let round = 0;

  const nextQueries = (count: number): number[][] => {
    if (strategy === 'random') return Array.from({ length: count }, uniform);
    if (strategy === 'in-distribution' || surrogate === undefined)
      return Array.from({ length: count }, fromPool);
    // Jacobian-based augmentation around points already queried, alternating direction per round.
    const picks = Array.from({ length: count }, () => random.int(seen.x.length));
    const rows = new Float32Array(count * width);
    const labels = new Int32Array(count);
    picks.forEach((i, k) => {
      rows.set(seen.x[i] as number[], k * width);
      const t = seen.targets[i] as number[];
      labels[k] = t.indexOf(Math.max(...t));
    });
    const sign = surrogate.gradientSign(rows, labels, count);
    const direction = round % 2 === 0 ? 1 : -1;
    return picks.map((_, k) =>
      Array.from({ length: width }, (_, j) => {
        const range = (hi[j] as number) - (lo[j] as number);
        const v =
          (rows[k * width + j] as number) +
          direction * stepShare * range * (sign[k * width + j] as number);
        return Math.min(hi[j] as number, Math.max(lo[j] as number, v));
      }),
    );
  };

  try {
    for (const budget of budgets) {
      signal?.throwIfAborted();
      let count = budget - seen.x.length;
      // Spend exactly what is left of a hard budget rather than have the last step refused whole.
      const left =
        target.queries.budget === undefined
          ? Infinity
          : target.queries.budget - target.queries.used;
      const short = count > left;
      if (short) count = Math.max(0, left);
      if (short && count === 0) {
        return finish({
          kind: 'budget',
          message: `query budget of ${target.queries.budget} exhausted`,
        });
      }
      if (count > 0) {
        const rows = nextQueries(count);
        const flat = new Float32Array(count * width);
        rows.forEach((row, k) => {
          flat.set(row, k * width);
        });
        const answer = await target.predict(flat, count, signal ? { signal } : undefined);
        result.usedScores = answer.probabilities !== undefined;
        rows.forEach((row, k) => {
          seen.x.push(row);
          const t = new Array<number>(classes).fill(0);
          if (answer.probabilities) {
            const m = answer.probabilities.length / count;
            for (let c = 0; c < Math.min(m, classes); c++)
              t[c] = answer.probabilities[k * m + c] as number;
          } else {
            t[answer.labels[k] as number] = 1;
          }
          seen.targets.push(t);
        });
        round++;
      }
      surrogate?.dispose();
      surrogate = await trainSurrogate(seen, width, classes, options.surrogate ?? {}, random);
      const guess = surrogate.predict(options.evaluation, evaluationRows);
      let agree = 0;
      for (let i = 0; i < evaluationRows; i++) if (guess[i] === reference[i]) agree++;
      result.curve.push({ queries: seen.x.length, fidelity: agree / evaluationRows });
      options.onProgress?.(
        seen.x.length,
        budgets[budgets.length - 1] as number,
        `extraction (${strategy})`,
      );
      if (short) {
        surrogate.dispose();
        return finish({
          kind: 'budget',
          message: `query budget of ${target.queries.budget} exhausted`,
        });
      }
    }
  } catch (error) {
    surrogate?.dispose();
    return finish(stopOf(error, signal));
  }
  surrogate?.dispose();
  return finish();
}
