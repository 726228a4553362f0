import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ModelTarget, silentLogger } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifests } from './load-manifests.js';
import { seldonAdapter } from './seldon-adapter.js';
import { seldonEndpointCheck } from './seldon-endpoint-check.js';
import { seldonPlugin } from './seldon-plugin.js';
import { VERSION } from './version.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '__fixtures__/manifests');
const context = { signal: new AbortController().signal, log: silentLogger, cwd: fixtures };

describe('seldonAdapter', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlw-seldon-adapter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('claims endpoint URIs for models and paths for deployments', () => {
    expect(seldonAdapter.canResolve('oip+http://h/v2/models/m', 'model')).toBe(true);
    expect(seldonAdapter.canResolve('seldon-v1+https://h/seldon/ns/d', 'model')).toBe(true);
    expect(seldonAdapter.canResolve('models:/fraud/3', 'model')).toBe(false);
    expect(seldonAdapter.canResolve('deploy/iris.yaml', 'deployments')).toBe(true);
    expect(seldonAdapter.canResolve('deploy', 'deployments')).toBe(true);
    expect(seldonAdapter.canResolve('oip+http://h/v2/models/m', 'deployments')).toBe(false);
    expect(seldonAdapter.canResolve('data.parquet', 'dataset')).toBe(false);
  });

  it('resolves a directory to every manifest under it, paths relative as given', async () => {
    const { deployments } = await seldonAdapter.resolve('v2', { ...context, kind: 'deployments' });
    expect(deployments?.length).toBe(21);
    expect(deployments?.[0]?.source).toBe(path.join('v2', 'explainer-without-auth.yaml'));
  });

  it('does not follow symbolic links and notes what it skipped', async () => {
    writeFileSync(
      path.join(dir, 'model.yaml'),
      readFileSync(path.join(fixtures, 'v2/single-replica.yaml')),
    );
    symlinkSync('/etc', path.join(dir, 'escape'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not yaml');
    const { manifests, notes } = await loadManifests(['.'], { cwd: dir });
    expect(manifests.map((m) => m.source)).toEqual(['model.yaml']);
    expect(notes).toEqual(['escape: symbolic link not followed']);
  });

  it('gives a typed error for a missing path', async () => {
    await expect(loadManifests(['nope.yaml'], { cwd: dir })).rejects.toMatchObject({
      code: 'MLW_INPUT_NOT_FOUND',
    });
  });
});

describe('seldonPlugin', () => {
  it('bundles both checks and the adapter at the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(here, '../package.json'), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
    expect(seldonPlugin.checks.map((c) => c.meta.id)).toEqual([
      'seldon.manifest',
      'seldon.endpoint',
    ]);
    expect(seldonPlugin.adapters).toEqual([seldonAdapter]);
  });

  it('seldon.endpoint is incomplete, not passed, for a model that is no endpoint', async () => {
    const model: ModelTarget = {
      kind: 'classifier',
      source: 'memory',
      inputSpec: { shape: [2], dtype: 'float32' },
      queries: { used: 0 },
      predict: async (_x, n) => ({ labels: new Int32Array(n) }),
    };
    const result = await new CheckTester(seldonEndpointCheck).run({ inputs: { model } });
    expect(result.status).toBe('skip');
    expect(result.reason).toMatch(/not an inference endpoint/);
  });
});
