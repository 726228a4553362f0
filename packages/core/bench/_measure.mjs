// Child process for one measurement, so peak RSS belongs to that measurement alone.
//   node bench/_measure.mjs read <file>
//   node bench/_measure.mjs profile <file> <workers>
//   node bench/_measure.mjs parquet-duckdb <file>
//   node bench/_measure.mjs parquet-wasm <file> [module path]
import { closeSync, openAsBlob, openSync, readFileSync, readSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [what, file, arg] = process.argv.slice(2);
const core = () => import(new URL('../dist/index.js', import.meta.url).href);

async function run() {
  if (what === 'read') {
    const fd = openSync(file, 'r');
    const buffer = Buffer.allocUnsafe(8 << 20);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      total += n;
    }
    closeSync(fd);
    return { bytes: total };
  }
  if (what === 'profile') {
    const { openDataset, profileDataset } = await core();
    await import('apache-arrow');
    importSeconds = (performance.now() - start) / 1000;
    const profile = await profileDataset(await openDataset(file), { workers: Number(arg) });
    const first = profile.columns[0];
    return {
      rows: profile.rows,
      columns: profile.columns.length,
      firstMean: first?.mean,
      firstMedian: first?.quantile(0.5),
    };
  }
  if (what === 'parquet-duckdb') {
    const { openDataset } = await core();
    const ds = await openDataset(file);
    let rows = 0;
    let sum = 0;
    for await (const batch of ds.batches()) {
      rows += batch.numRows;
      const values = batch.data.children[0].values;
      for (let i = 0; i < values.length; i++) sum += values[i];
    }
    return { rows, sum };
  }
  if (what === 'parquet-wasm' || what === 'parquet-wasm-whole') {
    const pq = await import(arg ? pathToFileURL(arg).href : 'parquet-wasm');
    const { tableFromIPC } = await import('apache-arrow');
    let rows = 0;
    let sum = 0;
    const consume = (table) => {
      for (const batch of table.batches) {
        rows += batch.numRows;
        const values = batch.data.children[0].values;
        for (let i = 0; i < values.length; i++) sum += values[i];
      }
    };
    if (what === 'parquet-wasm') {
      const parquet = await pq.ParquetFile.fromFile(await openAsBlob(file));
      for await (const batch of await parquet.stream({ batchSize: 65536 }))
        consume(tableFromIPC(batch.intoIPCStream()));
    } else {
      const { readFileSync } = await import('node:fs');
      consume(tableFromIPC(pq.readParquet(readFileSync(file)).intoIPCStream()));
    }
    return { rows, sum };
  }
  throw new Error(`unknown measurement ${what}`);
}

let importSeconds = 0;
const start = performance.now();
const result = await run();
const seconds = (performance.now() - start) / 1000 - importSeconds;
// VmHWM: this process's peak resident set (getrusage's maxrss survives exec on Linux, so it
// would report the parent's peak).
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
const peakRssMB = hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ what, seconds, importSeconds, peakRssMB, ...result })}\n`);
