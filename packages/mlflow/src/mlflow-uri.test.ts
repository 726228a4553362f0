import { describe, expect, it } from 'vitest';
import { isMlflowUri, parseMlflowUri } from './mlflow-uri.js';

describe('parseMlflowUri', () => {
  it('parses every supported form', () => {
    expect(parseMlflowUri('models:/fraud/3')).toEqual({
      kind: 'model-version',
      uri: 'models:/fraud/3',
      name: 'fraud',
      version: '3',
    });
    expect(parseMlflowUri('models:/team/fraud@champion')).toMatchObject({
      kind: 'model-alias',
      name: 'team/fraud',
      alias: 'champion',
    });
    expect(parseMlflowUri('models:/fraud/latest')).toMatchObject({
      kind: 'model-latest',
      name: 'fraud',
    });
    expect(parseMlflowUri(`models:/m-${'0'.repeat(32)}`)).toMatchObject({ kind: 'logged-model' });
    expect(parseMlflowUri('runs:/abc123/model/MLmodel')).toMatchObject({
      kind: 'run-artifacts',
      runId: 'abc123',
      path: 'model/MLmodel',
    });
    expect(parseMlflowUri('runs:/abc123')).toMatchObject({ kind: 'run-artifacts', path: '' });
    expect(parseMlflowUri('mlflow-run:abc123')).toEqual({
      kind: 'run',
      uri: 'mlflow-run:abc123',
      runId: 'abc123',
    });
  });

  it.each([
    ['models:/', /model name is missing/],
    ['models:/fraud', /expected a version/],
    ['models:/fraud/three', /not a version number/],
    ['models:/fraud@', /models:\/<name>@<alias>/],
    ['runs:/abc/../../etc/passwd', /climbs out/],
    ['runs:/', /run id is missing/],
    ['mlflow-run:a b', /run id/],
    ['s3://bucket/x', /does not start with/],
  ])('rejects %j', (uri, message) => {
    expect(() => parseMlflowUri(uri)).toThrow(message);
  });

  it('recognises MLflow URIs', () => {
    expect(isMlflowUri('models:/x/1')).toBe(true);
    expect(isMlflowUri('./models/x')).toBe(false);
  });
});
