import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Adapter, InputError, type RunInfo } from '@mlwarden/core';

const isStringRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');

/** Reads `*.run.json` files (`{ id, params, tags }`) as training-run metadata. */
export const runFileAdapter: Adapter = {
  name: 'run-file',
  canResolve: (uri, kind) => kind === 'run' && uri.endsWith('.run.json'),
  async resolve(uri, { cwd }) {
    const path = resolve(cwd, uri);
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (cause) {
      throw new InputError(`${uri} cannot be read as JSON: ${(cause as Error).message}`, { cause });
    }
    const v = value as Partial<RunInfo>;
    if (typeof v.id !== 'string' || !isStringRecord(v.params) || !isStringRecord(v.tags)) {
      throw new InputError(
        `${uri} is not a run file: expected {"id": string, "params": {…}, "tags": {…}} with string values`,
      );
    }
    return { run: { source: uri, id: v.id, params: v.params, tags: v.tags } };
  },
};
