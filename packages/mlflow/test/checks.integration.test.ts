import { type Inputs, runChecks } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { createMlflowClient, mlflowChecks, resolveMlflowUri } from '../src/index.js';
import { mlflowEnv } from './support/mlflow-env.js';

const env = mlflowEnv();
const client = createMlflowClient({ trackingUri: env.trackingUri, env: {} });
const { ids } = env;
const FAKE_KEY = `AKIA${'MLWARDENFAKE0001'}`;

async function check(uri: string) {
  const resolved = await resolveMlflowUri(client, uri);
  try {
    return await runChecks({
      checks: mlflowChecks,
      inputs: resolved.inputs as Inputs,
      policy: { failOn: 'high' },
    });
  } finally {
    await resolved.dispose();
  }
}

const rules = (report: Awaited<ReturnType<typeof check>>) =>
  report.results.flatMap((r) => r.findings.map((f) => f.ruleId)).sort();

describe('the MLflow checks on a real server', () => {
  it('find the leaked key, the extra index and the missing provenance of the tampered model', async () => {
    const report = await check(`models:/mlw-bad/${ids.bad.version}`);
    expect(report.summary.verdict).toBe('fail');
    expect(rules(report)).toEqual([
      'mlflow.model/no-input-example',
      'mlflow.model/no-signature',
      'mlflow.model/pickle-serialization',
      'mlflow.provenance/custom-index',
      'mlflow.provenance/no-entry-point',
      'mlflow.provenance/no-source-commit',
      'mlflow.provenance/no-user',
      'mlflow.provenance/unpinned-requirement',
      'mlflow.secrets/credential-format',
    ]);
    const secret = report.results.find((r) => r.checkId === 'mlflow.secrets')?.findings[0];
    expect(secret).toMatchObject({
      severity: 'high',
      location: { uri: `mlflow-run:${ids.bad.run_id}`, field: 'params.aws_access_key_id' },
      evidence: { kind: 'aws-access-key-id', masked: 'AKIA…' },
    });
    expect(JSON.stringify(report)).not.toContain(FAKE_KEY);
  });

  it('find the token in a text artifact of the run', async () => {
    const report = await check(`runs:/${ids.bad.run_id}/`);
    const findings = report.results.find((r) => r.checkId === 'mlflow.secrets')?.findings ?? [];
    expect(
      findings.map((f) => [f.location?.field ?? f.location?.member, f.evidence?.kind]),
    ).toEqual([
      ['params.aws_access_key_id', 'aws-access-key-id'],
      ['config/notes.txt', 'github-token'],
    ]);
  });

  it('pass the clean scikit-learn model', async () => {
    const report = await check(`models:/mlw-clean/${ids.clean.version}`);
    expect(report.summary.verdict).toBe('pass');
    expect(report.results.map((r) => [r.checkId, r.status])).toEqual([
      ['mlflow.model', 'pass'],
      ['mlflow.secrets', 'pass'],
      ['mlflow.provenance', 'pass'],
      ['mlflow.registry', 'pass'],
    ]);
  });

  it('flag a production alias moved without a verdict', async () => {
    const report = await check('models:/mlw-pyfunc@production');
    const registry = report.results.find((r) => r.checkId === 'mlflow.registry');
    expect(registry?.status).toBe('fail');
    expect(registry?.findings[0]?.message).toBe(
      `models:/mlw-pyfunc/${ids.pyfunc.version} holds the production alias "production" with no verdict from mlwarden`,
    );
  });
});
