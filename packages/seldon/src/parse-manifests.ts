import type { Manifest } from '@mlwarden/core';
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import { ManifestError } from './manifest-error.js';

export type ManifestPath = readonly (string | number)[];

export interface ParseManifestsOptions {
  /** Largest text accepted, in bytes. Default 5 MiB. */
  maxBytes?: number;
  /** Most documents in one text. Default 1000. */
  maxDocuments?: number;
  /** Most alias expansions per document (the `yaml` package's alias-bomb guard). Default 100. */
  maxAliasCount?: number;
}

export interface ParsedManifests {
  /** Seldon resources, plus Istio authorization policies (context for the explainer rule). */
  manifests: Manifest[];
  /** One line per document that was left out, and why. */
  notes: string[];
}

/** The Seldon resources the audit knows. */
export const SELDON_V1_API = /^machinelearning\.seldon\.io\/v1(alpha2|alpha3)?$/;
export const SELDON_V2_API = 'mlops.seldon.io/v1alpha1';
export const SELDON_V2_KINDS = [
  'Model',
  'Server',
  'ServerConfig',
  'Pipeline',
  'Experiment',
  'SeldonRuntime',
  'SeldonConfig',
] as const;
const CONTEXT_KINDS = new Set(['AuthorizationPolicy', 'RequestAuthentication']);

/** Which generation a document belongs to, or `context`/`undefined`. */
export function seldonGeneration(
  apiVersion: unknown,
  kind: unknown,
): 'v1' | 'v2' | 'context' | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  if (kind === 'SeldonDeployment' && SELDON_V1_API.test(apiVersion)) return 'v1';
  if (apiVersion === SELDON_V2_API && (SELDON_V2_KINDS as readonly string[]).includes(kind))
    return 'v2';
  if (apiVersion.startsWith('security.istio.io/') && CONTEXT_KINDS.has(kind)) return 'context';
  return undefined;
}

/** `spec.predictors[0].graph` from a path. */
export function formatPath(path: ManifestPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

function keyValue(node: unknown): unknown {
  return isScalar(node) ? node.value : node;
}

/** Node of the value at `path`, and the node to point at (the key, for map entries). */
function findNode(doc: Document, path: ManifestPath): { at: Node } | undefined {
  let node: unknown = doc.contents;
  let at: unknown = node;
  for (const [i, part] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node) && typeof part === 'string') {
      const pair = node.items.find((p) => isPair(p) && String(keyValue(p.key)) === part);
      if (!pair) return undefined;
      at = pair.key ?? pair.value;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      at = node;
    } else {
      return undefined;
    }
    if ((node === undefined || node === null) && i < path.length - 1) return undefined;
  }
  return at ? { at: at as Node } : undefined;
}

function docName(value: unknown): string {
  const metadata = (value as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof metadata?.name === 'string' ? ` "${metadata.name}"` : '';
}

/**
 * Parses multi-document YAML into manifests with line and column for every node. Keeps Seldon
 * Core v1 (SeldonDeployment) and v2 (Model, Server, ServerConfig, Pipeline, Experiment,
 * SeldonRuntime, SeldonConfig) resources, and Istio authorization policies as context; every
 * other document is left out with a note. Never executes anything: plain YAML 1.2 core schema,
 * no custom tags, alias expansion limited (alias bombs raise MLW_SELDON_YAML_ALIAS_LIMIT).
 */
export function parseManifests(
  text: string,
  source: string,
  options: ParseManifestsOptions = {},
): ParsedManifests {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    throw new ManifestError(
      'MLW_SELDON_MANIFEST_TOO_LARGE',
      `${source} is ${bytes} bytes, more than the ${maxBytes} bytes a manifest may have`,
      { source, hint: 'split the file, or raise maxBytes' },
    );
  }
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, schema: 'core', uniqueKeys: true });
  const docs: Document[] = Array.isArray(parsed) ? parsed : [];
  const maxDocuments = options.maxDocuments ?? 1000;
  if (docs.length > maxDocuments) {
    throw new ManifestError(
      'MLW_SELDON_MANIFEST_TOO_LARGE',
      `${source} holds ${docs.length} YAML documents, more than the ${maxDocuments} allowed`,
      { source },
    );
  }
  const manifests: Manifest[] = [];
  const notes: string[] = [];
  docs.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      throw new ManifestError(
        'MLW_SELDON_YAML_INVALID',
        `${source}${line ? `:${line}` : ''} (document ${index}) is not valid YAML: ${error.message.split('\n')[0]}`,
        {
          source,
          ...(line !== undefined && { line }),
          hint: 'fix the YAML syntax; `kubectl apply --dry-run=client -f` shows the same problem',
        },
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
    } catch (cause) {
      const line = doc.range ? lineCounter.linePos(doc.range[0]).line : undefined;
      if (cause instanceof ReferenceError && /alias/i.test(cause.message)) {
        throw new ManifestError(
          'MLW_SELDON_YAML_ALIAS_LIMIT',
          `${source} (document ${index}) expands YAML aliases more than ${options.maxAliasCount ?? 100} times; this is how "billion laughs" bombs exhaust memory`,
          {
            source,
            ...(line !== undefined && { line }),
            cause,
            hint: 'remove the nested aliases; Kubernetes manifests do not need them',
          },
        );
      }
      throw new ManifestError(
        'MLW_SELDON_YAML_INVALID',
        `${source} (document ${index}) cannot be read: ${(cause as Error).message}`,
        {
          source,
          cause,
        },
      );
    }
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      notes.push(`${source} document ${index}: not a Kubernetes object; ignored`);
      return;
    }
    const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
    const generation = seldonGeneration(apiVersion, kind);
    if (generation === undefined) {
      notes.push(
        `${source} document ${index}: ${String(apiVersion ?? '?')}/${String(kind ?? '?')}${docName(value)} is not a Seldon resource; ignored`,
      );
      return;
    }
    manifests.push({
      source,
      index,
      apiVersion: apiVersion as string,
      kind: kind as string,
      document: value,
      positionOf(path) {
        const found = findNode(doc, path);
        const offset = found?.at.range?.[0];
        if (offset === undefined) return undefined;
        const pos = lineCounter.linePos(offset);
        return { line: pos.line, column: pos.col };
      },
    });
  });
  return { manifests, notes };
}
