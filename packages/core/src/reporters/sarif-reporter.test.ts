import { execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCheckInfo, sampleReport } from '../../test/sample-report.js';
import type { Report } from '../report.js';
import { renderReport } from './reporter.js';
import { SARIF_FINGERPRINT_KEY, SARIF_NO_LOCATION_URI, sarifReporter } from './sarif-reporter.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine?: number; byteOffset?: number };
    };
    logicalLocations?: Array<{ name: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  taxa?: Array<{ id: string; index: number; toolComponent: { name: string; index: number } }>;
  suppressions?: Array<{ kind: string; status: string; justification: string }>;
  properties: { severity: string };
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': string };
}
interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: SarifRule[] } };
    taxonomies: Array<{ name: string; taxa: Array<{ id: string }> }>;
    invocations: Array<{
      executionSuccessful: boolean;
      toolExecutionNotifications?: Array<{ level: string; message: { text: string } }>;
    }>;
    results: SarifResult[];
  }>;
}

const schema = JSON.parse(
  readFileSync(new URL('../../test/testdata/sarif-2.1.0.json', import.meta.url), 'utf8'),
) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

const CWD = '/work/repo';

describe('sarifReporter', () => {
  let report: Report;
  let text: string;
  let log: SarifLog;
  beforeAll(async () => {
    report = await sampleReport();
    text = await renderReport(sarifReporter, report, { checks: sampleCheckInfo, cwd: CWD });
    log = JSON.parse(text) as SarifLog;
  });
  const run = () => log.runs[0] as SarifLog['runs'][number];

  it('validates against the SARIF 2.1.0 JSON schema', () => {
    const ok = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects a log that breaks it', () => {
    const broken = structuredClone(log) as unknown as { runs: Array<{ results: unknown[] }> };
    broken.runs[0]?.results.push({ ruleId: 'x', level: 'severe', message: {} });
    expect(validateSarif(broken)).toBe(false);
  });

  it('has a rule per check, per declared sub-rule, and per undeclared rule id', () => {
    const ids = run().tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([
      'artifact.pickle',
      'artifact.pickle/dangerous-import',
      'data.integrity',
      'deploy.manifest',
      'deploy.manifest/privileged',
      'model.loader',
      'data.drift',
      'artifact.limits',
      'data.clean',
      'artifact.pickle/unusual-opcode',
    ]);
    const sub = run().tool.driver.rules[1] as SarifRule;
    expect(sub.shortDescription.text).toBe('Dangerous import in pickle');
    expect(sub.defaultConfiguration.level).toBe('error');
    expect(sub.properties['security-severity']).toBe('9.5');
    expect(sub.properties.tags).toEqual([
      'security',
      'supply-chain',
      'AML.T0010.003',
      'AML.T0011.000',
      'ML06',
    ]);
    for (const r of run().results) expect(ids[r.ruleIndex]).toBe(r.ruleId);
  });

  it('lists each rule once when a check is given twice', async () => {
    const twice = [...sampleCheckInfo, ...sampleCheckInfo];
    const again = JSON.parse(
      await renderReport(sarifReporter, report, { checks: twice }),
    ) as SarifLog;
    const ids = again.runs[0]?.tool.driver.rules.map((r) => r.id) ?? [];
    expect(ids).toEqual(run().tool.driver.rules.map((r) => r.id));
  });

  it('maps severities to levels and security-severity scores', () => {
    const level = Object.fromEntries(run().results.map((r) => [r.properties.severity, r.level]));
    expect(level).toEqual({
      critical: 'error',
      high: 'error',
      medium: 'warning',
      low: 'note',
      info: 'note',
    });
    const score = (id: string) =>
      run().tool.driver.rules.find((r) => r.id === id)?.properties['security-severity'];
    expect(score('data.integrity')).toBe('5.5'); // most severe finding in the run: medium
    expect(score('artifact.limits')).toBe('3.0');
    expect(score('model.loader')).toBe('0.0');
    expect(score('data.clean')).toBe('8.0'); // no findings: the default severity
  });

  it('uses the report fingerprints as partial fingerprints', () => {
    const fromReport = report.results.flatMap((r) => r.findings.map((f) => f.fingerprint));
    const fromSarif = run().results.map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY]);
    expect(fromSarif).toEqual(fromReport);
    expect(new Set(fromSarif).size).toBe(fromSarif.length);
  });

  it('marks suppressed findings with an accepted external suppression', () => {
    const suppressed = run().results.filter((r) => r.suppressions !== undefined);
    expect(suppressed.map((r) => r.ruleId)).toEqual(['deploy.manifest/privileged']);
    expect(suppressed[0]?.suppressions).toEqual([
      expect.objectContaining({
        kind: 'external',
        status: 'accepted',
        justification: 'The sidecar needs it until the storage driver is replaced',
      }),
    ]);
  });

  it('writes locations relative to cwd, as file URLs outside it, with regions and logical parts', () => {
    const at = (ruleId: string, n = 0) =>
      run().results.filter((r) => r.ruleId === ruleId)[n]?.locations[0];
    expect(at('artifact.pickle')?.physicalLocation).toEqual({
      artifactLocation: { uri: 'models/extra%20weights%231.pkl', uriBaseId: '%SRCROOT%' },
      region: { byteOffset: 42 },
    });
    expect(at('artifact.pickle/unusual-opcode')?.physicalLocation.artifactLocation).toEqual({
      uri: 'file:///opt/shared/models/base.pkl',
    });
    const member = at('artifact.pickle/dangerous-import');
    expect(member?.physicalLocation.region).toBeUndefined(); // the offset is inside the member
    expect(member?.logicalLocations?.[0]).toMatchObject({
      name: 'archive/data.pkl',
      kind: 'archiveMember',
    });
    const manifest = at('deploy.manifest');
    expect(manifest?.physicalLocation.region).toEqual({ startLine: 12 });
    expect(manifest?.logicalLocations?.map((l) => l.kind)).toEqual(['resource', 'property']);
    expect(at('data.integrity')?.logicalLocations).toEqual([{ name: 'age', kind: 'column' }]);
    // A finding without a location still gets the physical location code scanning requires.
    expect(at('data.integrity', 1)?.physicalLocation.artifactLocation.uri).toBe(
      SARIF_NO_LOCATION_URI,
    );
  });

  it('references MITRE ATLAS and OWASP ML Top 10 taxa from results', () => {
    const taxonomies = run().taxonomies;
    expect(taxonomies.map((t) => t.name)).toEqual(['MITRE ATLAS', 'OWASP ML Top 10']);
    for (const result of run().results) {
      for (const ref of result.taxa ?? []) {
        expect(taxonomies[ref.toolComponent.index]?.taxa[ref.index]?.id).toBe(ref.id);
      }
    }
    const opcode = run().results.find((r) => r.ruleId === 'artifact.pickle/unusual-opcode');
    expect(opcode?.taxa?.map((t) => t.id)).toContain('AML.T0018.002');
  });

  it('reports errored and incomplete checks as tool execution notifications', () => {
    const invocation = run().invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    const notes = (invocation?.toolExecutionNotifications ?? []).map(
      (n) => `${n.level} ${n.message.text}`,
    );
    expect(notes).toEqual([
      expect.stringMatching(/^error Check model\.loader failed: cannot parse header/),
      'note Check data.drift was skipped: needs inputs dataset, reference, which were not given',
      'warning Check artifact.limits did not finish: archive has more than 10000 members; scanned the first 10000',
    ]);
  });

  it('reports a clean run as successful', async () => {
    const clean = await sampleReport([], {});
    const cleanLog = JSON.parse(await renderReport(sarifReporter, clean, {})) as SarifLog;
    expect(validateSarif(cleanLog)).toBe(true);
    expect(cleanLog.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
    expect(cleanLog.runs[0]?.results).toEqual([]);
  });

  describe('SARIF Multitool', () => {
    const require = createRequire(import.meta.url);
    const multitool = require('@microsoft/sarif-multitool-linux') as string;
    let dir: string;
    beforeAll(() => {
      try {
        accessSync(multitool, constants.X_OK);
      } catch {
        // What the package's own postinstall does; npm skips it when install scripts are off.
        chmodSync(multitool, 0o755);
      }
      dir = mkdtempSync(join(tmpdir(), 'mlwarden-sarif-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs `Sarif.Multitool validate` with the SARIF and GitHub rule sets; returns its results. */
    function multitoolValidate(name: string, content: string) {
      const input = join(dir, `${name}.sarif`);
      const output = join(dir, `${name}.validation.sarif`);
      writeFileSync(input, content);
      execFileSync(
        multitool,
        ['validate', input, '-o', output, '--rule-kind', 'Sarif;Gh', '--log', 'ForceOverwrite'],
        { stdio: 'pipe', timeout: 60_000 },
      );
      const validation = JSON.parse(readFileSync(output, 'utf8')) as {
        runs: Array<{ results?: Array<{ ruleId: string; level?: string; message: unknown }> }>;
      };
      return validation.runs[0]?.results ?? [];
    }

    it('finds no error in the reporter output, GitHub rules included', () => {
      const results = multitoolValidate('report', text);
      expect(results.filter((r) => r.level === 'error')).toEqual([]);
    });

    it('does find errors in a log that GitHub would reject', () => {
      const broken = structuredClone(log);
      for (const r of broken.runs[0]?.results ?? []) {
        (r as Partial<SarifResult>).locations = undefined;
      }
      const errors = multitoolValidate('broken', JSON.stringify(broken)).filter(
        (r) => r.level === 'error',
      );
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.map((e) => e.ruleId)).toContain('GH1015');
    });
  });
});
