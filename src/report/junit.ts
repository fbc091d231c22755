import type { CaseRecord } from '../core/case-table.js';
import { meanOrNull, passShare } from '../core/case-table.js';
import type { Verdict } from '../core/gate/types.js';

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot hold. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface TestCase {
  name: string;
  classname: string;
  failure?: { message: string; body: string };
  error?: { message: string };
}

/**
 * JUnit XML: one `<testcase>` per case × grader of the run (so any CI lists failing cases
 * natively; a grader error or a result error is an `<error>`, never a `<failure>`), plus, with a
 * verdict, a `convotest.gate` suite with one test case per gate rule.
 * A case with repeats fails when fewer than half of its repeats pass (or `casePass`).
 */
export function junitReport(records: Iterable<CaseRecord>, options: { verdict?: Verdict; casePass?: number; name?: string } = {}): string {
  const casePass = options.casePass ?? 0.5;
  const suites = new Map<string, TestCase[]>();
  for (const rec of records) {
    const suiteName = `${rec.variant}`;
    const list = suites.get(suiteName) ?? [];
    suites.set(suiteName, list);
    if (rec.resultErrors === rec.repeats) {
      list.push({ name: rec.caseId, classname: `convotest.${rec.variant}`, error: { message: rec.errorMessages[0] ?? 'error' } });
      continue;
    }
    for (const [grader, t] of rec.graders) {
      const tc: TestCase = { name: `${rec.caseId} › ${grader}`, classname: `convotest.${rec.variant}.${grader}` };
      const share = passShare(t.passes);
      if (share === null) tc.error = { message: `${grader}: no verdict (${t.errors} error(s))` };
      else if (share < casePass) {
        const score = meanOrNull(t.scores);
        tc.failure = {
          message: `${grader} failed${score !== null ? ` (score ${score.toFixed(3)}${t.threshold !== undefined ? ` < ${t.threshold}` : ''})` : ''}`,
          body: `${t.failReason ?? ''}${t.passes.length > 1 ? `\npassed ${t.passes.filter(Boolean).length}/${t.passes.length} repeats` : ''}`,
        };
      }
      list.push(tc);
    }
  }
  if (options.verdict) suites.set('convotest.gate', gateCases(options.verdict));
  const count = (list: TestCase[]) => ({
    tests: list.length,
    failures: list.filter((t) => t.failure).length,
    errors: list.filter((t) => t.error).length,
  });
  const all = [...suites.values()].flat();
  const total = count(all);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${xmlEscape(options.name ?? 'convotest')}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}">`);
  for (const [name, list] of suites) {
    const c = count(list);
    out.push(`  <testsuite name="${xmlEscape(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}">`);
    for (const t of list) {
      const open = `    <testcase name="${xmlEscape(t.name)}" classname="${xmlEscape(t.classname)}"`;
      if (t.failure) {
        out.push(`${open}>`, `      <failure message="${xmlEscape(t.failure.message)}">${xmlEscape(t.failure.body)}</failure>`, '    </testcase>');
      } else if (t.error) {
        out.push(`${open}>`, `      <error message="${xmlEscape(t.error.message)}"/>`, '    </testcase>');
      } else out.push(`${open}/>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/**
 * One test case per gate rule (variant-prefixed when several variants are gated), plus an
 * `<error>` for each reason a variant is inconclusive that no rule carries (missing cases, a
 * grader the candidate lacks, a rule naming nothing).
 */
function gateCases(v: Verdict): TestCase[] {
  const several = v.variants.length > 1;
  const cases: TestCase[] = v.rules.map((r) => {
    const tc: TestCase = { name: `${several ? `${r.variant} › ` : ''}${r.rule} ${r.metric}${r.slice ? ` [${r.slice}]` : ''}`, classname: 'convotest.gate' };
    if (r.blocking && r.rule === 'maxErrorRate') tc.error = { message: `inconclusive: ${r.message}` };
    else if (r.blocking) tc.failure = { message: r.message, body: r.caseIds ? `cases: ${r.caseIds.join(', ')}` : '' };
    return tc;
  });
  const ruled = new Set(v.rules.filter((r) => r.blocking).map((r) => r.message));
  for (const x of v.variants) {
    if (x.verdict !== 'inconclusive') continue;
    for (const reason of x.reasons) {
      if (!ruled.has(reason)) cases.push({ name: `${x.variant} › inconclusive`, classname: 'convotest.gate', error: { message: `inconclusive: ${reason}` } });
    }
  }
  return cases;
}
