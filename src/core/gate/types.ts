import type { FlakyCase } from '../flaky.js';

/** The kinds of gate rule, as named in verdicts and reports. */
export type RuleKind = 'maxDrop' | 'min' | 'maxCostIncrease' | 'maxP95LatencyIncrease' | 'maxErrorRate' | 'minCasePassRate';

/**
 * One evaluated rule. `delta` is candidate − baseline (negative = lower). For `maxDrop`,
 * `drop` is the change in the bad direction (positive = worse) and `interval` bounds `delta`.
 */
export interface RuleOutcome {
  rule: RuleKind;
  /** The (candidate) variant the rule was evaluated on: variants are gated separately. */
  variant: string;
  metric: string;
  /** `key=value`, when the rule is limited to a slice. */
  slice?: string;
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
  /** The rule's limit: a drop or increase (absolute, or relative when `relative`), or a floor. */
  threshold: number;
  relative?: boolean;
  /** Two-sided interval of `delta` at the gate's confidence. */
  interval?: [number, number];
  /** One-sided p-value of "no drop" (raw) and after Holm's correction over all drop tests. */
  p?: number;
  pAdjusted?: number;
  /** Paired cases behind the figures. */
  cases: number;
  /** The limit was crossed (for drops: the observed drop exceeds the threshold). */
  exceeded: boolean;
  /** For drops: statistically real after correction. */
  significant?: boolean;
  /** This rule makes the verdict fail (or inconclusive, for `maxErrorRate`). */
  blocking: boolean;
  /** Smallest true drop this test catches with 80 % power. */
  mdd?: number;
  /** Case ids behind a breached floor or case rule (first ones). */
  caseIds?: string[];
  message: string;
}

/** A case whose overall verdict changed between the runs. */
export interface FlippedCase {
  caseId: string;
  variant: string;
  baselinePass: number;
  candidatePass: number;
  baselineScore: number | null;
  candidateScore: number | null;
  /** Graders whose verdict changed, with the reason the grader gave in the candidate (or baseline). */
  graders: { grader: string; reason?: string }[];
}

/** What the gate knows about its own power on these runs. */
export interface PowerNote {
  variant: string;
  metric: string;
  cases: number;
  /** Share of paired cases whose verdict differs (pass/fail) or the per-case drop variance (scores). */
  discordance: number;
  /** Minimum detectable drop at 80 % power (absolute points). */
  mdd: number;
  targetDrop: number;
  /** Cases needed to see `targetDrop` at the same discordance. */
  casesNeeded: number;
  /** MDD if the judge were asked 3 times per grade, assuming the discordance is judge noise. */
  mddWithSamples3?: number;
  sentence: string;
}

export type VerdictWord = 'pass' | 'fail' | 'inconclusive';

/** A slice whose overall score dropped, shown as information whether or not a rule covers it. */
export interface SliceDrop {
  variant: string;
  /** `key=value` */
  slice: string;
  baseline: number;
  candidate: number;
  /** candidate − baseline (negative). */
  delta: number;
  cases: number;
}

/** The verdict of one variant: variants are gated separately, never pooled. */
export interface VariantVerdict {
  /** The candidate's variant name. */
  variant: string;
  /** The baseline variant it was compared with (the same name unless both runs have one variant each). */
  baselineVariant: string;
  verdict: VerdictWord;
  reasons: string[];
  shared: number;
  /** Baseline cases of this variant the candidate does not have (first 50 ids; `missingCount` counts them all). */
  missing: string[];
  missingCount: number;
  /** Candidate cases the baseline does not have: new, not compared. */
  candidateOnly: number;
  /** Graders that graded this variant's shared cases on one side only. */
  graders: { baselineOnly: string[]; candidateOnly: string[] };
  /** Per tag key, the slice with the largest drop of the overall score (information). */
  largestDrops: SliceDrop[];
}

/** A record's state as read, for the verdict to say when one was damaged or unfinished. */
export interface RunFacts {
  runId: string;
  results: number;
  cases: number;
  /** `complete`, `interrupted`, …; `incomplete` when the record has no summary line. */
  status?: string;
  /** Integrity problems the reader met (cut, duplicated lines, header only), as sentences. */
  integrity: string[];
}

export interface Verdict {
  /** The worst of the variants' verdicts (fail, then inconclusive, then pass). */
  verdict: VerdictWord;
  /** One line per blocking rule (and each reason a variant is inconclusive), `[variant]`-prefixed when several variants are gated. */
  reasons: string[];
  baseline: RunFacts;
  candidate: RunFacts;
  /** One verdict per gated variant. */
  variants: VariantVerdict[];
  pairing: {
    shared: number;
    baselineOnly: number;
    candidateOnly: number;
    /** Variant pairs compared (baseline name → candidate name). */
    variants: [string, string][];
    droppedExamples: string[];
    /** Baseline cases missing from the candidate were allowed (`allowMissingCases`). */
    allowMissing: boolean;
  };
  warnings: string[];
  /** Per tag key and variant, the slices with the largest drops (information, never blocking). */
  largestDrops: SliceDrop[];
  confidence: number;
  /** Drop tests in the family corrected with Holm. */
  dropTests: number;
  rules: RuleOutcome[];
  flips: { passToFail: FlippedCase[]; failToPass: FlippedCase[] };
  /** Cases whose repeats disagree in either run: listed apart, not as regressions. */
  flaky: FlakyCase[];
  power: PowerNote[];
  errors: { results: number; resultErrors: number; grades: number; gradeErrors: number; rate: number };
}
