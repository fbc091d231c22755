import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { InputError } from '../errors.js';
import { tauBenchCommand } from './import-tau-bench.js';
import type { CliContext } from './main.js';
import { promptfooImportCommand } from './import-promptfoo.js';

interface OpenAiMessagesOptions {
  out: string;
  messagesField: string;
  idField: string;
  tag: string[];
}

/**
 * `convotest import <format> ...`: converts conversation logs from other tools into golden-set
 * transcript cases. Formats: `openai-messages`, `tau-bench` (./import-tau-bench.ts).
 */
export function importCommand(ctx: CliContext): Command {
  const openaiMessages = new Command('openai-messages')
    .description('OpenAI chat message logs (JSON array or JSONL) → transcript cases (JSONL golden set)')
    .argument('<file>', 'JSON array or JSONL of { id?, messages, tags?, metadata? }, or an array of message arrays')
    .requiredOption('-o, --out <file>', 'golden-set JSONL file to write')
    .option('--messages-field <name>', 'field holding the message list in each record', 'messages')
    .option('--id-field <name>', 'field holding the conversation id (ids are generated when absent)', 'id')
    .option('--tag <key=value...>', 'tag added to every case (repeatable)', [])
    .addHelpText(
      'after',
      `
Examples:
  $ convotest import openai-messages logs.jsonl --out golden-sets/imported.jsonl --tag channel=web
  $ convotest import openai-messages trajectories.json --messages-field traj --out golden-sets/tau.jsonl

Mapping: leading system messages → case "system"; other messages → "transcript" (tool calls kept);
missing ids → conv-<8 hex of sha256(messages)>; scalar metadata and other scalar fields → tags;
non-scalar ones → case "metadata". Exit codes: 0 written, 2 bad input (the record index is named).`,
    )
    .exitOverride()
    .action(async (file: string, options: OpenAiMessagesOptions) => {
      const tags = parseTags(options.tag);
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new InputError(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      const { importOpenAiMessages } = await import('../io/import-openai.js');
      const cases = importOpenAiMessages(text, {
        file: path.basename(file),
        messagesField: options.messagesField,
        idField: options.idField,
        tags,
      });
      await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
      await writeFile(options.out, cases.map((c) => `${JSON.stringify(c)}\n`).join(''), 'utf8');
      const toolCalls = cases.reduce((n, c) => n + (c.transcript ?? []).reduce((k, m) => k + (m.tool_calls?.length ?? 0), 0), 0);
      ctx.stdout.write(`wrote ${cases.length} transcript cases (${toolCalls} tool calls) to ${options.out}\n`);
    });
  return new Command('import')
    .description('convert conversation logs from other tools into golden-set cases')
    .addCommand(openaiMessages)
    .addCommand(tauBenchCommand(ctx, parseTags))
    .addCommand(promptfooImportCommand(ctx))
    .addHelpText(
      'after',
      '\nExamples:\n  $ convotest import openai-messages logs.jsonl --out golden-sets/imported.jsonl\n  $ convotest import tau-bench trajectories.json --out golden-sets/tau-airline.yaml\n  $ convotest import promptfoo promptfooconfig.yaml --out golden-sets/promptfoo.yaml',
    );
}

/** `--tag key=value` pairs → tags. */
function parseTags(pairs: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new InputError(`--tag "${pair}": expected key=value`);
    tags[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return tags;
}
