import { ConfigError, type Inputs, type Logger, type Report, silentLogger } from '@mlwarden/core';
import type { MlflowInputContext } from './adapter/mlflow-context.js';
import { type ResolvedMlflowInputs, resolveMlflowUri } from './adapter/resolve-mlflow-uri.js';
import type { MlflowClient } from './client/create-mlflow-client.js';
import type { DownloadLimits } from './client/download-artifacts.js';
import { toRecord } from './client/mlflow-types.js';
import { type LogReportOptions, logReportToMlflow, MLWARDEN_TAGS } from './log-report-to-mlflow.js';

export interface GateModelVersionOptions {
  name: string;
  version: string;
  /** Alias to move to the version when the verdict passes, e.g. `champion`. */
  alias: string;
  /** Runs the checks on the resolved inputs (artifacts and source run) and returns the report. */
  run: (
    inputs: Pick<Inputs, 'artifacts' | 'run'>,
    context: MlflowInputContext,
  ) => Report | Promise<Report>;
  /**
   * Write the report back (artifacts, metrics and tags on the source run, tags on the version)
   * before deciding. Default true. Options are passed to logReportToMlflow.
   */
  logToMlflow?: boolean | Pick<LogReportOptions, 'formats' | 'artifactDir' | 'checks'>;
  limits?: Partial<DownloadLimits>;
  signal?: AbortSignal;
  log?: Logger;
}

export interface GateModelVersionResult {
  /** True when the alias now points at the version. */
  aliasMoved: boolean;
  verdict: Report['summary']['verdict'];
  report: Report;
  /** The version the alias pointed at before, if any. */
  previousVersion?: string;
  /** Where the report was written, when it was. */
  reportUri?: string;
}

/** Validates an alias the way the registry does, before any work is done. */
export function assertValidAlias(alias: string): void {
  const problem = !/^[\w-]+$/.test(alias)
    ? 'may only hold letters, digits, "_" and "-"'
    : alias.toLowerCase() === 'latest'
      ? 'is reserved by MLflow'
      : /^v\d+$/i.test(alias)
        ? 'looks like a version reference (v<number>), which MLflow reserves'
        : alias.length > 255
          ? 'is longer than 255 characters'
          : undefined;
  if (problem !== undefined) {
    throw new ConfigError(`alias "${alias}" ${problem}`, {
      hint: 'use a name such as champion or production',
    });
  }
}

/**
 * The promotion gate: resolves `models:/<name>/<version>`, runs the checks, writes the verdict
 * into MLflow, and sets `alias` on the version only when the verdict is `pass`. A failing,
 * erroring or incomplete verdict leaves the alias where it was. Downloaded files are deleted
 * before it returns.
 */
export async function gateModelVersion(
  client: MlflowClient,
  options: GateModelVersionOptions,
): Promise<GateModelVersionResult> {
  assertValidAlias(options.alias);
  const { name, version, alias, signal } = options;
  const o = signal !== undefined ? { signal } : {};
  const log = options.log ?? silentLogger;
  let resolved: ResolvedMlflowInputs | undefined;
  try {
    resolved = await resolveMlflowUri(client, `models:/${name}/${version}`, {
      ...(options.limits !== undefined && { limits: options.limits }),
      ...o,
      log,
    });
    const report = await options.run(resolved.inputs, resolved.context);
    const verdict = report.summary.verdict;
    const previousVersion = resolved.context.registeredModel?.aliases?.find(
      (a) => a.alias === alias,
    )?.version;

    let reportUri: string | undefined;
    if (options.logToMlflow !== false) {
      const extra = typeof options.logToMlflow === 'object' ? options.logToMlflow : {};
      const runId = resolved.context.modelVersion?.run_id;
      if (runId && resolved.context.run) {
        ({ reportUri } = await logReportToMlflow(client, report, {
          ...extra,
          runId,
          modelVersion: { name, version },
          ...o,
        }));
      } else {
        // No source run to hold the report files: the version carries the verdict alone.
        const tags = toRecord(resolved.context.modelVersion?.tags);
        if (tags[MLWARDEN_TAGS.reportUri] !== undefined) {
          await client.registry.deleteModelVersionTag(name, version, MLWARDEN_TAGS.reportUri, o);
        }
        await client.registry.setModelVersionTag(name, version, MLWARDEN_TAGS.verdict, verdict, o);
      }
    }
    const aliasMoved = verdict === 'pass';
    if (aliasMoved) await client.registry.setAlias(name, alias, version, o);
    log.info(
      aliasMoved
        ? `verdict pass: alias "${alias}" of ${name} now points at version ${version}`
        : `verdict ${verdict}: alias "${alias}" of ${name} stays ${previousVersion ? `on version ${previousVersion}` : 'unset'}`,
    );
    return {
      aliasMoved,
      verdict,
      report,
      ...(previousVersion !== undefined && { previousVersion }),
      ...(reportUri !== undefined && { reportUri }),
    };
  } finally {
    await resolved?.dispose();
  }
}
