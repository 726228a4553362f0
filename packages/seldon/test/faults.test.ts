import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointError } from '../src/endpoint-error.js';
import { createOipClient } from '../src/oip-client.js';
import { createOipModelTarget } from '../src/oip-model-target.js';
import { probeEndpoint } from '../src/probe-endpoint.js';
import { type LocalServer, sendJson, startLocalServer } from './_local-server.js';

const TOKEN = 'tok_3f9a8b7c6d5e4f3a2b1c';

async function caught(p: Promise<unknown>): Promise<EndpointError> {
  try {
    await p;
  } catch (e) {
    if (EndpointError.isEndpointError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const irisMetadata = {
  name: 'iris',
  platform: '',
  versions: [],
  inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, 4] }],
  outputs: [{ name: 'predict', datatype: 'INT64', shape: [-1, 1] }],
};

describe('faults', () => {
  const servers: LocalServer[] = [];
  const start = async (...args: Parameters<typeof startLocalServer>) => {
    const s = await startLocalServer(...args);
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('an unreachable port gives a typed error, after retries only for safe requests', async () => {
    const port = await closedPort();
    const client = createOipClient({
      url: `http://127.0.0.1:${port}`,
      model: 'iris',
      retries: 2,
      retryBackoffMs: 1,
      budget: 10,
    });
    const meta = await caught(client.modelMetadata());
    expect(meta).toMatchObject({ kind: 'unreachable', code: 'MLW_SELDON_UNREACHABLE' });
    expect(meta.message).toContain(`127.0.0.1:${port}`);
    expect(client.transport.stats.total).toBe(3);
    const infer = await caught(
      client.infer({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [1] }] }),
    );
    expect(infer.kind).toBe('unreachable');
    expect(client.transport.stats.byKind.infer).toBe(1);
    client.close();
  });

  it('401 and 403 are auth errors that never show the credentials', async () => {
    const server = await start((req, res) => {
      if (req.headers.authorization === `Bearer ${TOKEN}`) sendJson(res, 200, irisMetadata);
      else
        sendJson(res, req.headers.authorization ? 403 : 401, {
          error: `bad token ${req.headers.authorization ?? ''}`,
        });
    });
    const wrong = createOipClient({
      url: server.url,
      model: 'iris',
      auth: { type: 'bearer', token: `${TOKEN}x` },
    });
    const error = await caught(wrong.modelMetadata());
    expect(error).toMatchObject({ kind: 'auth', status: 403 });
    expect(`${error.message} ${error.hint}`).not.toContain(TOKEN);
    const none = createOipClient({ url: server.url, model: 'iris' });
    expect(await caught(none.modelMetadata())).toMatchObject({ kind: 'auth', status: 401 });
    const right = createOipClient({
      url: server.url,
      model: 'iris',
      auth: { type: 'bearer', token: TOKEN },
    });
    expect((await right.modelMetadata()).inputs).toHaveLength(1);
    const basic = createOipClient({
      url: server.url,
      model: 'iris',
      auth: { type: 'basic', username: 'svc', password: 'pa55word!' },
    });
    await caught(basic.modelMetadata());
    expect(server.requests.at(-1)?.headers.authorization).toBe(
      `Basic ${Buffer.from('svc:pa55word!').toString('base64')}`,
    );
    for (const c of [wrong, none, right, basic]) c.close();
  });

  it('a server that never answers times out within the deadline, and infer is not retried', async () => {
    const server = await start(() => {
      // never respond
    });
    const client = createOipClient({ url: server.url, model: 'iris', timeoutMs: 300, retries: 3 });
    const error = await caught(
      client.infer({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }),
    );
    expect(error).toMatchObject({ kind: 'timeout', code: 'MLW_SELDON_TIMEOUT' });
    expect(server.requests).toHaveLength(1);
    client.close();
  });

  it('a server that drops connections gives a typed error', async () => {
    const server = await start((req) => req.socket.destroy());
    const client = createOipClient({ url: server.url, model: 'iris', retries: 0 });
    expect((await caught(client.serverMetadata())).kind).toBe('unreachable');
    client.close();
  });

  it('malformed JSON and wrong shapes are typed errors', async () => {
    const server = await start((req, res) => {
      if (req.url === '/v2/models/iris') {
        res.end('{"name": "iris", "inputs": [');
        return;
      }
      const rows =
        (JSON.parse(req.body) as { inputs: Array<{ shape: number[] }> }).inputs[0]?.shape[0] ?? 0;
      const outputs: unknown[] = [
        {
          name: 'predict',
          shape: [rows + 1, 1],
          datatype: 'INT64',
          data: new Array(rows + 1).fill(0),
        },
      ];
      if (req.body.includes('predict_proba'))
        outputs.push({ name: 'predict_proba', shape: [rows, 2], datatype: 'FP64', data: [0.5] });
      sendJson(res, 200, { model_name: 'iris', outputs });
    });
    const client = createOipClient({ url: server.url, model: 'iris' });
    expect(await caught(client.modelMetadata())).toMatchObject({ kind: 'malformed-response' });
    const target = createOipModelTarget(client, { features: 2 });
    const error = await caught(target.predict(new Float32Array([1, 2, 3, 4]), 2));
    expect(error.kind).toBe('bad-output');
    expect(error.message).toMatch(/predict_proba.*shape \[2, 2\] \(4 elements\) but 1 data/);
    const labelsOnly = createOipModelTarget(client, { features: 2, probabilitiesOutput: null });
    expect((await caught(labelsOnly.predict(new Float32Array([1, 2, 3, 4]), 2))).message).toMatch(
      /shape \[3, 1\]; expected \[2\] or \[2, 1\]/,
    );
    client.close();
  });

  it('retries a safe GET after 503 and succeeds, counting every attempt', async () => {
    let calls = 0;
    const server = await start((_req, res) => {
      calls++;
      if (calls < 3) sendJson(res, 503, { error: 'warming up' });
      else sendJson(res, 200, irisMetadata);
    });
    const client = createOipClient({
      url: server.url,
      model: 'iris',
      retries: 3,
      retryBackoffMs: 1,
    });
    expect((await client.modelMetadata()).name).toBe('iris');
    expect(client.transport.stats).toMatchObject({ total: 3, retries: 2 });
    expect(client.transport.gate.used).toBe(3);
    client.close();
  });

  it('never sends more than the budget under concurrent predictions', async () => {
    const server = await start((req, res) => {
      const rows =
        (JSON.parse(req.body) as { inputs: Array<{ shape: number[] }> }).inputs[0]?.shape[0] ?? 0;
      setTimeout(
        () =>
          sendJson(res, 200, {
            model_name: 'm',
            outputs: [
              { name: 'predict', shape: [rows], datatype: 'INT64', data: new Array(rows).fill(1) },
            ],
          }),
        2,
      );
    });
    const client = createOipClient({ url: server.url, model: 'm', budget: 9, concurrency: 4 });
    const target = createOipModelTarget(client, { features: 1, probabilitiesOutput: null });
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => target.predict(new Float32Array([i]), 1)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    expect(server.requests).toHaveLength(9);
    expect(target.queries).toMatchObject({ used: 9, budget: 9 });
    client.close();
  });

  it('a response larger than the cap is cut off', async () => {
    const server = await start((_req, res) => res.end('x'.repeat(100_000)));
    const client = createOipClient({
      url: server.url,
      model: 'm',
      maxResponseBytes: 1000,
      retries: 0,
    });
    expect((await caught(client.serverMetadata())).kind).toBe('response-too-large');
    client.close();
  });

  it('probes stay within the budget, report hangs and drops per probe, and mark the run incomplete', async () => {
    const server = await start((req, res) => {
      if (req.method === 'GET') {
        if (req.url === '/v2/models/iris') sendJson(res, 200, irisMetadata);
        else if (req.url?.startsWith('/v2/health')) res.end();
        else sendJson(res, 404, { error: 'not found' });
        return;
      }
      if (req.url === '/v2/repository/index') return sendJson(res, 404, { error: 'not found' });
      if (req.body.includes('NaN')) return; // hangs
      if (req.body.includes('1e309')) return req.socket.destroy(); // crashes
      let parsed: { inputs?: Array<{ shape: number[]; data: unknown[]; datatype: string }> };
      try {
        parsed = JSON.parse(req.body);
      } catch {
        return sendJson(res, 400, { error: 'invalid JSON' });
      }
      const input = parsed.inputs?.[0];
      const count = input?.shape.reduce((a, b) => a * b, 1);
      if (
        !input ||
        count !== input.data.length ||
        input.shape[1] !== 4 ||
        input.datatype !== 'FP64'
      ) {
        return sendJson(res, 400, { error: 'bad input' });
      }
      const rows = input.shape[0] ?? 0;
      sendJson(res, 200, {
        model_name: 'iris',
        outputs: [
          { name: 'predict', shape: [rows, 1], datatype: 'INT64', data: new Array(rows).fill(0) },
        ],
      });
    });
    const client = createOipClient({ url: server.url, model: 'iris', timeoutMs: 400, retries: 0 });
    const report = await probeEndpoint(client, { budget: 15, loadRequests: 8 });
    expect(server.requests.length).toBe(15);
    expect(report.requestsUsed).toBe(15);
    const byId = Object.fromEntries(report.probes.map((p) => [p.id, p]));
    expect(byId['non-finite']).toMatchObject({ outcome: 'finding', detail: 'timed out' });
    expect(byId.overflow).toMatchObject({ outcome: 'finding', detail: 'connection dropped' });
    expect(byId['invalid-json']).toMatchObject({ outcome: 'robust', status: 400 });
    expect(byId['huge-shape']).toMatchObject({ outcome: 'robust', status: 400 });
    expect(byId['huge-body']?.outcome).toBe('skipped');
    expect(report.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['hang', 'connection-dropped']),
    );
    expect(report.incomplete.length).toBeGreaterThan(0);
    client.close();
  });
});

describe('TLS', () => {
  let dir: string;
  let server: LocalServer;
  let ca: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlw-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    server = await startLocalServer(
      (_req, res) => sendJson(res, 200, { name: 'mlserver', version: '1.7.1', extensions: [] }),
      {
        key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
        cert: ca,
      },
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate with a TLS error', async () => {
    const client = createOipClient({ url: server.url, model: 'm', retries: 0 });
    expect(await caught(client.serverMetadata())).toMatchObject({
      kind: 'tls',
      code: 'MLW_SELDON_TLS',
    });
    client.close();
  });

  it('trusts a given CA, and skips verification only when told to', async () => {
    const trusted = createOipClient({ url: server.url, model: 'm', tls: { ca } });
    expect((await trusted.serverMetadata()).version).toBe('1.7.1');
    const insecure = createOipClient({
      url: server.url,
      model: 'm',
      tls: { insecureSkipVerify: true },
    });
    expect((await insecure.serverMetadata()).name).toBe('mlserver');
    trusted.close();
    insecure.close();
  });
});
