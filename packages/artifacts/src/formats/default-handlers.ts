import { compressedFormat } from './compressed-format.js';
import type { FormatHandler } from './format-handler.js';
import { npyFormat } from './npy-format.js';
import { pickleFormat } from './pickle-format.js';
import { tarFormat } from './tar-format.js';
import { zipFormat } from './zip-format.js';

/** The formats scanned by default, in the order they are tried. */
export const defaultHandlers: readonly FormatHandler[] = [
  zipFormat,
  tarFormat,
  npyFormat,
  compressedFormat,
  pickleFormat,
];
