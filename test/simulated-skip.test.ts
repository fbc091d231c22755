import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { runCli } from './helpers/cli.js';
import { simulatedProject } from './helpers/simulated.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({}, { resetEach: true });

const golden = `cases:
  - id: sim-refund
    tags: { intent: refund }
    user: { goal: Get a refund for order VL-1., max_turns: 4 }
  - id: sim-address
    tags: { intent: address }
    user: { goal: Change the delivery address of order VL-2., first_message: I need to change my address., max_turns: 6 }
  - id: scripted
    tags: { intent: refund }
    turns: [{ user: I want a refund. }]
`;

describe('simulated-customer cases without a simulator', () => {
  it('are left out and listed as skipped with the reason; the rest runs (exit 0)', async () => {
    llm.setScript([{ reply: { text: 'Sure.' } }]);
    const dir = await simulatedProject({ golden, baseURL: llm.openaiBaseURL, simulator: false });
    const out = join(dir, 'runs/r.jsonl');
    const result = await runCli(['run', '--progress', 'none', '--no-cache', '--out', out], { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'k' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'warning: skipped 2 simulated-customer cases (sim-refund, sim-address): no simulator is configured (add simulator: { provider, model } to the config)\n',
    );
    const run = await readRunAll(out);
    expect(run.results.map((r) => r.caseId)).toEqual(['scripted']);
    expect(run.header.simulator).toEqual({ skipped: 'no simulator is configured (add simulator: { provider, model } to the config)', skippedCases: ['sim-refund', 'sim-address'] });
  }, 60_000);

  it('whose API key is not set are a configuration error in CI (exit 2) unless --allow-skip', async () => {
    llm.setScript([{ reply: { text: 'Sure.' } }]);
    const dir = await simulatedProject({ golden, baseURL: llm.openaiBaseURL });
    // The simulator reads another key than the variant.
    const config = join(dir, 'convotest.config.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace('  seed: 7\n', '  seed: 7\n  apiKeyEnv: SIMULATOR_KEY\n'));
    const ci = await runCli(['run', '--progress', 'none', '--no-cache'], { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'k', CI: 'true' } });
    expect(ci.code).toBe(2);
    expect(ci.stderr).toBe(
      'convotest: CI is set and simulated-customer cases cannot run: 2 simulated-customer cases (sim-refund, sim-address): SIMULATOR_KEY is not set; set what is missing, or allow skipping with --allow-skip (or allowSkip: true in the config)\n',
    );
    const allowed = await runCli(['run', '--progress', 'none', '--no-cache', '--allow-skip', '--out', join(dir, 'runs/a.jsonl')], { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'k', CI: 'true' } });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('warning: skipped 2 simulated-customer cases (sim-refund, sim-address): SIMULATOR_KEY is not set');
  }, 60_000);
});

describe('--dry-run', () => {
  it('bounds the simulated conversations by max_turns and prices the simulator apart', async () => {
    const dir = await simulatedProject({ golden, baseURL: llm.openaiBaseURL });
    const result = await runCli(['run', '--dry-run'], { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'k' } });
    expect(result.code).toBe(0);
    expect(llm.counts.requests).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('dry run: 3 conversations planned; nothing was called');
    // Agent calls: 1 scripted turn + at most 4 + 6 simulated ones; simulator: at most 4 + 5 (the address case opens itself).
    expect(lines.find((l) => l.startsWith('bot '))).toMatch(/^bot\s+gpt-4o-mini\s+3\s+11\s+[\d,]+ – [\d,]+\s+\$\d\.\d{4} – \$\d\.\d{4}$/);
    expect(lines.find((l) => l.startsWith('(simulator)'))).toMatch(/^\(simulator\)\s+gpt-4o-mini\s+≤ 9\s+[\d,]+ – [\d,]+\s+\$\d\.\d{4} – \$\d\.\d{4}$/);
    expect(result.stdout).toContain('simulated customers are counted from one customer message up to max_turns');
  }, 60_000);
});
