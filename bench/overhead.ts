/**
 * Harness overhead: N synthetic 3-turn cases against the fake LLM (in its own process, so its
 * CPU is not counted) at latency L with concurrency C, no graders. Prints wall time, the ideal
 * wall time ceil(N / C) × turns × L, their ratio, harness CPU ms per turn, peak RSS, and (with
 * --cache) the provider calls of a second identical run with the cache warm. A short warm-up run
 * (not measured) first loads every module and opens the connections, so the figures are the
 * steady state. Run `npm run build` first: the bench measures the compiled harness in dist/.
 *
 *   npx tsx bench/overhead.ts --n 1000 --latency 50 --concurrency 16
 *   npx tsx bench/overhead.ts --n 2000 --latency 0 --concurrency 16
 *   npx tsx bench/overhead.ts --n 20000 --latency 0 --concurrency 32
 *   npx tsx bench/overhead.ts --n 200 --latency 0 --cache
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
// The harness as shipped: the compiled dist/ (built by `npm ci` through `prepare`, or `npm run build`).
import { executeRun } from '../dist/runner/execute.js';
import { prepareRun } from '../dist/runner/prepare.js';
import { startFakeLlmProcess } from '../test/fake-llm/process.js';
import { syntheticProject } from '../test/helpers/golden.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    turns: { type: 'string', default: '3' },
    cache: { type: 'boolean', default: false },
  },
});
const N = Number(values.n);
const L = Number(values.latency);
const C = Number(values.concurrency);
const TURNS = Number(values.turns);

const llm = await startFakeLlmProcess({ latencyMs: L, log: false, script: [{ reply: { text: 'Your order VL-1042 ships tomorrow.' } }] });
try {
  const dir = await syntheticProject({
    cases: N,
    turns: TURNS,
    baseURL: llm.openaiBaseURL,
    extraConfig: `concurrency: { agent: ${C}, judge: ${C} }\ncache: ${values.cache}\n`,
  });
  const env = { OPENAI_API_KEY: 'bench-key' };

  const onceWith = async (cases: number | undefined, name: string) => {
    const prepared = await prepareRun({ cwd: dir, env, outPath: join(dir, 'runs', `${name}.jsonl`) });
    if (cases !== undefined) prepared.cases = prepared.cases.slice(0, cases);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { outcome } = await executeRun(prepared, { reporters: [], signal: new AbortController().signal, warn: () => {} });
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { outcome, wall, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  const once = (name: string) => onceWith(undefined, name);

  const warmup = Math.min(200, Math.max(16, Math.ceil(N / 20)));
  await onceWith(warmup, 'warmup');
  await llm.reset();
  const first = await once('first');
  const counts = await llm.counts();
  const turns = N * TURNS;
  const ideal = Math.ceil(N / C) * TURNS * L;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`cases ${N} × ${TURNS} turns, latency ${L} ms, concurrency ${C}`);
  console.log(`  status          ${first.outcome.status}, results ${first.outcome.totals.done}, errors ${first.outcome.totals.errors}, provider calls ${counts.requests}`);
  console.log(`  wall            ${(first.wall / 1000).toFixed(2)} s`);
  if (L > 0) {
    console.log(`  ideal           ${(ideal / 1000).toFixed(2)} s  (ceil(N / C) × turns × L)`);
    console.log(`  overhead ratio  ${(first.wall / ideal).toFixed(3)}`);
  }
  console.log(`  harness CPU     ${(first.cpuMs / turns).toFixed(3)} ms per turn (${(first.cpuMs / 1000).toFixed(2)} s in all, fake server excluded)`);
  console.log(`  peak RSS        ${rssMb.toFixed(0)} MB`);

  if (values.cache) {
    await llm.reset();
    const second = await once('second');
    const warm = await llm.counts();
    console.log(`  warm-cache run  ${warm.requests} provider calls, ${(second.wall / 1000).toFixed(2)} s, status ${second.outcome.status}`);
  }
  await rm(dir, { recursive: true, force: true });
} finally {
  await llm.close();
}
