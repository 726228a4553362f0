import { InputError } from '@mlwarden/core';
import type { Api, CallOptions } from './_api.js';
import { type ArtifactStore, createArtifactStore, encodePathSegments } from './_artifact-store.js';
import { type ArtifactLocation, parseArtifactUri } from './artifact-location.js';
import {
  type DownloadedArtifacts,
  type DownloadOptions,
  downloadArtifacts,
  readArtifactText,
} from './download-artifacts.js';
import type { MlflowFileInfo } from './mlflow-types.js';
import type { RunsApi } from './runs-api.js';
import { safeArtifactPath } from './safe-artifact-path.js';

export interface ArtifactsApi {
  /** One folder of a run's artifacts (one page). */
  list(
    input: { runId: string; path?: string; pageToken?: string } & CallOptions,
  ): Promise<{ rootUri?: string; files: MlflowFileInfo[]; nextPageToken?: string }>;
  /** Maps an artifact URI from the server to a location it serves. */
  locate(uri: string, run?: { runId: string; artifactUri?: string }): ArtifactLocation;
  /** Downloads a file or folder tree into a private temporary folder. */
  download(location: ArtifactLocation, options?: DownloadOptions): Promise<DownloadedArtifacts>;
  /** Reads a small text file (default at most 1 MiB) without writing it to disk. */
  readText(
    location: ArtifactLocation,
    file: string,
    options?: { maxBytes?: number } & CallOptions,
  ): Promise<string>;
  /**
   * Uploads one file into a run's artifacts through the artifact proxy (`PUT
   * /api/2.0/mlflow-artifacts/artifacts/…`). Needs a server with artifact serving on.
   */
  upload(
    input: {
      runId: string;
      path: string;
      content: string | Uint8Array;
      contentType?: string;
    } & CallOptions,
  ): Promise<{ uri: string }>;
}

export function artifactsApi(api: Api, runs: RunsApi): ArtifactsApi {
  const store: ArtifactStore = createArtifactStore(api.http);
  const trackingUri = api.http.settings.trackingUri;
  return {
    async list(input) {
      const a = await api.get(
        '/artifacts/list',
        {
          run_id: input.runId,
          path: input.path ? safeArtifactPath(input.path) : undefined,
          page_token: input.pageToken,
        },
        input.signal,
      );
      const page = await api.page<MlflowFileInfo>(Promise.resolve(a), 'files');
      return {
        ...(typeof a.root_uri === 'string' && { rootUri: a.root_uri }),
        files: page.items,
        ...(page.nextPageToken !== undefined && { nextPageToken: page.nextPageToken }),
      };
    },
    locate: (uri, run) => parseArtifactUri(uri, { trackingUri, ...(run !== undefined && { run }) }),
    download: (location, o) => downloadArtifacts(store, location, o),
    readText: (location, file, o = {}) =>
      readArtifactText(store, location, file, o.maxBytes ?? 1024 * 1024, o.signal),
    async upload(input) {
      const path = safeArtifactPath(input.path);
      if (path === '') {
        throw new InputError('an artifact upload needs a file path', {
          hint: 'e.g. "mlwarden/report.json"',
        });
      }
      const run = await runs.get(input.runId, input);
      const artifactUri = run.info.artifact_uri ?? '';
      const location = parseArtifactUri(artifactUri, { trackingUri });
      if (location.kind !== 'proxy') {
        throw new InputError(
          `run ${input.runId} stores artifacts at "${artifactUri}", which the tracking server does not accept uploads for`,
          {
            code: 'MLW_MLFLOW_ARTIFACT_STORE_UNSUPPORTED',
            hint: 'start `mlflow server` with artifact serving on (the default) so runs use mlflow-artifacts:/ URIs',
          },
        );
      }
      const full = [location.path, path].filter(Boolean).join('/');
      await api.http.json({
        method: 'PUT',
        path: `/api/2.0/mlflow-artifacts/artifacts/${encodePathSegments(full)}`,
        bytes:
          typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : input.content,
        contentType: input.contentType ?? 'application/octet-stream',
        idempotent: true,
        signal: input.signal,
      });
      return { uri: `runs:/${input.runId}/${path}` };
    },
  };
}
