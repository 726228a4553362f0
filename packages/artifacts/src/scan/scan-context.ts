import type { ClassifyOptions, ImportClassification } from '../classify/classify-import.js';
import { classifyImport } from '../classify/classify-import.js';
import { scanPickle } from '../formats/_pickle-scan.js';
import type { FormatHandler } from '../formats/format-handler.js';
import { OPCODES } from '../pickle/_opcodes.js';
import type { ScanLimits } from './limits.js';
import type { ScanUnit } from './scan-unit.js';
import { concat, type Source, sourceFromBytes } from './source.js';

/** Classifications by module, then name. */
class ClassificationCache {
  private readonly byModule = new Map<string, Map<string, ImportClassification>>();
  size = 0;

  get(module: string, name: string): ImportClassification | undefined {
    return this.byModule.get(module)?.get(name);
  }

  set(module: string, name: string, value: ImportClassification): void {
    let names = this.byModule.get(module);
    if (names === undefined) {
      names = new Map();
      this.byModule.set(module, names);
    }
    if (!names.has(name)) this.size++;
    names.set(name, value);
  }
}

/** Classifications under the default options, shared by every scan (they never change). */
const defaultCache = new ClassificationCache();
const MAX_CACHED = 100_000;
/** Longer names (a crafted 64 MiB GLOBAL line) are classified each time, never kept. */
const MAX_CACHED_KEY = 512;

/** Shared state of one top-level file's scan: limits, budgets, the formats and the classifier. */
export class ScanContext {
  private readonly cache: ClassificationCache;
  /** Decompressed bytes still allowed for this top-level file. */
  private decompressBudget: number;
  readonly deadline: number;

  /** Read every member to its end (and so check every CRC), not only what the formats need. */
  readonly deep: boolean;

  constructor(
    readonly limits: ScanLimits,
    readonly handlers: readonly FormatHandler[],
    readonly classify: ClassifyOptions,
    readonly signal: AbortSignal | undefined,
    options: { deep?: boolean } = {},
  ) {
    this.deep = options.deep === true;
    // Scans of many small files import the same few classes: with the default options the
    // classifications are kept across scans.
    const defaults = classify.strict !== true && (classify.allow?.size ?? 0) === 0;
    this.cache = defaults ? defaultCache : new ClassificationCache();
    this.decompressBudget = limits.maxDecompressedBytes;
    this.deadline = Date.now() + limits.maxTimeMs;
  }

  /** Classification of an import, cached (across scans with the default options). Read-only. */
  classifyImport(module: string, name: string): ImportClassification {
    let hit = this.cache.get(module, name);
    if (hit === undefined) {
      hit = Object.freeze(classifyImport(module, name, this.classify));
      // The length of the `module\0name` key the limit was set for.
      if (this.cache.size < MAX_CACHED && module.length + 1 + name.length <= MAX_CACHED_KEY) {
        this.cache.set(module, name, hit);
      }
    }
    return hit;
  }

  /** True when the time limit passed or the scan was cancelled. */
  expired(): boolean {
    return this.signal?.aborted === true || Date.now() > this.deadline;
  }

  /** Takes `n` bytes from the decompression budget; false when the budget is exhausted. */
  spendDecompressed(n: number): boolean {
    this.decompressBudget -= n;
    return this.decompressBudget >= 0;
  }

  /**
   * Scans content with every format whose sniff matches. When no format claims offset 0, the
   * content is also tried as a pickle: `pickle.load` accepts any stream that starts with an
   * opcode, whatever the file is called.
   */
  async scan(source: Source, unit: ScanUnit, depth: number): Promise<void> {
    try {
      if (depth > this.limits.maxDepth) {
        unit.report({
          rule: 'scan-limit',
          severity: 'low',
          message: `containers nested deeper than ${this.limits.maxDepth} levels were not scanned`,
          evidence: { limit: 'maxDepth', value: this.limits.maxDepth },
        });
        unit.incomplete(`nested deeper than maxDepth (${this.limits.maxDepth})`);
        return;
      }
      if (source.head.length === 0) {
        unit.error('empty (0 bytes): not a model file');
        return;
      }
      let claimed = false;
      if (this.expired()) {
        unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
        return;
      }
      for (const handler of this.handlers) {
        // Most sniffs are synchronous: awaiting only promises saves a microtask per format.
        const sniffed = handler.sniff(source, this);
        const sniff = sniffed instanceof Promise ? await sniffed : sniffed;
        if (sniff === false) continue;
        // The clock is read before each scan, not each sniff (sniffs look at the head only).
        if (this.expired()) {
          unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
          return;
        }
        if (sniff === 'start') claimed = true;
        unit.addFormat(handler.format);
        try {
          await handler.scan(source, unit, this, depth);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          unit.report({
            rule: 'unreadable',
            severity: 'low',
            message: `internal error in the ${handler.format} scanner: ${message}`,
          });
          unit.incomplete(`internal error in the ${handler.format} scanner: ${message}`);
        }
      }
      // A first byte that is no opcode makes pickle.load fail before it does anything: no trial.
      if (!claimed && OPCODES[source.head[0] as number] !== undefined) {
        const result = await scanPickle(source, unit, this, depth, { mode: 'trial' });
        if (result.committed) unit.addFormat('pickle');
      }
      if (unit.formats.length === 0) unit.addFormat('unrecognized');
      if (this.deep && depth > 0) await this.drain(source, unit);
    } finally {
      await source.dispose?.();
    }
  }

  /**
   * Reads a member to its end. By default formats read only what they need: the head of a tensor
   * storage member (every format's magic, and a trial pickle parse that stops at the first byte
   * that is no opcode), so its CRC is not checked. `deep` reads it all, which makes containers
   * check the CRC of every member (a mismatch is an `archive-anomaly`).
   */
  private async drain(source: Source, unit: ScanUnit): Promise<void> {
    for await (const _ of source.stream()) {
      if (this.expired()) {
        unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
        return;
      }
    }
  }

  /**
   * The whole content in memory, for formats that need random access to a source that has none
   * (a zip inside a compressed stream). Undefined, with the unit marked incomplete, when larger
   * than `maxBufferedBytes`.
   */
  async buffer(source: Source, unit: ScanUnit, what: string): Promise<Source | undefined> {
    if (source.read !== undefined) return source;
    const max = this.limits.maxBufferedBytes;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of source.stream()) {
      total += chunk.length;
      if (total > max) {
        unit.report({
          rule: 'scan-limit',
          severity: 'low',
          message: `${what} is larger than maxBufferedBytes (${max}) and needs random access; not scanned`,
          evidence: { limit: 'maxBufferedBytes', value: max },
        });
        unit.incomplete(`${what} larger than maxBufferedBytes (${max})`);
        return undefined;
      }
      chunks.push(chunk);
    }
    return sourceFromBytes(source.name, concat(chunks));
  }
}
