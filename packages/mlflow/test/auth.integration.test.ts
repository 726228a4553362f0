import { describe, expect, it } from 'vitest';
import { createMlflowClient, MlflowError } from '../src/index.js';
import { mlflowEnv } from './support/mlflow-env.js';

const env = mlflowEnv();
const admin = env.admin;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('a tracking server with basic-auth', () => {
  it('answers 401 without credentials, with a hint about the variables to set', async () => {
    const client = createMlflowClient({ trackingUri: env.authUri, env: {}, retries: 0 });
    const error = await client.experiments.search().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MLW_MLFLOW_UNAUTHENTICATED',
      status: 401,
      hint: expect.stringContaining('MLFLOW_TRACKING_USERNAME'),
    });
  });

  it('answers 401 to a wrong password and never repeats it', async () => {
    const password = 'wrong-password-123';
    const client = createMlflowClient({
      trackingUri: env.authUri,
      env: { MLFLOW_TRACKING_USERNAME: admin.username, MLFLOW_TRACKING_PASSWORD: password },
      retries: 0,
    });
    const error = (await client.experiments.search().catch((e: unknown) => e)) as MlflowError;
    expect(error.code).toBe('MLW_MLFLOW_UNAUTHENTICATED');
    expect(`${error.message} ${error.hint} ${JSON.stringify(error)}`).not.toContain(password);
  });

  it('works with credentials from MLFLOW_TRACKING_USERNAME and _PASSWORD', async () => {
    const client = createMlflowClient({
      trackingUri: env.authUri,
      env: { MLFLOW_TRACKING_USERNAME: admin.username, MLFLOW_TRACKING_PASSWORD: admin.password },
    });
    const id = await client.experiments.create({ name: `auth-${Date.now()}` });
    const run = await client.runs.create({ experimentId: id });
    await client.runs.setTag(run.info.run_id, 'k', 'v');
    expect((await client.runs.get(run.info.run_id)).data?.tags).toContainEqual({
      key: 'k',
      value: 'v',
    });
  });

  it('answers 403 when a valid user lacks the permission', async () => {
    const user = `reader${Date.now()}`;
    const password = 'reader-password-1';
    const created = await fetch(`${env.authUri}/api/2.0/mlflow/users/create`, {
      method: 'POST',
      headers: {
        authorization: basic(admin.username, admin.password),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ username: user, password }),
    });
    expect(created.status).toBe(200);
    const owner = createMlflowClient({
      trackingUri: env.authUri,
      auth: { type: 'basic', ...admin },
      env: {},
    });
    const experimentId = await owner.experiments.create({ name: `owned-${Date.now()}` });

    const reader = createMlflowClient({
      trackingUri: env.authUri,
      auth: { type: 'basic', username: user, password },
      env: {},
      retries: 0,
    });
    // default_permission = READ: reading works, writing does not.
    expect((await reader.experiments.get(experimentId)).experiment_id).toBe(experimentId);
    const error = await reader.runs.create({ experimentId }).catch((e: unknown) => e);
    expect(MlflowError.is(error)).toBe(true);
    // The auth layer answers with plain text, not an MLflow error body.
    expect(error).toMatchObject({
      code: 'MLW_MLFLOW_PERMISSION_DENIED',
      status: 403,
      message: expect.stringContaining('answered 403: Permission denied'),
      hint: expect.stringContaining('permission'),
    });
  });
});
