import { vaderCompound } from './vader-fast.js';

/** positive | neutral | negative, with VADER's ±0.05 cutoffs on the compound score. */
export type SentimentLabel = 'positive' | 'neutral' | 'negative';
export type Tone = 'polite' | 'neutral' | 'rude';

/** VADER's compound score (-1..1) of a text; 0 for empty text. English only. */
export function compoundOf(text: string): number {
  if (text.trim() === '') return 0;
  return vaderCompound(text);
}

/** The label of a compound score (±0.05 cutoffs). */
export function sentimentLabel(compound: number): SentimentLabel {
  if (compound >= 0.05) return 'positive';
  if (compound <= -0.05) return 'negative';
  return 'neutral';
}

/** Default rude/impolite markers of agent replies (case-insensitive regexes; en, es, de, fr). */
export const DEFAULT_RUDE_MARKERS: string[] = [
  "\\b(?:stupid|idiot(?:ic)?|dumb|moron(?:ic)?|pathetic|ridiculous)\\b",
  "\\bshut up\\b",
  "\\b(?:not|isn't|is not) my (?:problem|job|fault)\\b",
  "\\bthat's your (?:problem|fault)\\b",
  "\\bcalm down\\b",
  "\\bas I (?:already )?(?:said|told you)\\b",
  "\\bhow many times\\b",
  "\\bI (?:don't|do not) care\\b",
  "\\bdeal with it\\b",
  "\\bfigure it out (?:yourself|on your own)\\b",
  "\\b(?:can't|cannot) you read\\b",
  "\\bread the (?:manual|faq|fine print)\\b",
  "\\bstop (?:complaining|whining|wasting)\\b",
  "\\bwaste of (?:my )?time\\b",
  "\\byou people\\b",
  "\\bwhatever\\.?\\s*$",
  "\\bobviously you\\b",
  "\\bI (?:literally |already )?(?:just )?(?:told|explained (?:this|it) to) you\\b",
  "\\b(?:it's|it is) not (?:that )?(?:hard|difficult|complicated) to\\b",
  "\\b(?:like|as) I (?:already )?said\\b",
  "\\b(?:pay attention|are you (?:even )?listening|use your (?:brain|head))\\b",
  "\\bno es mi problema\\b",
  "\\b(?:cállate|estúpid[oa]|idiota)\\b",
  "\\bnicht mein Problem\\b",
  "\\b(?:halten Sie|halt) (?:die Klappe|den Mund)\\b",
  "\\bpas mon problème\\b",
  "\\b(?:tais-toi|taisez-vous|débrouillez-vous)\\b",
];

/** Default politeness/empathy markers (case-insensitive regexes; en, es, de, fr). */
export const DEFAULT_POLITE_MARKERS: string[] = [
  "\\b(?:please|thank(?:s| you)|sorry|apologi[sz]e|apologies)\\b",
  "\\b(?:happy|glad) to help\\b",
  "\\bI understand\\b",
  "\\b(?:of course|certainly)\\b",
  "\\b(?:por favor|gracias|lo siento|disculp[ae])\\b",
  "\\b(?:bitte|danke|entschuldig\\w*)\\b",
  "\\b(?:merci|s'il vous plaît|désolée?|excusez)\\b",
];
