import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDashboard } from '../src/analytics/dashboard/page.js';
import { ingestFiles } from '../src/analytics/ingest/ingest.js';
import { analyticsSnapshot, type AnalyticsSnapshot } from '../src/analytics/snapshot.js';
import { syntheticTraffic } from '../src/analytics/synthetic.js';
import { launchBrowser } from './helpers/browser.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { config, tempDuckDb, writeEvents } from './helpers/analytics.js';

const out = join(repoRoot, 'test-output');
let dir: string;
let snapshot: AnalyticsSnapshot;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

const cfg = config({
  targets: { fallback: { max: 0.1 } },
  knownIntents: ['order_status', 'product_question', 'refund', 'billing', 'purchase', 'cancel_subscription'],
  funnels: [
    {
      name: 'checkout',
      steps: [
        { name: 'asked', event: 'message_sent' },
        { name: 'checkout started', event: 'flow_started', where: { flow: 'checkout' } },
        { name: 'converted', event: 'conversion' },
      ],
    },
  ],
  experiment: { name: 'prompt-v2 <b>', variants: { control: 1, treatment: 1 }, baselineRate: 0.14 },
});

beforeAll(async () => {
  const t = await tempDuckDb();
  dir = t.dir;
  const file = await writeEvents(dir, 'traffic.jsonl', [...syntheticTraffic({ seed: 3, sessions: 6000, days: 28 })]);
  await ingestFiles(t.store, [file]);
  snapshot = await analyticsSnapshot(t.store, cfg);
  await t.store.close();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('analytics dashboard in Chromium', () => {
  it('renders offline under its CSP: KPI cards against targets, trends, slices, funnel and the A/B test', async () => {
    const html = renderDashboard(snapshot);
    const file = join(dir, 'dashboard.html');
    await writeFile(file, html);
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    // The stylesheet applied (allowed by its hash): cards are laid out in a grid.
    expect(await page.$eval('.cards', (el) => getComputedStyle(el).display)).toBe('grid');
    const cards = await page.$$eval('.card', (els) => els.map((el) => ({ kpi: el.getAttribute('data-kpi'), cls: el.className, text: el.textContent ?? '' })));
    expect(cards.map((c) => c.kpi)).toEqual(['resolution', 'fcr', 'deflection', 'escalation', 'fallback', 'conversion', 'revenue_per_chat', 'csat', 'ces', 'handle_time', 'first_response_time', 'tokens_per_conversation', 'cost_per_conversation', 'cost_per_resolved']);
    const csat = cards.find((c) => c.kpi === 'csat')!;
    expect(csat.cls).toContain('missed');
    expect(csat.text).toContain('target ≥ 80.0%');
    expect(cards.find((c) => c.kpi === 'escalation')!.cls).toContain('met');
    // Every card with two or more weeks has a sparkline with a point per week.
    expect(snapshot.kpis.trend.granularity).toBe('week');
    expect(await page.$$eval('.card[data-kpi="conversion"] svg circle', (els) => els.length)).toBe(snapshot.kpis.trend.points.length);
    expect(await page.textContent('#unseen')).toContain('warranty_claim');
    const channels = await page.$$eval('table[data-dimension="channel"] tbody tr td:first-child', (els) => els.map((el) => el.textContent));
    expect(channels).toEqual(['mobile', 'voice', 'web', 'whatsapp']);
    const funnelRows = await page.$$eval('[data-funnel="checkout"] tbody tr', (els) => els.length);
    expect(funnelRows).toBe(3 * 3); // all, control, treatment × 3 steps
    const verdict = await page.textContent('#ab .verdict');
    expect(verdict).toContain('Fixed horizon');
    // Names from config and data are escaped, never markup.
    expect(await page.textContent('#ab h2')).toBe('A/B test: prompt-v2 <b>');
    await mkdir(out, { recursive: true });
    await page.screenshot({ path: join(out, 'analytics-dashboard.png'), fullPage: true });
    await page.close();
  });

  it('states an empty store plainly', () => {
    const empty = renderDashboard({ ...snapshot, events: 0, kpis: { ...snapshot.kpis, overall: { ...snapshot.kpis.overall, aggregates: { ...snapshot.kpis.overall.aggregates, sessions: 0 } } } });
    expect(empty).toContain('No sessions in the store yet');
  });
});

describe('convotest analytics generate → ingest → kpis → dashboard (CLI)', () => {
  it('runs the demo pipeline with no key and no server', async () => {
    const file = join(dir, 'cli-events.jsonl');
    const store = join(dir, 'cli.duckdb');
    const cfgFile = join(repoRoot, 'examples/analytics/convotest.analytics.yaml');
    const gen = await runCli(['analytics', 'generate', '--out', file, '--sessions', '800', '--seed', '5'], { cleanEnv: true });
    expect(gen).toMatchObject({ code: 0, stderr: '' });
    expect(gen.stdout).toMatch(/^wrote \d+ events \(800 sessions, seed 5\) to /);
    const ingest = await runCli(['analytics', 'ingest', file, '--store', store, '-c', cfgFile], { cleanEnv: true });
    expect(ingest.code).toBe(0);
    const again = await runCli(['analytics', 'ingest', file, '--store', store, '-c', cfgFile], { cleanEnv: true });
    expect(again.stdout).toMatch(/^ingested 0 new events .* \(\d+ duplicates\)\n$/);
    const kpis = await runCli(['analytics', 'kpis', '--store', store, '-c', cfgFile], { cleanEnv: true });
    expect(kpis.code).toBe(0);
    expect(kpis.stdout).toMatch(/^800 sessions, \d[\d,]* events, 2026-01-0\d – 2026-02-0\d/);
    expect(kpis.stdout).toContain('A/B test prompt-v2 (conversion):\n  Still collecting:');
    const html = join(dir, 'cli.html');
    const dash = await runCli(['analytics', 'dashboard', '--store', store, '-c', cfgFile, '--out', html], { cleanEnv: true });
    expect(dash).toMatchObject({ code: 0, stdout: `wrote ${html} (800 sessions)\n` });
    const badConfig = join(dir, 'bad.yaml');
    await writeFile(badConfig, 'funnels:\n  - name: x\n    steps:\n      - { name: a, event: nope }\n      - { name: b, event: conversion }\n');
    const bad = await runCli(['analytics', 'kpis', '--store', store, '-c', badConfig], { cleanEnv: true });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^convotest: .*bad\.yaml {2}funnels\[0\]\.steps\[0\]\.event {2}Invalid option/);
  }, 300_000);
});
