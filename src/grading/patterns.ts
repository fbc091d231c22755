import * as z from 'zod';
import { compileRegex, type TextMatcher } from '../core/regex.js';
import { compileUserPattern } from '../io/regex.js';
import type { Evidence } from '../schema/grade.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import { spanEvidence, textOf } from './grade-helpers.js';

/**
 * Pattern packs: compiling `(?i)` / `/.../flags` regex strings, checksum validators (Luhn, IBAN)
 * and must/must-not checks over transcript messages. Used by the `regex` and `rules` kinds.
 */

/** A checksum a raw match must pass to count (cuts false positives of card/IBAN patterns). */
export type MatchValidator = 'luhn' | 'iban';

const compiles = (source: string) => {
  try {
    compileRegex(source);
    return true;
  } catch {
    return false;
  }
};
/** A regex string (`(?i)`, `/.../flags` forms) that must compile. */
export const RegexSource = z.string().min(1).refine(compiles, { message: 'not a valid regular expression' });

/** One pattern of a pack: a regex string, or `{ pattern, label?, validate? }`. */
export const PatternEntrySchema = z.union([
  RegexSource,
  z.strictObject({
    pattern: RegexSource,
    label: z.string().optional(),
    validate: z.enum(['luhn', 'iban']).optional(),
  }),
]);
export type PatternEntry = z.infer<typeof PatternEntrySchema>;

/** A compiled pattern: a bounded matcher (linear-time, or time-limited; see io/regex.ts). */
export interface CompiledPattern {
  source: string;
  label: string;
  matcher: TextMatcher;
  validate?: MatchValidator;
}

/**
 * Compiles pack entries (`(?i)`, `/.../flags` forms accepted). Throws on an invalid pattern.
 * `field` (e.g. `must_not_match`) names where they were written, for the time-limit error.
 */
export function compilePatterns(entries: readonly PatternEntry[] = [], field?: string): CompiledPattern[] {
  return entries.map((entry) => {
    const e = typeof entry === 'string' ? { pattern: entry } : entry;
    const matcher = compileUserPattern(e.pattern, field ? { field } : {});
    const out: CompiledPattern = { source: e.pattern, label: e.label ?? e.pattern, matcher };
    if (e.validate) out.validate = e.validate;
    return out;
  });
}

/** Luhn checksum over the digits of `text` (13 to 19 digits). */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 IBAN check: country code, check digits, mod-97 of the rearranged number equals 1. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Every (validated) match of `pattern` in `text`, as [start, end) spans. */
export function findMatches(text: string, pattern: CompiledPattern): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [start, end] of pattern.matcher.spans(text)) {
    const m = text.slice(start, end);
    if (pattern.validate === 'luhn' && !luhnValid(m)) continue;
    if (pattern.validate === 'iban' && !ibanValid(m)) continue;
    out.push([start, end]);
  }
  return out;
}

/** The outcome of checking must/must-not patterns against some messages. */
export interface PatternCheck {
  /** Checks passed / checks made (1 when there are none). */
  score: number;
  checks: number;
  /** Labels of must_not_match patterns that matched. */
  violated: string[];
  /** Labels of must_match patterns that matched nowhere. */
  missing: string[];
  evidence: Evidence[];
}

/**
 * Checks patterns against the given transcript messages together: a must_match pattern is
 * satisfied when it matches in any of them, a must_not_match pattern is violated when it
 * matches in any of them (each match is evidence with its span).
 */
export function checkPatterns(
  transcript: readonly TranscriptMessage[],
  indexes: readonly number[],
  mustMatch: readonly CompiledPattern[],
  mustNotMatch: readonly CompiledPattern[],
): PatternCheck {
  const evidence: Evidence[] = [];
  const violated: string[] = [];
  const missing: string[] = [];
  for (const p of mustNotMatch) {
    let hit = false;
    for (const i of indexes) {
      const text = textOf(transcript[i]!);
      for (const [s, e] of findMatches(text, p)) {
        hit = true;
        evidence.push(spanEvidence(i, text, s, e, `must not match: ${p.label}`));
      }
    }
    if (hit) violated.push(p.label);
  }
  for (const p of mustMatch) {
    const found = indexes.some((i) => findMatches(textOf(transcript[i]!), p).length > 0);
    if (!found) missing.push(p.label);
  }
  const checks = mustMatch.length + mustNotMatch.length;
  const failed = violated.length + missing.length;
  return { score: checks === 0 ? 1 : (checks - failed) / checks, checks, violated, missing, evidence };
}

/** A one-line reason for a pattern check. */
export function patternReason(check: PatternCheck): string {
  const parts: string[] = [];
  if (check.violated.length > 0) parts.push(`matched forbidden: ${check.violated.join(', ')}`);
  if (check.missing.length > 0) parts.push(`missing required: ${check.missing.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : `all ${check.checks} pattern checks passed`;
}
