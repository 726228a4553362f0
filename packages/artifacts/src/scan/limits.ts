/** Limits of one scan. Hitting any makes the affected file `incomplete`, never `clean`. */
export interface ScanLimits {
  /** Largest file scanned at all (bytes). Default 256 GiB: files are streamed, never buffered whole. */
  maxFileBytes: number;
  /** Bytes parsed per pickle stream. Default 1 GiB. */
  maxPickleStreamBytes: number;
  /** Opcodes per pickle stream. Default 20,000,000. */
  maxOpcodes: number;
  /** Pickle stack depth (and nested MARKs). Default 1,000,000. */
  maxStackDepth: number;
  /** Pickle memo entries. Default 5,000,000. */
  maxMemoEntries: number;
  /** Decompressed bytes per top-level file, all members together. Default 64 GiB. */
  maxDecompressedBytes: number;
  /** Decompressed/compressed ratio of one member or stream before it is abandoned. Default 1000. */
  maxCompressionRatio: number;
  /** Members per archive. Default 200,000. */
  maxEntries: number;
  /** Containers within containers (zip in zip, pickle in pickle). Default 4. */
  maxDepth: number;
  /** Largest byte/str constant scanned as a nested pickle. Default 64 MiB. */
  maxNestedBytes: number;
  /** Largest member buffered in memory when a format needs random access (zip in zip). Default 512 MiB. */
  maxBufferedBytes: number;
  /** Wall time per top-level file (ms). Default 300,000. */
  maxTimeMs: number;
}

export const DEFAULT_LIMITS: Readonly<ScanLimits> = Object.freeze({
  maxFileBytes: 256 * 1024 ** 3,
  maxPickleStreamBytes: 1024 ** 3,
  maxOpcodes: 20_000_000,
  maxStackDepth: 1_000_000,
  maxMemoEntries: 5_000_000,
  maxDecompressedBytes: 64 * 1024 ** 3,
  maxCompressionRatio: 1000,
  maxEntries: 200_000,
  maxDepth: 4,
  maxNestedBytes: 64 * 1024 ** 2,
  maxBufferedBytes: 512 * 1024 ** 2,
  maxTimeMs: 300_000,
});

/** Defaults overridden by the given values. */
export function resolveLimits(limits: Partial<ScanLimits> | undefined): ScanLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}
