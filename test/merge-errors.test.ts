import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { useFakeLlm } from './fake-llm/use.js';
import { runCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';

const llm = useFakeLlm({ log: false });
const quiet = ['--progress', 'none', '--no-html'];

describe('convotest merge of shards with errored conversations', () => {
  it('writes the merged record with the errors, exits 3 like run, and the gate sees them', async () => {
    const dir = await mkProject();
    const cli = (args: string[]) => runCli(args, { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'test-key' } });
    llm.setScript([{ reply: { text: 'It ships tomorrow.' } }]);
    expect((await cli(['run', ...quiet, '--out', 'runs/base.jsonl'])).code).toBe(0);

    // case-00003 fails past its retries on whichever shard holds it.
    llm.setFaults([{ kind: 'server_error', match: { lastUser: /case-00003\b/ } }]);
    const shards = await Promise.all([1, 2].map((i) => cli(['run', ...quiet, '--shard', `${i}/2`, '--out', `runs/shard-${i}.jsonl`])));
    expect(shards.map((s) => s.code).sort()).toEqual([0, 3]);

    const merged = await cli(['merge', 'runs/shard-1.jsonl', 'runs/shard-2.jsonl', '--out', 'runs/merged.jsonl']);
    expect(merged.code).toBe(3);
    expect(merged.stdout).toContain('1 of 8 conversations errored (failOnError tolerates none)');
    const run = await readRunAll(join(dir, 'runs/merged.jsonl'));
    expect(run.status).toBe('complete');
    expect(run.summaryLine?.errors).toBe(1);
    expect(run.results.find((r) => r.caseId === 'case-00003')?.error?.code).toMatch(/E_PROVIDER|HTTP_500/);

    const gate = await cli(['gate', '--baseline', 'runs/base.jsonl', '--candidate', 'runs/merged.jsonl', '--format', 'markdown', '--out', 'runs/gate.md']);
    expect(gate.code).toBe(1);
    expect(await readFile(join(dir, 'runs/gate.md'), 'utf8')).toMatch(/error/i);
  }, 120_000);
});

async function mkProject(): Promise<string> {
  return syntheticProject({ cases: 8, turns: 1, baseURL: llm.openaiBaseURL, extraConfig: 'cache: false\n' });
}
