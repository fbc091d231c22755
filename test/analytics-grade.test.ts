import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDashboard } from '../src/analytics/dashboard/page.js';
import type { ChatEventInput } from '../src/analytics/events.js';
import { allocate } from '../src/analytics/grade/allocate.js';
import { sampleSessions, sessionCases } from '../src/analytics/grade/sample.js';
import { ingestFiles } from '../src/analytics/ingest/ingest.js';
import { analyticsSnapshot } from '../src/analytics/snapshot.js';
import { openStore } from '../src/analytics/store/open.js';
import type { AnalyticsStore } from '../src/analytics/store/store.js';
import { useFakeLlm } from './fake-llm/use.js';
import { launchBrowser } from './helpers/browser.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { config, NO_POSTGRES, POSTGRES_URL, tempPostgres, writeEvents } from './helpers/analytics.js';

const llm = useFakeLlm({ log: false });

/** 24 sessions with texts: refund on web (12), billing on web (6), refund on voice (6); one tool call each 3rd session. */
function trafficWithText(): ChatEventInput[] {
  const events: ChatEventInput[] = [];
  const t0 = Date.parse('2026-03-02T09:00:00Z');
  const plan: Array<[string, string, number]> = [['refund', 'web', 12], ['billing', 'web', 6], ['refund', 'voice', 6]];
  let s = 0;
  for (const [intent, channel, count] of plan) {
    for (let i = 0; i < count; i++, s++) {
      const session_id = `sess-${String(s).padStart(2, '0')}`;
      const base = { session_id, user_id: `u${s}`, channel, variant: s % 2 ? 'treatment' : 'control' };
      const at = (k: number) => new Date(t0 + s * 60_000 + k * 1000).toISOString();
      const steps: Array<[ChatEventInput['type'], Record<string, unknown>]> = [
        ['session_started', { intent, language: 'en' }],
        ['message_sent', { text: `I need help with my ${intent}, order ${s}.` }],
        ...(s % 3 === 0 ? [['tool_called', { tool: 'lookup_order' }] as [ChatEventInput['type'], Record<string, unknown>]] : []),
        ['message_received', { text: `Sure: your ${intent} for order ${s} is being handled and you will hear from us within 3 days.` }],
        ['session_ended', { outcome: 'resolved' }],
      ];
      steps.forEach(([type, properties], k) => events.push({ ...base, event_id: `${session_id}-${k}`, type, timestamp: at(k), properties } as ChatEventInput));
    }
  }
  // A session without texts cannot be graded and is never sampled.
  events.push({ event_id: 'bare-0', session_id: 'bare', user_id: 'ub', channel: 'web', type: 'session_started', timestamp: new Date(t0).toISOString(), properties: { intent: 'refund' } });
  return events;
}

let dir: string;
let eventsFile: string;
let evalConfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convotest-analytics-grade-'));
  eventsFile = await writeEvents(dir, 'traffic.jsonl', trafficWithText());
  evalConfig = join(dir, 'convotest.config.yaml');
  await writeFile(
    evalConfig,
    `graders: [${join(repoRoot, 'graders/support-quality.md')}]
defaultGraders: [support-quality]
judge: { provider: openai, model: judge-model, temperature: 0 }
pricing:
  judge-model: { input: 1, output: 2 }
htmlReport: false
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ OPENAI_API_KEY: 'test-key-analytics-grade', OPENAI_BASE_URL: llm.openaiBaseURL });

async function gradesOf(store: AnalyticsStore): Promise<Array<{ session_id: string; grader: string; passed: number | null }>> {
  const rows = await store.all('SELECT session_id, run_id, grader, passed FROM chat_grades ORDER BY session_id');
  return rows.map((r) => ({ session_id: String(r['session_id']), grader: String(r['grader']), passed: r['passed'] === null ? null : Number(r['passed']) }));
}

describe('stratified sampling of stored conversations', () => {
  it('allocates the sample in proportion to the strata, capped by their size', () => {
    const strata = [{ key: 'a', size: 12 }, { key: 'b', size: 6 }, { key: 'c', size: 6 }];
    expect(Object.fromEntries(allocate(strata, 8))).toEqual({ a: 4, b: 2, c: 2 });
    expect(Object.fromEntries(allocate(strata, 5))).toEqual({ a: 3, b: 1, c: 1 });
    expect(Object.fromEntries(allocate(strata, 100))).toEqual({ a: 12, b: 6, c: 6 });
    expect(allocate(strata, 0).size).toBe(0);
  });
});

describe('convotest analytics grade', () => {
  it('samples, grades through the run record with a judge over HTTP, joins the grades and shows them on the dashboard (DuckDB)', async () => {
    const store = join(dir, 'events.duckdb');
    expect((await runCli(['analytics', 'ingest', eventsFile, '--store', store], { cleanEnv: true })).code).toBe(0);
    const out = join(dir, 'runs', 'grades.jsonl');
    const r = await runCli(['analytics', 'grade', '--store', store, '--sample', '8', '--seed', '4', '--eval-config', evalConfig, '--out', out, '--progress', 'none'], {
      cleanEnv: true,
      env: env(),
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^graded 8 of 8 sampled sessions \(3 intent × channel strata, seed 4\); judge cost \$0\.\d{4}\n/);
    // The normal run record: header with the judge and grader, one recorded result per session.
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0]!;
    expect(header['judge']).toMatchObject({ provider: 'openai', model: 'judge-model' });
    const results = lines.filter((l) => l['type'] === 'result') as Array<{ caseId: string; mode: string; variant: string; tags: Record<string, string>; grades: Array<{ grader: string; pass: boolean | null; usage?: { input: number } }> }>;
    expect(results).toHaveLength(8);
    for (const result of results) {
      expect(result.mode).toBe('recorded');
      expect(result.grades.map((g) => g.grader)).toEqual(['support-quality']);
      expect(result.grades[0]!.usage!.input).toBeGreaterThan(0);
    }
    // Stratified: 12/6/6 sessions → 4/2/2 of 8.
    const strata = results.map((x) => `${x.tags['intent']}/${x.tags['channel']}`).sort();
    expect(strata.filter((k) => k === 'refund/web')).toHaveLength(4);
    expect(strata.filter((k) => k === 'billing/web')).toHaveLength(2);
    expect(strata.filter((k) => k === 'refund/voice')).toHaveLength(2);
    expect(llm.counts.requests).toBeGreaterThanOrEqual(8);

    // Joined back: one row per session and grader, with the run id of the record.
    const opened = await openStore(store);
    const grades = await gradesOf(opened);
    expect(grades.map((g) => g.session_id).sort()).toEqual(results.map((x) => x.caseId).sort());
    const [runRow] = await opened.all('SELECT DISTINCT run_id FROM chat_grades');
    expect(runRow!['run_id']).toBe(header['runId']);
    const snapshot = await analyticsSnapshot(opened, config());
    await opened.close();
    expect(snapshot.quality!.sessions).toBe(8);
    const q = snapshot.quality!.graders[0]!;
    expect(q.grader).toBe('support-quality');
    expect(q.overall.graded + q.overall.unscored).toBe(8);
    expect(q.slices.intent.map((x) => [x.slice, x.graded + x.unscored])).toEqual([['billing', 2], ['refund', 6]]);

    // The dashboard shows measured quality beside the KPIs (Chromium).
    const html = join(dir, 'dashboard.html');
    await writeFile(html, renderDashboard(snapshot));
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(pathToFileURL(html).href);
      expect(await page.textContent('#quality h2')).toBe('Quality (sampled)');
      const row = await page.$$eval('table[data-quality="overall"] tbody tr', (els) => els.map((el) => Array.from(el.querySelectorAll('td'), (td) => td.textContent)));
      expect(row).toHaveLength(1);
      expect(row[0]![0]).toBe('support-quality');
      expect(row[0]![1]).toMatch(/^\d+\.\d%$|^–$/);
      expect(row[0]![3]).toBe(String(q.overall.graded));
      const channels = await page.$$eval('table[data-quality-dimension="channel"] tbody tr td:first-child', (els) => els.map((el) => el.textContent));
      expect(channels).toEqual(['voice', 'web']);
      expect(await page.textContent('#quality')).toContain(String(header['runId']));
      await page.close();
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('stops at --max-cost with exit 3, keeping and joining what finished', async () => {
    const store = join(dir, 'budget.duckdb');
    expect((await runCli(['analytics', 'ingest', eventsFile, '--store', store], { cleanEnv: true })).code).toBe(0);
    const out = join(dir, 'runs', 'budget.jsonl');
    const r = await runCli(['analytics', 'grade', '--store', store, '--sample', '20', '--max-cost', '0.002', '--eval-config', evalConfig, '--out', out, '--progress', 'none'], {
      cleanEnv: true,
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not completed: budget of $0.002 reached');
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const results = lines.filter((l) => l['type'] === 'result');
    expect(lines.at(-1)!['status']).toBe('budget');
    expect(results.length).toBeLessThan(20);
    const opened = await openStore(store);
    expect(new Set((await gradesOf(opened)).map((g) => g.session_id)).size).toBe(results.length);
    await opened.close();
  }, 300_000);

  it('refuses a store with no conversation texts (exit 2) and says why', async () => {
    const store = join(dir, 'bare.duckdb');
    const bare = await writeEvents(dir, 'bare.jsonl', trafficWithText().filter((e) => e.session_id === 'bare'));
    expect((await runCli(['analytics', 'ingest', bare, '--store', store], { cleanEnv: true })).code).toBe(0);
    const r = await runCli(['analytics', 'grade', '--store', store, '--eval-config', evalConfig, '--progress', 'none'], { cleanEnv: true, env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no session in the store has agent replies with their text/);
  }, 120_000);
});

describe.skipIf(!POSTGRES_URL)(`analytics grade on PostgreSQL${POSTGRES_URL ? '' : ` (skipped: ${NO_POSTGRES})`}`, () => {
  it('samples the same sessions as DuckDB for a seed, rebuilds the same transcripts, and joins grades', async () => {
    const pg = await tempPostgres(POSTGRES_URL!);
    const duck = await openStore(join(dir, 'same.duckdb'));
    try {
      for (const store of [pg.store, duck]) await ingestFiles(store, [eventsFile]);
      const a = await sampleSessions(pg.store, { size: 9, seed: 11 });
      const b = await sampleSessions(duck, { size: 9, seed: 11 });
      expect(a).toEqual(b);
      expect(a).toHaveLength(9);
      expect(await sampleSessions(duck, { size: 9, seed: 12 })).not.toEqual(b);
      const casesA = await sessionCases(pg.store, a);
      expect(casesA).toEqual(await sessionCases(duck, b));
      expect(casesA.find((c) => c.id === 'sess-00')!.transcript).toEqual([
        { role: 'user', content: 'I need help with my refund, order 0.' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{}' } }] },
        { role: 'assistant', content: 'Sure: your refund for order 0 is being handled and you will hear from us within 3 days.' },
      ]);
    } finally {
      await duck.close();
      await pg.drop();
    }
    // End to end on PostgreSQL: the CLI grades and joins into the server's chat_grades.
    const pg2 = await tempPostgres(POSTGRES_URL!);
    try {
      await ingestFiles(pg2.store, [eventsFile]);
      const url = new URL(POSTGRES_URL!);
      const schema = String((await pg2.store.all('SELECT current_schema() AS s'))[0]!['s']);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const out = join(dir, 'runs', 'pg.jsonl');
      const r = await runCli(['analytics', 'grade', '--store', url.toString(), '--sample', '6', '--eval-config', evalConfig, '--out', out, '--progress', 'none'], { cleanEnv: true, env: env(), cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(new Set((await gradesOf(pg2.store)).map((g) => g.session_id)).size).toBe(6);
      const snapshot = await analyticsSnapshot(pg2.store, config());
      expect(snapshot.quality!.graders[0]!.overall.graded + snapshot.quality!.graders[0]!.overall.unscored).toBe(6);
    } finally {
      await pg2.drop();
    }
  }, 300_000);
});
