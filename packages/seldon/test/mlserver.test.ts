import { runChecks, silentLogger } from '@mlwarden/core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createOipClient, type OipClient } from '../src/oip-client.js';
import { connectOipModelTarget } from '../src/oip-model-target.js';
import { openEndpointTarget } from '../src/open-endpoint.js';
import { probeEndpoint } from '../src/probe-endpoint.js';
import { seldonPlugin } from '../src/seldon-plugin.js';
import { type Expected, loadExpected, maxProbabilityError, rowsAsFloat32 } from './_expected.js';

/** Sum of MLServer's own per-route request counters (health endpoints are not counted by it). */
async function serverRequestCount(metricsUrl: string): Promise<{ total: number; infer: number }> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  let infer = 0;
  for (const line of text.split('\n')) {
    const m = /^rest_server_requests_total\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const value = Number(m[2]);
    total += value;
    if (/path="\/v2\/models\/\{model_name\}\/infer"/.test(m[1] as string)) infer += value;
  }
  return { total, infer };
}

/** Requests the client sent that MLServer counts: all but /v2/health/live and /v2/health/ready. */
function countedByServer(client: OipClient): number {
  const s = client.transport.stats;
  return s.total - (s.byKind.live ?? 0) - (s.byKind.ready ?? 0);
}

describe('against real MLServer', () => {
  const { url, metricsUrl } = inject('mlserver');
  let expected: Expected;
  beforeAll(() => {
    expected = loadExpected();
  });

  it('answers health and metadata', async () => {
    const client = createOipClient({ url, model: 'iris' });
    expect(await client.serverLive()).toBe(true);
    expect(await client.serverReady()).toBe(true);
    expect(await client.modelReady()).toBe(true);
    expect(await client.serverMetadata()).toMatchObject({ name: 'mlserver', version: '1.7.1' });
    expect(await client.modelMetadata()).toMatchObject({
      name: 'iris',
      inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, 4] }],
    });
    const missing = createOipClient({ url, model: 'no-such-model' });
    await expect(missing.modelMetadata()).rejects.toMatchObject({ kind: 'http', status: 404 });
    client.close();
    missing.close();
  });

  it("predictions and probabilities equal scikit-learn's own predict and predict_proba", async () => {
    const client = createOipClient({ url, model: 'iris', budget: 10 });
    const target = await connectOipModelTarget(client, { maxBatchRows: 16 });
    expect(target.inputSpec).toEqual({ shape: [4], dtype: 'FP64' });
    const { labels, probabilities } = await target.predict(
      rowsAsFloat32(expected.rows),
      expected.rows.length,
    );
    expect(Array.from(labels)).toEqual(expected.predict);
    expect(maxProbabilityError(probabilities, expected.predict_proba)).toBeLessThan(1e-6);
    expect(target.queries).toMatchObject({ used: 4, budget: 10 });
    expect(target.stats.byKind).toEqual({ 'model-metadata': 1, infer: 3 });
    client.close();
  });

  it('round-trips every datatype, request parameters and the id through MLServer codecs', async () => {
    const client = createOipClient({ url, model: 'echo' });
    const response = await client.infer({
      id: 'req-42',
      parameters: { trace: 'abc', level: 3 },
      inputs: [
        { name: 'bool', shape: [2], datatype: 'BOOL', data: [true, false] },
        { name: 'u8', shape: [2], datatype: 'UINT8', data: [0, 255] },
        { name: 'u16', shape: [1], datatype: 'UINT16', data: [65_535] },
        { name: 'u32', shape: [1], datatype: 'UINT32', data: [4_294_967_295] },
        { name: 'u64', shape: [1], datatype: 'UINT64', data: [9_007_199_254_740_991n] },
        { name: 'i8', shape: [2], datatype: 'INT8', data: [-128, 127] },
        { name: 'i16', shape: [1], datatype: 'INT16', data: [-32_768] },
        { name: 'i32', shape: [1], datatype: 'INT32', data: [-2_147_483_648] },
        { name: 'i64', shape: [1], datatype: 'INT64', data: [-9_007_199_254_740_991n] },
        { name: 'f16', shape: [2], datatype: 'FP16', data: [1.5, -2] },
        {
          name: 'f32',
          shape: [2, 2],
          datatype: 'FP32',
          data: [
            [0.25, 1e-3],
            [-7, 3.5],
          ],
        },
        { name: 'f64', shape: [1], datatype: 'FP64', data: [1e-300] },
        { name: 'text', shape: [2], datatype: 'BYTES', data: ['héllo wörld', 'x'] },
      ],
    });
    expect(response.id).toBe('req-42');
    expect(response.parameters).toMatchObject({ trace: 'abc', level: 3 });
    const got = Object.fromEntries(
      response.outputs.map((o) => [o.name, { datatype: o.datatype, data: o.data }]),
    );
    expect(got).toEqual({
      bool: { datatype: 'BOOL', data: [true, false] },
      u8: { datatype: 'UINT8', data: [0, 255] },
      u16: { datatype: 'UINT16', data: [65_535] },
      u32: { datatype: 'UINT32', data: [4_294_967_295] },
      u64: { datatype: 'UINT64', data: [9_007_199_254_740_991] },
      i8: { datatype: 'INT8', data: [-128, 127] },
      i16: { datatype: 'INT16', data: [-32_768] },
      i32: { datatype: 'INT32', data: [-2_147_483_648] },
      i64: { datatype: 'INT64', data: [-9_007_199_254_740_991] },
      f16: { datatype: 'FP16', data: [1.5, -2] },
      f32: { datatype: 'FP32', data: [0.25, Math.fround(1e-3), -7, 3.5] },
      f64: { datatype: 'FP64', data: [1e-300] },
      text: { datatype: 'BYTES', data: ['héllo wörld', 'x'] },
    });
    client.close();
  });

  it("runs the probes, reports each one, and its request count equals MLServer's own", async () => {
    const before = await serverRequestCount(metricsUrl);
    const client = createOipClient({ url, model: 'iris', timeoutMs: 10_000 });
    const report = await probeEndpoint(client, {
      budget: 40,
      loadRequests: 12,
      loadConcurrency: 4,
    });
    // A black-box query loop on top, as an attack would run it.
    const target = await connectOipModelTarget(client);
    for (let i = 0; i < 10; i++)
      await target.predict(rowsAsFloat32([expected.rows[i] as number[]]), 1);
    const after = await serverRequestCount(metricsUrl);

    expect(report.requestsUsed).toBeLessThanOrEqual(40);
    expect(after.total - before.total).toBe(countedByServer(client));
    expect(after.infer - before.infer).toBe(client.transport.stats.byKind.infer ?? 0);

    const outcome = Object.fromEntries(report.probes.map((p) => [p.id, p.outcome]));
    for (const id of [
      'invalid-json',
      'empty-request',
      'shape-mismatch',
      'wrong-feature-count',
      'wrong-datatype',
      'non-finite',
      'overflow',
      'huge-shape',
      'huge-body',
    ]) {
      expect(outcome[id], id).toMatch(/^(robust|finding)$/);
    }
    expect(report.probes.find((p) => p.id === 'invalid-json')).toMatchObject({
      outcome: 'robust',
      status: 422,
    });
    expect(outcome.schema).toBe('robust');
    const rules = new Set(report.findings.map((f) => f.rule));
    // MLServer 1.7.1 defaults: debug tracebacks, the unauthenticated repository API, version disclosure.
    expect([...rules]).toEqual(
      expect.arrayContaining([
        'server-error',
        'stack-trace-disclosure',
        'model-repository-exposed',
        'version-disclosure',
        'api-docs-exposed',
      ]),
    );
    expect(report.latency?.requests).toBe(12);
    client.close();
  });

  it('runs as the seldon.endpoint check from an endpoint URI, through the plugin', async () => {
    const model = await openEndpointTarget(`oip+${url}/v2/models/iris?budget=60`);
    const report = await runChecks({
      checks: [...(seldonPlugin.checks ?? [])],
      inputs: { model },
      settings: { 'seldon.endpoint': { options: { budget: 30, loadRequests: 4 } } },
      log: silentLogger,
    });
    const result = report.results.find((r) => r.checkId === 'seldon.endpoint');
    expect(result?.status).toBe('fail');
    expect(result?.metrics.requestsUsed).toBeLessThanOrEqual(30);
    expect(
      result?.findings.some(
        (f) => f.ruleId === 'seldon.endpoint/model-repository-exposed' && f.severity === 'high',
      ),
    ).toBe(true);
    expect(report.results.find((r) => r.checkId === 'seldon.manifest')?.status).toBe('skip');
    expect(model.queries.used).toBe(1 + (result?.metrics.requestsUsed as number));
  });
});
