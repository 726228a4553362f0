import { describe, expect, it } from 'vitest';
import {
  createMlflowClient,
  MlflowError,
  type MlflowRun,
  minimumLogBatchCalls,
  toRecord,
  toRunInfo,
} from '../src/index.js';
import { mlflowEnv } from './support/mlflow-env.js';

const env = mlflowEnv();
const client = createMlflowClient({ trackingUri: env.trackingUri, env: {} });
const { ids } = env;

async function freshRun(name: string): Promise<MlflowRun> {
  const experimentId = await client.experiments.create({
    name: `${name}-${process.pid}-${Date.now()}`,
  });
  return client.runs.create({ experimentId, runName: name });
}

describe('MLflow REST client against a real tracking server', () => {
  it('reads experiments, runs, params and metric history', async () => {
    const experiment = await client.experiments.getByName('mlwarden-e2e');
    expect(experiment.experiment_id).toBe(ids.experiment_id);
    expect((await client.experiments.get(ids.experiment_id)).name).toBe('mlwarden-e2e');

    const run = await client.runs.get(ids.clean.run_id);
    expect(run.info).toMatchObject({
      run_id: ids.clean.run_id,
      run_name: 'clean-sklearn',
      status: 'FINISHED',
    });
    expect(toRecord(run.data?.params)).toEqual({ C: '1.0', max_iter: '200' });
    const history = await client.runs.getMetricHistory(ids.clean.run_id, 'accuracy');
    expect(history).toHaveLength(1);
    expect(history[0]?.value).toBeGreaterThan(0.9);
  });

  it('pages through a run search', async () => {
    const names: string[] = [];
    for await (const run of client.runs.searchAll({
      experimentIds: [ids.experiment_id],
      maxResults: 2,
      orderBy: ['attributes.run_name ASC'],
    })) {
      names.push(run.info.run_name ?? '');
    }
    expect(names).toEqual([
      'clean-sklearn',
      'many-params',
      'pyfunc-cloudpickle',
      'tampered',
      'with-dataset',
    ]);
    const page = await client.runs.search({
      experimentIds: [ids.experiment_id],
      filter: "params.lr = '0.1'",
    });
    expect(page.items.map((r) => r.info.run_id)).toEqual([ids.bad.run_id]);
    expect(page.nextPageToken).toBeUndefined();
  });

  it('reads a run with thousands of params in one piece', async () => {
    const run = toRunInfo(await client.runs.get(ids.many_params.run_id));
    expect(Object.keys(run.params)).toHaveLength(3000);
    expect(run.params.p02999).toBe('2999');
  });

  it('lists run artifacts and reads MLflow 3 logged models', async () => {
    const root = await client.artifacts.list({ runId: ids.bad.run_id });
    expect(root.files.map((f) => [f.path, f.is_dir])).toEqual([
      ['config', true],
      ['model', true],
    ]);
    expect(root.rootUri).toMatch(/^mlflow-artifacts:\/.+\/artifacts$/);
    const model = await client.loggedModels.get(ids.clean.model_id);
    expect(model.info).toMatchObject({
      source_run_id: ids.clean.run_id,
      status: 'LOGGED_MODEL_READY',
    });
    const found = await client.loggedModels.search({ experimentIds: [ids.experiment_id] });
    expect(found.items.map((m) => m.info.model_id).sort()).toEqual(
      [ids.clean.model_id, ids.pyfunc.model_id].sort(),
    );
  });

  it('reads the registry and manages aliases and tags', async () => {
    const pyfunc = await client.registry.getRegisteredModel('mlw-pyfunc');
    expect(pyfunc.aliases).toEqual([{ alias: 'production', version: ids.pyfunc.version }]);
    const models = await client.registry.searchRegisteredModels({ filter: "name LIKE 'mlw-%'" });
    expect(models.items.map((m) => m.name).sort()).toEqual([
      'mlw-bad',
      'mlw-clean',
      'mlw-gate-bad',
      'mlw-gate-clean',
      'mlw-pyfunc',
    ]);
    expect(await client.registry.getModelVersionDownloadUri('mlw-bad', ids.bad.version)).toMatch(
      new RegExp(`^mlflow-artifacts:/.+/${ids.bad.run_id}/artifacts/model$`),
    );

    const name = `alias-test-${Date.now()}`;
    await client.registry.createRegisteredModel({ name, tags: [{ key: 'team', value: 'ml' }] });
    const v = await client.registry.createModelVersion({
      name,
      source: `runs:/${ids.bad.run_id}/model`,
      runId: ids.bad.run_id,
    });
    expect(v.version).toBe('1');
    await client.registry.setAlias(name, 'staging', '1');
    expect((await client.registry.getModelVersionByAlias(name, 'staging')).version).toBe('1');
    await client.registry.setModelVersionTag(name, '1', 'reviewed', 'yes');
    expect(toRecord((await client.registry.getModelVersion(name, '1')).tags)).toEqual({
      reviewed: 'yes',
    });
    await client.registry.deleteModelVersionTag(name, '1', 'reviewed');
    await client.registry.deleteAlias(name, 'staging');
    await expect(client.registry.getModelVersionByAlias(name, 'staging')).rejects.toMatchObject({
      code: 'MLW_MLFLOW_NOT_FOUND',
    });
    expect((await client.registry.getModelVersion(name, '1')).tags ?? []).toEqual([]);
  });

  it('answers unknown runs, models and versions with typed not-found errors', async () => {
    for (const call of [
      () => client.runs.get('0123456789abcdef0123456789abcdef'),
      () => client.registry.getRegisteredModel('no-such-model'),
      () => client.registry.getModelVersion('mlw-clean', '99'),
      () => client.registry.getModelVersionByAlias('mlw-clean', 'no-such-alias'),
      () => client.experiments.getByName('no-such-experiment'),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(MlflowError.isNotFound(error), String(error)).toBe(true);
    }
  });

  it('logs 5,000 metrics and 250 params in the minimum number of log-batch calls', async () => {
    let logBatchCalls = 0;
    const counting = createMlflowClient({
      trackingUri: env.trackingUri,
      env: {},
      fetch: (input, init) => {
        if (String(input).endsWith('/api/2.0/mlflow/runs/log-batch')) logBatchCalls++;
        return fetch(input, init);
      },
    });
    const run = await freshRun('log-batch');
    const runId = run.info.run_id;
    const metrics = Array.from({ length: 5000 }, (_, i) => ({
      key: `loss_${i % 50}`,
      value: i / 10,
      timestamp: 1_700_000_000_000 + i,
      step: Math.floor(i / 50),
    }));
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `param_${i}`, value: String(i) }));
    const { calls } = await counting.runs.logBatch({ runId, metrics, params });

    // 5,250 entities at 1,000 per call need 6 calls; 250 params at 100 per call only 3.
    expect(minimumLogBatchCalls({ metrics: 5000, params: 250, tags: 0 })).toBe(6);
    expect(calls).toBe(6);
    expect(logBatchCalls).toBe(6);

    const stored = await client.runs.get(runId);
    expect(stored.data?.params).toHaveLength(250);
    let values = 0;
    for (let k = 0; k < 50; k++) {
      const history = await client.runs.getMetricHistory(runId, `loss_${k}`);
      expect(history.map((m) => m.step)).toEqual(Array.from({ length: 100 }, (_, s) => s));
      values += history.length;
    }
    expect(values).toBe(5000);
  });

  it('uploads through the artifact proxy and downloads through get-artifact and the proxy', async () => {
    const run = await freshRun('upload');
    const runId = run.info.run_id;
    const { uri } = await client.artifacts.upload({
      runId,
      path: 'notes/hello world.txt',
      content: 'hi there',
    });
    expect(uri).toBe(`runs:/${runId}/notes/hello world.txt`);
    expect(
      await client.artifacts.readText({ kind: 'run', runId, path: 'notes' }, 'hello world.txt'),
    ).toBe('hi there');
    const proxy = client.artifacts.locate(run.info.artifact_uri ?? '');
    expect(proxy.kind).toBe('proxy');
    const d = await client.artifacts.download({ ...proxy, path: `${proxy.path}/notes` });
    expect(d.files).toEqual([{ path: 'hello world.txt', size: 8 }]);
    await d.dispose();
    await expect(
      client.artifacts.upload({ runId, path: '../escape.txt', content: 'x' }),
    ).rejects.toMatchObject({
      code: 'MLW_MLFLOW_UNSAFE_PATH',
    });
  });
});
