import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { artifactScanCheck, localArtifactSet } from '@mlwarden/artifacts';
import { type ArtifactSet, InputError, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

/** One artifact set over several files and directories, in the order given. */
function artifactsOf(paths: readonly string[], cwd: string): ArtifactSet {
  const sets = paths.map((p) => localArtifactSet(resolve(cwd, p)));
  return {
    source: paths.join(', '),
    async *files(options) {
      for (const set of sets) yield* set.files(options);
    },
  };
}

export const scanCommand = defineCommand({
  name: 'scan',
  summary: 'scan model files for code that runs when they are loaded',
  usage: 'mlwarden scan <file|dir>... [--strict] [--allow module.name]... [options]',
  help: `Reads pickle, joblib, PyTorch, NumPy, zip and tar files (chosen by content, not by name)
without ever loading them, and reports imports that would execute code, touch the network or the
file system, and embedded code objects. A file that hits a scan limit is incomplete (exit 3),
never clean. Symbolic links are not followed out of a directory.

Options:
      --strict               imports outside the allowlist are high instead of medium
      --allow <module.name>  also allow this exact import, e.g. your own estimator (repeatable)

Rules, limits and options: mlwarden explain artifact.scan`,
  options: { strict: { type: 'boolean' }, allow: { type: 'string', multiple: true } },
  async run(context) {
    const { io, values, positionals } = context;
    if (positionals.length === 0) throw new UsageError('scan needs at least one file or directory');
    const missing = positionals.filter((p) => !existsSync(resolve(io.cwd, p)));
    if (missing.length > 0) {
      throw new InputError(`no such file or directory: ${missing.join(', ')}`, {
        code: 'MLW_INPUT_NOT_FOUND',
      });
    }
    const options = {
      ...(values.strict === true && { strict: true }),
      ...(Array.isArray(values.allow) && { allow: values.allow as string[] }),
    };
    return focusedRun(
      context,
      [artifactScanCheck],
      { artifacts: artifactsOf(positionals, io.cwd) },
      {
        'artifact.scan': { options },
      },
    );
  },
});
