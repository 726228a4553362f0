import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { inferDataContract, parseDataContract, validateDataContract } from './data-contract.js';

const yaml = `
name: transactions
rows: { min: 10 }
additionalColumns: false
columns:
  - { name: id, type: integer, nullable: false, unique: true }
  - { name: amount, type: float, min: 0, max: 100000 }
  - { name: country, type: category, allowedValues: [DE, FR, NL] }
  - { name: email, type: string, pattern: '^[^@]+@[^@]+$' }
  - { name: created, type: datetime, min: '2020-01-01' }
`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseDataContract', () => {
  it('reads YAML and applies defaults', () => {
    const contract = parseDataContract(yaml, 'contract.yaml');
    expect(contract.name).toBe('transactions');
    expect(contract.additionalColumns).toBe(false);
    expect(contract.rows).toEqual({ min: 10 });
    expect(contract.columns.map((c) => [c.name, c.type, c.nullable, c.unique])).toEqual([
      ['id', 'integer', false, true],
      ['amount', 'float', true, false],
      ['country', 'category', true, false],
      ['email', 'string', true, false],
      ['created', 'datetime', true, false],
    ]);
  });

  it('reads JSON, and columns given as a map', () => {
    const contract = parseDataContract(
      JSON.stringify({ columns: { age: { type: 'integer', min: 0 }, name: 'string' } }),
      'c.json',
    );
    expect(contract.columns).toEqual([
      { name: 'age', type: 'integer', min: 0, nullable: true, unique: false },
      { name: 'name', type: 'string', nullable: true, unique: false },
    ]);
    expect(contract.additionalColumns).toBe(true);
  });

  it('names the key of an invalid value', () => {
    const bad = configError(() =>
      parseDataContract(
        'columns:\n  - { name: a, type: integr }\n  - { name: b, type: float, min: "x" }',
        'c.yaml',
      ),
    );
    expect(bad.message).toContain('c.yaml: invalid data contract');
    expect(bad.message).toContain('columns[0].type');
    expect(bad.message).toContain('columns[1].min: must be a number for a float column');
    expect(bad.hint).toContain('integer, float, string, boolean, category, datetime');
  });

  it('rejects unknown keys, duplicate columns, bad regexes and inverted bounds', () => {
    expect(
      configError(() => validateDataContract({ columns: [{ name: 'a', type: 'float', maxx: 1 }] }))
        .message,
    ).toMatch(/columns\[0\]: Unrecognized key: "maxx"/);
    expect(
      configError(() =>
        validateDataContract({
          columns: [
            { name: 'a', type: 'float' },
            { name: 'a', type: 'string' },
          ],
        }),
      ).message,
    ).toContain('columns[1].name: "a" is listed twice');
    expect(
      configError(() =>
        validateDataContract({ columns: [{ name: 'a', type: 'string', pattern: '(' }] }),
      ).message,
    ).toContain('columns[0].pattern: is not a valid regular expression');
    expect(
      configError(() =>
        validateDataContract({ columns: [{ name: 'a', type: 'float', min: 2, max: 1 }] }),
      ).message,
    ).toContain('columns[0].min: is greater than max');
    expect(
      configError(() =>
        validateDataContract({ columns: [{ name: 'a', type: 'boolean', pattern: 'x' }] }),
      ).message,
    ).toContain('columns[0].pattern: does not apply to a boolean column');
    expect(configError(() => validateDataContract({ columns: [] })).message).toContain('columns:');
  });

  it('gives the line of a syntax error and refuses an empty file', () => {
    expect(
      configError(() => parseDataContract('columns:\n  - { name: a\n', 'c.yaml')).message,
    ).toMatch(/^c\.yaml:\d+:\d+: the data contract is not valid YAML or JSON/);
    expect(configError(() => parseDataContract('', 'c.yaml')).message).toBe(
      'c.yaml: the data contract is empty',
    );
  });
});

describe('inferDataContract', () => {
  it('turns summaries into a contract the data satisfies', () => {
    const contract = inferDataContract(
      [
        { name: 'id', type: 'integer', rows: 100, nulls: 0, min: 1, max: 100, unique: true },
        { name: 'score', type: 'float', rows: 100, nulls: 3, min: -1.5, max: 2.5, unique: false },
        {
          name: 'colour',
          type: 'string',
          rows: 100,
          nulls: 0,
          distinctValues: ['red', 'blue'],
          unique: false,
        },
        { name: 'comment', type: 'string', rows: 100, nulls: 10, unique: false },
        {
          name: 'at',
          type: 'datetime',
          rows: 100,
          nulls: 0,
          min: Date.UTC(2024, 0, 1),
          max: Date.UTC(2024, 5, 1),
        },
      ],
      { name: 'reference' },
    );
    expect(contract.additionalColumns).toBe(false);
    expect(contract.columns).toEqual([
      { name: 'id', type: 'integer', nullable: false, unique: true, min: 1, max: 100 },
      { name: 'score', type: 'float', nullable: true, unique: false, min: -1.5, max: 2.5 },
      {
        name: 'colour',
        type: 'category',
        nullable: false,
        unique: false,
        allowedValues: ['blue', 'red'],
      },
      { name: 'comment', type: 'string', nullable: true, unique: false },
      {
        name: 'at',
        type: 'datetime',
        nullable: false,
        unique: false,
        min: '2024-01-01T00:00:00.000Z',
        max: '2024-06-01T00:00:00.000Z',
      },
    ]);
    // The inferred contract round-trips through the parser.
    expect(parseDataContract(JSON.stringify(contract), 'inferred.json')).toEqual(contract);
  });
});
