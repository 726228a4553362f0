import type * as Tf from '@tensorflow/tfjs';
import { OptionalDependencyError } from './optional-dependency-error.js';

export type TfModule = typeof Tf;

const isMissingModule = (error: unknown) =>
  (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' ||
  /Cannot find (module|package)/.test((error as Error).message ?? '');

/**
 * Imports `@tensorflow/tfjs`, an optional peer dependency of `@mlwarden/checks`, on first use.
 * `load` exists for the test that provokes a real missing module.
 */
export async function importTfjs(
  feature: string,
  load: () => Promise<unknown> = () => import('@tensorflow/tfjs'),
): Promise<TfModule> {
  try {
    return (await load()) as TfModule;
  } catch (error) {
    if (isMissingModule(error))
      throw new OptionalDependencyError('@tensorflow/tfjs', feature, error);
    throw error;
  }
}
