import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunWriter } from '../src/io/run-writer.js';
import { readRunAll } from '../src/io/run-reader.js';
import { renderHtmlReport } from '../src/report/html.js';
import { simulationStats } from '../src/report/html/simulation.js';
import { startViewServer } from '../src/review/server.js';
import { launchBrowser } from './helpers/browser.js';
import { repoRoot } from './helpers/cli.js';
import { simulatedResult } from './helpers/simulated-result.js';
import { HOSTILE, type SyntheticResult, syntheticHeader, syntheticResult } from './helpers/synthetic-run.js';

/**
 * A run mixing scripted (replay) and simulated-customer conversations, written with the real run
 * writer, then its HTML report and `convotest view` in Chromium.
 */
const out = join(repoRoot, 'test-output');
const options = { cases: 0, variants: ['bot'], runId: 'sim-run' };
let runPath: string;
let reportUrl: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

const GOAL = 'You want to cancel reservation Q7XK2M and get the refund on your card.';
const results: SyntheticResult[] = [
  syntheticResult(options, 0, 'bot'),
  syntheticResult(options, 1, 'bot'),
  simulatedResult(options, 0, 'bot', { goal: GOAL, persona: 'Terse, a bit impatient.', language: 'en', endReason: 'stop', turns: 3 }),
  simulatedResult(options, 1, 'bot', { goal: 'Quieres cambiar la dirección de entrega.', language: 'es', endReason: 'max_turns', turns: 4 }),
  simulatedResult(options, 2, 'bot', { goal: `You want a person. ${HOSTILE.img}`, endReason: 'escalation', turns: 2, costUsd: null }),
];

beforeAll(async () => {
  await mkdir(out, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'convotest-simulated-'));
  runPath = join(dir, 'run.jsonl');
  const writer = await createRunWriter(runPath, syntheticHeader(options), {});
  for (const r of results) await writer.writeResult(r);
  await writer.finish({ status: 'complete', endedAt: '2026-01-01T00:10:00.000Z', results: results.length, errors: 0 });
  const run = await readRunAll(runPath);
  await writeFile(join(dir, 'report.html'), renderHtmlReport({ header: run.header, results: run.results }));
  reportUrl = pathToFileURL(join(dir, 'report.html')).href;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  return { page, errors };
}

describe('simulated customers in the HTML report', () => {
  it('the overview counts simulated conversations, how they ended and the simulator cost', async () => {
    const { page, errors } = await open(reportUrl);
    const row = page.locator('#simulation table.simulation tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').allTextContents()).toEqual([
      'bot',
      '3',
      '3.0',
      'stop 1 · max_turns 1 · escalation 1',
      'openai:gpt-4o-mini',
      '2700 / 225',
      // one conversation's simulator had no price: the total is not a number
      'unpriced',
    ]);
    await page.locator('#simulation').screenshot({ path: join(out, 'report-simulated-overview.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks every simulated customer message and shows the goal, persona, language and end beside the conversation', async () => {
    const { page, errors } = await open(`${reportUrl}#case=sim-000&variant=bot`);
    await page.waitForSelector('#case .sim-panel');
    const messages = page.locator('#case .transcript .msg');
    expect(await messages.count()).toBe(6);
    const users = page.locator('#case .transcript .msg.user');
    expect(await users.count()).toBe(3);
    expect(await page.locator('#case .transcript .msg.user.simulated').count()).toBe(3);
    expect(await page.locator('#case .transcript .msg.user .badge.sim').allTextContents()).toEqual(['simulated customer', 'simulated customer', 'simulated customer']);
    expect(await page.locator('#msg-0 .role').textContent()).toBe('customer #0simulated customer');
    expect(await page.locator('#case .transcript .msg.assistant .badge.sim').count()).toBe(0);

    const panel = page.locator('#case .sim-panel');
    const terms = await panel.locator('dt').allTextContents();
    const values = await panel.locator('dd').allTextContents();
    expect(Object.fromEntries(terms.map((t, i) => [t, values[i]]))).toEqual({
      goal: GOAL,
      persona: 'Terse, a bit impatient.',
      language: 'en',
      ended: 'the customer ended it (goal met or given up) (stop)',
      'customer messages': '3',
      simulator: 'openai:gpt-4o-mini · in 900 / out 75 tok · $0.000360',
    });
    // beside the conversation, not under it
    const transcriptBox = await page.locator('#case .sim-layout .transcript').boundingBox();
    const panelBox = await panel.boundingBox();
    expect(panelBox!.x).toBeGreaterThan(transcriptBox!.x + transcriptBox!.width - 1);
    expect(panelBox!.y).toBeLessThan(transcriptBox!.y + 50);
    expect(await page.locator('#case .result > .meta').first().textContent()).toMatch(/ · simulated · .* · simulator \$0\.000360 · /);
    await page.screenshot({ path: join(out, 'report-simulated-case.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders the goal as text and says why each conversation ended', async () => {
    const { page } = await open(`${reportUrl}#case=sim-002&variant=bot`);
    await page.waitForSelector('#case .sim-panel');
    expect(await page.locator('#case .sim-panel dd').first().textContent()).toBe(`You want a person. ${HOSTILE.img}`);
    expect(await page.locator('#case .sim-panel img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('#case .sim-panel dd').nth(1).textContent()).toBe('the agent handed over to a human (escalation)');
    await page.goto(`${reportUrl}#case=sim-001&variant=bot`);
    await page.waitForSelector('#case .sim-panel');
    expect(await page.locator('#case .sim-panel').textContent()).toContain('max turns reached (max_turns)');
    await page.close();
  });

  it('a scripted case has no simulated marks', async () => {
    const { page } = await open(`${reportUrl}#case=${results[0]!.caseId}&variant=bot`);
    await page.waitForSelector('#case .transcript');
    expect(await page.locator('#case .sim-panel').count()).toBe(0);
    expect(await page.locator('#case .badge.sim').count()).toBe(0);
    expect(await page.locator('#msg-0 .role').textContent()).toBe('user #0');
    await page.close();
  });

  it('the case list marks simulated results and filters by mode', async () => {
    const { page } = await open(`${reportUrl}#cases`);
    await page.waitForSelector('#case-rows tr');
    const count = async () => (await page.textContent('#case-count'))?.split(' ')[0];
    expect(await count()).toBe('5');
    expect(await page.locator('#case-rows .badge.sim').count()).toBe(3);
    expect(await page.locator('#f-mode option').allTextContents()).toEqual(['mode: all', 'replay', 'simulated customer']);
    await page.selectOption('#f-mode', 'simulated');
    expect(await count()).toBe('3');
    await page.selectOption('#f-mode', 'replay');
    expect(await count()).toBe('2');
    await page.close();
  });

  it('convotest view shows the same marks and panel', async () => {
    const server = await startViewServer({ runPath, reviewer: 'rev' });
    try {
      const { page, errors } = await open(`${server.url}#case=sim-001&variant=bot`);
      await page.waitForSelector('#case .sim-panel');
      expect(await page.locator('#case .msg.user.simulated').count()).toBe(4);
      expect(await page.locator('#case .sim-panel dd').allTextContents()).toContain('es');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });
});

describe('simulationStats', () => {
  it('is empty without simulated results, and sums per variant in end-reason order', () => {
    expect(simulationStats([results[0]!, results[1]!])).toEqual([]);
    const two = [results[3]!, { ...results[2]!, variant: 'other' }, results[2]!];
    expect(simulationStats(two).map((s) => ({ v: s.variant, n: s.conversations, ends: s.ends, cost: s.costUsd }))).toEqual([
      { v: 'bot', n: 2, ends: [{ reason: 'stop', count: 1 }, { reason: 'max_turns', count: 1 }], cost: expect.closeTo(0.00084, 10) },
      { v: 'other', n: 1, ends: [{ reason: 'stop', count: 1 }], cost: expect.closeTo(0.00036, 10) },
    ]);
  });
});
