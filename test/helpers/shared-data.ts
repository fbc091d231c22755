import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe } from 'vitest';
import { repoRoot } from './cli.js';

/**
 * The real labelled public data the project's owners keep beside the repo (`../shared/data`),
 * never copied into it. `CONVOTEST_SHARED_DATA` points elsewhere (set it to a missing folder to
 * check that the suite passes on a plain clone).
 */
export const SHARED_DATA = resolve(process.env['CONVOTEST_SHARED_DATA'] ?? resolve(repoRoot, '../shared/data'));

/** The absolute path of a file under the shared data folder. */
export const sharedDataPath = (relative: string): string => resolve(SHARED_DATA, relative);

/**
 * `describe` for suites that read shared data: when a file is absent, the suite is skipped and
 * its title says why in one line, so a plain clone passes `npm test` and CI (where the data is
 * present) still runs it.
 *
 * @example
 * describeWithSharedData('import on tau-bench', ['tau-bench-airline-dev/trajectories.json'], () => { ... });
 */
export function describeWithSharedData(name: string, files: readonly string[], body: () => void): void {
  const missing = files.find((f) => !existsSync(sharedDataPath(f)));
  if (missing === undefined) describe(name, body);
  else describe.skip(`${name} — skipped: shared data ${sharedDataPath(missing)} not found`, body);
}
