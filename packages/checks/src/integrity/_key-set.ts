/**
 * An open-addressing hash set of 53-bit integer keys stored as doubles (0 marks an empty slot).
 * Much faster and smaller than a `Set<number>` for millions of row hashes.
 */
export class KeySet {
  private keys: Float64Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  private slot(key: number): number {
    return (
      (Math.imul((key % 4294967296) >>> 0, 0x9e3779b1) ^ Math.floor(key / 4294967296)) & this.mask
    );
  }

  /** Adds `key`; returns false when it was already present. */
  add(key: number): boolean {
    if (this.size * 2 >= this.keys.length) this.grow();
    let i = this.slot(key);
    for (;;) {
      const k = this.keys[i] as number;
      if (k === 0) {
        this.keys[i] = key;
        this.size++;
        return true;
      }
      if (k === key) return false;
      i = (i + 1) & this.mask;
    }
  }

  has(key: number): boolean {
    let i = this.slot(key);
    for (;;) {
      const k = this.keys[i] as number;
      if (k === 0) return false;
      if (k === key) return true;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (const k of old) if (k !== 0) this.add(k);
  }
}
