import { checkInfo, type Inputs, runChecks } from '@mlwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMlflowClient,
  logReportToMlflow,
  MLWARDEN_TAGS,
  mlflowChecks,
  resolveMlflowUri,
} from '../src/index.js';
import { type FaultServer, json, startFaultServer } from './support/fault-server.js';
import { mlflowEnv, readBack } from './support/mlflow-env.js';

const env = mlflowEnv();
const client = createMlflowClient({ trackingUri: env.trackingUri, env: {} });
const { ids } = env;

let proxy: FaultServer | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** A report on the tampered run (verdict fail), and a fresh run and model version to write into. */
async function setting(tag: string) {
  const resolved = await resolveMlflowUri(client, `mlflow-run:${ids.bad.run_id}`);
  const report = await runChecks({ checks: mlflowChecks, inputs: resolved.inputs as Inputs });
  const experimentId = await client.experiments.create({
    name: `${tag}-${process.pid}-${Date.now()}`,
  });
  const run = await client.runs.create({ experimentId, runName: tag });
  const name = `${tag}-${Date.now()}`;
  await client.registry.createRegisteredModel({ name });
  await client.registry.createModelVersion({
    name,
    source: `runs:/${run.info.run_id}/model`,
    runId: run.info.run_id,
  });
  return { report, runId: run.info.run_id, name };
}

describe('logReportToMlflow', () => {
  it("writes report files, finding metrics and verdict tags that MLflow's own client reads back", async () => {
    const { report, runId, name } = await setting('log-back');
    expect(report.summary.verdict).toBe('fail');
    const result = await logReportToMlflow(client, report, {
      runId,
      modelVersion: { name, version: '1' },
      checks: mlflowChecks.map((c) => checkInfo(c.meta)),
    });
    expect(result.reportUri).toBe(`runs:/${runId}/mlwarden/report.json`);

    const back = await readBack(env, [runId, name, '1']);
    expect(back.artifacts.sort()).toEqual([
      'mlwarden/report.json',
      'mlwarden/report.md',
      'mlwarden/report.sarif',
    ]);
    expect(back.report_verdict).toBe('fail');
    expect(back.run_tags).toMatchObject({
      'mlwarden.verdict': 'fail',
      'mlwarden.report_uri': `runs:/${runId}/mlwarden/report.json`,
    });
    expect(back.version_tags).toEqual({
      'mlwarden.verdict': 'fail',
      'mlwarden.report_uri': `runs:/${runId}/mlwarden/report.json`,
    });
    const f = report.summary.findings;
    expect(back.run_metrics).toEqual({
      'mlwarden.findings.critical': f.critical,
      'mlwarden.findings.high': f.high,
      'mlwarden.findings.medium': f.medium,
      'mlwarden.findings.low': f.low,
      'mlwarden.findings.info': f.info,
    });
    expect(f.high).toBeGreaterThan(0);

    const sarif = JSON.parse(
      await client.artifacts.readText({ kind: 'run', runId, path: 'mlwarden' }, 'report.sarif'),
    );
    expect(sarif.version).toBe('2.1.0');
    const markdown = await client.artifacts.readText(
      { kind: 'run', runId, path: 'mlwarden' },
      'report.md',
    );
    expect(markdown).toContain('mlflow.secrets');
    expect(markdown).not.toContain(`AKIA${'MLWARDENFAKE0001'}`);
  });

  it('leaves no verdict behind when an upload fails, not even an earlier one', async () => {
    const { report, runId, name } = await setting('log-back-fault');
    // An earlier, now stale, passing verdict.
    await client.runs.setTag(runId, MLWARDEN_TAGS.verdict, 'pass');
    await client.registry.setModelVersionTag(name, '1', MLWARDEN_TAGS.verdict, 'pass');
    // The real server behind a proxy that fails the SARIF upload, a fault the server never makes.
    proxy = await startFaultServer(
      (req, res) =>
        req.method === 'PUT' && req.url.endsWith('/mlwarden/report.sarif')
          ? json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'disk full' })
          : false,
      env.trackingUri,
    );
    const faulty = createMlflowClient({
      trackingUri: proxy.uri,
      env: {},
      retries: 1,
      backoffMs: 1,
    });
    await expect(
      logReportToMlflow(faulty, report, { runId, modelVersion: { name, version: '1' } }),
    ).rejects.toMatchObject({
      code: 'MLW_MLFLOW_SERVER',
      attempts: 2,
      message: expect.stringContaining('disk full'),
    });
    const back = await readBack(env, [runId, name, '1']);
    expect(back.run_tags[MLWARDEN_TAGS.verdict]).toBeUndefined();
    expect(back.run_tags[MLWARDEN_TAGS.reportUri]).toBeUndefined();
    expect(back.version_tags?.[MLWARDEN_TAGS.verdict]).toBeUndefined();
    expect(back.run_metrics).toEqual({});
    expect(back.artifacts).toEqual(['mlwarden/report.json']);
  });
});
