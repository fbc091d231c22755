import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/analytics/store/open.js';
import { syntheticTraffic } from '../src/analytics/synthetic.js';
import { writeJsonl } from '../src/analytics/jsonl-file.js';
import { runCli, spawnCli } from './helpers/cli.js';

const size = (file: string) => stat(file).then((s) => s.size, () => 0);
const count = async (file: string) => {
  const store = await openStore(file);
  try {
    return Number((await store.all('SELECT COUNT(*) AS n FROM chat_events'))[0]!['n']);
  } finally {
    await store.close();
  }
};

describe('an ingest killed while DuckDB loads a file leaves nothing of it', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convotest-crash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGKILL once the database file grows with the second file\'s rows: only the first ingest is stored, and the store still ingests', async () => {
    const store = join(dir, 'events.duckdb');
    const first = join(dir, 'first.jsonl');
    const big = join(dir, 'big.jsonl');
    const firstCount = await writeJsonl(first, syntheticTraffic({ seed: 1, sessions: 200, days: 3 }));
    const bigCount = await writeJsonl(big, syntheticTraffic({ seed: 2, sessions: 25_000, days: 14 }));
    expect(await runCli(['analytics', 'ingest', first, '--store', store], { cleanEnv: true })).toMatchObject({ code: 0 });
    const before = await size(store);

    // DuckDB writes the rows of a large insert to the file before the transaction commits.
    const child = spawnCli(['analytics', 'ingest', big, '--store', store], { cleanEnv: true });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let killed = false;
    while (child.exitCode === null && !killed) {
      if ((await size(store)) > before + (2 << 20)) killed = child.kill('SIGKILL');
      else await new Promise((r) => setTimeout(r, 10));
    }
    await exited;
    expect(killed, 'the ingest finished before its rows reached the file: nothing was killed').toBe(true);

    expect(await count(store)).toBe(firstCount);
    expect(await runCli(['analytics', 'ingest', first, big, '--store', store], { cleanEnv: true })).toMatchObject({ code: 0 });
    expect(await count(store)).toBe(firstCount + bigCount);
  }, 180_000);
});
