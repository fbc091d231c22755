import { parseRegexSource } from '../../core/regex.js';
import { compileUserPattern } from '../../io/regex.js';
import type { Evidence } from '../../schema/grade.js';
import type { TranscriptMessage } from '../../schema/run-record.js';
import { spanEvidence, textOf } from '../grade-helpers.js';
import type { OutcomeLexicon } from './lexicon.js';

/** Compiled phrase lists of a lexicon (always case-insensitive). */
export interface PhraseMatcher {
  find(text: string): { start: number; end: number } | undefined;
}

/** Compiles phrase groups into one matcher (first match in the text wins); bounded like every user pattern. */
export function phraseMatcher(groups: Record<string, string[]>): PhraseMatcher {
  const matchers = Object.entries(groups).flatMap(([group, phrases]) =>
    phrases.map((p) => {
      // always case-insensitive; no g/y (a phrase is found anywhere in the text)
      const { pattern, flags } = parseRegexSource(p);
      const f = flags.replace(/[gy]/g, '');
      return compileUserPattern(`/${pattern}/${f.includes('i') ? f : `${f}i`}`, { field: group });
    }),
  );
  return {
    find(text) {
      let best: { start: number; end: number } | undefined;
      for (const matcher of matchers) {
        const m = matcher.first(text);
        if (m && (best === undefined || m[0] < best.start)) best = { start: m[0], end: m[1] };
      }
      return best;
    },
  };
}

/** `transfer_to_human*` style glob → anchored regex. */
export function globToRegex(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** A tool call found in the transcript, with its parsed arguments. */
export interface FoundToolCall {
  /** Index of the assistant message that made it. */
  turn: number;
  name: string;
  args: unknown;
  /** The call's id (matches a tool message's `tool_call_id`) and its arguments as written. */
  id?: string;
  raw?: string;
}

/** Every tool call of the assistant, in order; unparsable arguments become `{}`. */
export function toolCallsOf(transcript: readonly TranscriptMessage[]): FoundToolCall[] {
  const out: FoundToolCall[] = [];
  transcript.forEach((m, turn) => {
    if (m.role !== 'assistant') return;
    for (const call of m.tool_calls ?? []) {
      let args: unknown;
      try {
        args = JSON.parse(call.function.arguments || '{}');
      } catch {
        args = {};
      }
      out.push({ turn, name: call.function.name, args, id: call.id, raw: call.function.arguments });
    }
  });
  return out;
}

/** A handoff found in the transcript. */
export interface HandoffDetection {
  detected: boolean;
  /** `tool`, `phrase`, or both; empty when nothing was found. */
  via: Array<'tool' | 'phrase'>;
  /** Transcript index of the first handoff (tool call or phrase). */
  turn: number | null;
  evidence: Evidence[];
}

/**
 * Looks for a handoff to a human: a call of a handoff tool, a handoff phrase in an assistant
 * message, or a handoff offer that the next user message accepts ("Would you like me to transfer
 * you…?" → "Yes please"). `use.tools` / `use.phrases` switch a signal off (the benchmark
 * measures phrases alone).
 */
export function detectHandoff(
  transcript: readonly TranscriptMessage[],
  lexicon: Pick<OutcomeLexicon, 'handoff_tools' | 'handoff_phrases' | 'handoff_offer_phrases' | 'affirmative_phrases'>,
  use: { tools?: boolean; phrases?: boolean } = {},
): HandoffDetection {
  return handoffDetector(lexicon, use)(transcript);
}

/**
 * detectHandoff with the lexicon compiled once, for callers that check many transcripts (the
 * runner checks every agent turn of a simulated conversation).
 *
 * @example
 * const detect = handoffDetector(DEFAULT_LEXICON);
 * detect(replies).detected
 */
export function handoffDetector(
  lexicon: Pick<OutcomeLexicon, 'handoff_tools' | 'handoff_phrases' | 'handoff_offer_phrases' | 'affirmative_phrases'>,
  use: { tools?: boolean; phrases?: boolean } = {},
): (transcript: readonly TranscriptMessage[]) => HandoffDetection {
  const usePhrases = use.phrases !== false;
  const tools = use.tools === false ? [] : lexicon.handoff_tools.map(globToRegex);
  const phrases = phraseMatcher(usePhrases ? lexicon.handoff_phrases : {});
  const offers = phraseMatcher(usePhrases ? lexicon.handoff_offer_phrases : {});
  const yes = phraseMatcher(usePhrases ? lexicon.affirmative_phrases : {});
  return (transcript) => {
    const evidence: Evidence[] = [];
    const via = new Set<'tool' | 'phrase'>();
    let first: number | null = null;
    transcript.forEach((m, i) => {
      if (m.role !== 'assistant') return;
      const text = textOf(m);
      const hit = phrases.find(text);
      if (hit) {
        via.add('phrase');
        evidence.push(spanEvidence(i, text, hit.start, hit.end, 'handoff phrase'));
        first ??= i;
      } else {
        const offer = offers.find(text);
        const reply = transcript.slice(i + 1).find((n) => n.role === 'user' || (n.role === 'assistant' && textOf(n) !== ''));
        if (offer && reply?.role === 'user' && yes.find(textOf(reply))) {
          via.add('phrase');
          evidence.push(spanEvidence(i, text, offer.start, offer.end, 'handoff offer, accepted'));
          first ??= i;
        }
      }
      for (const call of m.tool_calls ?? []) {
        if (tools.some((re) => re.test(call.function.name))) {
          via.add('tool');
          evidence.push({ turn: i, quote: call.function.name, note: 'handoff tool call' });
          first ??= i;
        }
      }
    });
    return { detected: via.size > 0, via: [...via].sort(), turn: first, evidence };
  };
}

/** Transcript indexes of assistant messages whose text matches the matcher, with the span. */
export function matchingTurns(
  transcript: readonly TranscriptMessage[],
  role: 'assistant' | 'user',
  matcher: PhraseMatcher,
): Array<{ turn: number; start: number; end: number }> {
  const out: Array<{ turn: number; start: number; end: number }> = [];
  transcript.forEach((m, i) => {
    if (m.role !== role) return;
    const hit = matcher.find(textOf(m));
    if (hit) out.push({ turn: i, ...hit });
  });
  return out;
}
