import { ConfigError } from '@mlwarden/core';

/** How requests authenticate. Basic wins over a token, as in MLflow's own client. */
export type MlflowAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'none' };

export interface MlflowClientOptions {
  /** `http(s)://host[:port][/prefix]`. Default: `MLFLOW_TRACKING_URI`. */
  trackingUri?: string;
  /**
   * Default: `MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD` (Basic), else
   * `MLFLOW_TRACKING_TOKEN` (Bearer), else credentials in the tracking URI, else none.
   */
  auth?: MlflowAuth;
  /**
   * Milliseconds to wait for an answer, and between two chunks of a download. Default:
   * `MLFLOW_HTTP_REQUEST_TIMEOUT` (seconds) or 120 s.
   */
  timeoutMs?: number;
  /**
   * Retries of an idempotent request after a network error, a timeout, 429 or 5xx. Default:
   * `MLFLOW_HTTP_REQUEST_MAX_RETRIES` or 5.
   */
  retries?: number;
  /** First backoff delay in milliseconds; doubles per retry up to `maxBackoffMs`. Default 500. */
  backoffMs?: number;
  /** Longest wait between two attempts, including a server's `Retry-After`. Default 10 s. */
  maxBackoffMs?: number;
  /** A fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Environment to read defaults from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Settings after defaults, with the URI stripped of credentials. */
export interface MlflowSettings {
  /** Tracking URI without credentials and without a trailing slash. */
  trackingUri: string;
  auth: MlflowAuth;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Literal values to redact from every message: password, token, encoded header. */
  secrets: string[];
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_RETRIES = 5;

function positiveNumber(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${name}="${raw}" is not a non-negative number`, {
      hint: `unset ${name} or give it a number`,
    });
  }
  return value;
}

/** Resolves client options against the environment, like MLflow's own client does. */
export function resolveMlflowSettings(options: MlflowClientOptions = {}): MlflowSettings {
  const env = options.env ?? process.env;
  const raw = options.trackingUri ?? env.MLFLOW_TRACKING_URI;
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError('no MLflow tracking URI was given', {
      hint: 'set MLFLOW_TRACKING_URI=http://host:port or pass trackingUri',
    });
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch (cause) {
    throw new ConfigError('the MLflow tracking URI is not a URL', {
      cause,
      hint: 'use the form http://host:port (file stores and databricks URIs are not supported)',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `the MLflow tracking URI uses "${url.protocol}", but only http: and https: servers are supported`,
      { hint: 'start `mlflow server` in front of the store and point MLFLOW_TRACKING_URI at it' },
    );
  }
  const uriUser = decodeURIComponent(url.username);
  const uriPassword = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const trackingUri = url.toString().replace(/\/+$/, '');

  let auth: MlflowAuth;
  if (options.auth !== undefined) auth = options.auth;
  else if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD) {
    auth = {
      type: 'basic',
      username: env.MLFLOW_TRACKING_USERNAME,
      password: env.MLFLOW_TRACKING_PASSWORD,
    };
  } else if (env.MLFLOW_TRACKING_TOKEN) {
    auth = { type: 'bearer', token: env.MLFLOW_TRACKING_TOKEN };
  } else if (uriUser !== '') {
    auth = { type: 'basic', username: uriUser, password: uriPassword };
  } else auth = { type: 'none' };

  const timeoutSeconds = positiveNumber(
    env.MLFLOW_HTTP_REQUEST_TIMEOUT,
    'MLFLOW_HTTP_REQUEST_TIMEOUT',
  );
  const envRetries = positiveNumber(
    env.MLFLOW_HTTP_REQUEST_MAX_RETRIES,
    'MLFLOW_HTTP_REQUEST_MAX_RETRIES',
  );
  const secrets: string[] = [];
  if (auth.type === 'basic') {
    secrets.push(auth.password, basicHeaderValue(auth));
  } else if (auth.type === 'bearer') secrets.push(auth.token);
  if (uriPassword !== '') secrets.push(uriPassword);
  return {
    trackingUri,
    auth,
    timeoutMs:
      options.timeoutMs ??
      (timeoutSeconds === undefined ? DEFAULT_TIMEOUT_MS : timeoutSeconds * 1000),
    retries: Math.floor(options.retries ?? envRetries ?? DEFAULT_RETRIES),
    backoffMs: options.backoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
    secrets: secrets.filter((s) => s.length > 0),
  };
}

function basicHeaderValue(auth: { username: string; password: string }): string {
  return Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
}

/** The `Authorization` header value, or undefined without credentials. */
export function authorizationHeader(auth: MlflowAuth): string | undefined {
  if (auth.type === 'basic') return `Basic ${basicHeaderValue(auth)}`;
  if (auth.type === 'bearer') return `Bearer ${auth.token}`;
  return undefined;
}
