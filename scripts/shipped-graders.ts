/**
 * Writes dist/shipped-graders.json (src/io/shipped-graders.ts): each shipped grader file under
 * the SHA-256 of its bytes, with its definitions as parsed, and whether checking the shipped set
 * as `validate` does (kind options, custom modules, patterns, pattern warnings; no judge) found
 * anything. Commands take a file's definitions from it only when the bytes still hash the same.
 * A file whose definitions do not survive JSON unchanged (a value JSON cannot hold) is left out.
 *
 *   npm run build        # tsc, the CLI bundle, then this script
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { customModuleProblems } from '../src/grading/custom-modules.js';
import { loadGraders } from '../src/grading/registry.js';
import { loadGraderFiles, SHIPPED_GRADERS_DIR } from '../src/io/grader-files.js';
import { graderWarnings } from '../src/io/pattern-warnings.js';
import { writeShippedGraderManifest } from '../src/io/shipped-graders.js';

const cwd = path.resolve(SHIPPED_GRADERS_DIR, '..');
const { graders, problems } = await loadGraderFiles([SHIPPED_GRADERS_DIR], { cwd });
const found = [...problems, ...loadGraders(graders, { cwd }).problems, ...(await customModuleProblems(graders, cwd)), ...graderWarnings(graders)];
const checked = found.length === 0;
if (!checked) console.error(`shipped graders: ${found.length} problem(s) or warning(s); validate will check them every time:\n${found.map((p) => `  ${p.file}:${p.line ?? ''} ${p.message}`).join('\n')}`);

const byFile = new Map<string, typeof graders>();
for (const g of graders) byFile.set(g.file, [...(byFile.get(g.file) ?? []), g]);
const entries = [];
for (const [file, list] of byFile) {
  const definitions = list.map((g) => ({ definition: g.definition, line: g.line, path: g.path }));
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(definitions)), definitions)) {
    console.error(`shipped graders: ${file} does not survive JSON unchanged; left out`);
    continue;
  }
  entries.push({ file, sha256: list[0]!.sha256, definitions, checked });
}
await writeShippedGraderManifest(entries);
