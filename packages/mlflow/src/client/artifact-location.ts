import { InputError } from '@mlwarden/core';
import { safeArtifactPath } from './safe-artifact-path.js';

/** Where artifacts live, as the tracking server can serve them. Paths are safe and relative. */
export type ArtifactLocation =
  /** A run's artifacts, listed with `artifacts/list` and read with `/get-artifact` (any store). */
  | { kind: 'run'; runId: string; path: string }
  /** Below the artifact proxy root (`mlflow-artifacts:/…`; needs `--serve-artifacts`). */
  | { kind: 'proxy'; path: string }
  /** An MLflow 3 logged model's artifacts (`models:/m-…`), through the logged-model routes. */
  | { kind: 'logged-model'; modelId: string; path: string };

const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/;

/** True for an MLflow 3 logged-model id (`m-` and 32 hex digits). */
export function isLoggedModelId(value: string): boolean {
  return LOGGED_MODEL_ID.test(value);
}

/**
 * Maps an artifact URI the server handed out (a run's `artifact_uri`, a model version's
 * download URI) to a location the tracking server serves. `runArtifactUri` lets URIs of other
 * stores (`s3://…`, `file:…`) that lie below a known run's artifact root map to that run.
 */
export function parseArtifactUri(
  uri: string,
  context: { trackingUri: string; run?: { runId: string; artifactUri?: string | undefined } },
): ArtifactLocation {
  if (uri.startsWith('mlflow-artifacts:')) {
    // mlflow-artifacts:/<path> or mlflow-artifacts://<host>/<path>
    const rest = uri.slice('mlflow-artifacts:'.length);
    const path = rest.startsWith('//') ? rest.slice(2).replace(/^[^/]*/, '') : rest;
    return { kind: 'proxy', path: safeArtifactPath(path.replace(/^\/+/, ''), uri) };
  }
  if (uri.startsWith('runs:/')) {
    const [runId = '', ...rest] = uri.slice('runs:/'.length).replace(/^\/+/, '').split('/');
    return { kind: 'run', runId, path: safeArtifactPath(rest.join('/'), uri) };
  }
  if (uri.startsWith('models:/')) {
    const [id = '', ...rest] = uri.slice('models:/'.length).replace(/^\/+/, '').split('/');
    if (isLoggedModelId(id)) {
      return { kind: 'logged-model', modelId: id, path: safeArtifactPath(rest.join('/'), uri) };
    }
  }
  const proxyPrefix = `${context.trackingUri}/api/2.0/mlflow-artifacts/artifacts/`;
  if (uri.startsWith(proxyPrefix)) {
    return { kind: 'proxy', path: safeArtifactPath(uri.slice(proxyPrefix.length), uri) };
  }
  const runRoot = context.run?.artifactUri?.replace(/\/+$/, '');
  if (context.run && runRoot && (uri === runRoot || uri.startsWith(`${runRoot}/`))) {
    return {
      kind: 'run',
      runId: context.run.runId,
      path: safeArtifactPath(uri.slice(runRoot.length + 1), uri),
    };
  }
  throw new InputError(
    `artifacts at "${uri}" are not served by the tracking server, so mlwarden cannot read them`,
    {
      code: 'MLW_MLFLOW_ARTIFACT_STORE_UNSUPPORTED',
      hint: 'run `mlflow server` with artifact serving on (the default) so artifacts use mlflow-artifacts:/ URIs, or download them yourself and scan the folder',
    },
  );
}

/** `runs:/…`, `mlflow-artifacts:/…` or `models:/…` text of a location, for messages. */
export function formatArtifactLocation(location: ArtifactLocation): string {
  const tail = location.path === '' ? '' : `/${location.path}`;
  if (location.kind === 'run') return `runs:/${location.runId}${tail}`;
  if (location.kind === 'logged-model') return `models:/${location.modelId}${tail}`;
  return `mlflow-artifacts:/${location.path}`;
}
