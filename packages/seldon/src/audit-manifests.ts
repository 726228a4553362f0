import type { FindingInput, Manifest, Severity } from '@mlwarden/core';
import {
  containersOf,
  graphNodesOf,
  list,
  metadataOf,
  num,
  type Obj,
  obj,
  podsOf,
  specOf,
  str,
} from './_manifest-view.js';
import { MANIFEST_RULES, type ManifestRuleName } from './manifest-rules.js';
import { formatPath, type ManifestPath, seldonGeneration } from './parse-manifests.js';

export interface AuditOptions {
  /** Treat resources as production: `auto` reads namespace and labels. Default `auto`. */
  production?: 'auto' | 'always' | 'never';
  /** Logger hosts considered inside your trust boundary (besides `*.svc` / `*.cluster.local`). */
  allowedLoggerHosts?: readonly string[];
  /** Storage URI prefixes you control, never reported as public. */
  trustedStorage?: readonly string[];
}

/** A finding of the manifest audit, ready for `ctx.report`. */
export interface ManifestFinding extends FindingInput {
  rule: ManifestRuleName;
  severity: Severity;
}

const SECRET_NAME =
  /(secret|password|passwd|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)/i;
const SECRET_VALUE = [
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/,
];
const DANGEROUS_CAPS = new Set([
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'DAC_READ_SEARCH',
  'NET_RAW',
  'SYS_RAWIO',
  'BPF',
]);
const PUBLIC_BUCKETS = [
  'gs://seldon-models/',
  'gs://kfserving-examples/',
  'gs://kfserving-samples/',
  's3://seldon-models/',
];
const PUBLIC_HOSTS = [
  /^storage\.googleapis\.com$/,
  /(^|\.)s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/,
  /\.blob\.core\.windows\.net$/,
  /^raw\.githubusercontent\.com$/,
  /^github\.com$/,
  /^huggingface\.co$/,
];
/**
 * Protocols each prepackaged v1 server supports, from the `predictor_servers` defaults of the
 * `seldon-config` ConfigMap (Seldon Core v1 operator).
 */
const V1_SERVER_PROTOCOLS: Record<string, readonly string[]> = {
  SKLEARN_SERVER: ['seldon', 'v2', 'kfserving'],
  XGBOOST_SERVER: ['seldon', 'v2', 'kfserving'],
  MLFLOW_SERVER: ['seldon', 'v2', 'kfserving'],
  TENSORFLOW_SERVER: ['seldon', 'tensorflow'],
  TRITON_SERVER: ['v2', 'kfserving'],
};
/** Default `SELDON_SERVER_CAPABILITIES` of Seldon Core v2's ServerConfigs. */
const V2_SERVER_CAPABILITIES: Record<string, readonly string[]> = {
  mlserver: [
    'mlserver',
    'alibi-detect',
    'alibi-explain',
    'huggingface',
    'lightgbm',
    'mlflow',
    'python',
    'sklearn',
    'spark-mlib',
    'xgboost',
  ],
  triton: [
    'triton',
    'dali',
    'fil',
    'onnx',
    'openvino',
    'python',
    'pytorch',
    'tensorflow',
    'tensorrt',
  ],
};

type Emit = (
  rule: ManifestRuleName,
  manifest: Manifest,
  path: ManifestPath,
  message: string,
  extra?: { severity?: Severity; evidence?: Record<string, unknown>; key?: string },
) => void;

/** Line of `path`, or of its nearest ancestor that exists in the file. */
function lineOf(manifest: Manifest, path: ManifestPath): number | undefined {
  for (let end = path.length; end >= 0; end--) {
    const pos = manifest.positionOf?.(path.slice(0, end));
    if (pos) return pos.line;
  }
  return undefined;
}

function resourceOf(manifest: Manifest): string {
  const { name, namespace } = metadataOf(manifest);
  return `${manifest.kind ?? 'Resource'}/${namespace ? `${namespace}/` : ''}${name}`;
}

function isProduction(manifest: Manifest, mode: AuditOptions['production']): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const { namespace, labels } = metadataOf(manifest);
  const prodWord = /(^|[-_.])prod(uction)?($|[-_.])/i;
  if (namespace && prodWord.test(namespace)) return true;
  for (const key of ['env', 'environment', 'tier', 'stage']) {
    const value = str(labels[key]);
    if (value && /^prod(uction)?$/i.test(value)) return true;
  }
  return false;
}

function hostOf(uri: string): string | undefined {
  try {
    return new URL(uri).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function clusterLocal(host: string, allowed: readonly string[]): boolean {
  return (
    !host.includes('.') ||
    host.endsWith('.svc') ||
    host.endsWith('.cluster.local') ||
    host === 'localhost' ||
    allowed.some((a) => host === a.toLowerCase() || host.endsWith(`.${a.toLowerCase()}`))
  );
}

function checkImages(manifest: Manifest, emit: Emit): void {
  const images: Array<{ image: string; path: ManifestPath }> = [];
  for (const ref of containersOf(manifest)) {
    const image = str(ref.container.image);
    if (image) images.push({ image, path: [...ref.path, 'image'] });
  }
  for (const g of graphNodesOf(manifest)) {
    const image = str(g.node.storageInitializerImage);
    if (image) images.push({ image, path: [...g.path, 'storageInitializerImage'] });
  }
  list(specOf(manifest).predictors).forEach((p, i) => {
    const image = str(obj(obj(p)?.explainer)?.storageInitializerImage);
    if (image)
      images.push({
        image,
        path: ['spec', 'predictors', i, 'explainer', 'storageInitializerImage'],
      });
  });
  for (const { image, path } of images) {
    if (/@sha256:[0-9a-f]{64}$/i.test(image)) continue;
    const tag = /:([^/:@]+)$/.exec(image)?.[1];
    emit(
      'image-unpinned',
      manifest,
      path,
      `image ${image} is not pinned by digest${tag ? ` (tag "${tag}" can move)` : ' (no tag: "latest")'}`,
      {
        evidence: { image },
        ...(tag === undefined || tag === 'latest' ? {} : { severity: 'low' as Severity }),
      },
    );
  }
}

function checkPodSecurity(manifest: Manifest, emit: Emit): void {
  for (const { pod, path } of podsOf(manifest)) {
    for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (pod[key] === true)
        emit(
          'privileged-container',
          manifest,
          [...path, key],
          `the pod shares the host's ${key.slice(4).toLowerCase()} namespace (${key}: true)`,
        );
    }
    list(pod.volumes).forEach((v, i) => {
      const hostPath = obj(obj(v)?.hostPath);
      if (hostPath) {
        emit(
          'privileged-container',
          manifest,
          [...path, 'volumes', i, 'hostPath'],
          `volume mounts host path ${str(hostPath.path) ?? '(unknown)'}`,
          {
            evidence: { hostPath: str(hostPath.path) ?? null },
          },
        );
      }
    });
  }
  const rootChecked = new Set<Obj>();
  for (const ref of containersOf(manifest)) {
    const sc = obj(ref.container.securityContext) ?? {};
    const scPath = [...ref.path, 'securityContext'];
    const name = str(ref.container.name) ?? formatPath(ref.path);
    if (sc.privileged === true) {
      emit(
        'privileged-container',
        manifest,
        [...scPath, 'privileged'],
        `container ${name} runs privileged`,
        { severity: 'critical' },
      );
    }
    if (sc.allowPrivilegeEscalation === true) {
      emit(
        'privileged-container',
        manifest,
        [...scPath, 'allowPrivilegeEscalation'],
        `container ${name} allows privilege escalation`,
      );
    }
    list(obj(sc.capabilities)?.add).forEach((cap, i) => {
      const c = String(cap).toUpperCase().replace(/^CAP_/, '');
      if (DANGEROUS_CAPS.has(c)) {
        emit(
          'privileged-container',
          manifest,
          [...scPath, 'capabilities', 'add', i],
          `container ${name} adds capability ${c}`,
          { evidence: { capability: c } },
        );
      }
    });
    const podSc = obj(ref.pod?.securityContext) ?? {};
    const podScPath = ref.podPath ? [...ref.podPath, 'securityContext'] : undefined;
    if (num(sc.runAsUser) === 0) {
      emit(
        'runs-as-root',
        manifest,
        [...scPath, 'runAsUser'],
        `container ${name} runs as root (runAsUser: 0)`,
      );
    } else if (sc.runAsNonRoot === false) {
      emit(
        'runs-as-root',
        manifest,
        [...scPath, 'runAsNonRoot'],
        `container ${name} allows root (runAsNonRoot: false)`,
      );
    } else if (num(podSc.runAsUser) === 0 && sc.runAsUser === undefined && podScPath) {
      if (!rootChecked.has(podSc)) {
        rootChecked.add(podSc);
        emit(
          'runs-as-root',
          manifest,
          [...podScPath, 'runAsUser'],
          'the pod runs its containers as root (runAsUser: 0)',
        );
      }
    } else if (
      ref.container.image !== undefined &&
      !ref.override &&
      sc.runAsNonRoot !== true &&
      podSc.runAsNonRoot !== true &&
      num(sc.runAsUser) === undefined &&
      num(podSc.runAsUser) === undefined
    ) {
      emit(
        'runs-as-root',
        manifest,
        scPath,
        `container ${name} does not set runAsNonRoot; it runs as the image's user, often root`,
        { severity: 'low' },
      );
    }
  }
}

function checkLimits(manifest: Manifest, emit: Emit): void {
  const spec = specOf(manifest);
  if (manifest.kind === 'SeldonDeployment') {
    list(spec.predictors).forEach((p, i) => {
      const predictor = obj(p);
      if (predictor && list(predictor.componentSpecs).length === 0) {
        emit(
          'missing-resource-limits',
          manifest,
          ['spec', 'predictors', i, 'componentSpecs'],
          `predictor ${str(predictor.name) ?? i} sets no componentSpecs, so its containers get no resource limits`,
        );
      }
    });
  }
  if (manifest.kind === 'Model' && spec.memory === undefined) {
    emit(
      'missing-resource-limits',
      manifest,
      ['spec', 'memory'],
      'the Model declares no memory, so the scheduler may overcommit the server it lands on',
      { severity: 'low' },
    );
  }
  for (const ref of containersOf(manifest)) {
    if (ref.override) continue;
    const isOverride = manifest.kind !== 'SeldonDeployment' && ref.container.image === undefined;
    const limits = obj(obj(ref.container.resources)?.limits);
    const missing = ['cpu', 'memory'].filter((k) => limits?.[k] === undefined);
    if (missing.length === 0 || (isOverride && ref.container.resources === undefined)) continue;
    const name = str(ref.container.name) ?? formatPath(ref.path);
    emit(
      'missing-resource-limits',
      manifest,
      [...ref.path, 'resources', 'limits'],
      `container ${name} has no ${missing.join(' or ')} limit`,
      {
        evidence: { missing },
      },
    );
  }
}

function checkEnvList(manifest: Manifest, env: unknown, path: ManifestPath, emit: Emit): void {
  list(env).forEach((e, i) => {
    const entry = obj(e);
    const name = str(entry?.name);
    const value = entry?.value;
    if (!entry || !name || typeof value !== 'string' || value === '') return;
    const byName = SECRET_NAME.test(name);
    const byValue = SECRET_VALUE.some((re) => re.test(value));
    if (byName || byValue) {
      emit(
        'plaintext-secret',
        manifest,
        [...path, i, 'value'],
        `environment variable ${name} holds a ${byValue ? 'credential' : 'secret-looking value'} in plain text`,
        {
          evidence: { variable: name, valueLength: value.length },
          key: name,
        },
      );
    }
  });
}

function checkSecrets(manifest: Manifest, emit: Emit): void {
  const spec = specOf(manifest);
  for (const ref of containersOf(manifest))
    checkEnvList(manifest, ref.container.env, [...ref.path, 'env'], emit);
  if (manifest.kind === 'SeldonDeployment') {
    for (const key of ['oauth_key', 'oauth_secret']) {
      if (typeof spec[key] === 'string' && spec[key] !== '') {
        emit(
          'plaintext-secret',
          manifest,
          ['spec', key],
          `spec.${key} is a legacy plaintext credential`,
          { key },
        );
      }
    }
    list(spec.predictors).forEach((p, i) => {
      checkEnvList(
        manifest,
        obj(obj(p)?.svcOrchSpec)?.env,
        ['spec', 'predictors', i, 'svcOrchSpec', 'env'],
        emit,
      );
    });
  }
  const params: Array<{ items: unknown; path: ManifestPath }> = [];
  if (manifest.kind === 'Model')
    params.push({ items: spec.parameters, path: ['spec', 'parameters'] });
  for (const g of graphNodesOf(manifest))
    params.push({ items: g.node.parameters, path: [...g.path, 'parameters'] });
  for (const { items, path } of params) {
    list(items).forEach((p, i) => {
      const name = str(obj(p)?.name);
      const value = obj(p)?.value;
      if (
        name &&
        typeof value === 'string' &&
        value !== '' &&
        (SECRET_NAME.test(name) || SECRET_VALUE.some((re) => re.test(value)))
      ) {
        emit(
          'plaintext-secret',
          manifest,
          [...path, i, 'value'],
          `parameter ${name} holds a secret-looking value in plain text`,
          {
            evidence: { parameter: name, valueLength: value.length },
            key: name,
          },
        );
      }
    });
  }
}

function checkStorage(manifest: Manifest, emit: Emit, options: AuditOptions): void {
  const uris: Array<{ uri: string; path: ManifestPath }> = [];
  for (const g of graphNodesOf(manifest)) {
    const uri = str(g.node.modelUri);
    if (uri) uris.push({ uri, path: [...g.path, 'modelUri'] });
  }
  const spec = specOf(manifest);
  list(spec.predictors).forEach((p, i) => {
    const uri = str(obj(obj(p)?.explainer)?.modelUri);
    if (uri) uris.push({ uri, path: ['spec', 'predictors', i, 'explainer', 'modelUri'] });
  });
  if (manifest.kind === 'Model') {
    const uri = str(spec.storageUri);
    if (uri) uris.push({ uri, path: ['spec', 'storageUri'] });
  }
  const trusted = options.trustedStorage ?? [];
  for (const { uri, path } of uris) {
    if (trusted.some((t) => uri.startsWith(t))) continue;
    if (/^http:\/\//i.test(uri)) {
      emit(
        'model-storage-insecure',
        manifest,
        path,
        `the model is downloaded over plain HTTP from ${hostOf(uri) ?? uri}`,
        { evidence: { uri } },
      );
      continue;
    }
    const host = /^https:\/\//i.test(uri) ? hostOf(uri) : undefined;
    if (
      PUBLIC_BUCKETS.some((b) => uri.startsWith(b)) ||
      (host && PUBLIC_HOSTS.some((re) => re.test(host)))
    ) {
      emit('model-storage-public', manifest, path, `the model comes from public storage (${uri})`, {
        evidence: { uri },
      });
    }
  }
}

function checkLogging(manifest: Manifest, emit: Emit, options: AuditOptions): void {
  for (const g of graphNodesOf(manifest)) {
    const logger = obj(g.node.logger);
    if (!logger) continue;
    const url = str(logger.url);
    const mode = str(logger.mode) ?? 'all';
    const path = [...g.path, 'logger'];
    const host = url ? hostOf(url) : undefined;
    if (url && host && !clusterLocal(host, options.allowedLoggerHosts ?? [])) {
      const plain = /^http:/i.test(url);
      emit(
        'payload-logging',
        manifest,
        [...path, 'url'],
        `graph node ${str(g.node.name) ?? ''} sends ${mode} payloads, unauthenticated${plain ? ' and unencrypted' : ''}, to external host ${host}`,
        {
          evidence: { host, mode, tls: !plain },
        },
      );
    } else {
      emit(
        'payload-logging',
        manifest,
        path,
        `graph node ${str(g.node.name) ?? ''} logs ${mode} payloads to ${host ?? 'the default in-cluster broker'}`,
        {
          severity: 'low',
          evidence: { mode, ...(host && { host }) },
        },
      );
    }
  }
  if (manifest.kind === 'Model') {
    const logger = obj(specOf(manifest).logger);
    if (logger) {
      emit(
        'payload-logging',
        manifest,
        ['spec', 'logger'],
        `the Model logs ${num(logger.percent) ?? 100}% of its payloads to Kafka topics`,
        {
          severity: 'low',
          evidence: { percent: num(logger.percent) ?? 100 },
        },
      );
    }
  }
}

/** Namespaces covered by an AuthorizationPolicy that requires an authenticated principal. */
function protectedNamespaces(manifests: readonly Manifest[]): Set<string> {
  const out = new Set<string>();
  for (const m of manifests) {
    if (m.kind !== 'AuthorizationPolicy' || seldonGeneration(m.apiVersion, m.kind) !== 'context')
      continue;
    const spec = specOf(m);
    const action = str(spec.action) ?? 'ALLOW';
    const rules = list(spec.rules).map(obj);
    const sources = rules.flatMap((r) => list(r?.from).map((f) => obj(obj(f)?.source) ?? {}));
    const requires =
      action === 'ALLOW'
        ? rules.length > 0 &&
          rules.every((r) =>
            list(r?.from).some((f) => {
              const s = obj(obj(f)?.source) ?? {};
              return list(s.requestPrincipals).length > 0 || list(s.principals).length > 0;
            }),
          )
        : action === 'DENY' &&
          sources.some(
            (s) => list(s.notRequestPrincipals).length > 0 || list(s.notPrincipals).length > 0,
          );
    if (requires) out.add(metadataOf(m).namespace ?? 'default');
  }
  return out;
}

function checkExplainers(manifest: Manifest, emit: Emit, covered: Set<string>): void {
  const ns = metadataOf(manifest).namespace ?? 'default';
  if (covered.has(ns) || covered.has('istio-system')) return;
  const spec = specOf(manifest);
  const found: Array<{ path: ManifestPath; type: string }> = [];
  list(spec.predictors).forEach((p, i) => {
    const explainer = obj(obj(p)?.explainer);
    if (explainer)
      found.push({
        path: ['spec', 'predictors', i, 'explainer'],
        type: str(explainer.type) ?? 'explainer',
      });
  });
  if (manifest.kind === 'Model') {
    const explainer = obj(spec.explainer);
    if (explainer)
      found.push({ path: ['spec', 'explainer'], type: str(explainer.type) ?? 'explainer' });
  }
  for (const { path, type } of found) {
    emit(
      'explainer-without-auth',
      manifest,
      path,
      `${type} explainer in namespace ${ns} is reachable without authentication (no AuthorizationPolicy requiring a principal in the audited files)`,
      {
        evidence: { type, namespace: ns },
      },
    );
  }
}

function checkReplicas(manifest: Manifest, emit: Emit, options: AuditOptions): void {
  if (!isProduction(manifest, options.production ?? 'auto')) return;
  const spec = specOf(manifest);
  if (manifest.kind === 'SeldonDeployment') {
    list(spec.predictors).forEach((p, i) => {
      const predictor = obj(p);
      if (!predictor || predictor.shadow === true || num(predictor.traffic) === 0) return;
      const base = num(predictor.replicas) ?? num(spec.replicas) ?? 1;
      const comps = list(predictor.componentSpecs).map(obj);
      const perComp = comps.map(
        (c) => num(obj(c?.hpaSpec)?.minReplicas) ?? num(c?.replicas) ?? base,
      );
      const effective = perComp.length > 0 ? Math.min(...perComp) : base;
      if (effective < 2) {
        emit(
          'single-replica',
          manifest,
          ['spec', 'predictors', i, 'replicas'],
          `production predictor ${str(predictor.name) ?? i} runs ${effective} replica`,
          { evidence: { replicas: effective } },
        );
      }
    });
  } else if (manifest.kind === 'Model' || manifest.kind === 'Server') {
    const effective = Math.max(num(spec.replicas) ?? 1, num(spec.minReplicas) ?? 0);
    if (effective < 2) {
      emit(
        'single-replica',
        manifest,
        ['spec', 'replicas'],
        `production ${manifest.kind} runs ${effective} replica`,
        { evidence: { replicas: effective } },
      );
    }
  }
}

function checkProtocols(manifest: Manifest, emit: Emit, all: readonly Manifest[]): void {
  const spec = specOf(manifest);
  if (manifest.kind === 'SeldonDeployment') {
    const protocol = (str(spec.protocol) ?? 'seldon').toLowerCase();
    for (const g of graphNodesOf(manifest)) {
      const impl = str(g.node.implementation);
      const supported = impl ? V1_SERVER_PROTOCOLS[impl] : undefined;
      if (impl && supported && !supported.includes(protocol)) {
        emit(
          'protocol-mismatch',
          manifest,
          [...g.path, 'implementation'],
          `${impl} does not serve the "${protocol}" protocol (it supports ${supported.join(', ')})`,
          {
            evidence: { implementation: impl, protocol },
          },
        );
      }
    }
  }
  if (manifest.kind === 'Model') {
    const serverName = str(spec.server);
    if (!serverName) return;
    const ns = metadataOf(manifest).namespace;
    const server = all.find(
      (m) =>
        m.kind === 'Server' && metadataOf(m).name === serverName && metadataOf(m).namespace === ns,
    );
    if (!server) return;
    const sspec = specOf(server);
    const defaults = V2_SERVER_CAPABILITIES[str(sspec.serverConfig) ?? ''];
    if (!defaults) return;
    const capabilities = new Set([...defaults, ...list(sspec.extraCapabilities).map(String)]);
    const needs = [
      ...list(spec.requirements).map(String),
      ...(str(spec.modelType) ? [str(spec.modelType) as string] : []),
    ];
    needs.forEach((need, i) => {
      if (!capabilities.has(need)) {
        const path: ManifestPath =
          i < list(spec.requirements).length ? ['spec', 'requirements', i] : ['spec', 'modelType'];
        emit(
          'protocol-mismatch',
          manifest,
          path,
          `the Model needs "${need}" but its Server ${serverName} (${str(sspec.serverConfig)}) does not offer it`,
          {
            evidence: { requirement: need, server: serverName },
            key: need,
          },
        );
      }
    });
  }
}

function checkMirroring(manifest: Manifest, emit: Emit): void {
  const spec = specOf(manifest);
  if (manifest.kind === 'SeldonDeployment') {
    list(spec.predictors).forEach((p, i) => {
      if (obj(p)?.shadow === true) {
        emit(
          'traffic-mirroring',
          manifest,
          ['spec', 'predictors', i, 'shadow'],
          `predictor ${str(obj(p)?.name) ?? i} is a shadow: it receives a copy of every production request`,
        );
      }
    });
  }
  if (manifest.kind === 'Experiment') {
    const mirror = obj(spec.mirror);
    if (mirror) {
      emit(
        'traffic-mirroring',
        manifest,
        ['spec', 'mirror'],
        `${num(mirror.percent) ?? 100}% of the traffic is mirrored to ${str(mirror.name) ?? '(unnamed)'}`,
        {
          evidence: { mirror: str(mirror.name) ?? null, percent: num(mirror.percent) ?? 100 },
        },
      );
    }
  }
}

/**
 * Audits parsed Seldon manifests (v1 SeldonDeployment; v2 Model, Server, ServerConfig, Pipeline,
 * Experiment) and returns findings that point at file, resource, field and line. Documents of
 * other kinds are skipped, except Istio AuthorizationPolicies, which count as authentication in
 * front of explainers in their namespace.
 */
export function auditManifests(
  manifests: readonly Manifest[],
  options: AuditOptions = {},
): ManifestFinding[] {
  const findings: ManifestFinding[] = [];
  const covered = protectedNamespaces(manifests);
  for (const manifest of manifests) {
    const generation = seldonGeneration(manifest.apiVersion, manifest.kind);
    if (generation !== 'v1' && generation !== 'v2') continue;
    const emit: Emit = (rule, m, path, message, extra = {}) => {
      const meta = MANIFEST_RULES[rule];
      const line = lineOf(m, path);
      findings.push({
        rule,
        severity: extra.severity ?? meta.severity,
        message: `${resourceOf(m)}: ${message}`,
        location: {
          uri: m.source,
          document: m.index,
          ...(line !== undefined && { line }),
          resource: resourceOf(m),
          field: formatPath(path),
        },
        ...(extra.evidence !== undefined && { evidence: extra.evidence }),
        remediation: meta.remediation,
        taxonomy: meta.taxonomy,
        ...(extra.key !== undefined && { key: extra.key }),
      });
    };
    checkImages(manifest, emit);
    checkPodSecurity(manifest, emit);
    checkLimits(manifest, emit);
    checkSecrets(manifest, emit);
    checkStorage(manifest, emit, options);
    checkLogging(manifest, emit, options);
    checkExplainers(manifest, emit, covered);
    checkReplicas(manifest, emit, options);
    checkProtocols(manifest, emit, manifests);
    checkMirroring(manifest, emit);
  }
  return findings;
}
