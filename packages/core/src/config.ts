import { z } from 'zod';
import type { Check } from './check.js';
import { ConfigError } from './errors/config-error.js';
import type { InputKind, Inputs } from './inputs.js';
import type { Plugin } from './plugin.js';
import type { SuppressionRule } from './policy.js';
import type { CheckSettings } from './run-checks.js';
import { type FailOn, SEVERITIES, type Severity } from './severity.js';

/** A check's entry in `checks`: `false`/`'off'` disables it; an object tunes it. */
export type CheckConfig = boolean | 'off' | 'on' | CheckSettings;

export interface OutputConfig {
  /** Reporter name: console, json, sarif, junit, markdown, or one a plugin adds. */
  format: string;
  /** File to write; standard output when absent. */
  path?: string;
}

/** The configuration file's shape (`mlwarden.config.{ts,mjs,js,json,yaml}`). */
export interface MlwardenConfig {
  /** Plugin objects, or module specifiers resolved from the config file's folder. */
  plugins?: Array<Plugin | string>;
  /** Paths or URIs (resolved by adapters), or ready input objects. */
  inputs?: { [K in InputKind]?: string | Inputs[K] };
  checks?: Record<string, CheckConfig>;
  policy?: {
    failOn?: FailOn;
    /** Path of a baseline file, relative to the config file. */
    baseline?: string;
    suppressions?: SuppressionRule[];
  };
  outputs?: OutputConfig[];
  concurrency?: number;
  /** Default per-check timeout, milliseconds. */
  timeoutMs?: number;
  seed?: number;
}

/** Identity helper that type-checks a configuration. */
export function defineConfig(config: MlwardenConfig): MlwardenConfig {
  return config;
}

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]]);

const checkSettings = z.strictObject({
  enabled: z.boolean().optional(),
  severity: severity.optional(),
  options: z.unknown().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const isObject = (v: unknown) => typeof v === 'object' && v !== null;

const inputValue = z.union([z.string().min(1), z.custom<object>(isObject)]).optional();
const inputShape: Record<InputKind, typeof inputValue> = {
  dataset: inputValue,
  reference: inputValue,
  model: inputValue,
  artifacts: inputValue,
  deployments: inputValue,
  validationResults: inputValue,
  run: inputValue,
};

const configSchema = z.strictObject({
  plugins: z
    .array(
      z.union([
        z.string().min(1),
        z.custom<Plugin>((v) => isObject(v) && typeof (v as Plugin).name === 'string', {
          message: 'a plugin is an object with a name (use definePlugin) or a module specifier',
        }),
      ]),
    )
    .optional(),
  inputs: z.strictObject(inputShape).optional(),
  checks: z
    .record(z.string(), z.union([z.boolean(), z.literal('off'), z.literal('on'), checkSettings]))
    .optional(),
  policy: z
    .strictObject({
      failOn: z.enum(['critical', 'high', 'medium', 'low', 'info', 'never']).optional(),
      baseline: z.string().min(1).optional(),
      suppressions: z
        .array(
          z.strictObject({
            checkId: z.string().optional(),
            ruleId: z.string().optional(),
            fingerprint: z.string().optional(),
            path: z.string().optional(),
            reason: z.string().min(1, 'say why the finding is acceptable'),
            expires: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date YYYY-MM-DD')
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  outputs: z
    .array(z.strictObject({ format: z.string().min(1), path: z.string().min(1).optional() }))
    .optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  timeoutMs: z.number().int().positive().optional(),
  seed: z.number().int().min(0).optional(),
});

function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/**
 * A union's "Invalid input" says nothing; report the issues of the alternative that got furthest
 * (the one whose issues have the longest path) instead.
 */
function flattenIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
    const depth = (branch: readonly z.core.$ZodIssue[]) =>
      Math.max(...branch.map((i) => i.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    return depth(best) > 0 ? flattenIssues(best, path) : [{ ...issue, path }];
  });
}

/**
 * Validates a configuration value and returns it typed. Throws a ConfigError whose message names
 * every bad key (`policy.failOn`, `checks.data.drift.severity`, …) and the allowed values.
 */
export function validateConfig(value: unknown, source: string): MlwardenConfig {
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return parsed.data as MlwardenConfig;
  const lines = flattenIssues(parsed.error.issues, []).map((issue) => {
    const at = keyPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const where = at ? `${at}: ` : '';
      return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${at || '(top level)'}: ${issue.message}`;
  });
  throw new ConfigError(
    `${source} is not a valid mlwarden configuration:\n  - ${lines.join('\n  - ')}`,
    {
      hint: 'see docs/configuration.md for every key and its allowed values',
    },
  );
}

/** `checks` entries normalised to CheckSettings for the runner. */
export function checkSettingsFrom(config: MlwardenConfig): Record<string, CheckSettings> {
  const out: Record<string, CheckSettings> = {};
  for (const [id, entry] of Object.entries(config.checks ?? {})) {
    if (entry === false || entry === 'off') out[id] = { enabled: false };
    else if (entry === true || entry === 'on') out[id] = { enabled: true };
    else out[id] = entry;
  }
  return out;
}

/** Every check of the given plugins, in order; throws when two share an id. */
// biome-ignore lint/suspicious/noExplicitAny: checks with different option types
export function checksOf(plugins: readonly Plugin[]): Check<any>[] {
  const seen = new Map<string, string>();
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const checks: Check<any>[] = [];
  for (const plugin of plugins) {
    for (const check of plugin.checks ?? []) {
      const owner = seen.get(check.meta.id);
      if (owner !== undefined) {
        throw new ConfigError(
          `check "${check.meta.id}" is defined by both plugin "${owner}" and plugin "${plugin.name}"`,
          { code: 'MLW_PLUGIN_INVALID', hint: 'remove one of the plugins, or rename the check' },
        );
      }
      seen.set(check.meta.id, plugin.name);
      checks.push(check);
    }
  }
  return checks;
}
