import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';
import { InputError } from '../errors/input-error.js';

export interface WorkerEntry {
  /** What to pass to `new Worker` as its first argument. */
  entry: string | URL;
  /** Options to spread into the `Worker` options (`eval` when starting from sources). */
  options: WorkerOptions;
}

/**
 * How to start a worker thread whose module sits beside the caller: `workerEntry(import.meta.url,
 * '_my-worker')` gives the compiled sibling `_my-worker.js`, or, when the caller itself runs from
 * TypeScript sources (tests, monorepo development), a small bootstrap that registers the tsx
 * loader and imports `_my-worker.ts` — Node cannot load `.ts` files in a worker by itself.
 */
export function workerEntry(callerUrl: string, name: string): WorkerEntry {
  if (!callerUrl.endsWith('.ts')) return { entry: new URL(`./${name}.js`, callerUrl), options: {} };
  let api: string;
  try {
    // require.resolve gives tsx's CommonJS build; the ES module sits beside it.
    api = pathToFileURL(
      createRequire(callerUrl)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
  } catch (cause) {
    throw new InputError('worker threads started from TypeScript sources need the tsx package', {
      cause,
      hint: 'build the package (npm run build) or install tsx',
    });
  }
  const target = new URL(`./${name}.ts`, callerUrl).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(target)}); });`;
  return { entry: code, options: { eval: true } };
}
