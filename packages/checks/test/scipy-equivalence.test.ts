/**
 * Drift values against SciPy: ks_2samp (statistic and p-value, method='auto'),
 * wasserstein_distance / np.std (ddof=0), chi2_contingency(correction=False), jensenshannon, and
 * PSI computed directly with numpy from its definition. Data is generated here from fixed seeds
 * and handed to Python as raw float64 files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chiSquare,
  jensenShannon,
  ksTwoSample,
  normedWasserstein,
  numericDrift,
  psi,
  wasserstein,
} from '../src/index.js';
import { createRandom } from '../src/stats/_random.js';
import { runPython, venvPython } from './_python.js';

const here = dirname(fileURLToPath(import.meta.url));

type Gen = () => number;
function normalGen(seed: number, mean = 0, sd = 1): Gen {
  const random = createRandom(seed);
  return () => {
    let u = 0;
    while (u === 0) u = random();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}
const sample = (n: number, gen: Gen) => Float64Array.from({ length: n }, gen);
const rounded =
  (gen: Gen, digits: number): Gen =>
  () =>
    Number(gen().toFixed(digits));
const lognormal =
  (gen: Gen): Gen =>
  () =>
    Math.exp(gen());

/** A sorted sample and a thinned copy of it: a tiny KS statistic at a large n. */
const durbinReference = sample(20_000, normalGen(31)).sort();

interface NumericCase {
  name: string;
  reference: Float64Array;
  current: Float64Array;
}
interface CategoricalCase {
  name: string;
  reference: number[];
  current: number[];
}

const numericCases: NumericCase[] = [
  {
    name: 'exact, equal sizes',
    reference: sample(60, normalGen(1)),
    current: sample(60, normalGen(2, 0.4)),
  },
  {
    name: 'exact, unequal sizes',
    reference: sample(80, normalGen(3)),
    current: sample(130, normalGen(4)),
  },
  {
    name: 'exact, ties',
    reference: sample(200, rounded(normalGen(5, 0, 2), 0)),
    current: sample(150, rounded(normalGen(6, 0.3, 2), 0)),
  },
  {
    name: 'exact, 3000 vs 2000',
    reference: sample(3000, normalGen(7)),
    current: sample(2000, normalGen(8, 0.05)),
  },
  {
    name: 'exact, 10000 vs 7000',
    reference: sample(10_000, normalGen(9)),
    current: sample(7000, normalGen(10)),
  },
  {
    name: 'asymptotic, n <= 140 (no drift)',
    reference: sample(10_001, normalGen(11)),
    current: sample(100, normalGen(12)),
  },
  {
    name: 'asymptotic, n <= 140 (drift)',
    reference: sample(12_000, normalGen(13)),
    current: sample(90, normalGen(14, 0.45)),
  },
  {
    name: 'asymptotic, n <= 140 (Pomeranz region)',
    reference: sample(12_000, normalGen(27)),
    current: sample(90, normalGen(28, 0.2)),
  },
  {
    name: 'asymptotic, Durbin matrix region',
    reference: durbinReference,
    current: durbinReference.filter((_, i) => i % 4 !== 0).slice(30),
  },
  {
    name: 'asymptotic, far tail',
    reference: sample(20_000, normalGen(29)),
    current: sample(15_000, normalGen(30, 0.15)),
  },
  {
    name: 'asymptotic, no drift',
    reference: sample(20_000, normalGen(15)),
    current: sample(15_000, normalGen(16)),
  },
  {
    name: 'asymptotic, drift',
    reference: sample(20_000, normalGen(17)),
    current: sample(15_000, normalGen(18, 0.06)),
  },
  {
    name: 'asymptotic, strong drift',
    reference: sample(30_000, normalGen(19)),
    current: sample(25_000, normalGen(20, 0.5)),
  },
  {
    name: 'asymptotic, ties',
    reference: sample(40_000, rounded(normalGen(21, 0, 3), 0)),
    current: sample(30_000, rounded(normalGen(22, 0.02, 3), 0)),
  },
  {
    name: 'large, lognormal with ties',
    reference: sample(160_000, rounded(lognormal(normalGen(23, 0, 1.5)), 2)),
    current: sample(130_000, rounded(lognormal(normalGen(24, 0.01, 1.5)), 2)),
  },
  {
    name: 'large, shifted normal',
    reference: sample(200_000, normalGen(25, 100, 5)),
    current: sample(150_000, normalGen(26, 100.02, 5)),
  },
];

const categoricalCases: CategoricalCase[] = [
  {
    name: 'new and vanished categories',
    reference: [30, 20, 10, 0, 5],
    current: [25, 25, 0, 8, 5],
  },
  { name: 'two categories', reference: [480, 520], current: [530, 470] },
  {
    name: 'fifty categories',
    reference: Array.from({ length: 50 }, (_, i) => (i === 49 ? 0 : Math.round(5000 / (i + 1)))),
    current: Array.from({ length: 50 }, (_, i) =>
      i === 3 ? 0 : Math.round(5000 / (i + 1) ** 1.05),
    ),
  },
  { name: 'strong drift', reference: [100_000, 50_000, 10], current: [50_000, 100_000, 2_000] },
];

let scipy: Record<string, Record<string, number>> = {};
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlw-scipy-'));
  const manifest = [
    ...numericCases.map((c, i) => {
      const reference = join(dir, `${i}-reference.f64`);
      const current = join(dir, `${i}-current.f64`);
      writeFileSync(reference, new Uint8Array(c.reference.buffer));
      writeFileSync(current, new Uint8Array(c.current.buffer));
      return { kind: 'numeric', name: c.name, reference, current };
    }),
    ...categoricalCases.map((c) => ({ kind: 'categorical', ...c })),
  ];
  const path = join(dir, 'cases.json');
  writeFileSync(path, JSON.stringify(manifest));
  scipy = JSON.parse(runPython(venvPython('scipy'), join(here, 'scipy_reference.py'), [path]));
  if (process.env.SHOW_SCIPY) console.log(JSON.stringify(scipy, null, 1));
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Relative agreement; a value SciPy gives as exactly 0 (underflow) must be ~0 here too. */
function expectClose(actual: number, expected: number | undefined, what: string, tolerance = 1e-9) {
  expect(expected, `${what}: SciPy value missing`).toBeTypeOf('number');
  const want = expected as number;
  if (want === 0) {
    expect(Math.abs(actual), what).toBeLessThan(1e-290);
    return;
  }
  const relative = Math.abs(actual - want) / Math.abs(want);
  expect(relative, `${what}: ${actual} vs SciPy ${want}`).toBeLessThanOrEqual(tolerance);
}

describe('numeric drift matches SciPy to 1e-9 relative', () => {
  for (const c of numericCases) {
    it(c.name, () => {
      const want = scipy[c.name] as Record<string, number>;
      const ks = ksTwoSample(c.reference, c.current);
      expectClose(ks.statistic, want.ks_statistic, 'KS statistic');
      expectClose(ks.pValue, want.ks_pvalue, 'KS p-value');
      expectClose(wasserstein(c.reference, c.current), want.wasserstein_distance, 'Wasserstein');
      expectClose(
        normedWasserstein(c.reference, c.current),
        want.wasserstein,
        'normed Wasserstein',
      );
      expectClose(psi(c.reference, c.current), want.psi, 'PSI');
      const settings = {
        mode: 'exact',
        ksMethod: 'auto',
        psiBins: 10,
        psiFloor: 1e-4,
        seed: 3,
      } as const;
      for (const sortBelow of [0, Number.POSITIVE_INFINITY]) {
        const engine = numericDrift(c.reference, c.current, { ...settings, sortBelow });
        const path = sortBelow === 0 ? 'binned' : 'sorted';
        expectClose(engine.ks.statistic, want.ks_statistic, `${path} KS statistic`);
        expectClose(engine.ks.pValue, want.ks_pvalue, `${path} KS p-value`);
        expectClose(engine.wasserstein, want.wasserstein, `${path} normed Wasserstein`);
        expectClose(engine.psi, want.psi, `${path} PSI`);
      }
    });
  }
});

describe('categorical drift matches SciPy to 1e-9 relative', () => {
  for (const c of categoricalCases) {
    it(c.name, () => {
      const want = scipy[c.name] as Record<string, number>;
      const chi2 = chiSquare(c.reference, c.current);
      const kept = c.reference.filter((r, i) => r + (c.current[i] as number) > 0).length;
      expect(chi2.dof).toBe(kept - 1);
      expectClose(chi2.statistic, want.chi2_statistic, 'chi-square statistic');
      expectClose(chi2.pValue, want.chi2_pvalue, 'chi-square p-value');
      expectClose(jensenShannon(c.reference, c.current), want.jensenshannon, 'Jensen-Shannon');
    });
  }
});
