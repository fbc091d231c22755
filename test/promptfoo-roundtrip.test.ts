import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { PromptfooInstall } from '../scripts/promptfoo-install.js';
import { type FakeLlmProcess, startFakeLlmProcess } from './fake-llm/process.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { promptfooEval, promptfooOrReason, promptfooRows } from './helpers/promptfoo.js';

/**
 * Round trip with promptfoo itself: `convotest export promptfoo` → `promptfoo eval` against the
 * fake LLM server (its own process) → promptfoo's results.json, compared with a convotest run of
 * the same cases on the same server: the same pass/fail and the same score per case and grader.
 * promptfoo is installed into a scratch folder when missing (.ci/run does it before the tests);
 * the suite is skipped, with the reason, when it cannot be installed.
 */

const pf = promptfooOrReason();
const skip = typeof pf === 'string' ? pf : undefined;
if (skip) console.warn(`skipping the promptfoo round trip: ${skip}`);

const SCRIPT = [
  { name: 'judge', match: { judge: true }, reply: { structured: { criteria: { polite: { reasoning: 'Courteous throughout.', evidence: [], score: 5 } }, summary: 'Polite.' } } },
  { name: 'refund', match: { lastUser: 'refund' }, reply: { text: 'Refunds are accepted within 30 days with the receipt.' } },
  { name: 'greeting', match: { lastUser: 'hello' }, reply: { text: 'Hello there! How can I help?' } },
  { name: 'address-2', match: { lastUser: 'Elm' }, reply: { text: 'Done: your address is now 12 Elm Street.' } },
  { name: 'address-1', match: { lastUser: 'address' }, reply: { text: 'Sure, what is the new address?' } },
  { name: 'other', reply: { text: 'I can help with that.' } },
];

const GOLDEN = `cases:
  - id: refund-window
    turns:
      - user: How long do I have to ask for a refund?
        expect: { must_match: ['30 days'], must_not_match: ['(?i)guarantee'] }
  - id: greeting-fails
    turns:
      - user: hello!
        expect: { must_match: ['(?i)goodbye'] }
  - id: address-change
    system: You handle address changes only.
    expect: { graders: [polite] }
    turns:
      - user: I moved, please change my address.
        expect: { must_match: ['(?i)address'] }
      - user: It is 12 Elm Street.
        expect: { must_match: ['12 Elm Street'], must_not_match: ['(?i)sorry'] }
  - id: recorded-refund
    transcript:
      - { role: user, content: Can I get a refund? }
      - { role: assistant, content: No refunds after 30 days. }
    expect: { must_match: ['(?i)refund'], must_not_match: ['30 days'] }
`;

const POLITE = `name: polite
kind: judge
description: The agent is polite.
criteria:
  - id: polite
    description: The agent is polite and courteous.
`;

function config(baseURL: string): string {
  return `goldenSets: [golden-sets]
graders: [graders]
agents:
  bot:
    kind: model
    provider: openai
    model: gpt-4o-mini
    baseURL: ${baseURL}
    system: You are the support assistant of Voltline.
judge: { provider: openai, model: gpt-4o-mini, baseURL: ${baseURL} }
cache: false
htmlReport: false
outDir: runs
`;
}

interface Graded {
  pass: boolean;
  scores: Record<string, number>;
}

/** promptfoo's results.json → per convotest case: the assertion's pass and each grader's score. */
function promptfooGrades(results: unknown): Map<string, Graded> {
  const out = new Map<string, Graded>();
  for (const row of promptfooRows(results)) {
    const caseId = row.testCase.metadata?.['convotestCase'];
    const graded = row.gradingResult?.componentResults?.[0];
    if (typeof caseId !== 'string' || !graded) continue; // earlier turns of a conversation carry no assertion
    out.set(caseId, { pass: graded.pass, scores: graded.namedScores ?? {} });
  }
  return out;
}

/** A convotest run record → per case: all grades pass, and each grader's score. */
function convotestGrades(jsonl: string): Map<string, Graded> {
  const out = new Map<string, Graded>();
  for (const line of jsonl.split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { type: string; caseId?: string; grades?: Array<{ grader: string; score: number | null; pass: boolean | null }> };
    if (r.type !== 'result' || !r.caseId) continue;
    out.set(r.caseId, { pass: (r.grades ?? []).every((g) => g.pass === true), scores: Object.fromEntries((r.grades ?? []).map((g) => [g.grader, g.score ?? NaN])) });
  }
  return out;
}

describe('convotest export promptfoo without promptfoo', () => {
  it('names what it cannot export, and refuses a project without a model variant (exit 2)', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-export-'));
    await mkdir(join(dir, 'golden-sets'));
    await writeFile(join(dir, 'golden-sets/cases.yaml'), GOLDEN);
    await mkdir(join(dir, 'graders'));
    await writeFile(join(dir, 'graders/polite.yaml'), POLITE);
    const agents = (extra: string) => `goldenSets: [golden-sets]\ngraders: [graders]\nagents:\n  web: { kind: http, url: 'http://127.0.0.1:9/chat' }\n${extra}`;
    await writeFile(join(dir, 'convotest.config.yaml'), agents(''));
    const refused = await runCli(['export', 'promptfoo', '--out', 'pf/promptfooconfig.yaml'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe('convotest: convotest.config  agents  no model variant to export: replayed cases need one (agents with kind: model)');

    await writeFile(join(dir, 'convotest.config.yaml'), agents("  bot: { kind: model, provider: openai, model: gpt-4o-mini, tools: expected, params: { temperature: 0.2, maxTokens: 300 } }\n"));
    const exported = await runCli(['export', 'promptfoo', '--out', 'pf/promptfooconfig.yaml'], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(
      [
        'wrote pf/promptfooconfig.yaml: 1 providers, 4 cases as 5 tests (1 recorded)',
        '  not exported: variant web: a http agent has no promptfoo provider here (only model variants are exported)',
        "  not exported: variant bot tools: exported without tools: promptfoo tests cannot answer tool calls with the cases' scripted tool results",
        '',
      ].join('\n'),
    );
    const written = parse(await readFile(join(dir, 'pf/promptfooconfig.yaml'), 'utf8')) as { providers: unknown[]; tests: Array<{ assert?: Array<{ value: string; config: unknown }> }> };
    expect(written.providers).toEqual([{ id: 'openai:chat:gpt-4o-mini', label: 'bot', prompts: ['bot'], config: { temperature: 0.2, max_tokens: 300 } }]);
    // The assertion module is referenced from the promptfoo config's folder; the project is its parent.
    expect(written.tests[0]!.assert![0]).toMatchObject({ value: expect.stringMatching(/^file:\/\/.*dist\/interop\/promptfoo-assert\.js$/), config: { project: '..', case: 'refund-window' } });
  });
});

describe.skipIf(skip !== undefined)('promptfoo round trip (export → promptfoo eval → results)', () => {
  let llm: FakeLlmProcess;
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist/interop/promptfoo-assert.js'))) throw new Error('dist/ is missing: run `npm run build` (npm ci does) before this test');
    llm = await startFakeLlmProcess({ script: SCRIPT });
    dir = await mkdtemp(join(tmpdir(), 'pf-roundtrip-'));
    await mkdir(join(dir, 'golden-sets'));
    await mkdir(join(dir, 'graders'));
    await writeFile(join(dir, 'golden-sets/cases.yaml'), GOLDEN);
    await writeFile(join(dir, 'graders/polite.yaml'), POLITE);
    await writeFile(join(dir, 'convotest.config.yaml'), config(llm.openaiBaseURL));
  });
  afterAll(async () => {
    await llm?.close();
  });

  it('promptfoo grades the exported cases as a convotest run does', { timeout: 300_000 }, async () => {
    const env = { OPENAI_API_KEY: 'test-key' };
    const exported = await runCli(['export', 'promptfoo', '--out', 'promptfooconfig.yaml'], { cwd: dir, cleanEnv: true, env });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('wrote promptfooconfig.yaml: 1 providers, 4 cases as 5 tests (1 recorded)');

    const run = await runCli(['run', '--out', 'runs/run.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(run.stderr).not.toContain('Error');
    expect([0, 1], run.stdout + run.stderr).toContain(run.code);
    const ours = convotestGrades(await readFile(join(dir, 'runs/run.jsonl'), 'utf8'));

    expect(ours.size).toBe(4);
    await llm.reset();

    const evaluated = await promptfooEval(pf as PromptfooInstall, dir, { OPENAI_API_KEY: 'test-key' });
    // promptfoo exits 100 when a test fails (greeting-fails does).
    expect([0, 100], evaluated.output).toContain(evaluated.code);
    const theirs = promptfooGrades(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')));

    expect([...theirs.keys()].sort()).toEqual(['address-change', 'greeting-fails', 'recorded-refund', 'refund-window']);
    for (const [caseId, graded] of ours) expect(theirs.get(caseId), caseId).toEqual(graded);
    expect(theirs.get('greeting-fails')?.pass).toBe(false);
    expect(theirs.get('address-change')?.scores).toEqual({ rules: 1, polite: 1 });
    expect(theirs.get('recorded-refund')?.pass).toBe(false);
    // promptfoo called the model for the 4 replayed turns (not the recorded case), the second
    // address turn with the first turn's exchange before it, and the judge once.
    const sent = (await llm.requests()).map((r) => ({ rule: r.rule, messages: (r.body as { messages: Array<{ role: string; content: string }> }).messages }));
    expect(sent.filter((r) => r.rule !== 'judge').map((r) => r.rule).sort()).toEqual(['address-1', 'address-2', 'greeting', 'refund']);
    expect(sent.find((r) => r.rule === 'address-2')?.messages).toEqual([
      { role: 'system', content: 'You are the support assistant of Voltline.' },
      { role: 'user', content: 'I moved, please change my address.' },
      { role: 'assistant', content: 'Sure, what is the new address?' },
      { role: 'user', content: 'It is 12 Elm Street.' },
    ]);
    expect(sent.filter((r) => r.rule === 'judge')).toHaveLength(1);
  });
});
