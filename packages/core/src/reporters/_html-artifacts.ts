import type { CheckResult } from '../report.js';
import { isSeverity } from '../severity.js';
import { html, type IdSource, join, type SafeHtml } from './_html.js';
import { type Bar, barChart } from './_html-charts.js';
import { finite, isRecord, text } from './_html-json.js';

/** Entries drawn in the tree; the JSON report has all of them. */
const MAX_ENTRIES = 2000;

const VERDICTS = ['findings', 'error', 'incomplete', 'clean'] as const;

interface FileEntry {
  path: string;
  member?: string;
  formats: string[];
  verdict: string;
  maxSeverity?: string;
  reasons: string[];
}

interface TreeNode {
  name: string;
  entry?: FileEntry;
  /** Part of an archive or container rather than a directory on disk. */
  member: boolean;
  children: Map<string, TreeNode>;
}

function entriesOf(result: CheckResult): FileEntry[] | undefined {
  const files = result.metrics.files;
  if (!Array.isArray(files) || files.length === 0) return undefined;
  const out: FileEntry[] = [];
  for (const f of files) {
    if (!isRecord(f)) return undefined;
    const path = text(f.path);
    const verdict = text(f.verdict);
    if (path === undefined || verdict === undefined) return undefined;
    const member = text(f.member);
    const severity = text(f.maxSeverity);
    out.push({
      path,
      ...(member !== undefined && { member }),
      formats: Array.isArray(f.formats) ? f.formats.map((x) => String(x)) : [],
      verdict,
      ...(severity !== undefined && { maxSeverity: severity }),
      reasons: Array.isArray(f.reasons) ? f.reasons.map((x) => String(x)) : [],
    });
  }
  return out;
}

function segments(path: string): string[] {
  const parts = path.split(/[/\\]/).filter((p) => p !== '');
  return parts.length > 0 ? parts : [path];
}

function buildTree(entries: readonly FileEntry[]): TreeNode {
  const root: TreeNode = { name: '', member: false, children: new Map() };
  for (const entry of entries) {
    let node = root;
    const steps = [
      ...segments(entry.path).map((name) => ({ name, member: false })),
      ...(entry.member !== undefined
        ? segments(entry.member).map((name) => ({ name, member: true }))
        : []),
    ];
    for (const step of steps) {
      const key = `${step.member ? 'm' : 'f'}:${step.name}`;
      let child = node.children.get(key);
      if (child === undefined) {
        child = { name: step.name, member: step.member, children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
    node.entry = entry;
  }
  return root;
}

function badges(entry: FileEntry): SafeHtml {
  const verdictClass = (VERDICTS as readonly string[]).includes(entry.verdict)
    ? `verdict-${entry.verdict}`
    : 'verdict-other';
  const severity =
    entry.maxSeverity !== undefined && isSeverity(entry.maxSeverity)
      ? html` <span class="badge sev-${entry.maxSeverity}">${entry.maxSeverity}</span>`
      : '';
  return html` <span class="badge ${verdictClass}">${entry.verdict}</span>${severity}${
    entry.formats.length > 0 ? html` <span class="formats">${entry.formats.join(' › ')}</span>` : ''
  }${entry.reasons.length > 0 ? html`<span class="reasons">${entry.reasons.join('; ')}</span>` : ''}`;
}

function renderNode(node: TreeNode): SafeHtml {
  // Fold chains of plain directories (`a/b/c`) into one line.
  let name = node.name;
  let current = node;
  while (current.entry === undefined && current.children.size === 1) {
    const only = [...current.children.values()][0] as TreeNode;
    if (only.member !== current.member) break;
    name = `${name}/${only.name}`;
    current = only;
  }
  const kind = current.member
    ? 'member'
    : current.children.size > 0 && current.entry === undefined
      ? 'dir'
      : 'file';
  const label = html`<span class="node ${kind}">${name}</span>${current.entry !== undefined ? badges(current.entry) : ''}`;
  if (current.children.size === 0) return html`<li>${label}</li>`;
  return html`<li><details open><summary>${label}</summary><ul>${[...current.children.values()].map(renderNode)}</ul></details></li>`;
}

/**
 * Artifact scans (`metrics.files[]` of `{ path, member?, formats, verdict, maxSeverity }`): the
 * scanned files and archive members by verdict, and a tree of them with their verdicts.
 */
export function artifactsView(ids: IdSource, result: CheckResult): SafeHtml | undefined {
  const entries = entriesOf(result);
  if (entries === undefined) return undefined;
  const shown = entries.slice(0, MAX_ENTRIES);
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.verdict, (counts.get(e.verdict) ?? 0) + 1);
  const order = [
    ...VERDICTS,
    ...[...counts.keys()].filter((v) => !(VERDICTS as readonly string[]).includes(v)).sort(),
  ];
  const bars: Bar[] = order
    .filter((v) => counts.has(v))
    .map((v) => ({
      label: v,
      value: counts.get(v) ?? 0,
      tone:
        v === 'clean'
          ? 'pass'
          : v === 'findings' || v === 'error'
            ? 'fail'
            : v === 'incomplete'
              ? 'warn'
              : 'skip',
    }));
  const notListed = finite(result.metrics.filesNotListed);
  const tree = buildTree(shown);
  const hidden = entries.length - shown.length + (notListed ?? 0);
  return join([
    html`<div class="charts">${barChart(ids, { title: 'Files and archive members by verdict', bars, valueLabel: 'entries' })}</div>`,
    html`<figure class="tree" data-chart="tree"><figcaption>Files and members</figcaption><ul class="tree-root">${[...tree.children.values()].map(renderNode)}</ul></figure>`,
    hidden > 0 ? html`<p class="muted">${hidden} more files or members are not listed.</p>` : '',
  ]);
}
