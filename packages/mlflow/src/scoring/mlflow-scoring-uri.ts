import { ConfigError, redact } from '@mlwarden/core';
import type { MlflowAuth } from '../client/mlflow-settings.js';
import {
  createMlflowScoringTarget,
  type MlflowScoringOptions,
  type MlflowScoringTarget,
} from './create-mlflow-scoring-target.js';

/** Query parameters a scoring URI may carry (never credentials). */
export const MLFLOW_SCORING_URI_PARAMS = [
  'columns',
  'features',
  'classes',
  'format',
  'output',
  'label-field',
  'probability-fields',
  'batch',
  'budget',
  'timeout',
  'retries',
] as const;

/** Environment variables read for credentials of a gateway in front of the scoring server. */
export const MLFLOW_SCORING_ENV = {
  token: 'MLWARDEN_MLFLOW_SCORING_TOKEN',
  username: 'MLWARDEN_MLFLOW_SCORING_USERNAME',
  password: 'MLWARDEN_MLFLOW_SCORING_PASSWORD',
} as const;

const SCHEME = /^mlflow\+(https?):\/\//i;

/** True for `mlflow+http://…` and `mlflow+https://…`: a model served by `mlflow models serve`. */
export function isMlflowScoringUri(uri: string): boolean {
  return SCHEME.test(uri);
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function int(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(
      `MLflow scoring URI parameter ${name}=${raw} must be an integer >= ${min}`,
    );
  }
  return value;
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(
      `MLflow scoring URI parameter ${name}=${raw} is not one of ${allowed.join(', ')}`,
    );
  }
  return raw as T;
}

function authFromEnv(env: Readonly<Record<string, string | undefined>>): MlflowAuth | undefined {
  const user = env[MLFLOW_SCORING_ENV.username];
  const password = env[MLFLOW_SCORING_ENV.password];
  if (user && password) return { type: 'basic', username: user, password };
  const token = env[MLFLOW_SCORING_ENV.token];
  return token ? { type: 'bearer', token } : undefined;
}

/**
 * Parses `mlflow+http(s)://host:port[/prefix]?columns=a,b,c&classes=x,y&budget=1000…` into
 * target options. Credentials come from the environment (`MLFLOW_SCORING_ENV`), never the URI.
 */
export function parseMlflowScoringUri(
  uri: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): MlflowScoringOptions {
  if (!isMlflowScoringUri(uri)) {
    throw new ConfigError(`"${redact(uri)}" is not an MLflow scoring URI`, {
      hint: 'use mlflow+http://host:port (or mlflow+https://…) for a model served by `mlflow models serve`',
    });
  }
  let url: URL;
  try {
    url = new URL(uri.replace(/^mlflow\+/i, ''));
  } catch (cause) {
    throw new ConfigError(`"${redact(uri)}" is not a valid MLflow scoring URI`, {
      cause,
      hint: 'use mlflow+http://host:port[/prefix]',
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('the MLflow scoring URI contains credentials', {
      hint: `set ${MLFLOW_SCORING_ENV.token}, or ${MLFLOW_SCORING_ENV.username} and ${MLFLOW_SCORING_ENV.password}, instead`,
    });
  }
  const options: MlflowScoringOptions = {
    url: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`,
  };
  for (const [key, raw] of url.searchParams) {
    switch (key) {
      case 'columns':
        options.inputColumns = list(raw);
        break;
      case 'features':
        options.features = int(key, raw, 1);
        break;
      case 'classes':
        options.classes = list(raw);
        break;
      case 'format':
        options.format = oneOf(key, raw, ['dataframe_split', 'inputs'] as const);
        break;
      case 'output':
        options.output = oneOf(key, raw, ['auto', 'labels', 'probabilities'] as const);
        break;
      case 'label-field':
        options.labelField = raw;
        break;
      case 'probability-fields':
        options.probabilityFields = list(raw);
        break;
      case 'batch':
        options.maxBatchRows = int(key, raw, 1);
        break;
      case 'budget':
        options.budget = int(key, raw, 0);
        break;
      case 'timeout':
        options.timeoutMs = int(key, raw, 1);
        break;
      case 'retries':
        options.retries = int(key, raw, 0);
        break;
      default:
        throw new ConfigError(`unknown MLflow scoring URI parameter "${key}"`, {
          hint: `allowed: ${MLFLOW_SCORING_URI_PARAMS.join(', ')}`,
        });
    }
  }
  const auth = authFromEnv(env);
  if (auth !== undefined) options.auth = auth;
  return options;
}

export interface OpenMlflowScoringOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Options that override those from the URI (e.g. a budget from `--budget`). */
  overrides?: Partial<MlflowScoringOptions>;
}

/** A model target for an `mlflow+http(s)://` URI. No request is sent until it is used. */
export async function openMlflowScoringTarget(
  uri: string,
  options: OpenMlflowScoringOptions = {},
): Promise<MlflowScoringTarget> {
  return createMlflowScoringTarget({
    ...parseMlflowScoringUri(uri, options.env ?? process.env),
    ...options.overrides,
  });
}
