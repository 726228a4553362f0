import type { Inputs, Logger } from '@mlwarden/core';
import { silentLogger } from '@mlwarden/core';
import type { ArtifactLocation } from '../client/artifact-location.js';
import { isLoggedModelId } from '../client/artifact-location.js';
import type { MlflowClient } from '../client/create-mlflow-client.js';
import type { DownloadLimits } from '../client/download-artifacts.js';
import { MlflowError } from '../client/mlflow-error.js';
import type {
  MlflowLoggedModel,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
} from '../client/mlflow-types.js';
import { parseMlflowUri } from '../mlflow-uri.js';
import { type LocalArtifactSet, localArtifactSet } from './local-artifact-set.js';
import { type MlflowInputContext, makeMlflowContext } from './mlflow-context.js';
import { toRunInfo } from './to-run-info.js';

export interface ResolveMlflowUriOptions {
  /** `run` resolves metadata only and downloads nothing. Default: artifacts and run. */
  only?: 'run';
  limits?: Partial<DownloadLimits>;
  signal?: AbortSignal;
  log?: Logger;
}

export interface ResolvedMlflowInputs {
  /** `artifacts` (downloaded files) and `run`, whichever the URI has. */
  inputs: Pick<Inputs, 'artifacts' | 'run'>;
  context: MlflowInputContext;
  /** Deletes downloaded files. */
  dispose(): Promise<void>;
}

/** Other versions that hold aliases are fetched up to this many. */
const MAX_ALIASED_VERSIONS = 20;

async function latestVersion(
  client: MlflowClient,
  name: string,
  signal: AbortSignal | undefined,
): Promise<MlflowModelVersion> {
  let best: MlflowModelVersion | undefined;
  let token: string | undefined;
  do {
    const page = await client.registry.searchModelVersions({
      filter: `name='${name.replaceAll("'", "\\'")}'`,
      ...(token !== undefined && { pageToken: token }),
      ...(signal !== undefined && { signal }),
    });
    for (const v of page.items) if (!best || Number(v.version) > Number(best.version)) best = v;
    token = page.nextPageToken;
  } while (token);
  if (!best) {
    throw new MlflowError('MLW_MLFLOW_NOT_FOUND', `registered model "${name}" has no versions`, {
      hint: 'check the model name, or register a version first',
    });
  }
  return best;
}

/**
 * Resolves `models:/<name>/<version>`, `models:/<name>@<alias>`, `models:/<name>/latest`,
 * `models:/<model_id>`, `runs:/<run_id>/<path>` and `mlflow-run:<run_id>` into inputs: the
 * files (downloaded into a private temp folder) as `artifacts`, and the source run's params,
 * tags and metrics as `run`. Both carry an MlflowInputContext for the MLflow checks.
 */
export async function resolveMlflowUri(
  client: MlflowClient,
  uri: string,
  options: ResolveMlflowUriOptions = {},
): Promise<ResolvedMlflowInputs> {
  const parsed = parseMlflowUri(uri);
  const { signal } = options;
  const log = options.log ?? silentLogger;
  const o = signal !== undefined ? { signal } : {};

  let run: MlflowRun | undefined;
  let modelVersion: MlflowModelVersion | undefined;
  let registeredModel: MlflowRegisteredModel | undefined;
  let aliasedVersions: MlflowModelVersion[] | undefined;
  let loggedModel: MlflowLoggedModel | undefined;
  let location: ArtifactLocation | undefined;

  const getRun = async (runId: string, tolerateMissing: boolean) => {
    try {
      return await client.runs.get(runId, o);
    } catch (error) {
      if (tolerateMissing && MlflowError.isNotFound(error)) {
        log.warn(`source run ${runId} of ${uri} no longer exists; run checks will be skipped`);
        return undefined;
      }
      throw error;
    }
  };

  switch (parsed.kind) {
    case 'run':
      run = await getRun(parsed.runId, false);
      break;
    case 'run-artifacts':
      run = await getRun(parsed.runId, false);
      location = { kind: 'run', runId: parsed.runId, path: parsed.path };
      break;
    case 'logged-model': {
      loggedModel = await client.loggedModels.get(parsed.modelId, o);
      const sourceRun = loggedModel.info.source_run_id;
      if (sourceRun) run = await getRun(sourceRun, true);
      location = { kind: 'logged-model', modelId: parsed.modelId, path: '' };
      break;
    }
    default: {
      modelVersion =
        parsed.kind === 'model-version'
          ? await client.registry.getModelVersion(parsed.name, parsed.version, o)
          : parsed.kind === 'model-alias'
            ? await client.registry.getModelVersionByAlias(parsed.name, parsed.alias, o)
            : await latestVersion(client, parsed.name, signal);
      registeredModel = await client.registry.getRegisteredModel(parsed.name, o);
      const others = [...new Set((registeredModel.aliases ?? []).map((a) => a.version))].filter(
        (v) => v !== modelVersion?.version,
      );
      aliasedVersions = [];
      for (const v of others.slice(0, MAX_ALIASED_VERSIONS)) {
        aliasedVersions.push(await client.registry.getModelVersion(parsed.name, v, o));
      }
      if (modelVersion.run_id) run = await getRun(modelVersion.run_id, true);
      if (options.only !== 'run') {
        const source = modelVersion.source ?? '';
        const fromLoggedModel = source.startsWith('models:/') && isLoggedModelId(source.slice(8));
        if (fromLoggedModel) {
          location = { kind: 'logged-model', modelId: source.slice(8), path: '' };
        } else {
          const downloadUri = await client.registry.getModelVersionDownloadUri(
            modelVersion.name,
            modelVersion.version,
            o,
          );
          location = client.artifacts.locate(
            downloadUri,
            run ? { runId: run.info.run_id, artifactUri: run.info.artifact_uri ?? '' } : undefined,
          );
        }
      }
    }
  }

  const context = makeMlflowContext({
    trackingUri: client.trackingUri,
    uri,
    ...(run !== undefined && { run }),
    ...(modelVersion !== undefined && { modelVersion }),
    ...(registeredModel !== undefined && { registeredModel }),
    ...(aliasedVersions !== undefined && { aliasedVersions }),
    ...(loggedModel !== undefined && { loggedModel }),
  });
  let artifacts: LocalArtifactSet | undefined;
  if (location !== undefined && options.only !== 'run') {
    const downloaded = await client.artifacts.download(location, {
      ...(options.limits !== undefined && { limits: options.limits }),
      ...o,
    });
    log.debug(`downloaded ${downloaded.files.length} files of ${uri}`);
    const set = localArtifactSet({
      root: downloaded.root,
      source: uri,
      files: downloaded.files,
      dispose: downloaded.dispose,
    });
    artifacts = Object.assign(set, { mlflow: context });
  }
  return {
    inputs: {
      ...(artifacts !== undefined && { artifacts }),
      ...(run !== undefined && { run: toRunInfo(run, context) }),
    },
    context,
    dispose: async () => {
      await artifacts?.dispose();
    },
  };
}
