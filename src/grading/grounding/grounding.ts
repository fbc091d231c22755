import * as z from 'zod';
import type { ResolvedCase } from '../../schema/golden-set.js';
import type { Grader, GraderKind } from '../grader.js';
import { aggregateTurns, definitionSchema, safeGrade, spanEvidence, textOf, turnGrade, stampOf } from '../grade-helpers.js';
import { extractClaims, type Claim, type ClaimType } from './claims.js';
import { contentKeys, contentSupport, contentTokens, type ContentSupport, type ContentToken, type KeySet } from './content.js';
import { extractNames } from './names.js';
import { isEnglishCase } from '../language.js';
import { indexSources, isSupported, nameKeys, type SourceIndex, type SupportOptions } from './support.js';
import { EitherKeys, indexReplySources, type IndexedSources, MaterialIndexes, replySourceIndexes, type ReplySources } from './sources.js';

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
  /** Score each reply by the share of its content words found in the sources (default true; false: claims only). */
  support: z.boolean().optional(),
  /** Credit of a content word found only in the conversation before the reply, not in knowledge, system text or tool results (default 0: echoing the customer, or the agent's own earlier words, is no evidence). */
  conversation_weight: z.number().min(0).max(1).optional(),
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
  support: boolean;
  conversationWeight: number;
}

export const DEFAULT_GROUNDING: GroundingSettings = {
  types: new Set(CLAIM_TYPES),
  nameWordShare: 1,
  systemAsSource: true,
  knownTerms: [],
  namesInOtherLanguages: false,
  support: true,
  conversationWeight: 0,
};

/** Default threshold of the turn score: the best mean balanced accuracy over the BEGIN, HaluEval and FaithDial dev sets (bench/graders-accuracy.ts prints the scan). */
export const DEFAULT_SUPPORT_THRESHOLD = 0.8;

/** The claims of `text`, each checked against the sources. */
export function checkReply(
  text: string,
  sources: readonly string[],
  settings: GroundingSettings,
  english = true,
): CheckedClaim[] {
  const all = [...sources, ...settings.knownTerms];
  return checkClaims(readReply(text, settings, english).claims, [indexSources(all)], contentKeys(all), settings);
}

/** What a reply says, read once before any source is indexed: its claims (names included) and its content words. */
export interface ReplyReading {
  text: string;
  /** The claims of the checked types, in text order. */
  claims: Claim[];
  tokens: ContentToken[];
}

/** Reads a reply: its claims of the checked types (names only in English, unless asked) and its content tokens. */
export function readReply(text: string, settings: GroundingSettings, english: boolean): ReplyReading {
  const claims = extractClaims(text);
  const names = english || settings.namesInOtherLanguages ? extractNames(text, claims) : [];
  const all = names.length === 0 ? claims : [...claims, ...names].sort((a, b) => a.start - b.start);
  return { text, claims: all.filter((c) => settings.types.has(c.type)), tokens: contentTokens(text) };
}

/**
 * The content keys the checks of these replies can ask about: their content words and the
 * words of their names. Indexing a conversation's messages keeps only these (a tool result has
 * thousands of words, a reply a few dozen).
 */
export function wantedKeys(readings: readonly ReplyReading[]): Set<string> {
  const wanted = new Set<string>();
  for (const r of readings) {
    for (const t of r.tokens) wanted.add(t.key);
    for (const c of r.claims) if (c.type === 'name') for (const key of nameKeys(c)) wanted.add(key);
  }
  return wanted;
}

/** Claims checked against indexes of the sources (`words`: their content keys, for names). */
function checkClaims(claims: readonly Claim[], index: readonly SourceIndex[], words: KeySet, settings: GroundingSettings): CheckedClaim[] {
  return claims.map((c) => ({ type: c.type, start: c.start, end: c.end, text: c.text, value: c.value, dates: c.dates, norm: c.norm, supported: isSupported(c, index, settings, words) }));
}

/** One reply graded: its claims, its content support and the turn score. */
export interface ReplyCheck {
  claims: CheckedClaim[];
  /** null when support is off or there is no grounding material (knowledge, system text, tool results). */
  support: ContentSupport | null;
  score: number;
}

/**
 * Grades one reply. Score = the supported share of its content words (1 without grounding
 * material or with support off); an unsupported claim caps it below `threshold` (at threshold ×
 * the supported share of the claims, averaged with the support score when there is one), so an
 * invented price always fails.
 */
export function gradeReply(
  reply: ReplyReading,
  sources: ReplySources | IndexedSources,
  settings: GroundingSettings,
  threshold: number,
  english = true,
): ReplyCheck {
  const indexed = 'claims' in sources ? sources : indexReplySources(sources, settings);
  const claims = checkClaims(reply.claims, indexed.claims, new EitherKeys(indexed.material, indexed.conversation), settings);
  const support =
    settings.support && indexed.hasMaterial && english
      ? contentSupport(
          reply.text,
          indexed.material,
          indexed.conversation,
          settings.conversationWeight,
          claims.filter((c) => c.type !== 'name'),
          reply.tokens,
        )
      : null;
  let score = support?.score ?? 1;
  const ok = claims.filter((c) => c.supported).length;
  // below the threshold, ordered by the share of claims supported (and by support, when scored)
  if (ok < claims.length) score = threshold * (support ? Math.min(score, (score + ok / claims.length) / 2) : ok / claims.length);
  return { claims, support, score };
}

const MAX_PHRASES = 5;

/**
 * `grounding` (no model): each assistant reply against the case's knowledge, system text and
 * tool results (words found only in the conversation before it count `conversation_weight`, default 0). Two checks:
 * - support: the share of the reply's content words (stemmed, numbers by value, function words
 *   left out) found in the sources: a continuous turn score; unsupported phrases are evidence;
 * - claims (numbers, money, percentages, dates, times, durations, URLs, emails, phones, ids,
 *   proper nouns): an unsupported claim caps the turn score below the threshold (a hard fail).
 * Conversation score = minimum over replies. Without grounding material only claims are checked.
 */
export const groundingKind: GraderKind<typeof GroundingOptions> = {
  options: GroundingOptions,
  defaultScope: 'turn',
  defaultThreshold: DEFAULT_SUPPORT_THRESHOLD,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, groundingKind);
    const settings: GroundingSettings = {
      types: new Set(definition.claims ?? CLAIM_TYPES),
      nameWordShare: definition.name_word_share ?? DEFAULT_GROUNDING.nameWordShare,
      systemAsSource: definition.system_as_source ?? true,
      knownTerms: definition.known_terms ?? [],
      namesInOtherLanguages: definition.names_in_other_languages ?? false,
      support: definition.support ?? true,
      conversationWeight: definition.conversation_weight ?? DEFAULT_GROUNDING.conversationWeight,
    };
    const materials = new MaterialIndexes(settings.knownTerms);
    return {
      ...stamp,
      appliesTo: (c: ResolvedCase) => c.turns !== undefined || c.user !== undefined || (c.transcript ?? []).some((m) => m.role === 'assistant'),
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const english = isEnglishCase(c);
          const replies = transcript.flatMap((m, i) => (m.role === 'assistant' && textOf(m).trim() !== '' ? [i] : []));
          const readings = replies.map((i) => readReply(textOf(transcript[i]!), settings, english));
          const sourcesOf = replySourceIndexes(c, transcript, settings, materials, wantedKeys(readings));
          const checked = replies.map((i, k) => ({
            i,
            ...gradeReply(readings[k]!, sourcesOf(i), settings, stamp.threshold, english),
          }));
          const turns = checked.map(({ i, claims, support, score }) => {
            const ok = claims.filter((x) => x.supported).length;
            const parts = [`claims ${ok}/${claims.length}`];
            if (support) parts.push(`support ${support.score.toFixed(2)}`);
            return turnGrade(i, score, stamp.threshold, parts.join(', '));
          });
          const unsupported = checked.flatMap(({ i, claims }) =>
            claims
              .filter((x) => !x.supported)
              .map((x) => spanEvidence(i, textOf(transcript[i]!), x.start, x.end, `unsupported ${x.type}`)),
          );
          // phrases of the replies that fail, lowest-scoring first
          const phrases = checked
            .filter((t) => t.support && t.score < stamp.threshold)
            .flatMap(({ i, support }) =>
              support!.unsupported.map(([s, e]) => spanEvidence(i, textOf(transcript[i]!), s, e, 'unsupported phrase')),
            )
            .slice(0, MAX_PHRASES);
          const total = checked.reduce((n, t) => n + t.claims.length, 0);
          const scored = checked.filter((t) => t.support);
          const minSupport = scored.length > 0 ? Math.min(...scored.map((t) => t.support!.score)) : null;
          const reasons: string[] = [];
          if (total > 0) {
            reasons.push(
              `${total - unsupported.length} of ${total} claims supported${unsupported.length > 0 ? ` (unsupported: ${unsupported.map((e) => e.quote).join(', ')})` : ''}`,
            );
          } else reasons.push('no checkable claims');
          if (minSupport !== null) reasons.push(`lowest content support ${minSupport.toFixed(2)}`);
          else if (settings.support) reasons.push(english ? 'no knowledge, system text or tool results: claims only' : 'non-English case: claims only');
          const score = aggregateTurns(turns, 'min');
          return {
            score,
            label: unsupported.length > 0 ? 'unsupported' : score >= stamp.threshold ? 'grounded' : 'weakly-supported',
            reason: reasons.join('; '),
            evidence: [...unsupported, ...phrases],
            turns,
            details: {
              claims: total,
              unsupported: unsupported.length,
              minSupport,
              perTurn: checked.map(({ i, claims, support }) => ({
                turn: i,
                support: support?.score ?? null,
                claims: claims.map((x) => ({ type: x.type, text: x.text, supported: x.supported })),
              })),
            },
          };
        }),
    };
  },
};
