import { defineCheck } from '@mlwarden/core';
import { z } from 'zod';

/**
 * Every training run must say who owns it and which commit trained it, and must not pull its
 * training data over plain HTTP, where anyone on the path can swap it.
 */
export const runProvenanceCheck = defineCheck({
  meta: {
    id: 'example.run-provenance',
    title: 'Training run provenance',
    description:
      'Reports training runs without owner or source-commit tags, and training data fetched over plain HTTP.',
    category: 'supply-chain',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0010.002'], owasp: ['ML02'] },
    requires: ['run'],
    options: z.object({
      requiredTags: z.array(z.string()).default(['owner', 'git_commit']),
      dataParams: z.array(z.string()).default(['data_uri', 'train_data']),
    }),
    rules: {
      'missing-tag': { title: 'A required provenance tag is missing', severity: 'medium' },
      'insecure-data': { title: 'Training data fetched over plain HTTP', severity: 'high' },
    },
    docs: 'examples/custom-plugin/README.md',
  },
  run({ inputs, options, report, metric }) {
    const { run } = inputs;
    for (const tag of options.requiredTags) {
      if (!run.tags[tag]) {
        report({
          rule: 'missing-tag',
          message: `run ${run.id} has no "${tag}" tag`,
          location: { uri: run.source, field: `tags.${tag}` },
          remediation: `set the "${tag}" tag when the training job starts`,
          key: tag,
        });
      }
    }
    for (const param of options.dataParams) {
      const value = run.params[param];
      if (value?.startsWith('http://')) {
        report({
          rule: 'insecure-data',
          severity: 'high',
          message: `run ${run.id} reads training data over plain HTTP (${param})`,
          location: { uri: run.source, field: `params.${param}` },
          evidence: { host: new URL(value).host },
          remediation: 'serve training data over HTTPS or from a checksummed, versioned store',
          key: param,
        });
      }
    }
    metric('tags', Object.keys(run.tags).length);
  },
});
