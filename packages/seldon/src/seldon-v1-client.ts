import { EndpointError } from './endpoint-error.js';
import {
  createTransport,
  type EndpointSettings,
  type EndpointTransport,
  parseJsonBody,
  serverMessage,
} from './endpoint-transport.js';

/** The `data` part of a Seldon v1 message: `ndarray` (nested lists) or `tensor` (flat values). */
export interface SeldonData {
  names?: string[];
  ndarray?: unknown[];
  tensor?: { shape: number[]; values: number[] };
}

/** A Seldon v1 `SeldonMessage` (the JSON form; `tftensor` and `customData` are not supported). */
export interface SeldonMessage {
  data?: SeldonData;
  jsonData?: unknown;
  strData?: string;
  binData?: string;
  meta?: {
    puid?: string;
    tags?: Record<string, unknown>;
    routing?: Record<string, number>;
    requestPath?: Record<string, string>;
    metrics?: unknown[];
  };
  status?: { code?: number; info?: string; reason?: string; status?: string | number };
}

/** A numeric prediction, normalised from either payload form. */
export interface SeldonPrediction {
  names: string[];
  shape: number[];
  /** Flat, row-major. */
  values: number[];
  /** Payload form the server answered with. */
  form: 'ndarray' | 'tensor';
  meta: SeldonMessage['meta'];
}

/** A client of a Seldon Core v1 deployment (`/api/v1.0/predictions`). */
export interface SeldonV1Client {
  readonly protocol: 'seldon-v1';
  readonly transport: EndpointTransport;
  /** `POST /api/v1.0/predictions` with a numeric `data` payload; checks the answer's shape. */
  predict(message: SeldonMessage, options?: { signal?: AbortSignal }): Promise<SeldonPrediction>;
  derive(options: { budget?: number }): SeldonV1Client;
  close(): void;
}

export const SELDON_V1_PREDICTIONS_PATH = '/api/v1.0/predictions';

function shapeOf(value: unknown, url: string): number[] {
  if (!Array.isArray(value)) return [];
  const inner = value.map((v) => shapeOf(v, url));
  const first = inner[0] ?? [];
  if (!inner.every((s) => s.length === first.length && s.every((d, i) => d === first[i]))) {
    throw new EndpointError(
      'bad-output',
      `the ndarray from ${url} is ragged (rows of different lengths)`,
      { url },
    );
  }
  return [value.length, ...first];
}

/** Checks a 2xx Seldon v1 answer and normalises its numeric payload. */
export function decodeSeldonResponse(body: unknown, url: string): SeldonPrediction {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EndpointError('malformed-response', `prediction from ${url} is not a JSON object`, {
      url,
    });
  }
  const message = body as SeldonMessage;
  const status = message.status;
  if (status && (status.status === 'FAILURE' || status.status === 1 || (status.code ?? 0) > 0)) {
    throw new EndpointError(
      'http',
      `${url} reported a failure: ${status.reason ?? ''} ${status.info ?? ''}`.trim(),
      { url },
    );
  }
  const data = message.data;
  if (typeof data !== 'object' || data === null) {
    throw new EndpointError('bad-output', `prediction from ${url} has no numeric "data" part`, {
      url,
    });
  }
  const names = Array.isArray(data.names) ? data.names.map(String) : [];
  if (data.tensor !== undefined) {
    const { shape, values } = data.tensor;
    if (
      !Array.isArray(shape) ||
      !Array.isArray(values) ||
      !shape.every((d) => Number.isInteger(d) && d >= 0)
    ) {
      throw new EndpointError(
        'bad-output',
        `the tensor from ${url} lacks a valid shape or values`,
        { url },
      );
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== values.length) {
      throw new EndpointError(
        'bad-output',
        `the tensor from ${url} has shape [${shape.join(', ')}] but ${values.length} values`,
        { url },
      );
    }
    if (!values.every((v) => typeof v === 'number')) {
      throw new EndpointError('bad-output', `the tensor from ${url} holds non-numeric values`, {
        url,
      });
    }
    return { names, shape, values, form: 'tensor', meta: message.meta };
  }
  if (Array.isArray(data.ndarray)) {
    const shape = shapeOf(data.ndarray, url);
    const values = (data.ndarray as unknown[]).flat(Number.POSITIVE_INFINITY);
    if (!values.every((v) => typeof v === 'number')) {
      throw new EndpointError('bad-output', `the ndarray from ${url} holds non-numeric values`, {
        url,
      });
    }
    return { names, shape, values: values as number[], form: 'ndarray', meta: message.meta };
  }
  throw new EndpointError(
    'bad-output',
    `the "data" part from ${url} has neither ndarray nor tensor`,
    { url },
  );
}

export function createSeldonV1Client(settings: EndpointSettings): SeldonV1Client {
  return wrapSeldonV1(createTransport(settings));
}

/** A Seldon v1 client over an existing transport. */
export function wrapSeldonV1(transport: EndpointTransport): SeldonV1Client {
  const url = transport.url;
  return {
    protocol: 'seldon-v1',
    transport,
    async predict(message, options = {}) {
      const response = await transport.send({
        method: 'POST',
        path: SELDON_V1_PREDICTIONS_PATH,
        kind: 'infer',
        safe: false,
        body: JSON.stringify(message),
        ...(options.signal && { signal: options.signal }),
      });
      if (response.status === 400 || response.status === 500) {
        // The Seldon wrappers answer errors with a SeldonMessage `status`; keep its text.
        throw new EndpointError(
          'http',
          `POST ${url}${SELDON_V1_PREDICTIONS_PATH} answered HTTP ${response.status}: ${serverMessage(response.body, transport.secrets)}`,
          { url, status: response.status },
        );
      }
      transport.assertOk(response, {
        method: 'POST',
        path: SELDON_V1_PREDICTIONS_PATH,
        kind: 'infer',
        safe: false,
      });
      return decodeSeldonResponse(parseJsonBody(response, 'prediction', url), url);
    },
    derive: (options) => wrapSeldonV1(transport.derive(options)),
    close: () => transport.close(),
  };
}
