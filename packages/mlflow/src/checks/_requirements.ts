import { asRecord, parseYamlData } from './_mlmodel.js';

/** One line of a pip requirements list that mlwarden has an opinion about. */
export type RequirementIssue =
  | { type: 'unpinned'; line: number; name: string; spec: string }
  | { type: 'index'; line: number; option: string }
  | { type: 'direct-url'; line: number; name: string };

export interface RequirementsSummary {
  /** Package requirements seen (pinned or not). */
  packages: number;
  issues: RequirementIssue[];
}

const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/;
const INDEX_OPTIONS = [
  '--index-url',
  '-i',
  '--extra-index-url',
  '--find-links',
  '-f',
  '--trusted-host',
];

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** `==1.2.3` or `===1.2.3`, with no wildcard and nothing else. */
export function isExactPin(spec: string): boolean {
  return /^===?\s*[^\s,;*=<>!~]+$/.test(spec.trim());
}

/**
 * Reads pip requirement lines (requirements.txt, or the `pip:` list of conda.yaml) and returns
 * what is not reproducible: packages without an exact `==` pin, extra or replaced package
 * indexes (dependency confusion), and direct URL or VCS requirements without a hash.
 * Packages named in `ignore` (build tools by default) are not required to be pinned.
 */
export function checkPipRequirements(
  lines: readonly { text: string; line: number }[],
  ignore: readonly string[],
): RequirementsSummary {
  const ignored = new Set(ignore.map(normaliseName));
  const issues: RequirementIssue[] = [];
  let packages = 0;
  for (const { text, line } of lines) {
    const clean = text.replace(/(^|\s)#.*$/, '').trim();
    if (clean === '') continue;
    if (clean.startsWith('-')) {
      const option = clean.split(/[\s=]/, 1)[0] ?? clean;
      if (INDEX_OPTIONS.includes(option)) issues.push({ type: 'index', line, option });
      else if (option === '-e' || option === '--editable') {
        issues.push({ type: 'direct-url', line, name: clean.slice(option.length).trim() });
      }
      continue; // -r, -c and other options name files or pip settings
    }
    if (/^(?:[a-z+]+:\/\/|git\+|hg\+|svn\+|bzr\+|\.{0,2}\/)/i.test(clean)) {
      if (!/#sha256=|--hash/.test(clean)) issues.push({ type: 'direct-url', line, name: clean });
      continue;
    }
    const match = NAME.exec(clean);
    if (!match) continue;
    packages++;
    const name = match[1] as string;
    const spec = (match[3] ?? '').split(';')[0]?.trim() ?? '';
    if (spec.startsWith('@')) {
      if (!/#sha256=|--hash/.test(spec)) issues.push({ type: 'direct-url', line, name });
      continue;
    }
    const versionSpec = spec.replace(/\s*--hash[=\s]\S+/g, '').trim();
    if (!ignored.has(normaliseName(name)) && !isExactPin(versionSpec)) {
      issues.push({ type: 'unpinned', line, name, spec: versionSpec });
    }
  }
  return { packages, issues };
}

/** Lines of a requirements.txt, continuation lines joined, numbered from 1. */
export function requirementLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let pending = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (pending === '') start = i + 1;
    if (raw.endsWith('\\')) {
      pending += `${raw.slice(0, -1)} `;
      return;
    }
    out.push({ text: pending + raw, line: start });
    pending = '';
  });
  if (pending !== '') out.push({ text: pending, line: start });
  return out;
}

/** The line (from 1) where `needle` first appears in `text`, or undefined. */
function lineOf(text: string, needle: string): number | undefined {
  const index = text.split(/\r?\n/).findIndex((l) => l.includes(needle));
  return index === -1 ? undefined : index + 1;
}

/** conda specs: `numpy=1.2`, `numpy==1.2`, `numpy=1.2=py311_0`, `conda-forge::numpy=1.2`. */
function isExactCondaPin(spec: string): boolean {
  const rest = spec
    .replace(/^[^:]*::/, '')
    .replace(/^[A-Za-z0-9._-]+/, '')
    .trim();
  return /^==?\s*[^\s,*<>!|]+(?:=\S+)?$/.test(rest);
}

/** conda.yaml: conda dependencies and the nested `pip:` list. */
export function checkCondaYaml(text: string, ignore: readonly string[]): RequirementsSummary {
  const doc = asRecord(parseYamlData(text));
  const deps = Array.isArray(doc?.dependencies) ? (doc?.dependencies as unknown[]) : [];
  const ignored = new Set(ignore.map(normaliseName));
  const issues: RequirementIssue[] = [];
  let packages = 0;
  const pipLines: { text: string; line: number }[] = [];
  for (const dep of deps) {
    if (typeof dep === 'string') {
      packages++;
      const name = dep.replace(/^[^:]*::/, '').split(/[\s=<>!~]/, 1)[0] ?? dep;
      if (!ignored.has(normaliseName(name)) && !isExactCondaPin(dep)) {
        issues.push({
          type: 'unpinned',
          line: lineOf(text, dep) ?? 1,
          name,
          spec: dep.slice(name.length).trim(),
        });
      }
      continue;
    }
    const pip = asRecord(dep)?.pip;
    if (Array.isArray(pip)) {
      for (const entry of pip) {
        if (typeof entry === 'string')
          pipLines.push({ text: entry, line: lineOf(text, entry) ?? 1 });
      }
    }
  }
  const fromPip = checkPipRequirements(pipLines, ignore);
  return { packages: packages + fromPip.packages, issues: [...issues, ...fromPip.issues] };
}

/** python_env.yaml: the Python version and `build_dependencies` / `dependencies` lists. */
export function checkPythonEnvYaml(text: string, ignore: readonly string[]): RequirementsSummary {
  const doc = asRecord(parseYamlData(text));
  const lines: { text: string; line: number }[] = [];
  for (const key of ['build_dependencies', 'dependencies']) {
    const list = doc?.[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (typeof entry === 'string') lines.push({ text: entry, line: lineOf(text, entry) ?? 1 });
    }
  }
  const summary = checkPipRequirements(lines, ignore);
  const python = doc?.python;
  if (python === undefined || python === null || !/^\d+\.\d+\.\d+$/.test(String(python))) {
    summary.issues.unshift({
      type: 'unpinned',
      line: lineOf(text, 'python') ?? 1,
      name: 'python',
      spec: python === undefined || python === null ? '' : String(python),
    });
  }
  return summary;
}
