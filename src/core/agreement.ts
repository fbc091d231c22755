import type { Grade } from '../schema/grade.js';
import type { Label } from '../schema/label.js';

/** The key a label carries over by: (case id, grader, transcript hash). */
export function labelKey(caseId: string, grader: string, transcriptHash: string): string {
  return JSON.stringify([caseId, grader, transcriptHash]);
}

/** Latest label per key (later lines win), for lookups while rendering or aggregating. */
export function indexLabels(labels: readonly Label[]): Map<string, Label> {
  const map = new Map<string, Label>();
  for (const l of labels) map.set(labelKey(l.caseId, l.grader, l.transcriptHash), l);
  return map;
}

/**
 * The human verdict a label gives a grade: `agree` keeps the judge's pass; `disagree` takes the
 * label's corrected `pass`, or the opposite of the judge's. null when the grade has no verdict.
 */
export function humanPass(grade: Pick<Grade, 'pass'>, label: Pick<Label, 'verdict' | 'pass'>): boolean | null {
  if (label.verdict === 'agree') return grade.pass;
  if (label.pass !== undefined) return label.pass;
  return grade.pass === null ? null : !grade.pass;
}

/**
 * Cohen's kappa of a square confusion matrix (rows: rater A, columns: rater B):
 * (p_o − p_e) / (1 − p_e). null when undefined (no items, or both raters used one category only).
 *
 * @example cohensKappa([[20, 5], [10, 15]]) // 0.4
 */
export function cohensKappa(matrix: readonly (readonly number[])[]): number | null {
  const k = matrix.length;
  let n = 0;
  let diag = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i]?.[j] ?? 0;
      n += v;
      rows[i] = (rows[i] ?? 0) + v;
      cols[j] = (cols[j] ?? 0) + v;
      if (i === j) diag += v;
    }
  }
  if (n === 0) return null;
  const po = diag / n;
  let pe = 0;
  for (let i = 0; i < k; i++) pe += ((rows[i] ?? 0) * (cols[i] ?? 0)) / (n * n);
  if (pe === 1) return null;
  return (po - pe) / (1 - pe);
}

/** A grade as seen by agreement: which result it belongs to. */
export interface LabelledGradeRef {
  caseId: string;
  variant: string;
  transcriptHash: string;
  grade: Pick<Grade, 'grader' | 'pass' | 'score'>;
}

export interface Disagreement {
  caseId: string;
  variant: string;
  judgePass: boolean;
  humanPass: boolean;
  judgeScore: number | null;
  reviewer: string;
  note?: string;
}

/** Judge agreement of one grader against human labels. */
export interface GraderAgreement {
  grader: string;
  labelled: number;
  agreed: number;
  accuracy: number | null;
  kappa: number | null;
  /** rows: judge pass / fail; columns: human pass / fail. */
  matrix: [[number, number], [number, number]];
  disagreements: Disagreement[];
}

/**
 * Per grader: labelled grades, accuracy, Cohen's kappa, confusion matrix (judge × human) and the
 * disagreements. Grades without a verdict (errors) and unlabelled grades are not counted; a label
 * counts once, with the first graded copy of its transcript, even when the same transcript was
 * graded under several variants or repeats.
 */
export function agreementByGrader(grades: Iterable<LabelledGradeRef>, labels: readonly Label[]): GraderAgreement[] {
  const index = indexLabels(labels);
  const byGrader = new Map<string, GraderAgreement>();
  // One label is one human verdict: a transcript graded under two variants (or repeats) counts once.
  const counted = new Set<string>();
  for (const ref of grades) {
    const key = labelKey(ref.caseId, ref.grade.grader, ref.transcriptHash);
    const label = index.get(key);
    if (!label || ref.grade.pass === null || counted.has(key)) continue;
    const human = humanPass(ref.grade, label);
    if (human === null) continue;
    counted.add(key);
    let entry = byGrader.get(ref.grade.grader);
    if (!entry) {
      entry = { grader: ref.grade.grader, labelled: 0, agreed: 0, accuracy: null, kappa: null, matrix: [[0, 0], [0, 0]], disagreements: [] };
      byGrader.set(ref.grade.grader, entry);
    }
    entry.labelled++;
    entry.matrix[ref.grade.pass ? 0 : 1][human ? 0 : 1]++;
    if (human === ref.grade.pass) entry.agreed++;
    else {
      entry.disagreements.push({
        caseId: ref.caseId,
        variant: ref.variant,
        judgePass: ref.grade.pass,
        humanPass: human,
        judgeScore: ref.grade.score,
        reviewer: label.reviewer,
        ...(label.note ? { note: label.note } : {}),
      });
    }
  }
  const out = [...byGrader.values()].sort((a, b) => a.grader.localeCompare(b.grader));
  for (const e of out) {
    e.accuracy = e.labelled ? e.agreed / e.labelled : null;
    e.kappa = cohensKappa(e.matrix);
  }
  return out;
}

/** Pass rate of one grader in one variant, by the judge and with human labels overriding it. */
export interface OverrideRate {
  variant: string;
  grader: string;
  /** Grades with a verdict (errors excluded). */
  verdicts: number;
  judgePassed: number;
  /** Passed after replacing labelled grades' verdicts with the reviewer's. */
  humanPassed: number;
  labelled: number;
}

/**
 * Judge pass rates beside human-overridden ones, per (variant, grader): every labelled grade
 * counts with the reviewer's verdict instead of the judge's.
 */
export function overriddenPassRates(
  results: Iterable<{ caseId: string; variant: string; transcriptHash: string; grades: readonly Pick<Grade, 'grader' | 'pass'>[] }>,
  labels: readonly Label[],
): OverrideRate[] {
  const index = indexLabels(labels);
  const rates = new Map<string, OverrideRate>();
  for (const r of results) {
    for (const g of r.grades) {
      if (g.pass === null) continue;
      const key = `${r.variant}\u0000${g.grader}`;
      let rate = rates.get(key);
      if (!rate) {
        rate = { variant: r.variant, grader: g.grader, verdicts: 0, judgePassed: 0, humanPassed: 0, labelled: 0 };
        rates.set(key, rate);
      }
      const label = index.get(labelKey(r.caseId, g.grader, r.transcriptHash));
      const human = label ? (humanPass(g, label) ?? g.pass) : g.pass;
      rate.verdicts++;
      if (g.pass) rate.judgePassed++;
      if (human) rate.humanPassed++;
      if (label) rate.labelled++;
    }
  }
  return [...rates.values()];
}
