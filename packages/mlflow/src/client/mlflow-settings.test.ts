import { describe, expect, it } from 'vitest';
import { authorizationHeader, resolveMlflowSettings } from './mlflow-settings.js';

describe('resolveMlflowSettings', () => {
  it('reads the tracking URI and Basic credentials from the environment', () => {
    const s = resolveMlflowSettings({
      env: {
        MLFLOW_TRACKING_URI: 'http://mlflow.internal:5000/',
        MLFLOW_TRACKING_USERNAME: 'ci',
        MLFLOW_TRACKING_PASSWORD: 's3cret-pw',
        MLFLOW_TRACKING_TOKEN: 'tok-123456',
      },
    });
    expect(s.trackingUri).toBe('http://mlflow.internal:5000');
    // Basic wins over a token, as in MLflow's own client.
    expect(s.auth).toEqual({ type: 'basic', username: 'ci', password: 's3cret-pw' });
    expect(authorizationHeader(s.auth)).toBe(
      `Basic ${Buffer.from('ci:s3cret-pw').toString('base64')}`,
    );
    expect(s.secrets).toContain('s3cret-pw');
    expect(s.secrets).toContain(Buffer.from('ci:s3cret-pw').toString('base64'));
  });

  it('uses a bearer token when no username and password are set', () => {
    const s = resolveMlflowSettings({
      env: { MLFLOW_TRACKING_URI: 'https://m.example', MLFLOW_TRACKING_TOKEN: 'tok-abcdef' },
    });
    expect(authorizationHeader(s.auth)).toBe('Bearer tok-abcdef');
    expect(s.secrets).toEqual(['tok-abcdef']);
  });

  it('moves credentials out of the URI and keeps a path prefix', () => {
    const s = resolveMlflowSettings({
      trackingUri: 'https://bob:pa%2Fss@m.example/mlflow?x=1',
      env: {},
    });
    expect(s.trackingUri).toBe('https://m.example/mlflow');
    expect(s.auth).toEqual({ type: 'basic', username: 'bob', password: 'pa/ss' });
    expect(s.secrets).toContain('pa/ss');
  });

  it('prefers explicit options and reads timeouts and retries from MLflow variables', () => {
    const env = {
      MLFLOW_TRACKING_URI: 'http://a:1',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '7',
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2',
    };
    expect(resolveMlflowSettings({ env })).toMatchObject({ timeoutMs: 7000, retries: 2 });
    expect(resolveMlflowSettings({ env, timeoutMs: 50, retries: 0 })).toMatchObject({
      timeoutMs: 50,
      retries: 0,
    });
    expect(resolveMlflowSettings({ env, auth: { type: 'none' } }).auth).toEqual({ type: 'none' });
  });

  it('rejects missing, non-URL and non-HTTP tracking URIs with a hint', () => {
    expect(() => resolveMlflowSettings({ env: {} })).toThrowError(
      expect.objectContaining({
        code: 'MLW_CONFIG_INVALID',
        hint: expect.stringContaining('MLFLOW_TRACKING_URI'),
      }),
    );
    expect(() => resolveMlflowSettings({ trackingUri: 'not a url', env: {} })).toThrow(/not a URL/);
    expect(() => resolveMlflowSettings({ trackingUri: 'file:///tmp/mlruns', env: {} })).toThrow(
      /only http: and https:/,
    );
    expect(() =>
      resolveMlflowSettings({
        env: { MLFLOW_TRACKING_URI: 'http://a', MLFLOW_HTTP_REQUEST_TIMEOUT: 'soon' },
      }),
    ).toThrow(/MLFLOW_HTTP_REQUEST_TIMEOUT="soon"/);
  });
});
