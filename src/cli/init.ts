import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { STARTER_CONFIG, STARTER_GOLDEN_SET, STARTER_WORKFLOW } from './init/templates.js';
import type { CliContext } from './main.js';

/** The grader definitions shipped with the package (top-level `graders/`). */
const SHIPPED_GRADERS = fileURLToPath(new URL('../../graders/', import.meta.url));

/**
 * `convotest init`: a starter config, one example golden-set file, the shipped grader
 * definitions and a GitHub Actions workflow, in the current folder. Never overwrites a file.
 */
export function initCommand(ctx: CliContext): Command {
  return new Command('init')
    .description('write a starter config, an example golden set, grader definitions and a CI workflow here')
    .addHelpText(
      'after',
      `
Examples:
  $ mkdir my-bot-evals && cd my-bot-evals && npx convotest init
  $ npx convotest validate && npx convotest run --agent baseline
Existing files are never overwritten: they are listed as kept.`,
    )
    .action(async () => {
      const cwd = process.cwd();
      const files: Array<[string, () => Promise<void>]> = [
        ['convotest.config.yaml', () => writeFile(path.join(cwd, 'convotest.config.yaml'), STARTER_CONFIG)],
        ['golden-sets/example.yaml', () => writeFile(path.join(cwd, 'golden-sets/example.yaml'), STARTER_GOLDEN_SET)],
        ['.github/workflows/convotest.yml', () => writeFile(path.join(cwd, '.github/workflows/convotest.yml'), STARTER_WORKFLOW)],
      ];
      for (const name of existsSync(SHIPPED_GRADERS) ? await readdir(SHIPPED_GRADERS) : []) {
        files.push([`graders/${name}`, () => copyFile(path.join(SHIPPED_GRADERS, name), path.join(cwd, 'graders', name))]);
      }
      for (const [file, write] of files) {
        const target = path.join(cwd, file);
        if (existsSync(target)) {
          ctx.stdout.write(`kept     ${file} (exists)\n`);
          continue;
        }
        await mkdir(path.dirname(target), { recursive: true });
        await write();
        ctx.stdout.write(`created  ${file}\n`);
      }
      ctx.stdout.write('\nnext: npx convotest validate && npx convotest run --agent baseline\n');
    });
}
