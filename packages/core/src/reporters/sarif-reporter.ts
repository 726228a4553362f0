import type { Finding, Location } from '../finding.js';
import { type Severity, severityRank } from '../severity.js';
import { describeTaxonomyId, mergeTaxonomy, type Taxonomy } from '../taxonomy.js';
import { artifactLocation, directoryUrl, SRCROOT } from './_artifact-location.js';
import { checkDocsUrl, TOOL_INFORMATION_URI } from './_links.js';
import { formatLocation, statusDetail } from './_report-text.js';
import type { CheckInfo, Reporter } from './reporter.js';

/** SARIF 2.1.0 schema URI written to `$schema`. */
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/**
 * How severities map to SARIF: the result `level`, and the `security-severity` score GitHub code
 * scanning reads from rule properties (over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9
 * low, 0.0 none).
 */
export const SARIF_SEVERITY: Readonly<
  Record<Severity, { level: 'error' | 'warning' | 'note'; securitySeverity: string }>
> = {
  critical: { level: 'error', securitySeverity: '9.5' },
  high: { level: 'error', securitySeverity: '8.0' },
  medium: { level: 'warning', securitySeverity: '5.5' },
  low: { level: 'note', securitySeverity: '3.0' },
  info: { level: 'note', securitySeverity: '0.0' },
};

/** Artifact URI given to findings that have no location: code scanning needs one per result. */
export const SARIF_NO_LOCATION_URI = 'no-file-location';

/** `partialFingerprints` key that carries the finding fingerprint. */
export const SARIF_FINGERPRINT_KEY = 'mlwarden/v1';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };
type JsonObject = { [key: string]: Json | undefined };

interface TaxonomyComponent {
  name: string;
  key: keyof Taxonomy;
  meta: JsonObject;
}

const TAXONOMIES: readonly TaxonomyComponent[] = [
  {
    name: 'MITRE ATLAS',
    key: 'atlas',
    meta: {
      organization: 'MITRE',
      informationUri: 'https://atlas.mitre.org/',
      shortDescription: {
        text: 'Adversarial Threat Landscape for Artificial-Intelligence Systems: tactics and techniques of attacks on AI systems.',
      },
      isComprehensive: false,
    },
  },
  {
    name: 'OWASP ML Top 10',
    key: 'owasp',
    meta: {
      organization: 'OWASP',
      version: '2023',
      informationUri: 'https://owasp.org/www-project-machine-learning-security-top-10/',
      shortDescription: { text: 'OWASP Machine Learning Security Top Ten (2023).' },
      isComprehensive: false,
    },
  },
];

interface RuleDraft {
  id: string;
  title: string;
  description: string;
  remediation?: string;
  category: string;
  severity: Severity;
  taxonomy: Taxonomy;
  helpUri: string;
  /** Most severe unsuppressed finding of this rule in the report. */
  observed?: Severity;
  /** Made up from the report because no check declared it. */
  synthesized?: boolean;
}

function maxSeverity(a: Severity | undefined, b: Severity): Severity {
  return a === undefined || severityRank(b) > severityRank(a) ? b : a;
}

function taxonomyLines(taxonomy: Taxonomy, markdown: boolean): string[] {
  return [...(taxonomy.atlas ?? []), ...(taxonomy.owasp ?? [])].map((id) => {
    const t = describeTaxonomyId(id);
    return markdown ? `- [${t.id}: ${t.name}](${t.url})` : `- ${t.id}: ${t.name} (${t.url})`;
  });
}

function ruleHelp(rule: RuleDraft): { text: string; markdown: string } {
  const text = [rule.description];
  const markdown = [rule.description];
  if (rule.remediation !== undefined) {
    text.push(`Remediation: ${rule.remediation}`);
    markdown.push(`**Remediation:** ${rule.remediation}`);
  }
  const taxa = taxonomyLines(rule.taxonomy, false);
  if (taxa.length > 0) {
    text.push(`Threats:\n${taxa.join('\n')}`);
    markdown.push(`**Threats:**\n\n${taxonomyLines(rule.taxonomy, true).join('\n')}`);
  }
  text.push(`Documentation: ${rule.helpUri}`);
  markdown.push(`[Documentation](${rule.helpUri})`);
  return { text: text.join('\n\n'), markdown: markdown.join('\n\n') };
}

function declaredRules(checks: readonly CheckInfo[]): RuleDraft[] {
  const rules: RuleDraft[] = [];
  for (const check of checks) {
    const helpUri = checkDocsUrl(check);
    rules.push({
      id: check.id,
      title: check.title,
      description: check.description,
      category: check.category,
      severity: check.defaultSeverity,
      taxonomy: check.taxonomy,
      helpUri,
    });
    for (const [name, rule] of Object.entries(check.rules ?? {})) {
      rules.push({
        id: `${check.id}/${name}`,
        title: rule.title,
        description:
          rule.description ?? `${rule.title}. Reported by ${check.title}: ${check.description}`,
        ...(rule.remediation !== undefined && { remediation: rule.remediation }),
        category: check.category,
        severity: rule.severity ?? check.defaultSeverity,
        taxonomy: check.taxonomy,
        helpUri,
      });
    }
  }
  return rules;
}

/** Logical locations for the parts of a location that are not a file position. */
function logicalLocations(location: Location): JsonObject[] {
  const logical: JsonObject[] = [];
  if (location.member !== undefined) {
    const inMember: JsonObject = {};
    if (location.line !== undefined) inMember.line = location.line;
    if (location.offset !== undefined) inMember.byteOffset = location.offset;
    logical.push({
      name: location.member,
      fullyQualifiedName: `${location.uri}!${location.member}`,
      kind: 'archiveMember',
      ...(Object.keys(inMember).length > 0 && { properties: inMember }),
    });
  }
  if (location.resource !== undefined) {
    logical.push({ name: location.resource, kind: 'resource' });
  }
  if (location.field !== undefined) {
    logical.push({
      name: location.field,
      ...(location.resource !== undefined && {
        fullyQualifiedName: `${location.resource}/${location.field}`,
      }),
      kind: 'property',
    });
  }
  if (location.column !== undefined) logical.push({ name: location.column, kind: 'column' });
  return logical;
}

function sarifLocation(finding: Finding, cwd: string | undefined): JsonObject {
  const location = finding.location;
  if (location === undefined) {
    return {
      physicalLocation: { artifactLocation: { uri: SARIF_NO_LOCATION_URI, uriBaseId: SRCROOT } },
      logicalLocations: [{ name: finding.checkId, kind: 'module' }],
      message: { text: 'The finding has no file location; it concerns the inputs as a whole.' },
    };
  }
  const region: JsonObject = {};
  // Offsets and lines inside an archive member describe the member, not the file: they go to
  // the member's logical location instead.
  if (location.member === undefined) {
    if (location.line !== undefined) region.startLine = location.line;
    if (location.offset !== undefined) region.byteOffset = location.offset;
  }
  const logical = logicalLocations(location);
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(location.uri, cwd),
      ...(Object.keys(region).length > 0 && { region }),
    },
    ...(logical.length > 0 && { logicalLocations: logical }),
  };
}

function messageText(finding: Finding): string {
  const lines = [finding.message];
  const l = finding.location;
  if (
    l !== undefined &&
    [l.member, l.offset, l.column, l.rows, l.resource, l.field].some((v) => v !== undefined)
  ) {
    lines.push(`Location: ${formatLocation(l)}`);
  }
  if (finding.remediation !== undefined) lines.push(`Remediation: ${finding.remediation}`);
  return lines.join('\n');
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run whose driver lists a rule
 * per check and per declared sub-rule (from `options.checks`, plus rules made up for undeclared
 * rule ids), MITRE ATLAS and OWASP ML Top 10 as taxonomies, one result per finding with the
 * finding fingerprint as partial fingerprint and suppressed findings as accepted external
 * suppressions, and an invocation whose notifications name errored, incomplete and skipped checks.
 * Local paths under `options.cwd` become relative URIs.
 */
export const sarifReporter: Reporter = (report, out, options) => {
  const cwd = options.cwd;
  const checks = options.checks ?? [];
  const ruleIndex = new Map<string, number>();
  const rules: RuleDraft[] = [];
  for (const rule of declaredRules(checks)) {
    if (ruleIndex.has(rule.id)) continue;
    ruleIndex.set(rule.id, rules.length);
    rules.push(rule);
  }
  const ruleOf = (id: string): RuleDraft => rules[ruleIndex.get(id) ?? -1] as RuleDraft;

  for (const result of report.results) {
    for (const f of result.findings) {
      if (!ruleIndex.has(f.ruleId)) {
        const sub = f.ruleId.startsWith(`${result.checkId}/`)
          ? f.ruleId.slice(result.checkId.length + 1)
          : undefined;
        ruleIndex.set(f.ruleId, rules.length);
        rules.push({
          id: f.ruleId,
          title: sub !== undefined ? `${result.title}: ${sub}` : result.title,
          description: `Reported by the check ${result.checkId} (${result.title}).`,
          category: result.category,
          severity: f.severity,
          taxonomy: f.taxonomy,
          helpUri: checkDocsUrl(
            checks.find((c) => c.id === result.checkId) ?? { id: result.checkId },
          ),
          synthesized: true,
        });
      }
      const rule = ruleOf(f.ruleId);
      if (f.suppressed === undefined) rule.observed = maxSeverity(rule.observed, f.severity);
      if (rule.synthesized === true) {
        rule.severity = maxSeverity(rule.severity, f.severity);
        rule.taxonomy = mergeTaxonomy(rule.taxonomy, f.taxonomy);
      }
    }
  }

  // Taxa: every id named by a rule or a finding, sorted, per taxonomy; empty taxonomies left out.
  const used: Record<keyof Taxonomy, Set<string>> = { atlas: new Set(), owasp: new Set() };
  const collect = (t: Taxonomy) => {
    for (const id of t.atlas ?? []) used.atlas.add(id);
    for (const id of t.owasp ?? []) used.owasp.add(id);
  };
  for (const rule of rules) collect(rule.taxonomy);
  for (const result of report.results) for (const f of result.findings) collect(f.taxonomy);
  const components = TAXONOMIES.filter((c) => used[c.key].size > 0).map((c, index) => ({
    ...c,
    index,
    ids: [...used[c.key]].sort(),
  }));
  const taxonRefs = (taxonomy: Taxonomy): JsonObject[] =>
    components.flatMap((c) =>
      (taxonomy[c.key] ?? []).map((id) => ({
        id,
        index: c.ids.indexOf(id),
        toolComponent: { name: c.name, index: c.index },
      })),
    );

  const sarifRules = rules.map((rule): JsonObject => {
    const taxa = taxonRefs(rule.taxonomy);
    return {
      id: rule.id,
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.description },
      helpUri: rule.helpUri,
      help: ruleHelp(rule),
      defaultConfiguration: { level: SARIF_SEVERITY[rule.severity].level },
      properties: {
        tags: [
          'security',
          rule.category,
          ...(rule.taxonomy.atlas ?? []),
          ...(rule.taxonomy.owasp ?? []),
        ],
        'security-severity': SARIF_SEVERITY[rule.observed ?? rule.severity].securitySeverity,
        severity: rule.severity,
      },
      ...(taxa.length > 0 && {
        relationships: taxa.map((target) => ({ target, kinds: ['relevant'] })),
      }),
    };
  });

  const results: JsonObject[] = [];
  for (const result of report.results) {
    for (const f of result.findings) {
      const taxa = taxonRefs(f.taxonomy);
      const properties: JsonObject = { severity: f.severity, checkId: f.checkId };
      if (f.location?.rows !== undefined) properties.rows = f.location.rows;
      if (f.evidence !== undefined) properties.evidence = f.evidence as Json;
      results.push({
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId) ?? 0,
        level: SARIF_SEVERITY[f.severity].level,
        message: { text: messageText(f) },
        locations: [sarifLocation(f, cwd)],
        partialFingerprints: { [SARIF_FINGERPRINT_KEY]: f.fingerprint },
        ...(taxa.length > 0 && { taxa }),
        ...(f.suppressed !== undefined && {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: f.suppressed.reason,
              properties: {
                source: f.suppressed.kind,
                ...(f.suppressed.expires !== undefined && { expires: f.suppressed.expires }),
              },
            },
          ],
        }),
        properties,
      });
    }
  }

  const notifications: JsonObject[] = [];
  let successful = true;
  for (const r of report.results) {
    const associatedRule = {
      id: r.checkId,
      ...(ruleIndex.has(r.checkId) && { index: ruleIndex.get(r.checkId) }),
    };
    const reasons =
      r.status === 'error' || r.status === 'skip' ? statusDetail(r) : (r.incomplete ?? []);
    if (r.status === 'error') successful = false;
    if (r.status !== 'error' && r.status !== 'skip' && reasons.length > 0) successful = false;
    const level = r.status === 'error' ? 'error' : r.status === 'skip' ? 'note' : 'warning';
    const what =
      r.status === 'error' ? 'failed' : r.status === 'skip' ? 'was skipped' : 'did not finish';
    for (const reason of reasons) {
      notifications.push({
        level,
        message: { text: `Check ${r.checkId} ${what}: ${reason}` },
        associatedRule,
        properties: {
          checkId: r.checkId,
          status: r.status,
          ...(r.status === 'error' && r.error?.code !== undefined && { code: r.error.code }),
        },
      });
    }
  }
  const started = new Date(report.startedAt);
  const ended = Number.isNaN(started.getTime())
    ? undefined
    : new Date(started.getTime() + report.durationMs).toISOString();

  const { summary } = report;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            ...(/^\d+\.\d+\.\d+/.test(report.tool.version) && {
              semanticVersion: report.tool.version,
            }),
            informationUri: TOOL_INFORMATION_URI,
            rules: sarifRules,
            ...(components.length > 0 && {
              supportedTaxonomies: components.map((c) => ({ name: c.name, index: c.index })),
            }),
          },
        },
        ...(components.length > 0 && {
          taxonomies: components.map((c) => ({
            name: c.name,
            ...c.meta,
            taxa: c.ids.map((id) => {
              const t = describeTaxonomyId(id);
              return { id, name: t.name, shortDescription: { text: t.name }, helpUri: t.url };
            }),
          })),
        }),
        invocations: [
          {
            executionSuccessful: successful,
            startTimeUtc: report.startedAt,
            ...(ended !== undefined && { endTimeUtc: ended }),
            ...(notifications.length > 0 && { toolExecutionNotifications: notifications }),
            ...(report.notices !== undefined &&
              report.notices.length > 0 && {
                toolConfigurationNotifications: report.notices.map((text) => ({
                  level: 'warning',
                  message: { text },
                })),
              }),
            properties: {
              verdict: summary.verdict,
              failOn: report.policy.failOn,
              seed: report.seed,
              checks: {
                total: summary.checks,
                passed: summary.passed,
                failed: summary.failed,
                errored: summary.errored,
                skipped: summary.skipped,
                incomplete: summary.incomplete,
              },
              findings: { ...summary.findings },
              suppressed: summary.suppressed,
            },
          },
        ],
        ...(cwd !== undefined && {
          originalUriBaseIds: { [SRCROOT]: { uri: directoryUrl(cwd) } },
        }),
        results,
        properties: { reportSchema: report.schema },
      },
    ],
  };
  out.write(`${JSON.stringify(log, null, 2)}\n`);
};
