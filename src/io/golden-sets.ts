import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from './utf8.js';
import { InputError } from '../errors.js';
import type { GoldenCase, KnowledgeDoc, ResolvedCase, Tags } from '../schema/golden-set.js';
import { displayPath, findFiles, GOLDEN_EXTENSIONS } from './golden-files.js';
import { type ParsedGoldenFile, parseGoldenFile } from './golden-parse.js';
import { fieldPath, formatProblem, type Problem, sortProblems } from '../core/problems.js';

/** Options of {@link loadGoldenSets} and {@link validateGoldenSets}. */
export interface GoldenSetOptions {
  /** Grader names that exist; when given, unknown grader names are problems. */
  knownGraders?: ReadonlySet<string>;
  /** Folder that relative paths are resolved against and shown relative to (default: process.cwd()). */
  cwd?: string;
}

/** The result of loading golden sets. Cases are only complete when `problems` is empty. */
export interface LoadedGoldenSets {
  /** Every case that matched the schema, resolved (defaults merged, knowledge looked up). */
  cases: ResolvedCase[];
  /** Every golden-set file read, with the SHA-256 of its bytes (for the run header). */
  files: Array<{ path: string; sha256: string }>;
  /** Every problem in every file, sorted by file and line. */
  problems: Problem[];
}

/**
 * Loads golden-set files, folders (recursive: `*.yaml`, `*.yml`, `*.jsonl`) and globs, checks
 * them all and resolves their cases. Never throws for a problem in the files: problems are
 * returned, all at once (see {@link assertNoProblems}).
 *
 * @example
 * const { cases, problems } = await loadGoldenSets(['golden-sets'], { knownGraders: new Set(['politeness']) });
 */
export async function loadGoldenSets(paths: readonly string[], opts: GoldenSetOptions = {}): Promise<LoadedGoldenSets> {
  const cwd = opts.cwd ?? process.cwd();
  const found = await findFiles(paths, { cwd, extensions: GOLDEN_EXTENSIONS });
  const problems = [...found.problems];
  const files: LoadedGoldenSets['files'] = [];
  const parsed: ParsedGoldenFile[] = [];
  for (const absolute of found.files) {
    const file = displayPath(absolute, cwd);
    let bytes: Buffer;
    try {
      bytes = await readFile(absolute);
    } catch (error) {
      problems.push({ file, message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    const decoded = decodeUtf8(bytes);
    if ('fault' in decoded) {
      problems.push({ file, line: decoded.fault.line, column: decoded.fault.column, message: decoded.fault.message });
      continue;
    }
    files.push({ path: file, sha256: createHash('sha256').update(bytes).digest('hex') });
    const one = parseGoldenFile(file, decoded.text, opts.knownGraders);
    parsed.push(one);
    problems.push(...one.problems);
  }
  problems.push(...duplicateIds(parsed));
  const cases = parsed.flatMap((file) =>
    file.cases.flatMap((found) => (found.parsed ? [resolveCase(found.parsed, file, { file: file.file, line: found.line })] : [])),
  );
  return { cases, files, problems: sortProblems(problems) };
}

/** All problems of all the given golden-set files (an empty list when they are valid). */
export async function validateGoldenSets(paths: readonly string[], opts: GoldenSetOptions = {}): Promise<Problem[]> {
  return (await loadGoldenSets(paths, opts)).problems;
}

/**
 * Throws an InputError naming the first problem (and how many more) when there are any;
 * for commands that need valid golden sets, such as `run`.
 */
export function assertNoProblems(problems: readonly Problem[]): void {
  const first = problems[0];
  if (!first) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems: run \`convotest validate\`)` : '';
  throw new InputError(`${formatProblem(first)}${more}`);
}

/** Merges a file's defaults into a case and resolves its knowledge references. */
export function resolveCase(c: GoldenCase, file: Pick<ParsedGoldenFile, 'knowledge' | 'defaults'>, source: ResolvedCase['source']): ResolvedCase {
  const byId = new Map(file.knowledge.map((doc) => [doc.id, doc]));
  const knowledge: KnowledgeDoc[] = (c.knowledge ?? []).flatMap((ref) => {
    if (typeof ref !== 'string') return [ref];
    const doc = byId.get(ref);
    return doc ? [doc] : [];
  });
  const tags: Tags = { ...(file.defaults.tags ?? {}), ...c.tags };
  const graders = [
    ...new Set([...(file.defaults.graders ?? []), ...(c.expect?.graders ?? []), ...(c.turns ?? []).flatMap((t) => t.expect?.graders ?? [])]),
  ];
  return { ...c, tags, knowledge, graders, source };
}

function duplicateIds(files: readonly ParsedGoldenFile[]): Problem[] {
  const firstSeen = new Map<string, { file: string; line: number }>();
  const problems: Problem[] = [];
  for (const file of files) {
    for (const found of file.cases) {
      const id = (found.raw as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id === '') continue;
      const idPath = [...found.path, 'id'];
      const earlier = firstSeen.get(id);
      // Locating re-reads the source (a JSONL line is parsed as YAML on demand): only for duplicates.
      if (earlier) {
        const at = found.locate(idPath);
        problems.push({ file: file.file, ...at, field: fieldPath(idPath), message: `duplicate case id "${id}" (also at ${earlier.file}:${earlier.line})` });
      } else firstSeen.set(id, { file: file.file, line: found.line });
    }
  }
  return problems;
}
