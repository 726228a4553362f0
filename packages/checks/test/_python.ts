import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Python of the cached venv for python/<name>.requirements.txt (created on first use). */
export function venvPython(name: string): string {
  const venv = execFileSync(join(repo, 'scripts/py-venv'), [name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return join(venv, 'bin/python');
}

/** Runs a Python script with arguments and returns its standard output. */
export function runPython(python: string, script: string, args: string[]): string {
  return execFileSync(python, [script, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}
