import { defineCheck, type RuleMeta } from '@mlwarden/core';
import { z } from 'zod';
import { mlflowContextOf } from '../adapter/mlflow-context.js';
import type { MlflowModelVersion } from '../client/mlflow-types.js';
import { toRecord } from '../client/mlflow-types.js';
import { ruleReporter } from './_rule-reporter.js';

/** The tag mlwarden writes on model versions it checked; see logReportToMlflow. */
export const VERDICT_TAG = 'mlwarden.verdict';

const options = z.object({
  /** Aliases that mean "serves production traffic" (compared without case). */
  productionAliases: z.array(z.string()).default(['champion', 'production', 'prod', 'live']),
  /** `version`: only the version under test. `model`: every version an alias points at. */
  scope: z.enum(['version', 'model']).default('version'),
});

const RULES = {
  'unverified-production-alias': {
    title: 'Production alias on a version without a passing mlwarden verdict',
    severity: 'high',
    remediation:
      'Move the alias only through `mlwarden mlflow gate` (or gateModelVersion), which sets it after a passing verdict.',
  },
  'unverified-production-stage': {
    title: 'Production stage on a version without a passing mlwarden verdict',
    severity: 'high',
    remediation:
      'Check the version with mlwarden before transitioning it to Production, or move to aliases and the gate.',
  },
} as const satisfies Record<string, RuleMeta>;

/**
 * Registry hygiene: a model version that holds a production alias (or the legacy Production
 * stage) must carry `mlwarden.verdict=pass`. Reads the registry state the MLflow adapter
 * resolved with the artifacts; other artifact sets are not registry models and pass.
 */
export const mlflowRegistryCheck = defineCheck({
  meta: {
    id: 'mlflow.registry',
    title: 'MLflow registry hygiene',
    description:
      'Reports model versions that hold a production alias or stage without a passing mlwarden verdict tag.',
    category: 'supply-chain',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0010.003', 'AML.T0058'], owasp: ['ML06', 'ML10'] },
    requires: ['artifacts'],
    options,
    docs: 'docs/checks/mlflow.registry.md',
    rules: RULES,
  },
  run(ctx) {
    const context = mlflowContextOf(ctx.inputs);
    const tested = context?.modelVersion;
    ctx.metric('registryModel', tested !== undefined);
    if (context === undefined || tested === undefined) {
      ctx.skip(
        'the artifacts are not a registered MLflow model version (give models:/<name>/<version>)',
      );
      return;
    }
    const report = ruleReporter(ctx, RULES);
    const production = new Set(ctx.options.productionAliases.map((a) => a.toLowerCase()));
    const aliasesOf = (version: string) =>
      (context.registeredModel?.aliases ?? [])
        .filter((a) => a.version === version)
        .map((a) => a.alias);
    const versions: MlflowModelVersion[] = [
      tested,
      ...(ctx.options.scope === 'model' ? (context.aliasedVersions ?? []) : []),
    ];
    for (const v of versions) {
      const verdict = toRecord(v.tags)[VERDICT_TAG];
      if (verdict === 'pass') continue;
      const uri = `models:/${v.name}/${v.version}`;
      const shown = verdict === undefined ? 'no verdict' : `verdict "${verdict}"`;
      const aliases = [...new Set([...(v.aliases ?? []), ...aliasesOf(v.version)])];
      for (const alias of aliases.filter((a) => production.has(a.toLowerCase()))) {
        report('unverified-production-alias', {
          message: `${uri} holds the production alias "${alias}" with ${shown} from mlwarden`,
          location: { uri, resource: `RegisteredModel/${v.name}`, field: `aliases.${alias}` },
          evidence: { alias, verdict: verdict ?? null },
        });
      }
      if ((v.current_stage ?? '').toLowerCase() === 'production') {
        report('unverified-production-stage', {
          message: `${uri} is in stage Production with ${shown} from mlwarden`,
          location: { uri, resource: `RegisteredModel/${v.name}`, field: 'current_stage' },
          evidence: { verdict: verdict ?? null },
        });
      }
    }
  },
});
