import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, type ValidationResults } from '@mlwarden/core';
import type { GxSuiteRun } from './gx-types.js';
import { GX_TOOL } from './gx-validation-check.js';
import { readGxFile } from './read-gx-file.js';
import { type GxTreeOptions, readGxValidationsTree } from './read-gx-validations-tree.js';

export interface ImportGxOptions extends Omit<GxTreeOptions, 'origin'> {
  /** Directory relative paths are resolved against. Default `process.cwd()`. */
  cwd?: string;
}

/**
 * Reads GX output — results files and validations directories (or project directories holding
 * one) — into the `validationResults` input that the `gx.validation` check reads. Paths are kept
 * as given in finding locations, so fingerprints do not depend on the working directory.
 * This is what `mlwarden gx import <file|dir>...` calls.
 */
export async function importGxResults(
  paths: string | readonly string[],
  options: ImportGxOptions = {},
): Promise<ValidationResults> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  if (list.length === 0) {
    throw new InputError('no GX results given', {
      hint: 'name a results file or an uncommitted/validations directory',
    });
  }
  const cwd = options.cwd ?? process.cwd();
  const runs: GxSuiteRun[] = [];
  for (const given of list) {
    const path = resolve(cwd, given);
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (cause) {
      throw new InputError(`${given}: no such file or directory`, {
        code: 'MLW_INPUT_NOT_FOUND',
        cause,
      });
    }
    const read = isDir
      ? await readGxValidationsTree(path, { ...options, origin: given })
      : await readGxFile(path, { ...options, origin: given });
    runs.push(...read);
  }
  const versions = [...new Set(runs.flatMap((r) => (r.gxVersion ? [r.gxVersion] : [])))].sort();
  return {
    source: list.join(', '),
    tool: GX_TOOL,
    ...(versions.length > 0 && { toolVersion: versions.join(', ') }),
    results: runs,
  };
}
