import { existsSync } from 'node:fs';
import { type Dataset, InputError, openDataset } from '@mlwarden/core';
import type { MlflowClient } from '../client/create-mlflow-client.js';
import type { MlflowDatasetInput } from '../client/mlflow-types.js';
import { parseMlflowUri } from '../mlflow-uri.js';

const CONTEXT_TAG = 'mlflow.data.context';

/** The local file a logged dataset came from, when its source is a path or `file://` URI. */
function localSource(input: MlflowDatasetInput): string | undefined {
  let source: unknown;
  try {
    source = JSON.parse(input.dataset?.source ?? 'null');
  } catch {
    return undefined;
  }
  const uri =
    (source as { uri?: unknown; path?: unknown } | null)?.uri ??
    (source as { path?: unknown } | null)?.path;
  if (typeof uri !== 'string') return undefined;
  if (uri.startsWith('file://')) return new URL(uri).pathname;
  return /^[a-z][a-z0-9+.-]*:/i.test(uri) ? undefined : uri;
}

/**
 * A dataset input of an MLflow run, read from its source file: `mlflow-run:<run_id>` names the
 * run's only dataset (or its `training` one), `mlflow-run:<run_id>?dataset=<name>` one by name.
 * Only sources that are readable files here are opened; others are an InputError that says where
 * the data lives.
 */
export async function resolveRunDataset(
  client: MlflowClient,
  uri: string,
  options: { signal?: AbortSignal } = {},
): Promise<Dataset> {
  const [base, query = ''] = uri.split('?', 2) as [string, string?];
  const name = new URLSearchParams(query).get('dataset') ?? undefined;
  const parsed = parseMlflowUri(base);
  if (parsed.kind !== 'run') {
    throw new InputError(
      `${uri}: a dataset comes from a run; use mlflow-run:<run_id>[?dataset=<name>]`,
    );
  }
  const run = await client.runs.get(parsed.runId, options.signal ? { signal: options.signal } : {});
  const inputs = run.inputs?.dataset_inputs ?? [];
  const named = inputs.filter((i) => name === undefined || i.dataset?.name === name);
  const training = named.filter((i) =>
    i.tags?.some((t) => t.key === CONTEXT_TAG && t.value === 'training'),
  );
  const chosen = named.length === 1 ? named[0] : training.length === 1 ? training[0] : undefined;
  if (chosen === undefined) {
    const names = inputs.map((i) => i.dataset?.name ?? '(unnamed)').join(', ') || 'none';
    throw new InputError(
      `${uri}: ${named.length === 0 ? 'no dataset input matches' : 'several dataset inputs match'} (the run has: ${names})`,
      { hint: 'name one with mlflow-run:<run_id>?dataset=<name>' },
    );
  }
  const path = localSource(chosen);
  if (path === undefined || !existsSync(path)) {
    throw new InputError(
      `${uri}: dataset "${chosen.dataset?.name}" comes from ${chosen.dataset?.source_type ?? 'an unknown'} source ${chosen.dataset?.source ?? ''}, which is not a readable file here`,
      {
        code: 'MLW_INPUT_NOT_FOUND',
        hint: 'download the data and name the file as the input instead',
      },
    );
  }
  return openDataset(path, {
    source: `${base}?dataset=${encodeURIComponent(chosen.dataset?.name ?? '')}`,
  });
}
