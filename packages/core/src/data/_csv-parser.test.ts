import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord } from './_csv-parser.js';

function parse(text: string, chunk = text.length || 1, delimiter = ','): CsvRecord[] {
  const parser = new CsvParser('t.csv', delimiter);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunk) parser.push(text.slice(i, i + chunk), out);
  parser.finish(out);
  return out;
}

describe('CsvParser (RFC 4180)', () => {
  const text = 'a,b,c\r\n1,"x, ""quoted""",3\r\n"multi\nline",,"" \n4,5,6';

  it('parses quotes, escaped quotes, CRLF and fields spanning lines', () => {
    // The third record has a space after the closing quote, which RFC 4180 does not allow.
    expect(() => parse(text)).toThrow(/line 4: unexpected character after a closing quote/);
    const ok = parse('a,b,c\r\n1,"x, ""quoted""",3\r\n"multi\nline",,""\n4,5,6');
    expect(ok.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "quoted"', '3'],
      ['multi\nline', '', ''],
      ['4', '5', '6'],
    ]);
    expect(ok.map((r) => r.line)).toEqual([1, 2, 3, 5]);
    expect(ok[2]!.quoted).toEqual([true, false, true]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const input = 'h1,h2\r\n"a\r\nb","c""d"\r\n,\r\nlast,"x"';
    const whole = parse(input);
    for (const size of [1, 2, 3, 5, 7]) expect(parse(input, size)).toEqual(whole);
  });

  it('skips blank lines, keeps a stray quote inside an unquoted field, handles CR-only and a missing final newline', () => {
    expect(parse('a,b\n\n5\'11",x\rz,y').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['5\'11"', 'x'],
      ['z', 'y'],
    ]);
    expect(parse('a,b,\n').map((r) => r.fields)).toEqual([['a', 'b', '']]);
  });

  it('reports a quote that is never closed with the line it opened on', () => {
    expect(() => parse('a,b\n1,"open\n2,3\n')).toThrow(/line 2: a quoted field is never closed/);
  });

  it('splits on another delimiter', () => {
    expect(parse('a\tb\n"x\ty"\tz', undefined, '\t').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x\ty', 'z'],
    ]);
  });
});
