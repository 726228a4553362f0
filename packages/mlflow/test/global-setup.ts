import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { MlflowTestEnv, SeedIds } from './support/mlflow-env.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

/** Admin of the basic-auth server; MLflow 3.17 refuses its old default password, so we set one. */
const ADMIN = { username: 'admin', password: 'mlwarden-admin-pw-1' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Started {
  process: ChildProcess;
  uri: string;
  log: string;
}

async function startServer(
  venv: string,
  dir: string,
  name: string,
  extraArgs: string[],
  extraEnv: Record<string, string>,
): Promise<Started> {
  const port = await freePort();
  const log = join(dir, `${name}.log`);
  const logStream = createWriteStream(log);
  const args = [
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
  ];
  const child = spawn(join(venv, 'bin', 'mlflow'), args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${join(venv, 'bin')}:${process.env.PATH ?? ''}`,
      MLFLOW_DISABLE_TELEMETRY: 'true',
      DO_NOT_TRACK: 'true',
      // The background job runner (a dozen worker processes) is not needed by the tests.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      ...extraEnv,
    },
  });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);
  const uri = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${uri}/health`);
      if (response.ok) return { process: child, uri, log };
      await response.body?.cancel();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop(child);
  const tail = readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
  throw new Error(`mlflow server (${name}) did not become healthy at ${uri}:\n${tail}`);
}

/** Stops the server's whole process group (uvicorn runs in a child) and waits for it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
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
