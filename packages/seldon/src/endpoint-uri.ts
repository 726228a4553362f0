import { readFile } from 'node:fs/promises';
import { ConfigError, redact } from '@mlwarden/core';
import type { EndpointAuth, EndpointSettings } from './endpoint-transport.js';

/** How an endpoint URI is spoken to. */
export type EndpointProtocol = 'oip' | 'seldon-v2' | 'seldon-v1';

const SCHEMES: Record<string, EndpointProtocol> = {
  'oip+http:': 'oip',
  'oip+https:': 'oip',
  'seldon+http:': 'seldon-v2',
  'seldon+https:': 'seldon-v2',
  'seldon-v1+http:': 'seldon-v1',
  'seldon-v1+https:': 'seldon-v1',
};

/** Query parameters an endpoint URI may carry (never credentials). */
export const ENDPOINT_URI_PARAMS = [
  'budget',
  'timeout',
  'concurrency',
  'rate',
  'retries',
  'features',
  'classes',
  'input',
  'datatype',
  'labels',
  'probabilities',
  'payload',
  'seldon-model',
] as const;

/** Environment variables read for credentials and TLS. */
export const ENDPOINT_ENV = {
  token: 'MLWARDEN_SELDON_TOKEN',
  username: 'MLWARDEN_SELDON_USERNAME',
  password: 'MLWARDEN_SELDON_PASSWORD',
  caFile: 'MLWARDEN_SELDON_CA_FILE',
} as const;

export interface ParsedEndpointUri {
  protocol: EndpointProtocol;
  settings: EndpointSettings;
  /** OIP model name and version (absent for Seldon v1). */
  model?: string;
  version?: string;
  /** Model-target options from the query. */
  target: {
    features?: number;
    classes?: string[];
    inputName?: string;
    datatype?: 'FP32' | 'FP64';
    labelsOutput?: string | null;
    probabilitiesOutput?: string | null;
    payload?: 'tensor' | 'ndarray';
  };
  /** Path of a CA bundle to trust (from the environment), read by `loadEndpointTls`. */
  caFile?: string;
}

/** True for `oip+http(s)://`, `seldon+http(s)://` and `seldon-v1+http(s)://` URIs. */
export function isEndpointUri(uri: string): boolean {
  const scheme = /^([a-z0-9+.-]+:)\/\//i.exec(uri)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme in SCHEMES;
}

function int(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`endpoint URI parameter ${name}=${raw} must be an integer >= ${min}`);
  }
  return value;
}

function outputName(raw: string): string | null {
  return raw === '' || raw === 'none' ? null : raw;
}

/**
 * Parses an endpoint URI:
 *
 * - `oip+http(s)://host[:port][/prefix]/v2/models/<model>[/versions/<v>]` — any Open Inference
 *   Protocol server (MLServer, KServe, Triton);
 * - `seldon+http(s)://host[:port][/prefix]/v2/models/<model>[/versions/<v>]` — Seldon Core v2
 *   through its mesh: OIP plus the `seldon-model: <model>` routing header (override it with
 *   `?seldon-model=<name>.pipeline` or `.experiment`);
 * - `seldon-v1+http(s)://host[:port][/prefix][/api/v1.0/predictions]` — a Seldon Core v1
 *   deployment, e.g. `/seldon/<namespace>/<deployment>` behind the ingress.
 *
 * Query parameters (see ENDPOINT_URI_PARAMS) set limits and target options. Credentials never go
 * in the URI: they come from MLWARDEN_SELDON_TOKEN, or MLWARDEN_SELDON_USERNAME and
 * MLWARDEN_SELDON_PASSWORD; MLWARDEN_SELDON_CA_FILE names extra CAs to trust.
 */
export function parseEndpointUri(
  uri: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedEndpointUri {
  const match = /^([a-z0-9+.-]+:)\/\/(.*)$/is.exec(uri);
  const protocol = match ? SCHEMES[(match[1] as string).toLowerCase()] : undefined;
  if (!match || !protocol) {
    throw new ConfigError(`"${redact(uri)}" is not an endpoint URI`, {
      hint: 'use oip+http(s)://host/v2/models/<model>, seldon+http(s)://… or seldon-v1+http(s)://…',
    });
  }
  const scheme = (match[1] as string).toLowerCase();
  const transportScheme = scheme.slice(scheme.indexOf('+') + 1);
  let url: URL;
  try {
    url = new URL(`${transportScheme}//${match[2]}`);
  } catch {
    throw new ConfigError(`endpoint URI "${redact(uri)}" is not a valid URL`);
  }
  if (url.username || url.password) {
    throw new ConfigError('endpoint URI contains credentials', {
      hint: `remove them from the URI and set ${ENDPOINT_ENV.token}, or ${ENDPOINT_ENV.username} and ${ENDPOINT_ENV.password}`,
    });
  }
  for (const key of url.searchParams.keys()) {
    if (!(ENDPOINT_URI_PARAMS as readonly string[]).includes(key)) {
      throw new ConfigError(`endpoint URI parameter "${key}" is not known`, {
        hint: `known parameters: ${ENDPOINT_URI_PARAMS.join(', ')}`,
      });
    }
  }
  const q = url.searchParams;
  const path = url.pathname.replace(/\/+$/, '');
  let prefix = path;
  let model: string | undefined;
  let version: string | undefined;
  if (protocol === 'seldon-v1') {
    prefix = path.replace(/\/api\/v1\.0\/predictions$/, '');
  } else {
    const m = /^(.*?)\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?$/.exec(path);
    if (!m) {
      throw new ConfigError(`endpoint URI path "${path}" does not name a model`, {
        hint: 'end the path with /v2/models/<model> or /v2/models/<model>/versions/<version>',
      });
    }
    prefix = m[1] ?? '';
    model = decodeURIComponent(m[2] as string);
    if (m[3] !== undefined) version = decodeURIComponent(m[3]);
  }
  const settings: EndpointSettings = { url: `${transportScheme}//${url.host}${prefix}` };
  if (q.has('budget')) settings.budget = int('budget', q.get('budget') as string, 0);
  if (q.has('timeout')) settings.timeoutMs = int('timeout', q.get('timeout') as string, 1);
  if (q.has('concurrency'))
    settings.concurrency = int('concurrency', q.get('concurrency') as string, 1);
  if (q.has('retries')) settings.retries = int('retries', q.get('retries') as string, 0);
  if (q.has('rate')) {
    const rate = Number(q.get('rate'));
    if (!(rate > 0))
      throw new ConfigError(`endpoint URI parameter rate=${q.get('rate')} must be > 0`);
    settings.ratePerSecond = rate;
  }
  if (protocol === 'seldon-v2') settings.seldonModel = q.get('seldon-model') ?? model;
  else if (q.has('seldon-model')) settings.seldonModel = q.get('seldon-model') as string;

  const token = env[ENDPOINT_ENV.token];
  const username = env[ENDPOINT_ENV.username];
  const password = env[ENDPOINT_ENV.password];
  let auth: EndpointAuth | undefined;
  if (token) auth = { type: 'bearer', token };
  else if (username !== undefined || password !== undefined) {
    if (!username || !password) {
      throw new ConfigError(
        `set both ${ENDPOINT_ENV.username} and ${ENDPOINT_ENV.password}, or neither`,
      );
    }
    auth = { type: 'basic', username, password };
  }
  if (auth) settings.auth = auth;

  const target: ParsedEndpointUri['target'] = {};
  if (q.has('features')) target.features = int('features', q.get('features') as string, 1);
  if (q.has('classes'))
    target.classes = (q.get('classes') as string).split(',').filter((c) => c !== '');
  if (q.has('input')) target.inputName = q.get('input') as string;
  if (q.has('datatype')) {
    const dt = q.get('datatype');
    if (dt !== 'FP32' && dt !== 'FP64')
      throw new ConfigError(`endpoint URI parameter datatype=${dt} must be FP32 or FP64`);
    target.datatype = dt;
  }
  if (q.has('labels')) target.labelsOutput = outputName(q.get('labels') as string);
  if (q.has('probabilities'))
    target.probabilitiesOutput = outputName(q.get('probabilities') as string);
  if (q.has('payload')) {
    const p = q.get('payload');
    if (p !== 'tensor' && p !== 'ndarray')
      throw new ConfigError(`endpoint URI parameter payload=${p} must be tensor or ndarray`);
    target.payload = p;
  }
  const caFile = env[ENDPOINT_ENV.caFile];
  return {
    protocol,
    settings,
    ...(model !== undefined && { model }),
    ...(version !== undefined && { version }),
    target,
    ...(caFile && { caFile }),
  };
}

/** Reads the CA file named in the parsed URI into its TLS settings. */
export async function loadEndpointTls(parsed: ParsedEndpointUri): Promise<EndpointSettings> {
  if (!parsed.caFile) return parsed.settings;
  let ca: Buffer;
  try {
    ca = await readFile(parsed.caFile);
  } catch (cause) {
    throw new ConfigError(
      `cannot read the CA file ${parsed.caFile} named by ${ENDPOINT_ENV.caFile}`,
      { cause },
    );
  }
  return { ...parsed.settings, tls: { ...parsed.settings.tls, ca } };
}
