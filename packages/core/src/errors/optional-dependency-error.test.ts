import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { MlwardenError } from './mlwarden-error.js';
import { isMissingModule, OptionalDependencyError } from './optional-dependency-error.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-optional-dep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failedImport = (specifier: string) =>
  import(specifier).then(
    () => undefined,
    (error: unknown) => error,
  );

describe('OptionalDependencyError', () => {
  it('names the package, the feature and the install command', () => {
    const cause = new Error('Cannot find package');
    const error = new OptionalDependencyError(
      '@duckdb/node-api',
      'reading Parquet (a.parquet)',
      cause,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(MlwardenError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'OptionalDependencyError',
      code: 'MLW_DEPENDENCY_MISSING',
      packageName: '@duckdb/node-api',
      feature: 'reading Parquet (a.parquet)',
      message:
        'reading Parquet (a.parquet) needs the optional package @duckdb/node-api, which is not installed',
      hint: 'run `npm install @duckdb/node-api` in the project that runs mlwarden',
      cause,
    });
  });

  it('adds a version range, what was tried and an alternative when given', () => {
    const error = new OptionalDependencyError(
      'onnxruntime-node',
      'running ONNX models',
      undefined,
      {
        range: '>=1.20',
        detail: 'onnxruntime-node: not installed; onnxruntime-web: not installed',
        alternative: 'or `npm install onnxruntime-web`',
      },
    );
    expect(error.message).toBe(
      'running ONNX models needs the optional package onnxruntime-node, which is not installed (onnxruntime-node: not installed; onnxruntime-web: not installed)',
    );
    expect(error.hint).toBe(
      'run `npm install onnxruntime-node@">=1.20"` in the project that runs mlwarden (or `npm install onnxruntime-web`)',
    );
    expect('cause' in error).toBe(false);
  });
});

describe('isMissingModule', () => {
  it('is true for a package that is not installed, directly or behind a module', async () => {
    expect(isMissingModule(await failedImport('@mlwarden/not-installed-anywhere'))).toBe(true);
    const importer = join(dir, 'imports-missing.mjs');
    writeFileSync(importer, "import '@mlwarden/not-installed-anywhere';\n");
    expect(isMissingModule(await failedImport(pathToFileURL(importer).href))).toBe(true);
  });

  it('is false for a module that is there but fails while loading', async () => {
    const broken = join(dir, 'throws.mjs');
    writeFileSync(broken, "throw new Error('native binding failed to initialise');\n");
    const error = await failedImport(pathToFileURL(broken).href);
    expect(error).toBeInstanceOf(Error);
    expect(isMissingModule(error)).toBe(false);
    expect(isMissingModule(undefined)).toBe(false);
  });
});
