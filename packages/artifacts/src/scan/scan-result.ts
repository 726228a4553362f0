import type { Severity } from '@mlwarden/core';

/** Rules of the `artifact.scan` check; a finding's ruleId is `artifact.scan/<rule>`. */
export type ArtifactRule =
  | 'dangerous-import'
  | 'embedded-code'
  | 'unlisted-import'
  | 'unresolved-import'
  | 'indirect-call'
  | 'build-on-global'
  | 'malformed-pickle'
  | 'invalid-pickle'
  | 'frame-mismatch'
  | 'expansion'
  | 'protocol-mismatch'
  | 'out-of-band-buffers'
  | 'persistent-id'
  | 'torchscript-code'
  | 'legacy-torch-format'
  | 'archive-anomaly'
  | 'encrypted-member'
  | 'path-escape'
  | 'custom-object'
  | 'custom-op'
  | 'risky-op'
  | 'storage-size-mismatch'
  | 'malformed-header'
  | 'template-injection'
  | 'scan-limit'
  | 'unreadable';

export interface ArtifactFinding {
  rule: ArtifactRule;
  severity: Severity;
  message: string;
  /** Top-level file (path relative to the scanned root, or as given). */
  path: string;
  /** Member inside a container, `/`-joined for nesting: `model.zip/archive/data.pkl`. */
  member?: string;
  /** Byte offset inside the file or member (after decompression). */
  offset?: number;
  /** Imported module, for import findings. */
  module?: string;
  /** Imported name, for import findings. */
  name?: string;
  evidence: Record<string, unknown>;
  remediation: string;
}

export type FileVerdictKind = 'clean' | 'findings' | 'incomplete' | 'error';

/** One scanned file or container member. */
export interface FileVerdict {
  path: string;
  member?: string;
  /** Formats the content was recognised as, in the order they were scanned. */
  formats: string[];
  verdict: FileVerdictKind;
  maxSeverity: Severity | null;
  /** Why the verdict is `incomplete` or `error`. */
  reasons?: string[];
}

/** Everything found in one top-level file. */
export interface ScanResult {
  path: string;
  size: number;
  /** The file itself first, then every member that was scanned as something. */
  files: FileVerdict[];
  findings: ArtifactFinding[];
  verdict: FileVerdictKind;
  maxSeverity: Severity | null;
  /** Reasons the scan could not finish (limits, unsupported variants); never empty when incomplete. */
  reasons: string[];
  durationMs: number;
}
