import type { Severity } from '@mlwarden/core';

/** What an expectation guards; drives default severity and tampering patterns. */
export type ExpectationFamily =
  | 'schema'
  | 'row-count'
  | 'distribution'
  | 'categories'
  | 'uniqueness'
  | 'completeness'
  | 'range'
  | 'format'
  | 'other';

/** Expectation types of every family (GX core expectations of 0.18 and 1.x). */
export const EXPECTATION_FAMILIES: Readonly<
  Record<Exclude<ExpectationFamily, 'other'>, readonly string[]>
> = {
  schema: [
    'expect_column_to_exist',
    'expect_table_columns_to_match_set',
    'expect_table_columns_to_match_ordered_list',
    'expect_table_column_count_to_equal',
    'expect_table_column_count_to_be_between',
    'expect_column_values_to_be_of_type',
    'expect_column_values_to_be_in_type_list',
  ],
  'row-count': [
    'expect_table_row_count_to_be_between',
    'expect_table_row_count_to_equal',
    'expect_table_row_count_to_equal_other_table',
  ],
  distribution: [
    'expect_column_kl_divergence_to_be_less_than',
    'expect_column_mean_to_be_between',
    'expect_column_median_to_be_between',
    'expect_column_stdev_to_be_between',
    'expect_column_sum_to_be_between',
    'expect_column_quantile_values_to_be_between',
    'expect_column_proportion_of_unique_values_to_be_between',
    'expect_column_unique_value_count_to_be_between',
    'expect_column_most_common_value_to_be_in_set',
    'expect_column_chisquare_test_p_value_to_be_greater_than',
    'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
    'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
    'expect_column_pair_cramers_phi_value_to_be_less_than',
  ],
  categories: [
    'expect_column_values_to_be_in_set',
    'expect_column_values_to_not_be_in_set',
    'expect_column_distinct_values_to_be_in_set',
    'expect_column_distinct_values_to_equal_set',
    'expect_column_distinct_values_to_contain_set',
    'expect_column_pair_values_to_be_in_set',
  ],
  uniqueness: [
    'expect_column_values_to_be_unique',
    'expect_compound_columns_to_be_unique',
    'expect_select_column_values_to_be_unique_within_record',
    'expect_multicolumn_values_to_be_unique',
  ],
  completeness: [
    'expect_column_values_to_not_be_null',
    'expect_column_values_to_be_null',
    'expect_column_proportion_of_non_null_values_to_be_between',
  ],
  range: [
    'expect_column_values_to_be_between',
    'expect_column_min_to_be_between',
    'expect_column_max_to_be_between',
    'expect_column_value_lengths_to_be_between',
    'expect_column_value_lengths_to_equal',
    'expect_column_value_z_scores_to_be_less_than',
    'expect_column_values_to_be_increasing',
    'expect_column_values_to_be_decreasing',
    'expect_column_pair_values_a_to_be_greater_than_b',
    'expect_column_pair_values_to_be_equal',
    'expect_multicolumn_sum_to_equal',
  ],
  format: [
    'expect_column_values_to_match_regex',
    'expect_column_values_to_match_regex_list',
    'expect_column_values_to_not_match_regex',
    'expect_column_values_to_not_match_regex_list',
    'expect_column_values_to_match_like_pattern',
    'expect_column_values_to_match_like_pattern_list',
    'expect_column_values_to_not_match_like_pattern',
    'expect_column_values_to_not_match_like_pattern_list',
    'expect_column_values_to_match_strftime_format',
    'expect_column_values_to_be_dateutil_parseable',
    'expect_column_values_to_be_json_parseable',
    'expect_column_values_to_match_json_schema',
  ],
};

const FAMILY_OF = new Map<string, ExpectationFamily>();
for (const [family, types] of Object.entries(EXPECTATION_FAMILIES)) {
  for (const type of types) FAMILY_OF.set(type, family as ExpectationFamily);
}

export function expectationFamily(type: string): ExpectationFamily {
  return FAMILY_OF.get(type) ?? 'other';
}

/**
 * Default severity of a failed expectation by family. Schema breaks, row-count changes,
 * distribution shifts and new categories are the failures that poisoning and silent pipeline
 * breakage produce, so they are `high`; value-level quality failures are `medium`.
 */
export const FAMILY_SEVERITY: Readonly<Record<ExpectationFamily, Severity>> = {
  schema: 'high',
  'row-count': 'high',
  distribution: 'high',
  categories: 'high',
  uniqueness: 'medium',
  completeness: 'medium',
  range: 'medium',
  format: 'medium',
  other: 'medium',
};
