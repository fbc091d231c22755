import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A project for batch-mode tests: `cases` replayed cases of `turns` user turns (or
 * `turnsOf(index)`), one `model` variant and a judge (both `provider` on the fake server at
 * `baseURL`), and rubric judge graders applied to every case: `quality` (the whole
 * conversation) and/or `reply-quality` (each reply, scope: turn), as `graders` says (default
 * `quality`). Batch polling is fast (5 ms, up to 20 ms).
 */
export async function batchProject(options: {
  cases: number;
  turns: number;
  turnsOf?: (index: number) => number;
  graders?: ReadonlyArray<'quality' | 'reply-quality'>;
  baseURL: string;
  provider?: 'openai' | 'anthropic';
  maxRetries?: number;
  /** Extra top-level config lines. */
  extraConfig?: string;
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-batch-'));
  const provider = options.provider ?? 'openai';
  const model = provider === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5';
  const lines: string[] = [];
  for (let i = 0; i < options.cases; i++) {
    const id = `case-${String(i).padStart(4, '0')}`;
    const turns = Array.from({ length: options.turnsOf?.(i) ?? options.turns }, (_, t) => ({ user: `Turn ${t + 1} of ${id}: where is order VL-${1000 + i}?` }));
    lines.push(JSON.stringify({ id, tags: { intent: 'order-status' }, turns }));
  }
  await writeFile(join(dir, 'cases.jsonl'), `${lines.join('\n')}\n`);
  await mkdir(join(dir, 'graders'));
  await writeFile(
    join(dir, 'graders', 'quality.md'),
    `---
name: quality
kind: judge
criteria:
  - id: helpful
    description: The assistant answers the customer's question.
---
Rate the assistant.

{{transcript}}

{{criteria}}
`,
  );
  await writeFile(
    join(dir, 'graders', 'reply-quality.md'),
    `---
name: reply-quality
kind: judge
scope: turn
criteria:
  - id: helpful
    description: The reply answers the customer's last question.
---
Rate the assistant's reply.

{{transcript}}

{{criteria}}
`,
  );
  await writeFile(
    join(dir, 'convotest.config.yaml'),
    `goldenSets: [cases.jsonl]
graders: [graders]
defaultGraders: [${(options.graders ?? ['quality']).join(', ')}]
judge:
  provider: ${provider}
  model: ${model}
  baseURL: ${options.baseURL}
  maxRetries: 0
agents:
  bot:
    kind: model
    provider: ${provider}
    model: ${model}
    baseURL: ${options.baseURL}
    maxRetries: 0
    system: You are a helpful support agent.
batch:
  pollIntervalMs: 5
  maxPollIntervalMs: 20
  maxRetries: ${options.maxRetries ?? 2}
cache: false
outDir: runs
htmlReport: false
${options.extraConfig ?? ''}`,
  );
  return dir;
}
