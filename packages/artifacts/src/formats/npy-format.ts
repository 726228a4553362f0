import { type PyLiteral, parsePyLiteral } from '../npy/_py-literal.js';
import { scanPickle } from './_pickle-scan.js';
import type { FormatHandler } from './format-handler.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** NumPy refuses headers larger than this unless told otherwise (`max_header_size`). */
const NUMPY_MAX_HEADER = 10_000;

/** True when a dtype description holds Python objects (so the data is a pickle). */
function hasObject(descr: PyLiteral): boolean {
  if (typeof descr === 'string') return /^[<>|=]?O/.test(descr);
  if (Array.isArray(descr)) {
    return descr.some(
      (field) => Array.isArray(field) && field.length >= 2 && hasObject(field[1] as PyLiteral),
    );
  }
  return false;
}

/**
 * NumPy `.npy` files (also the members of `.npz`). Arrays of dtype object are stored as a pickle
 * after the header, which `numpy.load(allow_pickle=True)` unpickles; that pickle is scanned.
 */
export const npyFormat: FormatHandler = {
  format: 'npy',
  sniff(source) {
    return MAGIC.every((b, i) => source.head[i] === b) ? 'start' : false;
  },
  async scan(source, unit, ctx, depth) {
    const h = source.head;
    const major = h[6] ?? 0;
    const width = major === 1 ? 2 : 4;
    if (h.length < 8 + width || major < 1 || major > 3) {
      unit.report({
        rule: 'archive-anomaly',
        severity: 'low',
        message: `.npy version ${major}.${h[7]} is not one NumPy writes`,
        evidence: { anomaly: 'npy-version' },
      });
      unit.incomplete('unknown .npy version');
      return;
    }
    let headerLen = 0;
    for (let i = width - 1; i >= 0; i--) headerLen = headerLen * 256 + (h[8 + i] as number);
    const dataOffset = 8 + width + headerLen;
    if (headerLen > NUMPY_MAX_HEADER) {
      unit.report({
        rule: 'archive-anomaly',
        severity: 'low',
        message: `.npy header of ${headerLen} bytes exceeds NumPy's default limit (${NUMPY_MAX_HEADER})`,
        evidence: { anomaly: 'npy-header-size', headerBytes: headerLen },
      });
    }
    const raw = dataOffset <= h.length ? h.subarray(8 + width, dataOffset) : undefined;
    let descr: PyLiteral | undefined;
    try {
      if (raw === undefined) throw new Error('header longer than the sniffed head');
      const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(raw);
      const header = parsePyLiteral(text.trim());
      if (
        typeof header !== 'object' ||
        header === null ||
        Array.isArray(header) ||
        !('descr' in header)
      ) {
        throw new Error('header is not a dict with a descr key');
      }
      descr = header.descr as PyLiteral;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      unit.report({
        rule: 'archive-anomaly',
        severity: 'low',
        message: `.npy header unreadable: ${message}`,
        evidence: { anomaly: 'npy-header' },
      });
      unit.incomplete(`.npy header unreadable: ${message}`);
      // Whatever the header says, a pickle after it would be unpickled: try one.
      await scanPickle(source, unit, ctx, depth, {
        mode: 'trial',
        start: Math.min(dataOffset, source.size ?? dataOffset),
      });
      return;
    }
    if (hasObject(descr)) {
      unit.addFormat('npy-object');
      await scanPickle(source, unit, ctx, depth, { mode: 'pickle', start: dataOffset });
    }
  },
};
