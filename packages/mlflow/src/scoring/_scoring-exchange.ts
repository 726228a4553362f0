import { redact } from '@mlwarden/core';
import { readText } from '../client/_transport.js';
import { MlflowError, mlflowErrorCodeForStatus } from '../client/mlflow-error.js';

/** One POST to a scoring server: where, what, and how long to wait. */
export interface ScoringCall {
  /** Scoring server base URL without credentials or trailing slash. */
  base: string;
  path: string;
  body: string;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  maxResponseBytes: number;
  secrets: readonly string[];
  fetch: typeof fetch;
  signal?: AbortSignal | undefined;
}

/** What the scoring server answered with a 2xx status. */
export interface ScoringAnswer {
  status: number;
  text: string;
}

/** Largest error body read for its message. */
const MAX_ERROR_BYTES = 64 * 1024;

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The useful part of a scoring-server error message. The server's schema errors repeat the
 * rejected rows ("Failed to predict data '<rows>'. Error: …"); only the text after the last
 * "Error: " is kept, so no input data reaches messages or reports.
 */
export function serverReason(message: string): string {
  const at = message.lastIndexOf('Error: ');
  const reason = (at >= 0 ? message.slice(at + 'Error: '.length) : message)
    .replace(/\s+/g, ' ')
    .trim();
  return reason.length > 400 ? `${reason.slice(0, 400)}…` : reason;
}

function hintForStatus(status: number, errorClass: string | undefined): string {
  if (status === 401 || status === 403) {
    return 'the scoring server (or a gateway in front of it) refused the credentials; set auth (MLWARDEN_MLFLOW_SCORING_TOKEN, or MLWARDEN_MLFLOW_SCORING_USERNAME and MLWARDEN_MLFLOW_SCORING_PASSWORD)';
  }
  if (status === 404) {
    return 'no /invocations at this URL: point url at the root of `mlflow models serve` (http://host:port), not at a path below it';
  }
  if (status === 415)
    return 'the server refused the content type; it must be an MLflow scoring server';
  if (status >= 500) return 'the scoring server failed or timed out; look at its log';
  if (errorClass === 'SCHEMA_ENFORCEMENT_FAILED' || status === 400) {
    return "make the request match the model's signature (MLmodel `signature.inputs`): pass inputColumns with its column names in order (URI: ?columns=a,b,c), or format 'inputs' for tensor-based models";
  }
  return 'check the URL and the model server';
}

/** Builds the typed error for a non-2xx answer from the server's `{error_code, message}` JSON. */
async function errorFromAnswer(call: ScoringCall, response: Response): Promise<MlflowError> {
  const { text } = await readText(response, MAX_ERROR_BYTES).catch(() => ({ text: '' }));
  let errorCode: string | undefined;
  let errorClass: string | undefined;
  let detail: string;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.error_code === 'string') errorCode = body.error_code;
    if (typeof body.error_class === 'string') errorClass = body.error_class;
    detail = typeof body.message === 'string' ? serverReason(body.message) : '';
  } catch {
    detail = serverReason(text.replace(/<[^>]*>/g, ' '));
  }
  const endpoint = `POST ${call.path}`;
  const what = [response.status, errorCode].filter(Boolean).join(' ');
  return new MlflowError(
    mlflowErrorCodeForStatus(response.status),
    redact(
      `MLflow scoring server ${call.base} answered ${endpoint} with ${what}${detail ? `: ${detail}` : ''}`,
      call.secrets,
    ),
    {
      status: response.status,
      ...(errorCode !== undefined && { errorCode }),
      endpoint,
      hint: hintForStatus(response.status, errorClass),
    },
  );
}

/**
 * Sends one POST (never retried: the server may already have scored the rows) with a deadline
 * from connect to last byte, a cap on the answer's size and cancellation. Resolves with a 2xx
 * answer; everything else is an MlflowError that says what to fix.
 */
export async function postScoring(call: ScoringCall): Promise<ScoringAnswer> {
  const endpoint = `POST ${call.path}`;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, call.timeoutMs);
  const onAbort = () => controller.abort(call.signal?.reason);
  call.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (call.signal?.aborted) throw call.signal.reason;
    let response: Response;
    try {
      response = await call.fetch(`${call.base}${call.path}`, {
        method: 'POST',
        headers: call.headers,
        body: call.body,
        redirect: 'manual',
        signal: controller.signal,
      });
      if (!response.ok) throw await errorFromAnswer(call, response);
      const { text, truncated } = await readText(response, call.maxResponseBytes);
      if (truncated) {
        throw new MlflowError(
          'MLW_MLFLOW_BAD_RESPONSE',
          `MLflow scoring server ${call.base} answered ${endpoint} with more than ${call.maxResponseBytes} bytes`,
          {
            status: response.status,
            endpoint,
            hint: 'send fewer rows per request (maxBatchRows) or raise maxResponseBytes',
          },
        );
      }
      return { status: response.status, text };
    } catch (cause) {
      if (MlflowError.is(cause)) throw cause;
      if (call.signal?.aborted) throw call.signal.reason;
      const message = timedOut
        ? `got no complete answer within ${call.timeoutMs} ms`
        : `could not be reached (${networkCode(cause)})`;
      throw new MlflowError(
        timedOut ? 'MLW_MLFLOW_TIMEOUT' : 'MLW_MLFLOW_UNREACHABLE',
        redact(`MLflow scoring server ${call.base} ${message} (${endpoint})`, call.secrets),
        {
          endpoint,
          cause,
          hint: timedOut
            ? 'the model is slow or the server is stuck; raise timeoutMs or send fewer rows per request (maxBatchRows)'
            : 'check that `mlflow models serve` is running at this host and port and is reachable from here',
        },
      );
    }
  } finally {
    clearTimeout(timer);
    call.signal?.removeEventListener('abort', onAbort);
  }
}
