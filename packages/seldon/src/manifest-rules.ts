import type { RuleMeta, Severity, Taxonomy } from '@mlwarden/core';

export interface ManifestRuleMeta extends RuleMeta {
  severity: Severity;
  remediation: string;
  taxonomy: Taxonomy;
  /** Seldon generations the rule reads. */
  generations: ReadonlyArray<'v1' | 'v2'>;
}

/** The rules of `seldon.manifest`, by rule name (`seldon.manifest/<name>`). */
export const MANIFEST_RULES = {
  'image-unpinned': {
    title: 'Container image not pinned by digest',
    description:
      'An image reference without `@sha256:` can be replaced in the registry after review: the next pull runs whatever the tag points to.',
    severity: 'medium',
    remediation:
      'Reference every image by digest (`repo/image@sha256:…`), e.g. resolved by your CI at release time.',
    taxonomy: { atlas: ['AML.T0010.004'], owasp: ['ML06'] },
    generations: ['v1', 'v2'],
  },
  'privileged-container': {
    title: 'Privileged container or host access',
    description:
      'A privileged container, privilege escalation, added kernel capabilities, host namespaces or hostPath volumes let a compromised model server take over the node.',
    severity: 'high',
    remediation:
      'Remove `privileged`, set `allowPrivilegeEscalation: false`, drop capabilities, and do not share host namespaces or mount host paths.',
    taxonomy: { atlas: ['AML.T0049'], owasp: ['ML06'] },
    generations: ['v1', 'v2'],
  },
  'runs-as-root': {
    title: 'Container may run as root',
    description:
      'A container that runs as user 0, or whose pod never sets `runAsNonRoot: true`, gives code in a malicious model file root inside the container.',
    severity: 'high',
    remediation:
      'Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` on the pod or every container.',
    taxonomy: { atlas: ['AML.T0011.000'], owasp: ['ML06'] },
    generations: ['v1', 'v2'],
  },
  'missing-resource-limits': {
    title: 'No resource limits',
    description:
      'Without CPU and memory limits (v1 containers, v2 Server pods) or a declared model memory (v2 Model), one flood of large requests can starve the node and every model on it.',
    severity: 'medium',
    remediation:
      'Set `resources.limits.cpu` and `resources.limits.memory` on every container; set `spec.memory` on v2 Models.',
    taxonomy: { atlas: ['AML.T0029'] },
    generations: ['v1', 'v2'],
  },
  'plaintext-secret': {
    title: 'Secret in plain text',
    description:
      'A credential written into the manifest (an env value, a model parameter, the legacy `oauth_key`/`oauth_secret`) is readable by everyone who can read the resource or its Git history.',
    severity: 'high',
    remediation:
      'Store the value in a Kubernetes Secret and reference it with `valueFrom.secretKeyRef`, `envSecretRefName` (v1) or `secretName` (v2); rotate the exposed credential.',
    taxonomy: { atlas: ['AML.T0012'], owasp: ['ML06'] },
    generations: ['v1', 'v2'],
  },
  'model-storage-insecure': {
    title: 'Model downloaded over plain HTTP',
    description:
      'A model URI with `http://` can be read and replaced by anyone on the network path; the server then loads (for pickle-based formats: executes) the substituted file.',
    severity: 'high',
    remediation:
      'Serve model artifacts over HTTPS or from an authenticated bucket (`s3://`, `gs://` with a secret).',
    taxonomy: { atlas: ['AML.T0010.003'], owasp: ['ML06', 'ML10'] },
    generations: ['v1', 'v2'],
  },
  'model-storage-public': {
    title: 'Model from a public bucket',
    description:
      'A model loaded from a world-readable sample bucket or public web storage is controlled by a third party and can change under you.',
    severity: 'medium',
    remediation:
      'Copy the artifact into storage you control, pin it (artifact version or content hash), and load it with credentials.',
    taxonomy: { atlas: ['AML.T0010.003'], owasp: ['ML06'] },
    generations: ['v1', 'v2'],
  },
  'payload-logging': {
    title: 'Request and response payloads are logged',
    description:
      'v1 `graph.logger` sends every request and response as CloudEvents, without authentication, to its URL; v2 `spec.logger` copies payloads to Kafka topics. Payloads often hold personal data; an external or plain-HTTP destination leaks them.',
    severity: 'high',
    remediation:
      'Log only where needed, to an in-cluster, access-controlled sink over TLS; drop or mask personal fields and set a retention limit.',
    taxonomy: { atlas: ['AML.T0024'], owasp: ['ML03'] },
    generations: ['v1', 'v2'],
  },
  'explainer-without-auth': {
    title: 'Explainer without an authorization policy',
    description:
      'An explainer answers with model internals (feature attributions, anchors) that speed up model extraction and inversion. Seldon adds no authentication; no Istio AuthorizationPolicy requiring a principal covers its namespace in the audited files.',
    severity: 'medium',
    remediation:
      'Put an Istio RequestAuthentication and an AuthorizationPolicy that requires `requestPrincipals` in front of the namespace, or remove the explainer from production.',
    taxonomy: { atlas: ['AML.T0024.002', 'AML.T0040'], owasp: ['ML05', 'ML03'] },
    generations: ['v1', 'v2'],
  },
  'single-replica': {
    title: 'Single replica in production',
    description:
      'A production model or server with one replica goes down with its pod: one crash-inducing request (or a node drain) is a denial of service.',
    severity: 'medium',
    remediation:
      'Run at least two replicas (`replicas`, `minReplicas`, or an HPA with `minReplicas >= 2`).',
    taxonomy: { atlas: ['AML.T0029'] },
    generations: ['v1', 'v2'],
  },
  'protocol-mismatch': {
    title: 'Protocol or server mismatch',
    description:
      'The protocol of a SeldonDeployment does not fit its prepackaged server, or a v2 Model needs a capability its pinned Server lacks: the deployment fails or falls back in ways the owners did not review.',
    severity: 'low',
    remediation:
      'Use a protocol the server supports (TRITON_SERVER only speaks v2; TENSORFLOW_SERVER seldon or tensorflow), or pin the Model to a Server with the capability.',
    taxonomy: {},
    generations: ['v1', 'v2'],
  },
  'traffic-mirroring': {
    title: 'Production traffic mirrored',
    description:
      'A shadow predictor (v1) or an Experiment mirror (v2) receives copies of production payloads; the copy widens who sees the data and is easy to forget.',
    severity: 'low',
    remediation:
      'Remove the mirror once the comparison is done, and give the shadow model the same protections as production.',
    taxonomy: { owasp: ['ML03'] },
    generations: ['v1', 'v2'],
  },
} as const satisfies Record<string, ManifestRuleMeta>;

export type ManifestRuleName = keyof typeof MANIFEST_RULES;
