import { type ErrorCode, InputError, type MlwardenErrorOptions } from '@mlwarden/core';

/**
 * A manifest file cannot be audited: invalid YAML, an alias bomb, too large, unreadable.
 * Codes: `MLW_SELDON_YAML_INVALID`, `MLW_SELDON_YAML_ALIAS_LIMIT`, `MLW_SELDON_MANIFEST_TOO_LARGE`,
 * `MLW_INPUT_NOT_FOUND`.
 */
export class ManifestError extends InputError {
  /** File (or source name) the error is about. */
  readonly source: string;
  /** Line (from 1) of the problem, when known. */
  readonly line: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: MlwardenErrorOptions & { source: string; line?: number },
  ) {
    super(message, { ...options, code });
    this.name = 'ManifestError';
    this.source = options.source;
    this.line = options.line;
  }
}
