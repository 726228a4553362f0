import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError } from '@mlwarden/core';
import type { GxReadOptions, GxSuiteRun } from './gx-types.js';
import { readGxFile } from './read-gx-file.js';

export interface GxTreeOptions extends GxReadOptions {
  /** `latest` (default): the newest run of each suite; `all`: every run. */
  runs?: 'latest' | 'all';
  /** What the user named; defaults to `dir`. */
  origin?: string;
  /** Most result files looked at. Default 100 000. */
  maxFiles?: number;
  /** Told about files and links that were skipped, with the reason. */
  onIgnored?: (path: string, reason: string) => void;
}

/** A results file of the validations store, with what its path says. */
export interface GxTreeEntry {
  path: string;
  /** Path below the validations directory, with `/`. */
  relative: string;
  /** Suite directory parts joined with `/` (GX turns dots in suite names into directories). */
  suitePath: string;
  runName: string | null;
  /** Directory name of the run time, `YYYYMMDDTHHMMSS.ffffffZ`. */
  runTime: string;
  batch: string;
}

const RUN_TIME_DIR = /^\d{8}T\d{6}(\.\d{1,9})?Z$/;
const MAX_DEPTH = 32;

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The `uncommitted/validations` directory for `dir`: `dir` itself, or below it in
 * `uncommitted/`, `gx/uncommitted/` (1.x and 0.17+) or `great_expectations/uncommitted/` (older).
 */
export async function findValidationsDir(dir: string): Promise<string> {
  for (const candidate of [
    join(dir, 'uncommitted', 'validations'),
    join(dir, 'gx', 'uncommitted', 'validations'),
    join(dir, 'great_expectations', 'uncommitted', 'validations'),
  ]) {
    if (await isDirectory(candidate)) return candidate;
  }
  return dir;
}

/** Lists the results files below a validations directory, without following links. */
export async function listGxValidations(
  validationsDir: string,
  options: Pick<GxTreeOptions, 'maxFiles' | 'onIgnored' | 'signal'> = {},
): Promise<GxTreeEntry[]> {
  const maxFiles = options.maxFiles ?? 100_000;
  const entries: GxTreeEntry[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (options.signal?.aborted) throw options.signal.reason;
    const items = await readdir(dir, { withFileTypes: true });
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      const path = join(dir, item.name);
      if (item.name.startsWith('.')) continue;
      if (item.isSymbolicLink()) {
        options.onIgnored?.(path, 'symbolic links are not followed');
      } else if (item.isDirectory()) {
        if (depth >= MAX_DEPTH) options.onIgnored?.(path, `deeper than ${MAX_DEPTH} directories`);
        else await walk(path, depth + 1);
      } else if (item.isFile() && item.name.endsWith('.json')) {
        const parts = relative(validationsDir, path).split(sep);
        const runTime = parts[parts.length - 2] ?? '';
        if (parts.length < 4 || !RUN_TIME_DIR.test(runTime)) {
          options.onIgnored?.(
            path,
            'not in the <suite>/<run name>/<run time>/<batch>.json layout of GX',
          );
          continue;
        }
        if (entries.length >= maxFiles) {
          throw new InputError(`${validationsDir}: more than ${maxFiles} results files`, {
            code: 'MLW_LIMIT_EXCEEDED',
            hint: 'point at one suite directory, or raise maxFiles',
          });
        }
        const runName = parts[parts.length - 3] as string;
        entries.push({
          path,
          relative: parts.join('/'),
          suitePath: parts.slice(0, -3).join('/'),
          runName: runName === '__none__' ? null : runName,
          runTime,
          batch: (parts[parts.length - 1] as string).replace(/\.json$/, ''),
        });
      }
    }
  };
  await walk(validationsDir, 0);
  return entries;
}

function runKey(entry: GxTreeEntry): string {
  return `${entry.runTime}\u0000${entry.runName ?? ''}`;
}

/** Keeps, for each suite, the files of its newest run (by run time, then run name). */
export function latestRuns(entries: readonly GxTreeEntry[]): GxTreeEntry[] {
  const latest = new Map<string, string>();
  for (const entry of entries) {
    const key = runKey(entry);
    const current = latest.get(entry.suitePath);
    if (current === undefined || key > current) latest.set(entry.suitePath, key);
  }
  return entries.filter((entry) => latest.get(entry.suitePath) === runKey(entry));
}

/**
 * Reads a GX validations store (`uncommitted/validations/`, or a project directory holding one):
 * the newest run of every suite by default, or every run. An empty tree is an InputError.
 */
export async function readGxValidationsTree(
  dir: string,
  options: GxTreeOptions = {},
): Promise<GxSuiteRun[]> {
  const validationsDir = await findValidationsDir(dir);
  if (!(await isDirectory(validationsDir))) {
    throw new InputError(`${dir} is not a directory`, { code: 'MLW_INPUT_NOT_FOUND' });
  }
  const all = await listGxValidations(validationsDir, options);
  if (all.length === 0) {
    throw new InputError(
      `${dir}: no GX validation results found (looked for <suite>/<run name>/<run time>/<batch>.json below ${validationsDir})`,
      {
        code: 'MLW_INPUT_NOT_FOUND',
        hint: 'run a checkpoint with the StoreValidationResultAction first, or pass a results file',
      },
    );
  }
  const chosen = options.runs === 'all' ? all : latestRuns(all);
  chosen.sort((a, b) => {
    const ka = `${a.suitePath}\u0000${runKey(a)}\u0000${a.batch}`;
    const kb = `${b.suitePath}\u0000${runKey(b)}\u0000${b.batch}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const runs: GxSuiteRun[] = [];
  for (const entry of chosen) {
    const read = await readGxFile(entry.path, { ...options, origin: options.origin ?? dir });
    for (const run of read) {
      run.member = entry.relative;
      if (run.runName === undefined) run.runName = entry.runName;
      if (run.runTime === undefined) run.runTime = entry.runTime;
      runs.push(run);
    }
  }
  return runs;
}
