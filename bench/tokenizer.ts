/**
 * Token counting speed on hostile and ordinary 1 MB turns: `npx tsx bench/tokenizer.ts`.
 * One long word used to cost quadratic time in the BPE merge (20,000 letters: 30 s); the
 * tokenizer now extrapolates runs past LONG_RUN characters, so every line should print well
 * under a second. Prose is counted exactly and is the slowest line (js-tiktoken's own speed).
 */
import { countTokens, estimateUsage, LONG_RUN } from '../src/models/tokenizer.js';

const MB = 1_000_000;
const turns: Array<[string, string]> = [
  ['one 1 MB word', 'a'.repeat(MB)],
  ['1 MB of CJK, no spaces', '退款将在十四天内到账'.repeat(MB / 10)],
  ['1 MB of emoji', '😀'.repeat(MB / 2)],
  ['1 MB of punctuation', '!?'.repeat(MB / 2)],
  ['1 MB of spaces', `${' '.repeat(MB)}x`],
  ['1 MB of base64-like text', Array.from({ length: MB }, (_, i) => 'Ab3+/x9Q'[(i * 7919) % 8]).join('')],
  ['1 MB of prose', 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(MB / 45)).slice(0, MB)],
];

countTokens('warm up: builds the encoder');
console.log(`LONG_RUN = ${LONG_RUN} characters`);
for (const [name, text] of turns) {
  const started = performance.now();
  const usage = estimateUsage([{ content: text }], '');
  const ms = performance.now() - started;
  console.log(`${name.padEnd(28)} ${String(usage.input).padStart(9)} tokens  ${ms.toFixed(0).padStart(6)} ms`);
}
