import { resolve } from 'node:path';
import { main } from 'mlwarden';
import { describe, expect, inject, it } from 'vitest';

const here = resolve(import.meta.dirname, '..');

declare module 'vitest' {
  /** What the MLServer global setup (packages/seldon/test/mlserver) provides. */
  export interface ProvidedContext {
    mlserver: { url: string; metricsUrl: string; expectedPath: string; pid: number };
  }
}

/** MLServer's own count of REST requests (health endpoints are not counted). */
async function serverRequests(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^rest_server_requests_total\{.*\} (\S+)$/.exec(line);
    if (m) total += Number(m[1]);
  }
  return total;
}

async function attack(extra: string[]) {
  const { url } = inject('mlserver');
  let stdout = '';
  const code = await main(
    [
      'attack',
      '--model',
      `oip+${url}/v2/models/iris`,
      '--data',
      'data/iris.csv',
      '--label',
      'species',
      '-f',
      'json',
      ...extra,
    ],
    {
      stdout: { write: (c: string) => (stdout += c) },
      stderr: { write: () => true },
      cwd: here,
      env: {},
    },
  );
  return { code, result: JSON.parse(stdout).results[0] };
}

describe('examples/attack-endpoint', () => {
  it('stops at the budget, never past it, and reports the run as incomplete', async () => {
    const { code, result } = await attack([
      '--attack',
      'hsj',
      '--budget',
      '60',
      '--max-rows',
      '12',
      '--seed',
      '7',
    ]);
    expect(code).toBe(3);
    expect(result.status).toBe('incomplete');
    expect(result.metrics.queries).toBeLessThanOrEqual(60);
  });

  it('attacks MLServer within the budget and counts every request the server saw', async () => {
    const { metricsUrl } = inject('mlserver');
    const before = await serverRequests(metricsUrl);
    const { code, result } = await attack([
      '--attack',
      'hsj',
      '--epsilon',
      '0.5,1,2',
      '--max-rows',
      '12',
      '--budget',
      '4000',
      '--seed',
      '7',
      '--fail-on',
      'never',
    ]);
    const after = await serverRequests(metricsUrl);
    expect([0, 3]).toContain(code);
    const { metrics } = result;
    // Every request the server saw was counted by the client (the metadata read included).
    expect(after - before).toBe(metrics.targetQueries);
    expect(metrics.queries).toBeLessThanOrEqual(4000);
    expect(metrics.cleanAccuracy).toBeGreaterThan(0.9);
    const epsilons = metrics.curve.map((p: { epsilon: number }) => p.epsilon);
    expect(epsilons).toEqual([0.5, 1, 2]);
    const robust = metrics.curve.map((p: { robustAccuracy: number }) => p.robustAccuracy);
    // A larger perturbation never makes the model more robust.
    expect(robust).toEqual([...robust].sort((a, b) => b - a));
  });
});
