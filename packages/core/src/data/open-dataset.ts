import { open, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors/input-error.js';
import { openArrowIpcDataset } from './arrow-ipc-dataset.js';
import type { ArrowDataset, DatasetFormat } from './dataset-notes.js';
import { openParquetDataset, type ParquetDatasetOptions } from './parquet-dataset.js';
import { openCsvDataset, openNdjsonDataset, type TextDatasetOptions } from './text-dataset.js';

export type FileFormat = Exclude<DatasetFormat, 'table' | 'records'>;

export interface OpenDatasetOptions extends TextDatasetOptions, ParquetDatasetOptions {
  /** Skip detection and read the file as this format. */
  format?: FileFormat;
}

const TEXT_EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.ldjson': 'ndjson',
};

/**
 * The format of a file: by content for binary formats (`ARROW1` magic = Arrow IPC file, the
 * 0xFFFFFFFF continuation marker = Arrow IPC stream, `PAR1` = Parquet), by extension for text
 * (.csv, .tsv/.tab, .ndjson/.jsonl/.ldjson; compound extensions like .csv.gz are rejected).
 */
export async function detectFormat(path: string): Promise<FileFormat> {
  const head = new Uint8Array(8);
  const handle = await open(path, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, 8, 0));
  } finally {
    await handle.close();
  }
  const magic = String.fromCharCode(...head.subarray(0, Math.min(read, 6)));
  if (magic === 'ARROW1') return 'arrow-file';
  if (magic.startsWith('PAR1')) return 'parquet';
  if (read >= 4 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff)
    return 'arrow-stream';
  if (magic.startsWith('FEA1')) {
    throw new InputError(`${path} is a Feather v1 file, which is not supported`, {
      hint: 'rewrite it as Feather v2 / Arrow IPC, e.g. pyarrow.feather.write_feather(table, path, version=2)',
    });
  }
  const lower = path.toLowerCase();
  const ext = extname(lower);
  const format = TEXT_EXTENSIONS[ext];
  if (format) return format;
  if (['.gz', '.bz2', '.xz', '.zst', '.zip'].includes(ext)) {
    throw new InputError(
      `${path} is compressed (${ext}); compressed text files are not read directly`,
      {
        hint: 'decompress it first (the data layer does not expand archives), or convert it to Parquet or Arrow IPC',
      },
    );
  }
  if (
    read >= 4 &&
    head[0] !== 0xff &&
    new DataView(head.buffer).getInt32(0, true) > 0 &&
    ['.arrow', '.arrows', '.ipc', '.feather'].includes(ext)
  ) {
    // Arrow IPC streams written before format 0.15 have no continuation marker.
    return 'arrow-stream';
  }
  throw new InputError(`cannot tell the format of ${path}`, {
    hint: 'supported: Arrow IPC file/stream and Parquet (detected by content), .csv, .tsv, .ndjson/.jsonl (by extension); or pass { format }',
  });
}

function toPath(pathOrUri: string): string {
  if (/^file:/i.test(pathOrUri)) return fileURLToPath(pathOrUri);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(pathOrUri)?.[1];
  if (scheme) {
    throw new InputError(`openDataset reads local files; "${scheme}://" URIs need an adapter`, {
      code: 'MLW_INPUT_UNRESOLVED',
      hint: 'download the data first, or use an adapter package that resolves this scheme (e.g. @mlwarden/mlflow for runs:/ and models:/)',
    });
  }
  return resolve(pathOrUri);
}

/**
 * Opens a dataset file as a stream of Arrow record batches. The reader is chosen by content
 * (Arrow IPC file or stream, Parquet) or by extension (CSV, TSV, NDJSON); see docs/data-layer.md.
 */
export async function openDataset(
  pathOrUri: string,
  options: OpenDatasetOptions = {},
): Promise<ArrowDataset> {
  const path = toPath(pathOrUri);
  const source = options.source ?? pathOrUri;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `dataset file not found: ${path}`
        : `cannot open dataset ${path}: ${(cause as Error).message}`,
      {
        code: code === 'ENOENT' ? 'MLW_INPUT_NOT_FOUND' : 'MLW_INPUT_INVALID',
        cause,
        hint: 'check the path and permissions',
      },
    );
  }
  if (!info.isFile()) {
    throw new InputError(`${path} is not a regular file`, {
      hint: 'pass the path of one dataset file',
    });
  }
  const format = options.format ?? (await detectFormat(path));
  const withSource = { ...options, source };
  switch (format) {
    case 'arrow-file':
    case 'arrow-stream':
      return openArrowIpcDataset(path, format, withSource);
    case 'parquet':
      return openParquetDataset(path, withSource);
    case 'csv':
    case 'tsv':
      return openCsvDataset(path, format, withSource);
    case 'ndjson':
      return openNdjsonDataset(path, withSource);
    default:
      throw new InputError(`unknown dataset format "${String(format)}"`, {
        hint: 'use arrow-file, arrow-stream, parquet, csv, tsv or ndjson',
      });
  }
}
