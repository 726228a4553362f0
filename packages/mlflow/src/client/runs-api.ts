import type { Api, CallOptions, PageOptions } from './_api.js';
import type { ViewType } from './experiments-api.js';
import { MlflowError } from './mlflow-error.js';
import type {
  MlflowMetric,
  MlflowPage,
  MlflowParam,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunStatus,
  MlflowTag,
} from './mlflow-types.js';
import { planLogBatches } from './plan-log-batches.js';

export interface SearchRunsOptions extends PageOptions {
  experimentIds: readonly string[];
  /** e.g. `metrics.rmse < 1 and params.model = 'tree'`. */
  filter?: string;
  orderBy?: readonly string[];
  runViewType?: ViewType;
}

export interface LogBatchInput extends CallOptions {
  runId: string;
  metrics?: readonly MlflowMetric[];
  params?: readonly MlflowParam[];
  tags?: readonly MlflowTag[];
}

export interface RunsApi {
  get(runId: string, options?: CallOptions): Promise<MlflowRun>;
  create(
    input: {
      experimentId: string;
      runName?: string;
      startTime?: number;
      tags?: readonly MlflowTag[];
    } & CallOptions,
  ): Promise<MlflowRun>;
  update(
    input: {
      runId: string;
      status?: MlflowRunStatus;
      endTime?: number;
      runName?: string;
    } & CallOptions,
  ): Promise<MlflowRunInfo>;
  search(options: SearchRunsOptions): Promise<MlflowPage<MlflowRun>>;
  /** Every matching run, page by page. */
  searchAll(options: Omit<SearchRunsOptions, 'pageToken'>): AsyncIterable<MlflowRun>;
  /**
   * Logs any number of metrics, params and tags in the fewest log-batch calls the server's
   * limits allow (see `planLogBatches`). Calls with metrics are never retried (metrics append),
   * so a failure may leave part of the data logged; the error says how many calls succeeded.
   */
  logBatch(input: LogBatchInput): Promise<{ calls: number }>;
  setTag(runId: string, key: string, value: string, options?: CallOptions): Promise<void>;
  deleteTag(runId: string, key: string, options?: CallOptions): Promise<void>;
  /** Every value of one metric, all pages. */
  getMetricHistory(runId: string, key: string, options?: CallOptions): Promise<MlflowMetric[]>;
}

/** `error` with a note on how far a multi-call operation got. */
function partialFailure(error: MlflowError, note: string): MlflowError {
  return new MlflowError(error.code, `${error.message} (${note})`, {
    ...(error.status !== undefined && { status: error.status }),
    ...(error.errorCode !== undefined && { errorCode: error.errorCode }),
    ...(error.endpoint !== undefined && { endpoint: error.endpoint }),
    attempts: error.attempts,
    cause: error,
    ...(error.hint !== undefined && { hint: error.hint }),
  });
}

export function runsApi(api: Api): RunsApi {
  const get = async (runId: string, o: CallOptions = {}) => {
    const run = await api.pick<MlflowRun>(
      api.get('/runs/get', { run_id: runId }, o.signal),
      'run',
      'GET /runs/get',
    );
    // Older servers fill only run_uuid.
    if (!run.info.run_id && run.info.run_uuid) run.info.run_id = run.info.run_uuid;
    return run;
  };
  const search = (o: SearchRunsOptions) =>
    api.page<MlflowRun>(
      api.post(
        '/runs/search',
        {
          experiment_ids: o.experimentIds,
          filter: o.filter,
          order_by: o.orderBy,
          run_view_type: o.runViewType ?? 'ACTIVE_ONLY',
          max_results: o.maxResults ?? 1000,
          page_token: o.pageToken,
        },
        true,
        o.signal,
      ),
      'runs',
    );
  return {
    get,
    create: (input) =>
      api.pick(
        api.post(
          '/runs/create',
          {
            experiment_id: input.experimentId,
            run_name: input.runName,
            start_time: input.startTime ?? Date.now(),
            tags: input.tags,
          },
          false,
          input.signal,
        ),
        'run',
        'POST /runs/create',
      ),
    update: (input) =>
      api.pick(
        api.post(
          '/runs/update',
          {
            run_id: input.runId,
            status: input.status,
            end_time: input.endTime,
            run_name: input.runName,
          },
          true,
          input.signal,
        ),
        'run_info',
        'POST /runs/update',
      ),
    search,
    async *searchAll(o) {
      let token: string | undefined;
      do {
        const p = await search({ ...o, ...(token !== undefined && { pageToken: token }) });
        yield* p.items;
        token = p.nextPageToken;
      } while (token);
    },
    async logBatch(input) {
      const batches = planLogBatches({
        metrics: [...(input.metrics ?? [])],
        params: [...(input.params ?? [])],
        tags: [...(input.tags ?? [])],
      });
      let calls = 0;
      for (const batch of batches) {
        try {
          // Only a call without metrics is safe to repeat: metrics append.
          await api.post(
            '/runs/log-batch',
            { run_id: input.runId, ...batch },
            batch.metrics.length === 0,
            input.signal,
          );
        } catch (error) {
          if (calls > 0 && MlflowError.is(error)) {
            throw partialFailure(
              error,
              `log-batch call ${calls + 1} of ${batches.length}; the first ${calls} were logged`,
            );
          }
          throw error;
        }
        calls++;
      }
      return { calls };
    },
    async setTag(runId, key, value, o = {}) {
      await api.post('/runs/set-tag', { run_id: runId, key, value }, true, o.signal);
    },
    async deleteTag(runId, key, o = {}) {
      await api.post('/runs/delete-tag', { run_id: runId, key }, true, o.signal);
    },
    async getMetricHistory(runId, key, o = {}) {
      const out: MlflowMetric[] = [];
      let token: string | undefined;
      do {
        const p = await api.page<MlflowMetric>(
          api.get(
            '/metrics/get-history',
            { run_id: runId, metric_key: key, max_results: 25_000, page_token: token },
            o.signal,
          ),
          'metrics',
        );
        out.push(...p.items);
        token = p.nextPageToken;
      } while (token);
      return out;
    },
  };
}
