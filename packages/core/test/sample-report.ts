import { z } from 'zod';
import { type Check, type CheckMeta, defineCheck } from '../src/check.js';
import type { Policy } from '../src/policy.js';
import type { Report } from '../src/report.js';
import { checkInfo } from '../src/reporters/check-info.js';
import type { CheckInfo } from '../src/reporters/reporter.js';
import { runChecks } from '../src/run-checks.js';

/** The clock of every sample report, so reports are reproducible. */
export const SAMPLE_NOW = new Date('2026-01-01T00:00:00Z');

/** A message crafted to break naive Markdown, HTML and terminal output. */
export const HOSTILE_MESSAGE =
  'Column header is "a|b" and holds <script>alert(1)</script> & \u001b[31mred\u001b[0m text';

const noOptions = z.object({});

function meta(partial: Omit<CheckMeta, 'options' | 'requires'> & Partial<CheckMeta>): CheckMeta {
  return { options: noOptions, requires: [], ...partial };
}

/**
 * Checks that between them produce every status (pass, fail, error, skip, incomplete), findings
 * at every severity with and without locations, sub-rules declared and undeclared, and a finding
 * that policy suppresses.
 */
export const sampleChecks: Check[] = [
  defineCheck({
    meta: meta({
      id: 'artifact.pickle',
      title: 'Pickle code execution',
      description: 'Finds pickle streams that import callables able to run code when loaded.',
      category: 'supply-chain',
      defaultSeverity: 'high',
      taxonomy: { atlas: ['AML.T0010.003', 'AML.T0011.000'], owasp: ['ML06'] },
      rules: {
        'dangerous-import': {
          title: 'Dangerous import in pickle',
          description: 'The pickle imports a callable that runs commands or code.',
          severity: 'critical',
          remediation: 'Do not load the file; re-export the model as safetensors.',
        },
      },
    }),
    run(ctx) {
      ctx.report({
        rule: 'dangerous-import',
        severity: 'critical',
        message: 'Pickle imports os.system, which runs a shell command when the file is loaded',
        location: { uri: 'models/model.zip', member: 'archive/data.pkl', offset: 120 },
        remediation: 'Do not load the file; re-export the model as safetensors.',
        key: 'os.system',
      });
      ctx.report({
        message: 'Pickle imports an unknown global builtins.getattr',
        location: { uri: 'models/extra weights#1.pkl', offset: 42 },
        key: 'builtins.getattr',
      });
      ctx.report({
        rule: 'unusual-opcode',
        severity: 'medium',
        message: 'Pickle uses the EXT1 opcode, which ordinary writers never emit',
        location: { uri: '/opt/shared/models/base.pkl', offset: 7 },
        taxonomy: { atlas: ['AML.T0018.002'] },
      });
    },
  }),
  defineCheck({
    meta: meta({
      id: 'data.integrity',
      title: 'Data integrity',
      description: 'Checks columns for impossible values and malformed records.',
      category: 'data-integrity',
      defaultSeverity: 'medium',
      taxonomy: { atlas: ['AML.T0059'], owasp: ['ML02'] },
    }),
    run(ctx) {
      ctx.report({
        message: 'Column age has 2 negative values',
        location: { uri: 'data/train.csv', column: 'age', rows: [3, 5], line: 4 },
        remediation: 'Drop or fix rows with negative ages before training.',
        key: 'age',
      });
      ctx.report({
        severity: 'low',
        message: HOSTILE_MESSAGE,
        key: 'header',
      });
      ctx.report({ severity: 'info', message: 'The dataset has 12 columns and 1000 rows' });
      ctx.metric('rows', 1000);
    },
  }),
  defineCheck({
    meta: meta({
      id: 'deploy.manifest',
      title: 'Deployment manifest',
      description: 'Audits Seldon deployment manifests for risky settings.',
      category: 'deployment',
      defaultSeverity: 'low',
      taxonomy: { atlas: ['AML.T0029'] },
      rules: { privileged: { title: 'Privileged container', severity: 'high' } },
    }),
    run(ctx) {
      ctx.report({
        message: 'Only one replica serves the model',
        location: {
          uri: 'k8s/seldon.yaml',
          line: 12,
          resource: 'SeldonDeployment/iris',
          field: 'spec.predictors[0].replicas',
        },
      });
      ctx.report({
        rule: 'privileged',
        severity: 'high',
        message: 'The model container runs privileged',
        location: {
          uri: 'k8s/seldon.yaml',
          line: 30,
          resource: 'SeldonDeployment/iris',
          field: 'spec.predictors[0].componentSpecs[0].spec.containers[0].securityContext',
        },
      });
    },
  }),
  defineCheck({
    meta: meta({
      id: 'model.loader',
      title: 'Model loader',
      description: 'Loads model metadata.',
      category: 'robustness',
      defaultSeverity: 'info',
      taxonomy: {},
    }),
    run(ctx) {
      ctx.report({ severity: 'info', message: 'Model metadata read before the failure' });
      throw new Error('cannot parse header: got \u0000\u0001 bytes, <expected> "MLW" & more');
    },
  }),
  defineCheck({
    meta: meta({
      id: 'data.drift',
      title: 'Data drift',
      description: 'Compares the dataset with a reference.',
      category: 'drift',
      defaultSeverity: 'medium',
      taxonomy: { owasp: ['ML08'] },
      requires: ['dataset', 'reference'],
    }),
    run() {
      throw new Error('never runs: its inputs are missing');
    },
  }),
  defineCheck({
    meta: meta({
      id: 'artifact.limits',
      title: 'Archive limits',
      description: 'Scans archive members within limits.',
      category: 'supply-chain',
      defaultSeverity: 'low',
      taxonomy: { atlas: ['AML.T0010'] },
    }),
    run(ctx) {
      ctx.report({
        severity: 'low',
        message: 'Archive holds a symbolic link',
        location: { uri: 'models/model.zip', member: 'archive/link' },
      });
      ctx.incomplete('archive has more than 10000 members; scanned the first 10000');
    },
  }),
  defineCheck({
    meta: meta({
      id: 'data.clean',
      title: 'Clean check',
      description: 'Always passes.',
      category: 'privacy',
      defaultSeverity: 'high',
      taxonomy: { owasp: ['ML03'] },
    }),
    run() {},
  }),
];

/** What reporters know about the sample checks. */
export const sampleCheckInfo: CheckInfo[] = sampleChecks.map((c) => checkInfo(c.meta));

export const samplePolicy: Policy = {
  failOn: 'high',
  suppressions: [
    {
      ruleId: 'deploy.manifest/privileged',
      reason: 'The sidecar needs it until the storage driver is replaced',
      expires: '2027-01-01',
    },
    { checkId: 'data.clean', reason: 'an old exception', expires: '2025-06-01' },
  ],
};

/** A report with every status; durations are zeroed so that two runs are identical. */
export async function sampleReport(
  checks: readonly Check[] = sampleChecks,
  policy: Policy = samplePolicy,
): Promise<Report> {
  const report = await runChecks({
    checks,
    policy,
    now: () => SAMPLE_NOW,
    tool: { name: 'mlwarden', version: '0.1.0' },
  });
  return {
    ...report,
    durationMs: 0,
    results: report.results.map((r) => ({ ...r, durationMs: 0 })),
  };
}
