import { type ErrorCode, MlwardenError, type MlwardenErrorOptions } from '@mlwarden/core';

/** What went wrong talking to an inference endpoint. */
export type EndpointErrorKind =
  | 'unreachable'
  | 'tls'
  | 'auth'
  | 'timeout'
  | 'aborted'
  | 'http'
  | 'malformed-response'
  | 'bad-output'
  | 'response-too-large'
  | 'budget-exhausted'
  | 'bad-request';

const CODES: Record<EndpointErrorKind, ErrorCode> = {
  unreachable: 'MLW_SELDON_UNREACHABLE',
  tls: 'MLW_SELDON_TLS',
  auth: 'MLW_SELDON_AUTH',
  timeout: 'MLW_SELDON_TIMEOUT',
  aborted: 'MLW_SELDON_ABORTED',
  http: 'MLW_SELDON_HTTP',
  'malformed-response': 'MLW_SELDON_MALFORMED_RESPONSE',
  'bad-output': 'MLW_SELDON_BAD_OUTPUT',
  'response-too-large': 'MLW_SELDON_RESPONSE_TOO_LARGE',
  'budget-exhausted': 'MLW_SELDON_BUDGET_EXHAUSTED',
  'bad-request': 'MLW_SELDON_BAD_REQUEST',
};

export interface EndpointErrorOptions extends MlwardenErrorOptions {
  /** HTTP status, when the server answered. */
  status?: number;
  /** Endpoint URL without credentials. */
  url?: string;
}

/**
 * A call to an inference endpoint failed. `kind` says how; `code` is `MLW_SELDON_<KIND>`.
 * Messages never contain credentials: URLs are stored without user info and texts are redacted.
 */
export class EndpointError extends MlwardenError {
  readonly kind: EndpointErrorKind;
  readonly status: number | undefined;
  readonly url: string | undefined;

  constructor(kind: EndpointErrorKind, message: string, options: EndpointErrorOptions = {}) {
    super(CODES[kind], message, options);
    this.name = 'EndpointError';
    this.kind = kind;
    this.status = options.status;
    this.url = options.url;
  }

  /** Works across duplicated package copies, unlike `instanceof`. */
  static isEndpointError(value: unknown): value is EndpointError {
    return (
      MlwardenError.isInstance(value) &&
      typeof (value as { kind?: unknown }).kind === 'string' &&
      value.code.startsWith('MLW_SELDON_')
    );
  }
}
