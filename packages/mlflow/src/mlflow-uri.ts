import { InputError } from '@mlwarden/core';
import { isLoggedModelId } from './client/artifact-location.js';
import { safeArtifactPath } from './client/safe-artifact-path.js';

/** An MLflow URI that mlwarden resolves into inputs. */
export type MlflowUri =
  | { kind: 'model-version'; uri: string; name: string; version: string }
  | { kind: 'model-alias'; uri: string; name: string; alias: string }
  /** `models:/<name>/latest`: the highest version. */
  | { kind: 'model-latest'; uri: string; name: string }
  | { kind: 'logged-model'; uri: string; modelId: string }
  | { kind: 'run-artifacts'; uri: string; runId: string; path: string }
  | { kind: 'run'; uri: string; runId: string };

const PREFIXES = ['models:/', 'runs:/', 'mlflow-run:'] as const;
const RUN_ID = /^[0-9a-zA-Z_-]{1,64}$/;

/** True for `models:/…`, `runs:/…` and `mlflow-run:…`. */
export function isMlflowUri(uri: string): boolean {
  return PREFIXES.some((p) => uri.startsWith(p));
}

function bad(uri: string, why: string): InputError {
  return new InputError(`"${uri}" is not a valid MLflow URI: ${why}`, {
    code: 'MLW_INPUT_INVALID',
    hint: 'use models:/<name>/<version>, models:/<name>@<alias>, models:/<model_id>, runs:/<run_id>/<path> or mlflow-run:<run_id>',
  });
}

/** Parses an MLflow URI; throws an InputError naming what is wrong. */
export function parseMlflowUri(uri: string): MlflowUri {
  if (uri.startsWith('mlflow-run:')) {
    const runId = uri.slice('mlflow-run:'.length).replace(/^\/+/, '');
    if (!RUN_ID.test(runId))
      throw bad(uri, 'the run id is missing or has characters a run id never has');
    return { kind: 'run', uri, runId };
  }
  if (uri.startsWith('runs:/')) {
    const rest = uri.slice('runs:/'.length).replace(/^\/+/, '');
    const slash = rest.indexOf('/');
    const runId = slash === -1 ? rest : rest.slice(0, slash);
    if (!RUN_ID.test(runId))
      throw bad(uri, 'the run id is missing or has characters a run id never has');
    const path = safeArtifactPath(
      slash === -1 ? '' : rest.slice(slash + 1),
      `the artifact path of ${uri}`,
    );
    return { kind: 'run-artifacts', uri, runId, path };
  }
  if (uri.startsWith('models:/')) {
    const rest = uri.slice('models:/'.length).replace(/^\/+/, '').replace(/\/+$/, '');
    if (rest === '') throw bad(uri, 'the model name is missing');
    const at = rest.lastIndexOf('@');
    if (at !== -1) {
      const name = rest.slice(0, at);
      const alias = rest.slice(at + 1);
      if (name === '' || !/^[\w-]+$/.test(alias)) throw bad(uri, 'expected models:/<name>@<alias>');
      return { kind: 'model-alias', uri, name, alias };
    }
    if (isLoggedModelId(rest)) return { kind: 'logged-model', uri, modelId: rest };
    const slash = rest.lastIndexOf('/');
    if (slash <= 0)
      throw bad(
        uri,
        'expected a version (models:/<name>/<version>) or an alias (models:/<name>@<alias>)',
      );
    const name = rest.slice(0, slash);
    const version = rest.slice(slash + 1);
    if (version.toLowerCase() === 'latest') return { kind: 'model-latest', uri, name };
    if (!/^[1-9]\d*$/.test(version)) throw bad(uri, `"${version}" is not a version number`);
    return { kind: 'model-version', uri, name, version };
  }
  throw bad(uri, 'it does not start with models:/, runs:/ or mlflow-run:');
}
