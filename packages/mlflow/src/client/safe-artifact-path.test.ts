import { describe, expect, it } from 'vitest';
import { safeArtifactPath } from './safe-artifact-path.js';

describe('safeArtifactPath', () => {
  it('normalises relative paths', () => {
    expect(safeArtifactPath('model/MLmodel')).toBe('model/MLmodel');
    expect(safeArtifactPath('./model//data/./x.pkl/')).toBe('model/data/x.pkl');
    expect(safeArtifactPath('')).toBe('');
    expect(safeArtifactPath('..hidden/a..b')).toBe('..hidden/a..b');
  });

  it.each([
    ['../etc/passwd', 'climbs out'],
    ['model/../../x', 'climbs out'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x', 'drive letter'],
    ['model\\..\\x', 'backslash'],
    ['\\\\host\\share', 'backslash'],
    ['a\u0000b', 'control characters'],
    ['a\nb', 'control characters'],
  ])('rejects %j', (path, why) => {
    expect(() => safeArtifactPath(path)).toThrowError(
      expect.objectContaining({
        code: 'MLW_MLFLOW_UNSAFE_PATH',
        message: expect.stringContaining(why),
      }),
    );
  });
});
