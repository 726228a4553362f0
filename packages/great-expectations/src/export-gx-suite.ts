import { ConfigError, type Json } from '@mlwarden/core';

/** Column types of an mlwarden data contract. */
export type ContractColumnType =
  | 'integer'
  | 'float'
  | 'string'
  | 'boolean'
  | 'category'
  | 'datetime';

/**
 * The parts of an mlwarden data contract the export reads, declared structurally so that the
 * contract type of `@mlwarden/core` (and plain JSON of the same shape) can be passed as is.
 */
export interface ContractColumnLike {
  readonly name: string;
  readonly type: ContractColumnType;
  /** Default true: nulls allowed. */
  readonly nullable?: boolean;
  readonly min?: number | string;
  readonly max?: number | string;
  readonly allowedValues?: readonly (string | number | boolean)[];
  /** A regular expression every non-null string must match in full (exported anchored). */
  readonly pattern?: string;
  readonly unique?: boolean;
}

export interface DataContractLike {
  readonly name?: string;
  readonly columns: readonly ContractColumnLike[];
  /** Bounds on the number of rows. */
  readonly rows?: { readonly min?: number; readonly max?: number };
  /** Whether columns the contract does not list may appear. Default true. */
  readonly additionalColumns?: boolean;
}

/** Which rule of the contract an expectation enforces. */
export type ContractRule =
  | 'row-count'
  | 'columns'
  | 'exists'
  | 'type'
  | 'not-null'
  | 'range'
  | 'allowed-values'
  | 'pattern'
  | 'unique';

export interface ContractExpectation {
  /** Snake-case GX expectation name. */
  type: string;
  kwargs: Record<string, Json>;
  /** The contract rule, and column, this expectation comes from. */
  rule: ContractRule;
  column?: string;
}

export type GxSuiteGeneration = '0.18' | '1.x';

export interface ExportGxSuiteOptions {
  /** GX release line to write for: 0.18 (`expectation_suite_name`, `expectation_type`) or 1.x (`name`, `type`). */
  generation: GxSuiteGeneration;
  /** Suite name; default the contract's name, else `mlwarden_contract`. */
  suiteName?: string;
  /** Written into the suite's `meta.great_expectations_version`. Default 0.18.22 / 1.24.1, the versions tested. */
  gxVersion?: string;
}

/**
 * dtype names GX compares a pandas column's dtype with (numpy/pandas names), followed by names
 * GX's SQL backends report. Float columns also accept integer dtypes (pandas reads whole-number
 * floats as integers); category columns also accept strings.
 */
export const GX_TYPE_LISTS: Readonly<Record<ContractColumnType, readonly string[]>> = {
  integer: [
    'int8',
    'int16',
    'int32',
    'int64',
    'uint8',
    'uint16',
    'uint32',
    'uint64',
    'Int8',
    'Int16',
    'Int32',
    'Int64',
    'INTEGER',
    'BIGINT',
    'SMALLINT',
    'TINYINT',
  ],
  float: [
    'float16',
    'float32',
    'float64',
    'Float32',
    'Float64',
    'int8',
    'int16',
    'int32',
    'int64',
    'Int64',
    'FLOAT',
    'DOUBLE',
    'DOUBLE_PRECISION',
    'REAL',
    'NUMERIC',
    'DECIMAL',
  ],
  string: ['object', 'str', 'string', 'StringDtype', 'VARCHAR', 'TEXT', 'STRING', 'CHAR'],
  category: [
    'category',
    'CategoricalDtype',
    'object',
    'str',
    'string',
    'StringDtype',
    'VARCHAR',
    'TEXT',
    'STRING',
  ],
  boolean: ['bool', 'boolean', 'BooleanDtype', 'BOOLEAN'],
  datetime: [
    'datetime64[ns]',
    'datetime64[us]',
    'datetime64[ms]',
    'datetime64[s]',
    'TIMESTAMP',
    'DATETIME',
    'DATE',
  ],
};

const TESTED_VERSIONS: Record<GxSuiteGeneration, string> = { '0.18': '0.18.22', '1.x': '1.24.1' };

/**
 * A datetime bound as GX compares it: GX 1.x turns a date-only string into a `date`, which
 * pandas cannot compare with a datetime column, so `2020-01-01` becomes `2020-01-01T00:00:00`
 * (midnight, the same instant pandas uses for a date-only string).
 */
function datetimeBound(value: number | string): number | string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? `${value}T00:00:00`
    : value;
}

function isType(value: unknown): value is ContractColumnType {
  return typeof value === 'string' && Object.hasOwn(GX_TYPE_LISTS, value);
}

/**
 * The GX expectations that enforce a data contract, in a stable order: the row-count bounds,
 * then per column: it exists, its type, not-null, range, allowed values, pattern, uniqueness.
 * Throws ConfigError naming the column when the contract is inconsistent.
 */
export function contractExpectations(contract: DataContractLike): ContractExpectation[] {
  const out: ContractExpectation[] = [];
  const { rows: rowCount } = contract;
  if (rowCount && (rowCount.min !== undefined || rowCount.max !== undefined)) {
    if (rowCount.min !== undefined && rowCount.max !== undefined && rowCount.min > rowCount.max) {
      throw new ConfigError(
        `contract.rows: min ${rowCount.min} is greater than max ${rowCount.max}`,
      );
    }
    out.push({
      type: 'expect_table_row_count_to_be_between',
      kwargs: {
        ...(rowCount.min !== undefined && { min_value: rowCount.min }),
        ...(rowCount.max !== undefined && { max_value: rowCount.max }),
      },
      rule: 'row-count',
    });
  }
  const seen = new Set<string>();
  contract.columns.forEach((col, i) => {
    const at = `contract.columns[${i}]`;
    if (typeof col.name !== 'string' || col.name === '')
      throw new ConfigError(`${at}.name must be a non-empty string`);
    if (seen.has(col.name)) throw new ConfigError(`${at}: column "${col.name}" appears twice`);
    seen.add(col.name);
    if (!isType(col.type)) {
      throw new ConfigError(
        `${at}.type: "${String(col.type)}" is not one of ${Object.keys(GX_TYPE_LISTS).join(', ')}`,
      );
    }
    const column = col.name;
    const add = (type: string, rule: ContractRule, kwargs: Record<string, Json> = {}) =>
      out.push({ type, kwargs: { column, ...kwargs }, rule, column });
    add('expect_column_to_exist', 'exists');
    add('expect_column_values_to_be_in_type_list', 'type', {
      type_list: [...GX_TYPE_LISTS[col.type]],
    });
    if (col.nullable === false) add('expect_column_values_to_not_be_null', 'not-null');
    if (col.min !== undefined || col.max !== undefined) {
      if (typeof col.min === 'number' && typeof col.max === 'number' && col.min > col.max) {
        throw new ConfigError(
          `${at}: min ${col.min} is greater than max ${col.max} for column "${column}"`,
        );
      }
      const bound = (v: number | string) => (col.type === 'datetime' ? datetimeBound(v) : v);
      add('expect_column_values_to_be_between', 'range', {
        ...(col.min !== undefined && { min_value: bound(col.min) }),
        ...(col.max !== undefined && { max_value: bound(col.max) }),
      });
    }
    if (col.allowedValues !== undefined) {
      add('expect_column_values_to_be_in_set', 'allowed-values', {
        value_set: [...col.allowedValues],
      });
    }
    if (col.pattern !== undefined)
      add('expect_column_values_to_match_regex', 'pattern', { regex: `^(?:${col.pattern})$` });
    if (col.unique === true) add('expect_column_values_to_be_unique', 'unique');
  });
  if (contract.additionalColumns === false) {
    out.push({
      type: 'expect_table_columns_to_match_set',
      kwargs: { column_set: contract.columns.map((c) => c.name), exact_match: true },
      rule: 'columns',
    });
  }
  return out;
}

/**
 * An mlwarden data contract as a GX expectation suite (JSON-ready), for GX 0.18 or 1.x. Each
 * expectation's `meta.mlwarden` names the contract rule and column it enforces. Put the result in
 * the project's `expectations/<name>.json` (GX 0.18 turns dots in the name into directories).
 * This is what `mlwarden gx export-suite <contract>` calls.
 */
export function exportGxSuite(
  contract: DataContractLike,
  options: ExportGxSuiteOptions,
): Record<string, Json> {
  const name = options.suiteName ?? contract.name ?? 'mlwarden_contract';
  const gxVersion = options.gxVersion ?? TESTED_VERSIONS[options.generation];
  const meta: Record<string, Json> = {
    great_expectations_version: gxVersion,
    mlwarden: { generatedFrom: contract.name ?? null },
  };
  const expectations = contractExpectations(contract).map((e): Record<string, Json> => {
    const expectationMeta: Record<string, Json> = {
      mlwarden: { rule: e.rule, ...(e.column !== undefined && { column: e.column }) },
    };
    return options.generation === '0.18'
      ? { expectation_type: e.type, kwargs: e.kwargs, meta: expectationMeta }
      : { type: e.type, kwargs: e.kwargs, meta: expectationMeta };
  });
  if (options.generation === '0.18') {
    return {
      expectation_suite_name: name,
      ge_cloud_id: null,
      data_asset_type: null,
      expectations,
      meta,
    };
  }
  return { name, expectations, suite_parameters: {}, meta, notes: null };
}

/** `exportGxSuite` as the JSON text GX stores (two-space indent, trailing newline). */
export function exportGxSuiteJson(
  contract: DataContractLike,
  options: ExportGxSuiteOptions,
): string {
  return `${JSON.stringify(exportGxSuite(contract, options), null, 2)}\n`;
}
