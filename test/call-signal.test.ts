import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { callSignal, withOwnSignal } from '../src/models/call-signal.js';

describe('callSignal: one signal per agent call', () => {
  it('aborts with the parent, then is unlinked from it by release', () => {
    const run = new AbortController();
    const first = callSignal(run.signal);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    first.release();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    const second = callSignal(run.signal);
    run.abort(new Error('stop'));
    expect(second.signal.aborted).toBe(true);
    expect((second.signal.reason as Error).message).toBe('stop');
    expect(first.signal.aborted).toBe(false);
  });

  it('aborts with the timeout reason, and not once released', async () => {
    const run = new AbortController();
    const slow = callSignal(run.signal, { ms: 5, reason: () => new Error('no reply within 5 ms') });
    const quick = callSignal(run.signal, { ms: 5, reason: () => new Error('never') });
    quick.release();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((slow.signal.reason as Error).message).toBe('no reply within 5 ms');
    expect(quick.signal.aborted).toBe(false);
    slow.release();
  });

  it('is handed on as it is by withOwnSignal (already the call own), while any other signal gets a linked one', async () => {
    const run = new AbortController();
    const call = callSignal(run.signal);
    expect(await withOwnSignal(call.signal, async (s) => s)).toBe(call.signal);
    const other = await withOwnSignal(run.signal, async (s) => s);
    expect(other).not.toBe(run.signal);
    // The link withOwnSignal added for the other call is gone once it settled.
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    call.release();
  });

  it('is aborted from the start when the run had already stopped, and withOwnSignal refuses the call', async () => {
    const run = new AbortController();
    run.abort(new Error('interrupted'));
    const late = callSignal(run.signal);
    expect(late.signal.aborted).toBe(true);
    expect((late.signal.reason as Error).message).toBe('interrupted');
    let called = false;
    await expect(
      withOwnSignal(late.signal, async () => {
        called = true;
      }),
    ).rejects.toThrow('interrupted');
    expect(called).toBe(false);
    late.release();
  });
});
