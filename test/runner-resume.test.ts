import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({ log: false, latencyMs: 60 });

const env = { OPENAI_API_KEY: 'test-key' };

async function resultLines(path: string): Promise<number> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((l) => l.includes('"type":"result"')).length;
  } catch {
    return 0;
  }
}

describe('Ctrl-C', () => {
  it('stops starting cases, keeps what finished, and marks the record interrupted (exit 3)', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'Noted.' } }]);
    const dir = await syntheticProject({ cases: 60, turns: 2, baseURL: llm.openaiBaseURL, extraConfig: 'concurrency: { agent: 2, judge: 2 }\n' });
    const out = join(dir, 'runs/r.jsonl');
    const child = spawnCli(['run', '--no-cache', '--progress', 'none', '--out', out], { cwd: dir, cleanEnv: true, env });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const deadline = Date.now() + 60_000;
    while ((await resultLines(out)) < 5 && Date.now() < deadline) await sleep(20);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(3);
    expect(stderr).toContain('interrupted');
    const run = await readRunAll(out);
    expect(run.status).toBe('interrupted');
    expect(run.results.length).toBeGreaterThanOrEqual(5);
    expect(run.results.length).toBeLessThan(60);
    expect(run.results.every((r) => !r.error)).toBe(true);
  }, 120_000);
});

describe('--resume after a SIGKILL', () => {
  it('ends with every case exactly once and calls only what was not finished', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'Noted.' } }]);
    const cases = 40;
    const turns = 2;
    const dir = await syntheticProject({ cases, turns, baseURL: llm.openaiBaseURL, extraConfig: 'concurrency: { agent: 4, judge: 4 }\n' });
    const first = join(dir, 'runs/first.jsonl');

    const child = spawnCli(['run', '--no-cache', '--progress', 'none', '--out', first], { cwd: dir, cleanEnv: true, env });
    const deadline = Date.now() + 60_000;
    while ((await resultLines(first)) < cases / 2 && Date.now() < deadline) await sleep(20);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const killed = await readRunAll(first);
    expect(killed.status).toBe('incomplete');
    const finished = new Set(killed.results.map((r) => r.caseId));
    expect(finished.size).toBeGreaterThanOrEqual(cases / 2);
    expect(finished.size).toBeLessThan(cases);

    llm.reset();
    const second = join(dir, 'runs/second.jsonl');
    const resumed = await runCli(['run', '--no-cache', '--progress', 'none', '--resume', first, '--out', second], { cwd: dir, cleanEnv: true, env });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);

    const run = await readRunAll(second);
    expect(run.status).toBe('complete');
    expect(run.header.resumedFrom).toBe(killed.header.runId);
    const ids = run.results.map((r) => r.caseId);
    expect(ids).toHaveLength(cases);
    expect(new Set(ids).size).toBe(cases);
    // Exactly the unfinished conversations were called again, each turn once.
    expect(llm.counts.requests).toBe((cases - finished.size) * turns);
    // Finished results were carried over unchanged.
    const carried = run.results.filter((r) => finished.has(r.caseId));
    expect(carried.map((r) => r.transcriptHash).sort()).toEqual(killed.results.map((r) => r.transcriptHash).sort());
  }, 120_000);
});
