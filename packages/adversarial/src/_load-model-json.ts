import { readTfjsModel } from '@mlwarden/core';
import type * as tf from '@tensorflow/tfjs';

export interface LoadedArtifacts {
  format: 'layers-model' | 'graph-model';
  artifacts: tf.io.ModelArtifacts;
  /** Hands `artifacts` to `tf.loadLayersModel` / `tf.loadGraphModel`. */
  handler: tf.io.IOHandler;
}

/**
 * Reads a TensorFlow.js `model.json` and its weight shards with core's `readTfjsModel` (shards
 * inside the model's folder, at most `maxWeightBytes` of them) and wraps them in an in-memory
 * IOHandler. Nothing in the files is executed: TensorFlow.js builds layers and graph ops from
 * their JSON description.
 */
export async function loadModelJson(
  path: string,
  maxWeightBytes: number,
): Promise<LoadedArtifacts> {
  const { weightSpecs, weightData, ...rest } = await readTfjsModel(path, {
    maxWeightBytes,
    limitOption: 'maxWeightBytes',
  });
  const artifacts: tf.io.ModelArtifacts = {
    ...rest,
    weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: weightData.buffer as ArrayBuffer,
  };
  return { format: rest.format, artifacts, handler: { load: async () => artifacts } };
}
