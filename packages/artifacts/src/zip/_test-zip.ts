import { memberContent, readZipDirectory } from './_zip-reader.js';

/** The decompressed content of the one member called `name`, or undefined when not exactly one. */
export async function readMember(file: Uint8Array, name: string): Promise<Buffer | undefined> {
  const read = async (s: number, e: number) => file.subarray(s, Math.min(e, file.length));
  const dir = await readZipDirectory(read, file.length, 100_000);
  const matches = dir.entries.filter((e) => e.name === name);
  const entry = matches[0];
  if (matches.length !== 1 || entry === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  const options = { maxBytes: 1 << 30, onLimit: () => undefined, onError: () => undefined };
  for await (const c of memberContent(read, file.length, entry, options)) chunks.push(c);
  return Buffer.concat(chunks);
}
