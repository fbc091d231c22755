import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assignVariant } from '../src/analytics/assign.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Imports `specifier` the way an installed package's user would (Node's own resolution of `exports`). */
function importAsUser(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' }).trim();
}

describe('the package exports what its README promises (built dist/, resolved through package.json "exports")', () => {
  it('convotest/assign gives a bot the A/B assignment without loading the rest of convotest', () => {
    const out = importAsUser(
      "import { assignVariant } from 'convotest/assign'; console.log(assignVariant('user-42', 'prompt-v2', { control: 1, treatment: 1 }));",
    );
    expect(out).toBe(assignVariant('user-42', 'prompt-v2', { control: 1, treatment: 1 }));
  });

  it('the package root exports assignVariant and the chat event schema', () => {
    const out = importAsUser(
      "import { assignVariant, ChatEventSchema, EVENT_TYPES } from 'convotest'; " +
        "const ok = ChatEventSchema.safeParse({ event_id: 'e1', session_id: 's1', user_id: 'u1', channel: 'web', type: 'session_started', timestamp: '2026-11-28T10:00:00Z' }).success; " +
        "console.log(JSON.stringify([typeof assignVariant, ok, EVENT_TYPES.includes('conversion')]));",
    );
    expect(JSON.parse(out)).toEqual(['function', true, true]);
  });
});
