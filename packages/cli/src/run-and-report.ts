import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Check,
  type CheckSettings,
  ConfigError,
  createBaseline,
  createLogger,
  createProgressRenderer,
  type FailOn,
  type Inputs,
  type LogLevel,
  type Plugin,
  type Policy,
  parseBaseline,
  type Report,
  runChecks,
} from '@mlwarden/core';
import { checkInfos } from './catalog.js';
import { emitReport } from './emit-report.js';
import { exitCodeFor } from './exit-codes.js';
import type { GlobalOptions } from './global-options.js';
import type { CliIo } from './io.js';

export interface RunAndReportOptions {
  io: CliIo;
  globals: GlobalOptions;
  // biome-ignore lint/suspicious/noExplicitAny: checks with different option types
  checks: readonly Check<any>[];
  plugins: readonly Plugin[];
  inputs: Inputs;
  settings?: Record<string, CheckSettings>;
  /** `baseline` is a file path, relative to the working directory. */
  policy?: Omit<Policy, 'baseline'> & { baseline?: string };
  /** Folder that configured output paths are relative to. */
  configDir?: string;
  seed?: number;
  concurrency?: number;
  timeoutMs?: number;
  writeBaseline?: string;
  configOutputs?: ReadonlyArray<{ format: string; path?: string }>;
  signal?: AbortSignal;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Logger to standard error (level from MLWARDEN_LOG_LEVEL, default warn), credentials redacted. */
export function cliLogger(
  io: CliIo,
  write: (line: string) => void = (line) => io.stderr.write(`${line}\n`),
) {
  const wanted = io.env.MLWARDEN_LOG_LEVEL as LogLevel | undefined;
  return createLogger({
    level: wanted !== undefined && LEVELS.includes(wanted) ? wanted : 'warn',
    write,
  });
}

function readBaseline(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`baseline file ${path} cannot be read`, {
      code: 'MLW_CONFIG_NOT_FOUND',
      cause,
      hint: 'create it with `mlwarden run --write-baseline <file>`, or fix the path',
    });
  }
  try {
    return parseBaseline(JSON.parse(text), path);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(`baseline file ${path} is not JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Runs the checks under the options' policy; progress goes to standard error on a terminal. */
export async function executeRun(options: RunAndReportOptions): Promise<Report> {
  const { io, globals } = options;
  const failOn: FailOn = globals.failOn ?? options.policy?.failOn ?? 'high';
  const baselinePath = options.policy?.baseline;
  const policy: Policy = {
    failOn,
    ...(options.policy?.suppressions !== undefined && {
      suppressions: options.policy.suppressions,
    }),
    ...(baselinePath !== undefined && {
      baseline: readBaseline(resolve(io.cwd, baselinePath)),
    }),
  };
  const progress = createProgressRenderer({
    stream: io.stderr,
    isTTY: io.stderr.isTTY === true,
    env: io.env,
    quiet: globals.quiet,
    checks: options.checks.length,
  });
  try {
    return await runChecks({
      checks: options.checks,
      inputs: options.inputs,
      ...(options.settings !== undefined && { settings: options.settings }),
      policy,
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.signal !== undefined && { signal: options.signal }),
      log: cliLogger(io, (line) => progress.print(`${line}\n`)),
      hooks: progress,
    });
  } finally {
    progress.finish();
  }
}

/** Prints and writes the report, writes a baseline if asked, and returns the exit code. */
export async function finishRun(report: Report, options: RunAndReportOptions): Promise<number> {
  const { io, globals } = options;
  await emitReport(report, {
    io,
    globals,
    checks: checkInfos(options.checks),
    plugins: options.plugins,
    ...(options.configOutputs !== undefined && { configOutputs: options.configOutputs }),
    ...(options.configDir !== undefined && { configDir: options.configDir }),
  });
  if (options.writeBaseline !== undefined) {
    const path = resolve(io.cwd, options.writeBaseline);
    writeFileSync(path, `${JSON.stringify(createBaseline(report), null, 2)}\n`);
    if (!globals.quiet) io.stderr.write(`baseline written to ${path}\n`);
  }
  for (const notice of report.notices ?? []) io.stderr.write(`notice: ${notice}\n`);
  return exitCodeFor(report.summary.verdict);
}

/** Runs checks, prints and writes the report, and returns the exit code for its verdict. */
export async function runAndReport(options: RunAndReportOptions): Promise<number> {
  return finishRun(await executeRun(options), options);
}
