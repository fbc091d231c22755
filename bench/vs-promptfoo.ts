/**
 * convotest against promptfoo on the same work, the same machine and the same fake LLM.
 *
 * Installs promptfoo (0.121.x, the newest line that runs on Node 20) into a scratch folder
 * outside the project when it is not there yet, writes the same N single-turn cases for both
 * tools, starts one fake OpenAI server in its own process (it counts requests), then runs
 * promptfoo and convotest alternately, with no cache, each under `/usr/bin/time`. Prints, per
 * run: wall time (whole process, start-up included) against the ideal ceil(N / C) × calls × L,
 * CPU per case (user + sys of the tool's process and the children it waited for), peak RSS (of
 * its largest process), the requests the server saw and the exit code; then the ratios of the
 * medians.
 *
 * Workloads: `a` one "contains 42" check per case; `b` the same plus an LLM-rubric judge per
 * case (promptfoo `llm-rubric`, convotest `judge`), both answered by the fake.
 *
 *   npm run build && npx tsx bench/vs-promptfoo.ts                      # a and b, N 1000, L 50, C 16
 *   npx tsx bench/vs-promptfoo.ts --workload a --n 200 --runs 3
 *   npx tsx bench/vs-promptfoo.ts --promptfoo-dir /tmp/pf              # another scratch folder
 *   npx tsx bench/vs-promptfoo.ts --only convotest --runs 3            # one tool (no ratios), e.g. while iterating
 *   npx tsx bench/vs-promptfoo.ts --only convotest --node-flags="--cpu-prof --cpu-prof-dir /tmp/prof"
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeLlmProcess } from '../test/fake-llm/process.js';
import { repoRoot } from '../test/helpers/cli.js';
import { defaultPromptfooDir, ensurePromptfoo } from '../scripts/promptfoo-install.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    workload: { type: 'string', default: 'a,b' },
    runs: { type: 'string', default: '2' },
    'promptfoo-version': { type: 'string', default: '0.121' },
    'promptfoo-dir': { type: 'string', default: defaultPromptfooDir() },
    /** Run one tool only (no ratios): `convotest` or `promptfoo`. */
    only: { type: 'string' },
    /** Extra node flags for the convotest process (profiling: `--cpu-prof --cpu-prof-dir DIR`). */
    'node-flags': { type: 'string', default: '' },
  },
});
const N = Number(values.n);
const L = Number(values.latency);
const C = Number(values.concurrency);
const RUNS = Number(values.runs);
const WORKLOADS = values.workload.split(',').map((w) => w.trim()) as Array<'a' | 'b'>;
const PF_DIR = values['promptfoo-dir'];
const TIME = '/usr/bin/time';
const TOOLS = (values.only ? [values.only] : ['promptfoo', 'convotest']) as Array<'promptfoo' | 'convotest'>;
const NODE_FLAGS = values['node-flags'].split(' ').filter(Boolean);
for (const t of TOOLS) if (t !== 'promptfoo' && t !== 'convotest') throw new Error(`--only ${t}: expected convotest or promptfoo`);
for (const w of WORKLOADS) if (w !== 'a' && w !== 'b') throw new Error(`--workload ${w}: expected a, b or a,b`);
if (!existsSync(TIME)) throw new Error(`${TIME} is needed (Debian package "time") to measure CPU and peak RSS`);
if (!existsSync(join(repoRoot, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');

/** promptfoo's CLI entry, installed into the scratch folder on first use (scripts/promptfoo-install.ts). */
function promptfooEntry(): { entry: string; version: string } {
  return ensurePromptfoo({ dir: PF_DIR, version: values['promptfoo-version'], log: (line) => console.error(line) });
}

const question = (i: number) => `Case ${i}: what is six times seven?`;
const RUBRIC = 'The answer states the number 42.';
const ANSWER = 'Six times seven is 42.';

/** The fake's replies: promptfoo's rubric prompt gets its JSON, convotest's structured judge call its verdict, the rest the answer. */
const SCRIPT = [
  { name: 'promptfoo-rubric', match: { system: 'user-specified rubric' }, reply: { text: JSON.stringify({ reason: 'It states 42.', pass: true, score: 1 }) } },
  { name: 'promptfoo-rubric-user', match: { lastUser: 'user-specified rubric' }, reply: { text: JSON.stringify({ reason: 'It states 42.', pass: true, score: 1 }) } },
  { name: 'convotest-judge', match: { judge: true }, reply: { structured: { criteria: { states_42: { reasoning: 'It states 42.', evidence: [], score: 5 } }, summary: 'States 42.' } } },
  { name: 'answer', reply: { text: ANSWER } },
];

async function convotestProject(workload: 'a' | 'b', baseURL: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vs-pf-convotest-'));
  const cases = Array.from({ length: N }, (_, i) => JSON.stringify({ id: `case-${i}`, turns: [{ user: question(i), expect: { must_match: ['42'] } }] }));
  await writeFile(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
  await mkdir(join(dir, 'graders'));
  await writeFile(
    join(dir, 'graders/states-42.yaml'),
    `name: states-42\nkind: judge\ndescription: ${RUBRIC}\ncriteria:\n  - id: states_42\n    description: ${RUBRIC}\n`,
  );
  await writeFile(
    join(dir, 'convotest.config.yaml'),
    `goldenSets: [cases.jsonl]
graders: [graders]
defaultGraders: [${workload === 'b' ? 'rules, states-42' : 'rules'}]
agents:
  bot:
    kind: model
    provider: openai
    model: gpt-4o-mini
    baseURL: ${baseURL}
judge: { provider: openai, model: gpt-4o-mini, temperature: 0 }
concurrency: { agent: ${C}, judge: ${C} }
cache: false
outDir: runs
htmlReport: false
`,
  );
  return dir;
}

async function promptfooProject(workload: 'a' | 'b', baseURL: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vs-pf-promptfoo-'));
  const provider = { id: 'openai:chat:gpt-4o-mini', config: { apiBaseUrl: baseURL, apiKey: 'bench-key', temperature: 0 } };
  const assert = [{ type: 'contains', value: '42' }, ...(workload === 'b' ? [{ type: 'llm-rubric', value: RUBRIC }] : [])];
  const config = {
    description: `vs-promptfoo workload ${workload}`,
    prompts: ['{{question}}'],
    providers: [provider],
    defaultTest: { assert, options: { provider } },
    tests: Array.from({ length: N }, (_, i) => ({ vars: { question: question(i) } })),
  };
  // JSON is YAML: promptfoo reads it as its config.
  await writeFile(join(dir, 'promptfooconfig.yaml'), JSON.stringify(config, null, 1));
  return dir;
}

interface Measured {
  wallS: number;
  cpuS: number;
  rssKb: number;
  code: number;
  requests: number;
}

/** Runs `node args…` under /usr/bin/time; the figures are the last line of its stderr. */
function timed(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Omit<Measured, 'requests'> & { output: string }> {
  return new Promise((done) => {
    execFile(TIME, ['-f', 'TIME %e %U %S %M', process.execPath, ...args], { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      if (!m) throw new Error(`no figures from ${TIME} (node ${args.slice(0, 2).join(' ')}): ${stderr.slice(-2000)}`);
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      done({ wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssKb: Number(m[4]), code, output: `${stdout}\n${stderr}` });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const pf = TOOLS.includes('promptfoo') ? promptfooEntry() : { entry: '', version: '(not run)' };
const llm = await startFakeLlmProcess({ latencyMs: L, log: false, script: SCRIPT });
const cleanEnv: NodeJS.ProcessEnv = { ...process.env, OPENAI_API_KEY: 'bench-key', OPENAI_BASE_URL: llm.openaiBaseURL, NO_COLOR: '1' };
delete cleanEnv['CI'];
const pfHome = join(PF_DIR, 'home');
const pfEnv: NodeJS.ProcessEnv = {
  ...cleanEnv,
  // No network beyond the fake: no telemetry, no update check, promptfoo's state kept in the scratch folder.
  PROMPTFOO_DISABLE_TELEMETRY: '1',
  PROMPTFOO_DISABLE_UPDATE: '1',
  PROMPTFOO_DISABLE_SHARING: '1',
  PROMPTFOO_CONFIG_DIR: pfHome,
  PROMPTFOO_CACHE_ENABLED: 'false',
};

const cpuInfo = (await readFile('/proc/cpuinfo', 'utf8').catch(() => '')).match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
const cores = (await readFile('/proc/cpuinfo', 'utf8').catch(() => '')).match(/^processor/gm)?.length ?? 0;
const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ').slice(0, 3).join(' ');
console.log(`convotest vs promptfoo ${pf.version} · node ${process.version} · ${cores} × ${cpuInfo} · load average at start ${load}`);
console.log(`N ${N} single-turn cases, latency ${L} ms, concurrency ${C}, no cache, ${RUNS} runs each, alternating`);

try {
  for (const workload of WORKLOADS) {
    const calls = workload === 'b' ? 2 : 1;
    const idealS = (Math.ceil(N / C) * calls * L) / 1000;
    const cvDir = await convotestProject(workload, llm.openaiBaseURL);
    const pfDir = await promptfooProject(workload, llm.openaiBaseURL);
    const results: Record<'promptfoo' | 'convotest', Measured[]> = { promptfoo: [], convotest: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const tool of TOOLS) {
        await llm.reset();
        const m =
          tool === 'promptfoo'
            ? await timed([pf.entry, 'eval', '-c', 'promptfooconfig.yaml', '--no-cache', '-j', String(C), '--no-progress-bar', '--no-table', '--no-share'], pfDir, pfEnv)
            : await timed([...NODE_FLAGS, join(repoRoot, 'bin/convotest.js'), 'run', '--progress', 'none', '--no-cache', '--out', `runs/r${r}.jsonl`], cvDir, cleanEnv);
        const requests = (await llm.counts()).requests;
        results[tool].push({ ...m, requests });
        if (requests !== N * calls) console.error(`warning: ${tool} made ${requests} requests, expected ${N * calls}`);
        if (m.code !== 0) console.error(`warning: ${tool} exited ${m.code}; the end of its output:\n${m.output.slice(-1500)}`);
      }
    }
    console.log('');
    console.log(`workload ${workload}: ${workload === 'a' ? 'one "contains 42" check' : '"contains 42" + an LLM-rubric judge'} per case; ideal wall ${idealS.toFixed(2)} s (ceil(N / C) × ${calls} call${calls > 1 ? 's' : ''} × L)`);
    console.log(`  ${'tool'.padEnd(10)} ${'run'.padStart(3)} ${'wall s'.padStart(7)} ${'× ideal'.padStart(8)} ${'CPU ms/case'.padStart(12)} ${'peak RSS MB'.padStart(12)} ${'requests'.padStart(9)} ${'exit'.padStart(5)}`);
    for (let r = 0; r < RUNS; r++) {
      for (const tool of TOOLS) {
        const m = results[tool][r]!;
        console.log(
          `  ${tool.padEnd(10)} ${String(r + 1).padStart(3)} ${m.wallS.toFixed(2).padStart(7)} ${(m.wallS / idealS).toFixed(2).padStart(8)} ${((m.cpuS * 1000) / N).toFixed(2).padStart(12)} ${(m.rssKb / 1024).toFixed(0).padStart(12)} ${String(m.requests).padStart(9)} ${String(m.code).padStart(5)}`,
        );
      }
    }
    const med = (tool: 'promptfoo' | 'convotest', f: (m: Measured) => number) => median(results[tool].map(f));
    const ratio = (f: (m: Measured) => number) => (med('convotest', f) / med('promptfoo', f)).toFixed(3);
    if (TOOLS.length === 2) console.log(`  ratios convotest / promptfoo (medians): wall ${ratio((m) => m.wallS)}, CPU per case ${ratio((m) => m.cpuS)}, peak RSS ${ratio((m) => m.rssKb)}`);
    await rm(cvDir, { recursive: true, force: true });
    await rm(pfDir, { recursive: true, force: true });
  }
} finally {
  await llm.close();
}
