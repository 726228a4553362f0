import {
  ConfigError,
  type FeatureSpec,
  InputError,
  MlwardenError,
  type ModelTarget,
  redact,
} from '@mlwarden/core';
import { createTransport } from '../client/_transport.js';
import { MlflowError } from '../client/mlflow-error.js';
import {
  authorizationHeader,
  type MlflowAuth,
  resolveMlflowSettings,
} from '../client/mlflow-settings.js';
import { VERSION } from '../version.js';
import {
  type PredictionShape,
  PredictionShapeError,
  readPredictions,
} from './_read-predictions.js';
import { postScoring } from './_scoring-exchange.js';

export interface MlflowScoringOptions {
  /** Root of the scoring server (`mlflow models serve`): `http(s)://host:port[/prefix]`. */
  url: string;
  /**
   * Column names of the model's signature, in order. Rows are then sent as
   * `{"dataframe_split": {"columns": [...], "data": [...]}}`.
   */
  inputColumns?: readonly string[];
  /** Row width, or per-feature specs (names, bounds), when `inputColumns` is not given. */
  features?: number | readonly FeatureSpec[];
  /** Request form. Default `dataframe_split` with columns, else `inputs` (a plain 2-D array). */
  format?: 'dataframe_split' | 'inputs';
  /**
   * What to read from `predictions`: `auto` (default) takes labels and, when the model returns
   * them, class probabilities; `labels` ignores probabilities; `probabilities` requires them.
   */
  output?: 'auto' | 'labels' | 'probabilities';
  /** Class names in the order of the probability columns; string labels map to their index. */
  classes?: readonly string[];
  /** For models that return a DataFrame: the record key that holds the label. */
  labelField?: string;
  /** For models that return a DataFrame: the record keys that hold the class scores, in order. */
  probabilityFields?: readonly string[];
  /** Rows per request; larger calls are split. Default 256. */
  maxBatchRows?: number;
  /**
   * Scoring requests (`POST /invocations`, up to `maxBatchRows` rows each) that may ever be sent
   * through this target. A call whose requests do not all fit in what is left is refused whole,
   * before anything is sent. Unlimited when absent. For a budget in rows, wrap the target with
   * `limitQueries` from `@mlwarden/adversarial`.
   */
  budget?: number;
  /** Credentials for a gateway in front of the server. Default none. */
  auth?: MlflowAuth;
  /** Extra, non-secret headers. */
  headers?: Readonly<Record<string, string>>;
  /** Deadline of one request, connect to last byte. Default 60 000 ms (the server's own limit). */
  timeoutMs?: number;
  /** Retries of `ping` and `version` (never of scoring requests). Default 2. */
  retries?: number;
  /** Larger answers fail with an error. Default 64 MiB. */
  maxResponseBytes?: number;
  /** A fetch implementation, e.g. one with a custom TLS dispatcher. Default the global fetch. */
  fetch?: typeof fetch;
}

/** Requests this target sent, by path. */
export interface ScoringStats {
  /** Every HTTP request sent, retries included. */
  readonly requests: number;
  /** `POST /invocations` requests. */
  readonly invocations: number;
  /** `GET /ping`, `/health` and `/version` requests. */
  readonly health: number;
}

/** A model behind an MLflow scoring server, as a black-box classifier target. */
export interface MlflowScoringTarget extends ModelTarget {
  /** Scoring server URL without credentials. */
  readonly url: string;
  readonly stats: ScoringStats;
  /** `GET /ping`: resolves when the server has loaded the model. */
  ping(options?: { signal?: AbortSignal }): Promise<void>;
  /** `GET /version`: the MLflow version the server runs. */
  version(options?: { signal?: AbortSignal }): Promise<string>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024;

function count(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new ConfigError(
      `MLflow scoring target: ${name} must be an integer >= ${min}, got ${value}`,
    );
  }
}

function checkUrl(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new ConfigError(`MLflow scoring target: "${redact(raw)}" is not a URL`, {
      cause,
      hint: 'use the address of `mlflow models serve`, e.g. http://127.0.0.1:5000',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `MLflow scoring target: the URL must use http or https, not ${url.protocol}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('MLflow scoring target: the URL contains credentials', {
      hint: 'pass them as auth (bearer or basic) instead; they are then kept out of every message',
    });
  }
}

function inputSpecOf(options: MlflowScoringOptions): {
  width: number;
  spec: ModelTarget['inputSpec'];
} {
  const columns = options.inputColumns;
  const features = options.features;
  if (columns !== undefined) {
    if (columns.length === 0 || columns.some((c) => typeof c !== 'string' || c === '')) {
      throw new ConfigError('MLflow scoring target: inputColumns must be non-empty column names');
    }
    if (new Set(columns).size !== columns.length) {
      throw new ConfigError('MLflow scoring target: inputColumns has a name twice');
    }
  }
  if (Array.isArray(features)) {
    const specs = features as readonly FeatureSpec[];
    if (columns !== undefined && specs.length !== columns.length) {
      throw new ConfigError(
        `MLflow scoring target: ${specs.length} features but ${columns.length} inputColumns`,
      );
    }
    return { width: specs.length, spec: { features: [...specs] } };
  }
  if (columns !== undefined) {
    if (typeof features === 'number' && features !== columns.length) {
      throw new ConfigError(
        `MLflow scoring target: features is ${features} but ${columns.length} inputColumns are given`,
      );
    }
    return {
      width: columns.length,
      spec: { features: columns.map((name) => ({ name, dtype: 'float64' })) },
    };
  }
  if (typeof features === 'number') {
    count('features', features, 1);
    return { width: features, spec: { shape: [features], dtype: 'float64' } };
  }
  throw new ConfigError('MLflow scoring target: give inputColumns or features', {
    hint: "the scoring server does not describe its inputs; pass the column names of the model's signature (inputColumns, URI ?columns=a,b,c) or the row width (features, URI ?features=4)",
  });
}

/**
 * A model served by `mlflow models serve` (or any MLflow scoring server) as a black-box model
 * target: rows go to `POST /invocations` in batches of at most `maxBatchRows`, and labels (and
 * class probabilities when the model returns them) are read from `predictions`. No request is
 * sent until `predict`, `ping` or `version` is called.
 */
export function createMlflowScoringTarget(options: MlflowScoringOptions): MlflowScoringTarget {
  count('maxBatchRows', options.maxBatchRows, 1);
  count('budget', options.budget, 0);
  count('timeoutMs', options.timeoutMs, 1);
  count('retries', options.retries, 0);
  count('maxResponseBytes', options.maxResponseBytes, 1);
  const { width, spec } = inputSpecOf(options);
  const format = options.format ?? (options.inputColumns ? 'dataframe_split' : 'inputs');
  if (format === 'dataframe_split' && options.inputColumns === undefined) {
    throw new ConfigError('MLflow scoring target: format dataframe_split needs inputColumns');
  }
  const classes = options.classes;
  if (classes !== undefined && (classes.length < 2 || new Set(classes).size !== classes.length)) {
    throw new ConfigError('MLflow scoring target: classes must be at least two distinct names');
  }
  checkUrl(options.url);
  const settings = resolveMlflowSettings({
    trackingUri: options.url,
    auth: options.auth ?? { type: 'none' },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: options.retries ?? 2,
    backoffMs: 200,
    env: {},
  });
  const base = settings.trackingUri;
  const maxRows = options.maxBatchRows ?? 256;
  const budget = options.budget;
  const shape: PredictionShape = {
    output: options.output ?? 'auto',
    classes,
    labelField: options.labelField,
    probabilityFields: options.probabilityFields,
  };

  // Every request goes through this fetch, so the counts are what was sent.
  const baseFetch = options.fetch ?? fetch;
  const stats = { requests: 0, invocations: 0, health: 0 };
  const countingFetch: typeof fetch = (input, init) => {
    stats.requests++;
    const path = new URL(typeof input === 'string' ? input : input.toString()).pathname;
    if (path.endsWith('/invocations')) stats.invocations++;
    else stats.health++;
    return baseFetch(input, init);
  };
  const transport = createTransport(settings, countingFetch);
  const auth = authorizationHeader(settings.auth);
  const headers: Record<string, string> = {
    'user-agent': `mlwarden/${VERSION}`,
    accept: 'application/json',
    ...options.headers,
    'content-type': 'application/json',
    ...(auth !== undefined && { authorization: auth }),
  };
  // Requests reserved by calls in progress and not sent yet; sent ones are stats.invocations.
  let reserved = 0;

  /** Reserves `requests` scoring requests at once, or refuses the whole call. */
  const reserve = (requests: number): void => {
    const used = stats.invocations;
    if (budget !== undefined && used + reserved + requests > budget) {
      throw new MlwardenError(
        'MLW_QUERY_BUDGET_EXHAUSTED',
        `query budget of ${budget} scoring requests exhausted for ${base}: ${used} sent, ${reserved} reserved, ${requests} more needed; nothing was sent`,
        {
          hint: 'raise the budget, score fewer rows, or send more rows per request (maxBatchRows)',
        },
      );
    }
    reserved += requests;
  };

  const bodyOf = (x: Float32Array, rows: number): string => {
    const data: number[][] = [];
    for (let r = 0; r < rows; r++) data.push(Array.from(x.subarray(r * width, (r + 1) * width)));
    return JSON.stringify(
      format === 'dataframe_split'
        ? { dataframe_split: { columns: options.inputColumns, data } }
        : { inputs: data },
    );
  };

  const scoreChunk = async (
    x: Float32Array,
    rows: number,
    sending: () => void,
    signal: AbortSignal | undefined,
  ) => {
    const body = bodyOf(x, rows);
    sending();
    const answer = await postScoring({
      base,
      path: '/invocations',
      body,
      headers,
      timeoutMs: settings.timeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE,
      secrets: settings.secrets,
      fetch: countingFetch,
      signal,
    });
    const bad = (message: string, hint: string, cause?: unknown) =>
      new MlflowError(
        'MLW_MLFLOW_BAD_RESPONSE',
        `MLflow scoring server ${base} answered POST /invocations with ${message}`,
        { status: answer.status, endpoint: 'POST /invocations', hint, cause },
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch (cause) {
      throw bad(
        'a body that is not JSON',
        'point url at an MLflow scoring server (`mlflow models serve`), not at a proxy or another service',
        cause,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || !('predictions' in parsed)) {
      throw bad(
        'JSON without "predictions"',
        'point url at an MLflow scoring server (`mlflow models serve`); it answers {"predictions": [...]}',
      );
    }
    try {
      return readPredictions(parsed.predictions, rows, shape);
    } catch (error) {
      if (error instanceof PredictionShapeError) throw bad(error.message, error.hint);
      throw error;
    }
  };

  const health = async (path: string, signal: AbortSignal | undefined): Promise<string> => {
    try {
      return await transport.send(
        { method: 'GET', path, idempotent: true, signal },
        async (response) => (await response.text()).trim(),
      );
    } catch (error) {
      if (!MlflowError.is(error)) throw error;
      throw new MlflowError(
        error.code,
        error.message.replace(/^MLflow /, 'MLflow scoring server: '),
        {
          ...(error.status !== undefined && { status: error.status }),
          endpoint: `GET ${path}`,
          attempts: error.attempts,
          cause: error,
          hint:
            error.status === undefined
              ? 'check that `mlflow models serve` is running at this host and port and is reachable from here'
              : 'the server is up but not ready (the model may still be loading, or failed to load); look at its log',
        },
      );
    }
  };

  return {
    kind: 'classifier',
    source: base,
    url: base,
    inputSpec: spec,
    ...(classes !== undefined && { classes: [...classes] }),
    queries: {
      get used() {
        return stats.invocations;
      },
      get budget() {
        return budget;
      },
    },
    stats: {
      get requests() {
        return stats.requests;
      },
      get invocations() {
        return stats.invocations;
      },
      get health() {
        return stats.health;
      },
    },
    async predict(x, n, callOptions = {}) {
      if (!Number.isInteger(n) || n < 0 || x.length !== n * width) {
        throw new InputError(
          `MLflow scoring target ${base}: predict got ${x.length} values for ${n} rows of ${width} features`,
        );
      }
      let unsent = Math.ceil(n / maxRows);
      reserve(unsent);
      try {
        return await scoreRows(
          x,
          n,
          () => {
            // Synchronously followed by the fetch that counts it in stats.invocations.
            unsent--;
            reserved--;
          },
          callOptions.signal,
        );
      } finally {
        reserved -= unsent;
      }
    },
    async ping(callOptions = {}) {
      await health('/ping', callOptions.signal);
    },
    async version(callOptions = {}) {
      return health('/version', callOptions.signal);
    },
  };

  /** Scores `n` rows in chunks of `maxRows`; `sending` is called just before each request. */
  async function scoreRows(
    x: Float32Array,
    n: number,
    sending: () => void,
    signal: AbortSignal | undefined,
  ): Promise<{ labels: Int32Array; probabilities?: Float32Array }> {
    const labels = new Int32Array(n);
    let probabilities: Float32Array | undefined;
    let k: number | undefined;
    let withScores: boolean | undefined;
    for (let start = 0; start < n; start += maxRows) {
      const rows = Math.min(maxRows, n - start);
      const chunk = x.subarray(start * width, (start + rows) * width);
      const answer = await scoreChunk(chunk, rows, sending, signal);
      labels.set(answer.labels, start);
      const scored = answer.probabilities !== undefined;
      if (withScores !== undefined && scored !== withScores) throw inconsistent();
      withScores = scored;
      if (answer.probabilities === undefined) continue;
      if (k !== undefined && answer.probabilities.k !== k) throw inconsistent();
      k = answer.probabilities.k;
      probabilities ??= new Float32Array(n * k);
      probabilities.set(answer.probabilities.values, start * k);
    }
    return probabilities ? { labels, probabilities } : { labels };
  }

  function inconsistent(): MlflowError {
    return new MlflowError(
      'MLW_MLFLOW_BAD_RESPONSE',
      `MLflow scoring server ${base} changed the shape of its predictions between requests`,
      {
        endpoint: 'POST /invocations',
        hint: 'the model must answer every request the same way (always probabilities, always the same classes)',
      },
    );
  }
}
