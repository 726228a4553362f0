import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  builtinReporters,
  type CheckInfo,
  type Plugin,
  type Report,
  type Reporter,
  renderReport,
  UsageError,
} from '@mlwarden/core';
import { closest } from './closest.js';
import type { GlobalOptions } from './global-options.js';
import type { CliIo } from './io.js';

export interface EmitOptions {
  io: CliIo;
  globals: GlobalOptions;
  checks: readonly CheckInfo[];
  plugins?: readonly Plugin[];
  /** Report files named by the configuration, with paths relative to `configDir`. */
  configOutputs?: ReadonlyArray<{ format: string; path?: string }>;
  configDir?: string;
}

function reporterTable(plugins: readonly Plugin[]): Record<string, Reporter> {
  const table: Record<string, Reporter> = { ...builtinReporters };
  for (const plugin of plugins) Object.assign(table, plugin.reporters ?? {});
  return table;
}

/** Whether the console report should be coloured: a terminal, unless NO_COLOR or --no-color. */
export function useColor(io: CliIo, globals: GlobalOptions): boolean {
  if (globals.color !== undefined) return globals.color;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Renders the report to standard output (console by default, or every --format) and to every
 * --output and configured output file. Unknown formats are a usage error raised before anything
 * is written.
 */
export async function emitReport(report: Report, options: EmitOptions): Promise<void> {
  const { io, globals } = options;
  const reporters = reporterTable(options.plugins ?? []);
  const stdoutFormats =
    globals.formats.length > 0 ? globals.formats : globals.quiet ? [] : ['console'];
  const files = [
    ...globals.outputs.map((o) => ({ format: o.format, path: resolve(io.cwd, o.path) })),
    ...(options.configOutputs ?? []).map((o) => ({
      format: o.format,
      path: o.path === undefined ? undefined : resolve(options.configDir ?? io.cwd, o.path),
    })),
  ];
  for (const format of [...stdoutFormats, ...files.map((f) => f.format)]) {
    if (reporters[format] === undefined) {
      const guess = closest(format, Object.keys(reporters));
      throw new UsageError(`unknown report format "${format}"`, {
        hint: `${guess ? `did you mean ${guess}? ` : ''}formats: ${Object.keys(reporters).join(', ')}`,
      });
    }
  }
  const base = { checks: options.checks, cwd: io.cwd };
  for (const format of stdoutFormats) {
    const color = format === 'console' && useColor(io, globals);
    io.stdout.write(await renderReport(reporters[format] as Reporter, report, { ...base, color }));
  }
  for (const file of files) {
    const text = await renderReport(reporters[file.format] as Reporter, report, {
      ...base,
      color: false,
    });
    if (file.path === undefined) io.stdout.write(text);
    else writeAtomically(file.path, text);
  }
}
