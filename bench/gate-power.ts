/**
 * Seeded simulation of the gate's statistics: `npx tsx bench/gate-power.ts [--sims 200] [--perf]`.
 *
 * Model (per simulated pair of runs): N cases; each case's true outcome is pass with p = 0.8 and
 * fixed for the agent; with agent nondeterminism ν a run re-draws a case's outcome from
 * Bernoulli(0.8) with probability ν; a true regression d makes exactly round(d·N) of the agent's
 * passing cases fail in the candidate. The judge grades each outcome k times,
 * flipping each sample with probability q; the grade's score is the mean of the samples and it
 * passes when the score ≥ 0.5 (majority). Both runs go through the real `gate()` with the
 * default rules (maxDrop 0.02, 95 % one-sided confidence, Holm over the drop tests), and through
 * a naive gate that blocks when the pass rate dropped by more than 2 points.
 * Then a 2×10,000-case perf check writes two JSONL run records and times reader + gate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectRun, gate, gateRun } from '../src/core/gate.js';
import { createRng, type Rng } from '../src/core/stats/prng.js';
import { readRun } from '../src/io/run-reader.js';
import { GateRulesSchema } from '../src/schema/gate.js';
import type { RunResult } from '../src/schema/run-record.js';
import { syntheticHeader, syntheticResult } from './synthetic-run.js';

const P = 0.8;
const args = process.argv.slice(2);
const SIMS = Number(args[args.indexOf('--sims') + 1]) || 200;
/** Bootstrap resamples per test in the simulation (the CLI uses 1000). */
const RESAMPLES = 200;
const TARGET_SIMS = Math.max(SIMS, 1000);
const rules = GateRulesSchema.parse({});

interface SimConfig {
  n: number;
  q: number;
  d: number;
  k: number;
  nu: number;
}

function runResults(rng: Rng, outcomes: boolean[], q: number, k: number): RunResult[] {
  return outcomes.map((ok, i) => {
    let sum = 0;
    const samples: number[] = [];
    for (let j = 0; j < k; j++) {
      const s = (rng() < q ? !ok : ok) ? 1 : 0;
      samples.push(s);
      sum += s;
    }
    const score = sum / k;
    return syntheticResult({
      caseId: `c${i}`,
      grades: [{ score, threshold: 0.5, ...(k > 1 ? { details: { samples } } : {}) }],
    });
  });
}

/** One simulated merge: does each gate block, and what MDD does the verdict state? */
function simulate(c: SimConfig, rng: Rng): { paired: boolean; naive: boolean; mdd: number } {
  const truth: boolean[] = [];
  const regressed: boolean[] = [];
  for (let i = 0; i < c.n; i++) {
    truth.push(rng() < P);
    regressed.push(false);
  }
  // A true regression of d points: exactly round(d·N) of the agent's passing cases now fail.
  const passing = truth.flatMap((t, i) => (t ? [i] : []));
  for (let j = 0; j < Math.round(c.d * c.n) && passing.length > 0; j++) {
    const [i] = passing.splice(Math.floor(rng() * passing.length), 1);
    regressed[i!] = true;
  }
  const draw = (i: number) => (c.nu > 0 && rng() < c.nu ? rng() < P : truth[i]!);
  const base = runResults(rng, truth.map((_, i) => draw(i)), c.q, c.k);
  const cand = runResults(rng, truth.map((_, i) => draw(i) && !regressed[i]), c.q, c.k);
  const passRate = (rs: RunResult[]) => rs.filter((r) => r.grades[0]!.pass).length / rs.length;
  const naive = passRate(base) - passRate(cand) > 0.02 + 1e-12;
  const verdict = gate(gateRun(syntheticHeader('b'), base), gateRun(syntheticHeader('c'), cand), rules, {
    seed: Math.floor(rng() * 2 ** 31),
    resamples: RESAMPLES,
  });
  const note = verdict.power.find((p) => p.metric === 'pass rate');
  return { paired: verdict.verdict === 'fail', naive, mdd: note?.mdd ?? Number.NaN };
}

function rates(c: SimConfig, sims: number, seed: number) {
  const rng = createRng(seed);
  let paired = 0;
  let naive = 0;
  const mdds: number[] = [];
  for (let s = 0; s < sims; s++) {
    const r = simulate(c, rng);
    if (r.paired) paired++;
    if (r.naive) naive++;
    mdds.push(r.mdd);
  }
  mdds.sort((a, b) => a - b);
  return { paired: paired / sims, naive: naive / sims, mdd: mdds[Math.floor(sims / 2)]! };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
if (args.includes('--perf')) {
  await perfCheck();
  process.exit(0);
}
const started = performance.now();
const cpuStart = process.cpuUsage();
console.log(`gate-power: p=${P}, ${SIMS} simulated merges per cell (${TARGET_SIMS} for the N=200, q=0.05 target rows, ${Math.max(100, Math.floor(SIMS / 2))} for N=1000), ${RESAMPLES} bootstrap resamples, seed 20261122`);
console.log('Each cell: naive gate / paired gate block rate. d=0 → false-block rate; d>0 → power.\n');
console.log('   N     q  k   ν  |      d=0       |     d=0.02     |     d=0.05     |     d=0.10     | MDD (stated, median)');
let seed = 20261122;
const targets: string[] = [];
for (const n of [50, 200, 1000]) {
  for (const q of [0, 0.05, 0.1]) {
    for (const k of [1, 3]) {
      for (const nu of n === 200 ? [0, 0.1] : [0]) {
        const target = n === 200 && q === 0.05;
        const sims = target ? TARGET_SIMS : n === 1000 ? Math.max(100, Math.floor(SIMS / 2)) : SIMS;
        const cells: string[] = [];
        let mdd = Number.NaN;
        for (const d of [0, 0.02, 0.05, 0.1]) {
          const r = rates({ n, q, d, k, nu }, sims, seed++);
          if (d === 0) mdd = r.mdd;
          cells.push(`${pct(r.naive)} / ${pct(r.paired)}`);
          if (target && d === 0) targets.push(`false-block N=200 q=0.05 k=${k} ν=${nu}: paired ${pct(r.paired)} (target ≤ 2%), naive ${pct(r.naive)}`);
          if (target && d === 0.05) targets.push(`power 5-point drop N=200 q=0.05 k=${k} ν=${nu}: paired ${pct(r.paired)}${k === 3 && nu === 0 ? ' (target ≥ 80%)' : ''}`);
        }
        console.log(`${String(n).padStart(5)}  ${q.toFixed(2)}  ${k}  ${nu.toFixed(1)} | ${cells.join(' | ')} | ${(mdd * 100).toFixed(1)} pts`);
      }
    }
  }
}
console.log('\nTargets:');
for (const t of targets) console.log(`  ${t}`);

console.log('\nStated minimum detectable drop (in measured points) vs simulated power at the true drop that shows as that much (ν=0):');
for (const [n, q, k] of [[50, 0.05, 1], [200, 0.05, 1], [200, 0.05, 3], [200, 0.1, 1], [1000, 0.05, 1], [1000, 0.1, 3]] as const) {
  const stated = rates({ n, q, d: 0, k, nu: 0 }, 100, seed++).mdd;
  // A judge flipping verdicts with probability q (majority of k) shows a true drop d as (1 − 2q_k)·d.
  const qk = k === 1 ? q : 3 * q * q - 2 * q ** 3;
  const trueDrop = Math.min(stated / (1 - 2 * qk), P);
  const at = rates({ n, q, d: trueDrop, k, nu: 0 }, n === 1000 ? 100 : SIMS, seed++);
  console.log(
    `  N=${n} q=${q} k=${k}: stated MDD ${(stated * 100).toFixed(1)} pts (true drop ${(trueDrop * 100).toFixed(1)} pts) → simulated power ${pct(at.paired).trim()} (aim ≈ 80%)`,
  );
}
const cpu = process.cpuUsage(cpuStart);
console.log(`\nsimulation time ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (one core; wall time grows when the machine is shared)`);

await perfCheck();

/** Two 10,000-case run records on disk → streaming reader → gate, timed. */
async function perfCheck(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'convotest-gate-perf-'));
  try {
    const rng = createRng(7);
    const write = (name: string, drop: number) => {
      const header = syntheticHeader(name);
      const lines = [JSON.stringify(header)];
      for (let i = 0; i < 10_000; i++) {
        const score = Math.max(0, Math.min(1, 0.8 + (rng() - 0.5) * 0.4 - drop));
        const r = syntheticResult({ caseId: `case-${i}`, tags: { intent: `i${i % 20}` }, grades: [{ score }, { grader: 'tone', score: rng() }], turnLatencies: [100 + rng() * 50, 120] });
        lines.push(JSON.stringify(r));
      }
      const path = join(dir, `${name}.jsonl`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const bPath = write('baseline', 0);
    const cPath = write('candidate', 0.01);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const sides = [];
    for (const path of [bPath, cPath]) {
      const reader = await readRun(path);
      const c = collectRun(reader.header);
      for await (const r of reader.results) c.add(r);
      sides.push(c.finish());
    }
    const t1 = performance.now();
    const verdict = gate(sides[0]!, sides[1]!, GateRulesSchema.parse({ slices: ['intent'] }));
    const t2 = performance.now();
    const cpu = process.cpuUsage(c0);
    console.log(
      `\nperf: 2 × 10,000-case records: read ${((t1 - t0) / 1000).toFixed(2)} s + gate ${((t2 - t1) / 1000).toFixed(2)} s = ${((t2 - t0) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (verdict ${verdict.verdict}, ${verdict.dropTests} drop tests)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
