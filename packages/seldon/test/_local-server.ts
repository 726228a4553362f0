import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  url: string;
  /** Requests received, in order. */
  requests: Array<{
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
  }>;
  close(): Promise<void>;
}

export type Handler = (
  req: http.IncomingMessage & { body: string },
  res: http.ServerResponse,
) => unknown;

/** A small HTTP(S) server on 127.0.0.1 and a free port, for fault tests. */
export async function startLocalServer(
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      Promise.resolve()
        .then(() => handler(Object.assign(req, { body }), res))
        .catch(() => {
          res.statusCode = 500;
          res.end();
        });
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
