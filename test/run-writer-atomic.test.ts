import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunWriter } from '../src/io/run-writer.js';
import { verifyChain } from '../src/io/verify.js';
import { runCli } from './helpers/cli.js';
import { syntheticHeader, syntheticResult } from './helpers/synthetic-run.js';

const SUMMARY = { status: 'complete' as const, endedAt: '2026-01-01T00:10:00.000Z', results: 1, errors: 0 };

describe('the run writer in atomic mode', () => {
  it('shows nothing at the path until finish, then the whole record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-atomic-'));
    const path = join(dir, 'out.jsonl');
    const writer = await createRunWriter(path, syntheticHeader({ cases: 1 }), { atomic: true });
    await writer.writeResult(syntheticResult({ cases: 1 }, 0, 'baseline'));
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^\.out\.jsonl\.\d+-\d+\.tmp$/)]);
    await writer.finish(SUMMARY);
    expect(await readdir(dir)).toEqual(['out.jsonl']);
    expect(verifyChain(await readFile(path), { kind: 'run' })).toMatchObject({ ok: true, lines: 3 });
  });

  it('leaves nothing on discard or close, and refuses an existing record up front', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-atomic-'));
    const a = await createRunWriter(join(dir, 'a.jsonl'), syntheticHeader({ cases: 1 }), { atomic: true });
    await a.writeResult(syntheticResult({ cases: 1 }, 0, 'baseline'));
    await a.discard();
    const b = await createRunWriter(join(dir, 'b.jsonl'), syntheticHeader({ cases: 1 }), { atomic: true });
    await b.close();
    expect(await readdir(dir)).toEqual([]);

    await writeFile(join(dir, 'c.jsonl'), 'keep me\n');
    await expect(createRunWriter(join(dir, 'c.jsonl'), syntheticHeader({ cases: 1 }), { atomic: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(dir, 'c.jsonl'), 'utf8')).toBe('keep me\n');
  });
});

describe('convotest regrade on a source with a bad line', () => {
  it('exits 2 naming the line and leaves no output record (issue 15)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-regrade-bad-'));
    await mkdir(join(dir, 'golden-sets'));
    await mkdir(join(dir, 'graders'));
    const cases = ['c1', 'c2', 'c3', 'c4']
      .map((id) => `  - id: ${id}\n    transcript: [{ role: user, content: hi }, { role: assistant, content: "hello ${id}" }]\n    expect: { must_match: ['hello'] }\n`)
      .join('');
    await writeFile(join(dir, 'golden-sets/cases.yaml'), `cases:\n${cases}`);
    await writeFile(join(dir, 'graders/rules.yaml'), 'name: rules\nkind: rules\n');
    await writeFile(join(dir, 'convotest.config.yaml'), 'goldenSets: [golden-sets]\ngraders: [graders]\ndefaultGraders: [rules]\n');
    const run = await runCli(['run', '--progress', 'none', '--out', 'runs/source.jsonl'], { cwd: dir, cleanEnv: true });
    expect(run.code).toBe(0);

    const lines = (await readFile(join(dir, 'runs/source.jsonl'), 'utf8')).split('\n');
    lines[4] = '{"type":"result", cut';
    await writeFile(join(dir, 'runs/bad.jsonl'), lines.join('\n'));
    const regrade = await runCli(['regrade', 'runs/bad.jsonl', '--out', 'runs/regraded.jsonl'], { cwd: dir, cleanEnv: true });
    expect(regrade.code).toBe(2);
    expect(regrade.stderr.split('\n')).toContain('convotest: runs/bad.jsonl:5: not valid JSON');
    expect(regrade.stderr).not.toMatch(/\n\s+at /);
    expect((await readdir(join(dir, 'runs'))).sort()).toEqual(['bad.jsonl', 'source.html', 'source.jsonl']);
  }, 120_000);
});
