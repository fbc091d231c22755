import type { FlakyCase } from '../flaky.js';

/** The kinds of gate rule, as named in verdicts and reports. */
export type RuleKind = 'maxDrop' | 'min' | 'maxCostIncrease' | 'maxP95LatencyIncrease' | 'maxErrorRate' | 'minCasePassRate';

/**
 * One evaluated rule. `delta` is candidate − baseline (negative = lower). For `maxDrop`,
 * `drop` is the change in the bad direction (positive = worse) and `interval` bounds `delta`.
 */
export interface RuleOutcome {
  rule: RuleKind;
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

export interface Verdict {
  verdict: VerdictWord;
  /** One line per blocking rule (and the error-rate reason when inconclusive). */
  reasons: string[];
  baseline: { runId: string; results: number; cases: number };
  candidate: { runId: string; results: number; cases: number };
  pairing: {
    shared: number;
    baselineOnly: number;
    candidateOnly: number;
    /** Variant pairs compared (baseline name → candidate name). */
    variants: [string, string][];
    droppedExamples: string[];
  };
  warnings: string[];
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
