/**
 * Why a path stored in a model (ONNX external data, a Seldon `parameters.uri`) leaves the model
 * directory, or undefined when it stays inside. Both `/` and `\` count as separators, as on
 * Windows loaders.
 */
export function escapesDirectory(path: string): string | undefined {
  if (path.includes('\u0000')) return 'which contains a NUL byte';
  if (/^[/\\]/.test(path) || /^[A-Za-z]:/.test(path)) return 'an absolute path';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(path)) return 'a URL';
  let depth = 0;
  for (const part of path.split(/[/\\]+/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return 'outside the model directory';
  }
  return undefined;
}
