/**
 * Size of the judge prompts convotest sends, in tokens (o200k_base, message texts only; the
 * verdict JSON schema and per-message overhead are not counted), over the recorded transcripts
 * of the example golden set. Multiply by the judge's input price to budget a run.
 *
 *   npx tsx bench/judge-prompt-size.ts [golden-set files...]
 */
import { getEncoding } from 'js-tiktoken';
import { DEFAULT_HALLUCINATION_PROMPT, renderHallucinationPrompt } from '../src/grading/judge/hallucination-prompt.js';
import { RubricOptionsSchema } from '../src/grading/judge/rubric.js';
import { renderRubricPrompt } from '../src/grading/judge/rubric-prompt.js';
import { DEFAULT_RUBRIC_PROMPT } from '../src/grading/judge.js';
import { loadGoldenSets } from '../src/io/golden-sets.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import type { Message } from '../src/schema/message.js';

const enc = getEncoding('o200k_base');
const tokens = (messages: Message[]) => messages.reduce((a, m) => a + enc.encode(m.content ?? '').length, 0);
const stats = (a: number[]) =>
  `n=${a.length} mean=${Math.round(a.reduce((x, y) => x + y, 0) / a.length)} min=${Math.min(...a)} max=${Math.max(...a)}`;

const files = process.argv.slice(2);
const { cases } = await loadGoldenSets(files.length > 0 ? files : ['golden-sets/transcripts.yaml']);
const { graders } = await loadGraderFiles(['graders/support-quality.md']);
const rubric = RubricOptionsSchema.parse(graders[0]!.definition);
const quality: number[] = [];
const hallucination: number[] = [];
for (const c of cases) {
  const t = c.transcript;
  if (!t) continue;
  quality.push(tokens(renderRubricPrompt({ ...rubric, template: rubric.prompt ?? DEFAULT_RUBRIC_PROMPT }, c, t)));
  const assistant = [...t.keys()].filter((i) => t[i]!.role === 'assistant' && (t[i]!.content ?? '') !== '');
  hallucination.push(tokens(renderHallucinationPrompt(DEFAULT_HALLUCINATION_PROMPT, assistant, c, t)));
}
console.log(`support-quality prompt tokens: ${stats(quality)}`);
console.log(`hallucination prompt tokens:   ${stats(hallucination)}`);
