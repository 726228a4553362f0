import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import {
  freePort,
  type StartedServer,
  startMlflow,
  stopProcessGroup,
} from './support/process-group.js';
import type { ScoringExpected, ScoringModel, ScoringTestEnv } from './support/scoring-env.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const MODELS: readonly ScoringModel[] = ['labels', 'proba', 'records'];

type Served = StartedServer;

function serve(venv: string, dir: string, name: string, modelUri: string): Promise<Served> {
  return startMlflow({
    venv,
    name: `mlflow models serve (${name})`,
    cwd: dir,
    log: join(dir, `serve-${name}.log`),
    readyPath: '/ping',
    args: (port) => [
      'models',
      'serve',
      '-m',
      modelUri,
      '--env-manager',
      'local',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
    ],
    env: {
      MLFLOW_TRACKING_URI: `sqlite:///${join(dir, 'scoring.db')}`,
      // The access log is how the tests count the requests the server received.
      PYTHONUNBUFFERED: '1',
    },
  });
}

/**
 * Trains small scikit-learn models in the MLflow venv, logs them with mlflow.sklearn.log_model
 * (and one pyfunc that returns a DataFrame) to a local store, and serves each with
 * `mlflow models serve --env-manager local` on a free 127.0.0.1 port.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const venv = execFileSync(join(repoRoot, 'scripts', 'py-venv'), ['mlflow'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'mlwarden-mlflow-scoring-'));
  const served: Served[] = [];
  const teardown = async () => {
    await Promise.all(served.map((s) => stopProcessGroup(s.process)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    execFileSync(
      join(venv, 'bin', 'python'),
      [join(here, 'python', 'train_scoring_models.py'), dir],
      {
        cwd: dir,
        env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const expected = JSON.parse(
      readFileSync(join(dir, 'expected.json'), 'utf8'),
    ) as ScoringExpected & { model_uris: Record<ScoringModel, string> };
    const results = await Promise.allSettled(
      MODELS.map((m) =>
        serve(venv, dir, m, expected.model_uris[m]).then((s) => {
          served.push(s);
          return s;
        }),
      ),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const servers = Object.fromEntries(
      MODELS.map((m, i) => {
        const s = (results[i] as PromiseFulfilledResult<Served>).value;
        return [m, { uri: s.uri, log: s.log }];
      }),
    ) as ScoringTestEnv['servers'];
    const env: ScoringTestEnv = {
      servers,
      expected,
      closedUri: `http://127.0.0.1:${await freePort()}`,
    };
    project.provide('mlflowScoring', env);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
