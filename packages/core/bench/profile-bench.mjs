#!/usr/bin/env node
// Data-layer benchmark: profiles the generated reference file (10M rows x 8 float64 + 1
// dictionary column, uncompressed Arrow IPC) and prints the time beside one sequential read of
// the same file's bytes measured in the same run, with each measurement's peak RSS.
//
//   npm run bench -w @mlwarden/core -- [--rows 10000000] [--workers N] [--cold] [--repeat 3]
//                                      [--file path.arrow] [--delete] [--parquet]
//
// Needs the built package (npm run build; `npm run bench` at the root builds first through turbo).
// --cold evicts the file from the page cache before every measurement (posix_fadvise through
// python3), so both the read and the profile start from disk. --delete removes the generated
// file afterwards (use it for the 4 GB memory run: --rows 63000000 --delete). --parquet also
// compares the Parquet readers (see parquet-readers.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateFile } from './generate-data.mjs';

const args = {
  rows: 10_000_000,
  workers: availableParallelism(),
  cold: false,
  repeat: 3,
  file: undefined,
  delete: false,
  parquet: false,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const flag = argv[i];
  if (flag === '--rows') args.rows = Number(argv[++i]);
  else if (flag === '--workers') args.workers = Number(argv[++i]);
  else if (flag === '--repeat') args.repeat = Number(argv[++i]);
  else if (flag === '--file') args.file = argv[++i];
  else if (flag === '--cold') args.cold = true;
  else if (flag === '--delete') args.delete = true;
  else if (flag === '--parquet') args.parquet = true;
  else {
    console.error(`unknown flag ${flag}; see the comment at the top of bench/profile-bench.mjs`);
    process.exit(2);
  }
}

if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  console.error('bench needs the built package: run `npm run build -w @mlwarden/core` first');
  process.exit(2);
}

const measureScript = fileURLToPath(new URL('./_measure.mjs', import.meta.url));

function evict(file) {
  execFileSync('python3', [
    '-c',
    'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd) if False else None; os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)',
    file,
  ]);
}

export function measure(what, file, extra = [], cold = false) {
  if (cold) evict(file);
  const child = spawnSync(process.execPath, [measureScript, what, file, ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${what} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function main() {
  const file = args.file ?? (await generateFile({ kind: 'reference', rows: args.rows }));
  const size = statSync(file).size;
  console.log(
    `file: ${file} (${(size / 1e6).toFixed(0)} MB), ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${args.cold ? 'cold' : 'warm'} page cache, median of ${args.repeat}`,
  );
  if (!args.cold) measure('read', file); // warm the page cache once
  const runs = { read: [], profile: [], inThread: [] };
  let rss = { read: 0, profile: 0, inThread: 0 };
  let last;
  for (let r = 0; r < args.repeat; r++) {
    const read = measure('read', file, [], args.cold);
    const profile = measure('profile', file, [String(args.workers)], args.cold);
    const inThread = args.workers > 0 ? measure('profile', file, ['0'], args.cold) : profile;
    runs.read.push(read.seconds);
    runs.profile.push(profile.seconds);
    runs.inThread.push(inThread.seconds);
    rss = {
      read: Math.max(rss.read, read.peakRssMB),
      profile: Math.max(rss.profile, profile.peakRssMB),
      inThread: Math.max(rss.inThread, inThread.peakRssMB),
    };
    last = profile;
  }
  const read = median(runs.read);
  const rows = [
    ['sequential read of the file bytes', read, rss.read],
    [`profileDataset, ${args.workers} worker(s)`, median(runs.profile), rss.profile],
    ['profileDataset, calling thread only', median(runs.inThread), rss.inThread],
  ];
  console.log('| measurement | seconds | x read | peak RSS MB |');
  console.log('|---|---:|---:|---:|');
  for (const [name, s, m] of rows)
    console.log(`| ${name} | ${s.toFixed(2)} | ${(s / read).toFixed(2)} | ${m.toFixed(0)} |`);
  console.log(
    `profiled ${last.rows} rows x ${last.columns} columns (first column mean ${last.firstMean?.toFixed(6)}, median ${last.firstMedian?.toFixed(6)}); loading the package took ${last.importSeconds.toFixed(2)} s more, not counted above`,
  );
  if (args.parquet) {
    const { compareParquetReaders } = await import('./parquet-readers.mjs');
    await compareParquetReaders({ rows: args.rows, cold: args.cold });
  }
  if (args.delete && !args.file) rmSync(file);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
