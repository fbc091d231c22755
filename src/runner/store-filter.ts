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
    // Copy on write: a message or grade with nothing to rewrite is stored as it is (most are).
    const transcript = mapIfChanged(parts.transcript, (m) => {
      const content = typeof m.content === 'string' ? text(m.content) : m.content;
      const calls = m.tool_calls && mapIfChanged(m.tool_calls, (c) => {
        const args = text(c.function.arguments);
        return args === c.function.arguments ? c : { ...c, function: { ...c.function, arguments: args } };
      });
      return content === m.content && calls === m.tool_calls ? m : { ...m, content, ...(calls ? { tool_calls: calls } : {}) };
    });
    const known = (s: string) => (redactor ? knownDigits(s, state) : undefined);
    const deep = (s: string) => known(s) ?? text(s);
    const number = (n: number) => (redactor && Number.isSafeInteger(n) ? (knownDigits(String(n), state) ?? n) : n);
    // A span is re-measured on the stored text: placeholders change lengths (see relocateSpan).
    const evidence = (e: Evidence): Evidence => {
      const quote = text(e.quote);
      const note = e.note !== undefined ? text(e.note) : undefined;
      let span = e.span;
      const before = span && e.turn !== undefined ? parts.transcript[e.turn]?.content : undefined;
      const after = span && e.turn !== undefined ? transcript[e.turn]?.content : undefined;
      if (span && typeof before === 'string' && typeof after === 'string' && (before !== after || quote !== e.quote)) {
        span = relocateSpan(before, after, e.quote, quote, span);
      }
      if (quote === e.quote && note === e.note && span === e.span) return e;
      const { span: _measured, ...rest } = e;
      return { ...rest, quote, ...(note !== undefined ? { note } : {}), ...(span ? { span } : {}) };
    };
    const grades = mapIfChanged(parts.grades, (g) => {
      const rewritten: Partial<Grade> = {};
      const put = <K extends keyof Grade>(key: K, value: Grade[K]) => {
        if (value !== g[key]) rewritten[key] = value;
      };
      if (g.reason !== undefined) put('reason', text(g.reason));
      if (g.label !== undefined) put('label', text(g.label));
      if (g.evidence) {
        put('evidence', mapIfChanged(g.evidence, evidence));
      }
      if (g.turns) {
        put('turns', mapIfChanged(g.turns, (t) => {
          const reason = t.reason !== undefined ? text(t.reason) : undefined;
          return reason === t.reason ? t : { ...t, reason };
        }));
      }
      if (g.details) put('details', mapStrings(g.details, deep, number) as Record<string, unknown>);
      if (g.error) {
        const message = text(g.error.message);
        if (message !== g.error.message) rewritten.error = { ...g.error, message };
      }
      return Object.keys(rewritten).length === 0 ? g : { ...g, ...rewritten };
    });
    const out: StoredParts & { counts: Record<string, number> } = { transcript, grades, counts: {} };
    if (parts.error) out.error = { ...parts.error, message: text(parts.error.message) };
    if (parts.knowledge) {
      out.knowledge = parts.knowledge.map((k) => ({ ...k, content: text(k.content), ...(k.title !== undefined ? { title: text(k.title) } : {}) }));
    }
    out.counts = { ...state.counts };
    return out;
  };
}

/** `items.map(f)`, or `items` itself when `f` returned every item unchanged. */
function mapIfChanged<T>(items: T[], f: (item: T) => T): T[] {
  let out: T[] | undefined;
  items.forEach((item, i) => {
    const mapped = f(item);
    if (mapped !== item) (out ??= items.slice())[i] = mapped;
  });
  return out ?? items;
}
