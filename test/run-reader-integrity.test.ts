import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRun, readRunAll } from '../src/io/run-reader.js';
import { runCli } from './helpers/cli.js';
import { writeSyntheticRun } from './helpers/synthetic-run.js';

async function record(cases = 4): Promise<{ path: string; lines: string[] }> {
  const path = join(await mkdtemp(join(tmpdir(), 'convotest-integrity-')), 'run.jsonl');
  await writeSyntheticRun(path, { cases, variants: ['main'] });
  return { path, lines: (await readFile(path, 'utf8')).trimEnd().split('\n') };
}

describe('the run reader reports integrity facts (issue 15 items 6 and 11)', () => {
  it('a result line repeated verbatim is read once, with a warning naming both lines', async () => {
    const { path, lines } = await record();
    lines.splice(3, 0, lines[2]!);
    await writeFile(path, `${lines.join('\n')}\n`);
    const run = await readRunAll(path);
    expect(run.results.map((r) => r.caseId)).toEqual(['refund-0000', 'billing-0001', 'delivery-0002', 'account-0003']);
    expect(run.integrity).toMatchObject({ results: 4, duplicateLines: 1, summaryMissing: false });
    expect(run.integrity.duplicateExamples).toEqual(['line 4 = line 3 (case billing-0001, variant main, repeat 0)']);
    expect(run.warnings).toEqual([`${path}:4: repeats line 3 (case billing-0001, variant main, repeat 0) verbatim: skipped, counted once`]);
  });

  it('a second result for the same case, variant and repeat with other content is refused', async () => {
    const { path, lines } = await record();
    lines.splice(3, 0, lines[2]!.replace(/"durationMs":\d+/, '"durationMs":1'));
    await writeFile(path, `${lines.join('\n')}\n`);
    await expect(readRunAll(path)).rejects.toThrow(/:4: a second result for case billing-0001, variant main, repeat 0 \(first at line 3\) with different content/);
  });

  it('a header-only record and a record cut mid-line say so', async () => {
    const { path, lines } = await record();
    await writeFile(path, `${lines[0]}\n`);
    const headerOnly = await readRunAll(path);
    expect(headerOnly.integrity).toMatchObject({ results: 0, summaryMissing: true });
    const text = lines.join('\n');
    await writeFile(path, text.slice(0, text.indexOf(lines[3]!) + 50));
    const cut = await readRun(path, { onWarning: () => {} });
    for await (const _ of cut.results);
    expect(cut.integrity).toMatchObject({ results: 2, truncatedLine: 4, summaryMissing: true });
  });

  it('report counts a duplicated line once and warns', { timeout: 60_000 }, async () => {
    const { path, lines } = await record();
    lines.splice(3, 0, lines[2]!);
    await writeFile(path, `${lines.join('\n')}\n`);
    const r = await runCli(['report', path, '--out', join(path, '..', 'r.html')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('repeats line 3');
    expect(r.stdout).toMatch(/, 4 results\)/);
  });
});
