import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from './fake-llm/server.js';
import { runCli } from './helpers/cli.js';

/** End to end: `convotest run` grades a recorded transcript with the judge graders over the fake LLM. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let llm: FakeLlm;
let dir: string;

beforeAll(async () => {
  llm = await startFakeLlm();
  dir = await mkdtemp(path.join(tmpdir(), 'convotest-judge-run-'));
  await writeFile(
    path.join(dir, 'golden.yaml'),
    `cases:
  - id: refund-recorded
    tags: { intent: refund }
    knowledge:
      - { id: refunds, content: Refunds are paid within 14 days. The restocking fee is $15. }
    transcript:
      - { role: user, content: How long do refunds take? }
      - { role: assistant, content: Refunds are paid within 14 days; the restocking fee is $15. }
    expect:
      reference: Refunds take 14 days and there is a $15 restocking fee.
`,
  );
  await writeFile(
    path.join(dir, 'convotest.config.yaml'),
    `goldenSets: [golden.yaml]
graders: [${path.join(root, 'graders/support-quality.md')}, ${path.join(root, 'graders/accuracy.yaml')}]
defaultGraders: [support-quality, accuracy]
agents:
  baseline: { kind: baseline }
judge: { provider: openai, model: judge-model, temperature: 0, seed: 3 }
pricing:
  judge-model: { input: 1, output: 2 }
outDir: runs
htmlReport: false
`,
  );
});
afterAll(async () => {
  await llm.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string>) => runCli(args, { env });

describe('convotest run with judge graders', () => {
  it('records each judge grade with its usage, priced as judge cost, and the judge settings', async () => {
    const out = path.join(dir, 'run.jsonl');
    const r = await run(['run', '-c', path.join(dir, 'convotest.config.yaml'), '-o', out, '--no-cache'], {
      OPENAI_API_KEY: 'test-key-judge-run',
      OPENAI_BASE_URL: llm.openaiBaseURL,
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!['judge']).toEqual({ provider: 'openai', model: 'judge-model', temperature: 0, seed: 3 });
    const result = lines.find((l) => l['type'] === 'result') as {
      grades: { grader: string; score: number; pass: boolean; usage: { input: number; output: number }; costUsd: number; details: Record<string, unknown> }[];
      judgeUsage: { input: number; output: number };
      judgeCostUsd: number;
      usage: { input: number };
    };
    expect(result.grades.map((g) => g.grader).sort()).toEqual(['accuracy', 'support-quality']);
    for (const g of result.grades) {
      expect(g.usage.input).toBeGreaterThan(0);
      expect(g.costUsd).toBeCloseTo((g.usage.input * 1 + g.usage.output * 2) / 1e6, 12);
      expect(g.details['judge']).toEqual({ provider: 'openai', model: 'judge-model', temperature: 0, seed: 3, samples: 1 });
    }
    const sum = result.grades.reduce((a, g) => a + g.usage.input, 0);
    expect(result.judgeUsage.input).toBe(sum);
    expect(result.usage.input).toBe(0);
    expect(result.judgeCostUsd).toBeCloseTo(result.grades.reduce((a, g) => a + g.costUsd, 0), 12);
    // One structured call per judge grader for the conversation.
    const bodies = llm.requests.map((q) => q.body as { response_format?: { type: string; json_schema: { name: string } }; seed?: number });
    expect(bodies.map((b) => b.response_format?.json_schema.name).sort()).toEqual(['accuracy_verdict', 'rubric_verdict']);
    expect(bodies.every((b) => b.seed === 3)).toBe(true);
  });

  it('prices judge answers that could not be parsed: every attempt is paid for, never $0', async () => {
    llm.reset();
    llm.setScript([{ reply: { text: 'I would say it is great!' }, usage: { input: 1000, output: 20 } }]);
    const out = path.join(dir, 'run-unparsable.jsonl');
    const r = await run(['run', '-c', path.join(dir, 'convotest.config.yaml'), '-o', out, '--no-cache'], {
      OPENAI_API_KEY: 'test-key-judge-run',
      OPENAI_BASE_URL: llm.openaiBaseURL,
    });
    expect(r.stderr).not.toMatch(/Error/);
    const result = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['type'] === 'result') as {
      grades: { grader: string; error?: { code: string }; usage: { input: number; output: number }; costUsd: number }[];
      judgeUsage: { input: number; output: number };
      judgeCostUsd: number;
    };
    // Two graders, each asked once and repaired once: four paid calls, four unusable answers.
    expect(llm.requests).toHaveLength(4);
    for (const g of result.grades) {
      expect(g.error?.code).toBe('E_JUDGE_PARSE');
      expect(g.usage).toMatchObject({ input: 2000, output: 40 });
      expect(g.costUsd).toBeCloseTo((2000 * 1 + 40 * 2) / 1e6, 12);
    }
    expect(result.judgeUsage).toMatchObject({ input: 4000, output: 80 });
    expect(result.judgeCostUsd).toBeCloseTo((4000 * 1 + 80 * 2) / 1e6, 12);
  });
});
