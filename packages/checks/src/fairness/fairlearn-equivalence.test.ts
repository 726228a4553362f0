/**
 * fairness.group against Fairlearn 0.15 (pinned in python/fairlearn.requirements.txt): the same
 * Arrow file is measured here and by bench/fairness-fairlearn.py, which calls MetricFrame and
 * Fairlearn's disparity functions. Per-group metrics and every disparity must agree to 1e-12,
 * for single features and for the intersection of several (with empty combinations, groups
 * without positive labels, groups never selected and a 0/0 ratio).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetFromTable } from '@mlwarden/core';
import {
  Dictionary,
  Float64,
  Int32,
  Table,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython, venvPython } from '../../test/_python.js';
import { createRandom } from '../stats/_random.js';
import { DISPARITY_NAMES } from './group-disparities.js';
import { type GroupFairnessOptions, measureGroupFairness } from './measure-group-fairness.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '../../bench/fairness-fairlearn.py');

interface Reference {
  [key: string]: {
    groups: Record<string, Record<string, number | null>>;
    disparities: Record<string, number | null>;
  };
}

interface Case {
  name: string;
  table: Table;
  options: Omit<GroupFairnessOptions, 'bootstrap'>;
  /** Columns Fairlearn reads (0/1 labels and predictions). */
  python: { label: string; prediction?: string; score?: string; threshold?: number };
}

const pick = <T>(random: () => number, values: readonly T[], weights: readonly number[]): T => {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = random() * total;
  for (let k = 0; k < values.length; k++) {
    u -= weights[k] as number;
    if (u < 0) return values[k] as T;
  }
  return values[values.length - 1] as T;
};

const dict = (values: string[]) => vectorFromArray(values, new Dictionary(new Utf8(), new Int32()));
const ints = (values: number[]) => vectorFromArray(values, new Int32());

/** Labels and predictions with group-dependent base and selection rates. */
function outcomes(random: () => number, p: number, tpr: number, fpr: number) {
  const y = random() < p ? 1 : 0;
  const yHat = random() < (y === 1 ? tpr : fpr) ? 1 : 0;
  return [y, yHat] as const;
}

function singleFeature(): Case {
  const random = createRandom(11);
  const sex: string[] = [];
  const y: number[] = [];
  const yHat: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const s = pick(random, ['female', 'male', 'non-binary'], [48, 48, 4]);
    const [a, b] =
      s === 'female' ? outcomes(random, 0.4, 0.6, 0.1) : outcomes(random, 0.5, 0.8, 0.2);
    sex.push(s);
    y.push(a);
    yHat.push(b);
  }
  return {
    name: 'one dictionary feature',
    table: new Table({ sex: dict(sex), y: ints(y), yHat: ints(yHat) }),
    options: { sensitive: ['sex'], label: 'y', prediction: 'yHat' },
    python: { label: 'y', prediction: 'yHat' },
  };
}

/** Three features of three Arrow types; some combinations are empty or degenerate. */
function threeFeatures(): Case {
  const random = createRandom(12);
  const sex: string[] = [];
  const race: string[] = [];
  const age: number[] = [];
  const y: number[] = [];
  const yHat: number[] = [];
  for (let i = 0; i < 6000; i++) {
    const s = pick(random, ['F', 'M'], [1, 1]);
    // Race D occurs only with F: (M, D, *) combinations are empty.
    const r = pick(random, ['A', 'B', 'C', 'D'], s === 'F' ? [5, 3, 2, 1] : [5, 3, 2, 0]);
    const a = pick(random, [0, 1, 2], [3, 4, 2]);
    let pair = outcomes(random, 0.3 + 0.1 * a, s === 'F' ? 0.55 : 0.75, r === 'B' ? 0.3 : 0.1);
    // (F, C, 2) has no positive labels; (M, B, 0) is never selected.
    if (s === 'F' && r === 'C' && a === 2) pair = [0, pair[1]];
    if (s === 'M' && r === 'B' && a === 0) pair = [pair[0], 0];
    sex.push(s);
    race.push(r);
    age.push(a);
    y.push(pair[0]);
    yHat.push(pair[1]);
  }
  return {
    name: 'three features (dictionary, utf8, int32) and their intersection',
    table: new Table({
      sex: dict(sex),
      race: vectorFromArray(race, new Utf8()),
      age: ints(age),
      y: ints(y),
      yHat: ints(yHat),
    }),
    options: { sensitive: ['sex', 'race', 'age'], label: 'y', prediction: 'yHat' },
    python: { label: 'y', prediction: 'yHat' },
  };
}

/** Scores with a threshold, string outcomes on our side, and no false positive anywhere. */
function scoresAndStrings(): Case {
  const random = createRandom(13);
  const region: string[] = [];
  const plan: string[] = [];
  const score: number[] = [];
  const label: string[] = [];
  const y: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const r = pick(random, ['north', 'south', 'east'], [2, 2, 1]);
    const p = pick(random, ['basic', 'premium'], [3, 1]);
    const positive = random() < (r === 'east' ? 0.3 : 0.5);
    // Negatives always score below the threshold: every FPR is 0, so the FPR ratio is 0/0.
    const s = positive ? 0.2 + 0.8 * random() * (p === 'basic' ? 0.9 : 1) : 0.39 * random();
    region.push(r);
    plan.push(p);
    score.push(s);
    label.push(positive ? 'approved' : 'denied');
    y.push(positive ? 1 : 0);
  }
  return {
    name: 'score with threshold and string labels',
    table: new Table({
      region: dict(region),
      plan: vectorFromArray(plan, new Utf8()),
      score: vectorFromArray(score, new Float64()) as Vector,
      outcome: vectorFromArray(label, new Utf8()),
      y: ints(y),
    }),
    options: {
      sensitive: ['region', 'plan'],
      label: 'outcome',
      positiveLabel: 'approved',
      score: 'score',
      threshold: 0.4,
    },
    python: { label: 'y', score: 'score', threshold: 0.4 },
  };
}

const cases = [singleFeature(), threeFeatures(), scoresAndStrings()];
let dir = '';
const references = new Map<string, Reference>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlw-fairlearn-'));
  const python = venvPython('fairlearn');
  cases.forEach((c, k) => {
    const data = join(dir, `case-${k}.arrow`);
    const spec = join(dir, `case-${k}.json`);
    writeFileSync(data, tableToIPC(c.table, 'file'));
    writeFileSync(
      spec,
      JSON.stringify({
        label: c.python.label,
        prediction: c.python.prediction ?? null,
        score: c.python.score ?? null,
        threshold: c.python.threshold ?? 0.5,
        sensitive: c.options.sensitive,
      }),
    );
    references.set(
      c.name,
      JSON.parse(runPython(python, script, ['metrics', data, spec])) as Reference,
    );
  });
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const close = (ours: number | null, theirs: number | null) => {
  if (theirs === null) return ours === null || Number.isNaN(ours);
  return ours !== null && Math.abs(ours - theirs) <= 1e-12;
};

describe.each(cases)('Fairlearn equivalence: $name', (c) => {
  it('gives the same per-group metrics and disparities for every key', async () => {
    const reference = references.get(c.name) as Reference;
    const result = await measureGroupFairness(datasetFromTable(c.table, { source: c.name }), {
      ...c.options,
      bootstrap: 0,
    });
    const keys = result.features.map((f) => f.key);
    expect(keys).toEqual(Object.keys(reference));
    let compared = 0;
    for (const feature of result.features) {
      const theirs = reference[feature.key];
      if (theirs === undefined) throw new Error(`Fairlearn has no key ${feature.key}`);
      expect(Object.keys(feature.groups).sort()).toEqual(Object.keys(theirs.groups).sort());
      for (const [group, ours] of Object.entries(feature.groups)) {
        const expected = theirs.groups[group] as Record<string, number | null>;
        for (const [metric, value] of Object.entries(expected)) {
          // Fairlearn counts a rate with a zero denominator as 0; we report it as undefined.
          const mine = ours[metric as keyof typeof ours] as number | null;
          const ok = mine === null ? value === 0 : close(mine, value);
          expect(ok, `${feature.key} / ${group} / ${metric}: ${mine} vs ${value}`).toBe(true);
          compared++;
        }
      }
      for (const name of DISPARITY_NAMES) {
        const mine = feature.disparities[name];
        const value = theirs.disparities[name] ?? null;
        expect(close(mine, value), `${feature.key} / ${name}: ${mine} vs ${value}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(20);
  });
});

describe('the degenerate cases the data was built to contain', () => {
  it('has empty intersections, a group without positives, a never-selected group and a 0/0 ratio', () => {
    const three = references.get(cases[1]?.name as string) as Reference;
    const inter = three['sex & race & age'];
    expect(Object.keys(inter?.groups ?? {})).toHaveLength(2 * 3 * 3 + 3);
    expect(inter?.groups['F & C & 2']?.truePositiveRate).toBe(0);
    expect(inter?.groups['M & B & 0']?.selectionRate).toBe(0);
    const scores = references.get(cases[2]?.name as string) as Reference;
    expect(scores['region & plan']?.groups['east & premium']?.falsePositiveRate).toBe(0);
    expect(scores.region?.disparities.equalizedOddsRatio).not.toBeNull();
  });
});
