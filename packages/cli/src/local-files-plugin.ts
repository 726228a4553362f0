import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { localArtifactSet } from '@mlwarden/artifacts';
import { definePlugin, InputError, openDataset } from '@mlwarden/core';

/** A local path (or `file://` URL): not a URI of another scheme such as `models:/` or `http://`. */
const localPath = (uri: string) => uri.startsWith('file://') || !/^[a-z][a-z0-9+.-]*:/i.test(uri);
const toPath = (uri: string, cwd: string) =>
  uri.startsWith('file://') ? new URL(uri).pathname : resolve(cwd, uri);

/**
 * Local files as inputs of `mlwarden run`: datasets (`dataset`, `reference`: Arrow IPC, Parquet,
 * CSV, NDJSON) and model files or directories (`artifacts`).
 */
export const localFilesPlugin = definePlugin({
  name: 'local-files',
  version: '1.0.0',
  adapters: [
    {
      name: 'local-dataset',
      canResolve: (uri, kind) => (kind === 'dataset' || kind === 'reference') && localPath(uri),
      async resolve(uri, { kind, cwd }) {
        return { [kind]: await openDataset(toPath(uri, cwd), { source: uri }) };
      },
    },
    {
      name: 'local-artifacts',
      canResolve: (uri, kind) => kind === 'artifacts' && localPath(uri),
      async resolve(uri, { cwd }) {
        const path = toPath(uri, cwd);
        if (!existsSync(path)) {
          throw new InputError(`artifacts "${uri}" not found (looked for ${path})`, {
            code: 'MLW_INPUT_NOT_FOUND',
          });
        }
        return { artifacts: localArtifactSet(path) };
      },
    },
  ],
});
