import type { Evidence } from '../../schema/grade.js';
import type { ExpectedTool, Outcome, ResolvedCase } from '../../schema/golden-set.js';
import type { TranscriptMessage } from '../../schema/run-record.js';
import { spanEvidence, textOf } from '../grade-helpers.js';
import { detectHandoff, matchingTurns, phraseMatcher, toolCallsOf, type HandoffDetection } from './detect.js';
import type { OutcomeLexicon } from './lexicon.js';
import { matchTools, type ToolMatch } from './tools.js';

/** What the detectors saw: `unresolved` when none of the other outcomes is detected. */
export type DetectedOutcome = Outcome | 'unresolved';

/** The facts the outcome graders (resolution, turns-to-resolution) share. */
export interface OutcomeFacts {
  detectedOutcome: DetectedOutcome;
  handoff: HandoffDetection;
  /** Transcript index of the assistant message that resolved the request, or null. */
  resolvingTurn: number | null;
  /** Expected tool calls of the case: conversation `expect.tools` plus every turn's. */
  expectedTools: ExpectedTool[];
  tools: ToolMatch;
  evidence: Evidence[];
}

/** Conversation-level and per-turn expected tools, pooled. */
export function expectedToolsOf(c: ResolvedCase): ExpectedTool[] {
  return [...(c.expect?.tools ?? []), ...(c.turns ?? []).flatMap((t) => t.expect?.tools ?? [])];
}

/**
 * Detects the outcome of a conversation, in this order: `escalated` (a handoff), `converted`
 * (a purchase confirmation), `resolved` (a confirmation cue, every expected tool call made, or
 * a user reply closing the request — "Thanks!" — after an answer),
 * `abandoned` (the user gave up, or the conversation ends on an unanswered user message),
 * else `unresolved`.
 */
export function detectOutcome(c: ResolvedCase, transcript: readonly TranscriptMessage[], lexicon: OutcomeLexicon): OutcomeFacts {
  const handoff = detectHandoff(transcript, lexicon);
  const expectedTools = expectedToolsOf(c);
  const tools = matchTools(expectedTools, toolCallsOf(transcript));
  const cues = matchingTurns(transcript, 'assistant', phraseMatcher(lexicon.resolution_phrases));
  const buying = phraseMatcher(lexicon.conversion_phrases);
  const conversions = [...matchingTurns(transcript, 'assistant', buying), ...matchingTurns(transcript, 'user', buying)].sort(
    (a, b) => a.turn - b.turn,
  );
  const abandons = matchingTurns(transcript, 'user', phraseMatcher(lexicon.abandon_phrases));
  const evidence: Evidence[] = [];
  const quote = (hit: { turn: number; start: number; end: number }, note: string) =>
    evidence.push(spanEvidence(hit.turn, textOf(transcript[hit.turn]!), hit.start, hit.end, note));

  // A user reply that closes the request ("Thanks!") resolves it at the answer before it.
  const stillOpen = phraseMatcher(lexicon.still_open_phrases);
  const abandoned = new Set(abandons.map((a) => a.turn));
  const closure = matchingTurns(transcript, 'user', phraseMatcher(lexicon.closure_phrases)).find(
    (c) => !abandoned.has(c.turn) && !stillOpen.find(textOf(transcript[c.turn]!)),
  );
  const answered = closure ? lastAnswerBefore(transcript, closure.turn) : undefined;
  const candidates = [cues[0]?.turn, conversions[0]?.turn, tools.completedAt, answered].filter(
    (t): t is number => typeof t === 'number',
  );
  const resolvingTurn = candidates.length > 0 ? Math.min(...candidates) : null;
  const last = [...transcript].reverse().find((m) => m.role === 'user' || m.role === 'assistant');
  let detectedOutcome: DetectedOutcome;
  if (handoff.detected) {
    detectedOutcome = 'escalated';
    evidence.push(...handoff.evidence);
  } else if (conversions.length > 0) {
    detectedOutcome = 'converted';
    quote(conversions[0]!, 'conversion cue');
  } else if (resolvingTurn !== null) {
    detectedOutcome = 'resolved';
    if (cues[0]) quote(cues[0], 'resolution cue');
    if (closure && resolvingTurn === answered) quote(closure, 'user closes the request');
  } else if (abandons.length > 0 || last?.role === 'user') {
    detectedOutcome = 'abandoned';
    if (abandons[0]) quote(abandons[0], 'abandon cue');
  } else {
    detectedOutcome = 'unresolved';
  }
  return {
    detectedOutcome,
    handoff,
    resolvingTurn: handoff.detected ? null : resolvingTurn,
    expectedTools,
    tools,
    evidence,
  };
}

/** Whether a detected outcome satisfies the expected one (`resolved` also accepts `converted`). */
export function outcomeMatches(expected: Outcome, detected: DetectedOutcome): boolean {
  if (expected === 'resolved') return detected === 'resolved' || detected === 'converted';
  return expected === detected;
}

/** Index of the last assistant message with text before `index`. */
function lastAnswerBefore(transcript: readonly TranscriptMessage[], index: number): number | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const m = transcript[i]!;
    if (m.role === 'assistant' && textOf(m).trim() !== '') return i;
  }
  return undefined;
}
