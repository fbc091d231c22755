import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { EXIT } from '../errors.js';
import type { CliContext } from './main.js';

interface ValidateOptions {
  graders?: string[];
  config?: string;
}

/**
 * `convotest validate [paths...]`: checks golden-set files (and the grader definitions they
 * name) and prints every problem as `file:line:column  field  message`; exit 2 on any.
 */
export function validateCommand(ctx: CliContext): Command {
  return new Command('validate')
    .description('check golden-set files: every problem at once, with file:line:column and field path')
    .argument('[paths...]', 'golden-set files, folders or globs (default: the config\'s goldenSets, else golden-sets)')
    .option('--graders <paths...>', 'grader definition files or folders, to check grader names (default: the config\'s graders, else graders/ when it exists; the shipped definitions are always known)')
    .option('-c, --config <file>', 'config file (default: convotest.config.{ts,yaml} in the current folder)')
    .addHelpText(
      'after',
      `
Examples:
  $ convotest validate
  $ convotest validate golden-sets/refunds.yaml imported.jsonl
  $ convotest validate 'golden-sets/**/*.yaml' --graders graders

Output: one problem per line, then a summary:
  golden-sets/refunds.yaml:14:11  cases[0].turns[0].expect.mustmatch  unknown key "mustmatch" (did you mean "must_match"?)
  1 problem in 1 file
Exit codes: 0 valid, 2 any problem.`,
    )
    .action(async (args: string[], options: ValidateOptions) => {
      const cwd = process.cwd();
      const [{ customModuleProblems }, { loadGraders }, { loadConfig }, { loadGoldenSets }, { configProblems }, { loadAvailableGraders }, { caseWarnings, graderWarnings }, { formatProblem, sortProblems }] =
        await Promise.all([
          import('../grading/custom-modules.js'),
          import('../grading/registry.js'),
          import('../io/config.js'),
          import('../io/golden-sets.js'),
          import('../io/config-checks.js'),
          import('../io/grader-files.js'),
          import('../io/pattern-warnings.js'),
          import('../core/problems.js'),
        ]);
      // The config is only read for what the command line leaves out.
      const needsConfig = args.length === 0 || options.graders === undefined || options.config !== undefined;
      const loadedConfig = needsConfig ? await loadConfig(options.config, cwd) : undefined;
      const config = loadedConfig?.config;
      const dir = loadedConfig?.dir ?? cwd;
      const fromConfig = (p: string) => path.relative(cwd, path.resolve(dir, p)) || '.';
      const paths = args.length > 0 ? args : (config?.goldenSets ?? ['golden-sets']).map(fromConfig);
      const graderPaths =
        options.graders ?? (config?.graders ?? ['graders']).map(fromConfig).filter((p) => existsSync(path.resolve(cwd, p)));
      // The shipped definitions are known too; the project's own override them by name.
      const graders = await loadAvailableGraders(graderPaths, { cwd });
      const knownGraders = new Set(graders.graders.map((g) => String(g.definition['name'])));
      const loaded = await loadGoldenSets(paths, { cwd, knownGraders });
      // Kind-specific options and duplicate names are the registry's to check (no judge needed).
      // Shipped definitions the build checked, byte for byte, are not checked again.
      const toCheck = graders.graders.filter((g) => g.checked !== true);
      const kindProblems = loadGraders(toCheck, { cwd }).problems;
      kindProblems.push(...(await customModuleProblems(toCheck, cwd)));
      const inConfig = loadedConfig ? configProblems(loadedConfig, { cwd, knownGraders }) : [];
      const problems = [...inConfig, ...sortProblems([...graders.problems, ...kindProblems]), ...loaded.problems];
      for (const problem of problems) ctx.stdout.write(`${formatProblem(problem)}\n`);
      // Warnings (patterns that may hit the regex time limit) do not fail validation.
      const warnings = sortProblems([...graderWarnings(toCheck), ...caseWarnings(loaded.cases)]);
      for (const warning of warnings) ctx.stdout.write(`${formatProblem(warning)}\n`);
      if (problems.length > 0) {
        const files = new Set(problems.map((p) => p.file)).size;
        ctx.stdout.write(`${plural(problems.length, 'problem')} in ${plural(files, 'file')}\n`);
        ctx.setExitCode(EXIT.badInput);
      } else {
        const warned = warnings.length > 0 ? `, ${plural(warnings.length, 'warning')}` : '';
        ctx.stdout.write(`ok: ${plural(loaded.cases.length, 'case')} in ${plural(loaded.files.length, 'file')}${warned}\n`);
      }
    });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
