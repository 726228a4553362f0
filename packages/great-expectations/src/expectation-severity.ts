import { isSeverity, type Severity, severityRank } from '@mlwarden/core';
import { expectationFamily, FAMILY_SEVERITY } from './expectation-family.js';
import type { GxExpectationFailure } from './gx-types.js';

/** Where a finding's severity came from, in the order they are applied (later wins). */
export type SeveritySource = 'family' | 'gx-severity' | 'option' | 'meta';

export interface SeverityChoice {
  severity: Severity;
  source: SeveritySource;
}

/** Severity words accepted in an expectation's meta besides mlwarden's own five. */
const META_ALIASES: Readonly<Record<string, Severity>> = {
  error: 'high',
  warning: 'medium',
  warn: 'medium',
};

function metaSeverity(meta: GxExpectationFailure['meta']): Severity | undefined {
  const own = meta.mlwarden;
  const candidates = [
    typeof own === 'object' && own !== null && !Array.isArray(own) ? own.severity : undefined,
    meta.mlwarden_severity,
    meta.severity,
  ];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const word = candidate.toLowerCase();
    if (isSeverity(word)) return word;
    const alias = META_ALIASES[word];
    if (alias) return alias;
  }
  return undefined;
}

/**
 * Severity of a failed expectation:
 * 1. the family default (`FAMILY_SEVERITY`);
 * 2. GX 1.x's own `severity` field: `warning` caps it at `medium`, `info` makes it `info`
 *    (`critical` is GX's default and changes nothing);
 * 3. `severities[type]` from the check options;
 * 4. the expectation's meta — `meta.mlwarden.severity`, `meta.mlwarden_severity` or
 *    `meta.severity` (mlwarden severities, or `error`/`warning`) — unless `useMeta` is false.
 */
export function expectationSeverity(
  failure: Pick<GxExpectationFailure, 'type' | 'meta' | 'gxSeverity'>,
  options: { severities?: Readonly<Record<string, Severity>>; useMeta?: boolean } = {},
): SeverityChoice {
  let choice: SeverityChoice = {
    severity: FAMILY_SEVERITY[expectationFamily(failure.type)],
    source: 'family',
  };
  const gx = failure.gxSeverity?.toLowerCase();
  if (gx === 'info') choice = { severity: 'info', source: 'gx-severity' };
  else if (gx === 'warning' && severityRank(choice.severity) > severityRank('medium')) {
    choice = { severity: 'medium', source: 'gx-severity' };
  }
  const configured = options.severities?.[failure.type];
  if (configured !== undefined) choice = { severity: configured, source: 'option' };
  if (options.useMeta !== false) {
    const fromMeta = metaSeverity(failure.meta);
    if (fromMeta !== undefined) choice = { severity: fromMeta, source: 'meta' };
  }
  return choice;
}
