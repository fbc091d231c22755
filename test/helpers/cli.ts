import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (where package.json is). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Node arguments that run the CLI from source, whatever the working folder. */
export const cliEntry = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  resolve(repoRoot, 'src/cli/run-cli.ts'),
];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for running the CLI from source in a child process. */
export interface CliOptions {
  cwd?: string;
  /** Added to (or, with `cleanEnv`, instead of) the test process's environment. */
  env?: Record<string, string | undefined>;
  /** Start from an environment without any provider keys or base URLs. */
  cleanEnv?: boolean;
}

function environment(options: CliOptions): NodeJS.ProcessEnv {
  const base = { ...process.env };
  // The CLI under test behaves as on a developer's machine unless a test sets CI itself: `run`
  // refuses to skip variants in CI, and the suite itself may run in CI.
  delete base['CI'];
  if (options.cleanEnv) {
    for (const key of Object.keys(base)) if (/API_KEY|BASE_URL|^CONVOTEST_|^GITHUB_/.test(key)) delete base[key];
  }
  return { ...base, ...options.env, NO_COLOR: '1' };
}

/** Runs `convotest <args>` from source (tsx) and resolves with its exit code and output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...cliEntry, ...args],
      { cwd: options.cwd ?? repoRoot, env: environment(options), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `convotest <args>` without waiting (for tests that interrupt or kill it). */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [...cliEntry, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: environment(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
