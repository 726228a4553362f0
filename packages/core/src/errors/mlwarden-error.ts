/** Every error code mlwarden raises. Codes are stable: scripts and tests may match on them. */
export type ErrorCode =
  | 'MLW_CONFIG_INVALID'
  | 'MLW_CONFIG_NOT_FOUND'
  | 'MLW_CONFIG_LOAD_FAILED'
  | 'MLW_USAGE'
  | 'MLW_INPUT_INVALID'
  | 'MLW_INPUT_NOT_FOUND'
  | 'MLW_INPUT_UNRESOLVED'
  | 'MLW_PLUGIN_INVALID'
  | 'MLW_CHECK_UNKNOWN'
  | 'MLW_CHECK_TIMEOUT'
  | 'MLW_CHECK_ABORTED'
  | 'MLW_REPORTER_UNKNOWN'
  | 'MLW_REPORT_INVALID'
  | 'MLW_LIMIT_EXCEEDED'
  | 'MLW_NETWORK'
  | 'MLW_REMOTE'
  | 'MLW_DEPENDENCY_MISSING'
  | (string & {});

const BRAND = Symbol.for('mlwarden.error');

export interface MlwardenErrorOptions {
  cause?: unknown;
  /** What the user can do about it; printed after the message. */
  hint?: string;
}

/**
 * Base class of every error mlwarden throws on purpose. A message says what was wrong and where;
 * `hint` says what to do. `isInstance` works across duplicated package copies, unlike `instanceof`.
 */
export class MlwardenError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: MlwardenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlwardenError';
    this.code = code;
    this.hint = options.hint;
  }

  static isInstance(value: unknown): value is MlwardenError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true &&
      typeof (value as { code?: unknown }).code === 'string'
    );
  }
}
