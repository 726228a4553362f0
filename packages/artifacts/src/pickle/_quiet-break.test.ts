import { describe, expect, it } from 'vitest';
import { ByteReader, memoryChunks } from '../io/_byte-reader.js';
import { OP, OPCODES } from './_opcodes.js';
import { quietBreak } from './_quiet-break.js';
import { PickleMachine, type StreamEnd } from './pickle-machine.js';

/** Runs the machine the way a trial does (bytes in memory with an end hook) and records it all. */
async function trial(bytes: Uint8Array) {
  let events = 0;
  let askedPastEnd = false;
  const machine = new PickleMachine(
    ByteReader.fromStream(
      memoryChunks(bytes, 1024 * 1024, () => {
        askedPastEnd = true;
      }),
    ),
    {
      onImport: () => events++,
      onCall: () => events++,
      onIssue: () => undefined,
      onConstant: () => {
        events++;
      },
      onPersistentId: () => events++,
      afterBuild: async () => {
        events++;
        return false;
      },
    },
  );
  const end: StreamEnd = await machine.runStream();
  return { events, askedPastEnd, end };
}

/** Seeded xorshift32. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const QUIET_OPS = [
  OP.PROTO,
  OP.FRAME,
  OP.BININT,
  OP.BININT1,
  OP.BININT2,
  OP.LONG1,
  OP.LONG4,
  OP.BINFLOAT,
  OP.EMPTY_LIST,
  OP.APPEND,
  OP.MARK,
  OP.TUPLE2,
  OP.DICT,
  OP.SETITEMS,
  OP.POP,
  OP.DUP,
  OP.BINGET,
  OP.LONG_BINPUT,
  OP.MEMOIZE,
];

describe('quietBreak', () => {
  it('agrees with the machine on seeded random streams: quiet ones do nothing, and ask past the end exactly when it does', async () => {
    const next = random(20261127);
    let quiet = 0;
    let loud = 0;
    for (let i = 0; i < 4000; i++) {
      const length = 1 + Math.floor(next() * 48);
      const bytes = new Uint8Array(length);
      for (let j = 0; j < length; j++) {
        const r = next();
        // Mostly opcodes that do nothing, some random bytes (other opcodes, argument bytes).
        bytes[j] =
          r < 0.6
            ? (QUIET_OPS[Math.floor(next() * QUIET_OPS.length)] as number)
            : Math.floor(next() * 256);
      }
      const verdict = quietBreak(bytes, Number.POSITIVE_INFINITY);
      const real = await trial(bytes);
      if (verdict === undefined) {
        loud++;
        continue;
      }
      quiet++;
      expect(real.events, `stream ${Buffer.from(bytes).toString('hex')}`).toBe(0);
      expect(real.end.kind, `stream ${Buffer.from(bytes).toString('hex')}`).toBe('malformed');
      expect(real.askedPastEnd, `stream ${Buffer.from(bytes).toString('hex')}`).toBe(
        verdict.askedPastEnd,
      );
    }
    // Both outcomes are exercised.
    expect(quiet).toBeGreaterThan(1000);
    expect(loud).toBeGreaterThan(200);
  });

  it('never calls a stream quiet that imports, offers a constant, persists an id or stops', () => {
    for (const code of [
      OP.GLOBAL,
      OP.STACK_GLOBAL,
      OP.INST,
      OP.REDUCE,
      OP.BUILD,
      OP.EXT1,
      OP.BINPERSID,
      OP.PERSID,
      OP.SHORT_BINBYTES,
      OP.SHORT_BINUNICODE,
      OP.STRING,
      OP.INT,
      OP.GET,
      OP.STOP,
    ]) {
      expect(quietBreak(Uint8Array.of(OP.PROTO, 4, code, 0, 0), Infinity)).toBeUndefined();
    }
  });

  it('says where a stream stops without doing anything', () => {
    // An invalid opcode after 20 quiet bytes: the machine never gets near the end.
    const early = new Uint8Array(40).fill(OP.NONE);
    early[20] = 0xff;
    expect(OPCODES[0xff]).toBeUndefined();
    expect(quietBreak(early, Infinity)).toEqual({ askedPastEnd: false });
    // Runs out of input: asks past the end.
    expect(quietBreak(Uint8Array.of(OP.NONE, OP.BININT), Infinity)).toEqual({
      askedPastEnd: true,
    });
    // A LONG4 whose length is negative stops before reading on.
    const negative = new Uint8Array(40).fill(OP.NONE);
    negative.set([OP.LONG4, 0, 0, 0, 0x80], 0);
    expect(quietBreak(negative, Infinity)).toEqual({ askedPastEnd: false });
  });

  it('leaves long content and content at a limit to the machine', () => {
    expect(quietBreak(new Uint8Array(64 * 1024 + 1), Infinity)).toBeUndefined();
    expect(quietBreak(new Uint8Array(100), 100)).toBeUndefined();
    expect(quietBreak(new Uint8Array(100), 101)).toEqual({ askedPastEnd: false });
  });
});
