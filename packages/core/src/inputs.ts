import type { RecordBatch, Schema } from 'apache-arrow';

/**
 * A tabular dataset as a stream of Arrow record batches. Data larger than memory is read batch by
 * batch; `numRows` is set when it is known without reading everything.
 */
export interface Dataset {
  readonly schema: Schema;
  /** Where the data came from (path or URI), for messages and finding locations. */
  readonly source: string;
  readonly numRows?: number;
  batches(options?: { columns?: string[]; signal?: AbortSignal }): AsyncIterable<RecordBatch>;
}

export interface FeatureSpec {
  name: string;
  dtype: string;
  shape?: number[];
  min?: number;
  max?: number;
}

/** A model as attacks and model checks see it: white-box when it offers gradients. */
export interface ModelTarget {
  readonly kind: 'classifier' | 'regressor';
  readonly source: string;
  readonly inputSpec: { features: FeatureSpec[] } | { shape: number[]; dtype: string };
  readonly classes?: string[];
  /** `x` holds `n` rows, row-major. */
  predict(
    x: Float32Array,
    n: number,
    options?: { signal?: AbortSignal },
  ): Promise<{ labels: Int32Array; probabilities?: Float32Array }>;
  /** Gradient of the loss with respect to `x`; only white-box targets have it. */
  gradient?(x: Float32Array, labels: Int32Array, n: number): Promise<Float32Array>;
  /** Query accounting: `used` never exceeds `budget`. */
  readonly queries: { readonly used: number; readonly budget?: number };
}

/** One file of an artifact set. Reads are bounded by the caller; nothing is ever executed. */
export interface ArtifactFile {
  /** Path relative to the set's root, with `/` separators. */
  readonly path: string;
  readonly size: number;
  /** Bytes `[start, end)` of the file. */
  read(start?: number, end?: number): Promise<Uint8Array>;
  stream(options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array>;
}

/** Model files to inspect: a local directory, an MLflow model, a storage bucket. */
export interface ArtifactSet {
  readonly source: string;
  files(options?: { signal?: AbortSignal }): AsyncIterable<ArtifactFile>;
}

/** A parsed deployment document (Seldon, KServe, …) with source positions for findings. */
export interface Manifest {
  readonly source: string;
  /** Position of the document in a multi-document file, from 0. */
  readonly index: number;
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly document: unknown;
  /** Line and column (from 1) of the node at `path`, when known. */
  positionOf?(path: readonly (string | number)[]): { line: number; column: number } | undefined;
}

/** Results of another validation tool, e.g. Great Expectations. */
export interface ValidationResults {
  readonly source: string;
  readonly tool: string;
  readonly toolVersion?: string;
  readonly results: readonly unknown[];
}

/** Metadata of a training run: parameters, tags, provenance. */
export interface RunInfo {
  readonly source: string;
  readonly id: string;
  readonly name?: string;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics?: Readonly<Record<string, number>>;
}

/** What a check can ask for. Adapters produce these from paths and URIs. */
export interface Inputs {
  /** The data under test (training batch, current traffic, …). */
  dataset?: Dataset;
  /** A trusted baseline to compare the dataset with. */
  reference?: Dataset;
  model?: ModelTarget;
  artifacts?: ArtifactSet;
  deployments?: Manifest[];
  validationResults?: ValidationResults;
  run?: RunInfo;
}

export type InputKind = keyof Inputs;

export const INPUT_KINDS: readonly InputKind[] = [
  'dataset',
  'reference',
  'model',
  'artifacts',
  'deployments',
  'validationResults',
  'run',
];

export function isInputKind(value: unknown): value is InputKind {
  return typeof value === 'string' && (INPUT_KINDS as readonly string[]).includes(value);
}
