import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/** What the integration tests get through `inject('mlserver')`. */
export interface MlserverInfo {
  url: string;
  metricsUrl: string;
  expectedPath: string;
  pid: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    mlserver: MlserverInfo;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(
  url: string,
  child: ChildProcess,
  log: string,
  deadlineMs: number,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(
        `MLServer exited with ${child.exitCode} before it was ready:\n${readFileSync(log, 'utf8').slice(-3000)}`,
      );
    }
    try {
      const response = await fetch(`${url}/v2/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `MLServer was not ready within ${deadlineMs} ms:\n${readFileSync(log, 'utf8').slice(-3000)}`,
  );
}

/**
 * Trains the iris model in the pinned `mlserver` venv (scripts/py-venv makes it once), starts real
 * MLServer on free loopback ports, waits until every model is ready, and stops it after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const venv = execFileSync(path.join(repo, 'scripts/py-venv'), ['mlserver'], {
    encoding: 'utf8',
  }).trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'mlw-seldon-mlserver-'));
  const [http, grpc, metrics] = [await freePort(), await freePort(), await freePort()];
  execFileSync(
    path.join(venv, 'bin/python'),
    [path.join(here, 'train_iris.py'), dir, String(http), String(grpc), String(metrics)],
    { stdio: 'inherit' },
  );
  const log = path.join(dir, 'mlserver.log');
  const fd = openSync(log, 'a');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('MLSERVER_')),
  );
  const child = spawn(path.join(venv, 'bin/mlserver'), ['start', dir], {
    cwd: dir,
    env: { ...env, PYTHONUNBUFFERED: '1', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, log, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('mlserver', {
    url,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    expectedPath: path.join(dir, 'expected.json'),
    pid: child.pid ?? 0,
  });
  return stop;
}
