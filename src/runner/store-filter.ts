import { createRedactionState, createRedactor } from '../core/redact.js';
import type { RedactionConfig } from '../schema/redaction.js';
import type { StoreFilter } from './run.js';

/**
 * PII redaction of what is written to disk: transcripts, and the evidence and reasons of
 * grades (a pii-leak grade quotes the leaked address). One placeholder state per conversation,
 * so `[EMAIL_1]` in a grade's evidence is the same address as in the transcript.
 */
export function redactingStoreFilter(config: RedactionConfig): StoreFilter | undefined {
  if (!config.enabled) return undefined;
  const redactor = createRedactor(config);
  return (transcript, grades) => {
    const state = createRedactionState();
    const text = (s: string) => redactor.redactText(s, state);
    const messages = transcript.map((m) => ({
      ...m,
      ...(typeof m.content === 'string' ? { content: text(m.content) } : {}),
      ...(m.tool_calls
        ? { tool_calls: m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: text(c.function.arguments) } })) }
        : {}),
    }));
    const counts = { ...state.counts };
    const redactedGrades = grades.map((g) => ({
      ...g,
      ...(g.reason ? { reason: text(g.reason) } : {}),
      ...(g.evidence ? { evidence: g.evidence.map((e) => ({ ...e, quote: text(e.quote) })) } : {}),
      ...(g.turns ? { turns: g.turns.map((t) => ({ ...t, ...(t.reason ? { reason: text(t.reason) } : {}) })) } : {}),
    }));
    return { transcript: messages, grades: redactedGrades, counts };
  };
}
