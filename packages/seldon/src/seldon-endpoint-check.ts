import { defineCheck, type RuleMeta } from '@mlwarden/core';
import { z } from 'zod';
import { endpointOf } from './endpoint-model-target.js';
import { type ProbeRule, probeEndpoint } from './probe-endpoint.js';

const options = z
  .object({
    /** Most requests all probes together may send. */
    budget: z.number().int().min(1).default(40),
    /** Requests of the load probe. */
    loadRequests: z.number().int().min(0).default(16),
    /** Requests in flight during the load probe. */
    loadConcurrency: z.number().int().min(1).max(64).default(4),
    /** p95 latency under load above which a finding is reported. */
    latencyThresholdMs: z.number().positive().default(2000),
    /** Body size of the huge-tensor probe. */
    hugeBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Whether the endpoint must refuse anonymous requests; default: when credentials are set. */
    expectAuth: z.boolean().optional(),
  })
  .strict();

const RULES: Record<ProbeRule, RuleMeta> = {
  'version-disclosure': { title: 'Server name and version disclosed', severity: 'low' },
  'api-docs-exposed': { title: 'API documentation pages exposed', severity: 'low' },
  'model-repository-exposed': { title: 'Model repository API reachable', severity: 'high' },
  'metadata-incomplete': { title: 'Model metadata declares no schema', severity: 'low' },
  'unauthenticated-access': { title: 'Inference answered without credentials', severity: 'high' },
  'schema-mismatch': { title: 'Answer does not match the declared metadata', severity: 'medium' },
  'valid-request-failed': { title: 'A valid request failed', severity: 'medium' },
  'accepts-malformed-input': { title: 'Malformed input accepted', severity: 'medium' },
  'server-error': { title: 'Server error on malformed input', severity: 'medium' },
  hang: { title: 'No answer within the timeout', severity: 'high' },
  'connection-dropped': { title: 'Connection dropped on malformed input', severity: 'high' },
  'stack-trace-disclosure': { title: 'Stack trace in an error answer', severity: 'medium' },
  'errors-under-load': { title: 'Errors under concurrent load', severity: 'medium' },
  'slow-under-load': { title: 'Slow under concurrent load', severity: 'low' },
};

/** Probes the live inference endpoint behind the `model` input, within a request budget. */
export const seldonEndpointCheck = defineCheck({
  meta: {
    id: 'seldon.endpoint',
    title: 'Live inference endpoint probes',
    description:
      'Probes an Open Inference Protocol or Seldon v1 endpoint within a request budget: metadata and API exposure, access without credentials, schema conformance, malformed inputs (5xx, hangs, dropped connections, stack traces) and latency under bounded load.',
    category: 'robustness',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0040', 'AML.T0049'], owasp: ['ML01'] },
    requires: ['model'],
    options,
    rules: RULES,
    docs: 'docs/checks/seldon.endpoint.md',
    timeoutMs: 300_000,
  },
  async run(ctx) {
    const model = ctx.inputs.model;
    const endpoint = endpointOf(model);
    if (!endpoint) {
      ctx.skip(
        `the model input (${model.source}) is not an inference endpoint; give an oip+, seldon+ or seldon-v1+ endpoint URI`,
      );
      return;
    }
    const spec = model.inputSpec;
    const features = 'features' in spec ? spec.features.length : spec.shape[spec.shape.length - 1];
    const result = await probeEndpoint(endpoint, {
      budget: ctx.options.budget,
      loadRequests: ctx.options.loadRequests,
      loadConcurrency: ctx.options.loadConcurrency,
      latencyThresholdMs: ctx.options.latencyThresholdMs,
      hugeBytes: ctx.options.hugeBytes,
      ...(ctx.options.expectAuth !== undefined && { expectAuth: ctx.options.expectAuth }),
      ...(features !== undefined && { features }),
      signal: ctx.signal,
    });
    for (const finding of result.findings) ctx.report(finding);
    for (const reason of result.incomplete) ctx.incomplete(reason);
    ctx.metric('requestsUsed', result.requestsUsed);
    ctx.metric('budget', result.budget);
    ctx.metric(
      'probes',
      Object.fromEntries(
        result.probes.map((p) => [
          p.id,
          p.status === undefined ? p.outcome : `${p.outcome} (HTTP ${p.status})`,
        ]),
      ),
    );
    if (result.latency) ctx.metric('latency', { ...result.latency });
  },
});
