import type { ZodType } from 'zod';
import type { FindingInput } from './finding.js';
import type { InputKind, Inputs } from './inputs.js';
import type { Logger } from './logger.js';
import type { Severity } from './severity.js';
import type { Taxonomy } from './taxonomy.js';

export type Category =
  | 'data-integrity'
  | 'privacy'
  | 'drift'
  | 'poisoning'
  | 'fairness'
  | 'robustness'
  | 'supply-chain'
  | 'deployment';

export const CATEGORIES: readonly Category[] = [
  'data-integrity',
  'privacy',
  'drift',
  'poisoning',
  'fairness',
  'robustness',
  'supply-chain',
  'deployment',
];

/** JSON value, for metrics. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A sub-rule a check reports under (`<checkId>/<rule>`), described for docs and SARIF. */
export interface RuleMeta {
  title: string;
  description?: string;
  severity?: Severity;
  remediation?: string;
}

export interface CheckMeta<O = unknown> {
  /** Dotted id, e.g. `data.drift`, `artifact.scan`. */
  id: string;
  title: string;
  /** One or two sentences: what the check detects. */
  description: string;
  category: Category;
  defaultSeverity: Severity;
  taxonomy: Taxonomy;
  /** Every one must be present, else the result is `skip` with the reason. */
  requires: readonly InputKind[];
  /** Options with their defaults; validates config and documents the options. */
  options: ZodType<O>;
  /** Sub-rules the check reports, keyed by rule name. */
  rules?: Readonly<Record<string, RuleMeta>>;
  /** Link or path to the check's documentation page. */
  docs?: string;
  /** Per-check timeout in milliseconds, overriding the runner's default. */
  timeoutMs?: number;
}

/** Inputs with the declared kinds guaranteed present. */
export type CheckInputs<R extends InputKind = InputKind> = Readonly<
  Inputs & Required<Pick<Inputs, R>>
>;

export interface CheckContext<O = unknown> {
  inputs: CheckInputs;
  options: O;
  /** Aborted on timeout or when the user cancels; long loops should check it. */
  signal: AbortSignal;
  /** Records a finding. Never throws. */
  report(finding: FindingInput): void;
  metric(name: string, value: Json): void;
  progress(done: number, total?: number, label?: string): void;
  /** A limit was hit: the result can never be `pass`. */
  incomplete(reason: string): void;
  /**
   * The inputs are present but the check does not apply to them (e.g. a live-endpoint probe given
   * a local model): the result is `skip` with this reason. Return after calling it.
   */
  skip(reason: string): void;
  log: Logger;
  /** Seed for every random choice the check makes. */
  seed: number;
}

export interface Check<O = unknown> {
  meta: CheckMeta<O>;
  run(context: CheckContext<O>): void | Promise<void>;
}

/** Identity helper that infers the options type from `meta.options`. */
export function defineCheck<O>(check: Check<O>): Check<O> {
  return check;
}
