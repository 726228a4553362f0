/** How to read one row of `predictions`. */
export interface PredictionShape {
  /** `auto`: use what the model returns; `labels` ignores scores; `probabilities` requires them. */
  output: 'auto' | 'labels' | 'probabilities';
  /** Class names in the order of the probability columns; string labels map to their index. */
  classes?: readonly string[] | undefined;
  /** Record key holding the label, for models that return a DataFrame. */
  labelField?: string | undefined;
  /** Record keys holding the class scores, in class order. */
  probabilityFields?: readonly string[] | undefined;
}

/** Labels and optional probabilities (`rows × k`, row-major) read from one answer. */
export interface ReadPredictions {
  labels: Int32Array;
  probabilities?: { k: number; values: Float32Array };
}

/** Thrown with a sentence saying what was wrong with the answer; the caller adds where. */
export class PredictionShapeError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

type Cell = number | string | readonly unknown[];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return `a record with keys ${Object.keys(value).join(', ')}`;
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

function labelIndex(value: unknown, shape: PredictionShape, row: number): number {
  const classes = shape.classes;
  if (typeof value === 'string') {
    if (classes === undefined) {
      throw new PredictionShapeError(
        `row ${row} has the class name "${value.slice(0, 40)}", but no class names were given`,
        "pass classes with the model's class names in the order of its classes_ (URI: ?classes=a,b,c)",
      );
    }
    const at = classes.indexOf(value);
    if (at < 0) {
      throw new PredictionShapeError(
        `row ${row} has the class name "${value.slice(0, 40)}", which is not one of the ${classes.length} classes given`,
        'pass every class name the model can predict in classes',
      );
    }
    return at;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    if (classes !== undefined && value >= classes.length) {
      throw new PredictionShapeError(
        `row ${row} has the label ${value}, but only ${classes.length} classes were given`,
        'pass every class of the model in classes',
      );
    }
    return value;
  }
  throw new PredictionShapeError(
    `row ${row} holds ${describe(value)}, which is not a class label`,
    'the target needs a classifier: labels (integer indices or class names) or class probabilities; a regressor cannot be attacked this way',
  );
}

function scores(value: unknown, row: number): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new PredictionShapeError(
      `row ${row} holds ${describe(value)}, not a list of class probabilities`,
      'log the model with pyfunc_predict_fn="predict_proba", or set output to labels',
    );
  }
  return value.map((v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new PredictionShapeError(
        `row ${row} has a probability that is not a finite number (${describe(v)})`,
        'the model must return numbers as class scores',
      );
    }
    return v;
  });
}

/** The label and scores of one record (a row of a DataFrame a pyfunc model returned). */
function fromRecord(
  record: Record<string, unknown>,
  shape: PredictionShape,
  row: number,
): { label?: unknown; scores?: number[] } {
  const keys = Object.keys(record);
  if (shape.labelField === undefined && shape.probabilityFields === undefined) {
    if (keys.length === 1) return fromCell(record[keys[0] as string] as Cell, shape, row);
    throw new PredictionShapeError(
      `row ${row} is a record with ${keys.length} keys (${keys.slice(0, 12).join(', ')}) and it is not said which holds what`,
      'set labelField and/or probabilityFields to the record keys (URI: ?label-field=…&probability-fields=…)',
    );
  }
  const missing = [shape.labelField, ...(shape.probabilityFields ?? [])].filter(
    (k): k is string => k !== undefined && !(k in record),
  );
  if (missing.length > 0) {
    throw new PredictionShapeError(
      `row ${row} has no key ${missing.join(', ')} (it has ${keys.slice(0, 12).join(', ')})`,
      'set labelField and probabilityFields to keys the model returns',
    );
  }
  return {
    ...(shape.labelField !== undefined && { label: record[shape.labelField] }),
    ...(shape.probabilityFields !== undefined && {
      scores: scores(
        shape.probabilityFields.map((k) => record[k]),
        row,
      ),
    }),
  };
}

function fromCell(
  value: unknown,
  shape: PredictionShape,
  row: number,
): { label?: unknown; scores?: number[] } {
  if (Array.isArray(value)) {
    if (value.length === 1 && (shape.output === 'labels' || typeof value[0] === 'string')) {
      return { label: value[0] };
    }
    return { scores: scores(value, row) };
  }
  if (typeof value === 'object' && value !== null) {
    return fromRecord(value as Record<string, unknown>, shape, row);
  }
  return { label: value };
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) {
    if ((values[c] as number) > (values[best] as number)) best = c;
  }
  return best;
}

/**
 * Reads `predictions` of an MLflow scoring answer for `rows` rows. A row is a label (class index
 * or class name), a list of class probabilities (`pyfunc_predict_fn="predict_proba"`), or a
 * record of a returned DataFrame. Labels come from the model when it gives them, else from the
 * highest probability.
 */
export function readPredictions(
  predictions: unknown,
  rows: number,
  shape: PredictionShape,
): ReadPredictions {
  if (!Array.isArray(predictions)) {
    throw new PredictionShapeError(
      `"predictions" is ${describe(predictions)}, not a list`,
      'the server must be an MLflow scoring server (`mlflow models serve`)',
    );
  }
  if (predictions.length !== rows) {
    throw new PredictionShapeError(
      `the answer has ${predictions.length} predictions for ${rows} rows`,
      'the model must return one prediction per input row',
    );
  }
  const labels = new Int32Array(rows);
  let k: number | undefined;
  let values: Float32Array | undefined;
  for (let r = 0; r < rows; r++) {
    const cell = fromCell(predictions[r], shape, r);
    const row = shape.output === 'labels' ? undefined : cell.scores;
    if (row === undefined && shape.output === 'probabilities') {
      throw new PredictionShapeError(
        `row ${r} has no class probabilities`,
        'log the model with pyfunc_predict_fn="predict_proba" (or set probabilityFields), or set output to labels',
      );
    }
    if (row !== undefined) {
      if (k === undefined) {
        k = row.length;
        if (shape.classes !== undefined && k !== shape.classes.length) {
          throw new PredictionShapeError(
            `the answer has ${k} class probabilities per row, but ${shape.classes.length} classes were given`,
            'pass the class names in the order of the probability columns',
          );
        }
        values = new Float32Array(rows * k);
      } else if (row.length !== k || values === undefined) {
        throw new PredictionShapeError(
          `row ${r} has ${row.length} class probabilities, row 0 has ${k}`,
          'the model must return the same number of classes for every row',
        );
      }
      values.set(row, r * k);
    } else if (values !== undefined) {
      throw new PredictionShapeError(
        `row ${r} has no class probabilities but row 0 has`,
        'the model must answer every row the same way',
      );
    }
    // The model's own decision when it gives one, else the most probable class.
    labels[r] = labelIndex(
      cell.label !== undefined ? cell.label : argmax(cell.scores ?? []),
      shape,
      r,
    );
  }
  return k !== undefined && values !== undefined
    ? { labels, probabilities: { k, values } }
    : { labels };
}
