import type { ResolvedCase } from '../schema/golden-set.js';
import type { TranscriptMessage } from '../schema/run-record.js';

/** The pseudo-variant under which recorded transcript cases are graded (once per run). */
export const RECORDED_VARIANT = 'recorded';

export interface WorkItem {
  testCase: ResolvedCase;
  /** Variant name, or RECORDED_VARIANT for a transcript case. */
  variant: string;
  repeat: number;
}

/** Identity of a result: what resume and gates match on. */
export function resultKey(caseId: string, variant: string, repeat: number): string {
  return `${caseId}\u0000${variant}\u0000${repeat}`;
}

/**
 * The (case × variant × repeat) work, case-major, lazily: replayed (`turns`) and simulated
 * (`user:`) cases go to every variant, recorded transcripts are graded once. Keys in `done` (a resumed run's finished results) are skipped.
 */
export function* planWork(
  cases: readonly ResolvedCase[],
  variants: readonly string[],
  repeat: number,
  done: ReadonlySet<string> = new Set(),
): Generator<WorkItem> {
  for (const testCase of cases) {
    const targets = testCase.transcript ? [RECORDED_VARIANT] : variants;
    const repeats = testCase.transcript ? 1 : repeat;
    for (let r = 0; r < repeats; r++) {
      for (const variant of targets) {
        if (!done.has(resultKey(testCase.id, variant, r))) yield { testCase, variant, repeat: r };
      }
    }
  }
}

export function countWork(cases: readonly ResolvedCase[], variants: number, repeat: number): number {
  let n = 0;
  for (const c of cases) n += c.transcript ? 1 : variants * repeat;
  return n;
}

/** A recorded transcript as the run record stores it (system messages stay on the case). */
export function recordedTranscript(testCase: ResolvedCase): TranscriptMessage[] {
  let turn = -1;
  return (testCase.transcript ?? [])
    .filter((m) => m.role !== 'system')
    .map((m) => {
      if (m.role === 'user') turn += 1;
      return { ...m, scripted: true, turn: Math.max(turn, 0) };
    });
}
