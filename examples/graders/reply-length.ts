// A custom grader (kind: custom): chat replies should be short enough to read on a phone.
// Score = share of assistant replies at most `maxWords` words long; the longest reply is the evidence.
import type { GradeInput } from '../../src/grading/grader.js';

export default function replyLength(input: GradeInput, context: { options: Record<string, unknown> }) {
  const maxWords = typeof context.options['maxWords'] === 'number' ? context.options['maxWords'] : 120;
  const replies = input.transcript
    .map((m, turn) => ({ turn, text: m.role === 'assistant' ? (m.content ?? '') : '' }))
    .filter((r) => r.text.trim() !== '');
  const words = (text: string) => text.trim().split(/\s+/).length;
  const long = replies.filter((r) => words(r.text) > maxWords);
  const longest = [...replies].sort((a, b) => words(b.text) - words(a.text))[0];
  return {
    score: replies.length === 0 ? 1 : 1 - long.length / replies.length,
    label: `${long.length} of ${replies.length} replies over ${maxWords} words`,
    ...(long.length > 0 && longest ? { evidence: [{ turn: longest.turn, quote: longest.text.slice(0, 200), span: [0, Math.min(200, longest.text.length)] as [number, number] }] } : {}),
    details: { maxWords, longestWords: longest ? words(longest.text) : 0 },
  };
}
