import { describe, expect, it } from 'vitest';
import { ByteReader } from '../io/_byte-reader.js';
import { asm, P, payload } from './_test-assemble.js';
import { describe as describeValue } from './_values.js';
import {
  type CallEvent,
  type ConstantEvent,
  type ImportEvent,
  type IssueEvent,
  type MachineOptions,
  PickleMachine,
  type StreamEnd,
} from './pickle-machine.js';

interface Run {
  imports: ImportEvent[];
  calls: CallEvent[];
  issues: IssueEvent[];
  constants: ConstantEvent[];
  ends: StreamEnd[];
}

async function run(bytes: Uint8Array, options: MachineOptions = {}, chunk?: number): Promise<Run> {
  const r: Run = { imports: [], calls: [], issues: [], constants: [], ends: [] };
  const reader =
    chunk === undefined
      ? ByteReader.fromBytes(bytes)
      : ByteReader.fromStream(
          (async function* () {
            for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
          })(),
        );
  const machine = new PickleMachine(
    reader,
    {
      onImport: (e) => r.imports.push(e),
      onCall: (e) => r.calls.push(e),
      onIssue: (e) => r.issues.push(e),
      onConstant: (e) => {
        r.constants.push(e);
      },
    },
    options,
  );
  for (;;) {
    const end = await machine.runStream();
    if (end.kind === 'empty') break;
    r.ends.push(end);
    if (end.kind !== 'stop') break;
  }
  return r;
}

const names = (r: Run) => r.imports.map((i) => `${i.module}.${i.name}@${i.offset}:${i.opcode}`);

describe('PickleMachine imports', () => {
  it('reports GLOBAL with its byte offset and the REDUCE that calls it', async () => {
    const r = await run(payload('os', 'system'));
    expect(names(r)).toEqual(['os.system@2:GLOBAL']);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]).toMatchObject({
      opcode: 'REDUCE',
      callee: { t: 'global', module: 'os', name: 'system' },
    });
    expect(r.ends[0]?.kind).toBe('stop');
  });

  it('resolves STACK_GLOBAL operands through MEMOIZE/BINGET and text PUT/GET', async () => {
    const viaMemo = asm(
      P.proto(4),
      P.sbu('os'),
      P.MEMOIZE,
      P.sbu('system'),
      P.MEMOIZE,
      P.POP,
      P.POP,
      P.binget(0),
      P.binget(1),
      P.STACK_GLOBAL,
      P.STOP,
    );
    expect(names(await run(viaMemo)).map((n) => n.split('@')[0])).toEqual(['os.system']);
    const viaText = asm(
      P.proto(4),
      P.string('nt'),
      P.put(3),
      P.POP,
      P.unicode('spawnv'),
      P.put(4),
      P.POP,
      P.get(3),
      P.get(4),
      P.STACK_GLOBAL,
      P.STOP,
    );
    expect(names(await run(viaText)).map((n) => n.split('@')[0])).toEqual(['nt.spawnv']);
  });

  it('flags STACK_GLOBAL with a computed, missing or non-string operand as unresolved', async () => {
    const computed = asm(
      P.proto(4),
      P.stackGlobal('builtins', 'str'),
      P.sbu('os'),
      P.TUPLE1,
      P.REDUCE,
      P.sbu('system'),
      P.STACK_GLOBAL,
      P.STOP,
    );
    const r1 = await run(computed);
    expect(r1.issues.map((i) => i.kind)).toContain('unresolved-import');
    expect(r1.issues.find((i) => i.kind === 'unresolved-import')?.message).toContain(
      'call(builtins.str)',
    );
    const missing = asm(P.proto(4), P.sbu('os'), P.binget(9), P.STACK_GLOBAL, P.STOP);
    const r2 = await run(missing);
    expect(r2.issues.map((i) => i.kind)).toEqual(['invalid', 'unresolved-import']);
    const integer = asm(P.proto(4), P.binint1(1), P.sbu('x'), P.STACK_GLOBAL, P.STOP);
    expect((await run(integer)).issues.map((i) => i.kind)).toEqual(['unresolved-import']);
  });

  it('flags EXT1/EXT2/EXT4 as unresolved imports', async () => {
    for (const ext of [
      [0x82, 1],
      [0x83, 1, 0],
      [0x84, 1, 0, 0, 0],
    ]) {
      const r = await run(asm(P.proto(2), ext, P.STOP));
      expect(r.issues.map((i) => i.kind)).toEqual(['unresolved-import']);
    }
  });

  it('records calls made by INST, OBJ, NEWOBJ, NEWOBJ_EX and BUILD, even when POPped', async () => {
    const bytes = asm(
      P.proto(4),
      P.MARK,
      P.global('a', 'Obj'),
      P.sbu('x'),
      P.OBJ,
      P.POP,
      P.MARK,
      P.sbu('y'),
      P.inst('b', 'Inst'),
      P.POP,
      P.global('c', 'New'),
      P.EMPTY_TUPLE,
      P.NEWOBJ,
      P.EMPTY_DICT,
      P.BUILD,
      P.POP,
      P.global('d', 'NewEx'),
      P.EMPTY_TUPLE,
      P.EMPTY_DICT,
      P.NEWOBJ_EX,
      P.STOP,
    );
    const r = await run(bytes);
    expect(r.calls.map((c) => `${c.opcode}:${describeValue(c.callee)}`)).toEqual([
      'OBJ:a.Obj',
      'INST:b.Inst',
      'NEWOBJ:c.New',
      'BUILD:c.New',
      'NEWOBJ_EX:d.NewEx',
    ]);
    expect(r.issues).toEqual([]);
  });

  it('reports a call of a computed callable and BUILD on an imported object', async () => {
    const indirect = asm(
      P.proto(2),
      P.global('f', 'factory'),
      P.EMPTY_TUPLE,
      P.REDUCE,
      P.EMPTY_TUPLE,
      P.REDUCE,
      P.STOP,
    );
    expect((await run(indirect)).issues.map((i) => i.kind)).toEqual(['indirect-call']);
    const build = asm(P.proto(2), P.global('torch', 'nn'), P.EMPTY_DICT, P.BUILD, P.STOP);
    expect((await run(build)).issues.map((i) => i.kind)).toEqual(['build-on-global']);
  });
});

describe('PickleMachine robustness', () => {
  it('keeps findings before a break and reports the break as malformed', async () => {
    const bytes = asm(
      P.proto(2),
      P.global('os', 'system'),
      P.binunicode('x'),
      P.TUPLE1,
      P.REDUCE,
      0xff,
      0xfe,
    );
    const r = await run(bytes);
    expect(names(r)).toEqual(['os.system@2:GLOBAL']);
    expect(r.ends[0]).toMatchObject({ kind: 'malformed', end: bytes.length - 2 });
    expect(r.issues.at(-1)).toMatchObject({ kind: 'malformed', message: 'invalid opcode 0xff' });
  });

  it('reports truncation inside an argument and at the end of input', async () => {
    const cut = payload('os', 'system').subarray(0, 20);
    expect((await run(cut)).ends[0]?.kind).toBe('malformed');
    const noStop = payload('os', 'system').subarray(0, -1);
    const r = await run(noStop);
    expect(r.ends[0]?.kind).toBe('malformed');
    expect(names(r)).toHaveLength(1);
  });

  it('continues past semantic errors (stack underflow, missing memo keys) so later imports are seen', async () => {
    const bytes = asm(
      P.proto(2),
      P.POP,
      P.REDUCE,
      P.binget(7),
      P.POP,
      P.global('subprocess', 'Popen'),
      P.STOP,
    );
    const r = await run(bytes);
    expect(names(r)).toEqual(['subprocess.Popen@7:GLOBAL']);
    expect(r.issues.filter((i) => i.kind === 'invalid').length).toBeGreaterThanOrEqual(3);
  });

  it('runs every concatenated stream', async () => {
    const bytes = asm(asm(P.proto(2), P.NONE, P.STOP), payload('os', 'system'));
    const r = await run(bytes);
    expect(r.ends.map((e) => e.kind)).toEqual(['stop', 'stop']);
    expect(r.imports[0]?.offset).toBe(4 + 2);
  });

  it('gives the same events whatever the chunking of the input', async () => {
    const bytes = asm(
      P.proto(4),
      P.frame(12),
      P.sbu('os'),
      P.MEMOIZE,
      P.sbu('system'),
      P.MEMOIZE,
      P.STACK_GLOBAL,
      P.binunicode('a'.repeat(300)),
      P.TUPLE1,
      P.REDUCE,
      P.STOP,
    );
    const whole = await run(bytes);
    for (const chunk of [1, 2, 3, 7, 64]) {
      const parts = await run(bytes, {}, chunk);
      expect(names(parts)).toEqual(names(whole));
      expect(parts.ends).toEqual(whole.ends);
    }
  });

  it('detects an opcode straddling the end of its FRAME and says where to resynchronise', async () => {
    const hidden = asm(P.global('os', 'system'), P.sbu('x'), P.TUPLE1, P.REDUCE);
    const body = asm(0x43, 8 + hidden.length, new Uint8Array(8));
    const bytes = asm(P.proto(4), P.frame(body.length), body, hidden, P.STOP);
    const r = await run(bytes);
    const frame = r.issues.find((i) => i.kind === 'frame');
    expect(frame?.resyncAt).toBe(2 + 9 + body.length);
    expect(r.imports).toEqual([]);
  });

  it('offers byte constants that start like a pickle as nested pickles', async () => {
    const inner = payload('os', 'system');
    const r = await run(
      asm(
        P.proto(4),
        P.stackGlobal('pickle', 'loads'),
        P.binbytes(inner),
        P.TUPLE1,
        P.REDUCE,
        P.STOP,
      ),
    );
    // 'pickle' and 'loads' start with opcode bytes too, but ASCII without a newline or a '.'
    // can neither import nor reach STOP: inert, not offered.
    expect(r.constants.filter((c) => !c.strong)).toEqual([]);
    const strong = r.constants.filter((c) => c.strong);
    expect(strong).toHaveLength(1);
    expect(strong[0]).toMatchObject({ from: 'bytes', offset: 2 + 8 + 7 + 1 + 5 });
    expect(Buffer.from(strong[0]?.bytes ?? []).equals(Buffer.from(inner))).toBe(true);
  });

  it('offers text that could import or stop as a weak candidate, and inert text not', async () => {
    const r = await run(
      asm(
        P.proto(2),
        P.MARK,
        P.sbu('cos\nsystem\n'),
        P.sbu('l.xx'),
        P.sbu('coef_'),
        P.sbu('sklearn.linear_model'),
        P.sbu('NQ.x'),
        P.sbu('K\u00e9xx'),
        P.TUPLE,
        P.STOP,
      ),
    );
    // 'l.xx' and 'sklearn.linear_model' may reach STOP but cannot import or call anything;
    // 'NQ.x' reaches the loader's persistent_load (BINPERSID) and then STOP.
    expect(r.constants.map((c) => Buffer.from(c.bytes).toString('latin1'))).toEqual([
      'cos\nsystem\n',
      'NQ.x',
      'K\u00e9xx',
    ]);
  });

  it('stops at the opcode, stack, memo and line limits with a limit end', async () => {
    const many = asm(P.proto(2), ...Array.from({ length: 70_000 }, () => P.NONE), P.STOP);
    expect((await run(many, { limits: { maxOpcodes: 1000 } })).ends[0]?.kind).toBe('limit');
    expect(
      (await run(asm(P.proto(2), P.NONE, P.NONE, P.NONE, P.STOP), { limits: { maxStackDepth: 2 } }))
        .ends[0]?.kind,
    ).toBe('limit');
    const memo = asm(P.proto(4), P.NONE, P.MEMOIZE, P.MEMOIZE, P.MEMOIZE, P.STOP);
    expect((await run(memo, { limits: { maxMemoEntries: 2 } })).ends[0]?.kind).toBe('limit');
    const line = asm(P.global('a'.repeat(100), 'b'), P.STOP);
    expect((await run(line, { limits: { maxLineBytes: 50 } })).ends[0]?.kind).toBe('limit');
  });

  it('counts memo reads and DUPs of expansion attacks', async () => {
    const gets = asm(
      P.proto(4),
      P.EMPTY_LIST,
      P.MEMOIZE,
      P.MARK,
      ...Array.from({ length: 12_000 }, () => P.binget(0)),
      0x6c,
      P.STOP,
    );
    expect((await run(gets)).issues.map((i) => i.kind)).toContain('expansion');
    const dups = asm(P.proto(4), P.EMPTY_LIST, ...Array.from({ length: 200 }, () => P.DUP), P.STOP);
    expect((await run(dups)).issues.map((i) => i.kind)).toContain('expansion');
  });
});
