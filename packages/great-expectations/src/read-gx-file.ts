import { closeSync, fstatSync, openSync } from 'node:fs';
import { InputError } from '@mlwarden/core';
import { fdSource } from './_json-scanner.js';
import type { GxReadOptions, GxSuiteRun } from './gx-types.js';
import { readGxDocument } from './parse-gx-results.js';

/**
 * Reads a GX results file (suite validation result, 0.18 or 1.x checkpoint result, or 1.x
 * describe output) chunk by chunk: memory stays bounded by the failed expectations it keeps, not
 * by the file's size. `origin` is what the user named (defaults to `path`).
 */
export async function readGxFile(
  path: string,
  options: GxReadOptions & { origin?: string } = {},
): Promise<GxSuiteRun[]> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${path}: no such file`
        : `${path}: cannot be opened (${code ?? String(cause)})`,
      { code: code === 'ENOENT' ? 'MLW_INPUT_NOT_FOUND' : 'MLW_INPUT_INVALID', cause },
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new InputError(`${path} is not a regular file`, {
        hint: 'pass a GX JSON results file or a directory holding uncommitted/validations',
      });
    }
    if (stat.size === 0) {
      throw new InputError(`${path} is empty; GX results are JSON objects`, {
        hint: 'write the results again; an empty file usually means GX stopped while writing',
      });
    }
    return readGxDocument(fdSource(fd), { file: path, origin: options.origin ?? path }, options);
  } finally {
    closeSync(fd);
  }
}
