import { hopSkipJump, type LabelledRows, runEvasion, squareAttack } from '@mlwarden/adversarial';
import { MlwardenError, type ModelTarget } from '@mlwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowError } from '../src/client/mlflow-error.js';
import { createMlflowScoringTarget } from '../src/scoring/create-mlflow-scoring-target.js';
import { openMlflowScoringTarget } from '../src/scoring/mlflow-scoring-uri.js';
import { type FaultServer, json, startFaultServer } from './support/fault-server.js';
import { scoringEnv, serverInvocations } from './support/scoring-env.js';

// Every test that talks to the scoring servers lives in this file: tests in one file run one
// after another, so the servers' access logs hold only the requests of the test that counts them.
const env = scoringEnv();
const { expected, servers } = env;
const columns = expected.columns;
const n = expected.rows.length;
const x = Float32Array.from(expected.rows.flat());

async function failure(promise: Promise<unknown>): Promise<MlflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!MlflowError.is(error)) throw new Error(`expected an MlflowError, got ${String(error)}`);
  return error;
}

describe('MLflow scoring server as a model target', () => {
  it('returns scikit-learn labels for 40 rows, in batches, one request per batch', async () => {
    const target = createMlflowScoringTarget({
      url: servers.labels.uri,
      inputColumns: columns,
      maxBatchRows: 16,
    });
    const { value: answer, received } = await serverInvocations(servers.labels, () =>
      target.predict(x, n),
    );
    expect(Array.from(answer.labels)).toEqual(expected.labels);
    expect(answer.probabilities).toBeUndefined();
    expect(target.stats.invocations).toBe(3);
    expect(received).toBe(target.stats.invocations);
    expect(target.queries.used).toBe(3);
  });

  it('returns predict_proba probabilities to 1e-6 and their argmax as labels', async () => {
    const target = createMlflowScoringTarget({
      url: servers.proba.uri,
      inputColumns: columns,
      classes: ['setosa', 'versicolor', 'virginica'],
    });
    const answer = await target.predict(x, n);
    const probabilities = answer.probabilities ?? new Float32Array();
    expect(probabilities.length).toBe(n * 3);
    expected.probabilities.flat().forEach((p, i) => {
      expect(Math.abs((probabilities[i] as number) - p)).toBeLessThanOrEqual(1e-6);
    });
    expect(Array.from(answer.labels)).toEqual(expected.labels);
    expect(target.stats.invocations).toBe(1);
  });

  it('reads labels and scores from the records of a pyfunc model that returns a DataFrame', async () => {
    const classes = expected.class_names;
    const target = createMlflowScoringTarget({
      url: servers.records.uri,
      inputColumns: columns,
      classes,
      labelField: 'species',
      probabilityFields: classes.map((c) => `p_${c}`),
    });
    const answer = await target.predict(x, n);
    expect(Array.from(answer.labels)).toEqual(expected.named_labels.map((l) => classes.indexOf(l)));
    const probabilities = answer.probabilities ?? new Float32Array();
    expected.named_probabilities.flat().forEach((p, i) => {
      expect(Math.abs((probabilities[i] as number) - p)).toBeLessThanOrEqual(1e-6);
    });
  });

  it('asks which record keys to read when a DataFrame has several columns', async () => {
    const target = createMlflowScoringTarget({ url: servers.records.uri, inputColumns: columns });
    const error = await failure(target.predict(x.subarray(0, 8), 2));
    expect(error.code).toBe('MLW_MLFLOW_BAD_RESPONSE');
    expect(error.message).toMatch(/species, p_setosa/);
    expect(error.hint).toMatch(/labelField/);
  });

  it('stops at the budget before sending anything, and counts only what was sent', async () => {
    const target = createMlflowScoringTarget({
      url: servers.labels.uri,
      inputColumns: columns,
      budget: 4,
      maxBatchRows: 16,
    });
    const { value: refused, received } = await serverInvocations(servers.labels, async () => {
      await target.predict(x, n);
      return target.predict(x.subarray(0, 20 * 4), 20).catch((e: unknown) => e);
    });
    expect(MlwardenError.isInstance(refused) && refused.code).toBe('MLW_QUERY_BUDGET_EXHAUSTED');
    // 40 rows took 3 requests; 20 more need 2, but only 1 is left.
    expect(target.queries).toEqual({ used: 3, budget: 4 });
    expect(received).toBe(3);
    // What is left still fits.
    await target.predict(x.subarray(0, 10 * 4), 10);
    expect(target.queries.used).toBe(4);
  });

  /** Runs `attack` through a budgeted target; checks the budget and the server's request count. */
  async function attackThrough<T extends { queries: number; stopped?: unknown }>(
    model: 'labels' | 'proba',
    budget: number,
    rows: number,
    attack: (target: ModelTarget, rows: LabelledRows) => Promise<T>,
  ) {
    const target = createMlflowScoringTarget({
      url: servers[model].uri,
      inputColumns: columns,
      budget,
    });
    const labelled = {
      x: x.subarray(0, rows * 4),
      y: Int32Array.from(expected.labels.slice(0, rows)),
      n: rows,
    };
    const { value: outcome, received } = await serverInvocations(servers[model], () =>
      attack(target, labelled),
    );
    expect(outcome.stopped).toBeUndefined();
    expect(outcome.queries).toBe(target.queries.used);
    expect(target.queries.used).toBeLessThanOrEqual(budget);
    expect(received).toBe(target.stats.invocations);
    return { outcome, labelled };
  }

  it('runs HopSkipJump through the server within its budget; the server saw every request', async () => {
    const { outcome, labelled } = await attackThrough('labels', 400, 4, (target, rows) =>
      hopSkipJump(target, rows, { maxIterations: 5, initialEvaluations: 50, seed: 3 }),
    );
    expect(outcome.attacked).toBe(4);
    // The adversarial rows really are misclassified by the served model.
    const fooled = [0, 1, 2, 3].filter((r) => outcome.success[r] === 1);
    expect(fooled.length).toBeGreaterThan(0);
    const adversarial = new Float32Array(fooled.length * 4);
    for (const [k, r] of fooled.entries()) {
      adversarial.set(outcome.adversarial.subarray(r * 4, r * 4 + 4), k * 4);
    }
    const check = createMlflowScoringTarget({ url: servers.labels.uri, inputColumns: columns });
    const again = await check.predict(adversarial, fooled.length);
    for (const [k, r] of fooled.entries()) expect(again.labels[k]).not.toBe(labelled.y[r]);
  });

  it('runs the score-based Square attack on the probabilities within its budget', async () => {
    const { outcome } = await attackThrough('proba', 60, 8, (target, rows) =>
      squareAttack(target, rows, { epsilon: 0.5, maxIterations: 40, seed: 2 }),
    );
    expect(outcome.success.some((s) => s === 1)).toBe(true);
  });

  it('a black-box evasion run that hits the budget stops cleanly with partial results', async () => {
    const target = createMlflowScoringTarget({
      url: servers.labels.uri,
      inputColumns: columns,
      budget: 30,
    });
    const result = await runEvasion(
      target,
      { x, y: Int32Array.from(expected.labels), n },
      { attack: 'hsj', epsilons: [0.1, 0.5], iterations: 10, seed: 1 },
    );
    expect(result.complete).toBe(false);
    expect(result.stopped?.kind).toBe('budget');
    expect(result.cleanAccuracy).toBe(1);
    expect(result.queries).toEqual({ used: target.queries.used, budget: 30 });
    expect(target.queries.used).toBeLessThanOrEqual(30);
  });

  it('opens an mlflow+http:// URI', async () => {
    const target = await openMlflowScoringTarget(
      `mlflow+${servers.proba.uri}?columns=${columns.join(',')}&output=labels&batch=25&budget=2`,
      { env: {} },
    );
    const answer = await target.predict(x, n);
    expect(Array.from(answer.labels)).toEqual(expected.labels);
    expect(answer.probabilities).toBeUndefined();
    expect(target.queries).toEqual({ used: 2, budget: 2 });
  });

  it('pings the server and reads its MLflow version', async () => {
    const target = createMlflowScoringTarget({ url: servers.labels.uri, inputColumns: columns });
    await target.ping();
    expect(await target.version()).toBe(expected.mlflow_version);
    expect(target.stats).toEqual({ requests: 2, invocations: 0, health: 2 });
  });
});

describe('MLflow scoring target errors', () => {
  let fault: FaultServer;
  beforeAll(async () => {
    fault = await startFaultServer(async (req, res) => {
      if (req.url === '/html/invocations') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
        return true;
      }
      if (req.url === '/short/invocations') {
        // The real server's answer, with one prediction missing.
        const answer = await fetch(`${servers.labels.uri}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: req.body,
        });
        const body = (await answer.json()) as { predictions: unknown[] };
        return json(res, 200, { predictions: body.predictions.slice(1) });
      }
      return json(res, 599, {});
    });
  });
  afterAll(() => fault.close());

  it('an unreachable server is MLW_MLFLOW_UNREACHABLE, for scoring and ping', async () => {
    const target = createMlflowScoringTarget({
      url: env.closedUri,
      inputColumns: columns,
      retries: 0,
    });
    const error = await failure(target.predict(x.subarray(0, 4), 1));
    expect(error.code).toBe('MLW_MLFLOW_UNREACHABLE');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.hint).toMatch(/mlflow models serve/);
    const ping = await failure(target.ping());
    expect(ping.code).toBe('MLW_MLFLOW_UNREACHABLE');
    expect(target.stats.requests).toBe(2);
  });

  it('a call that fails part-way gives back the requests it did not send', async () => {
    const target = createMlflowScoringTarget({
      url: env.closedUri,
      inputColumns: columns,
      maxBatchRows: 1,
      budget: 3,
    });
    // Three rows reserve three requests; the first fails, the other two are never sent.
    expect((await failure(target.predict(x.subarray(0, 12), 3))).code).toBe(
      'MLW_MLFLOW_UNREACHABLE',
    );
    expect(target.queries.used).toBe(1);
    expect((await failure(target.predict(x.subarray(0, 8), 2))).code).toBe(
      'MLW_MLFLOW_UNREACHABLE',
    );
    expect(target.queries.used).toBe(2);
    const refused = await target.predict(x.subarray(0, 8), 2).catch((e: unknown) => e);
    expect(MlwardenError.isInstance(refused) && refused.code).toBe('MLW_QUERY_BUDGET_EXHAUSTED');
    expect(target.stats.requests).toBe(2);
  });

  it('a wrong schema is a 400 that names the missing columns but not the data', async () => {
    const target = createMlflowScoringTarget({
      url: servers.labels.uri,
      inputColumns: ['a', 'sepal_width', 'petal_length', 'petal_width'],
    });
    const error = await failure(target.predict(x.subarray(0, 8), 2));
    expect(error.code).toBe('MLW_MLFLOW_BAD_REQUEST');
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain("Model is missing inputs ['sepal_length']");
    expect(error.message).not.toContain(String(expected.rows[0]?.[1]));
    expect(error.hint).toMatch(/inputColumns/);
  });

  it('a plain array for a model with named columns is a 400 as well', async () => {
    const target = createMlflowScoringTarget({ url: servers.labels.uri, features: 4 });
    const error = await failure(target.predict(x.subarray(0, 4), 1));
    expect(error.code).toBe('MLW_MLFLOW_BAD_REQUEST');
    expect(error.message).toMatch(/missing inputs/);
  });

  it('a URL below the server root is a 404 with a hint', async () => {
    const target = createMlflowScoringTarget({
      url: `${servers.labels.uri}/v2/models/iris`,
      inputColumns: columns,
    });
    const error = await failure(target.predict(x.subarray(0, 4), 1));
    expect(error.code).toBe('MLW_MLFLOW_NOT_FOUND');
    expect(error.hint).toMatch(/root of `mlflow models serve`/);
  });

  it('a body that is not JSON is MLW_MLFLOW_BAD_RESPONSE', async () => {
    const target = createMlflowScoringTarget({ url: `${fault.uri}/html`, inputColumns: columns });
    const error = await failure(target.predict(x.subarray(0, 4), 1));
    expect(error.code).toBe('MLW_MLFLOW_BAD_RESPONSE');
    expect(error.message).toMatch(/not JSON/);
  });

  it('a wrong number of predictions is MLW_MLFLOW_BAD_RESPONSE', async () => {
    const target = createMlflowScoringTarget({ url: `${fault.uri}/short`, inputColumns: columns });
    const error = await failure(target.predict(x.subarray(0, 12), 3));
    expect(error.code).toBe('MLW_MLFLOW_BAD_RESPONSE');
    expect(error.message).toContain('2 predictions for 3 rows');
  });
});
