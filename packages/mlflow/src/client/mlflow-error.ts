import { MlwardenError, type MlwardenErrorOptions } from '@mlwarden/core';

/** Stable codes of MlflowError; scripts and tests may match on them. */
export type MlflowErrorCode =
  /** 400: the server rejected the request (bad parameter, value too long, …). */
  | 'MLW_MLFLOW_BAD_REQUEST'
  /** 401: missing or wrong credentials. */
  | 'MLW_MLFLOW_UNAUTHENTICATED'
  /** 403: the credentials are valid but lack the permission. */
  | 'MLW_MLFLOW_PERMISSION_DENIED'
  /** 404: no such run, model, version, alias, artifact or endpoint. */
  | 'MLW_MLFLOW_NOT_FOUND'
  /** 409 and other 4xx answers. */
  | 'MLW_MLFLOW_CONFLICT'
  /** 429 after every retry. */
  | 'MLW_MLFLOW_RATE_LIMITED'
  /** 5xx after every retry. */
  | 'MLW_MLFLOW_SERVER'
  /** The server could not be reached (refused, DNS, TLS, reset) after every retry. */
  | 'MLW_MLFLOW_UNREACHABLE'
  /** No answer within the timeout, after every retry. */
  | 'MLW_MLFLOW_TIMEOUT'
  /** The server answered 2xx with a body that is not what the endpoint returns. */
  | 'MLW_MLFLOW_BAD_RESPONSE';

export interface MlflowErrorOptions extends MlwardenErrorOptions {
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** MLflow's `error_code` from the body, e.g. `RESOURCE_DOES_NOT_EXIST`. */
  errorCode?: string;
  /** `METHOD /path` of the request, without query string or credentials. */
  endpoint?: string;
  /** Requests made, retries included. */
  attempts?: number;
}

/**
 * An MLflow server answered with an error, or could not be reached. `status` and `errorCode` say
 * what the server said; the message never holds credentials, query strings or request bodies.
 */
export class MlflowError extends MlwardenError {
  override readonly code: MlflowErrorCode;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly endpoint: string | undefined;
  readonly attempts: number;

  constructor(code: MlflowErrorCode, message: string, options: MlflowErrorOptions = {}) {
    super(code, message, options);
    this.name = 'MlflowError';
    this.code = code;
    this.status = options.status;
    this.errorCode = options.errorCode;
    this.endpoint = options.endpoint;
    this.attempts = options.attempts ?? 1;
  }

  /** True for an MlflowError from any copy of this package. */
  static is(value: unknown): value is MlflowError {
    return (
      MlwardenError.isInstance(value) &&
      value.code.startsWith('MLW_MLFLOW_') &&
      'attempts' in (value as object)
    );
  }

  /** True when the server said the entity does not exist. */
  static isNotFound(value: unknown): value is MlflowError {
    return MlflowError.is(value) && value.code === 'MLW_MLFLOW_NOT_FOUND';
  }
}

/** The error code for an HTTP status. */
export function mlflowErrorCodeForStatus(status: number): MlflowErrorCode {
  if (status === 400) return 'MLW_MLFLOW_BAD_REQUEST';
  if (status === 401) return 'MLW_MLFLOW_UNAUTHENTICATED';
  if (status === 403) return 'MLW_MLFLOW_PERMISSION_DENIED';
  if (status === 404) return 'MLW_MLFLOW_NOT_FOUND';
  if (status === 429) return 'MLW_MLFLOW_RATE_LIMITED';
  if (status >= 500) return 'MLW_MLFLOW_SERVER';
  return 'MLW_MLFLOW_CONFLICT';
}
