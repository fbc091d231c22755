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
 * (a purchase confirmation), `resolved` (a confirmation cue, or every expected tool call made),
 * `abandoned` (the user gave up, or the conversation ends on an unanswered user message),
 * else `unresolved`.
 */
export function detectOutcome(c: ResolvedCase, transcript: readonly TranscriptMessage[], lexicon: OutcomeLexicon): OutcomeFacts {
  const handoff = detectHandoff(transcript, lexicon);
  const expectedTools = expectedToolsOf(c);
  const tools = matchTools(expectedTools, toolCallsOf(transcript));
  const cues = matchingTurns(transcript, 'assistant', phraseMatcher(lexicon.resolution_phrases));
  const conversions = matchingTurns(transcript, 'assistant', phraseMatcher(lexicon.conversion_phrases));
  const abandons = matchingTurns(transcript, 'user', phraseMatcher(lexicon.abandon_phrases));
  const evidence: Evidence[] = [];
  const quote = (hit: { turn: number; start: number; end: number }, note: string) =>
    evidence.push(spanEvidence(hit.turn, textOf(transcript[hit.turn]!), hit.start, hit.end, note));

  const candidates = [cues[0]?.turn, conversions[0]?.turn, tools.completedAt].filter(
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
