import { type Adapter, UsageError } from '@mlwarden/core';
import { importGxResults } from './import-gx-results.js';

export interface GxAdapterOptions {
  /** Default for directories: the newest run of each suite (`latest`) or every run (`all`). */
  runs?: 'latest' | 'all';
  /** Masked unexpected values kept per expectation. Default 5. */
  sampleSize?: number;
}

/** `scheme:` of a URI (`models:/…`, `s3://…`); a Windows drive letter (`C:\`) is a path. */
const URI_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Resolves GX output to the `validationResults` input: a results file, an
 * `uncommitted/validations` directory, or a GX project directory (`gx/`, `great_expectations/`).
 * Accepts plain paths and `gx:<path>`; `gx:<path>?runs=all` reads every run, not just the newest.
 */
export function createGxAdapter(settings: GxAdapterOptions = {}): Adapter {
  return {
    name: 'great-expectations',
    canResolve(uri, kind) {
      return kind === 'validationResults' && (uri.startsWith('gx:') || !URI_SCHEME.test(uri));
    },
    async resolve(uri, { signal, log, cwd }) {
      let path = uri.startsWith('gx:') ? uri.slice(3) : uri;
      let runs = settings.runs ?? 'latest';
      const query = path.lastIndexOf('?');
      if (uri.startsWith('gx:') && query >= 0) {
        const params = new URLSearchParams(path.slice(query + 1));
        path = path.slice(0, query);
        for (const [key, value] of params) {
          if (key === 'runs' && (value === 'latest' || value === 'all')) runs = value;
          else {
            throw new UsageError(`${uri}: unknown option "${key}=${value}"`, {
              hint: 'the only option is runs=latest or runs=all',
            });
          }
        }
      }
      const validationResults = await importGxResults(path, {
        cwd,
        signal,
        runs,
        ...(settings.sampleSize !== undefined && { sampleSize: settings.sampleSize }),
        onIgnored: (file, reason) => log.debug(`skipped ${file}: ${reason}`),
      });
      log.info(`read ${validationResults.results.length} GX suite validations from ${path}`);
      return { validationResults };
    },
  };
}

/** The adapter with default settings. */
export const gxAdapter: Adapter = createGxAdapter();
