import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mlflowEnv } from '../../../packages/mlflow/test/support/mlflow-env.js';

const env = mlflowEnv();
const here = resolve(import.meta.dirname, '..');
const bin = resolve(here, '../../packages/cli/bin.js');

async function train(model: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(env.python, ['train.py', ...args], {
      cwd: here,
      env: {
        ...process.env,
        MLFLOW_TRACKING_URI: env.trackingUri,
        MODEL_NAME: model,
        MLWARDEN_CMD: `${process.execPath} ${bin}`,
        NO_COLOR: '1',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function champion(model: string): Promise<string | null> {
  const script = `import json, mlflow\ntry:\n  print(json.dumps(mlflow.MlflowClient().get_model_version_by_alias("${model}", "champion").version))\nexcept Exception:\n  print("null")`;
  const { stdout } = await promisify(execFile)(env.python, ['-c', script], {
    env: { ...process.env, MLFLOW_TRACKING_URI: env.trackingUri },
  });
  return JSON.parse(stdout.trim());
}

describe('examples/mlflow-gate', () => {
  it('promotes a clean training run', async () => {
    const { code, stdout, stderr } = await train('gate-example-clean');
    expect({ code, stdout, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toContain('is now the champion');
    expect(await champion('gate-example-clean')).toBe('1');
  });

  it('refuses a run that leaked a cloud key, and the job fails', async () => {
    const { code, stderr, stdout } = await train('gate-example-leaky', '--leak-a-key');
    expect(code).toBe(1);
    expect(stderr).toContain('refused to promote version 1');
    expect(stdout).toContain('mlflow.secrets');
    expect(stdout).not.toContain('QWERTYUIOPASDFGH');
    expect(await champion('gate-example-leaky')).toBeNull();
  });
});
