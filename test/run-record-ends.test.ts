import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunWriter } from '../src/io/run-writer.js';
import { readRecordEnds, readRunAll } from '../src/io/run-reader.js';
import { syntheticHeader, syntheticResult } from './helpers/synthetic-run.js';

const OPTIONS = { cases: 30, variants: ['baseline'] };

async function record(summaryWarnings: string[] = []): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'convotest-ends-')), 'r.jsonl');
  const writer = await createRunWriter(path, syntheticHeader(OPTIONS));
  for (let i = 0; i < OPTIONS.cases; i++) await writer.writeResult(syntheticResult(OPTIONS, i, 'baseline'));
  await writer.finish({ status: 'complete', endedAt: '2026-01-01T00:10:00.000Z', results: OPTIONS.cases, errors: 0, ...(summaryWarnings.length ? { warnings: summaryWarnings } : {}) });
  return path;
}

describe('readRecordEnds (the end of convotest run reads no result again)', () => {
  it('gives the header and summary line that reading the whole record gives', async () => {
    const path = await record();
    const all = await readRunAll(path);
    expect(await readRecordEnds(path)).toEqual({ header: all.header, summaryLine: all.summaryLine });
  });

  it('reads a summary line longer than its first chunk, multi-byte characters across chunk edges intact', async () => {
    const long = Array.from({ length: 3000 }, (_, i) => `prix unitaire ${i} € — ok`);
    const path = await record(long);
    const ends = await readRecordEnds(path);
    expect(ends.summaryLine?.warnings).toEqual(long);
  });

  it('has no summary line for a record whose last line was cut', async () => {
    const path = await record();
    await appendFile(path, '{"prev":"00","type":"result","caseId":"c');
    expect((await readRecordEnds(path)).summaryLine).toBeUndefined();
  });
});
