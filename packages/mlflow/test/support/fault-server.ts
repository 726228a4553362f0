import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FaultServer {
  uri: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A small HTTP server on 127.0.0.1 for faults a real MLflow server cannot be made to produce
 * (500s on demand, slow answers, hostile listings). `handle` answers each request; with
 * `upstream`, a handler that returns false forwards the request to the real server instead.
 */
export async function startFaultServer(
  handle: (
    req: RecordedRequest,
    res: ServerResponse,
  ) => boolean | undefined | Promise<boolean | undefined>,
  upstream?: string,
): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: body.toString('utf8'),
    };
    requests.push(recorded);
    const handled = await handle(recorded, res);
    if (handled !== false) return;
    if (upstream === undefined) {
      res.writeHead(599).end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    }
    const answer = await fetch(`${upstream}${recorded.url}`, {
      method: recorded.method,
      headers,
      ...(body.length > 0 && { body }),
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding')
        out[k] = v;
    });
    res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON. */
export function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}
