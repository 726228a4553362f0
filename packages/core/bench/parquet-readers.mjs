#!/usr/bin/env node
// Compares Parquet readers for the data layer: DuckDB's Node API (what openDataset uses) and
// parquet-wasm (streaming by row group, and whole-file readParquet). Writes Parquet files of the
// benchmark's shape with DuckDB (8 float64 + 1 string column of 50 values, SNAPPY), one with row
// groups of 1,048,576 rows and one with a single row group, and reads each fully into Arrow
// record batches with each reader, in child processes.
//
//   node bench/parquet-readers.mjs [--rows 10000000] [--cold]
// parquet-wasm is not a dependency: set PARQUET_WASM=/path/to/parquet-wasm/node/parquet_wasm.js
// or install it to include it.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT } from './generate-data.mjs';
import { measure } from './profile-bench.mjs';

async function writeParquet(rows, rowGroup) {
  const path = join(DEFAULT_OUT, `reference-${rows}-rg${rowGroup}.parquet`);
  if (existsSync(path)) return path;
  mkdirSync(DEFAULT_OUT, { recursive: true });
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await db.connect();
  await con.run('SELECT setseed(0.42)');
  const floats = Array.from({ length: 8 }, (_, c) => `random() * ${c + 1} AS f${c}`).join(', ');
  const tmp = `${path}.partial`;
  await con.run(
    `COPY (SELECT ${floats}, 'cat_' || lpad((floor(random() * 50))::INTEGER::VARCHAR, 2, '0') AS category FROM range(${rows})) TO '${tmp}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroup})`,
  );
  con.closeSync();
  db.closeSync();
  renameSync(tmp, path);
  return path;
}

export async function compareParquetReaders({ rows = 10_000_000, cold = false } = {}) {
  const wasm = process.env.PARQUET_WASM;
  let wasmAvailable = Boolean(wasm);
  if (!wasmAvailable) {
    try {
      await import('parquet-wasm');
      wasmAvailable = true;
    } catch {
      console.log('parquet-wasm is not installed: set PARQUET_WASM to compare it');
    }
  }
  const extra = wasm ? [wasm] : [];
  console.log(
    `Parquet, ${rows} rows (8 float64 + 1 string column), SNAPPY, ${cpus().length} cores`,
  );
  console.log('| row groups | reader | seconds | peak RSS MB |');
  console.log('|---|---|---:|---:|');
  // Typical row groups (1,048,576 rows), then the whole file in one row group.
  for (const rowGroup of [1_048_576, rows]) {
    const path = await writeParquet(rows, rowGroup);
    const results = [['DuckDB Node API (openDataset)', measure('parquet-duckdb', path, [], cold)]];
    if (wasmAvailable) {
      results.push([
        'parquet-wasm, ParquetFile.stream',
        measure('parquet-wasm', path, extra, cold),
      ]);
      results.push([
        'parquet-wasm, readParquet (whole file)',
        measure('parquet-wasm-whole', path, extra, cold),
      ]);
    }
    for (const [name, r] of results) {
      console.log(
        `| ${rowGroup} rows | ${name} | ${r.seconds.toFixed(2)} | ${r.peakRssMB.toFixed(0)} |`,
      );
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const rows = argv.includes('--rows') ? Number(argv[argv.indexOf('--rows') + 1]) : 10_000_000;
  await compareParquetReaders({ rows, cold: argv.includes('--cold') });
}
