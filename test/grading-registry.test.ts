import { describe, expect, it } from 'vitest';
import { builtinGraderKinds, canonicalHash, loadGraders } from '../src/grading/registry.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import { ROOT } from './grading-helpers.js';
import { ScriptedJudge } from './grading-scripted-judge.js';

const at = (definition: Record<string, unknown>, line = 3) => ({ file: 'graders/x.yaml', line, definition });

describe('loadGraders', () => {
  it('creates graders and run-header infos with a hash of the canonical definition', () => {
    const { graders, infos, problems } = loadGraders([at({ name: 'pii', kind: 'regex', must_not_match: ['@'] })], {});
    expect(problems).toEqual([]);
    expect(graders.map((g) => [g.name, g.kind, g.scope, g.threshold])).toEqual([['pii', 'regex', 'turn', 1]]);
    expect(infos).toEqual([
      {
        name: 'pii',
        kind: 'regex',
        scope: 'turn',
        threshold: 1,
        hash: canonicalHash({ must_not_match: ['@'], kind: 'regex', name: 'pii' }),
        source: 'graders/x.yaml:3',
      },
    ]);
    expect(infos[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the hash ignores key order and changes with any value', () => {
    expect(canonicalHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(canonicalHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
  });

  it('names an unknown kind, with the closest and the known ones', () => {
    const { problems, graders } = loadGraders([at({ name: 'x', kind: 'regx' })], {});
    expect(graders).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!).toMatchObject({ file: 'graders/x.yaml', line: 3, field: 'kind' });
    expect(problems[0]!.message).toContain('unknown grader kind "regx" (did you mean "regex"?)');
    for (const kind of Object.keys(builtinGraderKinds)) expect(problems[0]!.message).toContain(kind);
  });

  it('reports a misspelt option (strict options) with its field', () => {
    const { problems } = loadGraders([at({ name: 'x', kind: 'regex', must_not_mach: ['a'] })], {});
    expect(problems).toHaveLength(1);
    expect(problems[0]!).toMatchObject({ file: 'graders/x.yaml', field: 'must_not_mach' });
    expect(problems[0]!.message).toContain('did you mean "must_not_match"');
  });

  it('reports an invalid pattern and a bad threshold with their paths', () => {
    const { problems } = loadGraders(
      [at({ name: 'x', kind: 'regex', must_match: [{ pattern: '(unclosed' }] }), at({ name: 'y', kind: 'sentiment', threshold: 2 })],
      {},
    );
    expect(problems.map((p) => p.field)).toEqual(['must_match[0].pattern', 'threshold']);
  });

  it('reports duplicate names', () => {
    const { problems, graders } = loadGraders([at({ name: 'x', kind: 'fallback' }), at({ name: 'x', kind: 'fallback' }, 9)], {});
    expect(graders).toHaveLength(1);
    expect(problems[0]!.message).toContain('duplicate grader name "x"');
  });

  it('skips a judge kind with the reason when no judge is configured, and creates it when one is', () => {
    const def = at({ name: 'quality', kind: 'judge', criteria: [{ id: 'helpful', description: 'Helps' }] });
    const without = loadGraders([def], {});
    expect(without.graders).toEqual([]);
    expect(without.infos[0]!.skipped).toMatch(/judge/);
    const withJudge = loadGraders([def], { judge: new ScriptedJudge() });
    expect(withJudge.graders).toHaveLength(1);
    expect(withJudge.infos[0]!.skipped).toBeUndefined();
  });

  it('loads every definition shipped under graders/ without a problem', async () => {
    const files = await loadGraderFiles(['graders'], { cwd: ROOT });
    const mine = files.graders.filter((g) => !['judge', 'accuracy', 'hallucination', 'sentiment-judge'].includes(String(g.definition['kind'])));
    const { problems, graders } = loadGraders(mine, { cwd: ROOT });
    expect(problems).toEqual([]);
    expect(graders.map((g) => g.name)).toEqual(
      expect.arrayContaining(['pii-leak', 'forbidden-promises', 'escalation', 'fallback', 'resolution', 'turns-to-resolution', 'rules', 'grounding', 'sentiment']),
    );
  });
});

describe('custom kind', () => {
  const custom = (extra: Record<string, unknown>) =>
    loadGraders([{ file: 'test/x.yaml', definition: { name: 'c', kind: 'custom', module: 'fixtures/grading-custom-grader.ts', ...extra } }], {
      cwd: ROOT,
    }).graders[0]!;
  const input = {
    case: { id: 'c', tags: {}, knowledge: [], graders: [], source: { file: 'x' } },
    transcript: [
      { role: 'user' as const, content: 'hi' },
      { role: 'assistant' as const, content: 'Thank you!' },
      { role: 'assistant' as const, content: 'Bye' },
    ],
    variant: 'v',
    signal: new AbortController().signal,
  };

  it('loads the module relative to the definition file and computes pass itself', async () => {
    const grade = await custom({ threshold: 0.6 }).grade(input);
    expect(grade).toMatchObject({ kind: 'custom', score: 0.5, pass: false, label: '1/2', details: { replies: 2 } });
  });

  it('an invalid verdict or a missing export is an error grade, not a fail', async () => {
    expect(await custom({ export: 'broken' }).grade(input)).toMatchObject({ score: null, pass: null, error: { code: 'E_GRADER' } });
    const missing = await custom({ export: 'nope' }).grade(input);
    expect(missing).toMatchObject({ score: null, pass: null, error: { code: 'E_CONFIG' } });
    expect(missing.error!.message).toContain('does not export a function "nope"');
  });
});
