/** A value of the YAML subset MLflow writes: block mappings and lists of scalars or mappings. */
export type YamlValue = null | boolean | string | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
}

export class YamlSubsetError extends Error {}

function scalar(raw: string): YamlValue {
  const text = raw.replace(/\s+#.*$/, '').trim();
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text.startsWith('[') && text.endsWith(']')) {
    return text
      .slice(1, -1)
      .split(',')
      .map((s) => scalar(s));
  }
  if (
    text.length >= 2 &&
    ((text.startsWith("'") && text.endsWith("'")) || (text.startsWith('"') && text.endsWith('"')))
  ) {
    return text.slice(1, -1);
  }
  return text;
}

/**
 * Parses the block-style YAML subset of MLflow's `MLmodel` files (mappings, `- ` lists, plain,
 * quoted and flow-empty scalars, `|`/`>` blocks kept as raw text). Anything outside the subset
 * throws YamlSubsetError, so the caller can report the file as not fully analysed.
 */
export function parseYamlSubset(text: string, maxLines = 100_000): YamlValue {
  const lines: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(raw) || raw === '---') continue;
    if (raw.includes('\t')) throw new YamlSubsetError('tab indentation');
    const indent = raw.length - raw.trimStart().length;
    lines.push({ indent, text: raw.trim() });
    if (lines.length > maxLines) throw new YamlSubsetError('too many lines');
  }
  let at = 0;
  const block = (indent: number, depth: number): YamlValue => {
    if (depth > 64) throw new YamlSubsetError('nested too deeply');
    const first = lines[at];
    if (first === undefined || first.indent < indent) return null;
    if (first.text.startsWith('- ') || first.text === '-') {
      const list: YamlValue[] = [];
      while (lines[at]?.indent === first.indent && /^-( |$)/.test(lines[at]?.text ?? '')) {
        const line = lines[at] as Line;
        const rest = line.text.slice(1).trimStart();
        if (/^[^'"[{][^:]*:( |$)/.test(rest)) {
          // A mapping starting on the dash line: re-read it as a line indented past the dash.
          lines[at] = { indent: line.indent + 2, text: rest };
          list.push(block(line.indent + 2, depth + 1));
        } else {
          at++;
          list.push(rest === '' ? block(first.indent + 1, depth + 1) : scalar(rest));
        }
      }
      return list;
    }
    const map: { [key: string]: YamlValue } = {};
    while (lines[at] !== undefined && (lines[at] as Line).indent === first.indent) {
      const line = lines[at] as Line;
      const m = /^("[^"]*"|'[^']*'|[^:]+?):(?: (.*))?$/.exec(line.text);
      if (m === null) throw new YamlSubsetError(`not a mapping entry: ${line.text.slice(0, 40)}`);
      const key = String(scalar(m[1] as string));
      const rest = (m[2] ?? '').trim();
      at++;
      if (rest === '|' || rest === '>' || /^[|>][-+]?$/.test(rest)) {
        const parts: string[] = [];
        while (lines[at] !== undefined && (lines[at] as Line).indent > line.indent) {
          parts.push((lines[at] as Line).text);
          at++;
        }
        map[key] = parts.join('\n');
      } else if (rest === '') {
        const next = lines[at];
        const nested =
          next !== undefined &&
          (next.indent > line.indent || (next.indent === line.indent && /^-( |$)/.test(next.text)));
        map[key] = nested ? block(next.indent, depth + 1) : null;
      } else {
        map[key] = scalar(rest);
      }
    }
    if (lines[at] !== undefined && (lines[at] as Line).indent > first.indent) {
      throw new YamlSubsetError(`unexpected indentation: ${(lines[at] as Line).text.slice(0, 40)}`);
    }
    return map;
  };
  const value = block(0, 0);
  if (at < lines.length) throw new YamlSubsetError('content after the document');
  return value;
}
