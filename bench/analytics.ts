/**
 * Analytics bench: `npx tsx bench/analytics.ts [--quick] [--events 10000000] [--store FILE] [--pg-events 1000000] [--sims 10000] [--only duckdb|postgres|ab]`.
 * `--quick`: 1 M DuckDB events, 200,000 PostgreSQL events, 2,000 simulations (the targets are for the full sizes).
 * `--events-file F`: the DuckDB events file; generated there and kept when absent, reused as it is when present
 * (generating 10 M events takes ~40 s). `--rows`: ingest through the row path (every event sent as a row)
 * instead of DuckDB reading the plain JSONL file itself.
 * `--store FILE`: the DuckDB store is kept in FILE; when FILE already exists, generation and ingest
 * are skipped and only the KPIs are timed over it (to try KPI changes without re-ingesting).
 *
 * 1. DuckDB ingest: writes `--events` synthetic events (src/analytics/synthetic.ts, seed 1) to a
 *    JSONL file (not timed), then runs the real ingest (read, validate every line, stage chunks,
 *    load them with DuckDB's JSON reader, de-duplicate, commit) in a child process and reports
 *    wall time, the child's CPU time (all its threads, DuckDB's included) and peak RSS.
 *    Targets: 10 M events ≤ 60 s, peak RSS ≤ 500 MB.
 * 2. All KPIs over that store: the snapshot the dashboard shows (session facts, 7 slicings,
 *    funnel, A/B test), timed in the same child. Target ≤ 5 s for 10 M events.
 * 3. PostgreSQL: `--pg-events` events ingested with COPY into the server named by
 *    CONVOTEST_BENCH_POSTGRES_URL or CONVOTEST_TEST_POSTGRES_URL (skipped when neither is set).
 *    Target: 1 M events ≤ 60 s.
 * 4. A/B simulation: `--sims` seeded experiments at the planned sample size per variant
 *    (sampleSizePerVariant for the traffic's base conversion rate and a 3-point effect), sessions
 *    drawn from the generator's own intent mix and conversion rates; read once at the horizon
 *    with the two-proportion test; a lift counts as detected when the test is significant and the
 *    difference positive. Targets: a planted 3-point lift detected in ≥ 80 %; with no lift, a
 *    difference declared in ≤ 5 %. The exact power at the plan is printed beside the simulated
 *    one, and each simulated share with its standard error.
 * The machine is shared: the load average is printed beside the figures, CPU time beside wall time.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { exactPower, sampleSizePerVariant, twoProportionTest } from '../src/analytics/ab-stats.js';
import { AnalyticsConfigSchema } from '../src/analytics/config.js';
import { ingestFiles } from '../src/analytics/ingest/ingest.js';
import { analyticsSnapshot } from '../src/analytics/snapshot.js';
import { openStore } from '../src/analytics/store/open.js';
import { conversionBase, INTENTS, syntheticTraffic } from '../src/analytics/synthetic.js';
import { writeJsonl } from '../src/analytics/jsonl-file.js';
import { createRng } from '../src/core/stats/prng.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string, full: number, quickValue: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : quick ? quickValue : full);
const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

const benchConfig = AnalyticsConfigSchema.parse({
  knownIntents: ['order_status', 'product_question', 'refund', 'billing', 'purchase', 'cancel_subscription'],
  funnels: [{ name: 'checkout', steps: [{ name: 'asked', event: 'message_sent' }, { name: 'started', event: 'flow_started', where: { flow: 'checkout' } }, { name: 'converted', event: 'conversion' }] }],
  experiment: { name: 'prompt-v2', variants: { control: 1, treatment: 1 } },
});

if (args[0] === '--child') {
  // Child: ingest one file into one store (none when the file is `-`: a kept store), then time the KPIs; print one JSON line.
  const [, file, spec] = args as [string, string, string];
  const store = await openStore(spec);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const report = file === '-' ? null : await ingestFiles(store, [file], { batchSize: 20_000, storeReads: !args.includes('--rows') });
  const ingestS = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const ingestCpuS = (c1.user + c1.system) / 1e6;
  const ingestRssMb = process.resourceUsage().maxRSS / 1024;
  const [stored] = await store.all('SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS n FROM chat_events');
  let kpiS: number | null = null;
  let kpiCpuS: number | null = null;
  if (report) process.stderr.write(`ingest done: ${report.counts?.inserted ?? 'refused'} events, ${ingestS.toFixed(1)} s, CPU ${ingestCpuS.toFixed(1)} s, peak RSS ${ingestRssMb.toFixed(0)} MB\n`);
  let kpiError: string | null = null;
  if (args.includes('--kpis')) {
    const t1 = performance.now();
    const c2 = process.cpuUsage();
    try {
      await analyticsSnapshot(store, benchConfig);
    } catch (error) {
      kpiError = (error as Error).message.split('\n')[0]!;
    }
    kpiS = (performance.now() - t1) / 1000;
    const c3 = process.cpuUsage(c2);
    kpiCpuS = (c3.user + c3.system) / 1e6;
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ inserted: report?.counts?.inserted ?? 0, stored: Number(stored?.['n'] ?? 0), ingestS, ingestCpuS, ingestRssMb, kpiS, kpiCpuS, kpiError, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
}

async function writeTraffic(file: string, events: number, seed: number): Promise<number> {
  // ~7.6 events per session on average: generate sessions until the count is reached.
  return writeJsonl(file, syntheticTraffic({ seed, sessions: Math.ceil(events / 7) + 100, days: 28 }), events);
}

function child(file: string, spec: string, kpis: boolean, rows = false): Promise<{ inserted: number; stored: number; ingestS: number; ingestCpuS: number; ingestRssMb: number; kpiS: number | null; kpiCpuS: number | null; kpiError: string | null; maxRssMb: number }> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const proc = spawn(process.execPath, ['--import', tsx, fileURLToPath(import.meta.url), '--child', file, spec, ...(kpis ? ['--kpis'] : []), ...(rows ? ['--rows'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`child exited ${code}: ${out}`))));
  });
}

const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const dir = await mkdtemp(join(tmpdir(), 'convotest-bench-analytics-'));
try {
  process.stdout.write(`cores ${(await import('node:os')).cpus().length}, ${load()}\n`);
  if (!only || only === 'duckdb') {
    const keptStore = args.includes('--store') ? resolve(args[args.indexOf('--store') + 1]!) : undefined;
    const reuse = keptStore !== undefined && existsSync(keptStore);
    const events = flag('--events', 10_000_000, 1_000_000);
    const kept = args.includes('--events-file') ? args[args.indexOf('--events-file') + 1]! : undefined;
    const file = kept ?? join(dir, 'events.jsonl');
    const size = reuse ? undefined : await stat(file).then((s) => s.size, () => undefined);
    if (reuse) {
      // a kept store: only the KPIs are timed
    } else if (kept && size !== undefined) process.stdout.write(`reusing ${file} (${(size / 1e9).toFixed(2)} GB JSONL; --events is ignored)\n`);
    else {
      const t = performance.now();
      const n = await writeTraffic(file, events, 1);
      process.stdout.write(`generated ${n.toLocaleString('en-US')} events (${((await stat(file)).size / 1e9).toFixed(2)} GB JSONL) in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed below)\n`);
    }
    const rows = args.includes('--rows');
    if (!reuse) process.stdout.write(`path: ${rows ? 'rows (every event sent as a row)' : 'DuckDB reads the plain JSONL file itself while it is validated'}\n`);
    const r = await child(reuse ? '-' : file, keptStore ?? join(dir, 'bench.duckdb'), true, rows);
    if (reuse) process.stdout.write(`DuckDB store ${keptStore} kept from an earlier run: ${r.stored.toLocaleString('en-US')} events (not re-ingested)\n`);
    else process.stdout.write(`DuckDB ingest: ${r.inserted.toLocaleString('en-US')} events in ${r.ingestS.toFixed(1)} s (${Math.round(r.inserted / r.ingestS).toLocaleString('en-US')}/s), CPU ${r.ingestCpuS.toFixed(1)} s, peak RSS ${r.ingestRssMb.toFixed(0)} MB  [target ≤ 60 s, ≤ 500 MB for 10 M]  ${load()}\n`);
    process.stdout.write(
      `DuckDB all KPIs over ${r.stored.toLocaleString('en-US')} events (snapshot: session facts, 7 slicings, funnel, A/B, quality): ${r.kpiError ? `FAILED after ${r.kpiS!.toFixed(1)} s: ${r.kpiError}` : `${r.kpiS!.toFixed(2)} s`}, CPU ${r.kpiCpuS!.toFixed(1)} s, peak RSS of the process ${r.maxRssMb.toFixed(0)} MB  [target ≤ 5 s for 10 M]  ${load()}\n`,
    );
    if (!kept) await rm(file, { force: true });
  }
  if (!only || only === 'postgres') {
    const url = process.env['CONVOTEST_BENCH_POSTGRES_URL'] ?? process.env['CONVOTEST_TEST_POSTGRES_URL'];
    if (!url) process.stdout.write('PostgreSQL: skipped (set CONVOTEST_BENCH_POSTGRES_URL)\n');
    else {
      const events = flag('--pg-events', 1_000_000, 200_000);
      const file = join(dir, 'pg-events.jsonl');
      await writeTraffic(file, events, 2);
      const schema = `bench_${Date.now()}`;
      const admin = await openStore(url);
      await admin.exec(`CREATE SCHEMA ${schema}`);
      const u = new URL(url);
      u.searchParams.set('options', `-c search_path=${schema}`);
      try {
        const r = await child(file, u.toString(), false);
        process.stdout.write(`PostgreSQL COPY ingest: ${r.inserted.toLocaleString('en-US')} events in ${r.ingestS.toFixed(1)} s (${Math.round(r.inserted / r.ingestS).toLocaleString('en-US')}/s), client CPU ${r.ingestCpuS.toFixed(1)} s, client peak RSS ${r.maxRssMb.toFixed(0)} MB  [target ≤ 60 s for 1 M]  ${load()}\n`);
      } finally {
        await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
        await admin.close();
      }
    }
  }
  if (!only || only === 'ab') {
    const sims = flag('--sims', 10_000, 2_000);
    const base = INTENTS.reduce((s, [intent, p]) => s + p * conversionBase(intent), 0);
    const perVariant = sampleSizePerVariant(base, 0.03);
    const rng = createRng(20260);
    const cumulative = INTENTS.map(([intent], i) => [intent, INTENTS.slice(0, i + 1).reduce((s, [, p]) => s + p, 0)] as const);
    const draw = (lift: number) => {
      let k = 0;
      for (let i = 0; i < perVariant; i++) {
        const u = rng();
        const intent = (cumulative.find(([, c]) => u < c) ?? cumulative[cumulative.length - 1]!)[0];
        if (rng() < conversionBase(intent) + lift) k++;
      }
      return k;
    };
    let detected = 0;
    let falseWins = 0;
    for (let s = 0; s < sims; s++) {
      const lifted = twoProportionTest(draw(0), perVariant, draw(0.03), perVariant);
      if (lifted.p < 0.05 && lifted.diff > 0) detected++;
      if (twoProportionTest(draw(0), perVariant, draw(0), perVariant).p < 0.05) falseWins++;
    }
    const se = (k: number) => (100 * Math.sqrt((k / sims) * (1 - k / sims))) / Math.sqrt(sims);
    process.stdout.write(
      `A/B simulation (${sims.toLocaleString('en-US')} seeded experiments, base conversion ${(base * 100).toFixed(1)}%, planned ${perVariant.toLocaleString('en-US')} sessions per variant, read once at the horizon; exact power at the plan ${(exactPower(base, 0.03, perVariant) * 100).toFixed(2)}%):\n` +
        `  planted +3 points detected in ${((detected / sims) * 100).toFixed(1)}% (± ${se(detected).toFixed(1)})  [target ≥ 80 %]\n` +
        `  no lift, difference declared in ${((falseWins / sims) * 100).toFixed(1)}% (± ${se(falseWins).toFixed(1)})  [target ≤ 5 %]\n`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
