import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { MlflowTestEnv, SeedIds } from './support/mlflow-env.js';
import {
  type StartedServer,
  startMlflow,
  stopProcessGroup as stop,
} from './support/process-group.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

/** Admin of the basic-auth server; MLflow 3.17 refuses its old default password, so we set one. */
const ADMIN = { username: 'admin', password: 'mlwarden-admin-pw-1' };

type Started = StartedServer;

function startServer(
  venv: string,
  dir: string,
  name: string,
  extraArgs: string[],
  extraEnv: Record<string, string>,
): Promise<Started> {
  return startMlflow({
    venv,
    name: `mlflow server (${name})`,
    cwd: dir,
    log: join(dir, `${name}.log`),
    readyPath: '/health',
    args: (port) => [
      'server',
      '--backend-store-uri',
      `sqlite:///${join(dir, `${name}.db`)}`,
      '--artifacts-destination',
      join(dir, `${name}-artifacts`),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
      ...extraArgs,
    ],
    env: {
      // The background job runner (a dozen worker processes) is not needed by the tests.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      ...extraEnv,
    },
  });
}

/**
 * Starts a real MLflow tracking server (sqlite store, artifact serving on) and a second one
 * with the basic-auth app, each on a free 127.0.0.1 port, then seeds the first with runs and
 * registered models through MLflow's own Python client.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const venv = execFileSync(join(repoRoot, 'scripts', 'py-venv'), ['mlflow'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'mlwarden-mlflow-test-'));
  const authConfig = join(dir, 'basic_auth.ini');
  writeFileSync(
    authConfig,
    [
      '[mlflow]',
      'default_permission = READ',
      `database_uri = sqlite:///${join(dir, 'basic_auth.db')}`,
      `admin_username = ${ADMIN.username}`,
      `admin_password = ${ADMIN.password}`,
      'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
      '',
    ].join('\n'),
  );
  const started: Started[] = [];
  const teardown = async () => {
    await Promise.all(started.map((s) => stop(s.process)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const track = (p: Promise<Started>) =>
      p.then((s) => {
        started.push(s);
        return s;
      });
    const [mainResult, authResult] = await Promise.allSettled([
      track(startServer(venv, dir, 'main', [], {})),
      track(
        startServer(venv, dir, 'auth', ['--app-name', 'basic-auth'], {
          MLFLOW_AUTH_CONFIG_PATH: authConfig,
          MLFLOW_FLASK_SERVER_SECRET_KEY: 'mlwarden-test-secret-key',
        }),
      ),
    ]);
    if (mainResult.status === 'rejected') throw mainResult.reason;
    if (authResult.status === 'rejected') throw authResult.reason;
    const main = mainResult.value;
    const auth = authResult.value;
    const python = join(venv, 'bin', 'python');
    const idsFile = join(dir, 'ids.json');
    execFileSync(python, [join(here, 'python', 'seed_mlflow.py'), idsFile], {
      cwd: dir,
      env: {
        ...process.env,
        MLFLOW_TRACKING_URI: main.uri,
        MLFLOW_DISABLE_TELEMETRY: 'true',
        DO_NOT_TRACK: 'true',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const ids = JSON.parse(readFileSync(idsFile, 'utf8')) as SeedIds;
    const env: MlflowTestEnv = {
      trackingUri: main.uri,
      authUri: auth.uri,
      admin: ADMIN,
      python,
      pythonDir: join(here, 'python'),
      ids,
    };
    project.provide('mlflow', env);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
