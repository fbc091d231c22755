import { describe, expect, it } from 'vitest';
import { syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { compare, shortRunLabels } from '../src/core/compare.js';
import { gateRun } from '../src/core/gate.js';
import { compareConsole } from '../src/report/console-compare.js';
import { compareMarkdown } from '../src/report/markdown-compare.js';
import type { RunResult } from '../src/schema/run-record.js';

// Three variants over 60 cases: `big` is best, `small` is as good on billing but worse on
// refund, `cheap` equals `big` except on 2 cases and costs a tenth.
function results(): RunResult[] {
  const out: RunResult[] = [];
  for (let i = 0; i < 60; i++) {
    const intent = i % 2 === 0 ? 'refund' : 'billing';
    const base = 0.9;
    const score = { big: base, small: intent === 'refund' && i % 4 === 0 ? 0.2 : base, cheap: i === 5 || i === 7 ? 0.4 : base };
    const cost = { big: 0.01, small: 0.002, cheap: 0.001 };
    for (const variant of ['big', 'small', 'cheap'] as const) {
      out.push(syntheticResult({ caseId: `c${i}`, variant, tags: { intent }, grades: [{ score: score[variant] }], costUsd: cost[variant] }));
    }
  }
  return out;
}

describe('compare', () => {
  const c = compare([gateRun(syntheticHeader('r1', { variants: ['big', 'small', 'cheap'] }), results())]);

  it('ranks variants with intervals', () => {
    expect(c.leaderboards[0]!.metric).toBe('score');
    expect(c.leaderboards[0]!.rows.map((r) => r.label)).toEqual(['big', 'cheap', 'small']);
    const big = c.leaderboards[0]!.rows[0]!;
    expect(big.n).toBe(60);
    for (const v of [big.mean, big.lo, big.hi]) expect(v).toBeCloseTo(0.9, 10);
  });

  it('counts win/tie/loss per pair with a sign test', () => {
    const bigSmall = c.pairwise.find((p) => p.a === 'big' && p.b === 'small')!;
    expect(bigSmall).toMatchObject({ cases: 60, wins: 15, ties: 45, losses: 0 });
    expect(bigSmall.p).toBeCloseTo(2 / 2 ** 15, 10); // exact two-sided sign test, 15 of 15
    const bigCheap = c.pairwise.find((p) => p.a === 'big' && p.b === 'cheap')!;
    expect(bigCheap).toMatchObject({ wins: 2, ties: 58, losses: 0, p: 0.5 });
  });

  it('names slice winners and the cheapest variant at equal quality', () => {
    expect(c.slices.find((s) => s.slice === 'intent=refund')).toMatchObject({ winner: 'big', runnerUp: 'cheap' });
    expect(c.quality).toMatchObject({ best: 'big', equal: ['big', 'cheap'], cheapest: 'cheap' });
    expect(c.quality.note).toBe('cheap is not significantly worse than big and costs less per conversation');
  });

  it('lists the cases where variants disagree most', () => {
    expect(c.disagreements[0]).toMatchObject({ caseId: 'c0', scores: { big: 0.9, small: 0.2, cheap: 0.9 } });
    expect(c.disagreements[0]!.spread).toBeCloseTo(0.7, 10);
  });

  it('renders console and Markdown', () => {
    const text = compareConsole(c);
    expect(text.split('\n').slice(0, 8).join('\n')).toMatchInlineSnapshot(`
      "compare
        cheap is not significantly worse than big and costs less per conversation
        ranked by the lower end of the 95 % interval; variants with fewer than 5 scored cases are listed last, unranked

        variant  score  95% CI      cases  cost/conv  p95 turn
        big       90.0  90.0..90.0     60    $0.0100    100 ms
        cheap     88.3  85.8..90.0     60   $0.00100    100 ms
        small     72.5  64.3..79.5     60   $0.00200    100 ms"
    `);
    const md = compareMarkdown(c);
    expect(md).toContain('| big | small | 15 | 45 | 0 | <0.001 |');
    expect(md).toContain('| intent=refund | big | 90.0 | cheap |');
  });
});

describe('convotest compare (end to end)', { timeout: 120_000 }, () => {
  it('prints the comparison of a run with several variants', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join, resolve, dirname } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
    const path = join(mkdtempSync(join(tmpdir(), 'convotest-compare-')), 'run.jsonl');
    const header = syntheticHeader('r1', { variants: ['big', 'small', 'cheap'] });
    writeFileSync(path, `${[header, ...results()].map((l) => JSON.stringify(l)).join('\n')}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'compare', path, '--format', 'markdown'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('**cheap is not significantly worse than big and costs less per conversation.**');
  });

  it('leaves out a variant that shares no case with the others (recorded transcripts beside replays)', () => {
    const recorded = [0, 1, 2].map((i) => syntheticResult({ caseId: `t${i}`, variant: 'recorded', tags: { intent: 'refund' }, grades: [{ score: 0.1 }] }));
    const mixed = compare([gateRun(syntheticHeader('r2', { variants: ['big', 'small', 'cheap', 'recorded'] }), [...results(), ...recorded])]);
    expect(mixed.unpaired).toEqual(['recorded']);
    expect(mixed.leaderboards[0]!.rows.map((r) => r.label)).toEqual(['big', 'cheap', 'small']);
    expect(mixed.pairwise.some((p) => p.a === 'recorded' || p.b === 'recorded')).toBe(false);
    expect(compareConsole(mixed)).toContain('left out (no case in common with the other variants): recorded');
    expect(compare([gateRun(syntheticHeader('r1', { variants: ['big', 'small', 'cheap'] }), results())]).unpaired).toEqual([]);
  });

  it('does not rank a 1-case variant first on its zero-width interval, and says how it ranks', () => {
    const lucky = syntheticResult({ caseId: 'c0', variant: 'lucky', tags: { intent: 'refund' }, grades: [{ score: 1 }] });
    const c2 = compare([gateRun(syntheticHeader('r3', { variants: ['big', 'small', 'cheap', 'lucky'] }), [...results(), lucky])]);
    const rows = c2.leaderboards[0]!.rows;
    expect(rows.map((r) => r.label)).toEqual(['big', 'cheap', 'small', 'lucky']);
    expect(rows[3]).toMatchObject({ label: 'lucky', n: 1, ranked: false });
    expect(c2.quality.best).toBe('big');
    expect(c2.ranking.note).toBe('ranked by the lower end of the 95 % interval; variants with fewer than 5 scored cases are listed last, unranked (lucky)');
    expect(compareConsole(c2)).toContain('lucky (unranked)');
    expect(compareMarkdown(c2)).toContain('Leaderboards are ranked by the lower end of the 95 % interval');
  });

  it('labels variants of several runs with a short run label and a legend', () => {
    const ids = ['2026-11-22T10-00-00-000-a1b2c3', '2026-11-23T09-00-00-000-d4e5f6'];
    expect(shortRunLabels(ids)).toEqual(['a1b2c3', 'd4e5f6']);
    expect(shortRunLabels(['x-1', 'y-1', 'z-2'])).toEqual(['x-1', 'y-1', '2']);
    expect(shortRunLabels(['same', 'same'])).toEqual(['#1', '#2']);
    const one = (runId: string) => gateRun(syntheticHeader(runId, { variants: ['big'] }), results().filter((r) => r.variant === 'big'));
    const c3 = compare([one(ids[0]!), one(ids[1]!)]);
    expect(c3.entries.map((e) => e.label)).toEqual(['a1b2c3:big', 'd4e5f6:big']);
    expect(compareConsole(c3)).toContain(`runs: a1b2c3 = ${ids[0]}, d4e5f6 = ${ids[1]}`);
  });
});

