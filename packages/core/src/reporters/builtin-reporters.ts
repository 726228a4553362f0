import { consoleReporter } from './console-reporter.js';
import { htmlReporter } from './html-reporter.js';
import { jsonReporter } from './json-reporter.js';
import { junitReporter } from './junit-reporter.js';
import { markdownReporter } from './markdown-reporter.js';
import type { Reporter } from './reporter.js';
import { sarifReporter } from './sarif-reporter.js';

/** The reporters that ship with core, by the name used in config and on the command line. */
export const builtinReporters = {
  console: consoleReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  markdown: markdownReporter,
  html: htmlReporter,
} as const satisfies Readonly<Record<string, Reporter>>;

/** `console` | `json` | `sarif` | `junit` | `markdown` | `html`. */
export type BuiltinReporterName = keyof typeof builtinReporters;
