import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { formatLocation } from '../errors.js';
import type { InputFormat } from '../analytics/ingest/read.js';
import type { AnalyticsStore } from '../analytics/store/store.js';
import type { AnalyticsConfig } from '../analytics/config.js';
import type { CliContext } from './main.js';

interface StoreOptions {
  store?: string;
  config?: string;
}

const storeOption = () => new Option('--store <spec>', 'DuckDB file or postgres:// URL (default: config store, $CONVOTEST_ANALYTICS_STORE, .convotest/analytics.duckdb)');
const configOption = () => new Option('-c, --config <file>', 'analytics config (targets, funnels, experiment); default convotest.analytics.yaml when present');

async function withStore<T>(options: StoreOptions, work: (store: AnalyticsStore, config: AnalyticsConfig) => Promise<T>): Promise<T> {
  // Loaded when a subcommand runs, so `convotest --help` never loads DuckDB or the SQL layer.
  const { loadAnalyticsConfig, storeSpec } = await import('../analytics/load-config.js');
  const { openStore } = await import('../analytics/store/open.js');
  const config = await loadAnalyticsConfig(options.config);
  const store = await openStore(storeSpec(options.store, config));
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

/**
 * `convotest analytics <ingest|kpis|dashboard|generate|grade>`: production traffic as chat events
 * in a store (DuckDB file or PostgreSQL), KPIs with targets and intervals, funnels, the A/B test,
 * sampled grading through the run record, and an offline dashboard page.
 */
export function analyticsCommand(ctx: CliContext): Command {
  const ingest = new Command('ingest')
    .description('validate chat events (JSONL/CSV) or conversation logs (OpenAI format, Taskmaster) and append them to the store')
    .argument('<files...>', 'event files (.jsonl, .csv) or conversation logs (.json/.jsonl)')
    .addOption(storeOption())
    .addOption(configOption())
    .addOption(new Option('--invalid <policy>', 'bad lines: refuse the whole ingest (nothing written) or skip them').choices(['refuse', 'skip']).default('refuse'))
    .addOption(new Option('--format <format>', 'input format (default: by extension and first record)').choices(['events-jsonl', 'events-csv', 'openai', 'taskmaster']))
    .option('--messages-field <name>', 'field holding the messages in OpenAI-format logs (τ-bench: traj)')
    .option('--channel <name>', 'channel of conversations derived from logs that name none')
    .option('--batch-size <n>', 'rows per batch', (v) => positiveInt(v, '--batch-size'), 10_000)
    .addHelpText(
      'after',
      `
Every line is validated against the chat event schema (schema/chat-event.schema.json); bad lines are
reported as file:line  field  message. Events already stored (same event_id) are skipped.
Exit codes: 0 ingested, 2 bad input (with --invalid refuse nothing is written).

Examples:
  $ convotest analytics ingest events.jsonl
  $ convotest analytics ingest trajectories.json --messages-field traj --channel web --store postgres://analytics@db/chat`,
    )
    .action(async (files: string[], options: StoreOptions & { invalid: 'refuse' | 'skip'; format?: InputFormat; messagesField?: string; channel?: string; batchSize: number }) => {
      const { ingestFiles } = await import('../analytics/ingest/ingest.js');
      await withStore(options, async (store) => {
        const report = await ingestFiles(store, files, {
          invalid: options.invalid,
          batchSize: options.batchSize,
          read: { ...(options.format ? { format: options.format } : {}), ...(options.messagesField ? { messagesField: options.messagesField } : {}), ...(options.channel ? { channel: options.channel } : {}) },
        });
        for (const p of report.problems) ctx.stderr.write(`${formatLocation({ file: p.file, ...(p.line > 0 ? { line: p.line } : {}), ...(p.field ? { field: p.field } : {}) }, p.message)}\n`);
        if (report.problemCount > report.problems.length) ctx.stderr.write(`… and ${report.problemCount - report.problems.length} more bad lines\n`);
        if (!report.counts) {
          ctx.stderr.write(`refused: ${report.problemCount} bad line(s); nothing was written (use --invalid skip to leave them out)\n`);
          ctx.setExitCode(2);
          return;
        }
        const c = report.counts;
        const skipped = report.problemCount > 0 ? `, ${report.problemCount} bad line(s) skipped` : '';
        ctx.stdout.write(`ingested ${c.inserted} new events into ${store.kind} ${store.location} (${c.duplicates} duplicates${skipped})\n`);
      });
    });

  const kpis = new Command('kpis')
    .description('print the KPIs against their targets, the funnels and the A/B test')
    .addOption(storeOption())
    .addOption(configOption())
    .option('--json', 'print the whole snapshot as JSON')
    .action(async (options: StoreOptions & { json?: boolean }) => {
      const { analyticsSnapshot } = await import('../analytics/snapshot.js');
      const { renderConsoleKpis } = await import('../analytics/console.js');
      await withStore(options, async (store, config) => {
        const snapshot = await analyticsSnapshot(store, config);
        ctx.stdout.write(options.json ? `${JSON.stringify(snapshot, null, 2)}\n` : renderConsoleKpis(snapshot));
      });
    });

  const dashboard = new Command('dashboard')
    .description('write the offline dashboard page (KPI cards vs targets, trends, slices, funnels, A/B test)')
    .addOption(storeOption())
    .addOption(configOption())
    .requiredOption('-o, --out <file>', 'HTML file to write')
    .action(async (options: StoreOptions & { out: string }) => {
      const { analyticsSnapshot } = await import('../analytics/snapshot.js');
      const { renderDashboard } = await import('../analytics/dashboard/page.js');
      await withStore(options, async (store, config) => {
        const snapshot = await analyticsSnapshot(store, config);
        await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
        await writeFile(options.out, renderDashboard(snapshot), 'utf8');
        ctx.stdout.write(`wrote ${options.out} (${snapshot.kpis.overall.aggregates.sessions} sessions)\n`);
      });
    });

  const generate = new Command('generate')
    .description('write seeded synthetic chat events (JSONL) with a planted conversion lift for variant "treatment"')
    .requiredOption('-o, --out <file>', 'JSONL file to write')
    .option('--sessions <n>', 'sessions to generate', (v) => positiveInt(v, '--sessions'), 20_000)
    .option('--seed <n>', 'random seed', (v) => positiveInt(v, '--seed'), 1)
    .option('--days <n>', 'days of traffic', (v) => positiveInt(v, '--days'), 28)
    .option('--lift <points>', 'absolute conversion lift of treatment (0.03 = 3 points)', (v) => rateArg(v, '--lift'), 0.03)
    .action(async (options: { out: string; sessions: number; seed: number; days: number; lift: number }) => {
      const { syntheticTraffic } = await import('../analytics/synthetic.js');
      await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
      const { writeJsonl } = await import('../analytics/jsonl-file.js');
      const n = await writeJsonl(options.out, syntheticTraffic({ seed: options.seed, sessions: options.sessions, days: options.days, lift: options.lift }));
      ctx.stdout.write(`wrote ${n} events (${options.sessions} sessions, seed ${options.seed}) to ${options.out}\n`);
    });

  const grade = new Command('grade')
    .description('grade a stratified sample of stored conversations with the eval config\'s graders (a normal run record) and join the grades back')
    .addOption(storeOption())
    .addOption(configOption())
    .option('--sample <n>', 'sessions to sample, stratified by intent × channel', (v) => positiveInt(v, '--sample'), 200)
    .option('--seed <n>', 'sampling seed (the same seed picks the same sessions)', (v) => positiveInt(v, '--seed'), 1)
    .option('--max-cost <usd>', 'budget for judge calls; once reached no new session is graded (exit 3, finished grades kept and joined)', (v) => positiveNumber(v, '--max-cost'))
    .option('--eval-config <file>', 'the eval config naming graders, judge and prices (default: convotest.config.{ts,yaml} here)')
    .option('-g, --graders <names...>', 'graders applied to every sampled session (default: the eval config\'s defaultGraders)')
    .option('-o, --out <file>', 'run record to write (default: .convotest/analytics/grades/<time>.jsonl; the sampled cases beside it)')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .addHelpText(
      'after',
      `
Sessions need agent replies with their text (message_received properties.text; conversation logs
keep it). The sample is written as a golden set of transcript cases, graded like \`convotest run\`
(same record, budget and exit codes), and every grade is stored in chat_grades (session, run,
grader), which the dashboard's "Quality (sampled)" section reads.
Exit codes: 0 graded, 2 bad input or config, 3 budget reached or interrupted (finished grades are kept and joined).

Example:
  $ convotest analytics grade --sample 200 --max-cost 2 --eval-config convotest.config.yaml`,
    )
    .action(
      async (
        options: StoreOptions & { sample: number; seed: number; maxCost?: number; evalConfig?: string; graders?: string[]; out?: string; progress: 'auto' | 'bar' | 'lines' | 'none' },
      ) => {
        const [{ gradeSample }, { progressReporter }, { withInterrupt }, { assertNewOutput }] = await Promise.all([
          import('../analytics/grade/grade.js'),
          import('../report/progress.js'),
          import('./interrupt.js'),
          import('../io/out-path.js'),
        ]);
        const out = options.out ?? path.join('.convotest', 'analytics', 'grades', `${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
        if (options.out) assertNewOutput(options.out, '--out');
        await withStore(options, async (store) =>
          withInterrupt(ctx.stderr, async (signal) => {
            const mode = options.progress === 'auto' ? undefined : options.progress;
            const r = await gradeSample(store, {
              size: options.sample,
              seed: options.seed,
              ...(options.maxCost !== undefined ? { maxCost: options.maxCost } : {}),
              ...(options.evalConfig ? { evalConfig: options.evalConfig } : {}),
              ...(options.graders ? { graders: options.graders } : {}),
              outPath: out,
              cwd: process.cwd(),
              env: process.env,
              reporters: mode === 'none' ? [] : [progressReporter({ stream: ctx.stderr, ...(mode ? { live: mode === 'bar' } : {}) })],
              signal,
              warn: (message) => ctx.stderr.write(`warning: ${message}\n`),
            });
            const t = r.outcome.totals;
            ctx.stdout.write(
              `graded ${t.done} of ${r.sampled.length} sampled sessions (${r.strata} intent × channel strata, seed ${options.seed}); judge cost $${t.costUsd.toFixed(4)}\n` +
                `run record ${out} (cases ${r.casesPath}); ${r.joined} grades joined into chat_grades of ${store.kind} ${store.location} as run ${r.runId}\n`,
            );
            if (r.outcome.failure) ctx.stderr.write(`not completed: ${r.outcome.failure}\n`);
            ctx.setExitCode(r.exitCode);
          }),
        );
      },
    );

  return new Command('analytics')
    .description('production traffic: ingest chat events, KPIs with targets, funnels, A/B tests, dashboard')
    .addCommand(ingest.exitOverride())
    .addCommand(kpis.exitOverride())
    .addCommand(dashboard.exitOverride())
    .addCommand(generate.exitOverride())
    .addCommand(grade.exitOverride())
    .addHelpText('after', '\nExample:\n  $ convotest analytics ingest events.jsonl && convotest analytics dashboard --out dashboard.html');
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InputError(`${flag} "${value}": expected a positive whole number`);
  return n;
}

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${flag} "${value}": expected a positive number`);
  return n;
}

function rateArg(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InputError(`${flag} "${value}": expected a number from 0 to 1`);
  return n;
}
