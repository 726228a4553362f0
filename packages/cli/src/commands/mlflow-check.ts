import { applyPolicy, type CheckResult, checkInfo, type Report, UsageError } from '@mlwarden/core';
import { createMlflowClient, logReportToMlflow, resolveMlflowUri } from '@mlwarden/mlflow';
import { loadCatalog } from '../catalog.js';
import { defineCommand } from '../command.js';
import { focusedOptions } from '../focused-run.js';
import { cliLogger, executeRun, finishRun } from '../run-and-report.js';

/** One report of several runs: results side by side, titles naming the URI, summary recomputed. */
function mergeReports(reports: readonly Report[], uris: readonly string[]): Report {
  if (reports.length === 1) return reports[0] as Report;
  const results: CheckResult[] = reports.flatMap((r, i) =>
    r.results.map((result) => ({ ...result, title: `${result.title} (${uris[i]})` })),
  );
  const first = reports[0] as Report;
  const merged: Report = {
    ...first,
    durationMs: reports.reduce((sum, r) => sum + r.durationMs, 0),
    results,
  };
  return applyPolicy(merged, { failOn: first.policy.failOn }, new Date(first.startedAt));
}

export const mlflowCheckCommand = defineCommand({
  name: 'mlflow check',
  summary: 'check MLflow models and runs: artifacts, MLmodel, secrets, provenance, registry',
  usage: 'mlwarden mlflow check <uri>... [--log-to-mlflow] [options]',
  help: `URIs: models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/latest,
runs:/<run_id>/<path>, mlflow-run:<run_id>.

The server comes from MLFLOW_TRACKING_URI (or --tracking-uri), credentials from
MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN, as for MLflow's own client.
Every installed check runs on the downloaded files and the run: the model artifact scanner,
mlflow.model, mlflow.secrets, mlflow.provenance and mlflow.registry.

Options:
      --tracking-uri <url>   the MLflow server (default: MLFLOW_TRACKING_URI)
      --log-to-mlflow        write the report back: artifacts under mlwarden/, metrics
                             mlwarden.findings.<severity>, tags mlwarden.verdict and
                             mlwarden.report_uri on the run and the model version`,
  options: { 'tracking-uri': { type: 'string' }, 'log-to-mlflow': { type: 'boolean' } },
  async run(context) {
    const uris = context.positionals;
    if (uris.length === 0) throw new UsageError('mlflow check needs at least one MLflow URI');
    const { io, values } = context;
    const client = createMlflowClient({
      env: io.env,
      ...(typeof values['tracking-uri'] === 'string' && { trackingUri: values['tracking-uri'] }),
    });
    const catalog = await loadCatalog(io.cwd, context.globals.config);
    const { checks } = catalog;
    const reports: Report[] = [];
    let options: Awaited<ReturnType<typeof focusedOptions>> | undefined;
    for (const uri of uris) {
      const resolved = await resolveMlflowUri(client, uri, { log: cliLogger(io) });
      try {
        options = await focusedOptions(context, checks, resolved.inputs, {}, undefined, catalog);
        const report = await executeRun(options);
        reports.push(report);
        const runId = resolved.context.run?.info?.run_id;
        if (values['log-to-mlflow'] === true) {
          if (runId === undefined) {
            io.stderr.write(
              `note: ${uri} has no source run; the report was not logged to MLflow\n`,
            );
          } else {
            const mv = resolved.context.modelVersion;
            const logged = await logReportToMlflow(client, report, {
              runId,
              ...(mv?.name !== undefined &&
                mv.version !== undefined && {
                  modelVersion: { name: mv.name, version: mv.version },
                }),
              checks: checks.map((c) => checkInfo(c.meta)),
            });
            io.stderr.write(`report logged to MLflow: ${logged.reportUri}\n`);
          }
        }
      } finally {
        await resolved.dispose();
      }
    }
    return finishRun(mergeReports(reports, uris), options as NonNullable<typeof options>);
  },
});
