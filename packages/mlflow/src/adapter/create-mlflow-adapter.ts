import type { Adapter } from '@mlwarden/core';
import { createMlflowClient, type MlflowClient } from '../client/create-mlflow-client.js';
import type { DownloadLimits } from '../client/download-artifacts.js';
import type { MlflowClientOptions } from '../client/mlflow-settings.js';
import { isMlflowUri } from '../mlflow-uri.js';
import { resolveMlflowUri } from './resolve-mlflow-uri.js';
import { resolveRunDataset } from './resolve-run-dataset.js';

export interface MlflowAdapterOptions {
  /** A client to use; default one made from `clientOptions` (or the environment) on first use. */
  client?: MlflowClient;
  clientOptions?: MlflowClientOptions;
  limits?: Partial<DownloadLimits>;
}

/**
 * The adapter that turns `models:/…`, `runs:/…` and `mlflow-run:…` into `artifacts` and `run`
 * inputs, and `mlflow-run:<id>[?dataset=<name>]` asked for `dataset`/`reference` into the run's
 * logged dataset read from its source file. Asked for `run`, it downloads nothing. Downloaded files live in a private temp folder
 * until the input's `dispose()` or process exit.
 */
export function createMlflowAdapter(options: MlflowAdapterOptions = {}): Adapter {
  let client = options.client;
  return {
    name: 'mlflow',
    canResolve: (uri, kind) =>
      (kind === 'dataset' || kind === 'reference') && uri.startsWith('mlflow-run:')
        ? true
        : isMlflowUri(uri) && (kind === 'artifacts' || kind === 'run'),
    async resolve(uri, context) {
      client ??= createMlflowClient(options.clientOptions);
      if (context.kind === 'dataset' || context.kind === 'reference') {
        return { [context.kind]: await resolveRunDataset(client, uri, { signal: context.signal }) };
      }
      const resolved = await resolveMlflowUri(client, uri, {
        ...(context.kind === 'run' && { only: 'run' as const }),
        ...(options.limits !== undefined && { limits: options.limits }),
        signal: context.signal,
        log: context.log,
      });
      return resolved.inputs;
    },
  };
}
