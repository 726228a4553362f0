import { isMissingModule, OptionalDependencyError } from '@mlwarden/core';
import type * as Tf from '@tensorflow/tfjs';

export type TfModule = typeof Tf;

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
