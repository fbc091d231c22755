import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { accuracyKind } from '../src/grading/accuracy.js';
import type { GraderKind } from '../src/grading/grader.js';
import { hallucinationKind } from '../src/grading/hallucination.js';
import { judgeKind } from '../src/grading/judge.js';
import { sentimentJudgeKind } from '../src/grading/sentiment-judge.js';
import { loadGraders } from '../src/grading/registry.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import { bodyOf, input, judgeModel, makeCase } from './judge-fixtures.js';
import { useFakeLlm } from './fake-llm/use.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kinds: Record<string, GraderKind> = {
  judge: judgeKind,
  accuracy: accuracyKind,
  hallucination: hallucinationKind,
  'sentiment-judge': sentimentJudgeKind,
};

const llm = useFakeLlm();

describe('the judge grader files under graders/', () => {
  it.each([
    ['graders/support-quality.md', 'support-quality', 0.7],
    ['graders/accuracy.yaml', 'accuracy', 0.7],
    ['graders/hallucination.yaml', 'hallucination', 0.9],
    ['graders/sentiment-judge.yaml', 'sentiment-judge', 0.4],
  ])('%s parses with its kind and creates a grader', async (file, name, threshold) => {
    const { graders, problems } = await loadGraderFiles([file], { cwd: root });
    expect(problems).toEqual([]);
    const def = graders[0]!.definition;
    const kind = kinds[String(def['kind'])]!;
    const options = kind.options.safeParse(def);
    expect(options.error?.issues ?? []).toEqual([]);
    const grader = kind.create(options.data as never, { judge: judgeModel(llm, 'openai'), baseDir: path.join(root, 'graders') });
    expect(grader).toMatchObject({ name, threshold, scope: 'conversation' });
  });

  it('support-quality renders its body as the prompt, with the examples and the case description', async () => {
    const { graders } = await loadGraderFiles(['graders/support-quality.md'], { cwd: root });
    const grader = judgeKind.create(judgeKind.options.parse(graders[0]!.definition), { judge: judgeModel(llm, 'openai'), baseDir: root });
    llm.reset();
    const grade = await grader.grade(input(makeCase({ description: 'Explain the refund timeline.' })));
    // The fake server answers an unscripted structured request with a minimal valid object (scores at the max).
    expect(grade.error).toBeUndefined();
    expect(grade.score).toBe(1);
    const messages = bodyOf(llm, 0)['messages'] as { content: string }[];
    const prompt = messages.at(-1)!.content;
    expect(prompt).toContain('## Calibration examples\n<example index="1">');
    expect(prompt).toContain('<case_description>\nExplain the refund timeline.\n</case_description>');
    expect(prompt).toContain('- correctness (weight 2): Every fact');
    expect(prompt).toContain('- 3: acceptable with clear gaps');
    expect(prompt).toContain('Grade every criterion in one answer: empathy, correctness, resolution, tone, policy.');
  });

  it('a promptFile is read relative to the definition, front matter skipped', () => {
    const grader = judgeKind.create(
      judgeKind.options.parse({ name: 'q', kind: 'judge', criteria: [{ id: 'a', description: 'x' }], promptFile: 'support-quality.md' }),
      { baseDir: path.join(root, 'graders') },
    );
    expect(grader.name).toBe('q');
    expect(() =>
      judgeKind.create(judgeKind.options.parse({ name: 'q', kind: 'judge', criteria: [{ id: 'a', description: 'x' }], promptFile: 'nope.md' }), {
        baseDir: root,
      }),
    ).toThrow(/cannot read promptFile/);
  });

  it('load through the registry: created with a judge, skipped with the reason without one', async () => {
    const files = ['graders/support-quality.md', 'graders/accuracy.yaml', 'graders/hallucination.yaml', 'graders/sentiment-judge.yaml'];
    const { graders: defs } = await loadGraderFiles(files, { cwd: root });
    const with_ = loadGraders(defs, { kinds, cwd: root, judge: judgeModel(llm, 'anthropic') });
    expect(with_.problems).toEqual([]);
    expect(with_.graders.map((g) => g.name).sort()).toEqual(['accuracy', 'hallucination', 'sentiment-judge', 'support-quality']);
    const without = loadGraders(defs, { kinds, cwd: root });
    expect(without.graders).toEqual([]);
    expect(without.infos.every((i) => i.skipped !== undefined)).toBe(true);
  });
});
