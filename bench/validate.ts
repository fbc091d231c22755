/**
 * `convotest validate` speed, measured on the shipped CLI (`node bin/convotest.js validate`,
 * compiled dist/): writes N synthetic cases (3 turns, tags, a must_match pattern per turn, a
 * conversation-level outcome) as one JSONL file and as one YAML file, then times the whole
 * process under `/usr/bin/time` (start-up included), R runs each. Prints wall time, CPU
 * (user + sys) and peak RSS per run and the median, with the load average beside them: on a busy
 * machine wall time measures the machine, CPU time less so. Target: ≤ 0.5 s wall for 1,000 cases.
 *
 *   npm run build && npx tsx bench/validate.ts              # N 1000, 3 runs each
 *   npx tsx bench/validate.ts --n 10000 --runs 5
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../test/helpers/cli.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } } });
const N = Number(values.n);
const RUNS = Number(values.runs);
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error(`${TIME} is needed (Debian package "time") to measure CPU and peak RSS`);
if (!existsSync(join(repoRoot, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');

const caseOf = (i: number) => ({
  id: `case-${String(i).padStart(5, '0')}`,
  tags: { intent: i % 2 ? 'order-status' : 'refund', channel: 'web', language: 'en', risk: 'low' },
  turns: [1, 2, 3].map((t) => ({ user: `Question ${t} of case ${i}: where is my order VL-${1000 + i}?`, expect: { must_match: ['VL-\\d+'] } })),
  expect: { outcome: 'resolved' },
});

const dir = await mkdtemp(join(tmpdir(), 'convotest-validate-bench-'));
const cases = Array.from({ length: N }, (_, i) => caseOf(i));
await writeFile(join(dir, 'cases.jsonl'), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
// JSON is YAML; one case per list item, in flow style, keeps the file small and the parse real.
await writeFile(join(dir, 'cases.yaml'), `cases:\n${cases.map((c) => `  - ${JSON.stringify(c)}\n`).join('')}`);

interface Measured {
  wallS: number;
  cpuS: number;
  rssKb: number;
  out: string;
}

function timed(file: string): Promise<Measured> {
  return new Promise((done, fail) => {
    execFile(TIME, ['-f', 'TIME %e %U %S %M', process.execPath, join(repoRoot, 'bin/convotest.js'), 'validate', file], { cwd: dir }, (error, stdout, stderr) => {
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      if (error || !m) return fail(new Error(`validate ${file} failed: ${stdout}${stderr}`));
      done({ wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssKb: Number(m[4]), out: stdout.trim().split('\n').at(-1) ?? '' });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const load = async () => (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ').slice(0, 3).join(' ');
console.log(`convotest validate, ${N} cases × 3 turns, ${RUNS} runs per file · node ${process.version} · load average ${await load()}`);
try {
  for (const file of ['cases.jsonl', 'cases.yaml']) {
    const runs: Measured[] = [];
    for (let r = 0; r < RUNS; r++) runs.push(await timed(file));
    for (const [r, m] of runs.entries()) {
      console.log(`  ${file.padEnd(11)} run ${r + 1}  wall ${m.wallS.toFixed(2)} s  CPU ${m.cpuS.toFixed(2)} s  peak RSS ${(m.rssKb / 1024).toFixed(0)} MB  (${m.out})`);
    }
    console.log(`  ${file.padEnd(11)} median wall ${median(runs.map((m) => m.wallS)).toFixed(2)} s, CPU ${median(runs.map((m) => m.cpuS)).toFixed(2)} s (target ≤ 0.5 s wall) · load average now ${await load()}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
