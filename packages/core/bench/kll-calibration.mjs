#!/usr/bin/env node
// Measures the KLL sketch's normalized rank error against its documented bound
// (kllRankError(k) = 2.65 / k^0.94, at 99 % confidence per query). For each k and n, runs the
// sketch with many seeds over shuffled data and reports the 99th percentile and the maximum of
// |estimated rank − true rank| over 99 quantile queries per run.
//
//   node bench/kll-calibration.mjs [--runs 40]
import { KllSketch, kllRankError } from '../dist/index.js';

const runs = process.argv.includes('--runs')
  ? Number(process.argv[process.argv.indexOf('--runs') + 1])
  : 40;

function shuffled(n, seed) {
  const values = Float64Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return values;
}

console.log(`| k | n | runs | documented bound | p99 of query errors | max error |`);
console.log('|---:|---:|---:|---:|---:|---:|');
for (const k of [100, 200, 400]) {
  for (const n of [100_000, 1_000_000]) {
    const errors = [];
    for (let r = 0; r < runs; r++) {
      const values = shuffled(n, 1000 * k + r);
      const sketch = new KllSketch({ k, seed: r + 1 });
      for (let i = 0; i < n; i += 65536)
        sketch.updateMany(values.subarray(i, i + 65536), Math.min(65536, n - i));
      // Values are 0..n-1, so the true rank of x is (x + 1) / n.
      for (let q = 1; q < 100; q++) {
        const x = Math.floor((q / 100) * n);
        errors.push(Math.abs(sketch.rank(x) - (x + 1) / n));
      }
    }
    errors.sort((a, b) => a - b);
    const p99 = errors[Math.floor(errors.length * 0.99)];
    const pct = (v) => `${(v * 100).toFixed(2)} %`;
    console.log(
      `| ${k} | ${n} | ${runs} | ${pct(kllRankError(k))} | ${pct(p99)} | ${pct(errors.at(-1))} |`,
    );
  }
}
