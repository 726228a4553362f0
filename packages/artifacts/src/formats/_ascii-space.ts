/** Space, tab, line feed, vertical tab, form feed or carriage return (an ASCII code unit or byte). */
export function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}
