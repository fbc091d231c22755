import { describe, expect, it } from 'vitest';
import { syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { gate, gateRun } from '../src/core/gate.js';
import { gateConsole } from '../src/report/console-gate.js';
import { escapeData, escapeProperty, githubAnnotations } from '../src/report/github.js';
import { gateJson } from '../src/report/json.js';
import { junitReport, xmlEscape } from '../src/report/junit.js';
import { gateMarkdown, mdCell } from '../src/report/markdown-gate.js';
import { GateRulesSchema } from '../src/schema/gate.js';

const run = (id: string, failing: number[], errorCase?: number) =>
  gateRun(
    syntheticHeader(id),
    Array.from({ length: 12 }, (_, i) =>
      syntheticResult({
        caseId: `case-${i}`,
        tags: { intent: i < 6 ? 'refund' : 'billing' },
        grades: [
          { score: failing.includes(i) ? 0 : 1, reason: failing.includes(i) ? `said "refunds take <2 days> & are free" | case ${i}` : 'ok' },
          i === errorCase ? { grader: 'tone', score: null, error: 'judge timed out' } : { grader: 'tone', score: 1 },
        ],
      }),
    ),
  );

const base = run('base-1', [11]);
const cand = run('cand-2', [0, 1, 2, 3, 4], 7);
const verdict = gate(base, cand, GateRulesSchema.parse({ floors: [{ metric: 'quality.passRate', min: 0.9 }], maxErrorRate: 0.1 }));

describe('gate reporters', () => {
  it('Markdown: verdict first, moved metrics, flipped cases, details', () => {
    // The rendering is deterministic (seeded bootstrap); only the run ids vary in real use.
    expect(gateMarkdown(verdict)).toMatchInlineSnapshot(`
      "## ❌ convotest gate: **FAIL**

      Baseline \`base-1\` → candidate \`cand-2\` · 12 shared cases · 5 pass→fail, 1 fail→pass

      - quality.passRate is 0.583, below the floor 0.9

      ### Metrics that moved

      | metric | slice | baseline | candidate | Δ (points) | 95 % CI of Δ | p (Holm) | limit | status |
      |---|---|---:|---:|---:|---|---:|---|---|
      | score | all | 95.8 | 79.2 | -16.7 | -33.3 … +0.0 | 0.328 | −2.0 | over limit, not significant |
      | quality.passRate | all | 91.7 | 58.3 | -33.3 | -66.7 … +8.3 | 0.328 | −2.0 | over limit, not significant |
      | quality.passRate | all | – | 58.3 | – | – | – | ≥ 0.9 | **blocks** |

      ### Where it dropped

      The slice of each tag key whose overall score dropped most (information: not a rule).

      | slice | baseline | candidate | Δ (points) | cases |
      |---|---:|---:|---:|---:|
      | intent=refund | 100.0 | 58.3 | -41.7 | 6 |

      ### Flipped cases

      **pass → fail (5)**

      | case | variant | score | graders and reasons |
      |---|---|---:|---|
      | \`case-0\` | main | 100.0 → 50.0 | **quality**: said "refunds take &lt;2 days&gt; &amp; are free" \\| case 0 |
      | \`case-1\` | main | 100.0 → 50.0 | **quality**: said "refunds take &lt;2 days&gt; &amp; are free" \\| case 1 |
      | \`case-2\` | main | 100.0 → 50.0 | **quality**: said "refunds take &lt;2 days&gt; &amp; are free" \\| case 2 |
      | \`case-3\` | main | 100.0 → 50.0 | **quality**: said "refunds take &lt;2 days&gt; &amp; are free" \\| case 3 |
      | \`case-4\` | main | 100.0 → 50.0 | **quality**: said "refunds take &lt;2 days&gt; &amp; are free" \\| case 4 |

      <details><summary>fail → pass (1)</summary>

      | case | variant | score | graders and reasons |
      |---|---|---:|---|
      | \`case-11\` | main | 50.0 → 100.0 | **quality**: said "refunds take &lt;2 days&gt; &amp; are free" \\| case 11 |

      </details>

      <details><summary>Power, pairing and every rule</summary>

      - This 12-case comparison cannot reliably see overall score drops under 58.3 points (80 % power, per-case drop SD 0.326); seeing drops of 5.0 points needs about 445 cases.
      - This 12-case comparison cannot reliably see pass rate drops under 100.0 points (80 % power, discordance 50.0 %); seeing drops of 5.0 points needs about 2185 cases.
      - 3 drop tests, Holm-corrected; a drop blocks when it exceeds its limit and the 95 % interval excludes zero.
      - Errors: 0/12 results, 1/24 grades.

      | metric | slice | baseline | candidate | Δ (points) | 95 % CI of Δ | p (Holm) | limit | status |
      |---|---|---:|---:|---:|---|---:|---|---|
      | score | all | 95.8 | 79.2 | -16.7 | -33.3 … +0.0 | 0.328 | −2.0 | over limit, not significant |
      | quality.passRate | all | 91.7 | 58.3 | -33.3 | -66.7 … +8.3 | 0.328 | −2.0 | over limit, not significant |
      | tone.passRate | all | 100.0 | 100.0 | +0.0 | +0.0 … +0.0 | 1.000 | −2.0 | ok |
      | quality.passRate | all | – | 58.3 | – | – | – | ≥ 0.9 | **blocks** |
      | errorRate | all | – | 4.2 % | – | – | – | ≤ 10.0 % | ok |

      </details>
      "
    `);
  });

  it('JUnit: one test case per case × grader, failures and errors native, XML escaped', () => {
    const xml = junitReport(cand.records.values(), { verdict });
    expect(xml.split('\n').slice(0, 8).join('\n')).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="convotest" tests="29" failures="6" errors="1">
        <testsuite name="main" tests="24" failures="5" errors="1">
          <testcase name="case-0 › quality" classname="convotest.main.quality">
            <failure message="quality failed (score 0.000 &lt; 0.5)">said &quot;refunds take &lt;2 days&gt; &amp; are free&quot; | case 0</failure>
          </testcase>
          <testcase name="case-0 › tone" classname="convotest.main.tone"/>
          <testcase name="case-1 › quality" classname="convotest.main.quality">"
    `);
    expect(xml).toContain('<testcase name="case-7 › tone" classname="convotest.main.tone">\n      <error message="tone: no verdict (1 error(s))"/>');
    expect(xml).toContain('said &quot;refunds take &lt;2 days&gt; &amp; are free&quot; | case 0');
    expect(xml).toMatch(/<testsuite name="convotest.gate" tests="\d+" failures="1" errors="0">/);
  });

  it('console: aligned columns, no colour codes without a TTY', () => {
    const text = gateConsole(verdict);
    expect(text).not.toContain('\u001b[');
    expect(text.split('\n')[0]).toBe('gate FAIL  base-1 → cand-2  12 shared cases, 5 pass→fail, 1 fail→pass');
    expect(gateConsole(verdict, { color: true })).toContain('\u001b[31mFAIL\u001b[0m');
  });

  it('GitHub annotations escape workflow-command syntax', () => {
    expect(escapeData('50% done\nnext')).toBe('50%25 done%0Anext');
    expect(escapeProperty('a: b, c')).toBe('a%3A b%2C c');
    const lines = githubAnnotations(verdict).trim().split('\n');
    expect(lines.filter((l) => l.startsWith('::error title=convotest gate fail::'))).toEqual([
      '::error title=convotest gate fail::quality.passRate is 0.583, below the floor 0.9',
    ]);
    expect(lines.filter((l) => l.startsWith('::warning'))).toHaveLength(2);
  });

  it('JSON round-trips and names its format', () => {
    const parsed = JSON.parse(gateJson(verdict));
    expect(parsed.format).toBe('convotest.verdict/1');
    expect(parsed.flips.passToFail.map((f: { caseId: string }) => f.caseId)).toHaveLength(5);
  });

  it.each([
    ['a|b', 'a\\|b'],
    ['<script>', '&lt;script&gt;'],
    ['line\nbreak', 'line break'],
  ])('mdCell(%j) = %j', (input, out) => expect(mdCell(input)).toBe(out));

  it.each([
    ['a & b', 'a &amp; b'],
    ['"x" <y>', '&quot;x&quot; &lt;y&gt;'],
    ['bell\u0007', 'bell'],
  ])('xmlEscape(%j) = %j', (input, out) => expect(xmlEscape(input)).toBe(out));
});
