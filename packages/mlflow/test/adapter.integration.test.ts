import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactSet } from '@mlwarden/core';
import { silentLogger } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import {
  createMlflowClient,
  createMlflowPlugin,
  type LocalArtifactSet,
  mlflowContextOf,
  resolveMlflowUri,
} from '../src/index.js';
import { mlflowEnv } from './support/mlflow-env.js';

const env = mlflowEnv();
const client = createMlflowClient({ trackingUri: env.trackingUri, env: {} });
const { ids } = env;

async function paths(set: ArtifactSet | undefined): Promise<string[]> {
  const out: string[] = [];
  for await (const f of set?.files() ?? []) out.push(f.path);
  return out.sort();
}

describe('resolving MLflow URIs into inputs', () => {
  it('models:/<name>/<version> gives the version files (malicious pickle included, never loaded) and its run', async () => {
    const resolved = await resolveMlflowUri(client, `models:/mlw-bad/${ids.bad.version}`);
    const { artifacts, run } = resolved.inputs;
    expect(artifacts?.source).toBe(`models:/mlw-bad/${ids.bad.version}`);
    expect(await paths(artifacts)).toEqual(['MLmodel', 'python_model.pkl', 'requirements.txt']);
    let pickle: Uint8Array | undefined;
    for await (const f of artifacts?.files() ?? [])
      if (f.path === 'python_model.pkl') pickle = await f.read();
    expect(Buffer.from(pickle ?? []).toString('base64')).toBe(ids.bad.pickle_b64);
    expect(run).toMatchObject({
      id: ids.bad.run_id,
      name: 'tampered',
      source: `mlflow-run:${ids.bad.run_id}`,
    });
    expect(run?.params.lr).toBe('0.1');
    const context = mlflowContextOf(resolved.inputs);
    expect(context?.modelVersion).toMatchObject({ name: 'mlw-bad', version: ids.bad.version });
    const root = (artifacts as LocalArtifactSet).root;
    expect(existsSync(root)).toBe(true);
    await resolved.dispose();
    expect(existsSync(root)).toBe(false);
  });

  it('models:/<name>@<alias> and models:/<name>/latest find the version, with registry state', async () => {
    const byAlias = await resolveMlflowUri(client, 'models:/mlw-pyfunc@production');
    expect(byAlias.context.modelVersion?.version).toBe(ids.pyfunc.version);
    expect(byAlias.context.registeredModel?.aliases).toContainEqual({
      alias: 'production',
      version: ids.pyfunc.version,
    });
    expect(await paths(byAlias.inputs.artifacts)).toEqual([
      'MLmodel',
      'conda.yaml',
      'python_env.yaml',
      'python_model.pkl',
      'requirements.txt',
    ]);
    await byAlias.dispose();

    const latest = await resolveMlflowUri(client, 'models:/mlw-clean/latest');
    expect(latest.context.modelVersion?.version).toBe(ids.clean.version);
    expect(await paths(latest.inputs.artifacts)).toContain('model.skops');
    await latest.dispose();
  });

  it('models:/<model_id> gives a logged model through the logged-model routes', async () => {
    const resolved = await resolveMlflowUri(client, `models:/${ids.clean.model_id}`);
    expect(resolved.context.loggedModel?.info.model_id).toBe(ids.clean.model_id);
    expect(resolved.inputs.run?.id).toBe(ids.clean.run_id);
    const files = await paths(resolved.inputs.artifacts);
    expect(files).toEqual(
      expect.arrayContaining(['MLmodel', 'model.skops', 'requirements.txt', 'input_example.json']),
    );
    const mlmodel = await readFile(
      join((resolved.inputs.artifacts as LocalArtifactSet).root, 'MLmodel'),
      'utf8',
    );
    expect(mlmodel).toContain(`model_id: ${ids.clean.model_id}`);
    await resolved.dispose();
  });

  it('runs:/<run_id>/<path> gives run artifacts, a folder or one file', async () => {
    const all = await resolveMlflowUri(client, `runs:/${ids.bad.run_id}/`);
    expect(await paths(all.inputs.artifacts)).toEqual([
      'config/notes.txt',
      'model/MLmodel',
      'model/python_model.pkl',
      'model/requirements.txt',
    ]);
    await all.dispose();
    const one = await resolveMlflowUri(client, `runs:/${ids.bad.run_id}/model/MLmodel`);
    expect(await paths(one.inputs.artifacts)).toEqual(['MLmodel']);
    await one.dispose();
  });

  it('mlflow-run:<run_id>, and the plugin adapter asked for a run, download nothing', async () => {
    const resolved = await resolveMlflowUri(client, `mlflow-run:${ids.many_params.run_id}`);
    expect(resolved.inputs.artifacts).toBeUndefined();
    expect(Object.keys(resolved.inputs.run?.params ?? {})).toHaveLength(3000);

    const adapter = createMlflowPlugin({ client }).adapters[0];
    expect(adapter?.canResolve('models:/mlw-bad/1', 'run')).toBe(true);
    expect(adapter?.canResolve('models:/mlw-bad/1', 'dataset')).toBe(false);
    expect(adapter?.canResolve('./model.pkl', 'artifacts')).toBe(false);
    const inputs = await adapter?.resolve(`models:/mlw-bad/${ids.bad.version}`, {
      kind: 'run',
      signal: new AbortController().signal,
      log: silentLogger,
      cwd: process.cwd(),
    });
    expect(inputs?.artifacts).toBeUndefined();
    expect(inputs?.run?.id).toBe(ids.bad.run_id);
  });

  it('reports unknown models, aliases, versions and runs as not found', async () => {
    for (const uri of [
      'models:/no-such-model/1',
      'models:/mlw-clean/42',
      'models:/mlw-clean@nobody',
      'mlflow-run:0123456789abcdef0123456789abcdef',
      `runs:/${ids.bad.run_id}/no/such/file`,
    ]) {
      const error = await resolveMlflowUri(client, uri).catch((e: unknown) => e);
      expect(error, uri).toMatchObject({ code: expect.stringMatching(/NOT_FOUND$/) });
    }
  });

  it('enforces download limits on real artifacts', async () => {
    await expect(
      resolveMlflowUri(client, `runs:/${ids.bad.run_id}/`, { limits: { maxFiles: 2 } }),
    ).rejects.toMatchObject({ code: 'MLW_LIMIT_EXCEEDED' });
    await expect(
      // MLmodel and the environment files are about 1 KB; model.skops about 10 KB.
      resolveMlflowUri(client, `models:/${ids.clean.model_id}`, { limits: { maxFileBytes: 5000 } }),
    ).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      message: expect.stringContaining('model.skops'),
    });
  });
});

describe("a run's logged dataset as an input", () => {
  const adapter = createMlflowPlugin({ client }).adapters?.[0];
  const context = (kind: 'dataset' | 'reference') => ({
    kind,
    cwd: process.cwd(),
    signal: new AbortController().signal,
    log: silentLogger,
  });

  it('reads the training dataset of a run from its source file', async () => {
    const uri = `mlflow-run:${ids.with_dataset.run_id}`;
    expect(adapter?.canResolve(uri, 'dataset')).toBe(true);
    const { dataset } = (await adapter?.resolve(uri, context('dataset'))) ?? {};
    let rows = 0;
    for await (const batch of dataset?.batches() ?? []) rows += batch.numRows;
    expect(rows).toBe(ids.with_dataset.rows);
    expect(dataset?.schema.fields.map((f) => f.name)).toEqual(['x0', 'x1', 'label']);
    const named = await adapter?.resolve(`${uri}?dataset=train`, context('reference'));
    expect(named?.reference?.source).toContain('dataset=train');
  });

  it('says which datasets a run has when none matches, and refuses runs of other kinds', async () => {
    await expect(
      adapter?.resolve(`mlflow-run:${ids.with_dataset.run_id}?dataset=nope`, context('dataset')),
    ).rejects.toThrow(/no dataset input matches \(the run has: train\)/);
    await expect(
      adapter?.resolve(`mlflow-run:${ids.clean.run_id}`, context('dataset')),
    ).rejects.toThrow(/no dataset input matches/);
  });
});
