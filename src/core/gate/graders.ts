import type { CaseRecord } from '../case-table.js';
import type { CasePair } from './drops.js';

/** One grade of one repeat, as far as the overall score and verdict need it (errors left out). */
export interface RepeatGrade {
  grader: string;
  score: number | null;
  pass: boolean | null;
}

/** Graders that graded cases of a variant in one run only. */
export interface GraderSides {
  /** In the baseline only: missing from the candidate. */
  baselineOnly: string[];
  /** New in the candidate: not compared. */
  candidateOnly: string[];
  shared: string[];
}

/** Which graders graded the paired cases on each side. */
export function graderSides(pairs: readonly CasePair[]): GraderSides {
  const b = new Set<string>();
  const c = new Set<string>();
  for (const { base, cand } of pairs) {
    for (const g of base.graders.keys()) b.add(g);
    for (const g of cand.graders.keys()) c.add(g);
  }
  return {
    baselineOnly: [...b].filter((g) => !c.has(g)).sort(),
    candidateOnly: [...c].filter((g) => !b.has(g)).sort(),
    shared: [...b].filter((g) => c.has(g)).sort(),
  };
}

/**
 * The record as if only `shared` graders had graded it: its overall score and verdict per repeat
 * are recomputed from the repeats' grades, so the two runs' overall figures compare like with
 * like (a candidate graded by 3 graders is not compared with a baseline graded by 7 on a mean
 * over different graders).
 */
export function restrictToGraders(rec: CaseRecord, repeats: readonly (readonly RepeatGrade[])[], shared: ReadonlySet<string>): CaseRecord {
  const overallScores: number[] = [];
  const overallPasses: boolean[] = [];
  for (const grades of repeats) {
    let sum = 0;
    let n = 0;
    let verdicts = 0;
    let allPass = true;
    for (const g of grades) {
      if (!shared.has(g.grader)) continue;
      if (g.score !== null) {
        sum += g.score;
        n++;
      }
      if (g.pass !== null) {
        verdicts++;
        if (!g.pass) allPass = false;
      }
    }
    if (n > 0) overallScores.push(sum / n);
    if (verdicts > 0) overallPasses.push(allPass);
  }
  const graders = new Map([...rec.graders].filter(([name]) => shared.has(name)));
  return { ...rec, graders, overallScores, overallPasses };
}
