import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/io/config.js';

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-config-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('loadConfig', () => {
  it('returns defaults when there is no config file', async () => {
    const loaded = await loadConfig(undefined, await dirWith({}));
    expect(loaded.path).toBeUndefined();
    expect(loaded.config.concurrency).toEqual({ agent: 8, judge: 8 });
    expect(loaded.config.gate.maxDrop).toBe(0.02);
  });

  it('loads a TypeScript config written with defineConfig', async () => {
    const dir = await dirWith({
      'convotest.config.ts': `import { defineConfig } from ${JSON.stringify(join(process.cwd(), 'src/io/config.ts'))};
export default defineConfig({ agents: { floor: { kind: 'baseline' } }, repeat: 2 });`,
    });
    const loaded = await loadConfig(undefined, dir);
    expect(loaded.config.agents.floor).toEqual({ kind: 'baseline', minScore: 1 });
    expect(loaded.config.repeat).toBe(2);
  });

  it('names file, line and field of a YAML typo', async () => {
    const dir = await dirWith({
      'convotest.config.yaml': 'agents:\n  floor:\n    kind: baseline\n    minscore: 2\n',
    });
    await expect(loadConfig(undefined, dir)).rejects.toThrow(
      'convotest.config.yaml:4:5  agents.floor.minscore  unknown key "minscore"',
    );
  });

  it('names the line of a wrong type', async () => {
    const dir = await dirWith({ 'convotest.config.yaml': 'repeat: many\n' });
    await expect(loadConfig(undefined, dir)).rejects.toThrow(/convotest.config.yaml:1:9 {2}repeat {2}.*number/);
  });

  it.each([
    ['an OpenAI API key', "judge:\n  provider: openai\n  model: gpt-4o\n  apiKeyEnv: sk-proj-abcdefghijklmnopqrstuvwx\n", 4],
    ['a bearer token', "agents:\n  bot:\n    kind: http\n    url: http://localhost:1/x\n    headers:\n      Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123\n", 6],
  ])('refuses %s written as a literal', async (what, yaml, line) => {
    const dir = await dirWith({ 'convotest.config.yaml': yaml });
    const error = await loadConfig(undefined, dir).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'E_SECRET' });
    expect((error as Error).message).toContain(`convotest.config.yaml:${line}:`);
    expect((error as Error).message).toContain(`looks like ${what}`);
    expect((error as Error).message).toContain('name an environment variable');
  });
});
