import { describe, expect, it } from 'vitest';
import { summarize } from '../src/core/summary.js';
import { RunSummaryLineSchema } from '../src/schema/run-record.js';
import { SummarySchema } from '../src/schema/summary.js';
import { syntheticHeader, syntheticResult } from './helpers/synthetic-run.js';

describe('the summary line has a schema', () => {
  it('a computed summary parses unchanged, so what is written is what is read back', () => {
    const options = { cases: 30, variants: ['a', 'b'], seed: 3 };
    const header = { type: 'header' as const, ...syntheticHeader(options) };
    const results = options.variants.flatMap((v) => Array.from({ length: options.cases }, (_, i) => ({ type: 'result' as const, ...syntheticResult(options, i, v) })));
    const summary = summarize(results, header, { minCasePassRate: 0.5 });
    const json: unknown = JSON.parse(JSON.stringify(summary));
    expect(SummarySchema.parse(json)).toEqual(json);
    const line = RunSummaryLineSchema.parse({ type: 'summary', status: 'complete', endedAt: 'now', results: results.length, errors: 0, summary: json });
    expect(line.summary?.variants.map((v) => v.variant)).toEqual(['a', 'b']);
    expect(line.summary?.variants[0]?.repeats.minCasePassRate).toBe(0.5);
  });

  it('a summary of another shape reads as absent instead of failing the record', () => {
    const line = RunSummaryLineSchema.parse({ type: 'summary', status: 'complete', endedAt: 'now', results: 1, errors: 0, summary: { variants: 'nope' } });
    expect(line.summary).toBeUndefined();
  });
});
