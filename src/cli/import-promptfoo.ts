import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import type { CliContext } from './main.js';

interface PromptfooImportOptions {
  out?: string;
  gradersDir: string;
}

/**
 * `convotest import promptfoo <promptfooconfig.yaml>`: promptfoo tests → a golden set, plus the
 * grader definitions (and modules) its assertions need. Every assertion that could not be
 * mapped is printed with why and kept in its case's `metadata.promptfoo.unmapped`.
 */
export function promptfooImportCommand(ctx: CliContext): Command {
  return new Command('promptfoo')
    .description('promptfoo config (tests, prompts, assertions) → golden-set cases and grader definitions')
    .argument('<config>', 'promptfooconfig.yaml')
    .option('-o, --out <file>', 'golden-set YAML to write', 'golden-sets/promptfoo.yaml')
    .option('--graders-dir <dir>', 'folder for the generated grader definitions (<name>.yaml) and modules (<name>/)', 'graders')
    .addHelpText(
      'after',
      `
Examples:
  $ convotest import promptfoo promptfooconfig.yaml --out golden-sets/support.yaml
  $ convotest validate golden-sets/support.yaml --graders graders

Mapping: each test × prompt → a case whose user turn is the prompt rendered with the test's vars
(tests of a prompt using _conversation → turns of one case per metadata.conversationId);
equals/contains/icontains/contains-any/contains-all/regex/starts-with (and not-*) → must_match /
must_not_match; llm-rubric → a judge grader; factuality → expect.reference (accuracy grader);
javascript and is-json → custom graders (modules written under --graders-dir); cost and latency →
notes in metadata. Anything else is listed as unmapped, with why (also in the case's metadata).
Exit codes: 0 written, 2 bad input.`,
    )
    .exitOverride()
    .action(async (file: string, options: PromptfooImportOptions) => {
      const [{ readPromptfooConfig }, { importPromptfoo }, { slug }, { RUNTIME_FILE, RUNTIME_TEXT }, { stringify }] = await Promise.all([
        import('../interop/promptfoo/read.js'),
        import('../interop/promptfoo/import.js'),
        import('../interop/promptfoo/text.js'),
        import('../interop/promptfoo/modules.js'),
        import('yaml'),
      ]);
      const out = options.out ?? 'golden-sets/promptfoo.yaml';
      const prefix = `pf-${slug(path.basename(out).replace(/\.(?:ya?ml|jsonl?)$/, ''), 24) || 'imported'}`;
      const modulesDir = path.join(options.gradersDir, prefix);
      const configDirFromModules = path.relative(path.resolve(modulesDir), path.dirname(path.resolve(file))).split(path.sep).join('/') || '.';
      const loaded = await readPromptfooConfig(file);
      const result = importPromptfoo(loaded, { prefix, configDirFromModules });

      await mkdir(path.dirname(path.resolve(out)), { recursive: true });
      await writeFile(out, `# Written by convotest import promptfoo from ${file}. Unmapped assertions are listed in each case's metadata.promptfoo.unmapped.\n${stringify(result.golden, { lineWidth: 0 })}`, 'utf8');
      const written = [out];
      if (result.graders.length > 0) {
        const definitions = path.join(options.gradersDir, `${prefix}.yaml`);
        await mkdir(options.gradersDir, { recursive: true });
        await writeFile(
          definitions,
          `# Grader definitions for ${out}, written by convotest import promptfoo from ${file}.\n${stringify({ graders: result.graders.map((g) => g.definition) }, { lineWidth: 0 })}`,
          'utf8',
        );
        written.push(definitions);
        const modules = result.graders.flatMap((g) => (g.module ? [g.module] : []));
        if (modules.length > 0) {
          await mkdir(modulesDir, { recursive: true });
          await writeFile(path.join(modulesDir, RUNTIME_FILE), RUNTIME_TEXT, 'utf8');
          for (const m of modules) await writeFile(path.join(modulesDir, m.file), m.text, 'utf8');
          written.push(`${modulesDir}/ (${modules.length + 1} modules)`);
        }
      }
      const s = result.stats;
      ctx.stdout.write(
        `imported ${s.cases} cases (${s.turns} turns) from ${s.tests} tests: ${s.mapped} of ${s.assertions} assertions mapped (${s.notes} as notes), ${result.graders.length} graders generated, ${result.unmapped.length} unmapped\n`,
      );
      ctx.stdout.write(`wrote ${written.join(', ')}\n`);
      if (result.unmapped.length > 0) {
        ctx.stdout.write('not imported:\n');
        for (const u of result.unmapped) {
          const where = [u.case ? `case ${u.case}` : undefined, u.turn !== undefined ? `turn ${u.turn}` : undefined].filter(Boolean).join(', ');
          ctx.stdout.write(`  ${u.at}  ${u.type ? `${u.type}: ` : ''}${u.reason}${where ? ` (${where})` : ''}\n`);
        }
      }
      ctx.stdout.write(`check it: convotest validate ${out} --graders ${options.gradersDir}\n`);
    });
}
