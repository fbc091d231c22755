import path from 'node:path';
import type { GraderFile } from '../io/grader-files.js';
import { fieldPath, type Problem } from '../core/problems.js';
import { loadCustomGrader } from './custom.js';

/**
 * Loads the module of every `custom` grader definition, as grading would, so that `convotest
 * validate` reports a missing module or export (file, line, field) instead of every grade of
 * the run erroring. Loading runs the module's top level, as a `.ts` config does.
 */
export async function customModuleProblems(graders: readonly GraderFile[], cwd: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const g of graders) {
    const { kind, module, export: exportName } = g.definition;
    if (kind !== 'custom' || typeof module !== 'string' || module === '') continue;
    const baseDir = path.dirname(path.resolve(cwd, g.file));
    try {
      await loadCustomGrader(baseDir, module, typeof exportName === 'string' ? exportName : undefined);
    } catch (error) {
      const at = typeof exportName === 'string' && !/Cannot find module|ENOENT/.test((error as Error).message) ? 'export' : 'module';
      const reason = (error as Error).message.split('\n')[0]!.replace(path.resolve(baseDir, module), module);
      problems.push({ file: g.file, ...g.locate([at]), field: fieldPath([...g.path, at]), message: `cannot load the custom grader: ${reason}` });
    }
  }
  return problems;
}
