import { InputError } from '../errors/input-error.js';

export type ArrowModule = typeof import('apache-arrow');

let loading: Promise<ArrowModule> | undefined;

/**
 * Loads `apache-arrow` on first use. It is an optional peer dependency of core, so importing
 * `@mlwarden/core` never requires it; only reading files or records does.
 */
export function loadArrow(): Promise<ArrowModule> {
  loading ??= import('apache-arrow').catch((cause: unknown) => {
    loading = undefined;
    throw new InputError(
      'reading datasets needs the apache-arrow package, which is not installed',
      {
        code: 'MLW_DEPENDENCY_MISSING',
        hint: 'npm install apache-arrow@">=17"',
        cause,
      },
    );
  });
  return loading;
}
