import type { Adapter } from '@mlwarden/core';
import { isEndpointUri } from './endpoint-uri.js';
import { loadManifests } from './load-manifests.js';
import { openEndpointTarget } from './open-endpoint.js';

const MANIFEST_PATH = /\.ya?ml$/i;

/**
 * Resolves `oip+http(s)://…`, `seldon+http(s)://…` and `seldon-v1+http(s)://…` endpoint URIs to
 * a `model` input (an endpoint-backed model target), and manifest files or directories to
 * `deployments`.
 */
export const seldonAdapter: Adapter = {
  name: 'seldon',
  canResolve(uri, kind) {
    if (kind === 'model') return isEndpointUri(uri);
    if (kind === 'deployments')
      return (
        !isEndpointUri(uri) && (MANIFEST_PATH.test(uri) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
      );
    return false;
  },
  async resolve(uri, context) {
    if (context.kind === 'model') {
      return { model: await openEndpointTarget(uri, { signal: context.signal }) };
    }
    const { manifests, notes } = await loadManifests([uri], { cwd: context.cwd });
    for (const note of notes) context.log.info(note);
    return { deployments: manifests };
  },
};
