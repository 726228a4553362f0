import { scanPickle } from './_pickle-scan.js';
import type { FormatHandler } from './format-handler.js';

/**
 * Pickle streams that start with a PROTO opcode (protocols 2–5), including joblib files and the
 * legacy PyTorch format. Content without that magic is still tried as a pickle by the dispatcher
 * whenever no other format claims its first byte.
 */
export const pickleFormat: FormatHandler = {
  format: 'pickle',
  sniff(source) {
    const h = source.head;
    return h.length >= 2 && h[0] === 0x80 && (h[1] as number) <= 5 ? 'start' : false;
  },
  async scan(source, unit, ctx, depth) {
    await scanPickle(source, unit, ctx, depth, { mode: 'pickle' });
  },
};
