import {
  type CheckInfo,
  jsonReporter,
  markdownReporter,
  type Report,
  type Reporter,
  renderReport,
  SEVERITIES,
  sarifReporter,
} from '@mlwarden/core';
import type { MlflowClient } from './client/create-mlflow-client.js';
import { MlflowError } from './client/mlflow-error.js';
import { toRecord } from './client/mlflow-types.js';

export type ReportFormat = 'json' | 'sarif' | 'markdown';

/** Tags mlwarden writes on runs and model versions. */
export const MLWARDEN_TAGS = Object.freeze({
  verdict: 'mlwarden.verdict',
  reportUri: 'mlwarden.report_uri',
});

const FILES: Record<ReportFormat, { name: string; reporter: Reporter; type: string }> = {
  json: { name: 'report.json', reporter: jsonReporter, type: 'application/json' },
  sarif: { name: 'report.sarif', reporter: sarifReporter, type: 'application/sarif+json' },
  markdown: { name: 'report.md', reporter: markdownReporter, type: 'text/markdown' },
};

export interface LogReportOptions {
  /** Run that receives the report artifacts, metrics and tags. */
  runId: string;
  /** Model version that also receives the verdict and report URI tags. */
  modelVersion?: { name: string; version: string };
  /** Report files to upload under `mlwarden/`. Default all three. */
  formats?: readonly ReportFormat[];
  /** Folder below the run's artifact root. Default `mlwarden`. */
  artifactDir?: string;
  /** Metadata of the checks in the report, for SARIF rule descriptions. */
  checks?: readonly CheckInfo[];
  signal?: AbortSignal;
}

export interface LogReportResult {
  /** `runs:/<run_id>/mlwarden/report.json` (or the first format uploaded). */
  reportUri: string;
  /** URIs of every uploaded file. */
  artifacts: string[];
  verdict: Report['summary']['verdict'];
  /** Metric name → value logged on the run. */
  metrics: Record<string, number>;
}

/**
 * Writes a report into MLflow: report files as run artifacts under `mlwarden/`, the finding
 * counts as metrics `mlwarden.findings.<severity>`, and the tags `mlwarden.verdict` and
 * `mlwarden.report_uri` on the run and on the model version.
 *
 * Order matters: an earlier `mlwarden.verdict` is removed first and the new one is written
 * last, so a failure at any step (upload, metrics, a tag) leaves no verdict rather than a stale
 * or unsupported one. The error is the client's MlflowError (or InputError for a run whose
 * artifacts the server cannot accept).
 */
export async function logReportToMlflow(
  client: MlflowClient,
  report: Report,
  options: LogReportOptions,
): Promise<LogReportResult> {
  const { runId, modelVersion, signal } = options;
  const o = signal !== undefined ? { signal } : {};
  const formats = options.formats ?? ['json', 'sarif', 'markdown'];
  const dir = (options.artifactDir ?? 'mlwarden').replace(/^\/+|\/+$/g, '');
  const verdict = report.summary.verdict;

  // 1. No stale verdict may survive a failed write.
  const run = await client.runs.get(runId, o);
  if (toRecord(run.data?.tags)[MLWARDEN_TAGS.verdict] !== undefined) {
    await client.runs.deleteTag(runId, MLWARDEN_TAGS.verdict, o);
  }
  if (modelVersion) {
    const mv = await client.registry.getModelVersion(modelVersion.name, modelVersion.version, o);
    if (toRecord(mv.tags)[MLWARDEN_TAGS.verdict] !== undefined) {
      await client.registry.deleteModelVersionTag(
        modelVersion.name,
        modelVersion.version,
        MLWARDEN_TAGS.verdict,
        o,
      );
    }
  }

  // 2. Report files.
  const artifacts: string[] = [];
  for (const format of formats) {
    const file = FILES[format];
    const content = await renderReport(file.reporter, report, {
      ...(options.checks !== undefined && { checks: options.checks }),
    });
    const { uri } = await client.artifacts.upload({
      runId,
      path: `${dir}/${file.name}`,
      content,
      contentType: file.type,
      ...o,
    });
    artifacts.push(uri);
  }
  const reportUri = artifacts[0];
  if (reportUri === undefined) {
    throw new MlflowError('MLW_MLFLOW_BAD_REQUEST', 'logReportToMlflow needs at least one format', {
      hint: 'pass formats: ["json"] or leave formats out',
    });
  }

  // 3. Metrics.
  const timestamp = Date.now();
  const metrics: Record<string, number> = {};
  for (const severity of SEVERITIES) {
    metrics[`mlwarden.findings.${severity}`] = report.summary.findings[severity];
  }
  await client.runs.logBatch({
    runId,
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step: 0 })),
    ...o,
  });

  // 4. Tags, the verdict last.
  const tag = async (key: string, value: string) => {
    await client.runs.setTag(runId, key, value, o);
    if (modelVersion) {
      await client.registry.setModelVersionTag(
        modelVersion.name,
        modelVersion.version,
        key,
        value,
        o,
      );
    }
  };
  await tag(MLWARDEN_TAGS.reportUri, reportUri);
  await tag(MLWARDEN_TAGS.verdict, verdict);
  return { reportUri, artifacts, verdict, metrics };
}
