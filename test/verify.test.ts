import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelsPathFor, openLabels } from '../src/io/labels.js';
import { verifyChain } from '../src/io/verify.js';
import { writeSyntheticRun } from './helpers/synthetic-run.js';
import { runCli } from './helpers/cli.js';

let dir: string;
let runPath: string;
let bytes: Buffer;
const KEY = 'test-signing-key';

const lines = (b: Buffer) => b.toString('utf8').split('\n').slice(0, -1);
const join_ = (ls: string[]) => Buffer.from(`${ls.join('\n')}\n`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convotest-verify-'));
  runPath = join(dir, 'run.jsonl');
  await writeSyntheticRun(runPath, { cases: 4, signingKey: KEY });
  bytes = await readFile(runPath);
});

describe('verifyChain on a record from the real run writer', () => {
  it('passes an untouched record and checks its signature', () => {
    const r = verifyChain(bytes, { kind: 'run', key: KEY });
    expect(r).toMatchObject({ ok: true, lines: 10, signature: 'valid', warnings: [] });
    expect(r.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyChain(bytes, { kind: 'run' })).toMatchObject({ ok: true, signature: 'unchecked' });
  });

  it('catches one changed byte', () => {
    const changed = Buffer.from(bytes);
    const at = changed.indexOf('delivered', changed.indexOf('\n', changed.indexOf('\n') + 1) + 1);
    changed[at] = 'D'.charCodeAt(0);
    const r = verifyChain(changed, { kind: 'run' });
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ line: 3, kind: 'altered' });
    expect(r.problem?.message).toContain('line 3 was altered');
  });

  it('catches any single changed byte before the summary line (property)', () => {
    const summaryStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: summaryStart - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = Buffer.from(bytes);
        changed[at] = ((changed[at] ?? 0) + delta) % 256;
        return verifyChain(changed, { kind: 'run' }).ok === false;
      }),
      { numRuns: 300 },
    );
  });

  it('catches a byte change that breaks the JSON', () => {
    const changed = Buffer.from(bytes);
    changed[changed.indexOf('\n') + 1] = 'X'.charCodeAt(0);
    expect(verifyChain(changed, { kind: 'run' }).problem).toMatchObject({ line: 2, kind: 'altered' });
  });

  it('catches a removed line', () => {
    const ls = lines(bytes);
    ls.splice(4, 1);
    const r = verifyChain(join_(ls), { kind: 'run' });
    expect(r.problem).toMatchObject({ line: 4, kind: 'altered' });
    expect(r.problem?.message).toContain('a line after it was removed');
  });

  it('catches a removed first line and a removed last result', () => {
    expect(verifyChain(join_(lines(bytes).slice(1)), { kind: 'run' }).problem).toMatchObject({ line: 1, kind: 'removed' });
    const ls = lines(bytes);
    ls.splice(ls.length - 2, 1);
    expect(verifyChain(join_(ls), { kind: 'run' }).ok).toBe(false);
  });

  it('catches two swapped lines', () => {
    const ls = lines(bytes);
    [ls[3], ls[4]] = [ls[4] ?? '', ls[3] ?? ''];
    const r = verifyChain(join_(ls), { kind: 'run' });
    expect(r.problem).toMatchObject({ line: 4, kind: 'reordered' });
  });

  it('catches a truncated file: summary missing, or cut mid-line', () => {
    const ls = lines(bytes);
    expect(verifyChain(join_(ls.slice(0, -1)), { kind: 'run' }).problem).toMatchObject({ line: 10, kind: 'truncated' });
    const cut = bytes.subarray(0, bytes.length - 40);
    expect(verifyChain(cut, { kind: 'run' }).problem).toMatchObject({ line: 10, kind: 'truncated' });
    const cutAtNewline = bytes.subarray(0, bytes.length - 1);
    expect(verifyChain(cutAtNewline, { kind: 'run' }).problem?.kind).toBe('truncated');
  });

  it('catches a bad signature and a stripped one', () => {
    expect(verifyChain(bytes, { kind: 'run', key: 'other-key' })).toMatchObject({ ok: false, signature: 'invalid' });
    const ls = lines(bytes);
    const summary = JSON.parse(ls.at(-1) ?? '{}');
    delete summary.signature;
    ls[ls.length - 1] = JSON.stringify(summary);
    expect(verifyChain(join_(ls), { kind: 'run', key: KEY }).problem?.kind).toBe('signature');
  });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

describe('convotest verify', () => {
  it('reports OK with line count, digest and labels; exit 1 when tampered; exit 2 when unreadable', async () => {
    const labels = await openLabels(labelsPathFor(runPath), { reviewer: 'ana', now: () => new Date('2026-01-02T00:00:00Z') });
    await labels.append({ caseId: 'refund-0000', grader: 'helpfulness', transcriptHash: 'ab'.repeat(32), verdict: 'agree' });
    await labels.append({ caseId: 'refund-0000', grader: 'policy', transcriptHash: 'ab'.repeat(32), verdict: 'disagree', note: 'x' });

    const ok = await cli(['verify', runPath], { CONVOTEST_SIGNING_KEY: KEY });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK {2}.*run\.jsonl {2}10 lines, digest [0-9a-f]{64}, signature valid\n/);
    expect(ok.stdout).toMatch(/OK {2}.*run\.labels\.jsonl {2}2 lines/);

    const bad = join(dir, 'bad.jsonl');
    const ls = lines(bytes);
    [ls[1], ls[2]] = [ls[2] ?? '', ls[1] ?? ''];
    await writeFile(bad, join_(ls));
    const tampered = await cli(['verify', bad]);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('TAMPERED');
    expect(tampered.stdout).toContain('line 2 is out of order');

    const labelsText = await readFile(labelsPathFor(runPath), 'utf8');
    await writeFile(labelsPathFor(runPath), labelsText.replace('"verdict":"agree"', '"verdict":"disagree"'));
    const labelsTampered = await cli(['verify', runPath], { CONVOTEST_SIGNING_KEY: KEY });
    expect(labelsTampered.code).toBe(1);
    expect(labelsTampered.stdout).toContain('labels.jsonl  line 1 was altered');

    const missing = await cli(['verify', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  }, 180_000);
});
