import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultServer, json, startFaultServer } from '../../test/support/fault-server.js';
import { createMlflowClient } from './create-mlflow-client.js';
import { MlflowError } from './mlflow-error.js';

const fixture = async (name: string) =>
  readFile(join(import.meta.dirname, '__fixtures__', name), 'utf8');

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { backoffMs: 1, maxBackoffMs: 5, env: {} };

describe('createMlflowClient against a server that misbehaves', () => {
  it('retries an idempotent request after 503s and returns the answer', async () => {
    const run = await fixture('run-clean.json');
    let calls = 0;
    server = await startFaultServer((_req, res) => {
      calls++;
      if (calls <= 2)
        return json(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(run);
      return true;
    });
    const client = createMlflowClient({ trackingUri: server.uri, retries: 3, ...fast });
    const got = await client.runs.get('abc');
    expect(got.info.run_name).toBe('clean-sklearn');
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/2.0/mlflow/runs/get?run_id=abc',
      '/api/2.0/mlflow/runs/get?run_id=abc',
      '/api/2.0/mlflow/runs/get?run_id=abc',
    ]);
  });

  it('gives up after the retries with a typed error that counts the attempts', async () => {
    server = await startFaultServer((_req, res) =>
      json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'db down' }),
    );
    const client = createMlflowClient({ trackingUri: server.uri, retries: 2, ...fast });
    const error = await client.registry.getModelVersion('m', '1').catch((e: unknown) => e);
    expect(MlflowError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'MLW_MLFLOW_SERVER',
      status: 500,
      errorCode: 'INTERNAL_ERROR',
      attempts: 3,
      endpoint: 'GET /api/2.0/mlflow/model-versions/get',
      message: expect.stringContaining('db down (after 3 attempts)'),
    });
    expect(server.requests).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    server = await startFaultServer((_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '0' }).end('slow down');
        return true;
      }
      return json(res, 200, { experiment: { experiment_id: '1', name: 'e' } });
    });
    const client = createMlflowClient({ trackingUri: server.uri, retries: 1, ...fast });
    expect(await client.experiments.get('1')).toEqual({ experiment_id: '1', name: 'e' });
    expect(calls).toBe(2);
  });

  it('never retries a request that is not idempotent', async () => {
    server = await startFaultServer((_req, res) =>
      json(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'x' }),
    );
    const client = createMlflowClient({ trackingUri: server.uri, retries: 5, ...fast });
    await expect(client.runs.create({ experimentId: '0' })).rejects.toMatchObject({
      code: 'MLW_MLFLOW_SERVER',
    });
    await expect(
      client.runs.logBatch({ runId: 'r', metrics: [{ key: 'm', value: 1, timestamp: 1 }] }),
    ).rejects.toMatchObject({ code: 'MLW_MLFLOW_SERVER', attempts: 1 });
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
  });

  it('times out a server that does not answer, retrying idempotent calls', async () => {
    server = await startFaultServer(() => true /* never answers */);
    const client = createMlflowClient({
      trackingUri: server.uri,
      timeoutMs: 150,
      retries: 1,
      ...fast,
    });
    const error = await client.runs.get('r').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MLW_MLFLOW_TIMEOUT',
      attempts: 2,
      hint: expect.stringContaining('timeoutMs'),
    });
    expect(server.requests).toHaveLength(2);
  });

  it('times out a download that stalls after the headers', async () => {
    server = await startFaultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('partial');
      return true; // the body never ends
    });
    const client = createMlflowClient({
      trackingUri: server.uri,
      timeoutMs: 200,
      retries: 0,
      ...fast,
    });
    await expect(
      client.artifacts.readText({ kind: 'run', runId: 'r', path: '' }, 'notes.txt'),
    ).rejects.toMatchObject({ code: 'MLW_MLFLOW_TIMEOUT' });
  });

  it('reports an unreachable server with the URI to check', async () => {
    server = await startFaultServer(() => true);
    const uri = server.uri;
    await server.close();
    server = undefined;
    const client = createMlflowClient({ trackingUri: uri, retries: 2, ...fast });
    const error = await client.experiments.getByName('x').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MLW_MLFLOW_UNREACHABLE',
      attempts: 3,
      message: expect.stringContaining('ECONNREFUSED'),
      hint: expect.stringContaining(uri),
    });
  });

  it('stops at once when the caller aborts', async () => {
    let arrived: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server = await startFaultServer(() => {
      arrived();
      return true; // never answers
    });
    const client = createMlflowClient({ trackingUri: server.uri, retries: 5, ...fast });
    const controller = new AbortController();
    const pending = client.runs.get('r', { signal: controller.signal });
    await reached;
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');
    expect(server.requests).toHaveLength(1);
  });

  it('keeps credentials out of errors even when the server echoes them', async () => {
    server = await startFaultServer((req, res) =>
      json(res, 401, {
        error_code: 'UNAUTHENTICATED',
        message: `bad credentials: ${req.headers.authorization} for ${req.url}`,
      }),
    );
    const password = 'hunter2-very-secret';
    const client = createMlflowClient({
      trackingUri: server.uri.replace('http://', `http://alice:${password}@`),
      retries: 0,
      ...fast,
    });
    const error = (await client.runs.get('r').catch((e: unknown) => e)) as MlflowError;
    expect(error.code).toBe('MLW_MLFLOW_UNAUTHENTICATED');
    expect(error.hint).toMatch(/MLFLOW_TRACKING_USERNAME/);
    const encoded = Buffer.from(`alice:${password}`).toString('base64');
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${encoded}`);
    for (const text of [error.message, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encoded);
    }

    const token = 'tok_0123456789abcdef';
    const bearer = createMlflowClient({
      trackingUri: server.uri,
      auth: { type: 'bearer', token },
      retries: 0,
      ...fast,
    });
    const e2 = (await bearer.runs.get('r').catch((e: unknown) => e)) as MlflowError;
    expect(server.requests[1]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(e2.message).not.toContain(token);
  });

  it('maps recorded MLflow error bodies to typed errors', async () => {
    const notFound = await fixture('error-run-not-found.json');
    const badAlias = await fixture('error-alias-not-found.json');
    server = await startFaultServer((req, res) => {
      const body = req.url.includes('alias') ? badAlias : notFound;
      res
        .writeHead(req.url.includes('alias') ? 400 : 404, { 'content-type': 'application/json' })
        .end(body);
      return true;
    });
    const client = createMlflowClient({ trackingUri: server.uri, retries: 0, ...fast });
    await expect(client.runs.get('0000')).rejects.toMatchObject({
      code: 'MLW_MLFLOW_NOT_FOUND',
      status: 404,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining('Run with id=0000 not found'),
    });
    // The server answers an unknown alias with 400; the client makes it a not-found.
    const error = await client.registry
      .getModelVersionByAlias('mlw-clean', 'nope')
      .catch((e: unknown) => e);
    expect(MlflowError.isNotFound(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
  });

  it('rejects answers that are not JSON, and HTML error pages, clearly', async () => {
    server = await startFaultServer((req, res) => {
      if (req.url.startsWith('/api/2.0/mlflow/runs/get')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      } else
        res
          .writeHead(404, { 'content-type': 'text/html' })
          .end('<h1>Not Found</h1><p>nothing here</p>');
      return true;
    });
    const client = createMlflowClient({ trackingUri: server.uri, retries: 0, ...fast });
    await expect(client.runs.get('r')).rejects.toMatchObject({
      code: 'MLW_MLFLOW_BAD_RESPONSE',
      message: expect.stringContaining('not JSON'),
    });
    await expect(client.experiments.get('1')).rejects.toMatchObject({
      code: 'MLW_MLFLOW_NOT_FOUND',
      message: expect.stringContaining('Not Found nothing here'),
    });
  });

  it('sends query strings, JSON bodies and headers the way MLflow expects', async () => {
    server = await startFaultServer((_req, res) => json(res, 200, {}));
    const client = createMlflowClient({
      trackingUri: `${server.uri}/prefix/`,
      retries: 0,
      ...fast,
    });
    await client.registry.searchModelVersions({
      filter: "name='a b'",
      orderBy: ['version DESC', 'name'],
    });
    await client.runs.setTag('r1', 'k', 'v');
    const [search, setTag] = server.requests;
    expect(search?.url).toBe(
      '/prefix/api/2.0/mlflow/model-versions/search?filter=name%3D%27a+b%27&max_results=1000&order_by=version+DESC&order_by=name',
    );
    expect(setTag).toMatchObject({ method: 'POST', url: '/prefix/api/2.0/mlflow/runs/set-tag' });
    expect(JSON.parse(setTag?.body ?? '')).toEqual({ run_id: 'r1', key: 'k', value: 'v' });
    expect(setTag?.headers['content-type']).toBe('application/json');
    expect(setTag?.headers['user-agent']).toMatch(/^mlwarden\//);
    expect(setTag?.headers.authorization).toBeUndefined();
  });
});
