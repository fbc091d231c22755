import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunWriter } from '../src/io/run-writer.js';
import { readRunAll } from '../src/io/run-reader.js';
import { spawnCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';
import { syntheticHeader, syntheticResult } from './helpers/synthetic-run.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({ log: false, latencyMs: 20 });

describe('results written together in one turn of the event loop', () => {
  it('a run killed (SIGKILL) just after it reported k conversations finished has at least k results on disk', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'Noted.' } }]);
    const cases = 60;
    const dir = await syntheticProject({ cases, turns: 1, baseURL: llm.openaiBaseURL, extraConfig: 'concurrency: { agent: 8, judge: 8 }\n' });
    const out = join(dir, 'runs/r.jsonl');
    // Plain progress lines ("k/60 · …") are printed after a result is counted: the moment a
    // finished result must already be on disk.
    const child = spawnCli(['run', '--no-cache', '--progress', 'lines', '--out', out], { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'test-key' } });
    const reported = await new Promise<number>((resolve) => {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const counts = [...stderr.matchAll(/^(\d+)\/60 /gm)].map((m) => Number(m[1]));
        const last = counts.at(-1) ?? 0;
        if (last >= 12) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.once('exit', () => resolve(-1));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    expect(reported).toBeGreaterThanOrEqual(12);
    const killed = await readRunAll(out);
    expect(killed.status).toBe('incomplete');
    expect(killed.results.length).toBeGreaterThanOrEqual(reported);
    expect(new Set(killed.results.map((r) => r.caseId)).size).toBe(killed.results.length);
  }, 120_000);

  it('a discarded record writes none of the lines still waiting and rejects their promises', async () => {
    const options = { cases: 3, variants: ['baseline'] };
    const path = join(await mkdtemp(join(tmpdir(), 'convotest-kill-')), 'out.jsonl');
    const writer = await createRunWriter(path, syntheticHeader(options));
    const pending = writer.writeResult(syntheticResult(options, 0, 'baseline'));
    const discarded = writer.discard();
    await expect(pending).rejects.toThrow(/discarded/);
    await discarded;
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
