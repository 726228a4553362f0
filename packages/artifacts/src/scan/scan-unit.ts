import { type Severity, severityRank } from '@mlwarden/core';
import { remediationFor } from './_remediation.js';
import type { ArtifactFinding, ArtifactRule, FileVerdict, FileVerdictKind } from './scan-result.js';

/** Findings kept per unit before further ones are only counted. */
const MAX_FINDINGS_PER_UNIT = 1000;

export type UnitFinding = Omit<ArtifactFinding, 'path' | 'member' | 'remediation' | 'evidence'> & {
  remediation?: string;
  evidence?: Record<string, unknown>;
};

const VERDICT_RANK: Record<FileVerdictKind, number> = {
  clean: 0,
  findings: 1,
  incomplete: 2,
  error: 3,
};

/** One file or container member being scanned: its formats, findings and completeness. */
export class ScanUnit {
  readonly formats: string[] = [];
  readonly findings: ArtifactFinding[] = [];
  readonly reasons: string[] = [];
  readonly children: ScanUnit[] = [];
  /** What the container told about this member (e.g. PyTorch defines persistent ids). */
  readonly hints: { persistentIds?: boolean; torchscript?: boolean } = {};
  private state: 'ok' | 'incomplete' | 'error' = 'ok';
  private dropped = 0;

  constructor(
    readonly path: string,
    readonly member: string | undefined,
  ) {}

  /** A unit for a member of this one (`name` is the member's own name inside this container). */
  child(name: string): ScanUnit {
    const unit = new ScanUnit(
      this.path,
      this.member === undefined ? name : `${this.member}/${name}`,
    );
    this.children.push(unit);
    return unit;
  }

  addFormat(format: string): void {
    if (!this.formats.includes(format)) this.formats.push(format);
  }

  report(finding: UnitFinding): ArtifactFinding | undefined {
    if (this.findings.length >= MAX_FINDINGS_PER_UNIT) {
      this.dropped++;
      if (this.dropped === 1)
        this.incomplete(
          `more than ${MAX_FINDINGS_PER_UNIT} findings; the rest were counted, not kept`,
        );
      return undefined;
    }
    const full: ArtifactFinding = {
      ...finding,
      path: this.path,
      ...(this.member !== undefined && { member: this.member }),
      evidence: finding.evidence ?? {},
      remediation: finding.remediation ?? remediationFor(finding.rule),
    };
    this.findings.push(full);
    return full;
  }

  /** Part of the unit could not be analysed: it can never be clean. */
  incomplete(reason: string): void {
    if (this.state === 'ok') this.state = 'incomplete';
    if (!this.reasons.includes(reason) && this.reasons.length < 50) this.reasons.push(reason);
  }

  /** Nothing of the unit could be analysed. */
  error(reason: string): void {
    this.state = 'error';
    if (!this.reasons.includes(reason) && this.reasons.length < 50) this.reasons.push(reason);
  }

  get isIncomplete(): boolean {
    return this.state !== 'ok';
  }

  /** This unit's own verdict, ignoring members. */
  ownVerdict(): FileVerdictKind {
    if (this.state === 'error') return 'error';
    if (this.state === 'incomplete') return 'incomplete';
    return this.findings.length > 0 ? 'findings' : 'clean';
  }

  /** Verdict including every member: a member that errored makes its container incomplete. */
  verdict(): FileVerdictKind {
    let worst = this.ownVerdict();
    for (const child of this.children) {
      let v = child.verdict();
      if (v === 'error') v = 'incomplete';
      if (VERDICT_RANK[v] > VERDICT_RANK[worst]) worst = v;
    }
    return worst;
  }

  maxSeverity(): Severity | null {
    let best: Severity | null = null;
    for (const f of this.findings) {
      if (best === null || severityRank(f.severity) > severityRank(best)) best = f.severity;
    }
    for (const child of this.children) {
      const s = child.maxSeverity();
      if (s !== null && (best === null || severityRank(s) > severityRank(best))) best = s;
    }
    return best;
  }

  /** Every finding of this unit and its members. */
  allFindings(into: ArtifactFinding[] = []): ArtifactFinding[] {
    // One array for the whole tree, in the same order (the unit's own, then each member's).
    for (const f of this.findings) into.push(f);
    for (const child of this.children) child.allFindings(into);
    return into;
  }

  /** Every reason of this unit and its members, prefixed with the member. */
  allReasons(into: string[] = []): string[] {
    for (const r of this.reasons) into.push(this.member ? `${this.member}: ${r}` : r);
    for (const child of this.children) child.allReasons(into);
    return into;
  }

  /** This unit and the members worth listing (recognised, or with findings or problems). */
  verdicts(): FileVerdict[] {
    const list: FileVerdict[] = [];
    const walk = (unit: ScanUnit, top: boolean) => {
      const verdict = unit.verdict();
      const interesting =
        top ||
        verdict !== 'clean' ||
        unit.formats.some((f) => f !== 'data' && f !== 'unrecognized');
      if (interesting) {
        list.push({
          path: unit.path,
          ...(unit.member !== undefined && { member: unit.member }),
          formats: unit.formats.length > 0 ? [...unit.formats] : ['unrecognized'],
          verdict,
          maxSeverity: unit.maxSeverity(),
          ...(unit.reasons.length > 0 && { reasons: [...unit.reasons] }),
        });
      }
      for (const child of unit.children) walk(child, false);
    };
    walk(this, true);
    return list;
  }
}

/** Rules whose findings an import path keys (module and name), for stable fingerprints. */
export const IMPORT_RULES: ReadonlySet<ArtifactRule> = new Set([
  'dangerous-import',
  'embedded-code',
  'unlisted-import',
]);
