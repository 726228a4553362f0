import { resolve } from 'node:path';
import { ConfigError, checkSettingsFrom, UsageError } from '@mlwarden/core';
import { loadCatalog } from '../catalog.js';
import { defineCommand } from '../command.js';
import { CONFIG_NAMES } from '../load-config.js';
import { inputFlags, resolveInputs } from '../resolve-inputs.js';
import { cliLogger, runAndReport } from '../run-and-report.js';

function integer(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${flag} "${String(value)}" must be a whole number of at least ${min}`);
  }
  return n;
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'run the checks a configuration file enables',
  usage: 'mlwarden run [--config file] [--input kind=uri]... [options]',
  help: `Options:
  -i, --input <kind=uri>      an input, overriding the config's (repeatable), e.g.
                              --input dataset=data/train.csv
      --seed <n>              seed for every randomised check (default: config, else 1)
      --baseline <file>       accept the findings listed in this baseline file
      --write-baseline <file> write the run's findings as a baseline file
      --concurrency <n>       checks run at once (default 4)
      --timeout <ms>          default per-check timeout

Examples:
  mlwarden run
  mlwarden run --config ci/mlwarden.config.yaml --fail-on medium -o sarif=mlwarden.sarif`,
  options: {
    input: { type: 'string', multiple: true, short: 'i' },
    seed: { type: 'string' },
    baseline: { type: 'string' },
    'write-baseline': { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run({ io, globals, values, positionals }) {
    if (positionals.length > 0) {
      throw new UsageError(`run takes no arguments, got "${positionals.join(' ')}"`, {
        hint: 'name inputs with --input kind=uri or in the configuration file',
      });
    }
    const catalog = await loadCatalog(io.cwd, globals.config);
    if (catalog.loaded === undefined) {
      throw new ConfigError(`no configuration file in ${io.cwd}`, {
        code: 'MLW_CONFIG_NOT_FOUND',
        hint: `create one of ${CONFIG_NAMES.join(', ')} (see docs/configuration.md), or pass --config <file>`,
      });
    }
    const { config, dir } = catalog.loaded;
    const controller = new AbortController();
    const inputs = await resolveInputs(
      { ...config.inputs, ...inputFlags((values.input as string[] | undefined) ?? []) },
      catalog.plugins,
      { cwd: dir, signal: controller.signal, log: cliLogger(io) },
    );
    const seed = integer(values.seed, '--seed', 0) ?? config.seed;
    const concurrency = integer(values.concurrency, '--concurrency', 1) ?? config.concurrency;
    const timeoutMs = integer(values.timeout, '--timeout', 1) ?? config.timeoutMs;
    const baseline =
      typeof values.baseline === 'string'
        ? resolve(io.cwd, values.baseline)
        : config.policy?.baseline !== undefined
          ? resolve(dir, config.policy.baseline)
          : undefined;
    return runAndReport({
      io,
      globals,
      checks: catalog.checks,
      plugins: catalog.plugins,
      inputs,
      settings: checkSettingsFrom(config),
      policy: {
        ...config.policy,
        ...(baseline !== undefined && { baseline }),
      },
      configDir: dir,
      ...(seed !== undefined && { seed }),
      ...(concurrency !== undefined && { concurrency }),
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(typeof values['write-baseline'] === 'string' && {
        writeBaseline: values['write-baseline'],
      }),
      ...(config.outputs !== undefined && { configOutputs: config.outputs }),
      signal: controller.signal,
    });
  },
});
