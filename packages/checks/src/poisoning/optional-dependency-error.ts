import { ConfigError } from '@mlwarden/core';

/** An optional peer dependency a requested feature needs is not installed. */
export class OptionalDependencyError extends ConfigError {
  /** The npm package to install. */
  readonly packageName: string;

  constructor(packageName: string, feature: string, cause?: unknown) {
    super(`${feature} needs the optional package ${packageName}, which is not installed`, {
      code: 'MLW_DEPENDENCY_MISSING',
      hint: `run \`npm install ${packageName}\` in the project that runs mlwarden`,
      ...(cause !== undefined && { cause }),
    });
    this.name = 'OptionalDependencyError';
    this.packageName = packageName;
  }
}
