import type { RecordBatch } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import type { DataTypeLike, RecordBatchLike, SchemaLike } from './_arrow-shape.js';
import { kindOf, profileData } from './_kernels.js';
import { deriveSeed } from './_random.js';
import {
  ColumnProfile,
  type ColumnProfileJSON,
  profileFromJSON,
  type SketchOptions,
} from './column-profile.js';

export const DATASET_PROFILE_SCHEMA = 'mlwarden.dataset-profile/v1';

/** Serialised form of {@link DatasetProfile}. */
export interface DatasetProfileJSON {
  schema: typeof DATASET_PROFILE_SCHEMA;
  rows: number;
  batches: number;
  columns: ColumnProfileJSON[];
}

/** Column profiles of a dataset (or of one partition of it), in schema order. */
export class DatasetProfile {
  rows = 0;
  batches = 0;
  readonly columns: ColumnProfile[] = [];
  private readonly byName = new Map<string, ColumnProfile>();
  private readonly options: SketchOptions;
  private readonly partition: number;

  /**
   * @param options sketch sizes and seed; every profile that will be merged must use the same.
   * @param partition index of the partition this profile covers; it varies the seed so that
   *   partitions make independent random choices (0 for a single pass).
   */
  constructor(options: SketchOptions = {}, partition = 0) {
    this.options = options;
    this.partition = partition;
  }

  column(name: string): ColumnProfile | undefined {
    return this.byName.get(name);
  }

  /** Adds a finished column profile (e.g. restored from JSON); its name must be new. */
  addColumn(profile: ColumnProfile): void {
    if (this.byName.has(profile.name)) {
      throw new InputError(`dataset profile already has a column "${profile.name}"`, {
        code: 'MLW_PROFILE_INCOMPATIBLE',
      });
    }
    this.columns.push(profile);
    this.byName.set(profile.name, profile);
  }

  /** Starts an empty profile for each field not seen yet (so empty datasets list their columns). */
  addFields(schema: SchemaLike): this {
    for (const field of schema.fields) {
      if (!this.byName.has(field.name)) this.addColumn(this.newColumn(field.name, field.type));
    }
    return this;
  }

  private newColumn(name: string, type: DataTypeLike): ColumnProfile {
    const seed = deriveSeed(this.options.seed ?? 0, name, this.partition);
    return new ColumnProfile(name, String(type), kindOf(type), { ...this.options, seed });
  }

  /** Adds one record batch (from any copy of apache-arrow). */
  addBatch(input: RecordBatch | RecordBatchLike): this {
    const batch = input as RecordBatchLike;
    const fields = batch.schema.fields;
    const children = batch.data.children;
    for (let c = 0; c < fields.length; c++) {
      const field = fields[c]!;
      const data = children[c];
      if (!data) {
        throw new InputError(`record batch has no data for column "${field.name}"`, {
          hint: 'the batch does not match its schema; the source is corrupt',
        });
      }
      let profile = this.byName.get(field.name);
      if (!profile) {
        profile = this.newColumn(field.name, field.type);
        this.addColumn(profile);
      }
      profileData(profile, data);
    }
    this.rows += batch.numRows;
    this.batches++;
    return this;
  }

  /** Merges another profile of the same dataset (another partition) into this one. */
  merge(other: DatasetProfile): this {
    this.rows += other.rows;
    this.batches += other.batches;
    for (const column of other.columns) {
      const mine = this.byName.get(column.name);
      if (mine) mine.merge(column);
      else this.addColumn(column.clone());
    }
    return this;
  }

  clone(): DatasetProfile {
    return datasetProfileFromJSON(this.toJSON());
  }

  toJSON(): DatasetProfileJSON {
    return {
      schema: DATASET_PROFILE_SCHEMA,
      rows: this.rows,
      batches: this.batches,
      columns: this.columns.map((c) => c.toJSON()),
    };
  }
}

export function datasetProfileFromJSON(json: DatasetProfileJSON): DatasetProfile {
  if (!json || json.schema !== DATASET_PROFILE_SCHEMA || !Array.isArray(json.columns)) {
    throw new InputError(
      `not a dataset profile: expected schema "${DATASET_PROFILE_SCHEMA}", got ${JSON.stringify(json?.schema)}`,
      { code: 'MLW_PROFILE_INCOMPATIBLE' },
    );
  }
  const profile = new DatasetProfile();
  profile.rows = json.rows;
  profile.batches = json.batches;
  for (const column of json.columns) profile.addColumn(profileFromJSON(column));
  return profile;
}

/** A new profile combining two profiles of the same dataset (neither is changed). */
export function mergeDatasetProfiles(a: DatasetProfile, b: DatasetProfile): DatasetProfile {
  return a.clone().merge(b);
}
