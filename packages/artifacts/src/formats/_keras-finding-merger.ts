import { createHash } from 'node:crypto';
import type { ArtifactFinding } from '../scan/scan-result.js';
import type { ScanUnit, UnitFinding } from '../scan/scan-unit.js';
import type { KerasJson } from './_keras-config.js';

/** Places listed per merged finding. */
const MAX_LOCATIONS = 10;
const MAX_DEPTH = 256;
/** Objects indexed per config; past it findings are kept as they are. */
const MAX_OBJECTS = 200_000;

type JsonObject = { [key: string]: KerasJson };

function isObject(v: KerasJson | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every object with a `class_name` in a Keras config under the path `checkKerasConfig` gives it
 * (`$`, `.key`, `[i]`, `<ClassName>` after an object with a class name). A path two objects share
 * (keys holding dots or brackets can make one) maps to null: findings there are not merged.
 */
function objectsByPath(root: KerasJson): Map<string, JsonObject | null> {
  const out = new Map<string, JsonObject | null>();
  const walk = (node: KerasJson, where: string, depth: number): void => {
    if (depth > MAX_DEPTH || out.size >= MAX_OBJECTS) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, `${where}[${i}]`, depth + 1);
      });
      return;
    }
    if (!isObject(node)) return;
    const className = typeof node.class_name === 'string' ? node.class_name : undefined;
    const here = className === undefined ? where : `${where}<${className}>`;
    if (className !== undefined) out.set(here, out.has(here) ? null : node);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'class_name' || key === 'module' || key === 'registered_name') continue;
      walk(value, `${here}.${key}`, depth + 1);
    }
  };
  walk(root, '$', 0);
  return out;
}

/** JSON with sorted keys and without `shared_object_id` (numbered per save, not per layer). */
function canonical(value: KerasJson | undefined, depth = 0): string {
  if (depth > MAX_DEPTH) return '…';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, depth + 1)).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => k !== 'shared_object_id')
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k], depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A layer's identity: its class and its config, wherever in the file it is written. */
function identity(object: JsonObject): string {
  return createHash('sha256')
    .update(`${String(object.class_name)}\0${canonical(object.config)}`)
    .digest('hex');
}

interface Location {
  node: number;
  offset: number;
  at: string | undefined;
}

interface Group {
  finding: ArtifactFinding;
  first: Location;
  locations: Location[];
  count: number;
}

/**
 * Merges the Keras findings of the nodes of one `keras_metadata.pb`: findings on the same layer
 * (same class and config) with the same rule, severity, message (but for the path) and evidence
 * are one finding, with `occurrences` and `locations` (node, offset of its metadata, path) in its
 * evidence. Findings on different layers, or whose object cannot be told, stay apart.
 */
export class KerasFindingMerger {
  private readonly groups = new Map<string, Group>();
  private readonly order: Group[] = [];

  add(config: KerasJson, findings: readonly ArtifactFinding[], where: Omit<Location, 'at'>): void {
    if (findings.length === 0) return;
    const objects = objectsByPath(config);
    const ids = new Map<JsonObject, string>();
    for (const finding of findings) {
      const at = typeof finding.evidence.at === 'string' ? finding.evidence.at : undefined;
      const location: Location = { ...where, at };
      const object = at === undefined ? undefined : objects.get(at);
      if (at === undefined || object === undefined || object === null) {
        this.order.push({ finding, first: location, locations: [location], count: 1 });
        continue;
      }
      let id = ids.get(object);
      if (id === undefined) {
        id = identity(object);
        ids.set(object, id);
      }
      const { at: _at, ...evidence } = finding.evidence;
      const key = JSON.stringify([
        finding.rule,
        finding.severity,
        finding.module ?? null,
        finding.name ?? null,
        finding.message.split(at).join('\0'),
        canonical(evidence as KerasJson),
        id,
      ]);
      const group = this.groups.get(key);
      if (group !== undefined) {
        group.count++;
        if (group.locations.length < MAX_LOCATIONS) group.locations.push(location);
        continue;
      }
      const created: Group = { finding, first: location, locations: [location], count: 1 };
      this.groups.set(key, created);
      this.order.push(created);
    }
  }

  /** Reports the merged findings on `unit`, in the order they were first seen. */
  reportTo(unit: ScanUnit): void {
    for (const g of this.order) {
      const { path: _path, member: _member, ...rest } = g.finding;
      const finding: UnitFinding = { ...rest, offset: g.first.offset };
      if (g.count > 1) {
        finding.message = `${rest.message} (the same layer config appears ${g.count} times in the file)`;
        finding.evidence = {
          ...rest.evidence,
          occurrences: g.count,
          locations: g.locations.map((l) => ({ node: l.node, offset: l.offset, at: l.at })),
        };
      }
      unit.report(finding);
    }
  }
}
