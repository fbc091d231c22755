import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { ConvotestError, InputError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { TOOL_VERSION } from '../version.js';
import { STARTER_CONFIG, STARTER_GOLDEN_SET, shardedWorkflow, starterPackageJson, starterWorkflow } from './init/templates.js';
import type { CliContext } from './main.js';

/**
 * `convotest init`: a starter config, one example golden-set file, the shipped grader
 * definitions and a GitHub Actions workflow, in the current folder; and, when the folder has no
 * package.json, one with convotest as a dev dependency (from `--from`, else a tarball of the
 * running convotest packed into vendor/). Never overwrites a file.
 */
export function initCommand(ctx: CliContext): Command {
  return new Command('init')
    .description('write a starter config, an example golden set, grader definitions, a CI workflow and (when missing) package.json here')
    .option('--from <source>', 'where package.json installs convotest from: a git URL or a tarball (default: pack the running convotest into vendor/)')
    .option('--shards <n>', 'the workflow runs the golden set as n parallel shards, merges them and gates the merged run')
    .addHelpText(
      'after',
      `
Examples:
  $ mkdir my-bot-evals && cd my-bot-evals && node ~/src/convotest/bin/convotest.js init
  $ npx convotest init --from git+https://git.example.com/team/convotest.git#v0.1.0
  $ npx convotest init --shards 4     # CI: 4 shard jobs → merge → gate → PR comment
  $ npm install && npx convotest validate && npx convotest run --agent baseline
Existing files are never overwritten: they are listed as kept. Inside a git repository the
workflow goes to the repository's .github/workflows/ and runs in this folder.`,
    )
    .action(async (flags: { from?: string; shards?: string }) => {
      const shards = flags.shards === undefined ? undefined : shardCount(flags.shards);
      const cwd = process.cwd();
      const repo = gitRoot(cwd) ?? cwd;
      const folder = path.relative(repo, cwd).split(path.sep).join('/') || '.';
      const workflowPath = path.join(repo, '.github/workflows/convotest.yml');
      const text = (name: string, target: string, content: string): [string, string, () => Promise<void>] => [name, target, () => writeFile(target, content)];
      const files = [
        text('convotest.config.yaml', path.join(cwd, 'convotest.config.yaml'), STARTER_CONFIG),
        text('golden-sets/example.yaml', path.join(cwd, 'golden-sets/example.yaml'), STARTER_GOLDEN_SET),
        text(path.relative(cwd, workflowPath).split(path.sep).join('/'), workflowPath, shards ? shardedWorkflow(shards, folder) : starterWorkflow(folder)),
      ];
      const { SHIPPED_GRADERS_DIR } = await import('../io/grader-files.js');
      for (const name of existsSync(SHIPPED_GRADERS_DIR) ? await readdir(SHIPPED_GRADERS_DIR) : []) {
        const target = path.join(cwd, 'graders', name);
        files.push([`graders/${name}`, target, () => copyFile(path.join(SHIPPED_GRADERS_DIR, name), target)]);
      }
      const packageJson = path.join(cwd, 'package.json');
      const hasPackage = existsSync(packageJson);
      if (!hasPackage) {
        files.push(['package.json', packageJson, async () => writeFile(packageJson, starterPackageJson(packageName(cwd), flags.from ?? (await packInto(cwd, ctx))))]);
      }
      for (const [name, target, write] of files) {
        if (existsSync(target)) {
          ctx.stdout.write(`kept     ${name} (exists)\n`);
          continue;
        }
        await mkdir(path.dirname(target), { recursive: true });
        await write();
        ctx.stdout.write(`created  ${name}\n`);
      }
      if (hasPackage) {
        ctx.stdout.write(`\nadd convotest to this project: npm install -D ${flags.from ?? '<git URL or packed tarball of convotest>'} (see README, Installation)\n`);
      }
      ctx.stdout.write(`\nnext: npm install && npx convotest validate && npx convotest run --agent baseline\n(commit package-lock.json: the workflow then installs with npm ci)\n`);
    });
}

/** Packs the running convotest into `<cwd>/vendor/` and returns the package.json source for it. */
async function packInto(cwd: string, ctx: CliContext): Promise<string> {
  const vendor = path.join(cwd, 'vendor');
  await mkdir(vendor, { recursive: true });
  try {
    // --ignore-scripts: dist/ is already built, and an installed copy has no compiler to rebuild it.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', vendor, PACKAGE_ROOT], { cwd });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    const file = `vendor/${packed?.filename ?? `convotest-${TOOL_VERSION}.tgz`}`;
    ctx.stdout.write(`created  ${file} (convotest ${TOOL_VERSION}, packed from ${path.resolve(PACKAGE_ROOT)})\n`);
    return `file:${file}`;
  } catch (error) {
    throw new ConvotestError('E_INTERNAL', `could not pack convotest into vendor/ (${(error as Error).message.split('\n')[0]}): run init again with --from <git URL or tarball>`, { cause: error });
  }
}

/** `--shards n`: a whole number from 1 to 256 (a GitHub matrix holds at most 256 jobs). */
function shardCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InputError(`--shards ${JSON.stringify(text)}: expected a whole number from 1 to 256, e.g. --shards 4`);
  return n;
}

/** The folder holding `.git` at or above `dir`, if any. */
function gitRoot(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/** A valid npm package name from the folder name. */
function packageName(dir: string): string {
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[-]+$/g, '');
  return name || 'convotest-evals';
}
