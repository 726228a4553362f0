/**
 * Scan throughput of @mlwarden/artifacts against picklescan and ModelScan, in the same run on the
 * same files: one large benign PyTorch state dict and a directory of many small benign models
 * (bench/make-bench-inputs.py, seeded, cached in the OS temp directory).
 *
 *   npm run bench -w @mlwarden/artifacts            # 320 MiB model, 2,000 small files
 *   MLWARDEN_BENCH_LARGE_MB=64 MLWARDEN_BENCH_SMALL=500 npm run bench -w @mlwarden/artifacts
 *
 * mlwarden runs in this process (best of >= 3 runs, wall clock; its CPU time is printed too, a steadier
 * figure when other jobs share the machine); each peer runs once in Python (peers.py bench).
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
import { scanFile, scanPaths } from '../src/index.js';

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

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

/**
 * Best wall-clock seconds of at least 3 runs and at least half a second of runs (a scan of tens
 * of milliseconds is otherwise measured before the JIT has compiled it); the best CPU seconds of
 * the same runs are kept beside them.
 */
const cpuSeconds: Record<string, number> = {};
async function best(key: string, fn: () => Promise<unknown>): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  const until = performance.now() + 500;
  for (let i = 0; i < 50 && (i < 3 || performance.now() < until); i++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpu);
    min = Math.min(min, (performance.now() - started) / 1000);
    cpuSeconds[key] = Math.min(cpuSeconds[key] ?? Infinity, (used.user + used.system) / 1e6);
  }
  return min;
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadBefore = load();

const mustBeClean = (results: { path: string; verdict: string }[]) => {
  const notClean = results.filter((r) => r.verdict !== 'clean');
  if (notClean.length > 0) {
    throw new Error(`benchmark inputs must be clean: ${notClean.map((r) => r.path).join(', ')}`);
  }
};
const ours: Record<string, number> = {};
// The small files first: measured after the 90 MiB pickle, they would run in the heap its memo
// grew (hundreds of MiB for the collector to walk), which a scan of small files never has.
mustBeClean(await scanPaths([smallDir]));
ours[smallDir] = await best(smallDir, () => scanPaths([smallDir]));
mustBeClean(await Promise.all(larges.map((f) => scanFile(f))));
for (const f of larges) ours[f] = await best(f, () => scanFile(f));
clearInterval(sampler);

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
const lines = [
  `| tool | ${columns.map((c) => c.label).join(' | ')} |`,
  `| --- | ${columns.map(() => '---:').join(' | ')} |`,
  `| mlwarden | ${columns.map((c) => cell(c.rate(ours[c.path] as number))).join(' | ')} |`,
  `| mlwarden, by its CPU time | ${columns.map((c) => cell(c.rate(cpuSeconds[c.path] as number))).join(' | ')} |`,
];
for (const [tool, byPath] of Object.entries(peers)) {
  const cells = columns.map((c) => {
    const r = byPath[c.path];
    if (r === undefined) return '-';
    const ratio = r.seconds / (ours[c.path] as number);
    return `${cell(c.rate(r.seconds))} (mlwarden ${ratio.toFixed(1)}x)${r.error ? ` error: ${r.error}` : ''}`;
  });
  lines.push(`| ${tool} | ${cells.join(' | ')} |`);
  const cpuCells = columns.map((c) => {
    const r = byPath[c.path];
    if (r === undefined) return '-';
    const ratio = r.cpu / (cpuSeconds[c.path] as number);
    return `${cell(c.rate(r.cpu))} (mlwarden ${ratio.toFixed(1)}x)`;
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
