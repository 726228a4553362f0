import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * Test and evaluation helper: saves a TensorFlow.js Layers model as `model.json` plus one
 * `weights.bin` shard in `folder` (the layout tensorflowjs_converter writes); returns the path
 * of model.json.
 */
export async function saveLayersModel(model: tf.LayersModel, folder: string): Promise<string> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      writeFileSync(join(folder, 'weights.bin'), new Uint8Array(bytes as ArrayBuffer));
      writeFileSync(
        join(folder, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(folder, 'model.json');
}
