import { isAsciiSpace } from '../formats/_ascii-space.js';

/** A Python literal as found in `.npy` headers: dict, tuple, list, str, int, float, bool, None. */
export type PyLiteral =
  | string
  | number
  | boolean
  | null
  | PyLiteral[]
  | { [key: string]: PyLiteral };

class LiteralError extends Error {}

/**
 * Parses the small subset of Python literal syntax that NumPy writes in `.npy` headers. Never
 * evaluates anything; anything outside the subset is an error.
 */
export function parsePyLiteral(text: string, maxDepth = 32): PyLiteral {
  let i = 0;
  const ws = () => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // ASCII answered directly; other characters by the regex (Unicode spaces count too).
      if (c < 0x80 ? !isAsciiSpace(c) : !/\s/.test(text[i] as string)) break;
    }
  };
  const value = (depth: number): PyLiteral => {
    if (depth > maxDepth) throw new LiteralError('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: { [key: string]: PyLiteral } = {};
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return out;
        }
        const key = value(depth + 1);
        ws();
        if (text[i] !== ':') throw new LiteralError(`expected ':' at ${i}`);
        i++;
        out[String(key)] = value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') throw new LiteralError(`expected ',' or '}' at ${i}`);
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const out: PyLiteral[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return out;
        }
        out.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw new LiteralError(`expected ',' or '${close}' at ${i}`);
      }
    }
    if (c === "'" || c === '"') {
      i++;
      let out = '';
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') {
          i++;
          const e = text[i];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
        } else {
          out += text[i];
        }
        i++;
      }
      if (text[i] !== c) throw new LiteralError('unterminated string');
      i++;
      return out;
    }
    const m = /^(True|False|None|[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?L?)/.exec(
      text.slice(i, i + 64),
    );
    if (m === null)
      throw new LiteralError(`unexpected ${JSON.stringify(text.slice(i, i + 10))} at ${i}`);
    i += (m[1] as string).length;
    const tok = m[1] as string;
    if (tok === 'True') return true;
    if (tok === 'False') return false;
    if (tok === 'None') return null;
    return Number(tok.replace(/L$/, ''));
  };
  const v = value(0);
  ws();
  if (i !== text.length) throw new LiteralError(`trailing text at ${i}`);
  return v;
}
