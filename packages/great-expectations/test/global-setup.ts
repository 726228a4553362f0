import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** Python of the venv with GX 0.18 (python/gx018.requirements.txt). */
    gx018Python: string;
    /** Python of the venv with GX 1.x (python/gx1.requirements.txt). */
    gx1Python: string;
  }
}

async function venv(name: string): Promise<string> {
  const { stdout } = await run(`${root}scripts/py-venv`, [name], { maxBuffer: 1 << 20 });
  return `${stdout.trim()}/bin/python`;
}

/** Makes (once; later runs reuse them) the two GX venvs and hands their pythons to the tests. */
export default async function setup(project: TestProject): Promise<void> {
  const [gx018, gx1] = await Promise.all([venv('gx018'), venv('gx1')]);
  project.provide('gx018Python', gx018);
  project.provide('gx1Python', gx1);
}
