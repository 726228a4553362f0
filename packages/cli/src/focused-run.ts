import { type Check, type CheckSettings, checkSettingsFrom, type Inputs } from '@mlwarden/core';
import type { Catalog } from './catalog.js';
import type { CommandContext } from './command.js';
import { loadConfig } from './load-config.js';
import { type RunAndReportOptions, runAndReport } from './run-and-report.js';

/** Run options for a fixed set of checks, with the config file's policy and settings for them. */
export async function focusedOptions(
  { io, globals }: CommandContext,
  // biome-ignore lint/suspicious/noExplicitAny: checks with different option types
  checks: readonly Check<any>[],
  inputs: Inputs,
  settings: Record<string, CheckSettings> = {},
  seed?: number,
  /** The catalog when the command already loaded it (it reads the config and imports plugins). */
  loadedCatalog?: Pick<Catalog, 'loaded' | 'plugins'>,
): Promise<RunAndReportOptions> {
  // A focused command gets its checks and inputs from its caller: of the plugins, only the
  // configured ones can add something (reporters), so the built-in ones are not imported.
  const catalog = loadedCatalog ?? (await configuredPlugins(io.cwd, globals.config));
  const ids = new Set(checks.map((c) => c.meta.id));
  const configured = Object.fromEntries(
    Object.entries(checkSettingsFrom(catalog.loaded?.config ?? {})).filter(([id]) => ids.has(id)),
  );
  const merged: Record<string, CheckSettings> = { ...configured };
  for (const [id, s] of Object.entries(settings)) {
    const base = merged[id];
    merged[id] = {
      ...base,
      ...s,
      options: { ...(base?.options as object | undefined), ...(s.options as object | undefined) },
    };
  }
  const policy = catalog.loaded?.config.policy;
  return {
    io,
    globals,
    checks,
    plugins: catalog.plugins,
    inputs,
    settings: merged,
    ...(policy !== undefined && { policy }),
    ...(catalog.loaded !== undefined && { configDir: catalog.loaded.dir }),
    ...((seed ?? catalog.loaded?.config.seed) !== undefined && {
      seed: seed ?? catalog.loaded?.config.seed,
    }),
  };
}

async function configuredPlugins(cwd: string, configPath: string | undefined) {
  const loaded = await loadConfig(cwd, configPath);
  return { loaded, plugins: loaded?.plugins ?? [] };
}

/**
 * Runs a fixed set of checks for a focused command (`seldon audit`, `gx import`, …). A config
 * file, when present, still contributes its policy, its settings for these checks, and its
 * plugins' reporters.
 */
export async function focusedRun(
  context: CommandContext,
  // biome-ignore lint/suspicious/noExplicitAny: checks with different option types
  checks: readonly Check<any>[],
  inputs: Inputs,
  settings: Record<string, CheckSettings> = {},
  seed?: number,
): Promise<number> {
  return runAndReport(await focusedOptions(context, checks, inputs, settings, seed));
}
