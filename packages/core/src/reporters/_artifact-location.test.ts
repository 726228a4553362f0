import { describe, expect, it } from 'vitest';
import { artifactLocation, directoryUrl, SRCROOT } from './_artifact-location.js';

describe('artifactLocation', () => {
  it('makes local paths under cwd relative to %SRCROOT%, percent-encoded', () => {
    expect(artifactLocation('models/a b#1.pkl', '/repo')).toEqual({
      uri: 'models/a%20b%231.pkl',
      uriBaseId: SRCROOT,
    });
    expect(artifactLocation('/repo/data/x.csv', '/repo')).toEqual({
      uri: 'data/x.csv',
      uriBaseId: SRCROOT,
    });
    expect(artifactLocation('file:///repo/k8s/s.yaml', '/repo/')).toEqual({
      uri: 'k8s/s.yaml',
      uriBaseId: SRCROOT,
    });
  });

  it('gives paths outside cwd as file URLs', () => {
    expect(artifactLocation('/opt/m.pkl', '/repo')).toEqual({ uri: 'file:///opt/m.pkl' });
    expect(artifactLocation('../other/m.pkl', '/repo')).toEqual({ uri: 'file:///other/m.pkl' });
    expect(artifactLocation('/repo-two/m.pkl', '/repo')).toEqual({ uri: 'file:///repo-two/m.pkl' });
  });

  it('keeps remote and registry URIs as they are', () => {
    for (const uri of ['s3://bucket/m.pkl', 'models:/iris/3', 'https://h/v2/models/m']) {
      expect(artifactLocation(uri, '/repo')).toEqual({ uri });
    }
  });

  it('without cwd keeps relative paths relative and absolute ones as file URLs', () => {
    expect(artifactLocation('./a/../b/c.pkl')).toEqual({ uri: 'b/c.pkl', uriBaseId: SRCROOT });
    expect(artifactLocation('/abs/c.pkl')).toEqual({ uri: 'file:///abs/c.pkl' });
  });

  it('writes base directories with a trailing slash', () => {
    expect(directoryUrl('/repo')).toBe('file:///repo/');
    expect(directoryUrl('/repo/')).toBe('file:///repo/');
  });
});
