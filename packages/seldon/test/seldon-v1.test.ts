import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointError } from '../src/endpoint-error.js';
import { openEndpointTarget } from '../src/open-endpoint.js';
import { probeEndpoint } from '../src/probe-endpoint.js';
import { createSeldonV1Client } from '../src/seldon-v1-client.js';
import { createSeldonV1ModelTarget } from '../src/seldon-v1-model-target.js';
import { type Expected, loadExpected, maxProbabilityError, rowsAsFloat32 } from './_expected.js';
import type { LocalServer } from './_local-server.js';
import { startSeldonV1Server } from './seldon-v1-server.js';

describe('Seldon v1 protocol (local server emulating the Python wrapper)', () => {
  let expected: Expected;
  let server: LocalServer;
  beforeAll(async () => {
    expected = loadExpected();
    server = await startSeldonV1Server({ coef: expected.coef, intercept: expected.intercept });
  });
  afterAll(() => server.close());

  for (const payload of ['tensor', 'ndarray'] as const) {
    it(`predictions and probabilities equal scikit-learn's (${payload} payload)`, async () => {
      const client = createSeldonV1Client({ url: server.url });
      const target = createSeldonV1ModelTarget(client, { features: 4, payload, maxBatchRows: 16 });
      const { labels, probabilities } = await target.predict(
        rowsAsFloat32(expected.rows),
        expected.rows.length,
      );
      expect(Array.from(labels)).toEqual(expected.predict);
      expect(maxProbabilityError(probabilities, expected.predict_proba)).toBeLessThan(1e-6);
      expect(target.queries.used).toBe(3);
      const sent = server.requests.at(-1)?.body ?? '';
      expect(JSON.parse(sent).data).toHaveProperty(payload);
      client.close();
    });
  }

  it("surfaces the wrapper's SeldonMessage status on a 400", async () => {
    const client = createSeldonV1Client({ url: server.url });
    const error = await client.predict({ jsonData: undefined } as never).catch((e: unknown) => e);
    expect(EndpointError.isEndpointError(error) && error.kind).toBe('http');
    expect((error as Error).message).toMatch(/HTTP 400: Invalid request data type/);
    client.close();
  });

  it('resolves a seldon-v1+ URI into a target', async () => {
    const target = await openEndpointTarget(
      `seldon-v1+${server.url}/api/v1.0/predictions?features=4&classes=setosa,versicolor,virginica`,
    );
    const { labels } = await target.predict(rowsAsFloat32(expected.rows.slice(0, 5)), 5);
    expect(Array.from(labels)).toEqual(expected.predict.slice(0, 5));
    expect(target.classes).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('refuses requests without the token, and the probe reports it only when auth is expected', async () => {
    const guarded = await startSeldonV1Server(
      { coef: expected.coef, intercept: expected.intercept },
      { token: 'v1-token-abcdef' },
    );
    try {
      const anonymous = createSeldonV1Client({ url: guarded.url });
      const error = await anonymous
        .predict({ data: { ndarray: [[1, 2, 3, 4]] } })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'auth', status: 401 });
      const client = createSeldonV1Client({
        url: guarded.url,
        auth: { type: 'bearer', token: 'v1-token-abcdef' },
      });
      const report = await probeEndpoint(client, { features: 4, budget: 3, loadRequests: 0 });
      expect(report.probes.find((p) => p.id === 'no-credentials')).toMatchObject({
        outcome: 'robust',
        status: 401,
      });
      expect(JSON.stringify(report)).not.toContain('v1-token-abcdef');
      anonymous.close();
      client.close();
    } finally {
      await guarded.close();
    }
  });

  it('runs the malformed-input probes and reports each one', async () => {
    const before = server.requests.length;
    const client = createSeldonV1Client({ url: server.url });
    const report = await probeEndpoint(client, {
      features: 4,
      budget: 20,
      loadRequests: 6,
      hugeBytes: 64 * 1024,
    });
    expect(server.requests.length - before).toBe(report.requestsUsed);
    expect(report.requestsUsed).toBeLessThanOrEqual(20);
    const outcome = Object.fromEntries(
      report.probes.map((p) => [p.id, `${p.outcome} ${p.status ?? ''}`.trim()]),
    );
    expect(outcome).toMatchObject({
      schema: 'robust 200',
      'invalid-json': 'robust 400',
      'empty-request': 'robust 400',
      'shape-mismatch': 'finding 500',
      'wrong-feature-count': 'finding 500',
      'wrong-datatype': 'finding 500',
      'non-finite': 'finding 500',
      overflow: 'finding 500',
      'huge-shape': 'finding 500',
      'huge-body': 'robust 200',
      load: 'robust',
    });
    expect(report.findings.filter((f) => f.rule === 'server-error')).toHaveLength(6);
    expect(report.incomplete).toEqual([]);
    client.close();
  });
});
