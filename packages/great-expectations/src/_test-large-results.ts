import { readFileSync } from 'node:fs';

/**
 * A GX 1.x suite validation result with `count` expectation results, built from real results
 * GX wrote for the fixtures (one failing column-map result, one failing aggregate result and one
 * success, repeated), for tests and benchmarks of large files. Every `failEvery`-th expectation
 * fails. Returns the JSON text and GX-style statistics.
 */
export function largeValidationResult(
  count: number,
  failEvery = 5,
): { json: string; failed: number } {
  const source = JSON.parse(
    readFileSync(
      new URL('./__fixtures__/gx1/validation-result-complete.json', import.meta.url),
      'utf8',
    ),
  ) as { results: { success: boolean; result: Record<string, unknown> }[]; [k: string]: unknown };
  const failingMap = source.results.find((r) => !r.success && 'unexpected_count' in r.result);
  const failingAggregate = source.results.find((r) => !r.success && 'observed_value' in r.result);
  const passing = source.results.find((r) => r.success);
  if (!failingMap || !failingAggregate || !passing)
    throw new Error('fixture lacks the needed results');
  const parts: string[] = [];
  let failed = 0;
  for (let i = 0; i < count; i++) {
    let item: unknown = passing;
    if (i % failEvery === 0) {
      item = i % (2 * failEvery) === 0 ? failingMap : failingAggregate;
      failed++;
    }
    parts.push(JSON.stringify(item));
  }
  const { results: _results, statistics: _statistics, ...rest } = source;
  const statistics = {
    evaluated_expectations: count,
    successful_expectations: count - failed,
    unsuccessful_expectations: failed,
    success_percent: (100 * (count - failed)) / count,
  };
  const head = JSON.stringify({ ...rest, statistics });
  return { json: `{"results": [${parts.join(',\n')}], ${head.slice(1)}`, failed };
}
