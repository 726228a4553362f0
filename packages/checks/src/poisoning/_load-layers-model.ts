import { InputError, readTfjsModel } from '@mlwarden/core';
import type { io, LayersModel } from '@tensorflow/tfjs';
import type { TfModule } from './_import-tfjs.js';

/**
 * Loads a TensorFlow.js Layers model from `model.json` and its weight shards (read by core's
 * `readTfjsModel`: shards inside the model's folder, their total size bounded). Only JSON and raw
 * weights are read: layers are built from their JSON description, nothing in the files runs.
 */
export async function loadLayersModel(
  tf: TfModule,
  path: string,
  maxWeightBytes: number,
): Promise<LayersModel> {
  const files = await readTfjsModel(path, { maxWeightBytes, limitOption: 'model.maxWeightBytes' });
  if (files.format === 'graph-model') {
    throw new InputError(`${path} is a TensorFlow.js graph model, which has no named layers`, {
      hint: 'export the model as a Layers model (tf.LayersModel.save, or tensorflowjs_converter --output_format tfjs_layers_model)',
    });
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: files.modelTopology,
        weightSpecs: files.weightSpecs as io.WeightsManifestEntry[],
        weightData: files.weightData.buffer as ArrayBuffer,
      }),
      { strict: true },
    );
  } catch (error) {
    throw new InputError(`cannot build the Layers model in ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
