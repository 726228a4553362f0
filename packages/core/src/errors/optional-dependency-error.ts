import { ConfigError } from './config-error.js';

export interface OptionalDependencyErrorOptions {
  /** A version range the feature needs, shown in the install command (`apache-arrow@">=17"`). */
  range?: string;
  /** What was tried, appended to the message in parentheses. */
  detail?: string;
  /** Another way out, appended to the hint (e.g. a second package that would do as well). */
  alternative?: string;
}

/**
 * An optional peer dependency that a requested feature needs is not installed. The message names
 * the package and the feature; the hint is the `npm install` command that fixes it. Code
 * `MLW_DEPENDENCY_MISSING`.
 */
export class OptionalDependencyError extends ConfigError {
  /** The npm package to install. */
  readonly packageName: string;
  /** What needs it, e.g. `reading Parquet (data.parquet)`. */
  readonly feature: string;

  constructor(
    packageName: string,
    feature: string,
    cause?: unknown,
    options: OptionalDependencyErrorOptions = {},
  ) {
    const spec = options.range === undefined ? packageName : `${packageName}@"${options.range}"`;
    const detail = options.detail === undefined ? '' : ` (${options.detail})`;
    const alternative = options.alternative === undefined ? '' : ` (${options.alternative})`;
    super(`${feature} needs the optional package ${packageName}, which is not installed${detail}`, {
      code: 'MLW_DEPENDENCY_MISSING',
      hint: `run \`npm install ${spec}\` in the project that runs mlwarden${alternative}`,
      ...(cause !== undefined && { cause }),
    });
    this.name = 'OptionalDependencyError';
    this.packageName = packageName;
    this.feature = feature;
  }
}

/**
 * Whether `error`, thrown by a dynamic `import()`, says the module is not installed (rather than
 * that it is installed and failed to load).
 */
export function isMissingModule(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return (
    (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|Could not resolve/.test(message)
  );
}
