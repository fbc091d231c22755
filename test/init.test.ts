import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { starterWorkflow } from '../src/cli/init/templates.js';
import { useFakeLlm } from './fake-llm/use.js';
import { repoRoot, runCli } from './helpers/cli.js';

const exec = promisify(execFile);
const llm = useFakeLlm({ log: false });

interface Workflow {
  jobs: { eval: { defaults?: { run: { 'working-directory': string } }; steps: Array<{ name?: string; run?: string; with?: Record<string, unknown> }> } };
}
const step = (workflow: Workflow, name: string) => workflow.jobs.eval.steps.find((s) => s.name === name);

/** What `npm install` does with the vendored tarball, without the network: unpack it and link its dependencies. */
async function installVendored(dir: string, tarball: string): Promise<void> {
  const pkg = join(dir, 'node_modules/convotest');
  await mkdir(pkg, { recursive: true });
  await exec('tar', ['-xzf', join(dir, tarball), '-C', pkg, '--strip-components=1']);
  const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies)) {
    await mkdir(join(dir, 'node_modules', dep, '..'), { recursive: true });
    await symlink(join(repoRoot, 'node_modules', dep), join(dir, 'node_modules', dep));
  }
  await mkdir(join(dir, 'node_modules/.bin'));
  await symlink('../convotest/bin/convotest.js', join(dir, 'node_modules/.bin/convotest'));
}

describe('convotest init', () => {
  it('in a folder without package.json writes one with convotest from a packed tarball, and the workflow installs and runs there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-init-'));
    const init = await runCli(['init'], { cwd: dir, cleanEnv: true });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('created  package.json\n');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const source = pkg.devDependencies['convotest'] ?? '';
    expect(source).toMatch(/^file:vendor\/convotest-\d+\.\d+\.\d+\.tgz$/);
    const tarball = source.slice('file:'.length);
    expect(existsSync(join(dir, tarball))).toBe(true);

    const workflowText = await readFile(join(dir, '.github/workflows/convotest.yml'), 'utf8');
    expect(workflowText).toBe(starterWorkflow('.'));
    const workflow = parse(workflowText) as Workflow;
    // No lock file yet: the install step must not require one.
    expect(step(workflow, 'Install')?.run).toBe('if [ -f package-lock.json ]; then npm ci; else npm install; fi');

    await installVendored(dir, tarball);
    const script = step(workflow, 'Run and gate')?.run ?? '';
    const env = { PATH: process.env['PATH'], HOME: process.env['HOME'], OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: llm.openaiBaseURL, NO_COLOR: '1' };
    const first = await exec('bash', ['-c', script], { cwd: dir, env });
    expect(first.stdout).toContain('run complete: runs/run.jsonl');
    // The next pull request: the previous record is the baseline, and the gate writes the PR comment.
    await mkdir(join(dir, 'baseline'));
    await rename(join(dir, 'runs/run.jsonl'), join(dir, 'baseline/run.jsonl'));
    const second = await exec('bash', ['-c', script], { cwd: dir, env });
    expect(second.stdout).toContain('gate report (Markdown): runs/run.gate.md');
    expect(existsSync(join(dir, 'runs/run.gate.md'))).toBe(true);
  }, 300_000);

  it('inside a git repository writes the workflow at its root, running in this folder; --from names the source', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'convotest-init-repo-'));
    await mkdir(join(repo, '.git'));
    await mkdir(join(repo, 'evals'));
    const from = 'git+https://git.example.com/team/convotest.git#v0.1.0';
    const init = await runCli(['init', '--from', from], { cwd: join(repo, 'evals'), cleanEnv: true });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('created  ../.github/workflows/convotest.yml\n');
    const workflow = parse(await readFile(join(repo, '.github/workflows/convotest.yml'), 'utf8')) as Workflow;
    expect(workflow.jobs.eval.defaults?.run['working-directory']).toBe('evals');
    expect(workflow.jobs.eval.steps.at(-1)?.with).toMatchObject({ path: 'evals/runs/' });
    const pkg = JSON.parse(await readFile(join(repo, 'evals/package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies).toEqual({ convotest: from });
    expect(existsSync(join(repo, 'evals/vendor'))).toBe(false);
  }, 120_000);

  it('leaves an existing package.json alone and says how to add convotest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-init-'));
    await writeFile(join(dir, 'package.json'), '{"name":"bot"}\n');
    const init = await runCli(['init', '--from', 'file:../convotest-0.1.0.tgz'], { cwd: dir, cleanEnv: true });
    expect(init.code).toBe(0);
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe('{"name":"bot"}\n');
    expect(init.stdout).toContain('add convotest to this project: npm install -D file:../convotest-0.1.0.tgz');
  }, 120_000);

  it('README shows the workflow init writes', async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const opening = '**GitHub Actions** (written by `convotest init` as `.github/workflows/convotest.yml`):\n```yaml\n';
    const start = readme.indexOf(opening);
    expect(start).toBeGreaterThanOrEqual(0);
    const body = readme.slice(start + opening.length);
    expect(body.slice(0, body.indexOf('```'))).toBe(starterWorkflow('.'));
  });
});
