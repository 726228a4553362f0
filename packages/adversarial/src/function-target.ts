import { ConfigError, type FeatureSpec, InputError, type ModelTarget } from '@mlwarden/core';
import { argmaxRow } from './_argmax.js';

/** What a plain prediction function returns for `n` rows. */
export interface FunctionPrediction {
  /** Class index per row; derived from `probabilities` when absent. */
  labels?: ArrayLike<number>;
  /** `n × classes` scores, row-major. */
  probabilities?: ArrayLike<number>;
}

export interface FunctionTargetOptions {
  /** Scores `n` rows of `x` (row-major). May be async, e.g. a call to a service. */
  predict(
    x: Float32Array,
    n: number,
    options?: { signal?: AbortSignal },
  ): FunctionPrediction | Promise<FunctionPrediction>;
  /** Per-row feature descriptions (names, bounds) or a tensor shape. */
  inputSpec: { features: FeatureSpec[] } | { shape: number[]; dtype?: string };
  classes?: string[];
  /** Shown in messages and findings. Default `function`. */
  source?: string;
}

function widthOf(spec: FunctionTargetOptions['inputSpec']): number {
  return 'features' in spec ? spec.features.length : spec.shape.reduce((a, b) => a * b, 1);
}

/**
 * A black-box classifier from a plain function: no gradients, only what the function returns.
 * Output is validated on every call, so a misbehaving function gives a clear InputError.
 */
export function createFunctionTarget(options: FunctionTargetOptions): ModelTarget {
  const width = widthOf(options.inputSpec);
  if (!(width > 0)) throw new ConfigError('inputSpec describes rows of zero values');
  const source = options.source ?? 'function';
  let used = 0;
  const inputSpec =
    'features' in options.inputSpec
      ? options.inputSpec
      : { shape: options.inputSpec.shape, dtype: options.inputSpec.dtype ?? 'float32' };
  return {
    kind: 'classifier',
    source,
    inputSpec,
    ...(options.classes !== undefined && { classes: options.classes }),
    get queries() {
      return { used };
    },
    async predict(x, n, callOptions) {
      if (x.length !== n * width) {
        throw new InputError(`${source}: ${x.length} values for ${n} rows of ${width}`);
      }
      used += n;
      const out = await options.predict(x, n, callOptions);
      const probabilities =
        out.probabilities === undefined ? undefined : Float32Array.from(out.probabilities);
      if (
        probabilities !== undefined &&
        (probabilities.length % Math.max(n, 1) !== 0 || (n > 0 && probabilities.length === 0))
      ) {
        throw new InputError(
          `${source} returned ${probabilities.length} probabilities for ${n} rows`,
        );
      }
      let labels: Int32Array;
      if (out.labels !== undefined) {
        labels = Int32Array.from(out.labels);
      } else if (probabilities !== undefined) {
        const k = n === 0 ? 0 : probabilities.length / n;
        labels = new Int32Array(n);
        for (let i = 0; i < n; i++) labels[i] = argmaxRow(probabilities, i, k);
      } else {
        throw new InputError(`${source} returned neither labels nor probabilities`);
      }
      if (labels.length !== n) {
        throw new InputError(`${source} returned ${labels.length} labels for ${n} rows`);
      }
      return probabilities === undefined ? { labels } : { labels, probabilities };
    },
  };
}
