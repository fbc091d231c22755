import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRunAll } from '../src/io/run-reader.js';
import { renderHtmlReport } from '../src/report/html.js';
import { CLIENT_SCRIPT } from '../src/report/html/client-script.js';
import { jsonForScript } from '../src/report/html/escape.js';
import { buildPageData, caseStatus } from '../src/report/html/page-data.js';
import type { Label } from '../src/schema/label.js';
import { HOSTILE, writeSyntheticRun } from './helpers/synthetic-run.js';
import { runCli } from './helpers/cli.js';

let dir: string;
let cand: Awaited<ReturnType<typeof readRunAll>>;
let base: Awaited<ReturnType<typeof readRunAll>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convotest-html-'));
  await writeSyntheticRun(join(dir, 'base.jsonl'), { cases: 30, seed: 1, runId: 'base' });
  await writeSyntheticRun(join(dir, 'cand.jsonl'), { cases: 30, seed: 2, runId: 'cand', hostile: true, quality: -0.1 });
  cand = await readRunAll(join(dir, 'cand.jsonl'));
  base = await readRunAll(join(dir, 'base.jsonl'));
});

describe('renderHtmlReport', () => {
  it('is one self-contained file with a strict CSP that allows exactly its inline script and style', () => {
    const html = renderHtmlReport({ header: cand.header, results: cand.results });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain('img-src data:');
    const scriptHash = createHash('sha256').update(CLIENT_SCRIPT).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${scriptHash}'`);
    expect(html).not.toContain('unsafe-inline');
    // No external resource of any kind: the only URL is the SVG namespace (an identifier, never fetched).
    const urls = html.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*/gi) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).not.toMatch(/<(?:link|iframe|object|embed|img)\b/i);
    expect(html.match(/<script\b/g)).toHaveLength(2);
  });

  it('embeds hostile transcript text only as escaped JSON', () => {
    const html = renderHtmlReport({ header: cand.header, results: cand.results });
    expect(html).not.toContain(HOSTILE.script);
    expect(html).not.toContain('<img src=x');
    const block = /<script type="application\/json" id="convotest-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(block).not.toMatch(/[<>]/);
    const data = JSON.parse(block) as { results: Array<{ r: { transcript: Array<{ content: string | null }> } }> };
    expect(data.results.some((i) => i.r.transcript[0]?.content?.includes(HOSTILE.script))).toBe(true);
    expect(jsonForScript({ a: '</script><!--\u2028' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
  });

  it('shows the verdict, charts, slices and the delta chart with a baseline', () => {
    const html = renderHtmlReport({ header: cand.header, results: cand.results, baseline: { header: base.header, results: base.results } });
    expect(html).toMatch(/Gate verdict: <span class="word">(PASS|FAIL|INCONCLUSIVE)/);
    expect(html).toContain('Score distribution: helpfulness');
    expect(html).toContain('Pass rate by intent (95% CI)');
    expect(html).toContain('Quality (pass rate) vs cost per conversation');
    expect(html).toContain('Baseline base → candidate (points)');
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(8);
  });

  it('shows human-overridden pass rates and agreement when labels exist', () => {
    const r = cand.results.find((x) => x.grades.some((g) => g.grader === 'helpfulness' && g.pass === true));
    if (!r) throw new Error('fixture');
    const label: Label = { type: 'label', prev: '0'.repeat(64), caseId: r.caseId, variant: r.variant, grader: 'helpfulness', transcriptHash: r.transcriptHash, verdict: 'disagree', reviewer: 'ana', at: '2026-01-02T00:00:00Z' };
    const html = renderHtmlReport({ header: cand.header, results: cand.results, labels: [label] });
    expect(html).toContain('(1 labelled)');
    expect(html).toContain('Judge agreement with human labels');
  });
});

describe('page data', () => {
  it('status: errors are never fails; flips pair by case and variant', () => {
    expect(caseStatus({ grades: [{ grader: 'a', kind: 'k', scope: 'conversation', score: null, pass: null, error: { code: 'E', message: 'm' } }] })).toBe('error');
    expect(caseStatus({ grades: [{ grader: 'a', kind: 'k', scope: 'conversation', score: 0.2, pass: false }, { grader: 'b', kind: 'k', scope: 'conversation', score: null, pass: null, error: { code: 'E', message: 'm' } }] })).toBe('fail');
    const data = buildPageData({ header: cand.header, results: cand.results, baseline: { header: base.header, results: base.results }, labels: [] });
    const flipped = data.results.filter((i) => i.f);
    expect(flipped.length).toBeGreaterThan(0);
    for (const i of flipped) {
      const b = data.baseline[i.b ?? -1];
      expect(b?.caseId).toBe(i.r.caseId);
      expect(b?.variant).toBe(i.r.variant);
      expect(i.f === 'regressed' ? [i.bs, i.s] : [i.s, i.bs]).toEqual(['pass', 'fail']);
    }
  });
});

describe('convotest report', () => {
  it('writes <run>.html beside the run; json, junit and markdown (the run summary without a baseline) on request', async () => {
    const run = (args: string[]) => runCli(args);
    const html = await run(['report', join(dir, 'cand.jsonl'), '--baseline', join(dir, 'base.jsonl')]);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^wrote .*cand\.html \(\d+ KB, 60 results\)/);
    expect(await readFile(join(dir, 'cand.html'), 'utf8')).toContain('Gate verdict');
    const json = await run(['report', join(dir, 'cand.jsonl'), '--format', 'json']);
    expect(JSON.parse(json.stdout).summary.variants).toHaveLength(2);
    const junit = await run(['report', join(dir, 'cand.jsonl'), '--format', 'junit']);
    expect(junit.stdout).toContain('<testsuite');
    const md = await run(['report', join(dir, 'cand.jsonl'), '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## convotest run `/);
  }, 180_000);
});
