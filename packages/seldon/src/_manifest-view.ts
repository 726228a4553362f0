import type { Manifest } from '@mlwarden/core';
import type { ManifestPath } from './parse-manifests.js';

export type Obj = Record<string, unknown>;

export function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function metadataOf(manifest: Manifest): {
  name: string;
  namespace: string | undefined;
  labels: Obj;
} {
  const metadata = obj(obj(manifest.document)?.metadata);
  return {
    name: str(metadata?.name) ?? `(document ${manifest.index})`,
    namespace: str(metadata?.namespace),
    labels: obj(metadata?.labels) ?? {},
  };
}

export function specOf(manifest: Manifest): Obj {
  return obj(obj(manifest.document)?.spec) ?? {};
}

/** A container definition found in a resource, with where it sits. */
export interface ContainerRef {
  container: Obj;
  path: ManifestPath;
  /** The pod spec around it, when the resource has one. */
  pod: Obj | undefined;
  podPath: ManifestPath | undefined;
  /** A partial container that only overrides fields of one the operator defines (v2 imageOverrides). */
  override?: boolean;
}

function podContainers(pod: Obj | undefined, podPath: ManifestPath, out: ContainerRef[]): void {
  if (!pod) return;
  for (const key of ['initContainers', 'containers'] as const) {
    list(pod[key]).forEach((c, i) => {
      const container = obj(c);
      if (container) out.push({ container, path: [...podPath, key, i], pod, podPath });
    });
  }
}

/** Pod specs of a resource with their paths. */
export function podsOf(manifest: Manifest): Array<{ pod: Obj; path: ManifestPath }> {
  const spec = specOf(manifest);
  const pods: Array<{ pod: Obj; path: ManifestPath }> = [];
  if (manifest.kind === 'SeldonDeployment') {
    list(spec.predictors).forEach((p, i) => {
      list(obj(p)?.componentSpecs).forEach((cs, j) => {
        const pod = obj(obj(cs)?.spec);
        if (pod) pods.push({ pod, path: ['spec', 'predictors', i, 'componentSpecs', j, 'spec'] });
      });
    });
  } else if (manifest.kind === 'Server' || manifest.kind === 'ServerConfig') {
    const pod = obj(spec.podSpec);
    if (pod) pods.push({ pod, path: ['spec', 'podSpec'] });
  }
  return pods;
}

/** Every container definition of a SeldonDeployment, Server or ServerConfig. */
export function containersOf(manifest: Manifest): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const { pod, path } of podsOf(manifest)) podContainers(pod, path, out);
  const spec = specOf(manifest);
  if (manifest.kind === 'SeldonDeployment') {
    list(spec.predictors).forEach((p, i) => {
      const container = obj(obj(obj(p)?.explainer)?.containerSpec);
      if (container) {
        out.push({
          container,
          path: ['spec', 'predictors', i, 'explainer', 'containerSpec'],
          pod: undefined,
          podPath: undefined,
        });
      }
    });
  }
  if (manifest.kind === 'Server') {
    const overrides = obj(spec.imageOverrides);
    for (const key of ['init', 'agent', 'rclone']) {
      const container = obj(overrides?.[key]);
      if (container) {
        out.push({
          container,
          path: ['spec', 'imageOverrides', key],
          pod: obj(spec.podSpec),
          podPath: obj(spec.podSpec) ? ['spec', 'podSpec'] : undefined,
          override: true,
        });
      }
    }
  }
  return out;
}

/** A node of a v1 inference graph (recursively through `children`). */
export interface GraphNodeRef {
  node: Obj;
  path: ManifestPath;
  predictor: Obj;
  predictorPath: ManifestPath;
}

export function graphNodesOf(manifest: Manifest): GraphNodeRef[] {
  const out: GraphNodeRef[] = [];
  if (manifest.kind !== 'SeldonDeployment') return out;
  const walk = (
    node: Obj,
    path: ManifestPath,
    predictor: Obj,
    predictorPath: ManifestPath,
    depth: number,
  ) => {
    if (depth > 64) return;
    out.push({ node, path, predictor, predictorPath });
    list(node.children).forEach((child, i) => {
      const c = obj(child);
      if (c) walk(c, [...path, 'children', i], predictor, predictorPath, depth + 1);
    });
  };
  list(specOf(manifest).predictors).forEach((p, i) => {
    const predictor = obj(p);
    const graph = obj(predictor?.graph);
    if (predictor && graph)
      walk(graph, ['spec', 'predictors', i, 'graph'], predictor, ['spec', 'predictors', i], 0);
  });
  return out;
}
