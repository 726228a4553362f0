import { type CheckInfo, checkInfo, checksOf, type Plugin } from '@mlwarden/core';
import { builtinPlugins } from './builtin-plugins.js';
import { type LoadedConfig, loadConfig } from './load-config.js';

export interface Catalog {
  loaded: LoadedConfig | undefined;
  /** Configured plugins first, then the built-in ones. */
  plugins: Plugin[];
  checks: ReturnType<typeof checksOf>;
}

/** The configuration (if any) and every plugin and check available to a command. */
export async function loadCatalog(cwd: string, configPath?: string): Promise<Catalog> {
  const loaded = await loadConfig(cwd, configPath);
  const plugins = [...(loaded?.plugins ?? []), ...(await builtinPlugins())];
  return { loaded, plugins, checks: checksOf(plugins) };
}

/** What reporters need to know of each check. */
export function checkInfos(checks: readonly Catalog['checks'][number][]): CheckInfo[] {
  return checks.map((c) => checkInfo(c.meta));
}
