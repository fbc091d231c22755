import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { PromptfooInstall } from '../scripts/promptfoo-install.js';
import { mapAssertion } from '../src/interop/promptfoo/assertions.js';
import { importPromptfoo } from '../src/interop/promptfoo/import.js';
import { listValues } from '../src/interop/promptfoo/text.js';
import { compileRegex } from '../src/core/regex.js';
import { type FakeLlmProcess, startFakeLlmProcess } from './fake-llm/process.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { promptfooEval, promptfooOrReason, promptfooRows } from './helpers/promptfoo.js';

const fixtures = join(repoRoot, 'test/fixtures/promptfoo');

async function scratch(fixture: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-import-'));
  await cp(join(fixtures, fixture), join(dir, 'pf'), { recursive: true });
  return dir;
}

describe('convotest import promptfoo', () => {
  it('maps every assertion of the example config or names it with why, writes graders, and the result validates', { timeout: 180_000 }, async () => {
    const dir = await scratch('import');
    const imported = await runCli(['import', 'promptfoo', 'pf/promptfooconfig.yaml', '--out', 'golden-sets/support.yaml'], { cwd: dir });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    // 4 tests × (2 default + own) assertions + 4 conversation turns × (2 default + own) = 44; 0 silent drops.
    expect(imported.stdout).toContain('imported 5 cases (7 turns) from 7 tests: 40 of 44 assertions mapped (8 as notes), 6 graders generated, 4 unmapped');
    const unmappedLines = imported.stdout.split('\n').filter((l) => l.startsWith('  '));
    expect(unmappedLines).toEqual([
      '  tests[2].assert[5]  similar: embedding similarity needs an embedding model; convotest has no embedding grader (case pf-support-3-order-status-as-json, turn 0)',
      '  tests[2].assert[6]  model-graded-closedqa: closed-QA judge: no convotest grader asks this question (use llm-rubric) (case pf-support-3-order-status-as-json, turn 0)',
      '  tests[2].assert[7]  contains: "transform" on the output cannot be applied by convotest graders (case pf-support-3-order-status-as-json, turn 0)',
      '  more-tests.yaml[3].assert[2]  python: python assertions cannot run inside convotest (Node.js) (case pf-support-5-coupon, turn 1)',
    ]);

    const validated = await runCli(['validate', 'golden-sets/support.yaml', '--graders', 'graders'], { cwd: dir });
    expect(validated.stdout).toBe('ok: 5 cases in 1 file\n');
    expect(validated.code).toBe(0);

    const golden = parse(await readFile(join(dir, 'golden-sets/support.yaml'), 'utf8')) as { cases: Array<Record<string, unknown> & { turns: Array<{ user: string; expect?: Record<string, unknown> }>; metadata: { promptfoo: Record<string, unknown> } }> };
    const byId = new Map(golden.cases.map((c) => [c.id as string, c]));
    const refund = byId.get('pf-support-1-refund-window')!;
    // Vars referring to vars are resolved, the chat prompt's system message is the case's system.
    expect(refund.turns[0]!.user).toBe('How many days do I have to return a kettle bought at Voltline?');
    expect(refund['system']).toBe('You are the support assistant of Voltline. Answer briefly.');
    expect(refund.turns[0]!.expect).toMatchObject({
      must_match: ['/30/', '/days/i', '/(?:refund|return)/', '/receipt/i', '/original packaging/i', '/\\b30\\s+days?\\b/', '/^Hi/'],
      must_not_match: ['/as an AI language model/i', '/\\b[Gg]uarantee/', '/lawyer/'],
      reference: 'Returns are accepted within 30 days with the receipt.',
      graders: ['accuracy', expect.stringMatching(/^pf-support-rubric-[0-9a-f]{8}$/)],
    });
    expect(refund.metadata.promptfoo['notes']).toEqual([
      expect.objectContaining({ at: 'tests[0].assert[1]', type: 'latency' }),
      expect.objectContaining({ at: 'tests[0].assert[12]', type: 'cost' }),
    ]);
    // _conversation tests chained by conversationId: two 2-turn cases, in file order.
    const address = byId.get('pf-support-4-address')!;
    expect(address.turns.map((t) => t.user)).toEqual(['I moved. Can you change my delivery address?', 'It is 12 Elm Street, Springfield.']);
    expect(byId.get('pf-support-5-coupon')!.metadata.promptfoo['unmapped']).toEqual([{ turn: 1, at: 'more-tests.yaml[3].assert[2]', type: 'python', reason: 'python assertions cannot run inside convotest (Node.js)' }]);

    const graders = parse(await readFile(join(dir, 'graders/pf-support.yaml'), 'utf8')) as { graders: Array<Record<string, unknown>> };
    expect(graders.graders.map((g) => g['kind']).sort()).toEqual(['custom', 'custom', 'custom', 'custom', 'judge', 'judge']);
  });

  it('reports a promptfoo config it cannot read with the file and field (exit 2)', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-import-bad-'));
    await writeFile(join(dir, 'promptfooconfig.yaml'), 'prompts: [hi]\ntests:\n  - vars: { q: 1 }\n    assert: [{ value: 3 }]\n');
    const result = await runCli(['import', 'promptfoo', 'promptfooconfig.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('convotest: promptfooconfig.yaml  tests[0].assert[0].type  required');
  });
});

describe('promptfoo tests → cases', () => {
  const options = { prefix: 'pf-t', configDirFromModules: '../..' };
  it('expands list vars and prompts as promptfoo does, and names what it does not use', () => {
    const result = importPromptfoo(
      {
        file: 'promptfooconfig.yaml',
        prompts: [
          { label: 'prompts[0]', template: 'Q: {{q}}' },
          { label: 'prompts[1]', template: '[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"{{q}}"}]' },
        ],
        tests: [
          { at: 'tests[0]', test: { vars: { q: ['a', 'b'] }, assert: [{ type: 'llm-rubric', value: 'ok', provider: 'openai:gpt-4o' }] } },
          { at: 'tests[1]', test: { vars: { q: 'c' }, options: { transform: 'output.trim()' }, assert: [{ type: 'contains', value: 'c' }] } },
        ],
        defaultTest: {},
        unread: [{ at: 'tests[2]', reason: 'tests from t.csv: only YAML/JSON test files are imported (CSV, JSONL and generators are not)' }],
      },
      options,
    );
    expect(result.golden.cases.map((c) => [c.id, c.turns?.[0]?.user, c.system])).toEqual([
      ['pf-t-1-p1', 'Q: a', undefined],
      ['pf-t-2-p1', 'Q: b', undefined],
      ['pf-t-3-p1', 'Q: c', undefined],
      ['pf-t-4-p2', 'a', 'Be brief.'],
      ['pf-t-5-p2', 'b', 'Be brief.'],
      ['pf-t-6-p2', 'c', 'Be brief.'],
    ]);
    expect(result.golden.cases[0]!.metadata!['promptfoo']).toMatchObject({ notes: [{ at: 'tests[0] (vars combination 1).assert[0]', type: 'llm-rubric', note: expect.stringContaining('provider: "openai:gpt-4o" not used') }] });
    expect(result.unmapped.map((u) => `${u.case ?? '-'} ${u.at}: ${u.reason}`)).toEqual([
      '- tests[2]: tests from t.csv: only YAML/JSON test files are imported (CSV, JSONL and generators are not)',
      "pf-t-3-p1 tests[1].assert[0]: the test's options.transform changes the output every assertion sees; convotest graders check the reply itself",
      'pf-t-4-p2 tests[0] (vars combination 1) prompt prompts[1]: 2 chat message(s) besides the system prompt and the last user message (few-shot examples) are not imported',
      'pf-t-5-p2 tests[0] (vars combination 2) prompt prompts[1]: 2 chat message(s) besides the system prompt and the last user message (few-shot examples) are not imported',
      "pf-t-6-p2 tests[1] prompt prompts[1]: 2 chat message(s) besides the system prompt and the last user message (few-shot examples) are not imported",
      "pf-t-6-p2 tests[1].assert[0]: the test's options.transform changes the output every assertion sees; convotest graders check the reply itself",
    ]);
    expect(result.stats).toEqual({ tests: 2, cases: 6, turns: 6, assertions: 6, mapped: 4, notes: 0 });
  });
});

describe('promptfoo assertion mapping', () => {
  const context = { at: 'tests[0].assert[0]', vars: { name: 'Ada' }, configDirFromModules: '../..', prefix: 'pf-x' };
  it.each([
    [{ type: 'equals', value: 'a.b' }, { kind: 'patterns', must_match: ['/^a\\.b$/'] }],
    [{ type: 'not-equals', value: 'x' }, { kind: 'patterns', must_not_match: ['/^x$/'] }],
    [{ type: 'contains', value: 42 }, { kind: 'patterns', must_match: ['/42/'] }],
    [{ type: 'icontains', value: 'Hi {{name}}' }, { kind: 'patterns', must_match: ['/Hi Ada/i'] }],
    [{ type: 'contains-any', value: '"a, b", c' }, { kind: 'patterns', must_match: ['/(?:a, b|c)/'] }],
    [{ type: 'not-contains-any', value: ['a', 'b'] }, { kind: 'patterns', must_not_match: ['/(?:a|b)/'] }],
    [{ type: 'contains-all', value: ['a', 'b'] }, { kind: 'patterns', must_match: ['/a/', '/b/'] }],
    [{ type: 'starts-with', value: '(x)' }, { kind: 'patterns', must_match: ['/^\\(x\\)/'] }],
    [{ type: 'regex', value: 'a/b' }, { kind: 'patterns', must_match: ['/a/b/'] }],
    [{ type: 'factuality', value: 'Paris is the capital.' }, { kind: 'reference', reference: 'Paris is the capital.' }],
    [{ type: 'latency', threshold: 500 }, { kind: 'note', note: expect.stringContaining('latency <= 500 ms') }],
    [{ type: 'contains', value: '' }, { kind: 'unmapped', reason: expect.stringContaining('empty value') }],
    [{ type: 'equals', value: { a: 1 } }, { kind: 'unmapped', reason: expect.stringContaining('JSON value') }],
    [{ type: 'regex', value: '(' }, { kind: 'unmapped', reason: expect.stringContaining('not a valid regular expression') }],
    [{ type: 'is-json', value: { type: 'object' } }, { kind: 'unmapped', reason: expect.stringContaining('JSON schema') }],
    [{ type: 'not-llm-rubric', value: 'x' }, { kind: 'unmapped', reason: expect.stringContaining('no convotest equivalent') }],
    [{ type: 'not-cost', threshold: 1 }, { kind: 'unmapped', reason: 'no convotest equivalent for promptfoo "not-cost"' }],
    [{ type: 'levenshtein', value: 'x' }, { kind: 'unmapped', reason: 'no edit-distance grader in convotest' }],
    [{ type: 'made-up', value: 'x' }, { kind: 'unmapped', reason: 'no convotest equivalent for promptfoo "made-up"' }],
  ])('%j → %j', (assertion, expected) => {
    expect(mapAssertion(assertion, context)).toEqual(expected);
  });

  it('not-contains-all fails only when every value is there', () => {
    const mapped = mapAssertion({ type: 'not-icontains-all', value: ['error', 'failed'] }, context);
    if (mapped.kind !== 'patterns') throw new Error(mapped.kind);
    const re = compileRegex(mapped.must_not_match![0]!);
    expect(['Error: it FAILED', 'failed with an error'].map((t) => re.test(t))).toEqual([true, true]);
    expect(['error only', 'failed only'].map((t) => re.test(t))).toEqual([false, false]);
  });

  it('llm-rubric becomes a judge rubric, javascript and is-json custom graders with a module', () => {
    const rubric = mapAssertion({ type: 'llm-rubric', value: 'Is polite to {{name}}' }, context);
    expect(rubric).toMatchObject({ kind: 'grader', perTurn: false, grader: { definition: { kind: 'judge', threshold: 1, criteria: [{ id: 'rubric', description: 'Is polite to Ada' }] } } });
    const js = mapAssertion({ type: 'javascript', value: 'file://checks/a.js:ok', threshold: 0.5 }, context);
    expect(js).toMatchObject({ kind: 'grader', perTurn: true, grader: { definition: { kind: 'custom', threshold: 1 } } });
    if (js.kind !== 'grader') throw new Error(js.kind);
    expect(js.grader.module!.text).toContain('import * as mod from "../../checks/a.js"');
    expect(js.grader.module!.text).toContain('const check = mod["ok"]');
    expect(js.grader.module!.text).toContain('{"label":"javascript","threshold":0.5}');
  });

  it('reads promptfoo list values as promptfoo does', () => {
    expect(listValues('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(listValues('"x, y", z')).toEqual(['x, y', 'z']);
    expect(listValues(['a', 2])).toEqual(['a', '2']);
    expect(listValues([{ a: 1 }])).toBeUndefined();
  });
});

const pf = promptfooOrReason();
const skip = typeof pf === 'string' ? pf : undefined;
if (skip) console.warn(`skipping the promptfoo import equivalence test: ${skip}`);

describe.skipIf(skip !== undefined)('imported checks pass and fail where promptfoo does', () => {
  let llm: FakeLlmProcess;
  let dir: string;
  let tests: Array<{ vars: { question: string; reply: string } }>;
  beforeAll(async () => {
    dir = await scratch('equivalence');
    const config = parse(await readFile(join(dir, 'pf/promptfooconfig.yaml'), 'utf8')) as { tests: typeof tests };
    tests = config.tests;
    // The fake answers each test's [tNN] question with that test's reply.
    const script = tests.map((t) => ({ name: /\[(t\d+)\]/.exec(t.vars.question)![1], match: { lastUser: t.vars.question.slice(0, 5) }, reply: { text: t.vars.reply } }));
    llm = await startFakeLlmProcess({ script });
    const provider = { id: 'openai:chat:gpt-4o-mini', config: { apiBaseUrl: llm.openaiBaseURL } };
    await writeFile(join(dir, 'pf/promptfooconfig.yaml'), stringify({ ...config, providers: [provider] }));
    await writeFile(
      join(dir, 'convotest.config.yaml'),
      `goldenSets: [golden-sets]\ngraders: [graders]\nagents:\n  bot: { kind: model, provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\ncache: false\nhtmlReport: false\n`,
    );
  });
  afterAll(async () => {
    await llm?.close();
  });

  it('each test passes in convotest exactly when it passes in promptfoo', { timeout: 300_000 }, async () => {
    const imported = await runCli(['import', 'promptfoo', 'pf/promptfooconfig.yaml', '--out', 'golden-sets/eq.yaml'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`${tests.length} of ${tests.length} assertions mapped`);
    const run = await runCli(['run', '--out', 'runs/run.jsonl'], { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'test-key' } });
    expect([0, 1], run.stderr).toContain(run.code);
    const ours = new Map<string, boolean>();
    for (const line of (await readFile(join(dir, 'runs/run.jsonl'), 'utf8')).split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { type: string; caseId: string; error?: unknown; grades: Array<{ pass: boolean | null; error?: unknown }> };
      if (r.type !== 'result') continue;
      expect(r.error).toBeUndefined();
      expect(r.grades.filter((g) => g.error)).toEqual([]);
      ours.set(r.caseId, r.grades.length > 0 && r.grades.every((g) => g.pass === true));
    }

    const evaluated = await promptfooEval(pf as PromptfooInstall, join(dir, 'pf'), { OPENAI_API_KEY: 'test-key' });
    expect([0, 100], evaluated.output).toContain(evaluated.code);
    const theirs = new Map<string, boolean>();
    for (const row of promptfooRows(JSON.parse(await readFile(join(dir, 'pf/results.json'), 'utf8')))) {
      theirs.set(`pf-eq-${row.testIdx + 1}`, row.success);
    }
    expect(theirs.size).toBe(tests.length);
    expect(Object.fromEntries([...ours].sort())).toEqual(Object.fromEntries([...theirs].sort()));
    // Both sides saw passes and failures.
    expect(new Set(theirs.values())).toEqual(new Set([true, false]));
  });
});
