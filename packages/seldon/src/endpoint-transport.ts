import type http from 'node:http';
import type https from 'node:https';
import { ConfigError, redact } from '@mlwarden/core';
import { createAgent, displayUrl, type HttpResponse, sendHttp, type TlsOptions } from './_http.js';
import { EndpointError } from './endpoint-error.js';
import { createQueryGate, type QueryGate } from './query-gate.js';

export type { HttpResponse, TlsOptions };

export type EndpointAuth =
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  /** A custom header, e.g. an API gateway key. Its value is treated as a secret. */
  | { type: 'header'; name: string; value: string };

export interface EndpointSettings {
  /** Base URL: `http(s)://host[:port][/path prefix]`. No credentials in it; use `auth`. */
  url: string;
  auth?: EndpointAuth;
  /** Extra, non-secret headers (e.g. `Host` for an ingress). */
  headers?: Readonly<Record<string, string>>;
  /** Seldon Core v2 routing: sent as the `seldon-model` header (`iris`, `flow.pipeline`, …). */
  seldonModel?: string;
  tls?: TlsOptions;
  /** Deadline for one request, connect to last byte. Default 10 000 ms. */
  timeoutMs?: number;
  /** Requests that may ever be sent, retries and probes included. Unlimited when absent. */
  budget?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Request starts per second. Unlimited when absent. */
  ratePerSecond?: number;
  /** Retries of safe requests (health, metadata GETs) on network errors, 429, 502-504. Default 2. */
  retries?: number;
  /** Also retry inference requests. Off by default: a retried inference may run twice. */
  retryInference?: boolean;
  /** First backoff before a retry; doubles each time. Default 200 ms. */
  retryBackoffMs?: number;
  /** Larger answers are cut off with an error. Default 16 MiB. */
  maxResponseBytes?: number;
  /**
   * Reuse connections. Off by default: a server that closes a connection after an error (MLServer
   * does after a 500) makes the next request on it fail without reaching the server, which would
   * break exact request accounting and look like a dropped connection.
   */
  keepAlive?: boolean;
}

/**
 * What a request is, for accounting. `infer` is every request to the inference path (valid or a
 * malformed-input probe); `probe` is any other path a probe touches (docs, model repository).
 */
export type RequestKind =
  | 'live'
  | 'ready'
  | 'server-metadata'
  | 'model-ready'
  | 'model-metadata'
  | 'infer'
  | 'probe';

export interface RequestStats {
  /** Requests sent, retries included. */
  readonly total: number;
  readonly byKind: Readonly<Partial<Record<RequestKind, number>>>;
  readonly retries: number;
}

export interface TransportRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, starting with `/`. */
  path: string;
  kind: RequestKind;
  /** Safe to repeat (no side effects): may be retried. */
  safe: boolean;
  body?: string | Buffer;
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Leave out the configured credentials (the unauthenticated-access probe). */
  anonymous?: boolean;
}

export interface EndpointTransport {
  /** Base URL without credentials. */
  readonly url: string;
  readonly gate: QueryGate;
  readonly stats: RequestStats;
  readonly hasCredentials: boolean;
  readonly timeoutMs: number;
  /** Literal credentials to redact from anything shown to users. */
  readonly secrets: readonly string[];
  /** Sends one request (plus retries when safe); resolves with any HTTP status. */
  send(request: TransportRequest): Promise<HttpResponse>;
  /** Like `send`, but maps 401/403 and other non-2xx statuses to EndpointErrors. */
  sendOk(request: TransportRequest): Promise<HttpResponse>;
  /** Throws the EndpointError `sendOk` would throw for this response; returns it when 2xx. */
  assertOk(response: HttpResponse, request: TransportRequest): HttpResponse;
  /** A transport over the same connection pool whose requests also count here. */
  derive(options: { budget?: number }): EndpointTransport;
  /** Closes idle connections. */
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE = 16 * 1024 * 1024;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

function positive(name: string, value: number | undefined, min = 0): void {
  if (value !== undefined && (!Number.isFinite(value) || value < min)) {
    throw new ConfigError(`${name} must be a number >= ${min}, got ${String(value)}`);
  }
}

function authHeader(auth: EndpointAuth | undefined): [string, string] | undefined {
  if (!auth) return undefined;
  if (auth.type === 'bearer') return ['authorization', `Bearer ${auth.token}`];
  if (auth.type === 'basic') {
    const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    return ['authorization', `Basic ${encoded}`];
  }
  return [auth.name.toLowerCase(), auth.value];
}

function secretsOf(auth: EndpointAuth | undefined): string[] {
  if (!auth) return [];
  if (auth.type === 'bearer') return [auth.token];
  if (auth.type === 'basic') {
    return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
  }
  return [auth.value];
}

/** Parses and checks a base URL: http(s), no user info. */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`endpoint URL "${redact(raw)}" is not a valid URL`, {
      hint: 'use http(s)://host[:port][/prefix]',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`endpoint URL must use http or https, got "${url.protocol}"`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`endpoint URL ${displayUrl(url)} contains credentials`, {
      hint: 'pass credentials as auth settings or environment variables, never in the URL',
    });
  }
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** Short, redacted excerpt of a response body for error messages. */
export function bodyExcerpt(body: Buffer, secrets: readonly string[], max = 300): string {
  const text = body
    .subarray(0, max * 4)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return redact(cut, secrets);
}

interface StatsSink {
  record(kind: RequestKind, retry: boolean): void;
}

function makeStats(parent: StatsSink | undefined) {
  const byKind: Partial<Record<RequestKind, number>> = {};
  let total = 0;
  let retries = 0;
  const stats: RequestStats & StatsSink = {
    get total() {
      return total;
    },
    get byKind() {
      return { ...byKind };
    },
    get retries() {
      return retries;
    },
    record(kind, retry) {
      total++;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      if (retry) retries++;
      parent?.record(kind, retry);
    },
  };
  return stats;
}

/**
 * HTTP plumbing shared by the OIP and Seldon v1 clients: base URL, credentials, TLS, deadline,
 * budget, concurrency and rate limit, retries of safe requests, and per-kind request counts.
 */
export function createTransport(settings: EndpointSettings): EndpointTransport {
  const base = parseBaseUrl(settings.url);
  positive('timeoutMs', settings.timeoutMs, 1);
  positive('retries', settings.retries);
  positive('retryBackoffMs', settings.retryBackoffMs);
  positive('maxResponseBytes', settings.maxResponseBytes, 1);
  positive('budget', settings.budget);
  positive('concurrency', settings.concurrency, 1);
  if (settings.ratePerSecond !== undefined)
    positive('ratePerSecond', settings.ratePerSecond, 0.001);
  const gate = createQueryGate({
    ...(settings.budget !== undefined && { budget: settings.budget }),
    ...(settings.concurrency !== undefined && { concurrency: settings.concurrency }),
    ...(settings.ratePerSecond !== undefined && { ratePerSecond: settings.ratePerSecond }),
  });
  const agent = createAgent(
    base,
    settings.tls,
    Math.floor(settings.concurrency ?? 4),
    settings.keepAlive === true,
  );
  return build(settings, base, gate, agent, undefined);
}

function build(
  settings: EndpointSettings,
  base: URL,
  gate: QueryGate,
  agent: http.Agent | https.Agent,
  parentStats: StatsSink | undefined,
): EndpointTransport {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const retries = Math.floor(settings.retries ?? 2);
  const backoff = settings.retryBackoffMs ?? 200;
  const secrets = secretsOf(settings.auth);
  const auth = authHeader(settings.auth);
  const stats = makeStats(parentStats);
  const prefix = base.pathname.replace(/\/+$/, '');
  const where = `${base.protocol}//${base.host}${prefix}`;

  const once = async (request: TransportRequest, retry: boolean): Promise<HttpResponse> => {
    const permit = await gate.acquire(request.signal);
    const url = new URL(base.href);
    url.pathname = `${prefix}${request.path}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'mlwarden-seldon',
      ...settings.headers,
      ...(settings.seldonModel !== undefined && { 'seldon-model': settings.seldonModel }),
      ...request.headers,
    };
    if (request.body !== undefined && headers['content-type'] === undefined) {
      headers['content-type'] = 'application/json';
    }
    if (auth && !request.anonymous) headers[auth[0]] = auth[1];
    try {
      return await sendHttp(
        {
          method: request.method,
          url,
          headers,
          ...(request.body !== undefined && { body: request.body }),
          timeoutMs,
          maxResponseBytes,
          ...(request.signal !== undefined && { signal: request.signal }),
          onSent: () => {
            permit.sent();
            stats.record(request.kind, retry);
          },
        },
        agent,
      );
    } finally {
      permit.done();
    }
  };

  const send = async (request: TransportRequest): Promise<HttpResponse> => {
    const mayRetry = request.safe || (request.kind === 'infer' && settings.retryInference === true);
    let attempt = 0;
    for (;;) {
      let response: HttpResponse | undefined;
      let failure: unknown;
      try {
        response = await once(request, attempt > 0);
      } catch (error) {
        failure = error;
      }
      const retryable =
        failure !== undefined
          ? EndpointError.isEndpointError(failure) &&
            (failure.kind === 'unreachable' || failure.kind === 'timeout')
          : RETRY_STATUSES.has(response?.status ?? 0);
      const budgetLeft = gate.remaining === undefined || gate.remaining > 0;
      if (!mayRetry || !retryable || attempt >= retries || !budgetLeft || request.signal?.aborted) {
        if (failure !== undefined) throw failure;
        return response as HttpResponse;
      }
      attempt++;
      await new Promise((resolve) => setTimeout(resolve, backoff * 2 ** (attempt - 1)));
    }
  };

  const assertOk = (response: HttpResponse, request: TransportRequest): HttpResponse => {
    if (response.status === 401 || response.status === 403) {
      throw new EndpointError(
        'auth',
        `${request.method} ${where}${request.path} was refused with HTTP ${response.status}${request.anonymous || !auth ? ' (no credentials were sent)' : ' (the credentials were rejected)'}`,
        {
          status: response.status,
          url: where,
          hint: 'set a bearer token or basic credentials (MLWARDEN_SELDON_TOKEN, or MLWARDEN_SELDON_USERNAME and MLWARDEN_SELDON_PASSWORD) that the endpoint accepts',
        },
      );
    }
    if (response.status < 200 || response.status > 299) {
      throw new EndpointError(
        'http',
        `${request.method} ${where}${request.path} answered HTTP ${response.status}: ${serverMessage(response.body, secrets)}`,
        { status: response.status, url: where },
      );
    }
    return response;
  };

  const sendOk = async (request: TransportRequest) => assertOk(await send(request), request);

  const transport: EndpointTransport = {
    url: where,
    gate,
    stats,
    hasCredentials: auth !== undefined,
    timeoutMs,
    secrets,
    send,
    sendOk,
    assertOk,
    derive: (options) =>
      build(
        settings,
        base,
        gate.child(options.budget === undefined ? {} : { budget: options.budget }),
        agent,
        stats,
      ),
    close: () => agent.destroy(),
  };
  return transport;
}

/** The server's own error text: OIP `{"error": …}`, Seldon `{"status": {"info": …}}`, or the body. */
export function serverMessage(body: Buffer, secrets: readonly string[]): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof parsed.error === 'string') return redact(parsed.error.slice(0, 300), secrets);
    const status = parsed.status as Record<string, unknown> | undefined;
    if (status && typeof status.info === 'string')
      return redact(status.info.slice(0, 300), secrets);
  } catch {
    // not JSON: fall through to the raw excerpt
  }
  return bodyExcerpt(body, secrets) || '(empty body)';
}

/** Parses a JSON body or throws a typed malformed-response error. */
export function parseJsonBody(response: HttpResponse, what: string, url: string): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch (cause) {
    throw new EndpointError('malformed-response', `${what} from ${url} is not valid JSON`, {
      url,
      status: response.status,
      cause,
      hint: 'the endpoint may not speak this protocol, or a proxy answered instead of the model server',
    });
  }
}
