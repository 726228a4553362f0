import { OptionalDependencyError } from '../errors/optional-dependency-error.js';

export type ArrowModule = typeof import('apache-arrow');

let loading: Promise<ArrowModule> | undefined;

/**
 * Loads `apache-arrow` on first use. It is an optional peer dependency of core, so importing
 * `@mlwarden/core` never requires it; only reading files or records does.
 */
export function loadArrow(): Promise<ArrowModule> {
  loading ??= import('apache-arrow').catch((cause: unknown) => {
    loading = undefined;
    throw new OptionalDependencyError('apache-arrow', 'reading datasets', cause, { range: '>=17' });
  });
  return loading;
}
