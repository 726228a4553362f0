import { InputError } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { bytesSource, isOmitted, JsonScanner } from './_json-scanner.js';

const encode = (text: string) => new TextEncoder().encode(text);

function scanner(text: string | Uint8Array, chunkSize = 4) {
  return new JsonScanner(bytesSource(typeof text === 'string' ? encode(text) : text), {
    name: 'doc.json',
    chunkSize,
  });
}

/** Reads a whole document through the container API, the way the GX reader walks files. */
function walk(s: JsonScanner, path = ''): unknown {
  const kind = s.peekKind();
  if (kind === 'object') {
    const out: Record<string, unknown> = {};
    s.openObject(path);
    for (let key = s.nextKey(path); key !== undefined; key = s.nextKey(path))
      out[key] = walk(s, `${path}.${key}`);
    return out;
  }
  if (kind === 'array') {
    const out: unknown[] = [];
    s.openArray(path);
    while (s.nextItem(path)) out.push(walk(s, `${path}[${out.length}]`));
    return out;
  }
  return s.readValue(path);
}

const SAMPLE = {
  a: [1, -2.5e3, true, false, null, 'x"y\\z', '\u00e9\u4e2d\ud83d\ude00'],
  'key with "quotes"': { nested: { deeper: [[], {}, [{}]] } },
  s: 'brace } and bracket ] and comma , inside a string \\"',
  n: 0,
};

describe('JsonScanner', () => {
  it('reads every JSON type at every chunk size, including chunk boundaries inside escapes and UTF-8', () => {
    const text = JSON.stringify(SAMPLE, null, 1);
    for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const s = scanner(text, chunk);
      expect(walk(s)).toEqual(SAMPLE);
      s.finish();
    }
  });

  it('parses whole values with readValue and skips others', () => {
    const s = scanner('{"keep": {"a": [1, 2]}, "drop": {"b": "} ]"}, "last": 3}', 2);
    s.openObject('');
    expect(s.nextKey('')).toBe('keep');
    expect(s.readValue('keep')).toEqual({ a: [1, 2] });
    expect(s.nextKey('')).toBe('drop');
    expect(s.skip('drop')).toBe(12);
    expect(s.nextKey('')).toBe('last');
    expect(s.readValue('last')).toBe(3);
    expect(s.nextKey('')).toBeUndefined();
    s.finish();
  });

  it('returns Omitted for values past the bound and keeps reading after them', () => {
    const big = 'x'.repeat(5000);
    const s = scanner(`[${JSON.stringify(big)}, "small"]`, 16);
    s.openArray('');
    expect(s.nextItem('')).toBe(true);
    const omitted = s.readBounded('[0]', 100);
    expect(isOmitted(omitted)).toBe(true);
    expect(omitted).toEqual({ omittedBytes: 5002 });
    expect(s.nextItem('')).toBe(true);
    expect(s.readBounded('[1]', 100)).toBe('small');
    expect(s.nextItem('')).toBe(false);
  });

  it('refuses a value over the readValue limit with MLW_LIMIT_EXCEEDED', () => {
    const s = scanner(JSON.stringify({ k: 'y'.repeat(300) }), 8);
    s.openObject('');
    s.nextKey('');
    expect(() => s.readValue('k', 100)).toThrow(
      expect.objectContaining({ code: 'MLW_LIMIT_EXCEEDED' }),
    );
  });

  it('skips a leading byte-order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode('{"a":1}')]);
    expect(walk(scanner(bytes))).toEqual({ a: 1 });
  });

  it('says a document cut short is truncated, naming the byte offset and path', () => {
    const text = JSON.stringify(SAMPLE);
    for (const cut of [1, 10, text.indexOf('nested') + 3, text.length - 1]) {
      const attempt = () => walk(scanner(text.slice(0, cut), 3));
      expect(attempt).toThrow(InputError);
      expect(attempt).toThrow(/ends early at byte \d+ inside .*truncated/);
    }
  });

  it('rejects malformed JSON with the offset and what was expected', () => {
    expect(() => walk(scanner('{"a" 1}'))).toThrow(/invalid JSON at byte 5: expected ":"/);
    expect(() => walk(scanner('{"a": 1 "b": 2}'))).toThrow(/expected "," or "}"/);
    expect(() => walk(scanner('[1, 2,]'))).toThrow(/expected a value/);
    expect(() => walk(scanner('{"a": [1}'))).toThrow(InputError);
    expect(() => walk(scanner('{"a": tru}'))).toThrow(/invalid JSON in the value at byte 6/);
    expect(() => walk(scanner('{,}'))).toThrow(/expected a key in quotes/);
  });

  it('rejects data after the document and invalid UTF-8', () => {
    const s = scanner('{"a": 1} {"b": 2}');
    walk(s);
    expect(() => s.finish()).toThrow(/unexpected "\{" after the end/);
    const bad = new Uint8Array([...encode('{"a": "'), 0xff, 0xfe, ...encode('"}')]);
    expect(() => walk(scanner(bad))).toThrow(/not valid UTF-8/);
  });
});
