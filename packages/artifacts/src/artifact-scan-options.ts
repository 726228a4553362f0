import { z } from 'zod';
import { DEFAULT_LIMITS, type ScanLimits } from './scan/limits.js';

const positive = z.number().int().positive();

const limitShape = Object.fromEntries(
  (Object.keys(DEFAULT_LIMITS) as (keyof ScanLimits)[]).map((key) => [key, positive.optional()]),
) as Record<keyof ScanLimits, z.ZodOptional<typeof positive>>;

/** Options of the `artifact.scan` check. */
export const artifactScanOptions = z.strictObject({
  /** Unlisted imports are high instead of medium. */
  strict: z.boolean().default(false),
  /** Exact `module.name` paths to allow in addition to the built-in allow-list (your own classes). */
  allow: z
    .array(
      z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/,
          'must be a dotted module.name path',
        ),
    )
    .default([]),
  /**
   * Read every archive member to its end, checking every CRC. Default: tensor storage members are
   * sniffed by their head only (where any loader's magic is), which is what makes large archives fast.
   */
  deep: z.boolean().default(false),
  /** Scan limits; see DEFAULT_LIMITS for the defaults. */
  limits: z.strictObject(limitShape).default({}),
  /** Entries kept in `metrics.files` (files and scanned members). */
  maxListedFiles: positive.default(10_000),
});

export type ArtifactScanOptions = z.infer<typeof artifactScanOptions>;
