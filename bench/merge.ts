/**
 * `convotest merge` speed: 4 shard records of 5,000 cases each (synthetic results of the real
 * shape: tool calls, per-turn usage, grades with evidence, written signed by the real run writer,
 * each case on the shard its id hashes to) merged into one record by the library call the CLI
 * makes (verify every chain and signature, read, check, sort, re-chain, summarise, sign, write).
 * Prints the wall and CPU time of the merge, the peak RSS and the sizes; the target is under 3 s
 * wall (on a shared, loaded machine the CPU time is the steadier figure). The shards are written
 * by this process; the merges run in a child process (`--dir`), so its peak RSS is the merge's,
 * not the generator's.
 *
 *   npx tsx bench/merge.ts
 *   npx tsx bench/merge.ts --cases 5000 --shards 4 --runs 3
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { shardOf } from '../src/core/shard.js';
import { mergeShards } from '../src/io/merge.js';
import { recordedConfig } from '../src/io/merge-shards.js';
import { createRunWriter } from '../src/io/run-writer.js';
import { verifyFile } from '../src/io/verify.js';
import { recordSettings } from '../src/runner/header.js';
import { syntheticHeader, syntheticResult, type SyntheticResult } from '../test/helpers/synthetic-run.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '5000' },
    shards: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    /** Merge the shards in this folder (the child process). */
    dir: { type: 'string' },
  },
});
const perShard = Number(values.cases);
const count = Number(values.shards);
const KEY = 'bench-signing-key';
const env = { CONVOTEST_SIGNING_KEY: KEY };

if (values.dir) {
  await mergeRuns(values.dir);
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'convotest-bench-merge-'));
const options = { cases: 0, variants: ['main'] };
// Case indices by the shard their id hashes to, until every shard holds `perShard` cases.
const byShard: SyntheticResult[][] = Array.from({ length: count }, () => []);
for (let i = 0, full = 0; full < count; i++) {
  const result = syntheticResult(options, i, 'main');
  const list = byShard[shardOf(result.caseId, count) - 1]!;
  if (list.length >= perShard) continue;
  list.push(result);
  if (list.length === perShard) full++;
}
const paths: string[] = [];
for (const [i, results] of byShard.entries()) {
  const path = join(dir, `shard-${i + 1}.jsonl`);
  const header = { ...syntheticHeader({ ...options, runId: `shard-${i + 1}` }), selection: { filters: [], caseIds: [], shard: `${i + 1}/${count}` } };
  const writer = await createRunWriter(path, header, { signingKey: KEY });
  for (const r of results) await writer.writeResult(r);
  await writer.finish({ status: 'complete', endedAt: '2026-01-01T00:10:00.000Z', results: results.length, errors: results.filter((r) => r.error).length });
  paths.push(path);
}
const bytes = (await Promise.all(paths.map((p) => stat(p)))).reduce((n, s) => n + s.size, 0);
console.log(`shards: ${count} × ${perShard.toLocaleString('en-US')} cases, ${(bytes / 1e6).toFixed(1)} MB in all`);
// The merges run in a fresh process, as the CLI's would: none of the generated results in its heap.
const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, '--dir', dir, '--runs', values.runs], { stdio: 'inherit' });
if (process.env['KEEP']) console.log(dir);
else await rm(dir, { recursive: true, force: true });
process.exit(child.status ?? 1);

async function mergeRuns(dir: string): Promise<void> {
  const paths = (await readdir(dir))
    .filter((f) => /^shard-\d+\.jsonl$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  const times: number[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const out = join(dir, `merged-${run}.jsonl`);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const outcome = await mergeShards({
      paths,
      outPath: out,
      runId: `merged-${run}`,
      settings: (header) => recordSettings(recordedConfig(header), env),
      cwd: dir,
      warn: (message) => console.warn(`warning: ${message}`),
    });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    times.push(ms);
    // Peak RSS so far: after merge 1 it is the merge's alone (the verify below reads the merged record whole).
    const rss = process.resourceUsage().maxRSS / 1024;
    const check = await verifyFile(out, { kind: 'run', key: KEY });
    console.log(
      `merge ${run + 1}: ${(ms / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${rss.toFixed(0)} MB, ${outcome.totals.done.toLocaleString('en-US')} results, verify ${check.ok ? 'ok' : 'FAILED'} (signature ${check.signature})`,
    );
    await rm(out);
  }
  const best = Math.min(...times);
  console.log(
    `best: ${(best / 1000).toFixed(2)} s (target < 3 s: ${best < 3000 ? 'met' : 'NOT met'}); peak RSS of the merging process (merges and verifies) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}
