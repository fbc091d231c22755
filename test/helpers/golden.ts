import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a synthetic golden set of `n` replayed cases with `turns` user turns each into a new
 * temp folder, plus a YAML config whose `model` variant talks to `baseURL`. Returns the folder.
 */
export async function syntheticProject(options: {
  cases: number;
  turns?: number;
  baseURL?: string;
  provider?: 'openai' | 'anthropic';
  extraConfig?: string;
  /** The model client's timeout per request (ms). */
  timeoutMs?: number;
  /** Write the HTML report beside the record (default false: faster). */
  html?: boolean;
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-project-'));
  const turns = options.turns ?? 3;
  const lines: string[] = [];
  for (let i = 0; i < options.cases; i++) {
    const id = `case-${String(i).padStart(5, '0')}`;
    const userTurns = Array.from({ length: turns }, (_, t) => ({ user: `Question ${t + 1} of ${id}: where is my order VL-${1000 + i}?` }));
    lines.push(JSON.stringify({ id, tags: { intent: i % 2 ? 'order-status' : 'refund', channel: 'web', language: 'en', risk: 'low' }, turns: userTurns }));
  }
  await writeFile(join(dir, 'cases.jsonl'), `${lines.join('\n')}\n`);
  const provider = options.provider ?? 'openai';
  await writeFile(
    join(dir, 'convotest.config.yaml'),
    `goldenSets: [cases.jsonl]
graders: []
agents:
  bot:
    kind: model
    provider: ${provider}
    model: ${provider === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5'}
    maxRetries: 2
    timeoutMs: ${options.timeoutMs ?? 5000}
    system: You are a helpful support agent.
${options.baseURL ? `    baseURL: ${options.baseURL}\n` : ''}outDir: runs
htmlReport: ${options.html === true}
${options.extraConfig ?? ''}`,
  );
  return dir;
}
