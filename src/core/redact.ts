import type { RedactionConfig } from '../schema/redaction.js';
import { compileLinearOnly } from './regex.js';
import { BUILTIN_DETECTORS, type Detector, type PiiMatch } from './redact-detectors.js';

/**
 * Placeholder numbering for one conversation: the same value gets the same placeholder in every
 * message (`[EMAIL_1]` is always the same address), and counts accumulate per kind.
 * Create one per conversation with {@link createRedactionState}.
 */
export interface RedactionState {
  /** kind → normalised value → placeholder number. */
  readonly seen: Map<string, Map<string, number>>;
  /** kind → occurrences redacted so far. */
  readonly counts: Record<string, number>;
}

/** A fresh placeholder state (one per conversation). */
export function createRedactionState(): RedactionState {
  return { seen: new Map(), counts: {} };
}

/** A message shape the redactor understands (OpenAI chat shape; other keys are kept as they are). */
export interface RedactableMessage {
  content?: string | null;
  tool_calls?: Array<{ function: { name: string; arguments: string } }>;
}

export interface Redactor {
  /** Redacts `content` and tool-call arguments of every message with one shared placeholder state. */
  redactConversation<M extends RedactableMessage>(messages: readonly M[]): { messages: M[]; counts: Record<string, number> };
  /** Redacts one text, numbering placeholders in (and updating) `state`. */
  redactText(text: string, state?: RedactionState): string;
}

/**
 * Builds a redactor from the `redaction:` config. Custom detectors (`custom: { order_id: 'ORD-\\d+' }`)
 * take priority over the built-ins, then email, iban, card (Luhn), national_id (US SSN, ES DNI/NIE),
 * ip (v4/v6), phone. Overlapping matches: the higher-priority detector wins.
 *
 * @example
 * const r = createRedactor(RedactionConfigSchema.parse({ enabled: true }));
 * r.redactConversation([{ role: 'user', content: 'mail me at ana@example.com' }]);
 * // → { messages: [{ role: 'user', content: 'mail me at [EMAIL_1]' }], counts: { email: 1 } }
 */
export function createRedactor(config: Pick<RedactionConfig, 'kinds' | 'custom'>): Redactor {
  const detectors: Detector[] = [];
  for (const [kind, source] of Object.entries(config.custom ?? {})) {
    // user-written: linear time (validated when the config is loaded, see schema/redaction.ts)
    const matcher = compileLinearOnly(source);
    detectors.push((text) => matcher.spans(text).map(([start, end]) => ({ kind, start, end, key: text.slice(start, end) })));
  }
  const order = ['email', 'iban', 'card', 'national_id', 'ip', 'phone'] as const;
  for (const kind of order) if (config.kinds.includes(kind)) detectors.push(...BUILTIN_DETECTORS[kind]);

  const redactText = (text: string, state: RedactionState = createRedactionState()): string => {
    const accepted: PiiMatch[] = [];
    for (const detect of detectors) {
      for (const m of detect(text)) {
        if (!accepted.some((a) => m.start < a.end && a.start < m.end)) accepted.push(m);
      }
    }
    accepted.sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    for (const m of accepted) {
      out += text.slice(at, m.start) + placeholder(m, state);
      at = m.end;
    }
    return out + text.slice(at);
  };

  return {
    redactText,
    redactConversation(messages) {
      const state = createRedactionState();
      const out = messages.map((message) => {
        const copy = { ...message };
        if (typeof copy.content === 'string') copy.content = redactText(copy.content, state);
        if (copy.tool_calls) {
          copy.tool_calls = copy.tool_calls.map((call) => ({
            ...call,
            function: { ...call.function, arguments: redactText(call.function.arguments, state) },
          }));
        }
        return copy;
      });
      return { messages: out, counts: { ...state.counts } };
    },
  };
}

function placeholder(m: PiiMatch, state: RedactionState): string {
  let values = state.seen.get(m.kind);
  if (!values) {
    values = new Map();
    state.seen.set(m.kind, values);
  }
  let n = values.get(m.key);
  if (n === undefined) {
    n = values.size + 1;
    values.set(m.key, n);
  }
  state.counts[m.kind] = (state.counts[m.kind] ?? 0) + 1;
  return placeholderText(m.kind, n);
}

function placeholderText(kind: string, n: number): string {
  return `[${kind.toUpperCase()}_${n}]`;
}

/** PII kinds whose normalised value is its digits. */
const DIGIT_KINDS = new Set(['card', 'phone', 'national_id']);

/**
 * The placeholder of a card, phone or id number already redacted in this conversation, when
 * `text` is nothing but its digits (with separators): a grader that extracts numbers stores
 * `4111111111111111` or `34612345678` on their own, where no detector would know them.
 * Undefined otherwise (also for fewer than 7 digits).
 *
 * @example
 * const state = createRedactionState();
 * redactor.redactText('card 4111 1111 1111 1111', state);
 * knownDigits('4111111111111111', state) // '[CARD_1]'
 */
export function knownDigits(text: string, state: RedactionState): string | undefined {
  if (!/^\+?[\d\s().-]+$/.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  if (digits.length < 7) return undefined;
  for (const [kind, values] of state.seen) {
    if (!DIGIT_KINDS.has(kind)) continue;
    for (const [key, n] of values) {
      if (key.replace(/\D/g, '') !== digits) continue;
      state.counts[kind] = (state.counts[kind] ?? 0) + 1;
      return placeholderText(kind, n);
    }
  }
  return undefined;
}
