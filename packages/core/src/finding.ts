import type { Severity } from './severity.js';
import type { Taxonomy } from './taxonomy.js';

/** Where a finding is: a file (and archive member, byte offset), a table column, a resource. */
export interface Location {
  /** File path or URI. */
  uri: string;
  /** Member inside an archive or container, e.g. `archive/data.pkl`. */
  member?: string;
  /** Byte offset in the file or member. */
  offset?: number;
  /** Line (from 1) in a text file. */
  line?: number;
  /** Index (from 0) of the document in a multi-document file, e.g. YAML with `---`. */
  document?: number;
  /** Table column. */
  column?: string;
  /** Row indices (or a sample of them). */
  rows?: number[];
  /** A resource inside a document, e.g. `SeldonDeployment/iris`. */
  resource?: string;
  /** Field path inside the resource, e.g. `spec.predictors[0].replicas`. */
  field?: string;
}

/** How a finding was suppressed: by config (with reason), or because the baseline already had it. */
export interface Suppression {
  kind: 'config' | 'baseline';
  reason: string;
  expires?: string;
}

export interface Finding {
  checkId: string;
  ruleId: string;
  severity: Severity;
  message: string;
  location?: Location;
  /** Supporting data. Never raw secrets or personal data: checks mask them. */
  evidence?: Record<string, unknown>;
  remediation?: string;
  taxonomy: Taxonomy;
  /** Stable across runs for the same issue in the same place; keys baselines and SARIF. */
  fingerprint: string;
  /** Set when policy suppressed it: it stays in the report but neither counts nor fails. */
  suppressed?: Suppression;
}

/** What a check passes to `report()`; the runner fills in the rest. */
export interface FindingInput {
  /** Sub-rule of the check; the finding's ruleId becomes `<checkId>/<rule>`. */
  rule?: string;
  /** Defaults to the check's `defaultSeverity`. */
  severity?: Severity;
  message: string;
  location?: Location;
  evidence?: Record<string, unknown>;
  remediation?: string;
  /** Added to the check's own taxonomy. */
  taxonomy?: Taxonomy;
  /**
   * Distinguishes findings of one rule at one location (e.g. the imported name), so their
   * fingerprints differ. Do not put counts or other values that change between runs here.
   */
  key?: string;
}
