import { createRedactionState, createRedactor, knownDigits } from '../core/redact.js';
import { relocateSpan } from '../core/evidence-span.js';
import { createSecretScrubber, mapStrings } from '../core/redact-secrets.js';
import type { Evidence } from '../schema/grade.js';
import type { KnowledgeDoc } from '../schema/golden-set.js';
import type { Grade } from '../schema/grade.js';
import type { RedactionConfig } from '../schema/redaction.js';
import type { ResultError, TranscriptMessage } from '../schema/run-record.js';

/** The parts of a result that carry text from agents, providers, graders or the golden set. */
export interface StoredParts {
  transcript: TranscriptMessage[];
  grades: Grade[];
  error?: ResultError | undefined;
  knowledge?: KnowledgeDoc[] | undefined;
}

/** Rewrites what is stored and printed (secrets, PII); graders have already seen the original. */
export type StoreFilter = (parts: StoredParts) => StoredParts & { counts: Record<string, number> };

/**
 * The filter every result goes through before it is written (and so before any report, gate,
 * view or console line reads it):
 * - **secrets**, always: the values of every env var the config names and credential-shaped
 *   strings are replaced by `[SECRET]` in every string of the result (an http bot that echoes
 *   the request headers in a 500 body, a provider message quoting the key);
 * - **PII**, when `redaction.enabled`: everything a result stores is redacted, with one
 *   placeholder state per conversation so `[EMAIL_1]` is the same address everywhere: the
 *   transcript first, then grade reasons, evidence, per-turn reasons, `details` (recursively:
 *   grounding's claims, accuracy's extracted numbers…), errors and knowledge. A string in a
 *   grade that is only the digits of a card, phone or id found elsewhere gets its placeholder too.
 *
 * @example
 * const filter = createStoreFilter(RedactionConfigSchema.parse({ enabled: true }), ['s3cret-token']);
 * filter({ transcript, grades, error }).grades // no secret, no email, no card number left
 */
export function createStoreFilter(config: RedactionConfig, secrets: readonly string[]): StoreFilter {
  const scrub = createSecretScrubber(secrets);
  const redactor = config.enabled ? createRedactor(config) : undefined;
  return (parts) => {
    const state = createRedactionState();
    const pii = redactor ? (s: string) => redactor.redactText(s, state) : (s: string) => s;
    const text = (s: string) => pii(scrub(s));
    const transcript = parts.transcript.map((m) => ({
      ...m,
      ...(typeof m.content === 'string' ? { content: text(m.content) } : {}),
      ...(m.tool_calls
        ? { tool_calls: m.tool_calls.map((c) => ({ ...c, function: { ...c.function, arguments: text(c.function.arguments) } })) }
        : {}),
    }));
    const known = (s: string) => (redactor ? knownDigits(s, state) : undefined);
    const deep = (s: string) => known(s) ?? text(s);
    const number = (n: number) => (redactor && Number.isSafeInteger(n) ? (knownDigits(String(n), state) ?? n) : n);
    // A span is re-measured on the stored text: placeholders change lengths (see relocateSpan).
    const evidence = (e: Evidence): Evidence => {
      const { span, ...rest } = e;
      const quote = text(e.quote);
      const out: Evidence = { ...rest, quote, ...(e.note !== undefined ? { note: text(e.note) } : {}) };
      const before = e.turn !== undefined ? parts.transcript[e.turn]?.content : undefined;
      const after = e.turn !== undefined ? transcript[e.turn]?.content : undefined;
      if (span && typeof before === 'string' && typeof after === 'string') {
        const moved = relocateSpan(before, after, e.quote, quote, span);
        if (moved) out.span = moved;
      } else if (span) out.span = span;
      return out;
    };
    const grades = parts.grades.map((g) => ({
      ...g,
      ...(g.reason !== undefined ? { reason: text(g.reason) } : {}),
      ...(g.label !== undefined ? { label: text(g.label) } : {}),
      ...(g.evidence ? { evidence: g.evidence.map(evidence) } : {}),
      ...(g.turns ? { turns: g.turns.map((t) => ({ ...t, ...(t.reason !== undefined ? { reason: text(t.reason) } : {}) })) } : {}),
      ...(g.details ? { details: mapStrings(g.details, deep, number) as Record<string, unknown> } : {}),
      ...(g.error ? { error: { ...g.error, message: text(g.error.message) } } : {}),
    }));
    const out: StoredParts & { counts: Record<string, number> } = { transcript, grades, counts: {} };
    if (parts.error) out.error = { ...parts.error, message: text(parts.error.message) };
    if (parts.knowledge) {
      out.knowledge = parts.knowledge.map((k) => ({ ...k, content: text(k.content), ...(k.title !== undefined ? { title: text(k.title) } : {}) }));
    }
    out.counts = { ...state.counts };
    return out;
  };
}
