import { describe, expect, it } from 'vitest';
import { RepeatFilter } from '../src/analytics/ingest/repeats.js';

describe('RepeatFilter', () => {
  it('lists every repeated id, and few others, for a file the size of 200,000 events', () => {
    const filter = new RepeatFilter(200_000 * 240);
    const repeated = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      filter.add(`s${i >> 3}-${i & 7}`);
      if (i % 997 === 0) {
        filter.add(`s${i >> 3}-${i & 7}`);
        repeated.add(`s${i >> 3}-${i & 7}`);
      }
    }
    const candidates = new Set(filter.candidates());
    for (const id of repeated) expect(candidates.has(id), id).toBe(true);
    expect(candidates.size - repeated.size).toBeLessThan(200); // false candidates: < 0.1 %
  });

  it('gives up past its cap (the store then checks every id)', () => {
    const filter = new RepeatFilter(10_000, 5);
    for (let i = 0; i < 10; i++) filter.add('same');
    expect(filter.candidates()).toEqual(['same']);
    for (let i = 0; i < 10; i++) {
      filter.add(`x${i}`);
      filter.add(`x${i}`);
    }
    expect(filter.candidates()).toBeUndefined();
  });
});
