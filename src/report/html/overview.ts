import type { GraderAgreement, OverrideRate } from '../../core/agreement.js';
import type { Verdict } from '../../core/gate.js';
import type { RateStat, Summary, VariantSummary } from '../../core/summary.js';
import type { RunHeader } from '../../schema/run-record.js';
import { deltaChart, intervalBars, legend, qualityVsCost, scoreHistogram } from './charts.js';
import type { ErrorGroup, ErrorGroups } from './error-groups.js';
import { escapeHtml as e, num, pct, usd } from './escape.js';
import { type SimulationStats, simulationSection } from './simulation.js';

/** What the overview shows; every figure is computed before rendering. */
export interface OverviewInput {
  header: RunHeader;
  summary: Summary;
  /** Scores per variant and grader, for the distributions. */
  scores: Map<string, Map<string, number[]>>;
  baseline?: { header: RunHeader; summary: Summary };
  verdict?: Verdict;
  agreement: GraderAgreement[];
  overrides: OverrideRate[];
  labels: number;
  redactions: Record<string, number>;
  /** The run's conversation and grade errors, grouped by cause. */
  errors: ErrorGroups;
  /** Simulated-customer conversations per variant (empty when there is none). */
  simulation: SimulationStats[];
}

const rate = (r: RateStat): string =>
  r.rate === null ? '–' : `${pct(r.rate)} <span class="ci">[${pct(r.lo, 0)}–${pct(r.hi, 0)}]</span>`;
const errorCount = (n: number, what: string): string =>
  n ? `<span class="has-errors">${n} ${what}${n === 1 ? '' : 's'} errored</span>` : `0 ${what}s errored`;
const caseLink = (caseId: string, variant: string, text = caseId): string =>
  `<a href="#case=${e(encodeURIComponent(caseId))}&amp;variant=${e(encodeURIComponent(variant))}">${e(text)}</a>`;

function verdictSection(v: Verdict): string {
  const flips = [...v.flips.passToFail.map((f) => ({ ...f, dir: 'pass → fail' })), ...v.flips.failToPass.map((f) => ({ ...f, dir: 'fail → pass' }))];
  const rows = flips
    .slice(0, 50)
    .map((f) => `<tr><td>${caseLink(f.caseId, f.variant)}</td><td>${e(f.variant)}</td><td>${f.dir}</td><td>${e(f.graders.map((g) => g.grader).join(', '))}</td></tr>`)
    .join('');
  return `<section class="verdict verdict-${e(v.verdict)}" id="verdict">
<h2>Gate verdict: <span class="word">${e(v.verdict.toUpperCase())}</span></h2>
<p>baseline <code>${e(v.baseline.runId)}</code> → candidate <code>${e(v.candidate.runId)}</code>, ${v.pairing.shared} paired cases, confidence ${pct(v.confidence, 0)}</p>
${v.reasons.length ? `<ul class="reasons">${v.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : '<p>No blocking rule.</p>'}
${v.warnings.length ? `<details><summary>${v.warnings.length} warning(s)</summary><ul>${v.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul></details>` : ''}
<p>${v.flips.passToFail.length} case(s) flipped pass → fail, ${v.flips.failToPass.length} fail → pass.</p>
${rows ? `<details${flips.length <= 10 ? ' open' : ''}><summary>flipped cases${flips.length > 50 ? ' (first 50; all in Cases → vs baseline)' : ''}</summary><table class="flips"><thead><tr><th>case</th><th>variant</th><th>flip</th><th>graders</th></tr></thead><tbody>${rows}</tbody></table></details>` : ''}
</section>`;
}

function variantTable(header: RunHeader, variants: VariantSummary[]): string {
  const rows = variants.map((v) => {
    const info = header.variants.find((x) => x.name === v.variant);
    const k = v.kpis;
    return `<tr><td>${e(v.variant)}</td><td>${e(info?.model ?? info?.kind ?? '')}</td><td>${v.cases}</td><td>${rate(v.passRate)}</td><td>${num(v.score.mean)}</td><td>${v.errors}</td><td>${v.gradeErrors}</td><td>${usd(k.costPerConversationUsd)}</td><td>${usd(k.totalCostUsd)}</td><td>${usd(k.totalJudgeCostUsd)}</td><td>${k.latencyP50Ms === null ? '–' : Math.round(k.latencyP50Ms)} / ${k.latencyP95Ms === null ? '–' : Math.round(k.latencyP95Ms)} ms</td><td>${k.tokensPerConversation === null ? '–' : Math.round(k.tokensPerConversation)}</td><td>${pct(k.resolutionRate.value)}</td><td>${pct(k.escalationRate.value)}</td></tr>`;
  });
  return `<div class="table-scroll"><table class="variants"><thead><tr><th>variant</th><th>model</th><th>cases</th><th>pass rate [95% CI]</th><th>mean score</th><th title="conversations that could not finish">conv. errors</th><th title="grades with no verdict (never counted as fails)">grade errors</th><th>cost/conv</th><th>agent cost</th><th>judge cost</th><th>latency p50/p95</th><th>tokens/conv</th><th>resolution</th><th>escalation</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function graderTable(variants: VariantSummary[], overrides: OverrideRate[]): string {
  const rows = variants.flatMap((v) =>
    v.graders.map((g) => {
      const o = overrides.find((x) => x.variant === v.variant && x.grader === g.grader);
      const human = o && o.labelled > 0 ? `${pct(o.humanPassed / o.verdicts)} <span class="ci">(${o.labelled} labelled)</span>` : '–';
      return `<tr><td>${e(v.variant)}</td><td>${e(g.grader)}</td><td>${e(g.kind)}</td><td>${rate(g.passRate)}</td><td>${human}</td><td>${num(g.score.mean)}</td><td>${g.errors}</td></tr>`;
    }),
  );
  return `<table class="graders"><thead><tr><th>variant</th><th>grader</th><th>kind</th><th>pass rate (judge)</th><th>with human labels</th><th>mean score</th><th>grade errors</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function sliceTable(variants: VariantSummary[]): string {
  const names = [...new Set(variants.flatMap((v) => v.slices.map((s) => s.name)))].sort();
  const head = variants.map((v) => `<th>${e(v.variant)}</th>`).join('');
  const rows = names.map((name) => {
    const cells = variants.map((v) => {
      const s = v.slices.find((x) => x.name === name);
      return `<td>${s ? `${rate(s.passRate)} <span class="ci">n=${s.cases}</span>` : '–'}</td>`;
    });
    return `<tr><td>${e(name)}</td>${cells.join('')}</tr>`;
  });
  return `<div class="table-scroll"><table class="slices"><thead><tr><th>slice</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function agreementSection(agreement: GraderAgreement[], labels: number): string {
  if (labels === 0) return '';
  const rows = agreement.map(
    (a) =>
      `<tr><td>${e(a.grader)}</td><td>${a.labelled}</td><td>${pct(a.accuracy)}</td><td>${num(a.kappa)}</td><td>${a.matrix[0][0]} / ${a.matrix[0][1]} / ${a.matrix[1][0]} / ${a.matrix[1][1]}</td><td>${a.disagreements
        .slice(0, 20)
        .map((d) => caseLink(d.caseId, d.variant))
        .join(', ')}</td></tr>`,
  );
  return `<h2 id="agreement">Judge agreement with human labels</h2><p>${labels} label(s). Matrix: judge pass &amp; human pass / judge pass &amp; human fail / judge fail &amp; human pass / judge fail &amp; human fail.</p>
<table class="agreement"><thead><tr><th>grader</th><th>labelled</th><th>accuracy</th><th>Cohen's κ</th><th>matrix</th><th>disagreements</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Variants and graders the run was asked for but did not run, with the reason recorded in the header. */
function notRunSection(header: RunHeader): string {
  const items = [
    ...header.variants.filter((v) => v.skipped).map((v) => ({ what: 'variant', name: v.name, why: v.skipped ?? '' })),
    ...header.graders.filter((g) => g.skipped).map((g) => ({ what: 'grader', name: g.name, why: g.skipped ?? '' })),
  ];
  if (items.length === 0) return '';
  return `<section id="not-run"><h2>Not run</h2><ul class="not-run">${items.map((i) => `<li>${i.what} <strong>${e(i.name)}</strong>: ${e(i.why)}</li>`).join('')}</ul></section>`;
}

const SHOWN_CAUSES = 10;
function errorTable(groups: readonly ErrorGroup[], withGrader: boolean): string {
  const rows = groups
    .slice(0, SHOWN_CAUSES)
    .map(
      (g) =>
        `<tr>${withGrader ? `<td>${e(g.grader ?? '')}</td>` : ''}<td><code>${e(g.code)}</code></td><td class="msg-text">${e(g.message)}</td><td>${g.count}</td><td>${caseLink(g.example.caseId, g.example.variant)} <span class="ci">${e(g.example.variant)}</span></td></tr>`,
    )
    .join('');
  const more = groups.length > SHOWN_CAUSES ? `<p class="errors-note">${groups.length - SHOWN_CAUSES} more cause(s); filter the cases by status "error" to see them all.</p>` : '';
  return `<div class="table-scroll"><table class="errors"><thead><tr>${withGrader ? '<th>grader</th>' : ''}<th>code</th><th>message</th><th>count</th><th>e.g.</th></tr></thead><tbody>${rows}</tbody></table></div>${more}`;
}

/** Conversation errors and grade errors, apart, grouped by cause. */
function errorsSection(errors: ErrorGroups, results: number): string {
  const conv = errors.conversations.reduce((n, g) => n + g.count, 0);
  const grades = errors.grades.reduce((n, g) => n + g.count, 0);
  if (conv === 0 && grades === 0) return '';
  return `<section id="errors"><h2>Errors</h2>
${conv ? `<h3>${conv} of ${results} conversation(s) errored</h3><p class="errors-note">They could not finish (provider down past retries, timeout, cache miss): no verdict, not counted as fails.</p>${errorTable(errors.conversations, false)}` : ''}
${grades ? `<h3>${grades} grade(s) errored</h3><p class="errors-note">The grader gave no verdict: not counted as fails, left out of its pass rate.</p>${errorTable(errors.grades, true)}` : ''}
</section>`;
}

/** The overview section: what did not run, verdict, per-variant KPIs, errors by cause, charts, graders, slices, agreement, redactions. */
export function renderOverview(input: OverviewInput): string {
  const { header, summary } = input;
  const variants = summary.variants;
  const names = variants.map((v) => v.variant);
  const graders = [...new Set(variants.flatMap((v) => v.graders.map((g) => g.grader)))];
  const histograms = graders
    .map((g) => scoreHistogram(`Score distribution: ${g}`, names.map((n) => ({ name: n, scores: input.scores.get(n)?.get(g) ?? [] }))))
    .join('');
  const keys = [...new Set(variants.flatMap((v) => v.slices.map((s) => s.key)))].slice(0, 6);
  const sliceCharts = keys
    .map((key) => {
      const values = [...new Set(variants.flatMap((v) => v.slices.filter((s) => s.key === key).map((s) => s.value)))].sort().slice(0, 15);
      return intervalBars(
        `Pass rate by ${key} (95% CI)`,
        values.map((value) => ({
          label: value,
          bars: variants.map((v) => {
            const s = v.slices.find((x) => x.key === key && x.value === value);
            return s ? { value: s.passRate.rate, lo: s.passRate.lo, hi: s.passRate.hi, n: s.cases } : undefined;
          }),
        })),
      );
    })
    .join('');
  const scatter = qualityVsCost(variants.map((v) => ({ name: v.variant, cost: v.kpis.costPerConversationUsd, quality: v.passRate.rate })));
  let delta = '';
  if (input.baseline) {
    const base = input.baseline.summary.variants;
    const rows = variants.flatMap((v) => {
      const b = base.find((x) => x.variant === v.variant) ?? (base.length === 1 ? base[0] : undefined);
      if (!b) return [];
      const prefix = variants.length > 1 ? `${v.variant}: ` : '';
      const diff = (c: number | null, p: number | null) => (c === null || p === null ? null : c - p);
      return [
        { label: `${prefix}pass rate`, delta: diff(v.passRate.rate, b.passRate.rate) },
        { label: `${prefix}mean score`, delta: diff(v.score.mean, b.score.mean) },
        ...v.graders.map((g) => ({ label: `${prefix}${g.grader}`, delta: diff(g.passRate.rate, b.graders.find((x) => x.grader === g.grader)?.passRate.rate ?? null) })),
      ];
    });
    delta = deltaChart(`Baseline ${input.baseline.header.runId} → candidate (points)`, rows);
  }
  const redacted = Object.entries(input.redactions);
  const gradeErrors = variants.reduce((n, v) => n + v.gradeErrors, 0);
  return `<section id="overview" class="view">
<div class="run-meta"><h1>Run <code>${e(header.runId)}</code></h1>
<p>started ${e(header.startedAt)} · ${e(header.tool.name)} ${e(header.tool.version)}${header.git ? ` · git ${e(header.git.commit.slice(0, 10))}${header.git.dirty ? ' (dirty)' : ''}` : ''} · ${summary.results} results · ${errorCount(summary.errors, 'conversation')} · ${errorCount(gradeErrors, 'grade')}${header.judge ? ` · judge ${e(header.judge.provider)}/${e(header.judge.model)}` : ''}</p></div>
${notRunSection(header)}
${input.verdict ? verdictSection(input.verdict) : ''}
<h2>Variants</h2>${variantTable(header, variants)}
${simulationSection(input.simulation)}
${errorsSection(input.errors, summary.results)}
<h2>Charts</h2>${legend(names)}<div class="charts">${histograms}</div>
<div class="charts">${scatter}${delta}${sliceCharts}</div>
<h2>Graders</h2>${graderTable(variants, input.overrides)}
<h2>Slices</h2>${sliceTable(variants)}
${agreementSection(input.agreement, input.labels)}
${redacted.length ? `<h2>Redactions</h2><p>${redacted.map(([k, n]) => `${e(k)}: ${n}`).join(' · ')}</p>` : ''}
</section>`;
}
