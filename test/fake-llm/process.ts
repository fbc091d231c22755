import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ScriptFile } from './script-file.js';
import type { FakeLlmCounts, LoggedRequest } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

/** A fake LLM server running in a child process (see cli.ts). */
export interface FakeLlmProcess {
  url: string;
  openaiBaseURL: string;
  anthropicBaseURL: string;
  pid: number;
  counts(): Promise<FakeLlmCounts>;
  requests(): Promise<LoggedRequest[]>;
  reset(): Promise<void>;
  setScript(file: ScriptFile): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts test/fake-llm/cli.ts in a child process with the given script, and resolves once it
 * listens. Use it when the server must outlive or be isolated from the test process (CLI
 * end-to-end tests, SIGKILL/resume tests, benches).
 *
 * @example
 * const llm = await startFakeLlmProcess({ script: [{ reply: { text: 'hi' } }], latencyMs: 50 });
 * // spawn the CLI with OPENAI_BASE_URL=llm.openaiBaseURL ...
 * expect((await llm.counts()).requests).toBe(3);
 * await llm.close();
 */
export async function startFakeLlmProcess(file: ScriptFile = {}): Promise<FakeLlmProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-llm-'));
  const scriptPath = join(dir, 'script.json');
  writeFileSync(scriptPath, JSON.stringify(file));
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'cli.ts'), scriptPath], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolveLine, reject) => {
    lines.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`fake LLM process exited with ${code} before listening`)));
  });
  const urls = JSON.parse(first) as { url: string; openaiBaseURL: string; anthropicBaseURL: string };
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${urls.url}${path}`)).json()) as T;
  const post = async (path: string, body: unknown = {}): Promise<void> => {
    const res = await fetch(`${urls.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  return {
    ...urls,
    pid: child.pid ?? -1,
    counts: () => get<FakeLlmCounts>('/_fake/counts'),
    requests: () => get<LoggedRequest[]>('/_fake/requests'),
    reset: () => post('/_fake/reset'),
    setScript: (script) => post('/_fake/script', script),
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
