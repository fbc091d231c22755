import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sha256 } from '../src/io/hash-chain.js';
import { isStrictCompatible, isStrictCompatibleOnce, jsonSchemaOf } from '../src/models/structured.js';
import { thousands } from '../src/report/console-run.js';

// The per-result path does each piece of work once: these pin down that the shortcuts give the
// same answers as the long way round.
describe('the per-result path', () => {
  it('sha256 is the SHA-256 of the UTF-8 bytes, as the hash chain has always written it', () => {
    for (const text of ['', '{"prev":"0"}', 'héllo → 42 ✓', 'x'.repeat(100_000)]) {
      expect(sha256(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('converts a structured-output schema to JSON Schema once and hands every call the same object', () => {
    const schema = z.object({ score: z.number().int().min(1).max(5), reasoning: z.string() });
    const first = jsonSchemaOf(schema);
    expect(jsonSchemaOf(schema)).toBe(first);
    expect(first).not.toHaveProperty('$schema');
    expect(isStrictCompatibleOnce(first)).toBe(isStrictCompatible(first));
    const loose = jsonSchemaOf(z.object({ note: z.string().optional() }));
    expect(isStrictCompatibleOnce(loose)).toBe(false);
    expect(jsonSchemaOf(z.object({ score: z.number().int().min(1).max(5), reasoning: z.string() }))).toEqual(first);
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-12345, '-12,345'],
  ])('writes %d with thousands separators as toLocaleString("en-US") does: %s', (n, text) => {
    expect(thousands(n)).toBe(text);
    expect(thousands(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('gitState (one git process per run header)', () => {
  it('names the commit and whether tracked files changed; nothing outside a repository or before the first commit', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { gitState } = await import('../src/runner/git.js');
    const dir = await mkdtemp(join(tmpdir(), 'git-state-'));
    expect(await gitState(dir)).toBeUndefined();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    expect(await gitState(dir)).toBeUndefined();
    await writeFile(join(dir, 'a.txt'), 'one\n');
    git('add', 'a.txt');
    git('commit', '-qm', 'first');
    expect(await gitState(dir)).toEqual({ commit: git('rev-parse', 'HEAD'), dirty: false });
    await writeFile(join(dir, 'untracked.txt'), 'not counted\n');
    expect((await gitState(dir))?.dirty).toBe(false);
    await writeFile(join(dir, 'a.txt'), 'two\n');
    expect(await gitState(dir)).toEqual({ commit: git('rev-parse', 'HEAD'), dirty: true });
  });
});

describe('runPool', () => {
  it('keeps at most `concurrency` items in flight, pulls them one at a time as workers free up, and stops when asked', async () => {
    const { runPool } = await import('../src/runner/pool.js');
    let pulled = 0;
    function* items() {
      for (let i = 0; i < 20; i++) {
        pulled += 1;
        yield i;
      }
    }
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await runPool(items(), 3, async (i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      // Never more pulled than finished plus those in flight: the list is read lazily.
      expect(pulled).toBe(done.length + inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      inFlight -= 1;
      done.push(i);
    }, () => done.length >= 10);
    expect(most).toBe(3);
    // Items already started finish; no new one starts once shouldStop() says so.
    expect(done.length).toBeGreaterThanOrEqual(10);
    expect(done.length).toBeLessThanOrEqual(12);
    expect(pulled).toBe(done.length);
  });
});
