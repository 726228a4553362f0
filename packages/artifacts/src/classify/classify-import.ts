import type { Severity } from '@mlwarden/core';
import {
  ALLOW,
  ALLOW_SKLEARN,
  type DangerCategory,
  DENY,
  type DenyRule,
  MODULE_ALIASES,
  NAME_ALIASES,
} from './_import-rules.js';

export type { DangerCategory } from './_import-rules.js';

export type ImportVerdict =
  /** Exactly one of the allowed classes/functions of ordinary ML models. */
  | 'allowed'
  /** On the deny list: execution, import trampolines, loaders, network, file system, tampering. */
  | 'dangerous'
  /** Rebuilds code from bytecode (cloudpickle, dill, `types.CodeType`): its own class. */
  | 'embedded-code'
  /** Neither allowed nor known-dangerous. */
  | 'unlisted';

export interface ImportClassification {
  verdict: ImportVerdict;
  /** Undefined when allowed. */
  severity: Severity | undefined;
  category?: DangerCategory;
  /** The normalised dotted path that was judged, e.g. `os.system`. */
  path: string;
  /** The deny or allow key that matched. */
  matched?: string;
  reason: string;
}

export interface ClassifyOptions {
  /** Unlisted imports become high instead of medium. */
  strict?: boolean;
  /** Extra exact `module.name` paths to allow (after normalisation). */
  allow?: ReadonlySet<string>;
}

/** Replaces a known alias at the head of a dotted path (`posix.system` → `os.system`). */
export function normalisePath(path: string): string {
  const exact = NAME_ALIASES[path];
  if (exact !== undefined) return exact;
  const parts = path.split('.');
  for (let n = Math.min(parts.length, 2); n >= 1; n--) {
    const head = parts.slice(0, n).join('.');
    const alias = MODULE_ALIASES[head];
    if (alias !== undefined) return [alias, ...parts.slice(n)].join('.');
  }
  return path;
}

/** The most severe deny rule matching `path` or any of its dotted prefixes. */
function denyMatch(path: string): { key: string; rule: DenyRule } | undefined {
  let best: { key: string; rule: DenyRule } | undefined;
  let end = path.length;
  for (;;) {
    const key = path.slice(0, end);
    const rule = DENY.get(key);
    if (rule !== undefined && (best === undefined || rank(rule) > rank(best.rule))) {
      best = { key, rule };
    }
    end = path.lastIndexOf('.', end - 1);
    if (end <= 0) break;
  }
  return best;
}

function rank(rule: DenyRule): number {
  const base = { critical: 40, high: 30, medium: 20, low: 10, info: 0 }[rule.severity];
  // Prefer a specific category over embedded-code at the same severity.
  return base + (rule.category === 'embedded-code' ? 0 : 1);
}

const SAFE_DUNDERS = new Set(['__init__', '__new__', '__setstate__', '__reduce__', '__call__']);

/**
 * Classifies an import the way CPython's unpickler would resolve it: `module` is imported, then
 * the dotted `name` is walked attribute by attribute. Allow-list first: only exact allowed paths
 * are clean; every path the walk reaches is checked against the deny list, including attribute
 * chains through harmless modules (`pathlib` + `os.system`); anything else is at least medium.
 */
export function classifyImport(
  module: string,
  name: string,
  options: ClassifyOptions = {},
): ImportClassification {
  const rawPath = name === '' ? module : `${module}.${name}`;
  const path = normalisePath(normalisePath(module) + (name === '' ? '' : `.${name}`));
  if (ALLOW.has(path) || ALLOW_SKLEARN.has(path) || options.allow?.has(path)) {
    return { verdict: 'allowed', severity: undefined, path, matched: path, reason: 'allow-listed' };
  }
  // Every object the walk reaches, and every attribute re-rooted as if it were a module
  // (`shutil` + `os.system` reaches the `os` module through an attribute).
  const candidates = new Set<string>([path, normalisePath(rawPath)]);
  const parts = name.split('.');
  if (parts.length > 1) {
    for (let i = 0; i < parts.length; i++) {
      candidates.add(normalisePath(parts.slice(i).join('.')));
      candidates.add(normalisePath(parts.slice(0, i + 1).join('.')));
    }
  }
  let best: { key: string; rule: DenyRule } | undefined;
  for (const candidate of candidates) {
    const hit = denyMatch(candidate);
    if (hit !== undefined && (best === undefined || rank(hit.rule) > rank(best.rule))) best = hit;
  }
  if (best !== undefined) {
    const embedded = best.rule.category === 'embedded-code';
    return {
      verdict: embedded ? 'embedded-code' : 'dangerous',
      severity: best.rule.severity,
      category: best.rule.category,
      path,
      matched: best.key,
      reason: best.rule.why,
    };
  }
  const dunder = parts.find((p) => p.startsWith('__') && p.endsWith('__') && !SAFE_DUNDERS.has(p));
  if (dunder !== undefined && parts.length > 1) {
    return {
      verdict: 'dangerous',
      severity: 'high',
      category: 'import-trampoline',
      path,
      matched: dunder,
      reason: `walks the special attribute ${dunder}, which reaches interpreter internals`,
    };
  }
  return {
    verdict: 'unlisted',
    severity: options.strict ? 'high' : 'medium',
    path,
    reason:
      'not on the allow-list of ordinary model classes; loading the file imports and may run it',
  };
}
