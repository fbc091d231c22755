import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from './utf8.js';
import path from 'node:path';
import type { z } from 'zod';
import { PACKAGE_ROOT } from '../package-root.js';
import { GraderDefinitionBaseSchema } from '../schema/grader-definition.js';
import { displayPath, findFiles } from './golden-files.js';
import { type Problem, sortProblems } from '../core/problems.js';
import { zodIssueProblems } from './yaml-issues.js';
import { type Position, parseYamlSource } from './yaml-source.js';
import { RUNNING_BUILT_CODE, readShippedGraderManifest, type ShippedGraderEntry, type ShippedGraderManifest } from './shipped-graders.js';

/** Extensions of grader definition files. */
export const GRADER_EXTENSIONS = ['.yaml', '.yml', '.md'] as const;

/** One grader definition read from a file under `graders/`. */
export interface GraderFile {
  /** The file, relative to cwd. */
  file: string;
  /** SHA-256 of the whole file (hashed into every run). */
  sha256: string;
  /** The definition as written (base keys checked; kind-specific keys are for the registry). */
  definition: Record<string, unknown>;
  /** Line where the definition starts. */
  line: number;
  /** Path of the definition inside its file: `[]`, or `['graders', 2]` in a list file. */
  path: PropertyKey[];
  /** Where a path inside the definition is in the file (for kind-specific problems). */
  locate(path: ReadonlyArray<PropertyKey>, options?: { key?: boolean }): Position;
  /**
   * A shipped definition whose file has the very bytes the build checked (kind options, patterns,
   * pattern warnings) with nothing found: `validate` does not check it again.
   */
  checked?: true;
}

/**
 * Finds grader definition files (`.yaml`, `.yml`, `.md` in the given files, folders or globs)
 * and parses them. A YAML file holds one definition or a list under `graders:`. A Markdown
 * file's YAML front matter (between `---` lines) is the definition and its body is the
 * definition's `prompt`. Only the common keys (GraderDefinitionBaseSchema) are checked here;
 * kind options and duplicate names are checked by `loadGraders` in src/grading/registry.ts.
 *
 * @example
 * const { graders, problems } = await loadGraderFiles(['graders']);
 */
export async function loadGraderFiles(
  paths: readonly string[],
  opts: { cwd?: string; manifest?: ShippedGraderManifest } = {},
): Promise<{ graders: GraderFile[]; problems: Problem[] }> {
  const cwd = opts.cwd ?? process.cwd();
  const found = await findFiles(paths, { cwd, extensions: GRADER_EXTENSIONS });
  const problems = [...found.problems];
  const graders: GraderFile[] = [];
  for (const absolute of found.files) {
    const file = displayPath(absolute, cwd);
    const bytes = await readFile(absolute).catch((error: Error) => {
      problems.push({ file, message: `cannot read: ${error.message}` });
      return undefined;
    });
    if (!bytes) continue;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const known = opts.manifest?.get(sha256);
    if (known) {
      graders.push(...fromManifest(file, sha256, bytes, known));
      continue;
    }
    const decoded = decodeUtf8(bytes);
    if ('fault' in decoded) {
      problems.push({ file, line: decoded.fault.line, column: decoded.fault.column, message: decoded.fault.message });
      continue;
    }
    const parsed = parseGraderFile(file, decoded.text);
    problems.push(...parsed.problems);
    for (const entry of parsed.definitions) graders.push({ file, sha256, ...entry });
  }
  return { graders, problems: sortProblems(problems) };
}

/** The grader definitions shipped with convotest (the package's top-level `graders/`). */
export const SHIPPED_GRADERS_DIR = path.join(PACKAGE_ROOT, 'graders/');

/**
 * The graders a project can name: its own definitions under `paths`, plus every shipped
 * definition (SHIPPED_GRADERS_DIR) whose name the project does not define. A project definition
 * overrides the shipped one of the same name, its `default` flag included. `shipped` holds the
 * shipped definitions that were added (a run uses only those it is asked for).
 *
 * @example
 * const { graders, problems } = await loadAvailableGraders(['graders'], { cwd });
 */
export async function loadAvailableGraders(
  paths: readonly string[],
  opts: { cwd?: string; shippedDir?: string } = {},
): Promise<{ graders: GraderFile[]; problems: Problem[]; shipped: Set<GraderFile> }> {
  const cwd = opts.cwd ?? process.cwd();
  const project = paths.length > 0 ? await loadGraderFiles(paths, { cwd }) : { graders: [], problems: [] };
  const shippedDir = opts.shippedDir ?? SHIPPED_GRADERS_DIR;
  if (!existsSync(shippedDir)) return { ...project, shipped: new Set() };
  const manifest = shippedDir === SHIPPED_GRADERS_DIR && RUNNING_BUILT_CODE ? readShippedGraderManifest() : undefined;
  const shipped = await loadGraderFiles([shippedDir], { cwd, ...(manifest ? { manifest } : {}) });
  const defined = new Set(project.graders.map((g) => String(g.definition['name'])));
  const projectFiles = new Set(project.graders.map((g) => g.file));
  const added = shipped.graders.filter((g) => !defined.has(String(g.definition['name'])) && !projectFiles.has(g.file));
  return { graders: [...project.graders, ...added], problems: sortProblems([...project.problems, ...shipped.problems]), shipped: new Set(added) };
}

/** The names of the grader definitions found under `paths` (problems ignored). */
export async function listGraderNames(paths: readonly string[], opts: { cwd?: string } = {}): Promise<Set<string>> {
  const { graders } = await loadGraderFiles(paths, opts);
  return new Set(graders.map((g) => String(g.definition['name'])));
}

/**
 * Problems for zod issues found while checking a definition's kind-specific keys, with the
 * definition's file, line and field path.
 */
export function graderIssueProblems(grader: GraderFile, issues: readonly z.core.$ZodIssue[], schema: z.ZodType): Problem[] {
  return zodIssueProblems(issues, { file: grader.file, schema, value: grader.definition, locate: grader.locate, basePath: grader.path });
}

type Definition = Omit<GraderFile, 'file' | 'sha256'>;

/**
 * The definitions of a file the build parsed (the same bytes: same SHA-256). Positions are read
 * from the text only if a problem needs one.
 */
function fromManifest(file: string, sha256: string, bytes: Uint8Array, known: ShippedGraderEntry): GraderFile[] {
  let parsed: Definition[] | undefined;
  const reparsed = () => (parsed ??= parseGraderFile(file, new TextDecoder().decode(bytes)).definitions);
  return known.definitions.map((entry, i) => ({
    file,
    sha256,
    definition: entry.definition,
    line: entry.line,
    path: entry.path,
    locate: (p: ReadonlyArray<PropertyKey>, o?: { key?: boolean }) => reparsed()[i]?.locate(p, o) ?? { line: entry.line, column: 1 },
    ...(known.checked ? { checked: true as const } : {}),
  }));
}

/** Parses the text of one grader file (YAML or Markdown with front matter). */
export function parseGraderFile(file: string, text: string): { definitions: Definition[]; problems: Problem[] } {
  const problems: Problem[] = [];
  let yamlText = text;
  let lineOffset = 0;
  let body: string | undefined;
  if (path.extname(file).toLowerCase() === '.md') {
    const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
    if (!match) {
      return { definitions: [], problems: [{ file, line: 1, column: 1, message: 'a Markdown grader starts with YAML front matter between `---` lines' }] };
    }
    yamlText = match[1]!;
    lineOffset = 1;
    body = match[2]!.replace(/^\s*\n/, '').trimEnd();
  }
  const source = parseYamlSource(yamlText, lineOffset);
  if (source.errors.length > 0) {
    return { definitions: [], problems: source.errors.map((e) => ({ file, ...e, message: `invalid YAML: ${e.message}` })) };
  }
  const value = source.value;
  let entries: Array<{ raw: unknown; path: PropertyKey[] }>;
  if (Array.isArray(value)) entries = value.map((raw, i) => ({ raw, path: [i] }));
  else if (isRecord(value) && Array.isArray(value['graders']) && value['name'] === undefined) {
    entries = value['graders'].map((raw, i) => ({ raw, path: ['graders', i] }));
  } else entries = [{ raw: value, path: [] }];

  const definitions: Definition[] = [];
  for (const { raw, path: at } of entries) {
    const locate = (p: ReadonlyArray<PropertyKey>, o?: { key?: boolean }) => source.locate([...at, ...p], o);
    if (body !== undefined && isRecord(raw)) {
      if (raw['prompt'] !== undefined && body !== '') {
        problems.push({ file, ...locate(['prompt'], { key: true }), field: 'prompt', message: 'the prompt is given twice: in front matter and as the Markdown body' });
      } else if (body !== '') raw['prompt'] = body;
    }
    const checked = GraderDefinitionBaseSchema.safeParse(raw);
    if (!checked.success) {
      problems.push(...zodIssueProblems(checked.error.issues, { file, schema: GraderDefinitionBaseSchema, value: raw, locate, basePath: at }));
      continue;
    }
    definitions.push({ definition: raw as Record<string, unknown>, line: locate([]).line, path: at, locate });
  }
  return { definitions, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
