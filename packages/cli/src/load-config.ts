import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigError,
  type MlwardenConfig,
  type Plugin,
  pluginProblems,
  validateConfig,
} from '@mlwarden/core';
import { parse as parseYaml } from 'yaml';

export const CONFIG_NAMES = [
  'mlwarden.config.ts',
  'mlwarden.config.mts',
  'mlwarden.config.mjs',
  'mlwarden.config.js',
  'mlwarden.config.json',
  'mlwarden.config.yaml',
  'mlwarden.config.yml',
] as const;

export interface LoadedConfig {
  config: MlwardenConfig;
  /** The file it came from. */
  path: string;
  /** Folder that relative paths in it are resolved from. */
  dir: string;
  /** Plugins named by the config, loaded. */
  plugins: Plugin[];
}

/** `mlwarden.config.*` in `cwd`, or undefined. */
export function findConfig(cwd: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    const candidate = resolve(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const isTypeScript = (path: string) => ['.ts', '.mts', '.cts'].includes(extname(path));

/** Imports a JavaScript or TypeScript module (configuration and plugins are the only user code loaded). */
async function importModule(path: string): Promise<Record<string, unknown>> {
  if (isTypeScript(path)) {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { moduleCache: false });
    return (await jiti.import(path)) as Record<string, unknown>;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

async function readConfigValue(path: string): Promise<unknown> {
  const ext = extname(path);
  try {
    if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
      const text = readFileSync(path, 'utf8');
      return ext === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    }
    const mod = await importModule(path);
    const value = mod.default ?? mod.config;
    return typeof value === 'function' ? await (value as () => unknown)() : value;
  } catch (cause) {
    throw new ConfigError(`could not load ${path}: ${(cause as Error).message}`, {
      code: 'MLW_CONFIG_LOAD_FAILED',
      cause,
      hint: 'fix the syntax error above; a config module must `export default defineConfig({...})`',
    });
  }
}

async function loadPlugin(spec: string, dir: string, configPath: string): Promise<Plugin> {
  let file: string;
  try {
    file =
      spec.startsWith('.') || isAbsolute(spec)
        ? resolve(dir, spec)
        : createRequire(resolve(dir, 'noop.js')).resolve(spec);
  } catch (cause) {
    throw new ConfigError(`plugin "${spec}" named in ${configPath} cannot be found`, {
      code: 'MLW_PLUGIN_INVALID',
      cause,
      hint: `install it (npm install ${spec}) or fix the path`,
    });
  }
  if (!existsSync(file)) {
    throw new ConfigError(`plugin "${spec}" named in ${configPath} does not exist (${file})`, {
      code: 'MLW_PLUGIN_INVALID',
    });
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (cause) {
    throw new ConfigError(`plugin "${spec}" failed to load: ${(cause as Error).message}`, {
      code: 'MLW_PLUGIN_INVALID',
      cause,
    });
  }
  return checkPlugin(mod.default ?? mod.plugin, `plugin "${spec}"`);
}

function checkPlugin(value: unknown, label: string): Plugin {
  const problems = pluginProblems(value);
  if (problems.length > 0) {
    throw new ConfigError(`${label} is not a valid plugin:\n  - ${problems.join('\n  - ')}`, {
      code: 'MLW_PLUGIN_INVALID',
      hint: 'export default definePlugin({ name, version, checks }) from @mlwarden/core',
    });
  }
  return value as Plugin;
}

/**
 * Loads and validates a configuration: `explicit` when given (it must exist), else the first
 * `mlwarden.config.*` in `cwd`; undefined when there is none.
 */
export async function loadConfig(
  cwd: string,
  explicit?: string,
): Promise<LoadedConfig | undefined> {
  let path: string | undefined;
  if (explicit !== undefined) {
    path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError(`configuration file ${explicit} not found`, {
        code: 'MLW_CONFIG_NOT_FOUND',
        hint: `check the path given to --config (looked in ${cwd})`,
      });
    }
  } else {
    path = findConfig(cwd);
    if (path === undefined) return undefined;
  }
  const config = validateConfig(await readConfigValue(path), path);
  const dir = dirname(path);
  const plugins: Plugin[] = [];
  for (const [i, entry] of (config.plugins ?? []).entries()) {
    plugins.push(
      typeof entry === 'string'
        ? await loadPlugin(entry, dir, path)
        : checkPlugin(entry, `plugins[${i}] in ${path}`),
    );
  }
  return { config, path, dir, plugins };
}
