/**
 * CPU per conversation of the shipped graders that match patterns (regex packs, phrase lexicons,
 * markers), which every user pattern now runs with a bound (src/core/regex.ts, src/io/regex.ts).
 * Grades one 4-message support conversation `--n` times per grader (after a warm-up) and prints
 * milliseconds per conversation.
 *
 *   npx tsx bench/pattern-graders.ts --n 300
 */
import { parseArgs } from 'node:util';
import { loadGraders } from '../src/grading/registry.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import type { ResolvedCase } from '../src/schema/golden-set.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '300' } } });
const n = Number(values.n);
const files = await loadGraderFiles(['graders'], { cwd: process.cwd() });
const { graders } = loadGraders(files.graders, { cwd: process.cwd() });
const texts = [
  'Hi, my order #12345 has not arrived and I want a refund.',
  'I am sorry to hear that. I have issued a refund of $25.00 to your card ending 4242; it should arrive in 5 business days. Is there anything else?',
  'No thanks, that is all.',
  'You are welcome, have a great day!',
];
const transcript: TranscriptMessage[] = texts.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content }));
const testCase: ResolvedCase = { id: 'bench', tags: {}, knowledge: [], graders: [], source: { file: 'bench' }, transcript: [] };
for (const grader of graders) {
  if (!['regex', 'rules', 'escalation', 'fallback', 'resolution', 'turns-to-resolution', 'sentiment'].includes(grader.kind)) continue;
  const grade = () => grader.grade({ case: testCase, transcript, variant: 'v', signal: new AbortController().signal });
  for (let i = 0; i < 20; i++) await grade();
  const start = performance.now();
  for (let i = 0; i < n; i++) await grade();
  console.log(`${grader.name.padEnd(22)} ${((performance.now() - start) / n).toFixed(3)} ms per conversation`);
}
