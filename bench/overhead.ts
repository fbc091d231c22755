/**
 * Harness overhead, measured on the shipped CLI (`node bin/convotest.js run`, compiled dist/):
 * N synthetic 3-turn cases against the fake LLM (its own process) at latency L with concurrency
 * C, no graders. Prints the replay's wall time, the ideal wall time ceil(N / C) × turns × L,
 * their ratio, the harness's CPU ms per turn, the CLI process's peak RSS, and (with --cache) the
 * provider calls of a second identical run with the cache warm. Figures come from the CLI's
 * own `resources:` line (CONVOTEST_RESOURCES=1), taken around the replay.
 *
 *   npm run build && npx tsx bench/overhead.ts --n 1000 --latency 50 --concurrency 16
 *   npx tsx bench/overhead.ts --n 2000 --latency 0 --concurrency 16
 *   npx tsx bench/overhead.ts --n 20000 --latency 0 --concurrency 16
 *   npx tsx bench/overhead.ts --n 200 --latency 0 --cache
 *   npx tsx bench/overhead.ts --bin /tmp/old/bin/convotest.js            # another build (A/B)
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeLlmProcess } from '../test/fake-llm/process.js';
import { repoRoot } from '../test/helpers/cli.js';
import { syntheticProject } from '../test/helpers/golden.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    turns: { type: 'string', default: '3' },
    cache: { type: 'boolean', default: false },
    /** The CLI to measure (default: this checkout's bin/convotest.js). */
    bin: { type: 'string', default: join(repoRoot, 'bin/convotest.js') },
  },
});
const N = Number(values.n);
const L = Number(values.latency);
const C = Number(values.concurrency);
const TURNS = Number(values.turns);

interface Resources {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
}

function runCliMeasured(cwd: string, out: string, baseURL: string): Promise<Resources> {
  const args = [values.bin, 'run', '--progress', 'none', '--no-html', '--out', out];
  const env = { ...process.env, OPENAI_API_KEY: 'bench-key', OPENAI_BASE_URL: baseURL, CONVOTEST_RESOURCES: '1' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      const m = /resources: wall_ms=(\d+) cpu_ms=(\d+) max_rss_kb=(\d+)/.exec(stderr);
      if (!m) return reject(new Error(`no resources line (exit ${error?.code}): ${stderr.slice(-2000)}`));
      resolve({ wallMs: Number(m[1]), cpuMs: Number(m[2]), maxRssKb: Number(m[3]) });
    });
  });
}

const llm = await startFakeLlmProcess({ latencyMs: L, log: false, script: [{ reply: { text: 'Your order VL-1042 ships tomorrow.' } }] });
try {
  const dir = await syntheticProject({
    cases: N,
    turns: TURNS,
    baseURL: llm.openaiBaseURL,
    extraConfig: `concurrency: { agent: ${C}, judge: ${C} }\ncache: ${values.cache}\n`,
  });
  const first = await runCliMeasured(dir, 'runs/first.jsonl', llm.openaiBaseURL);
  const counts = await llm.counts();
  const turns = N * TURNS;
  const ideal = Math.ceil(N / C) * TURNS * L;
  console.log(`cases ${N} × ${TURNS} turns, latency ${L} ms, concurrency ${C}`);
  console.log(`  provider calls  ${counts.requests}, errors ${counts.byOutcome.ok === counts.requests ? 0 : counts.requests - (counts.byOutcome.ok ?? 0)}`);
  console.log(`  wall            ${(first.wallMs / 1000).toFixed(2)} s (the replay, in the CLI process)`);
  if (L > 0) {
    console.log(`  ideal           ${(ideal / 1000).toFixed(2)} s  (ceil(N / C) × turns × L)`);
    console.log(`  overhead ratio  ${(first.wallMs / ideal).toFixed(3)}`);
  }
  console.log(`  harness CPU     ${(first.cpuMs / turns).toFixed(3)} ms per turn (${(first.cpuMs / 1000).toFixed(2)} s in all, fake server excluded)`);
  console.log(`  peak RSS        ${(first.maxRssKb / 1024).toFixed(0)} MB (CLI process)`);
  if (values.cache) {
    await llm.reset();
    const second = await runCliMeasured(dir, 'runs/second.jsonl', llm.openaiBaseURL);
    const warm = await llm.counts();
    console.log(`  warm-cache run  ${warm.requests} provider calls, ${(second.wallMs / 1000).toFixed(2)} s`);
  }
  await rm(dir, { recursive: true, force: true });
} finally {
  await llm.close();
}
