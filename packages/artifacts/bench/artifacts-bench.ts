/**
 * Scan throughput of @mlwarden/artifacts against picklescan and ModelScan, in the same run on the
 * same files: one large benign PyTorch state dict and a directory of many small benign models
 * (bench/make-bench-inputs.py, seeded, cached in the OS temp directory).
 *
 *   npm run bench -w @mlwarden/artifacts            # 320 MiB model, 2,000 small files
 *   MLWARDEN_BENCH_LARGE_MB=64 MLWARDEN_BENCH_SMALL=500 npm run bench -w @mlwarden/artifacts
 *
 * mlwarden is timed in one plain Node.js process (bench/in-process.mjs), built (`npm run bench`
 * builds core and this package first: the code users install), best of >= 3 runs, wall clock; its
 * CPU time is printed too, a steadier figure when other jobs share the machine. The small files are
 * scanned twice: by `scanPaths` on one thread, and by a warm `createScanPool` (one thread per core;
 * its CPU time counts every thread). Each peer runs once in Python (peers.py bench).
 *
 * A second table is what a user sees who runs each tool once: a fresh process per scan, from start
 * to exit (best of 3), the mlwarden CLI (when packages/cli is built) against the picklescan and
 * ModelScan command lines. mlwarden then also pays for starting Node.js and compiling its code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const largeMb = Number(process.env.MLWARDEN_BENCH_LARGE_MB ?? 320);
const smallCount = Number(process.env.MLWARDEN_BENCH_SMALL ?? 2000);
const inputs = join(tmpdir(), `mlwarden-artifacts-bench-v2-${largeMb}-${smallCount}`);
const venv = (name: string) =>
  execFileSync(join(root, 'scripts', 'py-venv'), [name], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();

if (!existsSync(join(inputs, 'vocabulary.pkl'))) {
  const py = join(venv('artifacts'), 'bin', 'python');
  execFileSync(
    py,
    [join(here, 'make-bench-inputs.py'), inputs, String(largeMb), String(smallCount)],
    {
      stdio: 'inherit',
    },
  );
}
const larges = [join(inputs, 'large.pt'), join(inputs, 'vocabulary.pkl')];
const smallDir = join(inputs, 'small');
const smallNames = readdirSync(smallDir);
const smallBytes = smallNames.reduce((n, f) => n + statSync(join(smallDir, f)).size, 0);
const mib = (bytes: number) => bytes / 1024 ** 2;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadBefore = load();

/** Best wall-clock and CPU seconds of one input, measured by bench/in-process.mjs. */
interface Timing {
  wall: number;
  cpu: number;
}
const measured = JSON.parse(
  execFileSync(process.execPath, [join(here, 'in-process.mjs'), smallDir, ...larges], {
    stdio: ['ignore', 'pipe', 'inherit'],
  }).toString(),
) as {
  times: { small: Timing; pool: Timing; large: Record<string, Timing> };
  threads: number;
  peakRss: number;
};
const POOL = 'pool';
const ours: Record<string, number> = {};
const cpuSeconds: Record<string, number> = {};
for (const [key, t] of [
  [smallDir, measured.times.small],
  [POOL, measured.times.pool],
  ...Object.entries(measured.times.large),
] as const) {
  ours[key] = t.wall;
  cpuSeconds[key] = t.cpu;
}
const peakRss = measured.peakRss;
const peersPy = join(venv('artifacts-peers'), 'bin', 'python');
const peers = JSON.parse(
  execFileSync(peersPy, [join(here, 'peers.py'), 'bench', ...larges, smallDir], {
    cwd: tmpdir(),
    env: { ...process.env, PEERS: 'picklescan,modelscan' },
    maxBuffer: 1 << 26,
  }).toString(),
) as Record<string, Record<string, { seconds: number; cpu: number; error: string | null }>>;

const columns = [
  ...larges.map((f) => ({
    path: f,
    label: `${f.split('/').pop()} (${mib(statSync(f).size).toFixed(0)} MiB): MiB/s`,
    rate: (s: number) => mib(statSync(f).size) / s,
  })),
  {
    path: smallDir,
    label: `${smallNames.length} small files (${mib(smallBytes).toFixed(1)} MiB): files/s`,
    rate: (s: number) => smallNames.length / s,
  },
];
const cell = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const poolCells = (seconds: number) =>
  columns.map((c) => (c.path === smallDir ? cell(c.rate(seconds)) : '-')).join(' | ');
const lines = [
  `| tool | ${columns.map((c) => c.label).join(' | ')} |`,
  `| --- | ${columns.map(() => '---:').join(' | ')} |`,
  `| mlwarden | ${columns.map((c) => cell(c.rate(ours[c.path] as number))).join(' | ')} |`,
  `| mlwarden, by its CPU time | ${columns.map((c) => cell(c.rate(cpuSeconds[c.path] as number))).join(' | ')} |`,
  `| mlwarden, pool of ${measured.threads} threads | ${poolCells(ours[POOL] as number)} |`,
  `| mlwarden, pool, by its CPU time | ${poolCells(cpuSeconds[POOL] as number)} |`,
];
/** A peer's rate with mlwarden's advantage (and the pool's, for the small files). */
const peerCell = (
  c: (typeof columns)[number],
  peer: number,
  ourSeconds: Record<string, number>,
): string => {
  const ratio = `mlwarden ${(peer / (ourSeconds[c.path] as number)).toFixed(1)}x`;
  const pooledRatio =
    c.path === smallDir ? `, pool ${(peer / (ourSeconds[POOL] as number)).toFixed(1)}x` : '';
  return `${cell(c.rate(peer))} (${ratio}${pooledRatio})`;
};
for (const [tool, byPath] of Object.entries(peers)) {
  const cells = columns.map((c) => {
    const r = byPath[c.path];
    if (r === undefined) return '-';
    return `${peerCell(c, r.seconds, ours)}${r.error ? ` error: ${r.error}` : ''}`;
  });
  lines.push(`| ${tool} | ${cells.join(' | ')} |`);
  const cpuCells = columns.map((c) => {
    const r = byPath[c.path];
    return r === undefined ? '-' : peerCell(c, r.cpu, cpuSeconds);
  });
  lines.push(`| ${tool}, by its CPU time | ${cpuCells.join(' | ')} |`);
}
console.log(
  `inputs: ${inputs}; mlwarden peak RSS ${mib(peakRss).toFixed(0)} MiB; load average (1, 5, 15 min) ${loadBefore} before, ${load()} after`,
);
console.log(lines.join('\n'));

/** Best wall-clock seconds of 3 runs of a command in a fresh process (its exit code is ignored). */
function oneShot(command: string, args: readonly string[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const run = spawnSync(command, args, { cwd: tmpdir(), stdio: 'ignore', timeout: 600_000 });
    if (run.error) throw run.error;
    min = Math.min(min, (performance.now() - started) / 1000);
  }
  return min;
}
const cli = join(root, 'packages', 'cli', 'bin.js');
const cliBuilt = existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'));
const peerBin = dirname(peersPy);
type Command = readonly [label: string, command: string, args: (path: string) => string[]];
const commands: Command[] = [
  ...(cliBuilt
    ? [
        [
          'mlwarden scan',
          process.execPath,
          (p: string) => [cli, 'scan', p, '--quiet'],
        ] satisfies Command,
      ]
    : []),
  ['picklescan -p', join(peerBin, 'picklescan'), (p: string) => ['-p', p]],
  ['modelscan -p', join(peerBin, 'modelscan'), (p: string) => ['-p', p]],
];
const shots = [...larges, smallDir];
const shotLines = [
  `| one-shot (fresh process, start to exit) | ${shots.map((p) => `${p === smallDir ? `${smallNames.length} small files` : p.split('/').pop()}: seconds`).join(' | ')} |`,
  `| --- | ${shots.map(() => '---:').join(' | ')} |`,
];
for (const [label, command, args] of commands) {
  shotLines.push(
    `| ${label} | ${shots.map((p) => oneShot(command, args(p)).toFixed(2)).join(' | ')} |`,
  );
}
console.log(
  cliBuilt ? '' : '\n(packages/cli is not built: run npm run build for the mlwarden CLI row)',
);
console.log(shotLines.join('\n'));
