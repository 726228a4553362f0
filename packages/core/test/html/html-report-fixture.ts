import { z } from 'zod';
import { type Check, type CheckMeta, defineCheck, type Json } from '../../src/check.js';
import type { Report } from '../../src/report.js';
import { checkInfo } from '../../src/reporters/check-info.js';
import type { CheckInfo } from '../../src/reporters/reporter.js';
import { runChecks } from '../../src/run-checks.js';

/** A finding message from a hostile file: markup that closes the script, and a bidi override. */
export const SCRIPT_BREAKOUT = '</script><script>alert(1)</script>';
export const BIDI_NAME = 'invoice\u202Egpj.exe\u0007';

const noOptions = z.object({});

function meta(partial: Omit<CheckMeta, 'options' | 'requires'>): CheckMeta {
  return { options: noOptions, requires: [], ...partial };
}

/** Seeded generator so the fixture's "samples" are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Counts of roughly normal values (sum of uniforms) in equal-width bins over [lo, hi]. */
function histogram(n: number, mean: number, sd: number, edges: readonly number[], seed: number) {
  const rand = lcg(seed);
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (let i = 0; i < n; i++) {
    const z = rand() + rand() + rand() + rand() - 2;
    const v = mean + sd * z * 1.73;
    let bin = edges.findIndex((e, k) => k > 0 && v <= e) - 1;
    if (bin < 0) bin = v < (edges[0] as number) ? 0 : counts.length - 1;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

const EDGES = Array.from({ length: 13 }, (_, i) => 20 + i * 5);

/** The metrics `data.drift` records (see packages/checks/src/drift), plus per-column histograms. */
const driftCheck = defineCheck({
  meta: meta({
    id: 'data.drift',
    title: 'Data drift',
    description: 'Compares every column of the dataset with the reference.',
    category: 'drift',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0059'], owasp: ['ML08'] },
    docs: 'docs/checks/data.drift.md',
  }),
  run(ctx) {
    const numeric = (ks: number, p: number, w: number, psi: number, drifted: boolean) => ({
      kind: 'numeric',
      test: 'ks',
      drifted,
      ks: { statistic: ks, pValue: p, method: 'exact' },
      wasserstein: w,
      wassersteinDistance: w * 9.1,
      referenceStd: 9.1,
      psi,
      values: { reference: 5000, current: 4800 },
      missing: { reference: 0, current: 12 },
      mode: 'exact',
    });
    const columns: Record<string, Json> = {
      age: {
        ...numeric(0.412, 1.2e-38, 0.93, 0.87, true),
        histogram: {
          edges: EDGES,
          reference: histogram(5000, 42, 9, EDGES, 1),
          current: histogram(4800, 50, 9, EDGES, 2),
        },
      },
      income: numeric(0.021, 0.31, 0.03, 0.004, false),
      tenure_months: numeric(0.188, 3.1e-9, 0.41, 0.27, true),
      balance: numeric(0.035, 0.05, 0.06, 0.012, false),
      region: {
        kind: 'categorical',
        test: 'chi2',
        drifted: true,
        chi2: { statistic: 412.5, pValue: 1e-80, dof: 3 },
        jensenShannon: 0.21,
        categories: { reference: 4, current: 5, new: 1, vanished: 0 },
        values: { reference: 5000, current: 4800 },
        missing: { reference: 0, current: 0 },
        histogram: {
          categories: ['north', 'south', 'east', 'west', 'offshore'],
          reference: [1500, 1400, 1100, 1000, 0],
          current: [900, 1300, 1000, 1100, 500],
        },
      },
      plan: {
        kind: 'categorical',
        test: 'chi2',
        drifted: false,
        chi2: { statistic: 1.2, pValue: 0.75, dof: 2 },
        jensenShannon: 0.012,
        categories: { reference: 3, current: 3, new: 0, vanished: 0 },
        values: { reference: 5000, current: 4800 },
        missing: { reference: 0, current: 0 },
      },
    };
    ctx.metric('rows', { reference: 5000, current: 4800 });
    ctx.metric('mode', 'exact');
    for (const name of ['age', 'tenure_months', 'region']) {
      ctx.report({
        rule: 'column-drift',
        message: `column "${name}" drifted`,
        location: { uri: 'data/current.parquet', column: name },
        evidence: { test: 'ks', kind: 'numeric' },
        remediation: 'Check the upstream source of the column; retrain if the change is real.',
        key: name,
      });
    }
    ctx.report({
      rule: 'dataset-drift',
      severity: 'high',
      message: '3 of 6 columns drifted (share 0.5 ≥ 0.5)',
      location: { uri: 'data/current.parquet' },
    });
    ctx.metric('driftShare', 0.5);
    ctx.metric('datasetDrift', true);
    ctx.metric('driftedColumns', 3);
    ctx.metric('comparedColumns', 6);
    ctx.metric('columns', columns);
    ctx.metric('skippedColumns', { photo: 'type Binary is not compared' });
  },
});

/** The metrics `robustness.evasion` records (see packages/adversarial). */
const robustnessCheck = defineCheck({
  meta: meta({
    id: 'robustness.evasion',
    title: 'Evasion robustness',
    description: 'Attacks the model with small input perturbations.',
    category: 'robustness',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0015', 'AML.T0043'], owasp: ['ML01'] },
  }),
  run(ctx) {
    const clean = 0.97;
    const curve = [0.01, 0.03, 0.05, 0.1, 0.2, 0.3].map((epsilon, i) => {
      const robustAccuracy = Number((clean * Math.exp(-epsilon * 9)).toFixed(4));
      return {
        epsilon,
        robustAccuracy,
        successRate: Number((1 - robustAccuracy / clean).toFixed(4)),
        meanPerturbation: Number((epsilon * 0.8).toFixed(6)),
        queries: 2560 * (i + 1),
        samples: 256,
      };
    });
    ctx.metric('attack', 'pgd');
    ctx.metric('norm', 'inf');
    ctx.metric('samples', 256);
    ctx.metric('cleanAccuracy', clean);
    ctx.metric('curve', curve);
    ctx.metric('queries', 15360);
    ctx.report({
      rule: 'low-robust-accuracy',
      message:
        'accuracy under pgd attack (L∞, epsilon 0.1) is 0.394, below 0.7; the attack fooled 59.4% of correctly classified rows',
      location: { uri: 'models/classifier/model.json' },
      remediation: 'Harden the model (adversarial training, input preprocessing).',
    });
  },
});

/** Model extraction records one fidelity curve per strategy: drawn by the generic curve view. */
const extractionCheck = defineCheck({
  meta: meta({
    id: 'privacy.model-extraction',
    title: 'Model extraction',
    description: 'Trains a surrogate from queries and measures how closely it copies the model.',
    category: 'privacy',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0024.002'], owasp: ['ML05'] },
  }),
  run(ctx) {
    ctx.metric('curves', {
      random: [
        { queries: 100, fidelity: 0.61 },
        { queries: 1000, fidelity: 0.82 },
        { queries: 10000, fidelity: 0.93 },
      ],
      jacobian: [
        { queries: 100, fidelity: 0.7 },
        { queries: 1000, fidelity: 0.9 },
        { queries: 10000, fidelity: 0.96 },
      ],
    });
    ctx.metric('queries', 22200);
  },
});

/** Per-group metrics in both generic shapes: flat group maps and a metric-by-group table. */
const fairnessCheck = defineCheck({
  meta: meta({
    id: 'fairness.group',
    title: 'Group fairness',
    description: 'Compares selection rate and error rates across groups of a sensitive attribute.',
    category: 'fairness',
    defaultSeverity: 'medium',
    taxonomy: { owasp: ['ML08'] },
  }),
  run(ctx) {
    ctx.metric('attribute', 'sex');
    ctx.metric('selectionRate', { female: 0.31, male: 0.52, 'non-binary': 0.44 });
    ctx.metric('groups', {
      female: { truePositiveRate: 0.71, falsePositiveRate: 0.08, accuracy: 0.86 },
      male: { truePositiveRate: 0.88, falsePositiveRate: 0.12, accuracy: 0.9 },
      'non-binary': { truePositiveRate: 0.79, falsePositiveRate: 0.1, accuracy: 0.87 },
    });
    ctx.metric('groupSize', { female: 2412, male: 2531, 'non-binary': 57 });
    ctx.metric('demographicParityRatio', 0.596);
    ctx.report({
      rule: 'disparate-impact',
      message: 'selection rate of female is 0.596 times that of male, below 0.8',
      location: { uri: 'data/current.parquet', column: 'sex' },
      remediation: 'Review features correlated with sex; reweigh or post-process the model.',
    });
  },
});

/** The metrics `artifact.scan` records (see packages/artifacts), with a hostile file name. */
const artifactCheck = defineCheck({
  meta: meta({
    id: 'artifact.scan',
    title: 'Model artifact scan',
    description: 'Statically scans model files for code that runs on load.',
    category: 'supply-chain',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0010.003', 'AML.T0011.000'], owasp: ['ML06'] },
  }),
  run(ctx) {
    ctx.metric('files', [
      {
        path: 'models/model.pt',
        formats: ['zip', 'pytorch'],
        verdict: 'findings',
        maxSeverity: 'critical',
      },
      {
        path: 'models/model.pt',
        member: 'archive/data.pkl',
        formats: ['pickle'],
        verdict: 'findings',
        maxSeverity: 'critical',
      },
      {
        path: 'models/model.pt',
        member: 'archive/version',
        formats: ['text'],
        verdict: 'clean',
        maxSeverity: null,
      },
      {
        path: 'models/scaler.joblib',
        formats: ['joblib', 'pickle'],
        verdict: 'clean',
        maxSeverity: null,
      },
      {
        path: 'models/bundle.tar.gz',
        formats: ['gzip', 'tar'],
        verdict: 'incomplete',
        maxSeverity: 'low',
        reasons: ['more than 10000 members; scanned the first 10000'],
      },
      { path: `models/${BIDI_NAME}`, formats: ['unknown'], verdict: 'clean', maxSeverity: null },
    ]);
    ctx.metric('filesScanned', 4);
    ctx.metric('bytesScanned', 48_123_904);
    ctx.report({
      rule: 'dangerous-import',
      severity: 'critical',
      message: 'pickle imports posix.system, which runs a shell command when the file is loaded',
      location: { uri: 'models/model.pt', member: 'archive/data.pkl', offset: 57 },
      evidence: { module: 'posix', name: 'system' },
      remediation: 'Do not load the file; re-export the model as safetensors.',
      key: 'posix.system',
    });
    ctx.report({
      rule: 'unlisted-import',
      severity: 'medium',
      message: `pickle imports ${SCRIPT_BREAKOUT} from a module outside the allow-list`,
      location: { uri: `models/${BIDI_NAME}`, offset: 3 },
      key: 'hostile',
    });
    ctx.report({
      rule: 'archive-anomaly',
      severity: 'low',
      message: 'member archive/version has a CRC mismatch',
      location: { uri: 'models/model.pt', member: 'archive/version' },
    });
    ctx.incomplete('models/bundle.tar.gz: more than 10000 members; scanned the first 10000');
  },
});

/** A check with plain metrics (generic table), a suppressed finding and an info finding. */
const integrityCheck = defineCheck({
  meta: meta({
    id: 'data.integrity',
    title: 'Data integrity',
    description: 'Counts duplicate rows and columns that hold a single value.',
    category: 'data-integrity',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0059'], owasp: ['ML02'] },
  }),
  run(ctx) {
    ctx.metric('rows', 4800);
    ctx.metric('duplicateRows', 3);
    ctx.metric('columns', {
      age: { nulls: 0, min: 18, max: 96 },
      income: { nulls: 12, min: 0, max: 1.2e6 },
    });
    ctx.report({
      rule: 'duplicate-rows',
      severity: 'low',
      message: '3 rows are exact duplicates',
      location: { uri: 'data/current.parquet', rows: [10, 11, 4021] },
    });
    ctx.report({
      rule: 'constant-column',
      severity: 'high',
      message: 'column "country" holds one value',
      location: { uri: 'data/current.parquet', column: 'country' },
    });
    ctx.report({ severity: 'info', message: 'The dataset has 12 columns and 4800 rows' });
  },
});

const brokenCheck = defineCheck({
  meta: meta({
    id: 'deploy.endpoint',
    title: 'Endpoint probe',
    description: 'Probes the live inference endpoint.',
    category: 'deployment',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0040'] },
  }),
  run() {
    throw new Error('connection refused by <http://127.0.0.1:1/v2> & gave up');
  },
});

const skippedCheck = defineCheck({
  meta: {
    ...meta({
      id: 'privacy.membership-inference',
      title: 'Membership inference',
      description: 'Tests whether the model reveals which rows it was trained on.',
      category: 'privacy',
      defaultSeverity: 'high',
      taxonomy: { owasp: ['ML04'] },
    }),
    requires: ['model', 'reference'],
  },
  run() {},
});

/** Checks with realistic metrics of every shape the HTML reporter draws, and every status. */
export const htmlFixtureChecks: Check[] = [
  driftCheck,
  robustnessCheck,
  fairnessCheck,
  artifactCheck,
  extractionCheck,
  integrityCheck,
  brokenCheck,
  skippedCheck,
];

export const htmlFixtureInfo: CheckInfo[] = htmlFixtureChecks.map((c) => checkInfo(c.meta));

/** The fixture's report, with durations fixed so the output is reproducible. */
export async function htmlFixtureReport(): Promise<Report> {
  const report = await runChecks({
    checks: htmlFixtureChecks,
    policy: {
      failOn: 'high',
      suppressions: [
        {
          ruleId: 'data.integrity/constant-column',
          reason: 'country is constant by design in this regional model',
          expires: '2027-06-30',
        },
      ],
    },
    now: () => new Date('2026-11-26T09:30:00Z'),
    tool: { name: 'mlwarden', version: '0.1.0' },
    seed: 7,
  });
  return {
    ...report,
    durationMs: 83_412,
    results: report.results.map((r, i) => ({
      ...r,
      durationMs: r.status === 'skip' ? 0 : 850 * (i + 1),
    })),
  };
}
