import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mlflowEnv } from '../../mlflow/test/support/mlflow-env.js';
import { runCli } from './run-cli.js';

const env = mlflowEnv();
const { ids } = env;
const cwd = mkdtempSync(join(tmpdir(), 'mlw-mlflow-'));
const mlflow = { MLFLOW_TRACKING_URI: env.trackingUri };

/** The model version an alias points at, read with MLflow's own Python client. */
async function aliasVersion(name: string, alias: string): Promise<string | null> {
  const script = `import json, mlflow\nc = mlflow.MlflowClient()\ntry:\n  print(json.dumps(c.get_model_version_by_alias("${name}", "${alias}").version))\nexcept Exception:\n  print("null")`;
  const { stdout } = await promisify(execFile)(env.python, ['-c', script], {
    env: { ...process.env, ...mlflow },
  });
  return JSON.parse(stdout.trim());
}

describe('mlwarden mlflow check', () => {
  it('finds the leaked key in the tampered model, masked, and passes the clean one', async () => {
    const bad = await runCli(
      ['mlflow', 'check', `models:/mlw-bad/${ids.bad.version}`, '-f', 'json'],
      cwd,
      mlflow,
    );
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    const secrets = report.results.find((r: { checkId: string }) => r.checkId === 'mlflow.secrets');
    expect(secrets.status).toBe('fail');
    const scan = report.results.find((r: { checkId: string }) => r.checkId === 'artifact.scan');
    expect(scan.status).toBe('fail');
    const pickle = scan.findings.filter((f: { location: { uri: string }; severity: string }) =>
      f.location.uri.endsWith('python_model.pkl'),
    );
    expect(
      pickle.some((f: { severity: string }) => ['high', 'critical'].includes(f.severity)),
    ).toBe(true);
    expect(bad.stdout).not.toMatch(/AKIA[0-9A-Z]{16}/);
    const clean = await runCli(
      ['mlflow', 'check', `models:/mlw-clean/${ids.clean.version}`, '-f', 'json'],
      cwd,
      mlflow,
    );
    expect(
      JSON.parse(clean.stdout).results.find(
        (r: { checkId: string }) => r.checkId === 'mlflow.secrets',
      ).status,
    ).toBe('pass');
  });

  it('exits 2 when the server is unreachable or the model unknown', async () => {
    const down = await runCli(
      ['mlflow', 'check', 'models:/x/1', '--tracking-uri', 'http://127.0.0.1:9'],
      cwd,
      {
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
      },
    );
    expect(down.code).toBe(2);
    const unknown = await runCli(['mlflow', 'check', 'models:/no-such-model/1'], cwd, mlflow);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no-such-model');
  });
});

describe('mlwarden mlflow gate', () => {
  it('refuses the tampered model and moves the alias to the clean one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlw-gate-'));
    const refused = await runCli(
      [
        'mlflow',
        'gate',
        `models:/mlw-gate-bad/${ids.gate_bad.version}`,
        '--alias',
        'cli-champion',
        '-q',
      ],
      cwd,
      mlflow,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('was not moved');
    expect(await aliasVersion('mlw-gate-bad', 'cli-champion')).toBeNull();

    const moved = await runCli(
      [
        'mlflow',
        'gate',
        `models:/mlw-gate-clean/${ids.gate_clean.version}`,
        '--alias',
        'cli-champion',
        '-q',
        '-o',
        `json=${out}/gate.json`,
      ],
      cwd,
      mlflow,
    );
    expect(moved.code).toBe(0);
    expect(await aliasVersion('mlw-gate-clean', 'cli-champion')).toBe(ids.gate_clean.version);
    expect(JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')).summary.verdict).toBe('pass');
  });

  it('rejects a URI that is not a numbered version', async () => {
    const { code, stderr } = await runCli(
      ['mlflow', 'gate', 'models:/m@champion', '--alias', 'x'],
      cwd,
      mlflow,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('numbered model version');
  });
});
