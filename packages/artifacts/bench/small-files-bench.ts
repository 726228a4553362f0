/**
 * CPU time per file of scanning the benchmark's small files (see artifacts-bench.ts), in this
 * process, warm: best of `MLWARDEN_BENCH_RUNS` runs (default 25) of `scanPaths` on the whole
 * directory, then on each kind of file alone. Needs the inputs artifacts-bench.ts writes.
 *
 *   npx tsx --conditions=@mlwarden/source bench/small-files-bench.ts [small-files directory]
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { scanPaths } from '../src/index.js';

const dir = process.argv[2] ?? join(tmpdir(), 'mlwarden-artifacts-bench-v2-320-2000', 'small');
if (!existsSync(dir)) {
  throw new Error(`${dir} does not exist: run npm run bench -w @mlwarden/artifacts once first`);
}
const runs = Number(process.env.MLWARDEN_BENCH_RUNS ?? 25);

/** Best CPU microseconds per file over `runs` scans of `path`. */
async function cpuPerFile(path: string): Promise<{ files: number; us: number }> {
  const first = await scanPaths([path]);
  const notClean = first.filter((r) => r.verdict !== 'clean');
  if (notClean.length > 0) throw new Error(`inputs must be clean: ${notClean[0]?.path}`);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    await scanPaths([path]);
    const used = process.cpuUsage(before);
    best = Math.min(best, used.user + used.system);
  }
  return { files: first.length, us: best / first.length };
}

// The generator writes four kinds in turn: scikit-learn pickle, PyTorch zip, .npy, dict pickle.
const names = readdirSync(dir).sort();
const kinds = new Map<string, string[]>();
names.forEach((name, i) => {
  const kind = `${['sklearn', 'torch', 'npy', 'dict'][i % 4]} (${extname(name)})`;
  kinds.set(kind, [...(kinds.get(kind) ?? []), name]);
});
const scratch = mkdtempSync(join(tmpdir(), 'mlwarden-small-kinds-'));
try {
  const load = loadavg()[0]?.toFixed(1);
  const all = await cpuPerFile(dir);
  const lines = [`all ${all.files} files: ${all.us.toFixed(1)} µs CPU per file`];
  for (const [kind, files] of kinds) {
    const sub = join(scratch, kind.split(' ')[0] as string);
    for (const f of files) cpSync(join(dir, f), join(sub, f));
    const r = await cpuPerFile(sub);
    lines.push(`${kind}, ${r.files} files: ${r.us.toFixed(1)} µs CPU per file`);
  }
  console.log(`best of ${runs} runs, load average ${load} at the start`);
  console.log(lines.join('\n'));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
