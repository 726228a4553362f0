import { describe, expect, it } from 'vitest';
import { type PbTextVisitor, walkPbText } from './_pbtxt.js';
import { PbError } from './_protobuf.js';

/** The walk as a list of events: `{name`, `}`, `name=value` (strings decoded, 64 bytes at most). */
function events(text: string | Uint8Array, partial = false): string[] {
  const out: string[] = [];
  const visitor: PbTextVisitor = {
    open: (name) => out.push(`{${name}`),
    close: () => out.push('}'),
    scalar: (name, value) => out.push(`${name}=${value.quoted ? 'q:' : ''}${value.text(64)}`),
  };
  walkPbText(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, visitor, { partial });
  return out;
}

function error(text: string): string {
  try {
    events(text);
  } catch (e) {
    expect(e).toBeInstanceOf(PbError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('protobuf text format walk', () => {
  it('tells nested messages in either delimiter, with or without a colon', () => {
    expect(events('a: 1\nb { c: "x" d < e: E_ENUM > }\nf: { g: -1.5e3 }')).toEqual([
      'a=1',
      '{b',
      'c=q:x',
      '{d',
      'e=E_ENUM',
      '}',
      '}',
      '{f',
      'g=-1.5e3',
      '}',
    ]);
  });

  it('decodes C escapes and joins adjacent strings, either quote', () => {
    expect(
      events(
        String.raw`op: "Read" 'F\151le' s: "\x41\102\n\t\"\'\\" u: "\u00e9\U0001F600" k: "\q"`,
      ),
    ).toEqual(['op=q:ReadFile', 's=q:AB\n\t"\'\\', 'u=q:é😀', 'k=q:\\q']);
  });

  it('skips comments, also ones holding field syntax, and takes , and ; as separators', () => {
    expect(events('# op: "ReadFile"\na: 1, b: "#not a comment"; # end\n')).toEqual([
      'a=1',
      'b=q:#not a comment',
    ]);
  });

  it('tells each list element like a repeated field', () => {
    expect(events('n: [{ op: "A" }, < op: "B" >] v: [1, "two"] e: []')).toEqual([
      '{n',
      'op=q:A',
      '}',
      '{n',
      'op=q:B',
      '}',
      'v=1',
      'v=q:two',
    ]);
  });

  it('reads extension and Any type names in brackets', () => {
    expect(events('[type.googleapis.com/tensorflow.GraphDef] { node { op: "X" } }')).toEqual([
      '{[type.googleapis.com/tensorflow.GraphDef]',
      '{node',
      'op=q:X',
      '}',
      '}',
    ]);
  });

  it('decodes only as many bytes as asked', () => {
    const long = `s: "${'\\101'.repeat(100_000)}"`;
    let got = '';
    walkPbText(Buffer.from(long), {
      open() {},
      close() {},
      scalar: (_n, v) => {
        got = v.text(10);
      },
    });
    expect(got).toBe('AAAAAAAAAA');
  });

  it.each([
    ['a { b: 1', /message not closed/],
    ['a: "open', /string not closed/],
    ['a: "line\nbreak"', /string runs past the end of its line at line 1/],
    ['a: 1 }', /expected a field name at line 1, column 6/],
    ['a 1', /expected ":" or a message after field a/],
    ['a: }', /expected a value for field a/],
    ['a: [1 2]', /expected "," or "]" in a list/],
    ['a: 1\n  b: \u0001', /unexpected byte 0x01 at line 2, column 6/],
    ['[type.googleapis.com/x { }', /not closed/],
    ['1a: 2', /expected a field name/],
  ])('%j is an error: %s', (text, message) => {
    expect(error(text)).toMatch(message);
  });

  it('refuses messages nested deeper than the limit', () => {
    const deep = `${'a { '.repeat(101)}${'} '.repeat(101)}`;
    expect(error(deep)).toMatch(/nested deeper than 100 levels/);
    expect(() => events(`${'a { '.repeat(100)}${'} '.repeat(100)}`)).not.toThrow();
  });

  it('in partial mode, running out of bytes ends the walk without an error', () => {
    expect(events('a { b: "cut', true)).toEqual(['{a']);
    expect(events('a { b: 12', true)).toEqual(['{a']);
    expect(events('a { b: 1 }\nc {', true)).toEqual(['{a', 'b=1', '}', '{c']);
    expect(() => events('a { b: "x\n', true)).toThrow(PbError);
  });

  it('stops when the time is up', () => {
    const many = Buffer.from('a: 1\n'.repeat(10_000));
    expect(() =>
      walkPbText(many, { open() {}, close() {}, scalar() {} }, { expired: () => true }),
    ).toThrow(/time limit/);
  });
});
