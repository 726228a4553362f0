import type { ClassifyOptions, ImportClassification } from '../classify/classify-import.js';
import { classifyImport } from '../classify/classify-import.js';
import { scanPickle } from '../formats/_pickle-scan.js';
import type { FormatHandler } from '../formats/format-handler.js';
import type { ScanLimits } from './limits.js';
import type { ScanUnit } from './scan-unit.js';
import { concat, type Source, sourceFromBytes } from './source.js';

/** Shared state of one top-level file's scan: limits, budgets, the formats and the classifier. */
export class ScanContext {
  private readonly cache = new Map<string, ImportClassification>();
  /** Decompressed bytes still allowed for this top-level file. */
  private decompressBudget: number;
  readonly deadline: number;

  constructor(
    readonly limits: ScanLimits,
    readonly handlers: readonly FormatHandler[],
    readonly classify: ClassifyOptions,
    readonly signal: AbortSignal | undefined,
  ) {
    this.decompressBudget = limits.maxDecompressedBytes;
    this.deadline = Date.now() + limits.maxTimeMs;
  }

  /** Classification of an import, cached per scan. */
  classifyImport(module: string, name: string): ImportClassification {
    const key = `${module}\u0000${name}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = classifyImport(module, name, this.classify);
      if (this.cache.size < 100_000) this.cache.set(key, hit);
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
      for (const handler of this.handlers) {
        if (this.expired()) {
          unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
          return;
        }
        // Most sniffs are synchronous: awaiting only promises saves a microtask per format.
        const sniffed = handler.sniff(source, this);
        const sniff = sniffed instanceof Promise ? await sniffed : sniffed;
        if (sniff === false) continue;
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
      if (!claimed) {
        const result = await scanPickle(source, unit, this, depth, { mode: 'trial' });
        if (result.committed) unit.addFormat('pickle');
      }
      if (unit.formats.length === 0) unit.addFormat('unrecognized');
    } finally {
      await source.dispose?.();
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
