import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { runCli } from './helpers/cli.js';
import { customerRule } from './fake-llm/customer.js';
import { useFakeLlm } from './fake-llm/use.js';

/** `npm run demo` is `convotest run --config convotest.config.ts`: the project's own config and golden set. */
const demo = (out: string) => ['run', '--config', 'convotest.config.ts', '--no-cache', '--no-html', '--progress', 'none', '--out', out];

const llm = useFakeLlm({ log: false });

describe('the demo', () => {
  it('runs the baseline without any key and lists the model variants, judge graders and simulated customers as skipped', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'convotest-demo-')), 'demo.jsonl');
    const result = await runCli(demo(out), { cleanEnv: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^baseline\s+73\s/m);
    expect(result.stdout).toMatch(/^recorded\s+17\s/m);
    for (const line of [
      'skipped variant gpt-concise: OPENAI_API_KEY is not set',
      'skipped variant claude-concise: ANTHROPIC_API_KEY is not set',
      'skipped grader support-quality: needs a judge model: OPENAI_API_KEY is not set',
      'skipped 12 simulated-customer cases (sim-refund-damaged-kettle, sim-order-status-terse, sim-cancel-order-es, sim-password-reset-de, sim-double-charge-fr, sim-angry-third-missing-delivery, sim-business-laptops-lead, sim-address-change-pt, sim-warranty-headphones-de, sim-return-wrong-size-es … +2): OPENAI_API_KEY is not set',
    ]) {
      // A warning, printed once (on stderr), not repeated in the summary.
      expect(result.stderr.split(`warning: ${line}\n`)).toHaveLength(2);
      expect(result.stdout).not.toContain(line);
    }
    expect(result.stdout).toContain(`run complete: ${out}`);
    const run = await readRunAll(out);
    expect(run.status).toBe('complete');
    expect(run.results).toHaveLength(90);
    expect(run.header.simulator).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', skipped: 'OPENAI_API_KEY is not set' });
    expect(run.header.simulator?.skippedCases).toHaveLength(12);
  }, 120_000);

  it('runs every variant, the judge graders and the simulated customers end to end over HTTP when the base URLs point at a server', async () => {
    llm.reset();
    // The simulator's requests get a scripted customer: it opens, reads one answer, thanks and stops.
    llm.setScript([customerRule([{ opening: 'Hello, I need help with my order.', otherwise: 'Thank you, that answers it. ###STOP###' }])]);
    const out = join(await mkdtemp(join(tmpdir(), 'convotest-demo-')), 'demo.jsonl');
    const result = await runCli(demo(out), {
      cleanEnv: true,
      env: {
        OPENAI_API_KEY: 'dummy-openai',
        ANTHROPIC_API_KEY: 'dummy-anthropic',
        OPENAI_BASE_URL: llm.openaiBaseURL,
        ANTHROPIC_BASE_URL: llm.anthropicBaseURL,
      },
    });
    expect(result.stderr).not.toMatch(/skipped/);
    expect(result.stderr).not.toContain('MaxListenersExceededWarning');
    expect(result.code).toBe(0);
    const run = await readRunAll(out);
    const variants = new Set(run.results.map((r) => r.variant));
    expect([...variants].sort()).toEqual(['baseline', 'claude-concise', 'gpt-concise', 'gpt-detailed', 'recorded']);
    expect(run.results.filter((r) => r.error)).toEqual([]);
    const graded = new Set(run.results.flatMap((r) => r.grades.filter((g) => !g.error).map((g) => g.grader)));
    for (const name of ['support-quality', 'hallucination', 'accuracy', 'grounding', 'pii-leak', 'escalation']) expect(graded).toContain(name);
    const claude = run.results.find((r) => r.variant === 'claude-concise')!;
    expect(claude.usage.input).toBeGreaterThan(0);
    expect(claude.judgeUsage.input).toBeGreaterThan(0);
    expect(llm.counts.byProvider.openai).toBeGreaterThan(0);
    expect(llm.counts.byProvider.anthropic).toBeGreaterThan(0);
    const simulated = run.results.filter((r) => r.mode === 'simulated');
    expect(simulated).toHaveLength(12 * 4);
    // The customer stops after one answer; the baseline hands over when no passage matches (the escalation ends it).
    const ends = (variant: string) => [...new Set(simulated.filter((r) => r.variant === variant).map((r) => r.simulation?.endReason))].sort();
    for (const variant of ['claude-concise', 'gpt-concise', 'gpt-detailed']) expect(ends(variant)).toEqual(['stop']);
    expect(ends('baseline')).toEqual(['escalation', 'stop']);
    expect(simulated.every((r) => r.simulation?.turns === 1)).toBe(true);
    const stopped = simulated.filter((r) => r.simulation?.endReason === 'stop');
    expect(stopped.every((r) => r.transcript.at(-1)?.content === 'Thank you, that answers it.' && r.transcript.at(-1)?.simulated)).toBe(true);
    // One simulator call per opening (9 cases have no first_message) and one per stop.
    expect(llm.counts.byRule['customer']).toBe(9 * 4 + stopped.length);
    expect(result.stdout).toMatch(/simulator cost/);
  }, 420_000);
});
