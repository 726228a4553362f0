import { z } from 'zod';
import { PII_KINDS } from './find-pii.js';

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

/** Options of `data.pii`. */
export const piiOptions = z
  .object({
    columns: z
      .array(z.string())
      .optional()
      .describe('Columns to scan. Default: every string and dictionary column.'),
    exclude: z.array(z.string()).default([]).describe('Columns never scanned.'),
    kinds: z
      .array(z.enum(PII_KINDS))
      .default([...PII_KINDS])
      .describe('Kinds of personal data and secrets to look for.'),
    samples: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(3)
      .describe('Masked samples (with row indices) per finding.'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(5_000_000)
      .describe('Rows scanned at most; beyond it the result is incomplete.'),
    minEntropy: z
      .number()
      .min(1)
      .max(8)
      .default(4.2)
      .describe('Shannon entropy (bits per character) above which a token counts as a secret.'),
    minEntropyLength: z
      .number()
      .int()
      .min(8)
      .default(20)
      .describe('Shortest token that can count as a high-entropy secret.'),
    allow: z
      .array(regexSource)
      .default([])
      .describe('Regular expressions of values that are not findings (e.g. test fixtures).'),
  })
  .strict();

export type PiiOptions = z.infer<typeof piiOptions>;
