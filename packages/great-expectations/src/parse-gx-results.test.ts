import { InputError } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { fixtureJson, GENERATIONS, plantedSecrets, readFixture } from './_test-fixtures.js';
import type { GxSuiteRun } from './gx-types.js';
import { parseGxResults } from './parse-gx-results.js';

type Doc = Record<string, unknown> & {
  results: Record<string, unknown>[];
  meta: Record<string, unknown>;
};

const parse = (value: unknown, file = 'doc.json') =>
  parseGxResults(JSON.stringify(value), { file });

function expectCountsMatch(run: GxSuiteRun) {
  expect(run.statistics).not.toBeNull();
  expect(run.counted.evaluated).toBe(run.statistics?.evaluatedExpectations);
  expect(run.counted.unsuccessful).toBe(run.statistics?.unsuccessfulExpectations);
  expect(run.failures).toHaveLength(run.counted.unsuccessful);
}

describe('parseGxResults on real GX output', () => {
  it('reads a GX 0.18 checkpoint result: run_results keyed by identifier, nested validation_result', () => {
    const runs = parseGxResults(readFixture('gx018', 'checkpoint-result.json'), {
      file: 'cp.json',
    });
    expect(runs.map((r) => [r.member, r.suiteName, r.shape, r.generation])).toEqual([
      [
        'ValidationResultIdentifier::trips/nightly/20240503T020000.000000Z/fixtures-trips',
        'trips',
        'checkpoint-result',
        '0.x',
      ],
      [
        'ValidationResultIdentifier::shop/orders/nightly/20240503T020000.000000Z/fixtures-orders',
        'shop.orders',
        'checkpoint-result',
        '0.x',
      ],
    ]);
    for (const run of runs) {
      expectCountsMatch(run);
      expect(run).toMatchObject({
        gxVersion: '0.18.22',
        runName: 'nightly',
        checkpointName: 'nightly_cp',
      });
    }
    expect(runs[0]?.counted.exceptions).toBe(1);
  });

  it('reads a GX 1.x checkpoint result: run_results values are the suite results themselves', () => {
    const runs = parseGxResults(readFixture('gx1', 'checkpoint-result.json'), { file: 'cp.json' });
    expect(runs.map((r) => [r.suiteName, r.shape, r.generation, r.gxVersion])).toEqual([
      ['trips', 'checkpoint-result', '1.x', '1.24.1'],
      ['shop.orders', 'checkpoint-result', '1.x', '1.24.1'],
    ]);
    for (const run of runs) expectCountsMatch(run);
    const tip = runs[0]?.failures.find((f) => f.column === 'tip');
    expect(tip?.exception?.message).toMatch(/column "tip" .* does not exist/);
    expect(tip?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tip?.gxSeverity).toBe('critical');
  });

  it('reads the lossy 1.x describe output, which names no suite and hides exceptions', () => {
    const runs = parseGxResults(readFixture('gx1', 'checkpoint-describe.json'), {
      file: 'describe.json',
    });
    expect(runs.map((r) => [r.member, r.suiteName, r.shape])).toEqual([
      ['validation_results[0]', undefined, 'checkpoint-describe'],
      ['validation_results[1]', undefined, 'checkpoint-describe'],
    ]);
    for (const run of runs) expectCountsMatch(run);
    expect(runs[0]?.counted.exceptions).toBe(0);
  });

  for (const generation of GENERATIONS) {
    it(`${generation}: COMPLETE results give masked samples and row indexes; BOOLEAN_ONLY gives none`, () => {
      const [complete] = parseGxResults(readFixture(generation, 'validation-result-complete.json'));
      const [booleanOnly] = parseGxResults(
        readFixture(generation, 'validation-result-boolean-only.json'),
      );
      if (!complete || !booleanOnly) throw new Error('no runs');
      expectCountsMatch(complete);
      expectCountsMatch(booleanOnly);
      expect(complete.shape).toBe('validation-result');
      const email = complete.failures.find((f) => f.column === 'email');
      expect(email).toMatchObject({
        type: 'expect_column_values_to_match_regex',
        unexpectedCount: 2,
        elementCount: 820,
        unexpectedRows: [30, 31],
        unexpectedSample: [
          { value: '<string len=18 shape=a.a@a.a>', count: 1 },
          { value: '<string len=25 shape=a.a@a.a.a>', count: 1 },
        ],
      });
      const fare = complete.failures.find(
        (f) => f.type === 'expect_column_values_to_be_between' && f.column === 'fare',
      );
      expect(fare?.unexpectedSample.map((s) => s.value).sort()).toEqual([
        '<number above max_value>',
        '<number below min_value>',
      ]);
      for (const failure of booleanOnly.failures) expect(failure.unexpectedSample).toEqual([]);
    });

    it(`${generation}: no planted raw value survives parsing`, () => {
      const text = JSON.stringify(
        ['checkpoint-result.json', 'validation-result-complete.json'].flatMap((f) =>
          parseGxResults(readFixture(generation, f)),
        ),
      );
      for (const secret of plantedSecrets()) expect(text).not.toContain(secret);
    });
  }

  it('keeps category values the suite names and masks new ones', () => {
    const [run] = parseGxResults(readFixture('gx018', 'validation-result-complete.json'));
    const distinct = run?.failures.find(
      (f) => f.type === 'expect_column_distinct_values_to_be_in_set',
    );
    expect(distinct?.observedValue).toEqual(['card', 'cash', '<string len=6 shape=a>', 'voucher']);
  });
});

describe('version detection', () => {
  const v018 = () => fixtureJson<Doc>('gx018', 'validation-result-complete.json');
  const v1 = () => fixtureJson<Doc>('gx1', 'validation-result-complete.json');

  it('uses meta.great_expectations_version when present', () => {
    expect(parse(v018())[0]?.generation).toBe('0.x');
    expect(parse(v1())[0]?.generation).toBe('1.x');
  });

  it('falls back to the field names of each generation', () => {
    const a = v018();
    delete a.meta.great_expectations_version;
    expect(parse(a)[0]?.generation).toBe('0.x');
    const b = v1();
    delete b.meta.great_expectations_version;
    expect(parse(b)[0]?.generation).toBe('1.x');
    const c = v1();
    delete c.meta.great_expectations_version;
    delete c.suite_name;
    delete c.suite_parameters;
    expect(parse(c)[0]?.generation).toBe('1.x');
    const d = v018();
    delete d.meta.great_expectations_version;
    delete d.evaluation_parameters;
    expect(parse(d)[0]?.generation).toBe('0.x');
  });
});

describe('bad input', () => {
  const v1 = () => fixtureJson<Doc>('gx1', 'validation-result-complete.json');

  it('names the fields it looked for when the shape is unknown', () => {
    expect(() => parse({})).toThrow(/unknown GX result format.*found an empty object/);
    expect(() => parse({ foo: 1, bar: [] })).toThrow(
      /none of `results`.*`run_results`.*found `foo`, `bar`/,
    );
    expect(() => parse([1, 2])).toThrow(/is a JSON array, not an object/);
    expect(() => parseGxResults('', { file: 'empty.json' })).toThrow(
      /empty\.json: the document is empty/,
    );
  });

  it('recognises an expectation suite and says it is not results', () => {
    for (const generation of GENERATIONS) {
      expect(() =>
        parseGxResults(readFixture(generation, 'project/gx/expectations/trips.json')),
      ).toThrow(/is an expectation suite, not validation results/);
    }
  });

  it('names the field of an expectation result that did not match', () => {
    const noType = v1();
    const config = noType.results[2]?.expectation_config as Record<string, unknown>;
    delete config.type;
    expect(() => parse(noType)).toThrow(/results\[2\]\.expectation_config\.type is missing/);
    const noSuccess = v1();
    delete noSuccess.results[0]?.success;
    expect(() => parse(noSuccess)).toThrow(/results\[0\]\.success is missing/);
    const notList = v1() as Record<string, unknown>;
    notList.results = { a: 1 };
    expect(() => parse(notList)).toThrow(/results is a object; GX writes a list/);
    const badStats = v1() as Record<string, unknown>;
    badStats.statistics = {
      evaluated_expectations: 18,
      successful_expectations: 5,
      unsuccessful_expectations: '13',
    };
    expect(() => parse(badStats)).toThrow(/statistics\.unsuccessful_expectations is "13"/);
    const badCheckpoint = {
      run_id: {},
      run_results: { 'ValidationResultIdentifier::x': { validation_result: { foo: 1 } } },
    };
    expect(() => parse(badCheckpoint)).toThrow(
      /run_results\["ValidationResultIdentifier::x"\]\.validation_result has no `results` list \(found `foo`\)/,
    );
  });

  it('says a truncated file is truncated, wherever it was cut', () => {
    const text = readFixture('gx018', 'checkpoint-result.json');
    for (const fraction of [0.001, 0.1, 0.33, 0.5, 0.77, 0.99]) {
      const cut = text.slice(0, Math.floor(text.length * fraction));
      expect(() => parseGxResults(cut, { file: 'cut.json' })).toThrow(InputError);
      expect(() => parseGxResults(cut, { file: 'cut.json' })).toThrow(
        /cut\.json: the JSON ends early at byte \d+ .*truncated/,
      );
    }
  });

  it('handles observed values of every JSON type, masking strings the suite does not name', () => {
    const doc = v1();
    const template = doc.results.find(
      (r) => (r.expectation_config as { type: string }).type === 'expect_column_mean_to_be_between',
    );
    // [observed_value GX wrote, what the reader keeps]
    const cases: [unknown, unknown][] = [
      [42, 42],
      [-1.5e-7, -1.5e-7],
      [2 ** 60, 2 ** 60],
      [0, 0],
      [true, true],
      [false, false],
      [null, null],
      ['john.doe@gmail.com', '<string len=18 shape=a.a@a.a>'],
      ['', '<string len=0 shape=>'],
      [
        [1, 'secret-value', null, [true]],
        [1, '<string len=12 shape=a-a>', null, [true]],
      ],
      [
        { quantiles: [0.5], values: ['x'], nested: { deep: { deeper: { deepest: { x: 'y' } } } } },
        {
          quantiles: [0.5],
          values: ['<string len=1 shape=a>'],
          nested: { deep: { deeper: { deepest: '<object keys=1>' } } },
        },
      ],
      [[], []],
      [{}, {}],
    ];
    doc.results = cases.map(([observed]) => ({
      ...template,
      result: { observed_value: observed },
    })) as Doc['results'];
    doc.statistics = {
      evaluated_expectations: cases.length,
      successful_expectations: 0,
      unsuccessful_expectations: cases.length,
      success_percent: 0,
    };
    const [run] = parse(doc);
    expect(run?.failures.map((f) => f.observedValue)).toEqual(cases.map(([, kept]) => kept));
    for (const failure of run?.failures ?? []) expect(failure.hasObservedValue).toBe(true);
  });

  it('reads exception_info keyed by metric id and masks quoted data in its message', () => {
    const doc = fixtureJson<Doc>('gx018', 'validation-result-complete.json');
    const keyed = doc.results.find((r) => !('raised_exception' in (r.exception_info as object)));
    expect(keyed).toBeDefined();
    const info = keyed?.exception_info as Record<string, Record<string, unknown>>;
    const first = Object.values(info)[0] as Record<string, unknown>;
    first.exception_message = `could not convert string to float: 'john.doe@gmail.com' in column "tip"`;
    const [run] = parse(doc);
    const failure = run?.failures.find((f) => f.exception !== undefined);
    expect(failure?.exception?.message).toBe(
      'could not convert string to float: <string len=18 shape=a.a@a.a> in column "tip"',
    );
  });
});

describe('large elements and files', () => {
  it('walks elements too large to parse whole and gets the same result as parsing them whole', () => {
    const doc = fixtureJson<Doc>('gx1', 'validation-result-complete.json');
    const padded = structuredClone(doc);
    for (const r of padded.results) r.rendered_content = ['x'.repeat(300_000)];
    const plain = parse(doc)[0];
    const walked = parse(padded)[0];
    expect(walked).toEqual(plain);
  });

  it('keeps a bounded sample of a very long unexpected_list', () => {
    const doc = fixtureJson<Doc>('gx1', 'validation-result-complete.json');
    const email = doc.results.find(
      (r) => (r.expectation_config as { kwargs: { column?: string } }).kwargs.column === 'email',
    );
    const result = email?.result as Record<string, unknown>;
    const many = Array.from({ length: 200_000 }, (_, i) => `person${i}@mail.example`);
    result.unexpected_list = many;
    result.partial_unexpected_list = many.slice(0, 20);
    delete result.partial_unexpected_counts;
    const failure = parse(doc)[0]?.failures.find((f) => f.column === 'email');
    // The sample groups the first 200 listed values by their masked form.
    expect(failure?.unexpectedSample).toEqual([
      { value: '<string len=22 shape=a9@a.a>', count: 100 },
      { value: '<string len=21 shape=a9@a.a>', count: 90 },
      { value: '<string len=20 shape=a9@a.a>', count: 10 },
    ]);
    expect(failure?.sampleTruncated).toBe(true);
  });
});
