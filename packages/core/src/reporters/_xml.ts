/**
 * Characters XML 1.0 does not allow anywhere, not even escaped: C0 controls but tab, newline and
 * carriage return; unpaired surrogates; U+FFFE and U+FFFF.
 */
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for an XML element body; characters illegal in XML 1.0 are removed. */
export function xmlText(value: string): string {
  return value
    .replace(ILLEGAL_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * Escapes text for a double-quoted XML attribute; tab, newline and carriage return become
 * character references so that parsers do not normalise them to spaces.
 */
export function xmlAttr(value: string): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** `<name a="…" b="…">`, attributes in the given order, undefined ones left out. */
export function xmlOpen(
  name: string,
  attributes: ReadonlyArray<readonly [string, string | number | undefined]>,
  selfClosing = false,
): string {
  const attrs = attributes
    .filter((a): a is readonly [string, string | number] => a[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
  return `<${name}${attrs}${selfClosing ? '/>' : '>'}`;
}
