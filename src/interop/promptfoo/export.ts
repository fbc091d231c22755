import type { AgentConfig } from '../../schema/config.js';
import type { ResolvedCase } from '../../schema/golden-set.js';

/**
 * A convotest project → a promptfoo config (promptfoo 0.121.x). Pure: the CLI loads the project
 * and writes the result.
 *
 * - Each `model` variant becomes a provider (`openai:chat:<model>` or
 *   `anthropic:messages:<model>`, its base URL and parameters) with its own chat prompt (the
 *   variant's system prompt, else the case's, then the conversation so far from promptfoo's
 *   `_conversation`, then the turn's message); the provider runs only that prompt.
 * - Each replayed case becomes one test per user turn, chained by `metadata.conversationId`;
 *   the last turn carries the convotest assertion, which grades the whole conversation with the
 *   graders a convotest run would apply to the case (see src/interop/promptfoo-assert.ts).
 * - Each recorded (transcript) case becomes one test whose output is the recorded last reply
 *   (`providerOutput`, no model call); its assertion grades the recorded transcript.
 * - Variants of other kinds, and cases promptfoo cannot replay, are returned in `skipped`.
 */

/** What the assertion module receives as `assertion.config`. */
export interface AssertConfig {
  /** The convotest project folder, relative to where `promptfoo eval` runs (the promptfoo config's folder). */
  project: string;
  /** The convotest config file, relative to the project (default: the project's convotest.config.*). */
  config?: string;
  case: string;
  /** Grade the case's recorded transcript (transcript cases). */
  recorded?: boolean;
}

export interface ExportInput {
  variants: Array<[string, AgentConfig]>;
  cases: readonly ResolvedCase[];
  /** `file://` reference of the assertion module, relative to the promptfoo config's folder. */
  assertModule: string;
  project: string;
  config?: string;
  description: string;
}

export interface ExportResult {
  config: Record<string, unknown>;
  skipped: Array<{ what: string; reason: string }>;
  stats: { providers: number; cases: number; tests: number; recorded: number };
}

/** The chat prompt of one variant: system, the earlier turns, the turn's message (nunjucks). */
function chatPrompt(system: string | undefined): string {
  const systemPart =
    system !== undefined
      ? `{% raw %}${JSON.stringify({ role: 'system', content: system })}{% endraw %},`
      : '{% if case_system %}{"role": "system", "content": {{ case_system | dump }}},{% endif %}';
  return [
    '[',
    `  ${systemPart}`,
    '  {% for turn in _conversation %}',
    '  {"role": "user", "content": {{ turn.input | dump }}},',
    '  {"role": "assistant", "content": {{ turn.output | dump }}},',
    '  {% endfor %}',
    '  {"role": "user", "content": {{ message | dump }}}',
    ']',
  ].join('\n');
}

function providerOf(name: string, agent: Extract<AgentConfig, { kind: 'model' }>): Record<string, unknown> {
  const p = agent.params;
  const config: Record<string, unknown> = {
    ...(agent.baseURL ? { apiBaseUrl: agent.baseURL } : {}),
    ...(agent.apiKeyEnv ? { apiKeyEnvar: agent.apiKeyEnv } : {}),
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
    ...(p.topP !== undefined ? { top_p: p.topP } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
  };
  const id = agent.provider === 'openai' ? `openai:chat:${agent.model}` : `anthropic:messages:${agent.model}`;
  return { id, label: name, prompts: [name], ...(Object.keys(config).length > 0 ? { config } : {}) };
}

/**
 * Builds the promptfoo config. `systems` holds each model variant's system prompt text
 * (`system`, or the content of its `systemFile`), read by the caller.
 *
 * @example
 * const { config, skipped } = exportPromptfoo({ variants, cases, assertModule: 'file://node_modules/convotest/dist/interop/promptfoo-assert.js', project: '.', description: 'support bot' }, systems);
 */
export function exportPromptfoo(input: ExportInput, systems: ReadonlyMap<string, string | undefined>): ExportResult {
  const skipped: ExportResult['skipped'] = [];
  const prompts: Array<Record<string, unknown>> = [];
  const providers: Array<Record<string, unknown>> = [];
  for (const [name, agent] of input.variants) {
    if (agent.kind !== 'model') {
      skipped.push({ what: `variant ${name}`, reason: `a ${agent.kind} agent has no promptfoo provider here (only model variants are exported)` });
      continue;
    }
    if (agent.tools !== 'none') skipped.push({ what: `variant ${name} tools`, reason: 'exported without tools: promptfoo tests cannot answer tool calls with the cases\' scripted tool results' });
    prompts.push({ raw: chatPrompt(systems.get(name)), label: name });
    providers.push(providerOf(name, agent));
  }

  const assertion = (c: ResolvedCase, recorded: boolean) => {
    const config: AssertConfig = { project: input.project, ...(input.config ? { config: input.config } : {}), case: c.id, ...(recorded ? { recorded } : {}) };
    return { type: 'javascript', value: input.assertModule, metric: 'convotest', config };
  };
  const tests: Array<Record<string, unknown>> = [];
  let cases = 0;
  let recorded = 0;
  for (const c of input.cases) {
    const system = c.system ? { case_system: c.system } : {};
    if (c.turns && c.turns.length > 0) {
      if (c.tool_results) skipped.push({ what: `case ${c.id} tool results`, reason: 'promptfoo runs the turns without tools; its scripted tool results are not used' });
      c.turns.forEach((turn, i) => {
        const last = i === c.turns!.length - 1;
        tests.push({
          description: c.turns!.length > 1 ? `${c.id} (turn ${i + 1} of ${c.turns!.length})` : c.id,
          vars: { message: turn.user, ...system },
          metadata: { conversationId: c.id, convotestCase: c.id, turn: i },
          ...(last ? { assert: [assertion(c, false)] } : {}),
        });
      });
      cases++;
    } else if (c.transcript) {
      const messages = c.transcript.filter((m) => m.role !== 'system');
      const lastReply = [...messages].reverse().find((m) => m.role === 'assistant');
      const lastUser = [...messages].reverse().find((m) => m.role === 'user');
      if (!lastReply || !lastUser) {
        skipped.push({ what: `case ${c.id}`, reason: 'its recorded transcript has no user message or no assistant reply' });
        continue;
      }
      tests.push({
        description: `${c.id} (recorded)`,
        vars: { message: lastUser.content ?? '', ...system },
        metadata: { conversationId: c.id, convotestCase: c.id, recorded: true },
        providerOutput: lastReply.content ?? '',
        assert: [assertion(c, true)],
      });
      cases++;
      recorded++;
    } else {
      skipped.push({ what: `case ${c.id}`, reason: 'a simulated customer (user:) needs convotest\'s simulator; promptfoo cannot replay it' });
    }
  }
  return {
    config: { description: input.description, prompts, providers, tests },
    skipped,
    stats: { providers: providers.length, cases, tests: tests.length, recorded },
  };
}
