import { resolve } from 'node:path';
import { createOnnxModelTarget, createTfModelTarget } from '@mlwarden/adversarial';
import type { ModelTarget } from '@mlwarden/core';
import { isMlflowScoringUri, openMlflowScoringTarget } from '@mlwarden/mlflow';
import { isEndpointUri, openEndpointTarget } from '@mlwarden/seldon';
import type { CliIo } from './io.js';

/**
 * A model target from the command line: an endpoint URI (`oip+http://…`, `seldon+https://…`,
 * `seldon-v1+http://…`, `mlflow+http://…` for an MLflow scoring server; a bare
 * `http(s)://…/v2/models/<m>` is taken as Open Inference Protocol),
 * the path of an `.onnx` model (a black-box target run by onnxruntime-node or onnxruntime-web), or
 * the path of a TensorFlow.js `model.json`, Layers or graph format (white-box).
 */
export async function openModel(spec: string, io: CliIo): Promise<ModelTarget> {
  if (isMlflowScoringUri(spec)) return openMlflowScoringTarget(spec, { env: io.env });
  if (isEndpointUri(spec)) return openEndpointTarget(spec, { env: io.env });
  if (/^https?:\/\//i.test(spec)) return openEndpointTarget(`oip+${spec}`, { env: io.env });
  const path = resolve(io.cwd, spec);
  if (/\.onnx$/i.test(spec)) return createOnnxModelTarget({ model: path });
  return createTfModelTarget({ model: path });
}
