import { describe, expect, it } from 'vitest';
import {
  contractExpectations,
  type DataContractLike,
  exportGxSuite,
  exportGxSuiteJson,
  GX_TYPE_LISTS,
} from './export-gx-suite.js';
import { parseGxResults } from './parse-gx-results.js';

const contract: DataContractLike = {
  name: 'orders',
  rows: { min: 1 },
  columns: [
    { name: 'id', type: 'integer', nullable: false, unique: true },
    { name: 'status', type: 'category', allowedValues: ['new', 'paid'] },
    { name: 'created', type: 'datetime', min: '2020-01-01', max: '2030-01-01T12:00:00' },
    { name: 'note', type: 'string', pattern: '^[A-Z]' },
  ],
};

describe('contractExpectations', () => {
  it('maps every rule to one expectation, in a stable order', () => {
    expect(
      contractExpectations(contract).map((e) => `${e.rule}:${e.column ?? ''}:${e.type}`),
    ).toEqual([
      'row-count::expect_table_row_count_to_be_between',
      'exists:id:expect_column_to_exist',
      'type:id:expect_column_values_to_be_in_type_list',
      'not-null:id:expect_column_values_to_not_be_null',
      'unique:id:expect_column_values_to_be_unique',
      'exists:status:expect_column_to_exist',
      'type:status:expect_column_values_to_be_in_type_list',
      'allowed-values:status:expect_column_values_to_be_in_set',
      'exists:created:expect_column_to_exist',
      'type:created:expect_column_values_to_be_in_type_list',
      'range:created:expect_column_values_to_be_between',
      'exists:note:expect_column_to_exist',
      'type:note:expect_column_values_to_be_in_type_list',
      'pattern:note:expect_column_values_to_match_regex',
    ]);
  });

  it('writes datetime bounds as full timestamps and keeps the others', () => {
    const range = contractExpectations(contract).find((e) => e.rule === 'range');
    expect(range?.kwargs).toEqual({
      column: 'created',
      min_value: '2020-01-01T00:00:00',
      max_value: '2030-01-01T12:00:00',
    });
    const row = contractExpectations(contract)[0];
    expect(row?.kwargs).toEqual({ min_value: 1 });
    expect(contractExpectations(contract)[2]?.kwargs.type_list).toEqual([...GX_TYPE_LISTS.integer]);
  });

  it('names the column of an inconsistent contract', () => {
    const bad = (columns: unknown[], rowCount?: object) => () =>
      contractExpectations({ columns, ...(rowCount && { rows: rowCount }) } as DataContractLike);
    expect(
      bad([
        { name: 'a', type: 'integer' },
        { name: 'a', type: 'float' },
      ]),
    ).toThrow(/columns\[1\]: column "a" appears twice/);
    expect(bad([{ name: 'a', type: 'decimal' }])).toThrow(
      /columns\[0\]\.type: "decimal" is not one of integer, float/,
    );
    expect(bad([{ name: 'a', type: 'float', min: 5, max: 1 }])).toThrow(
      /min 5 is greater than max 1 for column "a"/,
    );
    expect(bad([{ name: '', type: 'float' }])).toThrow(
      /columns\[0\]\.name must be a non-empty string/,
    );
    expect(bad([], { min: 10, max: 2 })).toThrow(/rows: min 10 is greater than max 2/);
  });
});

describe('exportGxSuite', () => {
  it('writes the GX 0.18 suite format', () => {
    const suite = exportGxSuite(contract, { generation: '0.18' });
    expect(suite).toMatchObject({
      expectation_suite_name: 'orders',
      ge_cloud_id: null,
      data_asset_type: null,
      meta: { great_expectations_version: '0.18.22' },
    });
    expect((suite.expectations as object[])[1]).toEqual({
      expectation_type: 'expect_column_to_exist',
      kwargs: { column: 'id' },
      meta: { mlwarden: { rule: 'exists', column: 'id' } },
    });
  });

  it('writes the GX 1.x suite format, with the name and version given', () => {
    const suite = exportGxSuite(contract, {
      generation: '1.x',
      suiteName: 'orders_v2',
      gxVersion: '1.3.0',
    });
    expect(suite).toMatchObject({
      name: 'orders_v2',
      suite_parameters: {},
      notes: null,
      meta: { great_expectations_version: '1.3.0' },
    });
    expect((suite.expectations as object[])[0]).toEqual({
      type: 'expect_table_row_count_to_be_between',
      kwargs: { min_value: 1 },
      meta: { mlwarden: { rule: 'row-count' } },
    });
    expect(exportGxSuiteJson(contract, { generation: '1.x' }).endsWith('}\n')).toBe(true);
  });

  it('is recognised as a suite, not as results, by the reader', () => {
    for (const generation of ['0.18', '1.x'] as const) {
      expect(() => parseGxResults(exportGxSuiteJson(contract, { generation }))).toThrow(
        /is an expectation suite/,
      );
    }
  });
});
