/**
 * The in-process half of artifacts-bench.ts: times the built package in a plain Node.js process,
 * as users run it (under tsx, its source-map hooks make every error the scanner throws and catches
 * cost more, on worker threads most of all). Prints JSON: best wall and CPU seconds per input, and
 * the peak RSS.
 *
 *   node bench/in-process.mjs SMALL_DIR LARGE_FILE...
 */
import { availableParallelism } from 'node:os';
import { createScanPool, scanFile, scanPaths } from '../dist/index.js';

const [smallDir, ...larges] = process.argv.slice(2);
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

/**
 * Best wall-clock seconds of at least 3 runs and at least `seconds` of runs (a scan of tens of
 * milliseconds is otherwise measured before the JIT has compiled it; each thread of a pool compiles
 * the scanner again), and the best CPU seconds of the same runs (all threads).
 */
async function best(fn, seconds = 0.5) {
  const out = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  const until = performance.now() + seconds * 1000;
  for (let i = 0; i < 200 && (i < 3 || performance.now() < until); i++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpu);
    out.wall = Math.min(out.wall, (performance.now() - started) / 1000);
    out.cpu = Math.min(out.cpu, (used.user + used.system) / 1e6);
  }
  return out;
}

function mustBeClean(results) {
  const notClean = results.filter((r) => r.verdict !== 'clean');
  if (notClean.length > 0) {
    throw new Error(`benchmark inputs must be clean: ${notClean.map((r) => r.path).join(', ')}`);
  }
}
const strip = (rs) => JSON.stringify(rs.map(({ durationMs: _, ...r }) => r));

const times = {};
// The small files first: measured after the 90 MiB pickle, they would run in the heap its memo
// grew (hundreds of MiB for the collector to walk), which a scan of small files never has.
const sequential = await scanPaths([smallDir]);
mustBeClean(sequential);
times.small = await best(() => scanPaths([smallDir]), 3);
const pool = await createScanPool();
if (strip(await pool.scanPaths([smallDir])) !== strip(sequential)) {
  throw new Error('the pool and scanPaths disagree');
}
times.pool = await best(() => pool.scanPaths([smallDir]), 3);
await pool.close();
mustBeClean(await Promise.all(larges.map((f) => scanFile(f))));
times.large = {};
for (const f of larges) times.large[f] = await best(() => scanFile(f));
clearInterval(sampler);
console.log(JSON.stringify({ times, threads: availableParallelism(), peakRss }));
