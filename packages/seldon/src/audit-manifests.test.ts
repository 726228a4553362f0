import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckTester } from '@mlwarden/core/testing';
import { describe, expect, it } from 'vitest';
import { auditManifests } from './audit-manifests.js';
import { MANIFEST_RULES } from './manifest-rules.js';
import { parseManifests } from './parse-manifests.js';
import { seldonManifestCheck } from './seldon-manifest-check.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__/manifests');
const load = (file: string) =>
  parseManifests(readFileSync(path.join(root, file), 'utf8'), file).manifests;
const rules = Object.keys(MANIFEST_RULES);

/** Lines marked `# expect` in a fixture. */
function expectedLines(file: string): number[] {
  return readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .flatMap((line, i) => (/#\s*expect\s*$/.test(line) ? [i + 1] : []));
}

describe('auditManifests', () => {
  for (const generation of ['v1', 'v2'] as const) {
    it(`finds nothing in the hardened ${generation} manifests`, () => {
      const findings = auditManifests(load(`${generation}/hardened.yaml`), { production: 'auto' });
      expect(findings.map((f) => f.message)).toEqual([]);
    });

    for (const rule of rules) {
      it(`${generation} ${rule}: the failing fixture fires at the marked line`, () => {
        const file = `${generation}/${rule}.yaml`;
        const findings = auditManifests(load(file));
        const lines = expectedLines(file);
        expect(lines.length).toBeGreaterThan(0);
        const hits = findings.filter((f) => f.rule === rule);
        expect(hits.map((f) => f.location?.line)).toEqual(expect.arrayContaining(lines));
        for (const f of hits) {
          expect(f.location).toMatchObject({
            uri: file,
            resource: expect.stringMatching(/^\w+\//),
            field: expect.stringMatching(/^spec/),
          });
          expect(f.location?.document).toEqual(expect.any(Number));
          expect(f.remediation).toBe(
            MANIFEST_RULES[rule as keyof typeof MANIFEST_RULES].remediation,
          );
        }
      });
    }
  }

  it('has a failing fixture for every rule in both generations and no stray fixture', () => {
    for (const generation of ['v1', 'v2']) {
      const files = readdirSync(path.join(root, generation)).map((f) => f.replace(/\.yaml$/, ''));
      expect(files.sort()).toEqual([...rules, 'hardened'].sort());
    }
  });

  it('points at the exact field of a finding', () => {
    const [finding] = auditManifests(load('v1/image-unpinned.yaml')).filter(
      (f) => f.rule === 'image-unpinned',
    );
    expect(finding?.location).toEqual({
      uri: 'v1/image-unpinned.yaml',
      document: 0,
      line: 24,
      resource: 'SeldonDeployment/ml-staging/iris',
      field: 'spec.predictors[0].componentSpecs[0].spec.containers[0].image',
    });
    expect(finding?.evidence).toEqual({ image: 'seldonio/mlserver:1.3.5-sklearn' });
    expect(finding?.location?.document).toBe(0);
    expect(finding?.severity).toBe('low');
  });

  it('never puts a secret value into a finding', () => {
    const findings = auditManifests([
      ...load('v1/plaintext-secret.yaml'),
      ...load('v2/plaintext-secret.yaml'),
    ]);
    const text = JSON.stringify(findings);
    expect(findings.filter((f) => f.rule === 'plaintext-secret')).toHaveLength(3);
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('treats only namespaces covered by a principal-requiring policy as authenticated', () => {
    const hardened = load('v2/hardened.yaml');
    const withoutPolicy = hardened.filter((m) => m.kind !== 'AuthorizationPolicy');
    expect(auditManifests(withoutPolicy).map((f) => f.rule)).toEqual(['explainer-without-auth']);
  });

  it('reads production from the namespace, labels or the option', () => {
    const single = load('v2/single-replica.yaml');
    expect(
      auditManifests(single, { production: 'never' }).filter((f) => f.rule === 'single-replica'),
    ).toHaveLength(0);
    const staging = load('v1/image-unpinned.yaml');
    expect(auditManifests(staging).filter((f) => f.rule === 'single-replica')).toHaveLength(0);
    expect(
      auditManifests(staging, { production: 'always' }).filter((f) => f.rule === 'single-replica'),
    ).toHaveLength(1);
  });

  it('honours trusted storage and allowed logger hosts', () => {
    expect(
      auditManifests(load('v2/model-storage-public.yaml'), {
        trustedStorage: ['gs://seldon-models/'],
      }).some((f) => f.rule === 'model-storage-public'),
    ).toBe(false);
    const logged = auditManifests(load('v1/payload-logging.yaml'), {
      allowedLoggerHosts: ['analytics-vendor.example'],
    }).filter((f) => f.rule === 'payload-logging');
    expect(logged.map((f) => f.severity)).toEqual(['low']);
  });
});

describe('seldonManifestCheck', () => {
  const tester = new CheckTester(seldonManifestCheck);
  it('reports the audit through the runner with stable rule ids and metrics', async () => {
    await tester.expect(
      { inputs: { deployments: load('v2/traffic-mirroring.yaml') } },
      {
        status: 'fail',
        findings: [
          {
            rule: 'traffic-mirroring',
            severity: 'low',
            location: { line: 12, field: 'spec.mirror' },
          },
        ],
        metrics: { resources: { Experiment: 1 }, ignoredDocuments: 0 },
      },
    );
  });
  it('passes the hardened manifests', async () => {
    await tester.expect(
      { inputs: { deployments: load('v1/hardened.yaml') } },
      { status: 'pass', findings: [] },
    );
  });
  it('rejects unknown options', async () => {
    await expect(
      tester.run({
        inputs: { deployments: load('v1/hardened.yaml') },
        options: { production: 'yes' },
      }),
    ).rejects.toThrow(/production/);
  });
});
