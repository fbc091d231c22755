import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The agent's system prompt in simulated projects (fake-LLM rules can match on it). */
export const AGENT_SYSTEM = 'You are the Voltline support agent.';

/**
 * Writes a project with the given golden-set YAML (`cases.yaml`) and a config whose `bot` variant
 * (openai gpt-4o-mini) and simulator (openai gpt-4o-mini, seed 7) talk to `baseURL`. Returns the folder.
 */
export async function simulatedProject(options: { golden: string; baseURL: string; extraConfig?: string; simulator?: boolean }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-simulated-'));
  await writeFile(join(dir, 'cases.yaml'), options.golden);
  const simulator =
    options.simulator === false
      ? ''
      : `simulator:
  provider: openai
  model: gpt-4o-mini
  baseURL: ${options.baseURL}
  maxRetries: 0
  seed: 7
`;
  await writeFile(
    join(dir, 'convotest.config.yaml'),
    `goldenSets: [cases.yaml]
graders: []
agents:
  bot:
    kind: model
    provider: openai
    model: gpt-4o-mini
    maxRetries: 0
    timeoutMs: 5000
    system: ${AGENT_SYSTEM}
    tools: expected
    baseURL: ${options.baseURL}
${simulator}outDir: runs
htmlReport: false
${options.extraConfig ?? ''}`,
  );
  return dir;
}
