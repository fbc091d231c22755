import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { useFakeLlm } from './fake-llm/use.js';
import { cliEntry, repoRoot } from './helpers/cli.js';

// `--version` and `--help` must start fast: no SDK, no HTML report, no review server, no gate
// statistics. The CLI runs from source with a module hook (test/helpers/record-loads.mjs) that
// logs every module URL it resolves; the hook comes after tsx, so it sees the final .ts files.
const dir = mkdtempSync(join(tmpdir(), 'convotest-startup-'));
const recorder = pathToFileURL(resolve(repoRoot, 'test/helpers/record-loads.mjs')).href;

const HEAVY: Array<[string, RegExp]> = [
  ['the OpenAI SDK', /\/node_modules\/openai\//],
  ['the Anthropic SDK', /\/node_modules\/@anthropic-ai\/sdk\//],
  ['the HTML report', /\/src\/report\/html/],
  ['the review server', /\/src\/review\//],
  ['the gate statistics', /\/src\/core\/(gate|stats)[./]/],
  ['the runner', /\/src\/runner\//],
];

let runs = 0;
/**
 * Runs the CLI (from source, or `shipped`: bin/convotest.js on the built dist/) and returns its
 * exit code, stdout and the module URLs it loaded.
 */
function loadsOf(args: string[], options: { shipped?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; loaded: string[] }> {
  const log = join(dir, `loads-${runs++}.txt`);
  writeFileSync(log, '');
  const [, tsx, entry] = cliEntry as [string, string, string];
  const node = options.shipped ? ['--import', recorder, join(repoRoot, 'bin/convotest.js')] : ['--import', tsx, '--import', recorder, entry];
  return new Promise((done) => {
    execFile(process.execPath, [...node, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env, CONVOTEST_LOAD_LOG: log, NO_COLOR: '1' } }, (error, stdout) => {
      const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, loaded });
    });
  });
}

const heavyIn = (loaded: string[]) => HEAVY.filter(([, pattern]) => loaded.some((url) => pattern.test(url))).map(([what]) => what);

const llm = useFakeLlm({ script: [{ name: 'answer', reply: { text: 'Six times seven is 42.' } }] });
let projects = 0;
/** A project of two cases for one OpenAI-compatible agent on the fake server (`run` from its folder). */
function openaiProject(): string {
  const project = join(dir, `project-${projects++}`);
  mkdirSync(project);
  writeFileSync(join(project, 'cases.jsonl'), ['a', 'b'].map((id) => JSON.stringify({ id, turns: [{ user: 'Six times seven?', expect: { must_match: ['42'] } }] })).join('\n'));
  writeFileSync(
    join(project, 'convotest.config.yaml'),
    `goldenSets: [cases.jsonl]\ndefaultGraders: [rules]\nagents:\n  bot: { kind: model, provider: openai, model: gpt-4o-mini, baseURL: ${llm.openaiBaseURL} }\ncache: false\noutDir: runs\nhtmlReport: false\n`,
  );
  return project;
}
const RUN = ['run', '--progress', 'none', '--no-cache', '--out', 'runs/r.jsonl'];
const RUN_ENV = { OPENAI_API_KEY: 'test-key', CI: '' };

describe('start-up loads only what the command needs', () => {
  for (const args of [['--version'], ['--help'], ['run', '--help'], ['gate', '--help'], ['report', '--help'], ['view', '--help']]) {
    it(`convotest ${args.join(' ')} loads no SDK, HTML report, review server or gate statistics`, async () => {
      const { code, stdout, loaded } = await loadsOf(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(args[0] === '--version' ? /^\d+\.\d+\.\d+/ : /Usage: convotest/);
      // The hook saw the program (else the check below would prove nothing).
      expect(loaded.some((url) => url.endsWith('/src/cli/main.ts'))).toBe(true);
      expect(loaded.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
      expect(heavyIn(loaded)).toEqual([]);
    }, 60_000);
  }

  it('a command loads its heavy modules when its action runs (report → the HTML report)', async () => {
    const run = join(dir, 'r1.jsonl');
    const lines = [syntheticHeader('r1'), ...Array.from({ length: 3 }, (_, i) => syntheticResult({ caseId: `c${i}`, grades: [{ score: 0.9, reason: 'ok' }] }))];
    writeFileSync(run, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const { code, loaded } = await loadsOf(['report', run, '--out', join(dir, 'r1.html')]);
    expect(code).toBe(0);
    expect(heavyIn(loaded)).toContain('the HTML report');
  }, 60_000);

  it('a run loads the SDK of the providers it calls only (an OpenAI agent: no Anthropic SDK, not even for batch mode)', async () => {
    const { code, loaded } = await loadsOf(RUN, { cwd: openaiProject(), env: RUN_ENV });
    expect(code).toBe(0);
    expect(heavyIn(loaded)).toContain('the OpenAI SDK');
    expect(heavyIn(loaded)).not.toContain('the Anthropic SDK');
  }, 60_000);

  it('validate loads every grader kind without loading the VADER lexicon or the TypeScript loader', async () => {
    // Run from a folder without a config: the project's own convotest.config.ts is loaded with jiti.
    const { code, stdout, loaded } = await loadsOf(['validate', join(repoRoot, 'golden-sets')], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: \d+ cases in \d+ files/m);
    // The sentiment grader kind is loaded (graders/sentiment.yaml ships with convotest) ...
    expect(loaded.some((url) => url.endsWith('/src/grading/sentiment.ts'))).toBe(true);
    // ... its lexicon loads on the first score, jiti with a .ts config, module agent or custom grader.
    expect(loaded.filter((url) => /\/node_modules\/(vader-sentiment|jiti)\//.test(url))).toEqual([]);
  }, 60_000);
});

// The shipped CLI (bin/convotest.js, dist/cli-bundle/ built by `npm run build`: npm ci runs it).
const built = existsSync(join(repoRoot, 'dist/cli-bundle/main.js'));
describe.skipIf(!built)('the shipped CLI (dist/ not built: run `npm run build`)', () => {
  it('--version reads the version without loading the command line parser, zod or any command', async () => {
    const { code, stdout, loaded } = await loadsOf(['--version'], { shipped: true });
    expect(code).toBe(0);
    expect(stdout).toBe(`${(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    const ours = loaded.filter((url) => !url.startsWith('node:')).map((url) => url.slice(url.indexOf(`${repoRoot}/`) + repoRoot.length + 1));
    expect(ours.sort()).toEqual(['bin/convotest.js', 'dist/package-root.js', 'dist/version.js']);
  }, 60_000);

  it('runs bundled: a command loads chunks of dist/cli-bundle/, not the compiled modules one by one', async () => {
    const { code, stdout, loaded } = await loadsOf(['validate', join(repoRoot, 'golden-sets')], { shipped: true, cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: \d+ cases in \d+ files/m);
    expect(loaded.some((url) => url.includes('/dist/cli-bundle/'))).toBe(true);
    expect(loaded.filter((url) => /\/dist\/(?!cli-bundle\/)/.test(url) || /\/node_modules\/(zod|yaml|commander)\//.test(url))).toEqual([]);
  }, 60_000);

  it('the yaml package loads only for a text that needs it (an anchor), from its one bundled file', async () => {
    const project = join(dir, `project-${projects++}`);
    mkdirSync(project);
    const turn = "{ user: 'Where is my order?', expect: { must_match: ['order'] } }";
    writeFileSync(join(project, 'plain.yaml'), `cases:\n  - id: a\n    turns: [${turn}]\n`);
    writeFileSync(join(project, 'anchored.yaml'), `cases:\n  - id: a\n    turns: &turns [${turn}]\n  - id: b\n    turns: *turns\n`);
    const yamlIn = (loaded: string[]) => loaded.filter((url) => /\/node_modules\/yaml\/|\/cli-bundle\/yaml\.cjs$/.test(url)).map((url) => url.replace(/.*\//, ''));
    const plain = await loadsOf(['validate', 'plain.yaml'], { shipped: true, cwd: project });
    expect(plain.stdout).toBe('ok: 1 case in 1 file\n');
    expect(yamlIn(plain.loaded)).toEqual([]);
    const anchored = await loadsOf(['validate', 'anchored.yaml'], { shipped: true, cwd: project });
    expect(anchored.stdout).toBe('ok: 2 cases in 1 file\n');
    expect(yamlIn(anchored.loaded)).toEqual(['yaml.cjs']);
  }, 60_000);

  it('a run of an OpenAI agent does not load the Anthropic SDK chunk', async () => {
    const project = openaiProject();
    const { code, loaded } = await loadsOf(RUN, { shipped: true, cwd: project, env: RUN_ENV });
    expect(code).toBe(0);
    const chunks = loaded.filter((url) => url.includes('/dist/cli-bundle/')).map((url) => readFileSync(new URL(url), 'utf8'));
    // A header each SDK's client sets and nothing else in the bundle names.
    expect(chunks.some((text) => text.includes('anthropic-dangerous-direct-browser-access'))).toBe(false);
    expect(chunks.some((text) => text.includes('OpenAI-Organization'))).toBe(true);
  }, 60_000);
});
