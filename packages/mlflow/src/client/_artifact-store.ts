import { InputError } from '@mlwarden/core';
import type { Consume, Transport } from './_transport.js';
import { type ArtifactLocation, formatArtifactLocation } from './artifact-location.js';
import type { MlflowFileInfo } from './mlflow-types.js';
import { joinArtifactPath, safeArtifactPath } from './safe-artifact-path.js';

/** Lists and reads artifacts wherever the tracking server serves them. */
export interface ArtifactStore {
  /** Every entry of one folder (all pages), with paths relative to the location's root. */
  list(location: ArtifactLocation, dir: string, signal?: AbortSignal): Promise<MlflowFileInfo[]>;
  /** Downloads one file (path relative to the location's root) and hands the answer over. */
  read<T>(
    location: ArtifactLocation,
    file: string,
    consume: Consume<T>,
    signal?: AbortSignal,
  ): Promise<T>;
}

interface ListAnswer {
  files?: MlflowFileInfo[];
  next_page_token?: string;
}

const MAX_LIST_PAGES = 10_000;

/** `a/b c` as URL path segments `a/b%20c`. */
export function encodePathSegments(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function createArtifactStore(transport: Transport): ArtifactStore {
  const listPage = (
    location: ArtifactLocation,
    full: string,
    pageToken: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ListAnswer> => {
    if (location.kind === 'run') {
      return transport.json<ListAnswer>({
        method: 'GET',
        path: '/api/2.0/mlflow/artifacts/list',
        query: { run_id: location.runId, path: full || undefined, page_token: pageToken },
        idempotent: true,
        signal,
      });
    }
    if (location.kind === 'logged-model') {
      return transport.json<ListAnswer>({
        method: 'GET',
        path: `/api/2.0/mlflow/logged-models/${encodeURIComponent(location.modelId)}/artifacts/directories`,
        query: { artifact_directory_path: full || undefined, page_token: pageToken },
        idempotent: true,
        signal,
      });
    }
    return transport.json<ListAnswer>({
      method: 'GET',
      path: '/api/2.0/mlflow-artifacts/artifacts',
      query: { path: full || undefined },
      idempotent: true,
      signal,
    });
  };

  const list = async (
    location: ArtifactLocation,
    dir: string,
    signal?: AbortSignal,
  ): Promise<MlflowFileInfo[]> => {
    const full = joinArtifactPath(location.path, dir);
    const out: MlflowFileInfo[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const answer = await listPage(location, full, token, signal);
      for (const entry of answer.files ?? []) {
        const where = `a path listed under ${formatArtifactLocation(location)}`;
        const listed = safeArtifactPath(String(entry.path), where);
        const name =
          full !== '' && listed.startsWith(`${full}/`) ? listed.slice(full.length + 1) : listed;
        if (name === '' || name.includes('/')) {
          throw new InputError(
            `${where} ("${listed}") is not inside the folder "${full}" that was listed`,
            {
              code: 'MLW_MLFLOW_UNSAFE_PATH',
              hint: 'the server answered with a path outside the requested folder',
            },
          );
        }
        out.push({
          path: joinArtifactPath(dir, name),
          is_dir: entry.is_dir === true,
          ...(entry.file_size !== undefined && { file_size: Number(entry.file_size) }),
        });
      }
      token = answer.next_page_token || undefined;
      if (token === undefined || location.kind === 'proxy') return out;
    }
    return out;
  };

  const read = <T>(
    location: ArtifactLocation,
    file: string,
    consume: Consume<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    const full = joinArtifactPath(location.path, safeArtifactPath(file));
    if (location.kind === 'run') {
      return transport.send(
        {
          method: 'GET',
          path: '/get-artifact',
          query: { run_id: location.runId, path: full },
          idempotent: true,
          signal,
        },
        consume,
      );
    }
    if (location.kind === 'logged-model') {
      return transport.send(
        {
          method: 'GET',
          path: `/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(location.modelId)}/artifacts/files`,
          query: { artifact_file_path: full },
          idempotent: true,
          signal,
        },
        consume,
      );
    }
    return transport.send(
      {
        method: 'GET',
        path: `/api/2.0/mlflow-artifacts/artifacts/${encodePathSegments(full)}`,
        idempotent: true,
        signal,
      },
      consume,
    );
  };

  return { list, read };
}
