import type { FindingInput, Severity, Taxonomy } from '@mlwarden/core';
import { redact } from '@mlwarden/core';
import {
  buildSample,
  findStackTrace,
  type MalformedProbe,
  malformedProbes,
  type ProbeRequest,
  type ProbeSample,
} from './_probe-payloads.js';
import { EndpointError } from './endpoint-error.js';
import type { EndpointClient } from './endpoint-model-target.js';
import { bodyExcerpt, type HttpResponse, parseJsonBody } from './endpoint-transport.js';
import type { OipInferRequest, OipModelMetadata, OipServerMetadata } from './oip-client.js';
import { decodeOutput } from './oip-tensor.js';
import { openEndpointClient } from './open-endpoint.js';
import { decodeSeldonResponse } from './seldon-v1-client.js';

export interface ProbeOptions {
  /** Most requests the probes may send, all of them together. Default 40. */
  budget?: number;
  /** Requests of the load probe (capped by what is left of the budget). Default 16. */
  loadRequests?: number;
  /** Requests in flight during the load probe. Default 4. */
  loadConcurrency?: number;
  /** p95 latency under load above which a finding is reported. Default 2000 ms. */
  latencyThresholdMs?: number;
  /** Size of the huge-tensor probe's body. Default 1 MiB. */
  hugeBytes?: number;
  /** Whether the endpoint must refuse requests without credentials. Default: true when credentials are configured. */
  expectAuth?: boolean;
  /** Feature count, when the endpoint has no metadata (always for Seldon v1). */
  features?: number;
  inputName?: string;
  datatype?: string;
  /** A valid OIP request to derive the probes from, instead of zeros from the metadata. */
  sample?: OipInferRequest;
  signal?: AbortSignal;
  /** For endpoint URIs: the environment to read credentials from. */
  env?: Readonly<Record<string, string | undefined>>;
}

export type ProbeOutcome = 'robust' | 'finding' | 'failed' | 'skipped';

export interface ProbeResult {
  id: string;
  title: string;
  outcome: ProbeOutcome;
  /** HTTP status of the (last) answer, when there was one. */
  status?: number;
  elapsedMs?: number;
  detail: string;
}

/** Names of the probe findings' rules (`seldon.endpoint/<rule>`). */
export type ProbeRule =
  | 'version-disclosure'
  | 'api-docs-exposed'
  | 'model-repository-exposed'
  | 'metadata-incomplete'
  | 'unauthenticated-access'
  | 'schema-mismatch'
  | 'valid-request-failed'
  | 'accepts-malformed-input'
  | 'server-error'
  | 'hang'
  | 'connection-dropped'
  | 'stack-trace-disclosure'
  | 'errors-under-load'
  | 'slow-under-load';

export interface ProbeFinding extends FindingInput {
  rule: ProbeRule;
  severity: Severity;
}

export interface ProbeReport {
  endpoint: string;
  protocol: EndpointClient['protocol'];
  budget: number;
  /** Requests the probes sent (never more than `budget`). */
  requestsUsed: number;
  probes: ProbeResult[];
  findings: ProbeFinding[];
  /** Why some probes did not run; empty when all ran. */
  incomplete: string[];
  latency?: {
    requests: number;
    concurrency: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    errors: number;
  };
}

const TAXONOMY: Partial<Record<ProbeRule, Taxonomy>> = {
  'unauthenticated-access': { atlas: ['AML.T0040'], owasp: ['ML05'] },
  'model-repository-exposed': { atlas: ['AML.T0040', 'AML.T0018'], owasp: ['ML10'] },
  'version-disclosure': { atlas: ['AML.T0049'] },
  'stack-trace-disclosure': { atlas: ['AML.T0049'] },
  'errors-under-load': { atlas: ['AML.T0029'] },
  'slow-under-load': { atlas: ['AML.T0029'] },
  hang: { atlas: ['AML.T0029'] },
  'connection-dropped': { atlas: ['AML.T0029'] },
  'server-error': { atlas: ['AML.T0029'], owasp: ['ML01'] },
  'accepts-malformed-input': { owasp: ['ML01'] },
};

const REMEDIATION: Record<ProbeRule, string> = {
  'version-disclosure':
    'Hide server name and version from anonymous callers (block GET /v2 at the gateway).',
  'api-docs-exposed':
    'Do not expose the OpenAPI/Swagger pages (/v2/docs) through the public gateway.',
  'model-repository-exposed':
    'Block /v2/repository/* at the gateway: it lists, loads and unloads models without authentication.',
  'metadata-incomplete':
    'Declare inputs and outputs (names, datatypes, shapes) in the model settings so clients and the server can validate requests.',
  'unauthenticated-access':
    'Require authentication (e.g. Istio RequestAuthentication + AuthorizationPolicy) for every inference path.',
  'schema-mismatch':
    'Make the model answer what its metadata declares, or fix the declared outputs.',
  'valid-request-failed':
    'Check the server logs: a well-formed request built from the declared metadata failed.',
  'accepts-malformed-input':
    'Validate inputs against the declared schema (shape, datatype, finite values) and answer 400 otherwise.',
  'server-error':
    'Validate inputs before they reach the model and answer 4xx; an unhandled 5xx shows the model code can be crashed by input.',
  hang: 'Bound request size and processing time; reject malformed input early.',
  'connection-dropped':
    'Find the crash in the server logs; a request must never kill the connection or the process.',
  'stack-trace-disclosure':
    'Turn off debug mode (MLServer: "debug": false in settings.json) so errors do not return tracebacks.',
  'errors-under-load':
    'Size replicas and limits for concurrent traffic; add autoscaling and request queue limits.',
  'slow-under-load': 'Add replicas or autoscaling; bound batch sizes.',
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] as number);
}

/**
 * Probes a live inference endpoint the way an attacker would, within a hard request budget:
 * metadata and API exposure, access without credentials, conformance of an answer to the declared
 * metadata, malformed inputs (a robust server answers 4xx; 5xx, hangs, dropped connections and
 * stack traces are findings) and response time under a bounded concurrent load.
 *
 * Never sends more than `budget` requests; probes that do not fit are reported in `incomplete`.
 */
export async function probeEndpoint(
  endpoint: EndpointClient | string,
  options: ProbeOptions = {},
): Promise<ProbeReport> {
  const budget = Math.floor(options.budget ?? 40);
  if (!(budget >= 0))
    throw new EndpointError('bad-request', `budget must be a number >= 0, got ${options.budget}`);
  const owned = typeof endpoint === 'string';
  const base = owned
    ? await openEndpointClient(endpoint, { ...(options.env && { env: options.env }) })
    : endpoint;
  const client = base.derive({ budget });
  const transport = client.transport;
  const where = transport.url;
  const secrets = transport.secrets;
  const probes: ProbeResult[] = [];
  const findings: ProbeFinding[] = [];
  const incomplete: string[] = [];
  const signal = options.signal;

  const report = (
    rule: ProbeRule,
    severity: Severity,
    message: string,
    extra: { evidence?: Record<string, unknown>; key?: string; field?: string } = {},
  ) => {
    findings.push({
      rule,
      severity,
      message: redact(message, secrets),
      location: {
        uri: where,
        resource: client.protocol === 'oip' ? `model/${client.model}` : 'deployment',
        ...(extra.field && { field: extra.field }),
      },
      ...(extra.evidence && { evidence: extra.evidence }),
      remediation: REMEDIATION[rule],
      ...(TAXONOMY[rule] && { taxonomy: TAXONOMY[rule] }),
      ...(extra.key && { key: extra.key }),
    });
  };
  const fits = (id: string, title: string, cost: number) => {
    const left = transport.gate.remaining ?? Number.POSITIVE_INFINITY;
    if (left >= cost) return true;
    probes.push({
      id,
      title,
      outcome: 'skipped',
      detail: `needs ${cost} requests; ${left} left in the budget`,
    });
    incomplete.push(`probe ${id} skipped: the budget of ${budget} requests was used up`);
    return false;
  };
  const raw = async (request: ProbeRequest, kind: 'probe' | 'infer', anonymous = false) =>
    transport.send({
      method: 'POST',
      path: request.path,
      body: request.body,
      kind,
      safe: false,
      ...(signal && { signal }),
      ...(anonymous && { anonymous }),
    });
  const get = (
    path: string,
    kind: 'probe' | 'server-metadata' | 'model-metadata' | 'live' | 'ready',
    anonymous = false,
  ) =>
    transport.send({
      method: 'GET',
      path,
      kind,
      safe: false,
      ...(signal && { signal }),
      ...(anonymous && { anonymous }),
    });
  const noteStack = (id: string, response: HttpResponse) => {
    const trace = findStackTrace(response.body.toString('utf8'));
    if (trace) {
      report(
        'stack-trace-disclosure',
        'medium',
        `${id}: the error answer (HTTP ${response.status}) contains a stack trace`,
        {
          evidence: { probe: id, status: response.status, firstLine: redact(trace, secrets) },
          key: id,
        },
      );
    }
    return trace;
  };

  // 1. Health, metadata and API exposure.
  let metadata: OipModelMetadata | undefined;
  if (client.protocol === 'oip') {
    if (fits('health', 'server liveness and readiness', 2)) {
      const live = await get('/v2/health/live', 'live').catch((e: unknown) => e);
      const ready = await get('/v2/health/ready', 'ready').catch((e: unknown) => e);
      const status = (r: unknown) =>
        EndpointError.isEndpointError(r) ? r.kind : String((r as HttpResponse).status);
      probes.push({
        id: 'health',
        title: 'server liveness and readiness',
        outcome: 'robust',
        detail: `live: ${status(live)}, ready: ${status(ready)}`,
      });
      if (
        EndpointError.isEndpointError(live) &&
        (live.kind === 'unreachable' || live.kind === 'tls')
      )
        throw live;
    }
    if (fits('server-metadata', 'server metadata (GET /v2)', 1)) {
      const r = await get('/v2', 'server-metadata');
      let detail = `HTTP ${r.status}`;
      if (r.status === 200) {
        try {
          const m = parseJsonBody(r, 'server metadata', where) as Partial<OipServerMetadata>;
          detail = `${m.name ?? '?'} ${m.version ?? '?'}`;
          if (m.version) {
            report(
              'version-disclosure',
              'low',
              `the server tells ${transport.hasCredentials ? 'callers' : 'anonymous callers'} its name and version (${m.name ?? '?'} ${m.version})`,
              {
                evidence: { name: m.name ?? null, version: m.version },
                field: '/v2',
              },
            );
          }
        } catch {
          detail = 'HTTP 200 with a body that is not JSON';
        }
      }
      probes.push({
        id: 'server-metadata',
        title: 'server metadata (GET /v2)',
        outcome: r.status === 200 ? 'finding' : 'robust',
        status: r.status,
        detail,
      });
    }
    if (fits('model-metadata', 'model metadata', 1)) {
      try {
        metadata = await client.modelMetadata(signal);
        const empty = metadata.inputs.length === 0 || metadata.outputs.length === 0;
        if (empty) {
          report(
            'metadata-incomplete',
            'low',
            `model ${client.model} declares ${metadata.inputs.length} inputs and ${metadata.outputs.length} outputs; requests cannot be validated against a schema`,
            {
              field: client.modelPath(),
            },
          );
        }
        probes.push({
          id: 'model-metadata',
          title: 'model metadata',
          outcome: empty ? 'finding' : 'robust',
          detail: `${metadata.inputs.length} inputs, ${metadata.outputs.length} outputs`,
        });
      } catch (error) {
        if (
          EndpointError.isEndpointError(error) &&
          (error.kind === 'unreachable' || error.kind === 'tls' || error.kind === 'auth')
        )
          throw error;
        probes.push({
          id: 'model-metadata',
          title: 'model metadata',
          outcome: 'failed',
          detail: redact((error as Error).message, secrets),
        });
      }
    }
    if (fits('api-docs', 'OpenAPI pages (GET /v2/docs)', 1)) {
      const r = await get('/v2/docs', 'probe');
      if (r.status === 200)
        report(
          'api-docs-exposed',
          'low',
          'the interactive API documentation is served at /v2/docs',
          { field: '/v2/docs' },
        );
      probes.push({
        id: 'api-docs',
        title: 'OpenAPI pages (GET /v2/docs)',
        outcome: r.status === 200 ? 'finding' : 'robust',
        status: r.status,
        detail: `HTTP ${r.status}`,
      });
    }
    if (fits('model-repository', 'model repository API (POST /v2/repository/index)', 1)) {
      const r = await raw({ path: '/v2/repository/index', body: '{}' }, 'probe');
      if (r.status === 200) {
        report(
          'model-repository-exposed',
          'high',
          'the model repository API answers: anyone who reaches the endpoint can list, load and unload models',
          {
            evidence: { listing: bodyExcerpt(r.body, secrets, 200) },
            field: '/v2/repository/index',
          },
        );
      }
      probes.push({
        id: 'model-repository',
        title: 'model repository API (POST /v2/repository/index)',
        outcome: r.status === 200 ? 'finding' : 'robust',
        status: r.status,
        detail: `HTTP ${r.status}`,
      });
    }
  }

  const sample: ProbeSample | undefined = buildSample(client, metadata, options);
  if (!sample) {
    incomplete.push(
      'no valid request could be built: the endpoint declares no inputs; give `features` (or a `sample` request)',
    );
  }

  // 2. Access without credentials.
  const expectAuth = options.expectAuth ?? transport.hasCredentials;
  if (sample && expectAuth) {
    if (fits('no-credentials', 'inference without credentials', 1)) {
      const r = await raw(sample.request, 'infer', true);
      const open = r.status >= 200 && r.status < 300;
      if (open) {
        report(
          'unauthenticated-access',
          'high',
          `the endpoint answered an inference request sent without credentials (HTTP ${r.status})`,
          {
            evidence: { status: r.status, credentialsConfigured: transport.hasCredentials },
          },
        );
      }
      probes.push({
        id: 'no-credentials',
        title: 'inference without credentials',
        outcome: open ? 'finding' : 'robust',
        status: r.status,
        detail: `HTTP ${r.status}`,
      });
    }
  } else if (sample) {
    probes.push({
      id: 'no-credentials',
      title: 'inference without credentials',
      outcome: 'skipped',
      detail: 'no credentials configured and expectAuth not set',
    });
  }

  // 3. A valid request, checked against the declared metadata.
  if (sample && fits('schema', 'answer conforms to the declared outputs', 1)) {
    const r = await raw(sample.request, 'infer').catch((e: unknown) => e);
    if (
      EndpointError.isEndpointError(r) &&
      (r.kind === 'unreachable' || r.kind === 'tls' || r.kind === 'aborted')
    )
      throw r;
    if (EndpointError.isEndpointError(r)) {
      report(
        r.kind === 'timeout' ? 'hang' : 'valid-request-failed',
        'medium',
        `a valid request failed: ${r.message}`,
      );
      probes.push({
        id: 'schema',
        title: 'answer conforms to the declared outputs',
        outcome: 'finding',
        detail: r.message,
      });
    } else {
      const response = r as HttpResponse;
      const problems: string[] = [];
      if (response.status !== 200) {
        noteStack('schema', response);
        report(
          'valid-request-failed',
          'medium',
          `a request built from the declared metadata got HTTP ${response.status}: ${bodyExcerpt(response.body, secrets, 160)}`,
          {
            evidence: { status: response.status },
          },
        );
      } else {
        try {
          const body = parseJsonBody(response, 'inference response', where);
          if (client.protocol === 'seldon-v1') {
            const p = decodeSeldonResponse(body, where);
            if (p.shape[0] !== 1) problems.push(`answered ${p.shape[0]} rows for 1`);
          } else {
            const outputs = (body as { outputs?: unknown[] }).outputs;
            if (!Array.isArray(outputs)) problems.push('no outputs list');
            const decoded = (outputs ?? []).map((o) => decodeOutput(o, where));
            for (const declared of metadata?.outputs ?? []) {
              const got = decoded.find((o) => o.name === declared.name);
              if (!got) continue;
              if (got.datatype !== declared.datatype)
                problems.push(
                  `output ${declared.name} is ${got.datatype}, declared ${declared.datatype}`,
                );
              const rankOk = got.shape.length === declared.shape.length;
              const dimsOk = rankOk && declared.shape.every((d, i) => d < 0 || d === got.shape[i]);
              if (!dimsOk)
                problems.push(
                  `output ${declared.name} has shape [${got.shape.join(', ')}], declared [${declared.shape.join(', ')}]`,
                );
            }
            const declaredNames = new Set((metadata?.outputs ?? []).map((o) => o.name));
            if (declaredNames.size > 0 && !decoded.some((o) => declaredNames.has(o.name))) {
              problems.push(
                `none of the outputs (${decoded.map((o) => o.name).join(', ')}) is declared`,
              );
            }
          }
        } catch (error) {
          problems.push((error as Error).message);
        }
        for (const problem of problems)
          report(
            'schema-mismatch',
            'medium',
            `the answer does not match the declared schema: ${problem}`,
            { key: problem },
          );
      }
      probes.push({
        id: 'schema',
        title: 'answer conforms to the declared outputs',
        outcome: response.status === 200 && problems.length === 0 ? 'robust' : 'finding',
        status: response.status,
        elapsedMs: Math.round(response.elapsedMs),
        detail:
          response.status === 200 ? problems.join('; ') || 'conforms' : `HTTP ${response.status}`,
      });
    }
  }

  // 4. Malformed inputs.
  if (sample) {
    for (const probe of malformedProbes(client, sample, options.hugeBytes ?? 1024 * 1024)) {
      if (!fits(probe.id, probe.title, 1)) continue;
      probes.push(await runMalformed(probe, raw, report, noteStack));
    }
  }

  // 5. Bounded concurrent load.
  if (sample) {
    const wanted = Math.floor(options.loadRequests ?? 16);
    const left = transport.gate.remaining ?? wanted;
    const count = Math.min(wanted, left);
    if (count < wanted)
      incomplete.push(`load probe sent ${count} of ${wanted} requests: the budget ran out`);
    if (count > 0) {
      const concurrency = Math.max(1, Math.floor(options.loadConcurrency ?? 4));
      const latencies: number[] = [];
      let errors = 0;
      let next = 0;
      const worker = async () => {
        while (next < count) {
          next++;
          const started = performance.now();
          try {
            const r = await raw(sample.request, 'infer');
            if (r.status >= 500) errors++;
          } catch {
            errors++;
          }
          latencies.push(performance.now() - started);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
      latencies.sort((a, b) => a - b);
      const latency = {
        requests: count,
        concurrency,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        maxMs: Math.round(latencies[latencies.length - 1] ?? 0),
        errors,
      };
      const threshold = options.latencyThresholdMs ?? 2000;
      if (errors > 0)
        report(
          'errors-under-load',
          'medium',
          `${errors} of ${count} valid requests failed at concurrency ${concurrency}`,
          { evidence: { ...latency } },
        );
      if (latency.p95Ms > threshold) {
        report(
          'slow-under-load',
          'low',
          `p95 latency ${latency.p95Ms} ms at concurrency ${concurrency} exceeds ${threshold} ms`,
          { evidence: { ...latency } },
        );
      }
      probes.push({
        id: 'load',
        title: `response time under load (${count} requests, concurrency ${concurrency})`,
        outcome: errors > 0 || latency.p95Ms > threshold ? 'finding' : 'robust',
        detail: `p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, max ${latency.maxMs} ms, ${errors} errors`,
      });
      if (owned) base.close();
      return finish(latency);
    }
  }
  if (owned) base.close();
  return finish(undefined);

  function finish(latency: ProbeReport['latency']): ProbeReport {
    return {
      endpoint: where,
      protocol: client.protocol,
      budget,
      requestsUsed: transport.gate.used,
      probes,
      findings,
      incomplete,
      ...(latency && { latency }),
    };
  }
}

async function runMalformed(
  probe: MalformedProbe,
  raw: (request: ProbeRequest, kind: 'infer') => Promise<HttpResponse>,
  report: (
    rule: ProbeRule,
    severity: Severity,
    message: string,
    extra?: { evidence?: Record<string, unknown>; key?: string },
  ) => void,
  noteStack: (id: string, response: HttpResponse) => string | undefined,
): Promise<ProbeResult> {
  let response: HttpResponse;
  try {
    response = await raw(probe.request, 'infer');
  } catch (error) {
    if (EndpointError.isEndpointError(error) && error.kind === 'timeout') {
      report('hang', 'high', `${probe.id} (${probe.title}): no answer within the timeout`, {
        key: probe.id,
        evidence: { probe: probe.id },
      });
      return { id: probe.id, title: probe.title, outcome: 'finding', detail: 'timed out' };
    }
    if (EndpointError.isEndpointError(error) && error.kind === 'unreachable') {
      report(
        'connection-dropped',
        'high',
        `${probe.id} (${probe.title}): the server dropped the connection`,
        { key: probe.id, evidence: { probe: probe.id } },
      );
      return { id: probe.id, title: probe.title, outcome: 'finding', detail: 'connection dropped' };
    }
    throw error;
  }
  const s = response.status;
  const trace = s >= 400 ? noteStack(probe.id, response) : undefined;
  const base = {
    id: probe.id,
    title: probe.title,
    status: s,
    elapsedMs: Math.round(response.elapsedMs),
  };
  if (s >= 500) {
    report(
      'server-error',
      'medium',
      `${probe.id} (${probe.title}): the server failed with HTTP ${s} instead of rejecting the input`,
      {
        key: probe.id,
        evidence: { probe: probe.id, status: s },
      },
    );
    return {
      ...base,
      outcome: 'finding',
      detail: `HTTP ${s}${trace ? ', with a stack trace' : ''}`,
    };
  }
  if (s >= 200 && s < 300 && probe.robust === '4xx') {
    report(
      'accepts-malformed-input',
      'medium',
      `${probe.id} (${probe.title}): the server answered HTTP ${s} to invalid input`,
      {
        key: probe.id,
        evidence: { probe: probe.id, status: s },
      },
    );
    return { ...base, outcome: 'finding', detail: `HTTP ${s}: accepted` };
  }
  if (s >= 400 || (s >= 200 && s < 300)) {
    return {
      ...base,
      outcome: trace ? 'finding' : 'robust',
      detail: `HTTP ${s}${trace ? ', with a stack trace' : ''}`,
    };
  }
  return { ...base, outcome: 'failed', detail: `unexpected HTTP ${s}` };
}
