import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The commit and dirty flag of the git work tree at `cwd`, or undefined outside a repository (or
 * before its first commit). One `git status` gives both (porcelain v2 names the commit on its
 * `# branch.oid` line): a process started costs more CPU than the rest of the run header.
 */
export async function gitState(cwd: string): Promise<{ commit: string; dirty: boolean } | undefined> {
  try {
    const { stdout } = await run('git', ['status', '--porcelain=v2', '--branch', '--untracked-files=no'], { cwd });
    const lines = stdout.split('\n').filter((line) => line !== '');
    const commit = /^# branch\.oid ([0-9a-f]{40,64})$/m.exec(stdout)?.[1];
    if (!commit) return undefined;
    return { commit, dirty: lines.some((line) => !line.startsWith('#')) };
  } catch {
    return undefined;
  }
}
