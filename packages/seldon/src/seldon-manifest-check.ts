import { defineCheck, type RuleMeta } from '@mlwarden/core';
import { z } from 'zod';
import { auditManifests } from './audit-manifests.js';
import { MANIFEST_RULES } from './manifest-rules.js';
import { seldonGeneration } from './parse-manifests.js';

const options = z
  .object({
    /** Treat resources as production (single-replica rule): `auto` reads namespace and labels. */
    production: z.enum(['auto', 'always', 'never']).default('auto'),
    /** Logger hosts inside your trust boundary, besides `*.svc` and `*.cluster.local`. */
    allowedLoggerHosts: z.array(z.string().min(1)).default([]),
    /** Storage URI prefixes you control; never reported as public. */
    trustedStorage: z.array(z.string().min(1)).default([]),
  })
  .strict();

const rules: Record<string, RuleMeta> = Object.fromEntries(
  Object.entries(MANIFEST_RULES).map(([name, r]) => [
    name,
    {
      title: r.title,
      description: r.description,
      severity: r.severity,
      remediation: r.remediation,
    },
  ]),
);

/**
 * Audits SeldonDeployment (Seldon Core v1) and Model/Server/ServerConfig/Pipeline/Experiment
 * (Seldon Core v2) manifests before they are applied.
 */
export const seldonManifestCheck = defineCheck({
  meta: {
    id: 'seldon.manifest',
    title: 'Seldon manifest audit',
    description:
      'Finds insecure settings in Seldon Core v1 and v2 manifests: unpinned images, privileged or root containers, missing limits, plaintext secrets, insecure or public model storage, payload logging, unauthenticated explainers, single replicas in production, protocol mismatches and traffic mirroring.',
    category: 'deployment',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0010'], owasp: ['ML06'] },
    requires: ['deployments'],
    options,
    rules,
    docs: 'docs/checks/seldon.manifest.md',
  },
  run(ctx) {
    const counts: Record<string, number> = {};
    let ignored = 0;
    for (const m of ctx.inputs.deployments) {
      const generation = seldonGeneration(m.apiVersion, m.kind);
      if (generation === 'v1' || generation === 'v2')
        counts[m.kind as string] = (counts[m.kind as string] ?? 0) + 1;
      else if (generation === undefined) {
        ignored++;
        ctx.log.info(
          `${m.source} document ${m.index}: ${m.apiVersion ?? '?'}/${m.kind ?? '?'} is not a Seldon resource; ignored`,
        );
      }
    }
    const findings = auditManifests(ctx.inputs.deployments, {
      production: ctx.options.production,
      allowedLoggerHosts: ctx.options.allowedLoggerHosts,
      trustedStorage: ctx.options.trustedStorage,
    });
    for (const finding of findings) ctx.report(finding);
    ctx.metric('resources', counts);
    ctx.metric('ignoredDocuments', ignored);
  },
});
