import { type Inputs, runChecks } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { createMlflowClient, gateModelVersion, mlflowChecks } from '../src/index.js';
import { mlflowEnv, readBack } from './support/mlflow-env.js';

const env = mlflowEnv();
const client = createMlflowClient({ trackingUri: env.trackingUri, env: {} });
const { ids } = env;
const run = (inputs: Pick<Inputs, 'artifacts' | 'run'>) =>
  runChecks({ checks: mlflowChecks, inputs, policy: { failOn: 'high' } });

describe('gateModelVersion', () => {
  it('moves the alias to the clean model after a passing verdict', async () => {
    const result = await gateModelVersion(client, {
      name: 'mlw-gate-clean',
      version: ids.gate_clean.version,
      alias: 'champion',
      run,
    });
    expect(result).toMatchObject({
      aliasMoved: true,
      verdict: 'pass',
      reportUri: `runs:/${ids.gate_clean.run_id}/mlwarden/report.json`,
    });
    const back = await readBack(env, [
      ids.gate_clean.run_id,
      'mlw-gate-clean',
      ids.gate_clean.version,
      'champion',
    ]);
    expect(back.alias_version).toBe(ids.gate_clean.version);
    expect(back.version_tags?.['mlwarden.verdict']).toBe('pass');
    expect(back.run_tags['mlwarden.verdict']).toBe('pass');
    expect(back.report_verdict).toBe('pass');
  });

  it('refuses to move the alias to the tampered model and records why', async () => {
    const result = await gateModelVersion(client, {
      name: 'mlw-gate-bad',
      version: ids.gate_bad.version,
      alias: 'champion',
      run,
    });
    expect(result.aliasMoved).toBe(false);
    expect(result.verdict).toBe('fail');
    expect(result.report.summary.findings.high).toBeGreaterThan(0);
    const back = await readBack(env, [
      ids.gate_bad.run_id,
      'mlw-gate-bad',
      ids.gate_bad.version,
      'champion',
    ]);
    expect(back.alias_version).toBeNull();
    expect(back.version_tags?.['mlwarden.verdict']).toBe('fail');
  });

  it('keeps the alias where it was when the verdict is not pass', async () => {
    // An incomplete verdict must not set the alias (and nothing is written back here).
    const result = await gateModelVersion(client, {
      name: 'mlw-pyfunc',
      version: ids.pyfunc.version,
      alias: 'staging',
      logToMlflow: false,
      run: async (inputs) => {
        const report = await run(inputs);
        return { ...report, summary: { ...report.summary, verdict: 'incomplete' } };
      },
    });
    expect(result).toMatchObject({ aliasMoved: false, verdict: 'incomplete' });
    await expect(
      client.registry.getModelVersionByAlias('mlw-pyfunc', 'staging'),
    ).rejects.toMatchObject({
      code: 'MLW_MLFLOW_NOT_FOUND',
    });
  });

  it('rejects reserved aliases and unknown versions before moving anything', async () => {
    let ran = false;
    const spy = async (inputs: Pick<Inputs, 'artifacts' | 'run'>) => {
      ran = true;
      return run(inputs);
    };
    for (const alias of ['latest', 'v3', 'bad alias']) {
      await expect(
        gateModelVersion(client, { name: 'mlw-clean', version: '1', alias, run: spy }),
      ).rejects.toMatchObject({
        code: 'MLW_CONFIG_INVALID',
      });
    }
    await expect(
      gateModelVersion(client, { name: 'mlw-clean', version: '77', alias: 'champion', run: spy }),
    ).rejects.toMatchObject({
      code: 'MLW_MLFLOW_NOT_FOUND',
    });
    expect(ran).toBe(false);
  });
});
