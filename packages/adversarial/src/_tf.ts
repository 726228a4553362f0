import type * as Tf from '@tensorflow/tfjs';

export type TfModule = typeof Tf;

let loading: Promise<TfModule> | undefined;

/**
 * `@tensorflow/tfjs`, imported on first use and cached: importing it takes about 300 ms, which
 * every process that loads this package (the CLI lists attack checks on each start) would pay
 * even when no attack runs.
 */
export function loadTf(): Promise<TfModule> {
  loading ??= import('@tensorflow/tfjs') as Promise<TfModule>;
  return loading;
}
