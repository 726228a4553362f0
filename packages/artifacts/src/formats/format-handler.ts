import type { ScanContext } from '../scan/scan-context.js';
import type { ScanUnit } from '../scan/scan-unit.js';
import type { Source } from '../scan/source.js';

/**
 * How a format recognised the content: `start` when its magic is at offset 0 (the content *is*
 * this format), `elsewhere` when it was found another way (a zip directory at the end of a file
 * with data prepended). A pickle starting at offset 0 is tried whenever no format claims `start`.
 */
export type Sniff = false | 'start' | 'elsewhere';

/**
 * One file format the scanner understands. Adding a format is one new file exporting a handler,
 * listed in `defaultHandlers` (or passed in `ScanOptions.handlers`). Every handler whose `sniff`
 * matches scans the content, so polyglot files are scanned as each of their formats.
 */
export interface FormatHandler {
  /** Name reported in `metrics.files[].formats`, e.g. `zip`, `pickle`, `npy`. */
  readonly format: string;
  /** Looks at the head (and, with random access, anywhere else) without consuming the source. */
  sniff(source: Source, ctx: ScanContext): Sniff | Promise<Sniff>;
  /**
   * Scans the content: reports findings on `unit`, creates child units for members and passes
   * them back to `ctx.scan`, calls `unit.incomplete` when it cannot finish. Throws only on bugs.
   */
  scan(source: Source, unit: ScanUnit, ctx: ScanContext, depth: number): Promise<void>;
}
