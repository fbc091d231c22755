import { casesNeeded, minimumDetectableDrop } from '../stats/power.js';
import type { PowerNote } from './types.js';

const pts = (x: number) => `${(x * 100).toFixed(1)} points`;

/**
 * The minimum detectable drop of one drop test and what would reach `targetDrop`.
 * For pass/fail, the note also estimates the effect of asking the judge 3 times per grade
 * (majority), under the assumption that the observed discordance is judge noise: a flip
 * probability q with 2q(1−q) = discordance becomes 3q² − 2q³.
 */
export function powerNote(input: {
  variant: string;
  metric: string;
  cases: number;
  variance: number;
  binary: boolean;
  alpha: number;
  threshold: number;
  targetDrop: number;
}): PowerNote {
  const { variant, metric, cases, variance, binary, alpha, threshold, targetDrop } = input;
  const mdd = minimumDetectableDrop({ n: cases, variance, binary, alpha, threshold });
  const needed = casesNeeded({ variance, binary, alpha, threshold }, targetDrop);
  const note: PowerNote = { variant, metric, cases, discordance: variance, mdd, targetDrop, casesNeeded: needed, sentence: '' };
  let samples = '';
  if (binary && variance > 0 && variance < 0.5) {
    const q = (1 - Math.sqrt(1 - 2 * variance)) / 2;
    const q3 = 3 * q * q - 2 * q ** 3;
    const mdd3 = minimumDetectableDrop({ n: cases, variance: 2 * q3 * (1 - q3), binary, alpha, threshold });
    note.mddWithSamples3 = mdd3;
    if (mdd3 < mdd - 0.005) samples = `; if the disagreement is judge noise, 3 judge samples per grade would bring it to ${pts(mdd3)}`;
  }
  const what = binary ? `discordance ${(variance * 100).toFixed(1)} %` : `per-case drop SD ${Math.sqrt(variance).toFixed(3)}`;
  const need =
    mdd <= targetDrop
      ? `it can see drops of ${pts(targetDrop)}`
      : Number.isFinite(needed)
        ? `seeing drops of ${pts(targetDrop)} needs about ${needed} cases`
        : `the threshold is above ${pts(targetDrop)}`;
  note.sentence = `This ${cases}-case comparison cannot reliably see ${metric} drops under ${pts(mdd)} (80 % power, ${what}); ${need}${samples}.`;
  return note;
}
