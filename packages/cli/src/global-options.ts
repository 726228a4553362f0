import type { ParseArgsConfig } from 'node:util';
import { type FailOn, isSeverity, UsageError } from '@mlwarden/core';

/** Flags every command accepts. */
export const globalOptionSpec = {
  format: { type: 'string', multiple: true, short: 'f' },
  output: { type: 'string', multiple: true, short: 'o' },
  'fail-on': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'no-color': { type: 'boolean' },
  color: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_HELP = `Global options:
  -f, --format <name>       report format on standard output (repeatable):
                            console, json, sarif, junit, markdown, html
  -o, --output <fmt=path>   also write a report file (repeatable), e.g. -o sarif=out.sarif
      --fail-on <severity>  lowest severity that fails the run: critical, high (default),
                            medium, low, info, or never
  -c, --config <file>       configuration file (default: mlwarden.config.* in this folder)
  -q, --quiet               no console report on standard output
      --no-color            no colour, even on a terminal (also NO_COLOR=1)
  -h, --help                help for the command`;

export interface GlobalOptions {
  formats: string[];
  outputs: Array<{ format: string; path: string }>;
  failOn?: FailOn;
  quiet: boolean;
  color?: boolean;
  config?: string;
}

export function readGlobalOptions(values: Record<string, unknown>): GlobalOptions {
  const outputs = ((values.output as string[] | undefined) ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      throw new UsageError(`--output "${spec}" is not of the form <format>=<path>`, {
        hint: 'for example: --output sarif=mlwarden.sarif',
      });
    }
    return { format: spec.slice(0, eq), path: spec.slice(eq + 1) };
  });
  const failOn = values['fail-on'] as string | undefined;
  if (failOn !== undefined && failOn !== 'never' && !isSeverity(failOn)) {
    throw new UsageError(`--fail-on "${failOn}" is not a severity`, {
      hint: 'use one of critical, high, medium, low, info, never',
    });
  }
  return {
    formats: (values.format as string[] | undefined) ?? [],
    outputs,
    ...(failOn !== undefined && { failOn: failOn as FailOn }),
    quiet: values.quiet === true,
    ...(values['no-color'] === true
      ? { color: false }
      : values.color === true
        ? { color: true }
        : {}),
    ...(typeof values.config === 'string' && { config: values.config }),
  };
}
