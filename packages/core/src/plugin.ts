import { CATEGORIES, type Category, type Check } from './check.js';
import { INPUT_KINDS, type InputKind, type Inputs, isInputKind } from './inputs.js';
import type { Logger } from './logger.js';
import type { Reporter } from './reporters/reporter.js';
import { isSeverity, SEVERITIES } from './severity.js';
import { type Taxonomy, taxonomyProblems } from './taxonomy.js';

/** Turns a path or URI (`models:/fraud/3`, `./data.parquet`, …) into typed inputs. */
export interface Adapter {
  name: string;
  canResolve(uri: string, kind: InputKind): boolean;
  resolve(
    uri: string,
    context: { kind: InputKind; signal: AbortSignal; log: Logger; cwd: string },
  ): Promise<Partial<Inputs>>;
}

export interface Plugin {
  name: string;
  version: string;
  // biome-ignore lint/suspicious/noExplicitAny: a plugin holds checks with different option types
  checks?: readonly Check<any>[];
  adapters?: readonly Adapter[];
  reporters?: Readonly<Record<string, Reporter>>;
}

/** Identity helper for type inference. */
export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}

const CHECK_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * Problems with a plugin object loaded from user code, as messages naming the field; empty when
 * it is valid. Catches the mistakes a type checker would, for plugins written in JavaScript.
 */
export function pluginProblems(plugin: unknown): string[] {
  if (typeof plugin !== 'object' || plugin === null) return ['a plugin must be an object'];
  const p = plugin as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.name !== 'string' || p.name === '') problems.push('name must be a non-empty string');
  if (typeof p.version !== 'string') problems.push('version must be a string');
  if (p.checks !== undefined && !Array.isArray(p.checks)) problems.push('checks must be an array');
  (Array.isArray(p.checks) ? p.checks : []).forEach((check: unknown, i) => {
    const at = `checks[${i}]`;
    const c = check as { meta?: Record<string, unknown>; run?: unknown } | null;
    if (typeof c !== 'object' || c === null || typeof c.meta !== 'object' || c.meta === null) {
      problems.push(`${at} must be { meta, run } (use defineCheck)`);
      return;
    }
    const m = c.meta;
    const id = typeof m.id === 'string' ? m.id : undefined;
    const where = id ? `${at} (${id})` : at;
    if (id === undefined || !CHECK_ID.test(id)) {
      problems.push(`${where}.meta.id must be dotted lower-case words, e.g. "data.drift"`);
    }
    if (typeof c.run !== 'function') problems.push(`${where}.run must be a function`);
    for (const key of ['title', 'description'] as const) {
      if (typeof m[key] !== 'string' || m[key] === '')
        problems.push(`${where}.meta.${key} must be a non-empty string`);
    }
    if (!CATEGORIES.includes(m.category as Category)) {
      problems.push(`${where}.meta.category must be one of ${CATEGORIES.join(', ')}`);
    }
    if (!isSeverity(m.defaultSeverity)) {
      problems.push(`${where}.meta.defaultSeverity must be one of ${SEVERITIES.join(', ')}`);
    }
    if (!Array.isArray(m.requires) || !m.requires.every(isInputKind)) {
      problems.push(`${where}.meta.requires must list input kinds: ${INPUT_KINDS.join(', ')}`);
    }
    if (typeof (m.options as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
      problems.push(`${where}.meta.options must be a zod schema, e.g. z.object({})`);
    }
    if (typeof m.taxonomy !== 'object' || m.taxonomy === null) {
      problems.push(`${where}.meta.taxonomy must be an object, e.g. { owasp: ['ML02'] }`);
    } else {
      for (const problem of taxonomyProblems(m.taxonomy as Taxonomy))
        problems.push(`${where}.meta.taxonomy: ${problem}`);
    }
  });
  return problems;
}
