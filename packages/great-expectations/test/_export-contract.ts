import { validateDataContract } from '@mlwarden/core';
import type { ContractExpectation } from '../src/export-gx-suite.js';

/** A contract with every kind of rule the export maps, validated by core's contract schema. */
export const contract = validateDataContract(
  {
    name: 'customers',
    rows: { min: 10, max: 1000 },
    columns: [
      { name: 'id', type: 'integer', nullable: false, unique: true },
      { name: 'age', type: 'integer', min: 0, max: 120 },
      { name: 'income', type: 'float', nullable: false, min: 0 },
      { name: 'email', type: 'string', pattern: '^[a-z0-9.]+@example\\.com$' },
      { name: 'country', type: 'category', allowedValues: ['DE', 'FR', 'US'] },
      { name: 'active', type: 'boolean', nullable: false },
      { name: 'signup', type: 'datetime', min: '2020-01-01', max: '2025-12-31' },
      { name: 'score', type: 'float', min: 0, max: 1 },
    ],
  },
  'customers contract',
);

type Row = Record<string, unknown>;

function cleanRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    age: 20 + i,
    income: 1000.5 * (i + 1),
    email: `user${i}@example.com`,
    country: ['DE', 'FR', 'US'][i % 3],
    active: i % 2 === 0,
    signup: `2021-0${(i % 9) + 1}-15`,
    score: (i % 10) / 10,
  }));
}

/** 8 rows (too few) with one break of most rules; the score column is missing altogether. */
function brokenRows(): Row[] {
  const rows = cleanRows(8).map(({ score: _score, ...rest }) => rest);
  Object.assign(rows[1] as Row, { id: 1 });
  Object.assign(rows[2] as Row, { age: 130 });
  Object.assign(rows[3] as Row, { income: null });
  Object.assign(rows[4] as Row, { email: 'someone@gmail.com' });
  Object.assign(rows[5] as Row, { country: 'XX' });
  Object.assign(rows[6] as Row, { signup: '2019-06-01' });
  Object.assign(rows[7] as Row, { active: 'yes' });
  return rows;
}

/** `rule:column` of an exported expectation, as its meta names it. */
export const key = (e: { rule: string; column?: string | null }) => `${e.rule}:${e.column ?? ''}`;

/** Whether the rows break an exported expectation, judged from the contract's own words. */
export function breaks(e: ContractExpectation, rows: Row[], columns: ContractColumnTypes): boolean {
  if (e.rule === 'row-count') {
    const { min_value: min, max_value: max } = e.kwargs as {
      min_value?: number;
      max_value?: number;
    };
    return (min !== undefined && rows.length < min) || (max !== undefined && rows.length > max);
  }
  const column = e.column as string;
  if (!rows.some((r) => column in r)) return true;
  const values = rows.map((r) => r[column]);
  const present = values.filter((v) => v !== null && v !== undefined);
  switch (e.rule) {
    case 'exists':
      return false;
    case 'type': {
      const type = columns[column];
      if (type === 'integer')
        return present.length !== values.length || !present.every(Number.isInteger);
      if (type === 'float') return !present.every((v) => typeof v === 'number');
      if (type === 'boolean')
        return present.length !== values.length || !present.every((v) => typeof v === 'boolean');
      if (type === 'datetime')
        return !present.every((v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)));
      return !present.every((v) => typeof v === 'string');
    }
    case 'not-null':
      return present.length !== values.length;
    case 'range': {
      const { min_value: min, max_value: max } = e.kwargs as {
        min_value?: number | string;
        max_value?: number | string;
      };
      const num = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : Number(v));
      return present.some(
        (v) => (min !== undefined && num(v) < num(min)) || (max !== undefined && num(v) > num(max)),
      );
    }
    case 'allowed-values':
      return present.some((v) => !(e.kwargs.value_set as unknown[]).includes(v));
    case 'pattern':
      return present.some((v) => !new RegExp(e.kwargs.regex as string).test(String(v)));
    case 'unique':
      return new Set(present).size !== present.length;
    case 'columns':
      return false;
  }
}

export type ContractColumnTypes = Record<string, string>;
export const columnTypes: ContractColumnTypes = Object.fromEntries(
  contract.columns.map((c) => [c.name, c.type]),
);

/** The datasets GX validates with the exported suite: one meets the contract, one breaks it. */
export const datasets = {
  clean: { records: cleanRows(12), datetime_columns: ['signup'] },
  broken: { records: brokenRows(), datetime_columns: ['signup'] },
};
