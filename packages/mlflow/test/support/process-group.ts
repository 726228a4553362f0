import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Stops a process started with `detached: true` together with its whole process group (MLflow
 * runs uvicorn or gunicorn in a child) and waits for it: SIGTERM, then SIGKILL after 10 s.
 */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
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
  // Wait for the rest of the group (the server's own children) too; kill what outlives 5 s.
  for (let i = 0; i < 50 && groupAlive(child.pid); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  signal('SIGKILL');
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server started by `startMlflow`: its process group leader, base URL and log file. */
export interface StartedServer {
  process: ChildProcess;
  uri: string;
  log: string;
}

/**
 * Runs `mlflow <args>` from the venv in its own process group, with stdout and stderr in `log`,
 * and waits (up to 240 s) until `GET <uri><readyPath>` answers 2xx. `args` gets the port.
 */
export async function startMlflow(options: {
  venv: string;
  name: string;
  cwd: string;
  log: string;
  args: (port: number) => string[];
  readyPath: string;
  env?: Readonly<Record<string, string>>;
}): Promise<StartedServer> {
  const port = await freePort();
  const logStream = createWriteStream(options.log);
  const child = spawn(join(options.venv, 'bin', 'mlflow'), options.args(port), {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${join(options.venv, 'bin')}:${process.env.PATH ?? ''}`,
      MLFLOW_DISABLE_TELEMETRY: 'true',
      DO_NOT_TRACK: 'true',
      ...options.env,
    },
  });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);
  const uri = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`${uri}${options.readyPath}`);
      await response.body?.cancel();
      if (response.ok) return { process: child, uri, log: options.log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopProcessGroup(child);
  const tail = readFileSync(options.log, 'utf8').split('\n').slice(-30).join('\n');
  throw new Error(`${options.name} did not answer ${options.readyPath} at ${uri}:\n${tail}`);
}
