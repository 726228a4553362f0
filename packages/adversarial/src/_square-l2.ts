import type { Random } from './_random.js';

/**
 * The L2 square attack's proposal (Andriushchenko et al., 2020, Algorithm 3), for one row:
 * windows are s×s squares of an image (`[height, width, channels]`) or, for tabular rows, random
 * subsets of the mutable features. A proposal moves the perturbation's mass from a second window
 * into the first, filling it with a centre-peaked pattern (random orientation and sign per
 * channel) plus the window's old direction, then scales the whole perturbation to L2 norm epsilon.
 */

/** Unit-norm s×s pattern: nested squares weighted 1/(k+1)² in the top half, negated below. */
export function centrePattern(s: number, random: Random): Float64Array {
  const out = new Float64Array(s * s);
  const half = Math.floor(s / 2);
  if (half === 0) {
    out.fill(1);
  } else {
    const cy = Math.floor(half / 2);
    const cx = Math.floor(s / 2);
    const levels = cx + 1;
    for (let a = 0; a < half; a++) {
      for (let b = 0; b < s; b++) {
        // Sum over every nested square (half-extent k around the centre) containing (a, b).
        let v = 0;
        for (let k = Math.max(Math.abs(a - cy), Math.abs(b - cx)); k < levels; k++) {
          v += 1 / (k + 1) ** 2;
        }
        out[a * s + b] = v;
        out[(a + half) * s + b] = -v;
      }
    }
  }
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  const transpose = random.next() < 0.5;
  const sign = random.next() < 0.5 ? -1 : 1;
  const result = new Float64Array(s * s);
  for (let a = 0; a < s; a++) {
    for (let b = 0; b < s; b++) {
      const v = transpose ? (out[b * s + a] as number) : (out[a * s + b] as number);
      result[a * s + b] = (sign * v) / norm;
    }
  }
  return result;
}

/** Scales `delta` in place to L2 norm `eps` (a zero vector stays zero). */
export function scaleToNorm(delta: Float32Array, eps: number): void {
  let sum = 0;
  for (const v of delta) sum += v * v;
  if (sum === 0) return;
  const factor = eps / Math.sqrt(sum);
  for (let j = 0; j < delta.length; j++) delta[j] = (delta[j] as number) * factor;
}

/** The starting perturbation: a 5×5 grid of patterns (images) or random signs (tabular), norm eps. */
export function initialL2(
  into: Float32Array,
  eps: number,
  image: [number, number, number] | undefined,
  mutable: readonly number[],
  random: Random,
): void {
  into.fill(0);
  if (image) {
    const [h, w, c] = image;
    const tile = Math.max(1, Math.floor(Math.min(h, w) / 5));
    for (let ty = 0; ty + tile <= h && ty < 5 * tile; ty += tile) {
      for (let tx = 0; tx + tile <= w && tx < 5 * tile; tx += tile) {
        const pattern = centrePattern(tile, random);
        for (let ch = 0; ch < c; ch++) {
          const sign = random.next() < 0.5 ? -1 : 1;
          for (let a = 0; a < tile; a++) {
            for (let b = 0; b < tile; b++) {
              into[((ty + a) * w + tx + b) * c + ch] = sign * (pattern[a * tile + b] as number);
            }
          }
        }
      }
    }
  } else {
    for (const j of mutable) into[j] = random.next() < 0.5 ? -1 : 1;
  }
  scaleToNorm(into, eps);
}

/** Indices of one window: an s×s square of every channel, or k distinct mutable features. */
function windowOf(
  image: [number, number, number] | undefined,
  mutable: readonly number[],
  size: number,
  random: Random,
): { cells: number[][]; side: number } {
  if (image) {
    const [h, w, c] = image;
    const top = random.int(h - size + 1);
    const left = random.int(w - size + 1);
    // cells[ch] lists the window's values of channel ch, row by row.
    const cells: number[][] = Array.from({ length: c }, () => []);
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        for (let ch = 0; ch < c; ch++) cells[ch]?.push(((top + a) * w + left + b) * c + ch);
      }
    }
    return { cells, side: size };
  }
  const picked = random.shuffle([...mutable]).slice(0, size);
  return { cells: [picked], side: 0 };
}

/**
 * Proposes the next perturbation from `delta` (the row's current perturbation, after clipping) into
 * `out`, for a share `p` of the features, with L2 radius `eps`.
 */
export function proposeL2(
  delta: Float32Array,
  out: Float32Array,
  eps: number,
  p: number,
  image: [number, number, number] | undefined,
  mutable: readonly number[],
  random: Random,
): void {
  out.set(delta);
  let size: number;
  if (image) {
    const [h, w] = image;
    const limit = Math.min(h, w);
    size = Math.max(Math.round(Math.sqrt(p * h * w)), 3);
    if (size % 2 === 0) size += 1;
    size = Math.min(size, limit);
  } else {
    size = Math.max(1, Math.min(mutable.length, Math.round(p * mutable.length)));
  }
  if (size < 1) return;
  const first = windowOf(image, mutable, size, random);
  const second = windowOf(image, mutable, size, random);
  const channels = first.cells.length;

  let total = 0;
  for (const v of delta) total += v * v;
  // Mass in the union of both windows, per channel.
  const union = new Float64Array(channels);
  first.cells.forEach((_, ch) => {
    const seen = new Set<number>([...(first.cells[ch] ?? []), ...(second.cells[ch] ?? [])]);
    let sum = 0;
    for (const j of seen) sum += (delta[j] as number) ** 2;
    union[ch] = sum;
  });
  const spare = Math.max(0, eps * eps - total) / channels;

  // The new content of the first window, per channel.
  const fresh = first.cells.map((cells, ch) => {
    let oldNorm = 0;
    for (const j of cells) oldNorm += (delta[j] as number) ** 2;
    oldNorm = Math.max(1e-9, Math.sqrt(oldNorm));
    const pattern = image
      ? centrePattern(first.side, random)
      : Float64Array.from(cells, () => (random.next() < 0.5 ? -1 : 1) / Math.sqrt(cells.length));
    const sign = random.next() < 0.5 ? -1 : 1;
    const values = cells.map(
      (j, i) => sign * (pattern[i] as number) + (delta[j] as number) / oldNorm,
    );
    let norm = 0;
    for (const v of values) norm += v * v;
    norm = Math.sqrt(norm);
    const target = Math.sqrt(spare + (union[ch] as number));
    return values.map((v) => (norm > 0 ? (v / norm) * target : 0));
  });
  for (const cells of second.cells) for (const j of cells) out[j] = 0;
  first.cells.forEach((cells, ch) => {
    const values = fresh[ch] as number[];
    cells.forEach((j, i) => {
      out[j] = values[i] as number;
    });
  });
  scaleToNorm(out, eps);
}
