import { describe, expect, it } from 'vitest';
import { type GradeSpec, syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { summarize } from '../src/core/summary.js';
import { createRng, type Rng } from '../src/core/stats/prng.js';
import type { RunResult } from '../src/schema/run-record.js';

/**
 * The summary's figures pinned to the last digit on varied runs: repeats, result and grade
 * errors, verdict-only and constant graders, 0/1 and continuous scores, outcome KPIs, unpriced
 * costs, simulated customers, array and missing tags, small slices (resampled) and large ones
 * (normal intervals). The snapshots were written by the summary before its rewrite on per-case
 * columns, so any change to a figure (even in its last bit) fails here.
 */
const INTENTS = ['refund', 'billing', 'delivery', 'account'];
const CHANNELS = ['chat', 'email', 'voice'];

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)]!;
}

function gradesOf(rng: Rng, caseIndex: number): GradeSpec[] {
  const grades: GradeSpec[] = [];
  const judge = rng();
  grades.push(judge < 0.05 ? { grader: 'judge', kind: 'llm-judge', score: null, error: 'judge down' } : { grader: 'judge', kind: 'llm-judge', score: Math.round(judge * 1000) / 1000, threshold: 0.6, reason: `judge says ${caseIndex}` });
  grades.push({ grader: 'regex', kind: 'regex', score: rng() < 0.8 ? 1 : 0, threshold: 1 });
  grades.push({ grader: 'always', kind: 'regex', score: 1 });
  if (caseIndex % 3 !== 0) grades.push({ grader: 'verdict-only', kind: 'custom', score: null, pass: rng() < 0.7 });
  const resolved = rng() < 0.6;
  const escalated = rng() < 0.2;
  const turns = 1 + Math.floor(rng() * 4);
  grades.push({ grader: 'resolution', kind: 'resolution', score: resolved ? 1 : 0, details: { detectedOutcome: resolved ? 'resolved' : escalated ? 'escalated' : 'abandoned', ...(caseIndex % 4 === 0 ? { goalCompleted: resolved } : { expectedTools: ['refund'], missingTools: resolved ? [] : ['refund'] }) } });
  grades.push({ grader: 'escalation', kind: 'escalation', score: escalated ? 0 : 1, ...(caseIndex % 5 === 0 ? {} : { label: escalated ? 'escalated' : 'not-escalated' }) });
  grades.push({ grader: 'fallback', kind: 'fallback', score: 1, turns: Array.from({ length: turns }, (_, turn) => { const f = rng() < 0.15; return { turn, score: f ? 0 : 1, pass: !f }; }) });
  grades.push({ grader: 'ttr', kind: 'turns-to-resolution', score: 1, details: { turns: turns + 0.5 * (caseIndex % 2) } });
  const csat = Math.round(rng() * 100) / 100;
  grades.push({ grader: 'sentiment', kind: 'sentiment', score: csat, label: csat > 0.66 ? 'positive' : csat > 0.33 ? 'neutral' : 'negative' });
  return grades;
}

function variedRun(cases: number, variants: readonly string[], repeat: number, seed: number): RunResult[] {
  const rng = createRng(seed);
  const out: RunResult[] = [];
  for (let c = 0; c < cases; c++) {
    const tags: RunResult['tags'] = { intent: pick(rng, INTENTS) };
    if (c % 7 !== 0) tags['channel'] = c % 5 === 0 ? ['chat', pick(rng, ['email', 'voice'])] : pick(rng, CHANNELS);
    if (c % 11 === 0) tags['risk'] = 'high';
    for (const variant of variants) {
      for (let r = 0; r < repeat; r++) {
        const failed = rng() < 0.04;
        const result = syntheticResult({
          caseId: `case-${String(c).padStart(4, '0')}`,
          variant,
          repeat: r,
          tags,
          grades: gradesOf(rng, c),
          costUsd: variant === 'cheap' && c === 5 ? null : Math.round(rng() * 1e6) / 1e9,
          judgeCostUsd: Math.round(rng() * 1e6) / 1e9,
          turnLatencies: Array.from({ length: 1 + (c % 3) }, () => Math.round(rng() * 2000) / 4),
          tokens: 50 + Math.floor(rng() * 500),
          ...(failed ? { error: 'provider down' } : {}),
        });
        if (c % 13 === 0) result.simulation = { goal: 'refund', simulator: 'openai:gpt', turns: 2, endReason: 'stop', usage: { input: 30, output: 7, cached: 0 }, costUsd: c === 13 ? null : 0.00012 };
        out.push(result);
      }
    }
  }
  // Arrival order is not case order: shuffle deterministically.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('summary figures, pinned', () => {
  it('small run: 3 repeats, 2 variants, resampled intervals', async () => {
    const header = { ...syntheticHeader('pinned-small', { variants: ['main', 'cheap'] }), repeat: 3 };
    const summary = summarize(variedRun(150, ['main', 'cheap'], 3, 7), header, { seed: 5, minCasePassRate: 0.8 });
    await expect(JSON.stringify(summary, null, 1)).toMatchFileSnapshot('./fixtures/summary-pinned/small.json');
  });

  it('selected slice keys and another confidence', async () => {
    const header = syntheticHeader('pinned-keys', { variants: ['main'] });
    const summary = summarize(variedRun(400, ['main'], 1, 11), header, { seed: 2, confidence: 0.9, resamples: 300, sliceKeys: ['intent', 'risk'] });
    await expect(JSON.stringify(summary, null, 1)).toMatchFileSnapshot('./fixtures/summary-pinned/keys.json');
  });

  it('large run: normal intervals beyond 2,000 cases', async () => {
    const header = syntheticHeader('pinned-large', { variants: ['main'] });
    const summary = summarize(variedRun(4500, ['main'], 1, 3), header);
    await expect(JSON.stringify(summary, null, 1)).toMatchFileSnapshot('./fixtures/summary-pinned/large.json');
  });
});
