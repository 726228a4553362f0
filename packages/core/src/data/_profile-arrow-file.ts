import { type ArrowFileRange, arrowFileBatches } from './_arrow-file-batches.js';
import type { SketchOptions } from './column-profile.js';
import { DatasetProfile } from './dataset-profile.js';

export interface ArrowFilePart extends ArrowFileRange {
  sketch: SketchOptions;
  partition: number;
}

/** Profiles record batches [start, end) of an Arrow IPC file (see {@link arrowFileBatches}). */
export async function profileArrowFilePart(
  part: ArrowFilePart,
  options: { blocking: boolean; onBatch?: (rows: number) => void; signal?: AbortSignal },
): Promise<DatasetProfile> {
  const profile = new DatasetProfile(part.sketch, part.partition);
  for await (const batch of arrowFileBatches(part, options)) {
    profile.addBatch(batch);
    options.onBatch?.(batch.numRows);
  }
  return profile;
}
