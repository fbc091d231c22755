import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../src/report/html.js';
import { groupErrors } from '../src/report/html/error-groups.js';
import { fitText, placeLabels } from '../src/report/html/label-layout.js';
import { buildPageData } from '../src/report/html/page-data.js';
import { launchBrowser } from './helpers/browser.js';
import { LONG_GRADER, mixedRun } from './helpers/mixed-run.js';

const run = mixedRun();
const conversationErrors = run.results.filter((r) => r.error).length;
const gradeErrors = run.results.reduce((n, r) => n + r.grades.filter((g) => g.error).length, 0);
const text = (html: string) => html.replace(/<[^>]+>/g, '');
let html: string;

beforeAll(() => {
  html = renderHtmlReport({ ...run, resamples: 200 });
});

describe('overview: errors and what did not run', () => {
  it('counts errored conversations and errored grades apart in the header', () => {
    expect(conversationErrors).toBeGreaterThanOrEqual(2);
    expect(gradeErrors).toBeGreaterThan(conversationErrors);
    const meta = text(/<div class="run-meta">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '');
    expect(meta).toContain(`${run.results.length} results · ${conversationErrors} conversations errored · ${gradeErrors} grades errored`);
  });

  it('lists errors by cause: conversations apart from grades, each with a count and an example case', () => {
    const groups = groupErrors(run.results);
    expect(groups.conversations.reduce((n, g) => n + g.count, 0)).toBe(conversationErrors);
    expect(groups.grades.reduce((n, g) => n + g.count, 0)).toBe(gradeErrors);
    const parse = groups.grades.find((g) => g.grader === 'helpfulness' && g.code === 'E_JUDGE_PARSE');
    expect(parse?.count).toBe(run.results.filter((r) => r.grades.some((g) => g.grader === 'helpfulness' && g.error?.code === 'E_JUDGE_PARSE')).length);
    const section = text(/<section id="errors">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '');
    expect(section).toContain(`${conversationErrors} of ${run.results.length} conversation(s) errored`);
    expect(section).toContain(`${gradeErrors} grade(s) errored`);
    expect(section).toMatch(/E_PROVIDERopenai gpt-4\.1: connection refused\d+/);
    expect(section).toMatch(/helpfulnessE_JUDGE_PARSEunparsable judge answer\d+/);
  });

  it('lists the skipped variant and grader with their reasons', () => {
    const section = text(/<section id="not-run">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '');
    expect(section).toContain('variant claude: ANTHROPIC_API_KEY is not set');
    expect(section).toContain('grader support-quality: needs a judge model: OPENAI_API_KEY is not set');
  });

  it('filters offer every variant with results (recorded included) and only the graders that ran', () => {
    const data = buildPageData({ ...run, labels: [] });
    expect(data.variants).toEqual(['baseline', 'candidate', 'twin', 'recorded']);
    expect(data.graders).toEqual(['helpfulness', 'policy', LONG_GRADER]);
  });
});

describe('chart labels', () => {
  it('fitText shortens only what does not fit; placeLabels never overlaps labels or points', () => {
    expect(fitText('short', 100)).toBe('short');
    expect(fitText('forbidden-promises', 60)).toBe('forbidde…');
    const area = { x: 0, y: 0, w: 300, h: 200 };
    const points = [
      { x: 290, y: 190, text: 'gpt-concise' },
      { x: 290, y: 190, text: 'gpt-detailed' },
      { x: 292, y: 188, text: 'claude-concise' },
      { x: 10, y: 10, text: 'baseline' },
    ];
    const placed = placeLabels(points, area, 6);
    const boxes = placed.map((p) => p.box);
    for (const [i, a] of boxes.entries()) {
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.x + a.w).toBeLessThanOrEqual(300);
      expect(a.y + a.h).toBeLessThanOrEqual(200);
      for (const b of boxes.slice(i + 1)) expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
    }
    expect(placed.filter((p) => p.moved).length).toBeGreaterThanOrEqual(2);
  });
});

describe('overview and case view in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let url: string;
  let page: Page;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-overview-'));
    await writeFile(join(dir, 'report.html'), html);
    url = pathToFileURL(join(dir, 'report.html')).href;
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  /** A fresh load (a goto that only changes the hash would keep the page's filter state). */
  const open = async (hash = '') => {
    await page.goto('about:blank');
    await page.goto(`${url}${hash}`);
    await page.waitForSelector('body[data-ready="1"]');
  };

  it('no chart title or label is cut off, and no two point labels overlap', async () => {
    await open();
    // Every text drawn in an SVG lies inside the SVG (nothing runs past an edge).
    const outside = await page.locator('#overview svg.chart').evaluateAll((svgs) =>
      svgs.flatMap((svg) => {
        const s = svg.getBoundingClientRect();
        return Array.from(svg.querySelectorAll('text'))
          .map((t) => ({ t: t.textContent ?? '', r: t.getBoundingClientRect() }))
          .filter(({ r }) => r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5)
          .map(({ t }) => `${svg.querySelector('title')?.textContent}: ${t}`);
      }),
    );
    expect(outside).toEqual([]);
    // Quality vs cost: candidate and twin share a point; their labels (and all others) do not overlap.
    const overlapping = await page.locator('#overview svg.chart').evaluateAll((svgs) => {
      const svg = svgs.find((s) => s.querySelector('title')?.textContent?.startsWith('Quality'));
      if (!svg) return ['no quality vs cost chart'];
      const boxes = Array.from(svg.querySelectorAll('text')).map((t) => ({ t: t.textContent ?? '', r: t.getBoundingClientRect() }));
      const out: string[] = [];
      boxes.forEach((a, i) =>
        boxes.slice(i + 1).forEach((b) => {
          if (a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom) out.push(`${a.t} × ${b.t}`);
        }),
      );
      return out;
    });
    expect(overlapping).toEqual([]);
    // Every chart title is shown whole (the grader name included), inside its chart's box.
    const titles = await page.locator('#overview .chart-box').evaluateAll((figs) =>
      figs.map((f) => {
        const cap = f.querySelector('figcaption');
        const box = f.getBoundingClientRect();
        const c = cap?.getBoundingClientRect();
        return { text: cap?.textContent ?? '', inside: !!c && c.left >= box.left && c.right <= box.right + 0.5, clipped: !!cap && cap.scrollWidth > cap.clientWidth };
      }),
    );
    expect(titles.map((t) => t.text)).toContain(`Score distribution: ${LONG_GRADER}`);
    expect(titles.filter((t) => !t.inside || t.clipped)).toEqual([]);
    expect(await page.textContent('.run-meta')).toContain(`${conversationErrors} conversations errored · ${gradeErrors} grades errored`);
  });

  it('the case list filters offer recorded and only the graders that ran', async () => {
    await open('#cases');
    await page.waitForSelector('.case-row');
    const options = (id: string) => page.locator(`${id} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(await options('#f-variant')).toEqual(['baseline', 'candidate', 'twin', 'recorded']);
    expect(await options('#f-grader')).toEqual(['helpfulness', 'policy', LONG_GRADER]);
    await page.selectOption('#f-variant', 'recorded');
    expect(await page.textContent('#case-count')).toMatch(/^4 of /);
    // The heading of the list is not hidden under the sticky bar after following #cases.
    const [bar, heading] = await Promise.all([page.locator('header.top').boundingBox(), page.locator('#cases h2').boundingBox()]);
    expect((heading?.y ?? 0) + 1).toBeGreaterThanOrEqual((bar?.y ?? 0) + (bar?.height ?? 0));
  });

  it('error badges and chips are readable and never styled as fails', async () => {
    await open('#compare');
    await page.waitForSelector('table.compare');
    const colours = (selector: string) =>
      page.locator(selector).evaluateAll((els) => els.map((e) => ({ fg: getComputedStyle(e).color, bg: getComputedStyle(e).backgroundColor })));
    const badges = await colours('#compare .badge');
    expect(badges.length).toBeGreaterThan(0);
    expect(badges.filter((b) => b.fg === b.bg)).toEqual([]);
    const errorBadges = await colours('#compare .badge.error');
    expect(errorBadges.length).toBeGreaterThan(0);
    expect(new Set(errorBadges.map((b) => b.fg))).toEqual(new Set(['rgb(255, 255, 255)']));
    await open('#cases');
    await page.waitForSelector('.case-row');
    const fail = (await colours('.case-row .badge.fail'))[0];
    const errorChips = await colours('.case-row .score.error');
    expect(errorChips.length).toBeGreaterThan(0);
    expect(errorChips.filter((c) => c.fg === fail?.bg)).toEqual([]);
    expect(await page.locator('.case-row .score.error').first().textContent()).toMatch(/ error$/);
  });

  it('a case view separates the links to its other variants', async () => {
    await open('#case=refund-0005&variant=candidate');
    await page.waitForSelector('#case .transcript');
    const head = (await page.textContent('#case .case-head')) ?? '';
    expect(head).toContain('other variants: baseline, twin');
    expect(await page.locator('#case .case-head a.sibling').allTextContents()).toEqual(['baseline', 'twin']);
  });
});
