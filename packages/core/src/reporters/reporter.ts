import type { CheckMeta } from '../check.js';
import type { Report } from '../report.js';

/** What reporters may know of a check beyond the report: its description, rules and docs. */
export type CheckInfo = Pick<
  CheckMeta,
  'id' | 'title' | 'description' | 'category' | 'defaultSeverity' | 'taxonomy' | 'rules' | 'docs'
>;

export interface ReporterOptions {
  /** Metadata of the checks in the report (SARIF rules, descriptions). */
  checks?: readonly CheckInfo[];
  /** ANSI colour (console only). */
  color?: boolean;
  /** Working directory that file locations are made relative to (SARIF). */
  cwd?: string;
}

export interface ReporterOutput {
  write(chunk: string): void;
}

/** A pure function of the report: the same report gives the same output, byte for byte. */
export type Reporter = (
  report: Report,
  out: ReporterOutput,
  options: ReporterOptions,
) => void | Promise<void>;

/** Runs a reporter and returns its output as one string. */
export async function renderReport(
  reporter: Reporter,
  report: Report,
  options: ReporterOptions = {},
): Promise<string> {
  const chunks: string[] = [];
  await reporter(report, { write: (c) => chunks.push(c) }, options);
  return chunks.join('');
}
