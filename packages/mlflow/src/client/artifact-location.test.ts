import { describe, expect, it } from 'vitest';
import { formatArtifactLocation, parseArtifactUri } from './artifact-location.js';

const ctx = { trackingUri: 'http://127.0.0.1:5000' };

describe('parseArtifactUri', () => {
  it('maps the URIs a tracking server hands out', () => {
    expect(parseArtifactUri('mlflow-artifacts:/1/abc/artifacts/model', ctx)).toEqual({
      kind: 'proxy',
      path: '1/abc/artifacts/model',
    });
    expect(parseArtifactUri('mlflow-artifacts://host:5000/1/models/m-1/artifacts', ctx)).toEqual({
      kind: 'proxy',
      path: '1/models/m-1/artifacts',
    });
    expect(parseArtifactUri('runs:/abc123/model', ctx)).toEqual({
      kind: 'run',
      runId: 'abc123',
      path: 'model',
    });
    expect(parseArtifactUri(`models:/m-${'a'.repeat(32)}`, ctx)).toEqual({
      kind: 'logged-model',
      modelId: `m-${'a'.repeat(32)}`,
      path: '',
    });
    expect(
      parseArtifactUri(
        'http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts',
        ctx,
      ),
    ).toEqual({ kind: 'proxy', path: '0/r/artifacts' });
  });

  it('maps URIs of other stores below a known run root to that run', () => {
    const run = { runId: 'r1', artifactUri: 's3://bucket/0/r1/artifacts' };
    expect(parseArtifactUri('s3://bucket/0/r1/artifacts/model', { ...ctx, run })).toEqual({
      kind: 'run',
      runId: 'r1',
      path: 'model',
    });
  });

  it('refuses stores the server does not serve, and paths that escape', () => {
    expect(() => parseArtifactUri('s3://bucket/model', ctx)).toThrowError(
      expect.objectContaining({ code: 'MLW_MLFLOW_ARTIFACT_STORE_UNSUPPORTED' }),
    );
    expect(() => parseArtifactUri('mlflow-artifacts:/1/../../etc', ctx)).toThrowError(
      expect.objectContaining({ code: 'MLW_MLFLOW_UNSAFE_PATH' }),
    );
    expect(() =>
      parseArtifactUri('http://evil.example/api/2.0/mlflow-artifacts/artifacts/x', ctx),
    ).toThrow(/not served by the tracking server/);
  });

  it('formats locations back as URIs', () => {
    expect(formatArtifactLocation({ kind: 'run', runId: 'r', path: 'a/b' })).toBe('runs:/r/a/b');
    expect(formatArtifactLocation({ kind: 'proxy', path: '1/x' })).toBe('mlflow-artifacts:/1/x');
    expect(formatArtifactLocation({ kind: 'logged-model', modelId: 'm-1', path: '' })).toBe(
      'models:/m-1',
    );
  });
});
