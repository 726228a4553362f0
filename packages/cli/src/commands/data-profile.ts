import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ColumnProfile, openDataset, profileDataset, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';

const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

function summary(c: ColumnProfile) {
  const top = c.topK?.top(5) ?? [];
  return {
    name: c.name,
    type: c.type,
    count: c.count,
    nulls: c.nulls,
    ...(c.kind === 'numeric' && {
      nan: c.nan,
      infinities: c.positiveInfinity + c.negativeInfinity,
      min: c.min ?? null,
      max: c.max ?? null,
      mean: c.mean ?? null,
      stddev: c.stddev ?? null,
      quantiles: Object.fromEntries(
        QUANTILES.map((q) => [`p${Math.round(q * 100)}`, c.quantile(q) ?? null]),
      ),
      quantileRankError: c.quantileError ?? null,
    }),
    ...(c.distinctCount !== undefined && {
      distinct: c.distinctCount,
      distinctError: c.distinctError ?? null,
    }),
    ...(top.length > 0 && { top: top.map((t) => ({ value: t.value, count: t.count })) }),
  };
}

const fmt = (v: unknown) =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? String(v)
      : v.toPrecision(4)
    : v === undefined || v === null
      ? '-'
      : String(v);

export const dataProfileCommand = defineCommand({
  name: 'data profile',
  summary:
    'profile a dataset in one streaming pass: counts, moments, quantiles, distinct, top values',
  usage:
    'mlwarden data profile <dataset> [--columns a,b] [--workers n|auto] [--sketches] [-f json] [-o json=file]',
  help: `Datasets: Arrow IPC (file or stream), Parquet, CSV/TSV, NDJSON — detected by content.
Quantiles come from a KLL sketch and distinct counts from HyperLogLog; their error bounds are
printed with them.

Options:
      --columns <a,b>     profile only these columns (others are not decoded where possible)
      --workers <n|auto>  worker threads (default 0: the calling thread)
      --sketches          include the mergeable profile (sketches) in the JSON output, so profiles
                          of partitions made elsewhere can be merged`,
  options: {
    columns: { type: 'string' },
    workers: { type: 'string' },
    sketches: { type: 'boolean' },
  },
  async run({ io, globals, values, positionals }) {
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0)
      throw new UsageError('data profile takes exactly one dataset');
    const workers =
      values.workers === 'auto'
        ? 'auto'
        : values.workers === undefined
          ? 0
          : Number(values.workers);
    if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 0)) {
      throw new UsageError(`--workers "${String(values.workers)}" must be a whole number or auto`);
    }
    const formats = globals.formats.length > 0 ? globals.formats : globals.quiet ? [] : ['console'];
    for (const f of [...formats, ...globals.outputs.map((o) => o.format)]) {
      if (f !== 'console' && f !== 'json') {
        throw new UsageError(`data profile writes console or json, not "${f}"`);
      }
    }
    const dataset = await openDataset(resolve(io.cwd, file), { source: file });
    const profile = await profileDataset(dataset, {
      workers,
      ...(typeof values.columns === 'string' && { columns: values.columns.split(',') }),
    });
    const json = `${JSON.stringify(
      {
        source: file,
        rows: profile.rows,
        columns: profile.columns.map(summary),
        ...(values.sketches === true && { profile: profile.toJSON() }),
      },
      null,
      2,
    )}\n`;
    for (const f of formats) {
      if (f === 'json') {
        io.stdout.write(json);
        continue;
      }
      io.stdout.write(`${file}: ${profile.rows} rows, ${profile.columns.length} columns\n\n`);
      const header = ['column', 'type', 'nulls', 'min', 'p50', 'max', 'mean', 'stddev', 'distinct'];
      const rows = profile.columns.map((c) => [
        c.name,
        c.type,
        String(c.nulls),
        fmt(c.min),
        fmt(c.kind === 'numeric' ? c.quantile(0.5) : undefined),
        fmt(c.max),
        fmt(c.mean),
        fmt(c.stddev),
        fmt(c.distinctCount),
      ]);
      const widths = header.map(
        (h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)) + 2,
      );
      for (const r of [header, ...rows])
        io.stdout.write(
          `${r
            .map((v, i) => v.padEnd(widths[i] as number))
            .join('')
            .trimEnd()}\n`,
        );
    }
    for (const o of globals.outputs) await writeFile(resolve(io.cwd, o.path), json);
    return 0;
  },
});
