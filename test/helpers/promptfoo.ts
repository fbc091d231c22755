import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type PromptfooInstall, ensurePromptfoo } from '../../scripts/promptfoo-install.js';

/**
 * promptfoo for the interop tests: installed into the scratch folder when missing (.ci/run does
 * it before the tests), or the one-line reason it cannot be, for `describe.skipIf`.
 */
export function promptfooOrReason(): PromptfooInstall | string {
  try {
    return ensurePromptfoo({ log: (line) => console.error(line) });
  } catch (error) {
    return `promptfoo cannot be installed here: ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * Runs `promptfoo eval -c promptfooconfig.yaml --output results.json` in `dir`, offline: no
 * telemetry, update check, sharing or cache, its home inside `dir`. promptfoo exits 100 when a
 * test fails.
 */
export function promptfooEval(pf: PromptfooInstall, dir: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const args = [pf.entry, 'eval', '-c', 'promptfooconfig.yaml', '--output', 'results.json', '--no-cache', '--no-progress-bar', '--no-table', '--no-share'];
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dir,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
    PROMPTFOO_CACHE_ENABLED: 'false',
    NO_COLOR: '1',
    ...env,
  };
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: dir, env: environment, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/** One row of promptfoo's results.json. */
export interface PromptfooRow {
  testIdx: number;
  vars: Record<string, unknown>;
  success: boolean;
  testCase: { description?: string; metadata?: Record<string, unknown> };
  response?: { output?: unknown };
  gradingResult?: { pass: boolean; reason?: string; componentResults?: Array<{ pass: boolean; reason?: string; namedScores?: Record<string, number> }> };
}

/** The rows of a results.json written by `promptfoo eval --output`. */
export function promptfooRows(results: unknown): PromptfooRow[] {
  return (results as { results: { results: PromptfooRow[] } }).results.results;
}
