import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalArtifactSet, localArtifactSet } from '../../src/adapter/local-artifact-set.js';
import type { MlflowRun } from '../../src/client/mlflow-types.js';

const src = join(import.meta.dirname, '..', '..', 'src');
const fixtures = join(src, 'client', '__fixtures__');

/** A REST answer recorded from the real MLflow server by scripts/mlflow-record-fixtures. */
export function recordedAnswer<T>(name: string): T {
  return JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as T;
}

export function recordedRun(name: string): MlflowRun {
  return recordedAnswer<{ run: MlflowRun }>(name).run;
}

/** A model folder recorded from the real server (src/checks/__fixtures__/<name>) as artifacts. */
export function recordedModel(name: string): LocalArtifactSet {
  const root = join(src, 'checks', '__fixtures__', name);
  const files = readdirSync(root).map((path) => ({ path, size: statSync(join(root, path)).size }));
  return localArtifactSet({ root, source: `models:/${name}/1`, files });
}
