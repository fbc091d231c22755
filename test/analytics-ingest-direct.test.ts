import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../src/analytics/ingest/ingest.js';
import { fileLines } from '../src/analytics/ingest/lines.js';
import { checkJsonl } from '../src/analytics/ingest/plain.js';
import type { AnalyticsStore } from '../src/analytics/store/store.js';
import { syntheticTraffic } from '../src/analytics/synthetic.js';
import { TYPED_COLUMN_NAMES } from '../src/analytics/store/typed-columns.js';
import { tempDuckDb, writeEvents } from './helpers/analytics.js';

const good = { event_id: 'e1', session_id: 's1', user_id: 'u1', channel: 'web', type: 'message_sent', timestamp: '2026-03-02T09:00:00Z' };
const line = (e: object) => JSON.stringify(e);

/** Lines DuckDB reads itself (plain) and lines that send their file through the row path. */
const PLAIN = [
  line({ ...good, event_id: 'p1', timestamp: '2026-03-02T09:00:00.123+02:00', variant: 'b', properties: { intent: 'refund', text: 'é "q" \\ tab\there\nnl 😀' } }),
  line({ ...good, event_id: 'p2', timestamp: '1999-12-31T23:59:59.9-05:30', type: 'feedback_submitted', properties: { csat: 5, ces: 1, extra: { deep: [1, 2.5, null, true] } } }),
  line({ ...good, event_id: 'p3', type: 'message_received', properties: { tokens_in: 10, cost_usd: 0.0001116, big: 1e21 } }),
  line({ ...good, event_id: 'dup', channel: 'first' }),
  line({ ...good, event_id: 'p4', session_id: 's2' }),
  line({ ...good, event_id: 'dup', channel: 'second copy' }),
];
const NOT_PLAIN = [
  '{"event_id":"n1","session_id":"s1","user_id":"u1","channel":"web","type":"feedback_submitted","timestamp":"2026-03-02T09:00:00Z","properties":{"csat":5.0}}',
  '{"event_id": "n2", "session_id":"s1","user_id":"u1","channel":"web","type":"message_sent","timestamp":"2026-03-02T09:00:00Z"}',
  '{"event_id":"n3","session_id":"s1","user_id":"u1","channel":"web","type":"message_sent","timestamp":"2026-03-02T09:00:00.123456Z"}',
  '{"event_id":"n4","session_id":"s1","user_id":"u1","channel":"web","type":"message_sent","timestamp":"2026-03-02T09:00:00Z","properties":{"a":1,"a":2}}',
  '{"event_id":"n5","session_id":"s1","user_id":"u1","channel":"web","type":"message_sent","timestamp":"2026-03-02T09:00:00Z","properties":{"text":"\\u0007 bell"}}',
  '{"event_id":"n6","session_id":"s1","user_id":"u1","channel":"web","type":"message_sent","timestamp":"2026-03-02T09:00:00Z","properties":{"__proto__":{"x":1}}}',
];

async function table(store: AnalyticsStore) {
  return store.all(`SELECT event_id, session_id, user_id, event_type, CAST(properties AS VARCHAR) AS properties, CAST("timestamp" AS VARCHAR) AS ts, channel, variant, ${TYPED_COLUMN_NAMES}
    FROM chat_events ORDER BY event_id, channel`);
}

describe('DuckDB reads plain JSONL files itself, with the same result as the row path', () => {
  let dir: string;
  const stores: AnalyticsStore[] = [];
  const open = async () => {
    const t = await tempDuckDb();
    stores.push(t.store);
    return t.store;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convotest-direct-'));
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells plain lines from the others', async () => {
    const plain = await writeEvents(dir, 'plain.jsonl', [...PLAIN, '', '   ']);
    expect(await checkJsonl(plain, 'plain.jsonl', 10)).toEqual({ valid: PLAIN.length, problems: [], problemCount: 0, plain: true, repeated: expect.arrayContaining(['dup']) });
    for (const [i, other] of NOT_PLAIN.entries()) {
      const file = await writeEvents(dir, `other-${i}.jsonl`, [...PLAIN, other]);
      expect(await checkJsonl(file, 'x.jsonl', 10), other).toMatchObject({ valid: PLAIN.length + 1, problemCount: 0, plain: false });
    }
  });

  it.each([
    ['plain lines, duplicates within the file and against the store', [PLAIN, [line({ ...good, event_id: 'p1', channel: 'again' }), ...PLAIN.slice(3)]]],
    ['files with lines that are valid but not plain', [[...PLAIN, ...NOT_PLAIN], [NOT_PLAIN[0]!, line({ ...good, event_id: 'later' })]]],
    ['synthetic traffic', [[...syntheticTraffic({ seed: 5, sessions: 300, days: 3 })].map(line)]],
  ])('%s', async (_name, files) => {
    const paths = await Promise.all(files.map((lines, i) => writeEvents(dir, `f${i}-${Math.random()}.jsonl`, lines)));
    const direct = await open();
    const rows = await open();
    // The first file alone, then all of them: the second ingest de-duplicates against the store.
    const a1 = await ingestFiles(direct, paths.slice(0, 1), { storeReads: true });
    const b1 = await ingestFiles(rows, paths.slice(0, 1), { storeReads: false });
    const a2 = await ingestFiles(direct, paths, { storeReads: true });
    const b2 = await ingestFiles(rows, paths, { storeReads: false, batchSize: 2 });
    expect([a1, a2]).toEqual([b1, b2]);
    expect(await table(direct)).toEqual(await table(rows));
    expect((await table(direct)).length).toBeGreaterThan(0);
  });

  it('keeps the first of repeated event ids, in file order', async () => {
    const store = await open();
    const report = await ingestFiles(store, [await writeEvents(dir, 'dups.jsonl', PLAIN)], { storeReads: true });
    expect(report.counts).toEqual({ offered: 6, inserted: 5, duplicates: 1 });
    expect(await store.all("SELECT channel FROM chat_events WHERE event_id = 'dup'")).toEqual([{ channel: 'first' }]);
  });

  it('de-duplicates by grouping every loaded id when the validating pass listed no candidates (too many)', async () => {
    const store = await open();
    const file = await writeEvents(dir, 'dups-all.jsonl', PLAIN);
    const session = await store.beginIngest();
    const load = session.loadJsonl!(file);
    await load.loaded;
    await load.accept(PLAIN.length, undefined);
    expect(await session.commit()).toEqual({ offered: 6, inserted: 5, duplicates: 1 });
    expect(await store.all("SELECT channel FROM chat_events WHERE event_id = 'dup'")).toEqual([{ channel: 'first' }]);
  });

  it('undoes the load of a file with bad lines: refuse writes nothing, skip keeps its valid lines and the files before', async () => {
    const clean = await writeEvents(dir, 'clean.jsonl', PLAIN);
    const bad = await writeEvents(dir, 'bad.jsonl', [line({ ...good, event_id: 'b1' }), '{"event_id": ', line({ ...good, event_id: 'b2', channel: '' }), line({ ...good, event_id: 'b3' })]);
    const store = await open();
    const refused = await ingestFiles(store, [clean, bad], { storeReads: true });
    expect(refused).toMatchObject({ counts: null, problemCount: 2, valid: PLAIN.length + 2 });
    expect(refused.problems.map((p) => `${p.file}:${p.line} ${p.field ?? ''}`)).toEqual(['bad.jsonl:2 ', 'bad.jsonl:3 channel']);
    expect(await table(store)).toEqual([]);
    const skipped = await ingestFiles(store, [clean, bad], { invalid: 'skip', storeReads: true });
    expect(skipped).toMatchObject({ counts: { offered: PLAIN.length + 2, inserted: 7, duplicates: 1 }, problemCount: 2 });
    expect((await table(store)).map((r) => r['event_id'])).toEqual(['b1', 'b3', 'dup', 'p1', 'p2', 'p3', 'p4']);
  });
});

describe('fileLines', () => {
  it('splits LF and CRLF lines, keeps blank ones and a last line without a newline, and lines longer than its buffer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-lines-'));
    try {
      const long = 'é'.repeat(3_000_000); // 6 MB of UTF-8: more than one read
      const file = join(dir, 'lines.txt');
      await writeFile(file, `a\r\n\nb😀\n${long}\nlast`);
      const runs: Array<{ first: number; lines: string[] }> = [];
      for await (const run of fileLines(file)) runs.push(run);
      const lines = runs.flatMap((r) => r.lines);
      expect(lines).toEqual(['a', '', 'b😀', long, 'last']);
      expect(runs.map((r) => r.first)).toEqual(runs.map((_, i) => 1 + runs.slice(0, i).reduce((n, r) => n + r.lines.length, 0)));
      await writeFile(file, '');
      for await (const run of fileLines(file)) expect(run).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
