const BLOCK = 256;

/** Serialised form of {@link Moments}. */
export interface MomentsJSON {
  n: number;
  mean: number;
  m2: number;
  m3: number;
  m4: number;
}

/**
 * Count, mean and the central moment sums M2..M4 of the finite values of a column. Batches are
 * summarised with the corrected two-pass algorithm and combined with the pairwise update of Chan,
 * Golub and LeVeque (higher moments after Pébay, 2008), which is numerically stable and
 * associative up to floating-point rounding.
 */
export class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  m3 = 0;
  m4 = 0;

  /**
   * Adds `values[0..length)` (all finite). Sums are accumulated in blocks of 256 and the block
   * sums added up, which keeps rounding error near O(log n) ulp instead of O(n).
   */
  addValues(values: Float64Array, length: number): void {
    if (length === 0) return;
    let sum = 0;
    for (let start = 0; start < length; start += BLOCK) {
      const end = Math.min(length, start + BLOCK);
      let block = 0;
      for (let i = start; i < end; i++) block += values[i]!;
      sum += block;
    }
    this.addCentered(values, length, sum / length);
  }

  /**
   * Adds `values[0..length)` (all finite) given their plain sum's mean, which the caller may have
   * computed in its own pass; the deviations are then summed in blocks and corrected (two-pass).
   */
  addCentered(values: Float64Array, length: number, approximateMean: number): void {
    if (length === 0) return;
    let mean = approximateMean;
    if (!Number.isFinite(mean)) {
      // The sum overflowed (values near ±1.8e308): average scaled values instead.
      let scaled = 0;
      for (let i = 0; i < length; i++) scaled += values[i]! / length;
      mean = scaled;
    }
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let start = 0; start < length; start += BLOCK) {
      const end = Math.min(length, start + BLOCK);
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      let b4 = 0;
      for (let i = start; i < end; i++) {
        const d = values[i]! - mean;
        const d2 = d * d;
        b1 += d;
        b2 += d2;
        b3 += d2 * d;
        b4 += d2 * d2;
      }
      s1 += b1;
      s2 += b2;
      s3 += b3;
      s4 += b4;
    }
    // Corrected two-pass: shift the mean by the residual sum and fix the sums accordingly.
    const shift = s1 / length;
    const batch = new Moments();
    batch.n = length;
    batch.mean = mean + shift;
    batch.m2 = Math.max(0, s2 - s1 * shift);
    batch.m3 = s3 - 3 * shift * s2 + 2 * length * shift ** 3;
    batch.m4 = s4 - 4 * shift * s3 + 6 * shift * shift * s2 - 3 * length * shift ** 4;
    this.merge(batch);
  }

  /** Combines `other` into this summary. */
  merge(other: Moments | MomentsJSON): this {
    const nb = other.n;
    if (nb === 0) return this;
    const na = this.n;
    if (na === 0) {
      this.n = nb;
      this.mean = other.mean;
      this.m2 = other.m2;
      this.m3 = other.m3;
      this.m4 = other.m4;
      return this;
    }
    const n = na + nb;
    const delta = other.mean - this.mean;
    const dn = delta / n;
    const dn2 = dn * dn;
    const term = delta * dn * na * nb;
    const m2 = this.m2 + other.m2 + term;
    const m3 = this.m3 + other.m3 + term * dn * (na - nb) + 3 * dn * (na * other.m2 - nb * this.m2);
    const m4 =
      this.m4 +
      other.m4 +
      term * dn2 * (na * na - na * nb + nb * nb) +
      6 * dn2 * (na * na * other.m2 + nb * nb * this.m2) +
      4 * dn * (na * other.m3 - nb * this.m3);
    this.mean = this.mean + nb * dn;
    this.n = n;
    this.m2 = m2;
    this.m3 = m3;
    this.m4 = m4;
    return this;
  }

  /** Population variance (divides by n); `undefined` without values. */
  get variance(): number | undefined {
    return this.n > 0 ? this.m2 / this.n : undefined;
  }

  /** Sample variance (divides by n - 1); `undefined` below two values. */
  get sampleVariance(): number | undefined {
    return this.n > 1 ? this.m2 / (this.n - 1) : undefined;
  }

  /** Population skewness g1; `undefined` when the variance is 0 or unknown. */
  get skewness(): number | undefined {
    if (this.n < 2 || this.m2 === 0) return undefined;
    return (Math.sqrt(this.n) * this.m3) / this.m2 ** 1.5;
  }

  /** Excess kurtosis g2 (0 for a normal distribution); `undefined` when the variance is 0. */
  get excessKurtosis(): number | undefined {
    if (this.n < 2 || this.m2 === 0) return undefined;
    return (this.n * this.m4) / (this.m2 * this.m2) - 3;
  }

  clone(): Moments {
    return Moments.fromJSON(this.toJSON());
  }

  toJSON(): MomentsJSON {
    return { n: this.n, mean: this.mean, m2: this.m2, m3: this.m3, m4: this.m4 };
  }

  static fromJSON(json: MomentsJSON): Moments {
    const m = new Moments();
    m.n = json.n;
    m.mean = json.mean;
    m.m2 = json.m2;
    m.m3 = json.m3;
    m.m4 = json.m4;
    return m;
  }
}
