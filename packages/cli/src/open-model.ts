import { resolve } from 'node:path';
import { createTfModelTarget } from '@mlwarden/adversarial';
import type { ModelTarget } from '@mlwarden/core';
import { isEndpointUri, openEndpointTarget } from '@mlwarden/seldon';
import type { CliIo } from './io.js';

/**
 * A model target from the command line: an endpoint URI (`oip+http://…`, `seldon+https://…`,
 * `seldon-v1+http://…`; a bare `http(s)://…/v2/models/<m>` is taken as Open Inference Protocol)
 * or the path of a TensorFlow.js `model.json`.
 */
export async function openModel(spec: string, io: CliIo): Promise<ModelTarget> {
  if (isEndpointUri(spec)) return openEndpointTarget(spec, { env: io.env });
  if (/^https?:\/\//i.test(spec)) return openEndpointTarget(`oip+${spec}`, { env: io.env });
  return createTfModelTarget({ model: resolve(io.cwd, spec) });
}
