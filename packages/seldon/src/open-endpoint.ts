import { ConfigError } from '@mlwarden/core';
import type { EndpointClient, EndpointModelTarget } from './endpoint-model-target.js';
import type { EndpointSettings } from './endpoint-transport.js';
import { loadEndpointTls, parseEndpointUri } from './endpoint-uri.js';
import { createOipClient } from './oip-client.js';
import { connectOipModelTarget } from './oip-model-target.js';
import { createSeldonV1Client } from './seldon-v1-client.js';
import { createSeldonV1ModelTarget } from './seldon-v1-model-target.js';

export interface OpenEndpointOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Settings that override those from the URI (e.g. a budget from `--budget`). */
  overrides?: Partial<EndpointSettings>;
  signal?: AbortSignal;
}

/** A client for an endpoint URI (no request is sent). */
export async function openEndpointClient(
  uri: string,
  options: OpenEndpointOptions = {},
): Promise<EndpointClient> {
  const parsed = parseEndpointUri(uri, options.env);
  const settings = { ...(await loadEndpointTls(parsed)), ...options.overrides };
  if (parsed.protocol === 'seldon-v1') return createSeldonV1Client(settings);
  return createOipClient({
    ...settings,
    model: parsed.model as string,
    ...(parsed.version !== undefined && { version: parsed.version }),
  });
}

/**
 * A model target for an endpoint URI. For OIP endpoints it reads the model metadata (one request)
 * unless the URI gives `features`, `input` and `datatype`; Seldon v1 needs `features`.
 */
export async function openEndpointTarget(
  uri: string,
  options: OpenEndpointOptions = {},
): Promise<EndpointModelTarget> {
  const parsed = parseEndpointUri(uri, options.env);
  const client = await openEndpointClient(uri, options);
  const t = parsed.target;
  if (client.protocol === 'seldon-v1') {
    if (t.features === undefined) {
      client.close();
      throw new ConfigError('a seldon-v1+ endpoint URI needs ?features=<count>', {
        hint: 'Seldon v1 has no model metadata to read the input width from',
      });
    }
    return createSeldonV1ModelTarget(client, {
      features: t.features,
      ...(t.classes !== undefined && { classes: t.classes }),
      ...(t.payload !== undefined && { payload: t.payload }),
    });
  }
  return connectOipModelTarget(
    client,
    {
      ...(t.features !== undefined && { features: t.features }),
      ...(t.classes !== undefined && { classes: t.classes }),
      ...(t.inputName !== undefined && { inputName: t.inputName }),
      ...(t.datatype !== undefined && { datatype: t.datatype }),
      ...(t.labelsOutput !== undefined && { labelsOutput: t.labelsOutput }),
      ...(t.probabilitiesOutput !== undefined && { probabilitiesOutput: t.probabilitiesOutput }),
    },
    options.signal,
  );
}
