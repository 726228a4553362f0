import { ConfigError } from '@mlwarden/core';
import { EndpointError } from './endpoint-error.js';
import {
  createTransport,
  type EndpointSettings,
  type EndpointTransport,
  type HttpResponse,
  parseJsonBody,
  type RequestKind,
} from './endpoint-transport.js';
import {
  decodeOutput,
  encodeInput,
  isOipDatatype,
  type OipDatatype,
  type OipInputTensor,
  type OipOutputTensor,
  type OipParameters,
  stringifyWithBigInts,
} from './oip-tensor.js';

export interface OipTensorMetadata {
  name: string;
  datatype: OipDatatype | string;
  /** `-1` marks a variable dimension. */
  shape: number[];
  parameters?: OipParameters;
}

export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
  parameters?: OipParameters;
}

export interface OipServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

export interface OipRequestedOutput {
  name: string;
  parameters?: OipParameters;
}

export interface OipInferRequest {
  id?: string;
  /** Request parameters, e.g. `{ content_type: 'np' }` for MLServer. */
  parameters?: OipParameters;
  inputs: OipInputTensor[];
  /** Outputs to return; MLServer's scikit-learn runtime answers `predict_proba` when asked. */
  outputs?: OipRequestedOutput[];
}

export interface OipInferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: OipParameters;
  outputs: OipOutputTensor[];
}

export interface OipClientSettings extends EndpointSettings {
  /** Model name, as in `/v2/models/<model>`. */
  model: string;
  /** Model version, as in `/v2/models/<model>/versions/<version>`. */
  version?: string;
}

/** A client of one model on an Open Inference Protocol (KServe V2) REST endpoint. */
export interface OipClient {
  readonly protocol: 'oip';
  readonly model: string;
  readonly version: string | undefined;
  readonly transport: EndpointTransport;
  /** `GET /v2/health/live`: true on 2xx, false on other statuses. */
  serverLive(signal?: AbortSignal): Promise<boolean>;
  /** `GET /v2/health/ready`. */
  serverReady(signal?: AbortSignal): Promise<boolean>;
  /** `GET /v2/models/<model>[/versions/<v>]/ready`. */
  modelReady(signal?: AbortSignal): Promise<boolean>;
  /** `GET /v2`. */
  serverMetadata(signal?: AbortSignal): Promise<OipServerMetadata>;
  /** `GET /v2/models/<model>[/versions/<v>]`. */
  modelMetadata(signal?: AbortSignal): Promise<OipModelMetadata>;
  /** `POST …/infer`; checks every output's shape, datatype and data. */
  infer(request: OipInferRequest, options?: { signal?: AbortSignal }): Promise<OipInferResponse>;
  /** Path of the model, plus `suffix`, below the base URL. */
  modelPath(suffix?: string): string;
  /** A client over the same connections with its own, smaller budget. */
  derive(options: { budget?: number }): OipClient;
  close(): void;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(what: string, value: string | undefined): void {
  if (value !== undefined && !NAME.test(value)) {
    throw new ConfigError(`${what} "${value}" has characters a model name cannot have`, {
      hint: 'use letters, digits, ".", "_" and "-"',
    });
  }
}

function asObject(value: unknown, what: string, url: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EndpointError('malformed-response', `${what} from ${url} is not a JSON object`, {
      url,
    });
  }
  return value as Record<string, unknown>;
}

function tensorMetadata(raw: unknown, what: string, url: string): OipTensorMetadata[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    throw new EndpointError(
      'malformed-response',
      `${what} in the model metadata from ${url} is not a list`,
      { url },
    );
  }
  return raw.map((t, i) => {
    const o = asObject(t, `${what}[${i}]`, url);
    if (typeof o.name !== 'string' || typeof o.datatype !== 'string' || !Array.isArray(o.shape)) {
      throw new EndpointError(
        'malformed-response',
        `${what}[${i}] in the model metadata from ${url} lacks a name, datatype or shape`,
        { url },
      );
    }
    return {
      name: o.name,
      datatype: o.datatype,
      shape: o.shape.map(Number),
      ...(typeof o.parameters === 'object' &&
        o.parameters !== null && { parameters: o.parameters as OipParameters }),
    };
  });
}

export function createOipClient(settings: OipClientSettings): OipClient {
  return wrapOip(createTransport(settings), settings.model, settings.version);
}

/** An OIP client over an existing transport (shared budget and connections). */
export function wrapOip(transport: EndpointTransport, model: string, version?: string): OipClient {
  checkName('model', model);
  checkName('version', version);
  const modelPath = (suffix = '') =>
    `/v2/models/${encodeURIComponent(model)}${version ? `/versions/${encodeURIComponent(version)}` : ''}${suffix}`;
  const url = transport.url;

  const check = async (path: string, kind: RequestKind, signal?: AbortSignal) => {
    const request = { method: 'GET', path, kind, safe: true, ...(signal && { signal }) } as const;
    const response = await transport.send(request);
    if (response.status === 401 || response.status === 403) transport.assertOk(response, request);
    return response.status >= 200 && response.status < 300;
  };

  const getJson = async (path: string, kind: RequestKind, what: string, signal?: AbortSignal) => {
    const response = await transport.sendOk({
      method: 'GET',
      path,
      kind,
      safe: true,
      ...(signal && { signal }),
    });
    return asObject(parseJsonBody(response, what, url), what, url);
  };

  const client: OipClient = {
    protocol: 'oip',
    model,
    version,
    transport,
    serverLive: (signal) => check('/v2/health/live', 'live', signal),
    serverReady: (signal) => check('/v2/health/ready', 'ready', signal),
    modelReady: (signal) => check(modelPath('/ready'), 'model-ready', signal),
    async serverMetadata(signal) {
      const o = await getJson('/v2', 'server-metadata', 'server metadata', signal);
      return {
        name: typeof o.name === 'string' ? o.name : '',
        version: typeof o.version === 'string' ? o.version : '',
        extensions: Array.isArray(o.extensions)
          ? o.extensions.filter((e): e is string => typeof e === 'string')
          : [],
      };
    },
    async modelMetadata(signal) {
      const o = await getJson(modelPath(), 'model-metadata', 'model metadata', signal);
      if (typeof o.name !== 'string') {
        throw new EndpointError('malformed-response', `model metadata from ${url} has no name`, {
          url,
        });
      }
      return {
        name: o.name,
        ...(Array.isArray(o.versions) && { versions: o.versions.map(String) }),
        ...(typeof o.platform === 'string' && { platform: o.platform }),
        inputs: tensorMetadata(o.inputs, 'inputs', url),
        outputs: tensorMetadata(o.outputs, 'outputs', url),
        ...(typeof o.parameters === 'object' &&
          o.parameters !== null && { parameters: o.parameters as OipParameters }),
      };
    },
    async infer(request, options = {}) {
      if (request.inputs.length === 0)
        throw new EndpointError('bad-request', 'an inference request needs at least one input');
      const body = stringifyWithBigInts({
        ...(request.id !== undefined && { id: request.id }),
        ...(request.parameters !== undefined && { parameters: request.parameters }),
        inputs: request.inputs.map(encodeInput),
        ...(request.outputs !== undefined && { outputs: request.outputs }),
      });
      const response: HttpResponse = await transport.sendOk({
        method: 'POST',
        path: modelPath('/infer'),
        kind: 'infer',
        safe: false,
        body,
        ...(options.signal && { signal: options.signal }),
      });
      const o = asObject(
        parseJsonBody(response, 'inference response', url),
        'inference response',
        url,
      );
      if (!Array.isArray(o.outputs)) {
        throw new EndpointError(
          'bad-output',
          `inference response from ${url} has no outputs list`,
          { url },
        );
      }
      const outputs = o.outputs.map((t) => decodeOutput(t, url));
      for (const wanted of request.outputs ?? []) {
        if (!outputs.some((t) => t.name === wanted.name)) {
          throw new EndpointError(
            'bad-output',
            `inference response from ${url} lacks the requested output "${wanted.name}" (got ${outputs.map((t) => t.name).join(', ') || 'none'})`,
            { url },
          );
        }
      }
      return {
        model_name: typeof o.model_name === 'string' ? o.model_name : '',
        ...(typeof o.model_version === 'string' && { model_version: o.model_version }),
        ...(typeof o.id === 'string' && { id: o.id }),
        ...(typeof o.parameters === 'object' &&
          o.parameters !== null && { parameters: o.parameters as OipParameters }),
        outputs,
      };
    },
    modelPath,
    derive: (options) => wrapOip(transport.derive(options), model, version),
    close: () => transport.close(),
  };
  return client;
}

export { isOipDatatype };
