import type { Taxonomy } from '@mlwarden/core';
import { expectationFamily } from './expectation-family.js';
import type { GxExpectationFailure, GxSuiteRun } from './gx-types.js';

export type TamperingPattern =
  | 'distribution-shift'
  | 'distribution-drift'
  | 'row-count-jump'
  | 'row-count-drop'
  | 'new-categories';

export interface PatternTag {
  pattern: TamperingPattern;
  taxonomy: Taxonomy;
  /** One sentence for the finding message. */
  note: string;
}

/** Poisoning: injected or altered training data. */
const POISONING: Taxonomy = { atlas: ['AML.T0020'], owasp: ['ML02'] };
/** Drift: the data the model sees no longer matches what it was trained on. */
const DRIFT: Taxonomy = { owasp: ['ML08'] };
/** Erosion: data removed or degraded. */
const EROSION: Taxonomy = { atlas: ['AML.T0059'] };

export const PATTERN_TAXONOMY = {
  poisoning: POISONING,
  drift: DRIFT,
  erosion: EROSION,
  shift: { atlas: ['AML.T0020', 'AML.T0059'], owasp: ['ML02', 'ML08'] } satisfies Taxonomy,
} as const;

export interface PatternOptions {
  /** Distribution expectations failing together in one run that count as a shift. */
  distributionShiftMin: number;
  /** Observed row count beyond a bound by at least this factor is a jump (or drop). */
  rowCountJumpRatio: number;
}

function boundsOf(failure: GxExpectationFailure): { min?: number; max?: number } {
  const { kwargs } = failure;
  if (failure.type === 'expect_table_row_count_to_equal' && typeof kwargs.value === 'number') {
    return { min: kwargs.value, max: kwargs.value };
  }
  return {
    ...(typeof kwargs.min_value === 'number' && { min: kwargs.min_value }),
    ...(typeof kwargs.max_value === 'number' && { max: kwargs.max_value }),
  };
}

function rowCountTag(failure: GxExpectationFailure, ratio: number): PatternTag | undefined {
  const observed = failure.observedValue;
  if (typeof observed !== 'number') return undefined;
  const { min, max } = boundsOf(failure);
  if (max !== undefined && observed > max && (max === 0 ? observed > 0 : observed / max >= ratio)) {
    return {
      pattern: 'row-count-jump',
      taxonomy: POISONING,
      note: `the row count jumped to ${observed}, ${max === 0 ? 'from none' : `${(observed / max).toFixed(2)}× the allowed maximum`}; injected rows are a way to poison training data`,
    };
  }
  if (min !== undefined && observed < min && (observed === 0 || min / observed >= ratio)) {
    return {
      pattern: 'row-count-drop',
      taxonomy: EROSION,
      note: `the row count dropped to ${observed}, ${observed === 0 ? 'nothing' : `${(min / observed).toFixed(2)}× below the allowed minimum`}; removed rows erode the dataset`,
    };
  }
  return undefined;
}

/**
 * Tags failures whose pattern looks like tampering: distribution expectations failing together
 * (a shift: poisoning or drift), a single failing distribution expectation (drift), row counts
 * far outside their bounds (injection or removal), and values outside a category set (new
 * categories, e.g. injected labels). Returns tags by failure index and the shift, if any.
 */
export function tamperingPatterns(
  run: GxSuiteRun,
  options: PatternOptions,
): {
  tags: Map<number, PatternTag>;
  shift?: { failures: GxExpectationFailure[]; columns: string[] };
} {
  const tags = new Map<number, PatternTag>();
  const distribution = run.failures.filter(
    (f) => f.exception === undefined && expectationFamily(f.type) === 'distribution',
  );
  const shifted = distribution.length >= options.distributionShiftMin;
  for (const failure of run.failures) {
    if (failure.exception !== undefined) continue;
    const family = expectationFamily(failure.type);
    if (family === 'distribution') {
      tags.set(
        failure.index,
        shifted
          ? {
              pattern: 'distribution-shift',
              taxonomy: PATTERN_TAXONOMY.shift,
              note: `${distribution.length} distribution expectations failed together, which poisoning or a drifted source produces`,
            }
          : {
              pattern: 'distribution-drift',
              taxonomy: DRIFT,
              note: 'the column distribution drifted',
            },
      );
    } else if (family === 'row-count') {
      const tag = rowCountTag(failure, options.rowCountJumpRatio);
      if (tag) tags.set(failure.index, tag);
    } else if (
      family === 'categories' &&
      failure.type !== 'expect_column_distinct_values_to_contain_set'
    ) {
      tags.set(failure.index, {
        pattern: 'new-categories',
        taxonomy: POISONING,
        note: 'values outside the allowed categories appeared, as injected labels or poisoned features do',
      });
    }
  }
  if (!shifted) return { tags };
  const columns = [
    ...new Set(distribution.flatMap((f) => (f.column ? [f.column] : (f.columns ?? [])))),
  ].sort();
  return { tags, shift: { failures: distribution, columns } };
}
