import { describe, expect, it } from 'vitest';
import { escapesDirectory } from './_relative-path.js';

describe('escapesDirectory', () => {
  it.each(['weights.bin', 'sub/weights.bin', './a/../b.bin', 'a\\b.bin'])(
    'keeps %s inside',
    (path) => {
      expect(escapesDirectory(path)).toBeUndefined();
    },
  );
  it.each([
    ['../x', 'outside the model directory'],
    ['sub/../../x', 'outside the model directory'],
    ['a\\..\\..\\x', 'outside the model directory'],
    ['/etc/passwd', 'an absolute path'],
    ['C:\\boot.ini', 'an absolute path'],
    ['\\\\server\\share', 'an absolute path'],
    ['file:///etc/passwd', 'a URL'],
    ['a\u0000b', 'which contains a NUL byte'],
  ])('reports %s', (path, why) => {
    expect(escapesDirectory(path)).toBe(why);
  });
});
