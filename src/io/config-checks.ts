import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from './config.js';
import { checkGraderNames } from './golden-checks.js';
import { displayPath } from './golden-files.js';
import { fieldPath, type Problem } from '../core/problems.js';

/**
 * What a config's schema cannot say, checked before anything runs: every `systemFile` exists
 * (relative to the config's folder) and every `defaultGraders` name is a known grader. Each
 * problem names the config file, its line (YAML) and the field, with a "did you mean" for a typo.
 *
 * @example
 * assertNoProblems(configProblems(loaded, { cwd, knownGraders }));
 */
export function configProblems(loaded: LoadedConfig, options: { cwd: string; knownGraders?: ReadonlySet<string> }): Problem[] {
  if (!loaded.path) return [];
  const file = displayPath(loaded.path, options.cwd);
  const problems: Problem[] = [];
  const at = (fieldAt: PropertyKey[], message: string) => problems.push({ file, ...loaded.locate(fieldAt), field: fieldPath(fieldAt), message });
  for (const [name, agent] of Object.entries(loaded.config.agents)) {
    if (agent.kind !== 'model' || !agent.systemFile) continue;
    const target = path.resolve(loaded.dir, agent.systemFile);
    if (!existsSync(target)) at(['agents', name, 'systemFile'], `file not found: ${displayPath(target, options.cwd)}`);
  }
  checkGraderNames(loaded.config.defaultGraders, options.knownGraders, (i, message) => at(['defaultGraders', ...i], message));
  return problems;
}
