import { createHmac } from 'node:crypto';
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

  it('catches a forged summary: the signature covers the whole summary line (issue 15)', () => {
    const ls = lines(bytes);
    const forged = ls.at(-1)!.replace(/"errors":\d+/, '"errors":0').replace(/"results":\d+/, '"results":99');
    expect(forged).not.toBe(ls.at(-1));
    ls[ls.length - 1] = forged;
    const r = verifyChain(join_(ls), { kind: 'run', key: KEY });
    expect(r).toMatchObject({ ok: false, signature: 'invalid', problem: { line: 10, kind: 'signature' } });
    expect(r.problem?.message).toBe('line 10 (the summary): the signature does not match (the line was edited, the chain was rebuilt, or the key is wrong)');
  });

  it('still accepts an older signature over the digest alone, saying what it does not cover', () => {
    const ls = lines(bytes);
    const summary = JSON.parse(ls.at(-1)!) as { digest: string; signature?: string };
    summary.signature = createHmac('sha256', KEY).update(summary.digest).digest('hex');
    ls[ls.length - 1] = JSON.stringify(summary);
    const r = verifyChain(join_(ls), { kind: 'run', key: KEY });
    expect(r).toMatchObject({ ok: true, signature: 'valid' });
    expect(r.warnings).toEqual([`line 10: an older signature, over the chain's digest only: the summary line's own counts are not covered`]);
  });

  it('signs every label line when a key is set, and catches an edited, re-chained or unsigned line', async () => {
    const path = join(dir, 'signed.labels.jsonl');
    const labels = await openLabels(path, { reviewer: 'ana', now: () => new Date('2026-01-02T00:00:00Z'), signingKey: KEY });
    await labels.append({ caseId: 'a', grader: 'g', transcriptHash: 'ab'.repeat(32), verdict: 'agree' });
    await labels.append({ caseId: 'b', grader: 'g', transcriptHash: 'ab'.repeat(32), verdict: 'disagree' });
    const signed = await readFile(path);
    expect(verifyChain(signed, { kind: 'labels', key: KEY })).toMatchObject({ ok: true, lines: 2, signature: 'valid' });
    expect(verifyChain(signed, { kind: 'labels' })).toMatchObject({ ok: true, signature: 'unchecked' });
    expect(verifyChain(signed, { kind: 'labels', key: 'other' })).toMatchObject({ ok: false, signature: 'invalid', problem: { line: 1 } });

    // Edit line 2 (the last: no chain after it protects it) — only the signature can tell.
    const ls = lines(signed);
    ls[1] = ls[1]!.replace('"verdict":"disagree"', '"verdict":"agree"');
    expect(verifyChain(join_(ls), { kind: 'labels' }).ok).toBe(true);
    expect(verifyChain(join_(ls), { kind: 'labels', key: KEY }).problem).toMatchObject({
      line: 2,
      kind: 'signature',
      message: 'line 2: the signature does not match (the line was edited, or the key is wrong)',
    });
    // A line added without the key.
    const unsigned = await openLabels(path, { reviewer: 'mallory', now: () => new Date('2026-01-03T00:00:00Z') });
    await unsigned.append({ caseId: 'c', grader: 'g', transcriptHash: 'ab'.repeat(32), verdict: 'agree' });
    expect(verifyChain(await readFile(path), { kind: 'labels', key: KEY }).problem).toMatchObject({ line: 3, kind: 'signature' });
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
    const labels = await openLabels(labelsPathFor(runPath), { reviewer: 'ana', now: () => new Date('2026-01-02T00:00:00Z'), signingKey: KEY });
    await labels.append({ caseId: 'refund-0000', grader: 'helpfulness', transcriptHash: 'ab'.repeat(32), verdict: 'agree' });
    await labels.append({ caseId: 'refund-0000', grader: 'policy', transcriptHash: 'ab'.repeat(32), verdict: 'disagree', note: 'x' });

    const ok = await cli(['verify', runPath], { CONVOTEST_SIGNING_KEY: KEY });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK {2}.*run\.jsonl {2}10 lines, digest [0-9a-f]{64}, signature valid\n/);
    expect(ok.stdout).toMatch(/OK {2}.*run\.labels\.jsonl {2}2 lines, digest [0-9a-f]{64}, signature valid\n/);

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

    const forged = join(dir, 'forged.jsonl');
    const fl = lines(bytes);
    fl[fl.length - 1] = fl.at(-1)!.replace(/"errors":\d+/, '"errors":0');
    await writeFile(forged, join_(fl));
    const forgedResult = await cli(['verify', forged], { CONVOTEST_SIGNING_KEY: KEY });
    expect(forgedResult.code).toBe(1);
    expect(forgedResult.stdout).toContain('TAMPERED  ' + forged + '  line 10 (the summary): the signature does not match');

    const missing = await cli(['verify', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  }, 180_000);
});
