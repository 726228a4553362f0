import { describe, expect, it } from 'vitest';
import { EndpointError } from './endpoint-error.js';
import { createQueryGate } from './query-gate.js';

describe('createQueryGate', () => {
  it('grants exactly the budget to many concurrent callers and refuses the rest', async () => {
    const gate = createQueryGate({ budget: 7, concurrency: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, async () => {
        const permit = await gate.acquire();
        permit.sent();
        await new Promise((r) => setImmediate(r));
        permit.done();
      }),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(43);
    expect(
      refused.every(
        (r) => EndpointError.isEndpointError(r.reason) && r.reason.kind === 'budget-exhausted',
      ),
    ).toBe(true);
    expect(gate.used).toBe(7);
    expect(gate.remaining).toBe(0);
  });

  it('never has more permits out than the concurrency', async () => {
    const gate = createQueryGate({ concurrency: 2 });
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const permit = await gate.acquire();
        active++;
        peak = Math.max(peak, active);
        permit.sent();
        await new Promise((r) => setTimeout(r, 1));
        active--;
        permit.done();
      }),
    );
    expect(peak).toBe(2);
    expect(gate.used).toBe(12);
  });

  it('gives back units of permits that were never sent', async () => {
    const gate = createQueryGate({ budget: 1 });
    const permit = await gate.acquire();
    permit.cancel();
    expect(gate.remaining).toBe(1);
    expect(gate.used).toBe(0);
    const again = await gate.acquire();
    again.sent();
    again.done();
    expect(gate.used).toBe(1);
    await expect(gate.acquire()).rejects.toMatchObject({ code: 'MLW_SELDON_BUDGET_EXHAUSTED' });
  });

  it('child gates count against their own and the parent budget', async () => {
    const parent = createQueryGate({ budget: 5 });
    const child = parent.child({ budget: 3 });
    for (let i = 0; i < 3; i++) {
      const p = await child.acquire();
      p.sent();
      p.done();
    }
    await expect(child.acquire()).rejects.toMatchObject({ kind: 'budget-exhausted' });
    expect(parent.used).toBe(3);
    expect(parent.remaining).toBe(2);
    const other = parent.child({ budget: 10 });
    expect(other.remaining).toBe(2);
    for (let i = 0; i < 2; i++) {
      const p = await other.acquire();
      p.sent();
      p.done();
    }
    await expect(other.acquire()).rejects.toMatchObject({ kind: 'budget-exhausted' });
    expect(parent.used).toBe(5);
  });

  it('releases a waiting reservation when its signal aborts', async () => {
    const gate = createQueryGate({ budget: 2, concurrency: 1 });
    const first = await gate.acquire();
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted' });
    first.sent();
    first.done();
    expect(gate.remaining).toBe(1);
  });

  it('rejects invalid limits', () => {
    expect(() => createQueryGate({ budget: -1 })).toThrow(/budget/);
    expect(() => createQueryGate({ concurrency: 0 })).toThrow(/concurrency/);
  });
});
