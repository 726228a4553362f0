import { checkInfo, UsageError } from '@mlwarden/core';
import { createMlflowClient, gateModelVersion, parseMlflowUri } from '@mlwarden/mlflow';
import { loadCatalog } from '../catalog.js';
import { defineCommand } from '../command.js';
import { focusedOptions } from '../focused-run.js';
import { cliLogger, executeRun, finishRun } from '../run-and-report.js';

export const mlflowGateCommand = defineCommand({
  name: 'mlflow gate',
  summary: 'run the checks on a model version and move an alias to it only if they pass',
  usage: 'mlwarden mlflow gate models:/<name>/<version> --alias <alias> [options]',
  help: `The promotion gate: downloads the version's files and source run, runs every installed
check, writes the verdict and report into MLflow (unless --no-log), and sets the alias on the
version only when the verdict is pass. Exit 0 when the alias moved, 1 (or 3) when it did not.

Options:
      --alias <alias>        the alias to move, e.g. champion or production (required)
      --tracking-uri <url>   the MLflow server (default: MLFLOW_TRACKING_URI)
      --no-log               do not write the report and verdict into MLflow

Example (CI step):
  mlwarden mlflow gate models:/fraud/12 --alias champion --fail-on medium -o sarif=gate.sarif`,
  options: {
    alias: { type: 'string' },
    'tracking-uri': { type: 'string' },
    'no-log': { type: 'boolean' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    const [uri, ...extra] = positionals;
    if (uri === undefined || extra.length > 0) {
      throw new UsageError('mlflow gate takes exactly one models:/<name>/<version> URI');
    }
    const parsed = parseMlflowUri(uri);
    if (parsed.kind !== 'model-version') {
      throw new UsageError(`mlflow gate needs a numbered model version, got "${uri}"`, {
        hint: 'use models:/<name>/<version>, e.g. models:/fraud/12',
      });
    }
    if (typeof values.alias !== 'string') {
      throw new UsageError('mlflow gate needs --alias <alias>', {
        hint: 'for example --alias champion',
      });
    }
    const client = createMlflowClient({
      env: io.env,
      ...(typeof values['tracking-uri'] === 'string' && { trackingUri: values['tracking-uri'] }),
    });
    const catalog = await loadCatalog(io.cwd, context.globals.config);
    const { checks } = catalog;
    let options: Awaited<ReturnType<typeof focusedOptions>> | undefined;
    const result = await gateModelVersion(client, {
      name: parsed.name,
      version: parsed.version,
      alias: values.alias,
      log: cliLogger(io),
      logToMlflow:
        values['no-log'] === true ? false : { checks: checks.map((c) => checkInfo(c.meta)) },
      run: async (inputs) => {
        options = await focusedOptions(context, checks, inputs, {}, undefined, catalog);
        return executeRun(options);
      },
    });
    io.stderr.write(
      result.aliasMoved
        ? `alias "${values.alias}" now points at ${parsed.name} version ${parsed.version}\n`
        : `verdict ${result.verdict}: alias "${values.alias}" was not moved${result.previousVersion ? ` (still on version ${result.previousVersion})` : ''}\n`,
    );
    return finishRun(result.report, options as NonNullable<typeof options>);
  },
});
