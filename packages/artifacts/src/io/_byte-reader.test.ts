import { describe, expect, it } from 'vitest';
import { ByteReader, inMemory, memoryChunks } from './_byte-reader.js';

describe('memoryChunks end hook', () => {
  it('runs when a reader asks for bytes past the end, once', async () => {
    let ended = 0;
    const reader = ByteReader.fromStream(
      memoryChunks(Uint8Array.from([1, 2, 3, 4]), 1024, () => ended++),
    );
    expect(reader.sourceDone).toBe(false);
    expect(await reader.fill(4)).toBe(4);
    expect(ended).toBe(0);
    reader.view(3);
    expect(await reader.fill(2)).toBe(1);
    expect(ended).toBe(1);
    expect(reader.sourceDone).toBe(true);
    await reader.fill(8);
    expect(ended).toBe(1);
  });

  it('does not run when the consumer stops before the end', async () => {
    let ended = 0;
    const reader = ByteReader.fromStream(memoryChunks(new Uint8Array(100), 1024, () => ended++));
    await reader.fill(16);
    reader.view(16);
    expect(ended).toBe(0);
  });

  it('runs after the last chunk of plain async iteration, like a generator', async () => {
    const events: string[] = [];
    const chunks = memoryChunks(new Uint8Array(5), 2, () => events.push('end'));
    for await (const c of chunks) events.push(`chunk ${c.length}`);
    expect(events).toEqual(['chunk 2', 'chunk 2', 'chunk 1', 'end']);
    expect(inMemory(chunks)?.bytes.length).toBe(5);
  });

  it('keeps a reader over bytes without a hook done from the start', () => {
    const reader = ByteReader.fromStream(memoryChunks(new Uint8Array(3), 1024));
    expect(reader.sourceDone).toBe(true);
  });
});
