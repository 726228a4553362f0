import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlAttr, xmlOpen, xmlText } from './_xml.js';

describe('xml escaping', () => {
  it('escapes markup in text and attributes', () => {
    expect(xmlText('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
    expect(xmlAttr('say "hi"\n\tnow')).toBe('say &quot;hi&quot;&#10;&#9;now');
  });

  it('removes characters XML 1.0 forbids, keeps astral characters', () => {
    const text = `nul\u0000 esc\u001b bell\u0007 lone\ud800 fffe\ufffe ok\u{1f600}`;
    expect(xmlText(text)).toBe('nul esc bell lone fffe ok\u{1f600}');
  });

  it('round-trips hostile values through a real parser', () => {
    const value = 'x="1" <y/> & \u0000 z\nnext';
    const xml = `<r>${xmlOpen(
      'e',
      [
        ['v', value],
        ['skip', undefined],
      ],
      true,
    )}<t>${xmlText(value)}</t></r>`;
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      htmlEntities: true,
    }).parse(xml);
    expect(parsed.r.e).toEqual({ v: 'x="1" <y/> &  z\nnext' });
    expect(parsed.r.t).toBe('x="1" <y/> &  z\nnext');
  });
});
