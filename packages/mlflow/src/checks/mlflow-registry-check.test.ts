import { CheckTester } from '@mlwarden/core/testing';
import { describe, it } from 'vitest';
import { memoryArtifacts } from '../../test/support/memory-artifacts.js';
import { recordedAnswer } from '../../test/support/recorded.js';
import { makeMlflowContext } from '../adapter/mlflow-context.js';
import type { MlflowModelVersion, MlflowRegisteredModel } from '../client/mlflow-types.js';
import { mlflowRegistryCheck } from './mlflow-registry-check.js';

const tester = new CheckTester(mlflowRegistryCheck);
// mlw-pyfunc as the seed left it: version 1 holds the alias "production", set by hand.
const registered = recordedAnswer<{ registered_model: MlflowRegisteredModel }>(
  'registered-model.json',
).registered_model;
const version1 = registered.latest_versions?.[0] as MlflowModelVersion;

function artifactsFor(
  modelVersion: MlflowModelVersion,
  extra: { aliasedVersions?: MlflowModelVersion[]; registeredModel?: MlflowRegisteredModel } = {},
) {
  const context = makeMlflowContext({
    trackingUri: 'http://127.0.0.1:5000',
    uri: `models:/${modelVersion.name}/${modelVersion.version}`,
    modelVersion,
    registeredModel: extra.registeredModel ?? registered,
    ...(extra.aliasedVersions !== undefined && { aliasedVersions: extra.aliasedVersions }),
  });
  return memoryArtifacts(
    `models:/${modelVersion.name}/${modelVersion.version}`,
    {},
    { mlflow: context },
  );
}

describe('mlflow.registry', () => {
  it('reports a production alias on a version without a passing verdict', async () => {
    await tester.expect(
      { inputs: { artifacts: artifactsFor(version1) } },
      {
        status: 'fail',
        findings: [
          {
            rule: 'unverified-production-alias',
            severity: 'high',
            message: 'models:/mlw-pyfunc/1 holds the production alias "production" with no verdict',
            location: { resource: 'RegisteredModel/mlw-pyfunc', field: 'aliases.production' },
          },
        ],
      },
    );
  });

  it('accepts a version whose verdict passed, and aliases that are not production', async () => {
    const verified = { ...version1, tags: [{ key: 'mlwarden.verdict', value: 'pass' }] };
    await tester.expect(
      { inputs: { artifacts: artifactsFor(verified) } },
      { status: 'pass', findings: [] },
    );
    await tester.expect(
      {
        inputs: {
          artifacts: artifactsFor(version1, {
            registeredModel: { ...registered, aliases: [{ alias: 'staging', version: '1' }] },
          }),
        },
      },
      { status: 'pass', findings: [] },
    );
  });

  it('reports a failed verdict and the legacy Production stage', async () => {
    const failed = {
      ...version1,
      current_stage: 'Production',
      tags: [{ key: 'mlwarden.verdict', value: 'fail' }],
    };
    await tester.expect(
      { inputs: { artifacts: artifactsFor(failed) } },
      {
        findings: [
          { rule: 'unverified-production-alias', message: 'with verdict "fail"' },
          { rule: 'unverified-production-stage', message: 'is in stage Production' },
        ],
      },
    );
  });

  it('with scope "model", checks every version an alias points at', async () => {
    const v2 = { ...version1, version: '2', tags: [{ key: 'mlwarden.verdict', value: 'pass' }] };
    const model = { ...registered, aliases: [{ alias: 'Champion', version: '1' }] };
    const artifacts = artifactsFor(v2, { registeredModel: model, aliasedVersions: [version1] });
    await tester.expect({ inputs: { artifacts } }, { status: 'pass', findings: [] });
    await tester.expect(
      { inputs: { artifacts }, options: { scope: 'model' } },
      {
        findings: [
          {
            rule: 'unverified-production-alias',
            message: 'models:/mlw-pyfunc/1 holds the production alias "Champion"',
          },
        ],
      },
    );
  });

  it('skips artifact sets that do not come from the registry', async () => {
    await tester.expect(
      { inputs: { artifacts: memoryArtifacts('./model', {}) } },
      { status: 'skip', findings: [], metrics: { registryModel: false } },
    );
  });
});
