import { z } from 'zod';
import type { ResolvedCase } from '../../schema/golden-set.js';
import type { TranscriptMessage } from '../../schema/run-record.js';
import type { Grader, GraderKind } from '../grader.js';
import { aggregateTurns, definitionSchema, safeGrade, spanEvidence, textOf, turnGrade, stampOf } from '../grade-helpers.js';
import { extractClaims, type Claim, type ClaimType } from './claims.js';
import { extractNames } from './names.js';
import { isEnglishCase } from '../language.js';
import { indexSources, isSupported, type SupportOptions } from './support.js';

const CLAIM_TYPES = ['url', 'email', 'date', 'time', 'phone', 'money', 'percent', 'duration', 'id', 'number', 'name'] as const;

const GroundingOptions = definitionSchema({
  /** Claim types to check (default: all). */
  claims: z.array(z.enum(CLAIM_TYPES)).min(1).optional(),
  /** Share of a name's words that must occur in the sources when the phrase itself does not (default 1). */
  name_word_share: z.number().min(0).max(1).optional(),
  /** Count the case's `system` text as a source (default true). */
  system_as_source: z.boolean().optional(),
  /** Terms that are always supported: your own company and product names, mentioned without a source. */
  known_terms: z.array(z.string().min(1)).optional(),
  /** Check proper-noun phrases in cases tagged with a non-English `language` (default false: capitalisation rules differ). */
  names_in_other_languages: z.boolean().optional(),
});

/** A claim of one reply, checked. */
export interface CheckedClaim extends Claim {
  supported: boolean;
}

/** Settings of {@link checkReply}. */
export interface GroundingSettings extends SupportOptions {
  types: ReadonlySet<ClaimType>;
  systemAsSource: boolean;
  knownTerms: readonly string[];
  namesInOtherLanguages: boolean;
}

export const DEFAULT_GROUNDING: GroundingSettings = {
  types: new Set(CLAIM_TYPES),
  nameWordShare: 1,
  systemAsSource: true,
  knownTerms: [],
  namesInOtherLanguages: false,
};

/** The claims of `text`, each checked against the sources. */
export function checkReply(
  text: string,
  sources: readonly string[],
  settings: GroundingSettings,
  english = true,
): CheckedClaim[] {
  const index = indexSources([...sources, ...settings.knownTerms]);
  const claims = extractClaims(text);
  const names = english || settings.namesInOtherLanguages ? extractNames(text, claims) : [];
  const all = [...claims, ...names].filter((c) => settings.types.has(c.type));
  return all.sort((a, b) => a.start - b.start).map((c) => ({ ...c, supported: isSupported(c, index, settings) }));
}

/** Knowledge, the system text when allowed, and every message before `upTo` (tool calls included). */
export function sourcesBefore(c: ResolvedCase, transcript: readonly TranscriptMessage[], upTo: number, systemAsSource: boolean): string[] {
  const texts = c.knowledge.flatMap((k) => [k.title ?? '', k.content]);
  if (systemAsSource && c.system) texts.push(c.system);
  for (const m of transcript.slice(0, upTo)) {
    texts.push(textOf(m));
    for (const call of m.tool_calls ?? []) texts.push(call.function.arguments);
  }
  return texts;
}

/**
 * `grounding` (no model): every checkable claim of each assistant reply (numbers, money,
 * percentages, dates, durations, URLs, emails, phone numbers, ids, proper-noun phrases) must be
 * supported by the case's knowledge, the conversation before the reply, or tool results.
 * Turn score = supported share (1 when no claims); conversation score = minimum over replies.
 * Unsupported claims are evidence.
 */
export const groundingKind: GraderKind<typeof GroundingOptions> = {
  options: GroundingOptions,
  defaultScope: 'turn',
  defaultThreshold: 1,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, groundingKind);
    const settings: GroundingSettings = {
      types: new Set(definition.claims ?? CLAIM_TYPES),
      nameWordShare: definition.name_word_share ?? DEFAULT_GROUNDING.nameWordShare,
      systemAsSource: definition.system_as_source ?? true,
      knownTerms: definition.known_terms ?? [],
      namesInOtherLanguages: definition.names_in_other_languages ?? false,
    };
    return {
      ...stamp,
      appliesTo: (c: ResolvedCase) => c.turns !== undefined || (c.transcript ?? []).some((m) => m.role === 'assistant'),
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const english = isEnglishCase(c);
          const replies = transcript.flatMap((m, i) => (m.role === 'assistant' && textOf(m).trim() !== '' ? [i] : []));
          const checked = replies.map((i) => ({
            i,
            claims: checkReply(textOf(transcript[i]!), sourcesBefore(c, transcript, i, settings.systemAsSource), settings, english),
          }));
          const turns = checked.map(({ i, claims }) => {
            const ok = claims.filter((x) => x.supported).length;
            return turnGrade(i, claims.length === 0 ? 1 : ok / claims.length, stamp.threshold, `${ok}/${claims.length}`);
          });
          const unsupported = checked.flatMap(({ i, claims }) =>
            claims
              .filter((x) => !x.supported)
              .map((x) => spanEvidence(i, textOf(transcript[i]!), x.start, x.end, `unsupported ${x.type}`)),
          );
          const total = checked.reduce((n, t) => n + t.claims.length, 0);
          return {
            score: aggregateTurns(turns, 'min'),
            label: unsupported.length === 0 ? 'grounded' : 'unsupported',
            reason:
              total === 0
                ? 'no checkable claims'
                : `${total - unsupported.length} of ${total} claims supported${unsupported.length > 0 ? `; unsupported: ${unsupported.map((e) => e.quote).join(', ')}` : ''}`,
            evidence: unsupported,
            turns,
            details: {
              claims: total,
              unsupported: unsupported.length,
              perTurn: checked.map(({ i, claims }) => ({
                turn: i,
                claims: claims.map((x) => ({ type: x.type, text: x.text, supported: x.supported })),
              })),
            },
          };
        }),
    };
  },
};
