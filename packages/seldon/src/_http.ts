import http from 'node:http';
import https from 'node:https';
import { EndpointError } from './endpoint-error.js';

export interface TlsOptions {
  /** PEM certificate(s) of the authorities to trust, in addition to none (replaces the defaults). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Server name to verify the certificate against, when it differs from the URL's host. */
  servername?: string;
  /**
   * Skip certificate verification. Never the default; only for a test endpoint you control, and
   * the probe report says that it was used.
   */
  insecureSkipVerify?: boolean;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
  /** Called once the request is handed to the socket layer (it counts as sent). */
  onSent?: () => void;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  elapsedMs: number;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'EPROTO',
]);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** Where the request went, without user info, query or fragment: safe for messages. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function createAgent(
  url: URL,
  tls: TlsOptions | undefined,
  maxSockets: number,
  keepAlive: boolean,
): http.Agent | https.Agent {
  const common = { keepAlive, maxSockets, ...(keepAlive && { timeout: 4_000 }) };
  if (url.protocol === 'https:') {
    return new https.Agent({
      ...common,
      ...(tls?.ca !== undefined && { ca: tls.ca }),
      ...(tls?.cert !== undefined && { cert: tls.cert }),
      ...(tls?.key !== undefined && { key: tls.key }),
      ...(tls?.servername !== undefined && { servername: tls.servername }),
      rejectUnauthorized: tls?.insecureSkipVerify !== true,
    });
  }
  return new http.Agent(common);
}

/** Classifies a socket-level failure into a typed error. */
export function networkError(error: unknown, url: URL, timeoutMs: number): EndpointError {
  const code = (error as { code?: string }).code ?? '';
  const where = displayUrl(url);
  if (EndpointError.isEndpointError(error)) return error;
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return new EndpointError('tls', `TLS handshake with ${where} failed (${code})`, {
      url: where,
      cause: error,
      hint: 'check the server certificate, or give the CA that signed it (tls.ca / MLWARDEN_SELDON_CA_FILE)',
    });
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new EndpointError('unreachable', `cannot connect to ${where} (${code})`, {
      url: where,
      cause: error,
      hint: 'check the host and port, and that the server is running and reachable from here',
    });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new EndpointError(
      'unreachable',
      `${where} closed the connection before answering (${code})`,
      {
        url: where,
        cause: error,
        hint: 'the server or a proxy dropped the request; check its logs',
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new EndpointError('unreachable', `request to ${where} failed: ${code || message}`, {
    url: where,
    cause: error,
    hint: `the request did not complete within ${timeoutMs} ms or failed at the network level`,
  });
}

/**
 * One HTTP exchange with a hard deadline (connect + headers + body), a cap on the response size,
 * and cancellation. Never follows redirects. Resolves for every HTTP status; rejects only with an
 * EndpointError for network, TLS, timeout, size and abort failures.
 */
export function sendHttp(call: HttpCall, agent: http.Agent | https.Agent): Promise<HttpResponse> {
  const started = performance.now();
  const where = displayUrl(call.url);
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const lib = call.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
    const request = lib.request(call.url, { method: call.method, headers, agent });
    const fail = (error: EndpointError) => {
      finish(() => reject(error));
      request.destroy();
    };
    const timer = setTimeout(
      () =>
        fail(
          new EndpointError(
            'timeout',
            `${call.method} ${where} got no complete answer within ${call.timeoutMs} ms`,
            {
              url: where,
              hint: 'raise timeoutMs if the model is slow, or check that the server is not stuck',
            },
          ),
        ),
      call.timeoutMs,
    );
    const onAbort = () =>
      fail(
        new EndpointError('aborted', `${call.method} ${where} was cancelled`, {
          url: where,
          cause: call.signal?.reason,
        }),
      );
    call.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => fail(networkError(error, call.url, call.timeoutMs)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > call.maxResponseBytes) {
          fail(
            new EndpointError(
              'response-too-large',
              `${where} sent more than ${call.maxResponseBytes} bytes`,
              {
                url: where,
                status: response.statusCode,
                hint: 'raise maxResponseBytes if such large answers are expected',
              },
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error) => fail(networkError(error, call.url, call.timeoutMs)));
      response.on('aborted', () =>
        fail(
          new EndpointError('unreachable', `${where} closed the connection mid-answer`, {
            url: where,
          }),
        ),
      );
      response.on('end', () =>
        finish(() =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
            elapsedMs: performance.now() - started,
          }),
        ),
      );
    });
    if (call.signal?.aborted) {
      onAbort();
      return;
    }
    call.onSent?.();
    request.end(call.body);
  });
}
