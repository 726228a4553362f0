import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = resolve(import.meta.dirname, '..');

// Runs in a fresh process: this suite's own setup has already loaded TensorFlow.js here. Both
// packages' Node entries are CommonJS, so what they load lands in the require cache.
const probe = String.raw`
import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
const loaded = () => [...new Set(Object.keys(cache).flatMap((path) => {
  const match = /[\/]node_modules[\/]@tensorflow[\/]([^\/]+)/.exec(path);
  return match ? ['@tensorflow/' + match[1]] : [];
}))].sort();
const adversarial = await import('@mlwarden/adversarial');
const afterImport = loaded();
const backend = await adversarial.initTfBackend({ prefer: 'wasm' });
console.log(JSON.stringify({ afterImport, backend: backend.name, afterBackend: loaded() }));
`;

describe('loadTf', () => {
  it('leaves TensorFlow.js unloaded until a backend is started', () => {
    const out = execFileSync(
      process.execPath,
      ['--conditions=@mlwarden/source', '--import', 'tsx', '--input-type=module', '-e', probe],
      { cwd: packageDir, encoding: 'utf8', env: { ...process.env, MLWARDEN_TF_BACKEND: '' } },
    );
    const result = JSON.parse(out) as {
      afterImport: string[];
      backend: string;
      afterBackend: string[];
    };
    expect(result.afterImport).toEqual([]);
    expect(result.backend).toBe('wasm');
    expect(result.afterBackend).toEqual(
      expect.arrayContaining(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']),
    );
  });
});
