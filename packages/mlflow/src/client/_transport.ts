import { MlwardenError, redact, VERSION } from '@mlwarden/core';
import { MlflowError, mlflowErrorCodeForStatus } from './mlflow-error.js';
import { authorizationHeader, type MlflowSettings } from './mlflow-settings.js';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path below the tracking URI, starting with `/`. */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  /** JSON body. */
  json?: unknown;
  /** Raw body (uploads). */
  bytes?: Uint8Array;
  contentType?: string;
  /** Safe to send twice: only idempotent requests are retried. */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
}

/** Called with the answer of a successful request; `touch` restarts the idle timer. */
export type Consume<T> = (response: Response, touch: () => void, signal: AbortSignal) => Promise<T>;

export interface Transport {
  readonly settings: MlflowSettings;
  /** Sends a request and parses the JSON answer (an empty body is `{}`). */
  json<T>(spec: RequestSpec): Promise<T>;
  /** Sends a request and hands the successful answer to `consume`, retrying as `json` does. */
  send<T>(spec: RequestSpec, consume: Consume<T>): Promise<T>;
  /** Absolute URL of a path below the tracking URI. */
  url(path: string, query?: Readonly<Record<string, QueryValue>>): string;
}

/** Largest JSON answer read into memory. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** Largest error body read, for its message. */
const MAX_ERROR_BYTES = 64 * 1024;

class RetryableFailure extends Error {
  constructor(
    readonly error: MlflowError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
  }
}

/** Reads at most `limit` bytes of a body; returns the text and whether it was cut. */
export async function readText(
  response: Response,
  limit: number,
  touch: () => void = () => undefined,
): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      touch();
      if (size + value.byteLength > limit) {
        chunks.push(value.subarray(0, limit - size));
        size = limit;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function hintFor(code: string, trackingUri: string): string | undefined {
  switch (code) {
    case 'MLW_MLFLOW_UNAUTHENTICATED':
      return 'set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) to valid credentials';
    case 'MLW_MLFLOW_PERMISSION_DENIED':
      return 'the user lacks the permission for this operation; ask an MLflow admin to grant it (EDIT to write, MANAGE for aliases)';
    case 'MLW_MLFLOW_UNREACHABLE':
      return `check that an MLflow server is running at ${trackingUri} and that MLFLOW_TRACKING_URI is right`;
    case 'MLW_MLFLOW_TIMEOUT':
      return 'the server is slow or overloaded; raise timeoutMs (or MLFLOW_HTTP_REQUEST_TIMEOUT, in seconds)';
    case 'MLW_MLFLOW_SERVER':
    case 'MLW_MLFLOW_RATE_LIMITED':
      return 'the server failed; retry later or look at the MLflow server log';
    default:
      return undefined;
  }
}

/** Errors below this describe a network failure in words, without leaking URLs or bodies. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (error instanceof Error) return error.message;
  return String(error);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The HTTP layer under the client: auth, timeouts, retries with backoff, typed errors. */
export function createTransport(settings: MlflowSettings, fetchImpl: typeof fetch): Transport {
  const auth = authorizationHeader(settings.auth);
  const clean = (text: string) => redact(text, settings.secrets);

  const url = (path: string, query?: Readonly<Record<string, QueryValue>>): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) params.append(key, v);
      else params.append(key, String(value));
    }
    const qs = params.toString();
    return `${settings.trackingUri}${path}${qs === '' ? '' : `?${qs}`}`;
  };

  const errorFromAnswer = async (
    spec: RequestSpec,
    response: Response,
    attempts: number,
  ): Promise<MlflowError> => {
    const { text } = await readText(response, MAX_ERROR_BYTES).catch(() => ({ text: '' }));
    let errorCode: string | undefined;
    let detail = '';
    try {
      const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (typeof body.error_code === 'string') errorCode = body.error_code;
      if (typeof body.message === 'string') detail = body.message;
    } catch {
      detail = text.replace(/<[^>]*>/g, ' ');
    }
    detail = detail.replace(/\s+/g, ' ').trim();
    if (detail.length > 300) detail = `${detail.slice(0, 300)}…`;
    const code = mlflowErrorCodeForStatus(response.status);
    const endpoint = `${spec.method} ${spec.path}`;
    const what = [response.status, errorCode].filter(Boolean).join(' ');
    const message = clean(
      `MLflow ${endpoint} at ${settings.trackingUri} answered ${what}${detail ? `: ${detail}` : ''}`,
    );
    const hint = hintFor(code, settings.trackingUri);
    return new MlflowError(code, message, {
      status: response.status,
      ...(errorCode !== undefined && { errorCode }),
      endpoint,
      attempts,
      ...(hint !== undefined && { hint }),
    });
  };

  const send = async <T>(spec: RequestSpec, consume: Consume<T>): Promise<T> => {
    const endpoint = `${spec.method} ${spec.path}`;
    const headers: Record<string, string> = { 'user-agent': `mlwarden/${VERSION}` };
    if (auth !== undefined) headers.authorization = auth;
    let body: string | Uint8Array | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    } else if (spec.bytes !== undefined) {
      body = spec.bytes;
      headers['content-type'] = spec.contentType ?? 'application/octet-stream';
    }
    const target = url(spec.path, spec.query);
    const maxAttempts = spec.idempotent ? settings.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, settings.timeoutMs);
      };
      const networkFailure = (cause: unknown): RetryableFailure => {
        const code = timedOut ? 'MLW_MLFLOW_TIMEOUT' : 'MLW_MLFLOW_UNREACHABLE';
        const what = timedOut
          ? `got no answer within ${settings.timeoutMs} ms`
          : `could not be reached (${describeNetworkError(cause)})`;
        const hint = hintFor(code, settings.trackingUri);
        return new RetryableFailure(
          new MlflowError(code, clean(`MLflow ${endpoint} at ${settings.trackingUri} ${what}`), {
            endpoint,
            attempts: attempt,
            cause,
            ...(hint !== undefined && { hint }),
          }),
          undefined,
        );
      };
      const onAbort = () => controller.abort(spec.signal?.reason);
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      if (spec.signal?.aborted) onAbort();
      touch();
      try {
        let response: Response;
        try {
          response = await fetchImpl(target, {
            method: spec.method,
            headers,
            ...(body !== undefined && { body }),
            signal: controller.signal,
          });
        } catch (cause) {
          throw networkFailure(cause);
        }
        touch();
        if (!response.ok) {
          const error = await errorFromAnswer(spec, response, attempt);
          const status = response.status;
          if (status === 429 || (status >= 500 && status !== 501)) {
            throw new RetryableFailure(error, parseRetryAfter(response.headers.get('retry-after')));
          }
          throw error;
        }
        try {
          return await consume(response, touch, controller.signal);
        } catch (cause) {
          if (MlwardenError.isInstance(cause)) throw cause;
          throw networkFailure(cause);
        }
      } catch (failure) {
        if (spec.signal?.aborted) throw spec.signal.reason;
        if (!(failure instanceof RetryableFailure)) throw failure;
        if (attempt >= maxAttempts) {
          const e = failure.error;
          throw new MlflowError(
            e.code,
            attempt > 1 ? `${e.message} (after ${attempt} attempts)` : e.message,
            {
              ...(e.status !== undefined && { status: e.status }),
              ...(e.errorCode !== undefined && { errorCode: e.errorCode }),
              endpoint,
              attempts: attempt,
              ...(e.hint !== undefined && { hint: e.hint }),
              ...(e.cause !== undefined && { cause: e.cause }),
            },
          );
        }
        const backoff = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** (attempt - 1));
        const wait = Math.min(settings.maxBackoffMs, Math.max(backoff, failure.retryAfterMs ?? 0));
        await sleep(wait, spec.signal);
      } finally {
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
      }
    }
  };

  const json = <T>(spec: RequestSpec): Promise<T> =>
    send(spec, async (response, touch) => {
      const { text, truncated } = await readText(response, MAX_JSON_BYTES, touch);
      const endpoint = `${spec.method} ${spec.path}`;
      if (truncated) {
        throw new MlflowError(
          'MLW_MLFLOW_BAD_RESPONSE',
          `MLflow ${endpoint} answered with more than ${MAX_JSON_BYTES} bytes`,
          { status: response.status, endpoint, hint: 'ask for smaller pages (maxResults)' },
        );
      }
      if (text.trim() === '') return {} as T;
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new MlflowError(
          'MLW_MLFLOW_BAD_RESPONSE',
          `MLflow ${endpoint} at ${settings.trackingUri} answered ${response.status} with a body that is not JSON`,
          {
            status: response.status,
            endpoint,
            cause,
            hint: 'check that the tracking URI points at an MLflow server, not at a proxy or UI page',
          },
        );
      }
    });

  return { settings, json, send, url };
}
