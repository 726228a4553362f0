import { compressedFormat } from './compressed-format.js';
import type { FormatHandler } from './format-handler.js';
import { ggufFormat } from './gguf-format.js';
import { hdf5Format } from './hdf5-format.js';
import { kerasConfigFormat } from './keras-config-format.js';
import { kerasMetadataFormat } from './keras-metadata-format.js';
import { mlmodelFormat } from './mlmodel-format.js';
import { npyFormat } from './npy-format.js';
import { onnxFormat } from './onnx-format.js';
import { pickleFormat } from './pickle-format.js';
import { safetensorsFormat } from './safetensors-format.js';
import { seldonSettingsFormat } from './seldon-settings-format.js';
import { sevenZipFormat } from './seven-zip-format.js';
import { tarFormat } from './tar-format.js';
import { tfSavedModelFormat } from './tf-savedmodel-format.js';
import { zipFormat } from './zip-format.js';

/** The formats scanned by default, in the order they are tried. */
export const defaultHandlers: readonly FormatHandler[] = [
  zipFormat,
  sevenZipFormat,
  tarFormat,
  npyFormat,
  safetensorsFormat,
  ggufFormat,
  hdf5Format,
  onnxFormat,
  tfSavedModelFormat,
  kerasMetadataFormat,
  kerasConfigFormat,
  seldonSettingsFormat,
  mlmodelFormat,
  compressedFormat,
  pickleFormat,
];
