import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Grader } from '../src/grading/grader.js';
import { loadGraders } from '../src/grading/registry.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import type { Grade } from '../src/schema/grade.js';
import type { ResolvedCase } from '../src/schema/golden-set.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';

/** Shared helpers of the deterministic grader tests. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function testCase(extra: Partial<ResolvedCase> = {}): ResolvedCase {
  return { id: 't', tags: {}, knowledge: [], graders: [], source: { file: 'golden-sets/t.yaml' }, transcript: [], ...extra };
}

/** A grader from an inline definition (fails the test on any problem). */
export function graderOf(definition: Record<string, unknown>): Grader {
  const { graders, problems } = loadGraders([{ file: 'graders/inline.yaml', definition }], { cwd: ROOT });
  expect(problems).toEqual([]);
  return graders[0]!;
}

/** A grader from the project's graders/ folder, by name. */
export async function shippedGrader(name: string): Promise<Grader> {
  const files = await loadGraderFiles(['graders'], { cwd: ROOT });
  const { graders, problems } = loadGraders(
    files.graders.filter((g) => g.definition['name'] === name),
    { cwd: ROOT },
  );
  expect(problems).toEqual([]);
  expect(graders).toHaveLength(1);
  return graders[0]!;
}

/** A conversation from alternating user/assistant texts (user first). */
export function chat(...texts: string[]): TranscriptMessage[] {
  return texts.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content }));
}

export function run(grader: Grader, transcript: TranscriptMessage[], c: ResolvedCase = testCase()): Promise<Grade> {
  return grader.grade({ case: c, transcript, variant: 'v', signal: new AbortController().signal });
}
