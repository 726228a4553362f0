import type { QueryValue, Transport } from './_transport.js';
import { MlflowError } from './mlflow-error.js';
import type { MlflowPage } from './mlflow-types.js';

export type { CallOptions, PageOptions } from './mlflow-types.js';

const PREFIX = '/api/2.0/mlflow';

type Answer = Record<string, unknown>;

/**
 * The REST calls below `/api/2.0/mlflow`, for the per-area client modules. JSON bodies drop
 * undefined fields (JSON.stringify does), so optional inputs are passed through as they are.
 */
export interface Api {
  readonly http: Transport;
  get(
    path: string,
    query: Readonly<Record<string, QueryValue>>,
    signal?: AbortSignal,
  ): Promise<Answer>;
  post(path: string, body: unknown, idempotent: boolean, signal?: AbortSignal): Promise<Answer>;
  patch(path: string, body: unknown, signal?: AbortSignal): Promise<Answer>;
  del(path: string, body: unknown, signal?: AbortSignal): Promise<Answer>;
  /** `answer[field]`; an answer without it is MLW_MLFLOW_BAD_RESPONSE. */
  pick<T>(answer: Promise<Answer>, field: string, endpoint: string): Promise<T>;
  /** A page from `answer[field]` and `answer.next_page_token`. */
  page<T>(answer: Promise<Answer>, field: string): Promise<MlflowPage<T>>;
}

export function createApi(http: Transport): Api {
  const send = (
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    json: unknown,
    idempotent: boolean,
    signal?: AbortSignal,
  ) => http.json<Answer>({ method, path: `${PREFIX}${path}`, json, idempotent, signal });
  return {
    http,
    get: (path, query, signal) =>
      http.json<Answer>({
        method: 'GET',
        path: `${PREFIX}${path}`,
        query,
        idempotent: true,
        signal,
      }),
    post: (path, body, idempotent, signal) => send('POST', path, body, idempotent, signal),
    patch: (path, body, signal) => send('PATCH', path, body, true, signal),
    del: (path, body, signal) => send('DELETE', path, body, true, signal),
    async pick<T>(answer: Promise<Answer>, field: string, endpoint: string): Promise<T> {
      const value = (await answer)[field];
      if (value === undefined || value === null) {
        throw new MlflowError(
          'MLW_MLFLOW_BAD_RESPONSE',
          `MLflow ${endpoint} answered without ${field}`,
          {
            endpoint,
            hint: 'check that the tracking URI points at an MLflow server',
          },
        );
      }
      return value as T;
    },
    async page<T>(answer: Promise<Answer>, field: string): Promise<MlflowPage<T>> {
      const a = await answer;
      const token = a.next_page_token;
      return {
        items: (a[field] as T[] | undefined) ?? [],
        ...(typeof token === 'string' && token !== '' && { nextPageToken: token }),
      };
    },
  };
}
