import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { ConvotestError, InputError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { CliContext } from './main.js';

interface PromptfooExportOptions {
  out: string;
  config?: string;
  agent?: string[];
}

/** The shipped assertion module (the same place below the package root from src/, dist/ and the bundled CLI). */
const ASSERT_MODULE = path.join(PACKAGE_ROOT, 'dist/interop/promptfoo-assert.js');

function promptfooExport(ctx: CliContext): Command {
  return new Command('promptfoo')
    .description('a promptfoo config whose providers are your model variants and whose assertions are your convotest graders')
    .requiredOption('-o, --out <file>', 'promptfoo config to write (e.g. promptfooconfig.yaml)')
    .option('-c, --config <file>', 'convotest config (default: convotest.config.{ts,yaml} in the current folder)')
    .option('--agent <names...>', 'variants to export (default: every model variant)')
    .addHelpText(
      'after',
      `
Examples:
  $ convotest export promptfoo --out promptfooconfig.yaml
  $ promptfoo eval -c promptfooconfig.yaml --output results.json     # in the same folder

Model variants → providers (openai:chat:<model> / anthropic:messages:<model>, each with its own chat
prompt: its system prompt, the earlier turns, the turn's message). Replayed cases → one test per
turn, chained by metadata.conversationId; the last turn's javascript assertion
(dist/interop/promptfoo-assert.js) grades the whole conversation with the case's convotest graders.
Recorded (transcript) cases → a test whose output is the recorded reply (providerOutput).
Run promptfoo eval in the folder of the written config. Exit codes: 0 written, 2 bad input.`,
    )
    .exitOverride()
    .action(async (options: PromptfooExportOptions) => {
      const cwd = process.cwd();
      const [{ prepareGrading }, { exportPromptfoo }, { stringify }] = await Promise.all([
        import('../runner/prepare.js'),
        import('../interop/promptfoo/export.js'),
        import('yaml'),
      ]);
      if (!existsSync(ASSERT_MODULE)) throw new ConvotestError('E_CONFIG', `the assertion module ${ASSERT_MODULE} is missing: build convotest first (npm run build)`);
      const grading = await prepareGrading({ cwd, env: process.env, ...(options.config ? { configPath: options.config } : {}) });
      const configFile = options.config ?? 'convotest.config';
      const agents = Object.entries(grading.config.agents);
      for (const name of options.agent ?? []) {
        if (!grading.config.agents[name]) throw new InputError(`no variant "${name}" (known: ${agents.map(([n]) => n).join(', ') || 'none'})`, { file: '', field: '--agent' });
      }
      const variants = options.agent ? agents.filter(([n]) => options.agent!.includes(n)) : agents;
      const systems = new Map<string, string | undefined>();
      for (const [name, agent] of variants) {
        if (agent.kind !== 'model') continue;
        const file = agent.systemFile;
        const system =
          agent.system ??
          (file === undefined
            ? undefined
            : await readFile(path.resolve(grading.configDir, file), 'utf8').catch(() => {
                throw new InputError(`agent "${name}": cannot read systemFile ${file}`, { file: configFile, field: `agents.${name}.systemFile` });
              }));
        systems.set(name, system);
      }
      const outDir = path.dirname(path.resolve(options.out));
      const posix = (p: string) => p.split(path.sep).join('/');
      const result = exportPromptfoo(
        {
          variants,
          cases: grading.cases,
          assertModule: `file://${posix(path.relative(outDir, ASSERT_MODULE))}`,
          project: posix(path.relative(outDir, cwd)) || '.',
          ...(options.config ? { config: posix(path.relative(cwd, path.resolve(cwd, options.config))) } : {}),
          description: `convotest export of ${options.config ?? path.basename(cwd)}`,
        },
        systems,
      );
      if (result.stats.providers === 0 && result.stats.tests > result.stats.recorded) {
        throw new InputError('no model variant to export: replayed cases need one (agents with kind: model)', { file: configFile, field: 'agents' });
      }
      await mkdir(outDir, { recursive: true });
      const header = `# Written by convotest export promptfoo. Run \`promptfoo eval\` in this folder; the assertions grade with convotest.\n`;
      await writeFile(options.out, `${header}${stringify(result.config, { lineWidth: 0 })}`, 'utf8');
      const s = result.stats;
      ctx.stdout.write(`wrote ${options.out}: ${s.providers} providers, ${s.cases} cases as ${s.tests} tests (${s.recorded} recorded)\n`);
      for (const skip of result.skipped) ctx.stdout.write(`  not exported: ${skip.what}: ${skip.reason}\n`);
    });
}

/** `convotest export <format>`: writes a convotest project in another tool's format. Formats: `promptfoo`. */
export function exportCommand(ctx: CliContext): Command {
  return new Command('export')
    .description('write your variants, cases and graders in another tool\'s format')
    .addCommand(promptfooExport(ctx))
    .addHelpText('after', '\nExample:\n  $ convotest export promptfoo --out promptfooconfig.yaml');
}
