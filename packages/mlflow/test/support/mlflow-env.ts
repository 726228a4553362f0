import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

/** What seed_mlflow.py created. */
export interface SeedIds {
  clean: { run_id: string; model_id: string; model_uri: string; version: string };
  pyfunc: { run_id: string; model_id: string; version: string };
  bad: { run_id: string; version: string; pickle_b64: string };
  many_params: { run_id: string; count: number };
  /** Copies of clean and bad for the gate tests, which write into their runs and versions. */
  gate_clean: { run_id: string; version: string };
  gate_bad: { run_id: string; version: string };
  /** A run with a local CSV file logged as its training dataset input. */
  with_dataset: { run_id: string; path: string; rows: number };
  experiment_id: string;
  mlflow_version: string;
}

export interface MlflowTestEnv {
  /** The seeded tracking server, no auth. */
  trackingUri: string;
  /** A tracking server running the basic-auth app. */
  authUri: string;
  admin: { username: string; password: string };
  /** Python of the MLflow venv. */
  python: string;
  /** Folder of the Python helper scripts. */
  pythonDir: string;
  ids: SeedIds;
}

declare module 'vitest' {
  export interface ProvidedContext {
    mlflow: MlflowTestEnv;
  }
}

export function mlflowEnv(): MlflowTestEnv {
  return inject('mlflow');
}

const run = promisify(execFile);

/** Reads run and model version state back with MLflow's own Python client (read_back.py). */
export async function readBack(
  env: MlflowTestEnv,
  args: string[],
  trackingUri = env.trackingUri,
): Promise<{
  run_tags: Record<string, string>;
  run_metrics: Record<string, number>;
  artifacts: string[];
  report_verdict?: string;
  version_tags?: Record<string, string>;
  alias_version?: string | null;
}> {
  const { stdout } = await run(env.python, [join(env.pythonDir, 'read_back.py'), ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri, MLFLOW_DISABLE_TELEMETRY: 'true' },
  });
  return JSON.parse(stdout);
}
