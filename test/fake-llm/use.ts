import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type FakeLlm, type FakeLlmOptions, startFakeLlm } from './server.js';

/**
 * Starts a fake LLM server for the enclosing test file (or describe block) and closes it after.
 * Returns a handle usable at module level: it forwards to the server once it has started.
 * With `resetEach`, the request log, counts and faults are cleared before every test.
 *
 * @example
 * const llm = useFakeLlm({ latencyMs: 10 }, { resetEach: true });
 * it('…', async () => { llm.setScript([...]); … expect(llm.counts.requests).toBe(3); });
 */
export function useFakeLlm(options: FakeLlmOptions = {}, lifecycle: { resetEach?: boolean } = {}): FakeLlm {
  let server: FakeLlm | undefined;
  beforeAll(async () => {
    server = await startFakeLlm(options);
  });
  afterAll(async () => {
    await server?.close();
  });
  if (lifecycle.resetEach) {
    beforeEach(() => {
      server?.reset();
      server?.setFaults([]);
    });
  }
  return new Proxy({} as FakeLlm, {
    get(_target, key) {
      if (!server) throw new Error('the fake LLM is used before it started (use it inside a test or hook)');
      const value: unknown = Reflect.get(server, key);
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}
