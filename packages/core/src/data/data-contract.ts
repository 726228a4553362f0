/**
 * Data contracts: what a dataset promises about its columns (type, nullability, range, allowed
 * values, pattern, uniqueness) and its size. Written by people in YAML or JSON, or inferred from a
 * trusted reference dataset; checked by `data.integrity`; exported to Great Expectations suites by
 * the GX adapter. The shape is deliberately small and tool-neutral.
 *
 * ```yaml
 * name: transactions
 * rows: { min: 1000 }
 * additionalColumns: false
 * columns:
 *   - { name: id, type: integer, nullable: false, unique: true }
 *   - { name: amount, type: float, min: 0, max: 100000 }
 *   - { name: country, type: category, allowedValues: [DE, FR, NL] }
 *   - { name: email, type: string, pattern: '^[^@]+@[^@]+$' }
 *   - { name: created, type: datetime, min: '2020-01-01' }
 * ```
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';

export const DATA_CONTRACT_SCHEMA = 'mlwarden.data-contract/v1';

/**
 * Logical column types. `integer` and `float` are numeric Arrow types (a float column whose values
 * are all whole numbers does not satisfy `integer`); `category` is a string or dictionary column
 * with a closed set of values; `datetime` is a Date or Timestamp column.
 */
export const DATA_CONTRACT_TYPES = [
  'integer',
  'float',
  'string',
  'boolean',
  'category',
  'datetime',
] as const;

export type DataContractType = (typeof DATA_CONTRACT_TYPES)[number];

const validRegex = (source: string) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
};

const bound = z.union([z.number(), z.string().min(1)]);

const columnSchema = z
  .strictObject({
    name: z.string().min(1),
    type: z.enum(DATA_CONTRACT_TYPES),
    description: z.string().optional(),
    /** Whether nulls are allowed. Default true. */
    nullable: z.boolean().default(true),
    /** Inclusive lower bound: a number, or an ISO 8601 date/time for `datetime`. */
    min: bound.optional(),
    /** Inclusive upper bound: a number, or an ISO 8601 date/time for `datetime`. */
    max: bound.optional(),
    /** The only values allowed (nulls are governed by `nullable`). */
    allowedValues: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    /** Regular expression (JavaScript, Unicode mode) every string value must match in full. */
    pattern: z.string().refine(validRegex, 'is not a valid regular expression').optional(),
    /** Whether every non-null value must be distinct. Default false. */
    unique: z.boolean().default(false),
  })
  .superRefine((column, ctx) => {
    const numeric = column.type === 'integer' || column.type === 'float';
    for (const key of ['min', 'max'] as const) {
      const value = column[key];
      if (value === undefined) continue;
      if (numeric && typeof value !== 'number') {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `must be a number for a ${column.type} column`,
        });
      } else if (column.type === 'datetime' && Number.isNaN(Date.parse(String(value)))) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'must be an ISO 8601 date or date-time',
        });
      } else if (!numeric && column.type !== 'datetime') {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `does not apply to a ${column.type} column`,
        });
      }
    }
    const lo = boundValue(column.type, column.min);
    const hi = boundValue(column.type, column.max);
    if (lo !== undefined && hi !== undefined && lo > hi) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        message: `is greater than max (${String(column.max)})`,
      });
    }
    if (column.pattern !== undefined && column.type !== 'string' && column.type !== 'category') {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `does not apply to a ${column.type} column`,
      });
    }
  });

const contractSchema = z
  .strictObject({
    schema: z.literal(DATA_CONTRACT_SCHEMA).optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    /** Bounds on the number of rows, inclusive. */
    rows: z
      .strictObject({
        min: z.number().int().nonnegative().optional(),
        max: z.number().int().nonnegative().optional(),
      })
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
        message: 'min is greater than max',
        path: ['min'],
      })
      .optional(),
    /** Whether the dataset may have columns the contract does not list. Default true. */
    additionalColumns: z.boolean().default(true),
    columns: z.array(columnSchema).min(1),
  })
  .superRefine((contract, ctx) => {
    const seen = new Set<string>();
    contract.columns.forEach((column, index) => {
      if (seen.has(column.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', index, 'name'],
          message: `"${column.name}" is listed twice`,
        });
      }
      seen.add(column.name);
    });
  });

/** Zod schema of a data contract (input form: defaults not yet applied). */
export const dataContractSchema = contractSchema;

export type DataContract = z.output<typeof contractSchema>;
export type DataContractColumn = DataContract['columns'][number];
/** A contract as written, before defaults (`nullable`, `unique`, `additionalColumns`) apply. */
export type DataContractInput = z.input<typeof contractSchema>;

/**
 * A bound as a number: numbers as they are, datetime bounds as milliseconds since the epoch.
 * Undefined when absent.
 */
export function boundValue(
  type: DataContractType,
  value: number | string | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return type === 'datetime' ? Date.parse(value) : undefined;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** Accepts `columns` as a list, or as a map from column name to its other fields. */
function normalise(document: unknown): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const columns = (document as { columns?: unknown }).columns;
  if (typeof columns !== 'object' || columns === null || Array.isArray(columns)) return document;
  return {
    ...document,
    columns: Object.entries(columns).map(([name, spec]) =>
      typeof spec === 'object' && spec !== null ? { name, ...spec } : { name, type: spec },
    ),
  };
}

/** Validates a contract given as an object; errors name the offending key. */
export function validateDataContract(document: unknown, source = 'data contract'): DataContract {
  const parsed = contractSchema.safeParse(normalise(document));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issuePath(issue.path);
    return `${where === '' ? '(top level)' : where}: ${issue.message}`;
  });
  throw new ConfigError(`${source}: invalid data contract: ${problems.join('; ')}`, {
    hint: `column types are ${DATA_CONTRACT_TYPES.join(', ')}; see docs/checks/data.integrity.md for the contract format`,
  });
}

/**
 * Parses a data contract from YAML or JSON text (JSON is YAML). `source` names the file in error
 * messages, which also give the line of a syntax error and the key of an invalid value.
 */
export function parseDataContract(text: string, source: string): DataContract {
  let document: unknown;
  try {
    document = parseYaml(text, { uniqueKeys: true });
  } catch (cause) {
    const line = cause instanceof YAMLParseError ? cause.linePos?.[0] : undefined;
    const where = line === undefined ? source : `${source}:${line.line}:${line.col}`;
    const message = (
      cause instanceof Error ? (cause.message.split('\n')[0] ?? '') : String(cause)
    ).replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${where}: the data contract is not valid YAML or JSON: ${message}`, {
      cause,
      hint: 'fix the syntax; a contract is a mapping with a `columns` list',
    });
  }
  if (document === null || document === undefined) {
    throw new ConfigError(`${source}: the data contract is empty`, {
      hint: 'a contract needs at least a `columns` list',
    });
  }
  return validateDataContract(document, source);
}

/**
 * What `inferDataContract` needs to know about a column: any profile can provide it (the
 * `data.integrity` check computes it; the data layer's column profiles carry the same facts).
 */
export interface ColumnSummary {
  name: string;
  type: DataContractType;
  rows: number;
  nulls: number;
  /** Smallest and largest value (numbers; milliseconds since the epoch for datetime). */
  min?: number;
  max?: number;
  /** Every distinct value, when the column has few (undefined when there are more). */
  distinctValues?: readonly (string | number | boolean)[];
  /** Whether every non-null value is distinct, when known. */
  unique?: boolean;
}

export interface InferOptions {
  name?: string;
  /** String columns with at most this many distinct values become `category`. Default 20. */
  maxCategories?: number;
  /** Record the observed min and max of numeric and datetime columns. Default true. */
  ranges?: boolean;
  /** Row bounds to write; default none (a reference's size says little about later batches). */
  rows?: { min?: number; max?: number };
  /** Whether the contract allows columns it does not list. Default false. */
  additionalColumns?: boolean;
}

/**
 * A contract that the summarised (reference) dataset satisfies: its types, nullability where it
 * has no nulls, observed ranges, the value set of low-cardinality columns, and uniqueness.
 */
export function inferDataContract(
  columns: readonly ColumnSummary[],
  options: InferOptions = {},
): DataContract {
  const maxCategories = options.maxCategories ?? 20;
  const contract: DataContractInput = {
    schema: DATA_CONTRACT_SCHEMA,
    ...(options.name !== undefined && { name: options.name }),
    ...(options.rows !== undefined && { rows: options.rows }),
    additionalColumns: options.additionalColumns ?? false,
    columns: columns.map((summary) => {
      const values = summary.distinctValues;
      const closed = values !== undefined && values.length > 0 && values.length <= maxCategories;
      const type: DataContractType =
        summary.type === 'string' && closed && summary.unique !== true ? 'category' : summary.type;
      const column: DataContractColumn = {
        name: summary.name,
        type,
        nullable: summary.nulls > 0,
        unique: summary.unique === true && summary.rows - summary.nulls > 1,
      };
      const ranged = type === 'integer' || type === 'float' || type === 'datetime';
      if (
        (options.ranges ?? true) &&
        ranged &&
        summary.min !== undefined &&
        summary.max !== undefined
      ) {
        column.min = type === 'datetime' ? new Date(summary.min).toISOString() : summary.min;
        column.max = type === 'datetime' ? new Date(summary.max).toISOString() : summary.max;
      }
      if (type === 'category' && closed) {
        column.allowedValues = [...values].sort((a, b) => String(a).localeCompare(String(b)));
      }
      return column;
    }),
  };
  return validateDataContract(contract, 'inferred data contract');
}
