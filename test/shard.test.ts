import { describe, expect, it } from 'vitest';
import { collectRun, gate } from '../src/core/gate.js';
import { formatShard, inShard, parseShard, shardOf } from '../src/core/shard.js';
import { summarize } from '../src/core/summary.js';
import { parseShardFlag } from '../src/runner/selection.js';
import { GateRulesSchema } from '../src/schema/gate.js';
import type { RunResult } from '../src/schema/run-record.js';
import { syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';

describe('shard assignment', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['2/4', { index: 2, count: 4 }],
    [' 4 / 4 ', { index: 4, count: 4 }],
  ])('parses %j', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
    expect(formatShard(shard)).toBe(`${shard.index}/${shard.count}`);
  });

  it.each(['0/4', '5/4', '1/0', '-1/4', '1.5/4', 'a/b', '2-4', '2/', ''])('refuses %j, and --shard says what is expected', (text) => {
    expect(parseShard(text)).toBeUndefined();
    expect(() => parseShardFlag(text)).toThrow(`--shard ${JSON.stringify(text)}: expected i/n with 1 ≤ i ≤ n (whole numbers), e.g. --shard 2/4`);
  });

  it('puts every id on exactly one shard, the same one whatever else is in the set', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `case-${i}`);
    const before = new Map(ids.map((id) => [id, shardOf(id, 4)]));
    const grown = [...ids, ...Array.from({ length: 400 }, (_, i) => `new-${i}`)];
    for (const id of ids) expect(shardOf(id, 4)).toBe(before.get(id));
    for (const id of grown) expect([1, 2, 3, 4].filter((i) => inShard(id, { index: i, count: 4 }))).toHaveLength(1);
  });

  it('is pinned: the same ids land on the same shards in every version (shards of one run may be merged by another machine)', () => {
    expect(['refund-window', 'wants-a-human', 'case-00000', 'case-00001', 'é-ünïcode'].map((id) => shardOf(id, 4))).toEqual([2, 3, 4, 2, 1]);
    expect(shardOf('refund-window', 1)).toBe(1);
  });

  it('spreads sequential ids evenly (each of 4 shards within 5 % of a quarter over 20,000 ids)', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[shardOf(`case-${String(i).padStart(5, '0')}`, 4) - 1]!++;
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(250);
  });
});

describe('the summary does not depend on the order results arrive in', () => {
  const header = { ...syntheticHeader('order'), repeat: 2 };
  const results: RunResult[] = [];
  for (let i = 0; i < 60; i++) {
    for (let r = 0; r < 2; r++) {
      const score = ((i * 7 + r * 3) % 10) / 10;
      results.push(syntheticResult({ caseId: `c-${String(i).padStart(3, '0')}`, repeat: r, tags: { intent: i % 3 ? 'refund' : 'billing' }, grades: [{ score, reason: `score ${score} on repeat ${r}` }] }));
    }
  }
  // Another finishing order: last case first, and each case's later repeat before its first.
  const shuffled = [...results].reverse();

  it('gives the same means, rates, intervals and KPIs', () => {
    expect(shuffled.map((r) => r.caseId)).not.toEqual(results.map((r) => r.caseId));
    expect(summarize(shuffled, header)).toEqual(summarize(results, header));
  });

  it('gives the gate the same grader reasons (of the highest repeat)', () => {
    const collect = (rs: RunResult[]) => {
      const c = collectRun(header);
      for (const r of rs) c.add(r);
      return c.finish();
    };
    const reasons = (rs: RunResult[]) => [...collect(rs).records.values()].map((rec) => [rec.caseId, rec.graders.get('quality')?.failReason ?? null, rec.graders.get('quality')?.passReason ?? null]).sort();
    expect(reasons(shuffled)).toEqual(reasons(results));
    const baseline = collect(results.map((r) => ({ ...r, grades: r.grades.map((g) => ({ ...g, score: 1, pass: true })) })));
    const rules = GateRulesSchema.parse({});
    expect(gate(baseline, collect(shuffled), rules)).toEqual(gate(baseline, collect(results), rules));
  });
});
