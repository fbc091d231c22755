import * as z from 'zod';
import {
  MISSING_CONVERSATION,
  GoldenCaseSchema,
  GoldenDefaultsSchema,
  type GoldenCase,
  GoldenFileSchema,
  type KnowledgeDoc,
  KnowledgeDocSchema,
} from '../schema/golden-set.js';
import { checkCase, checkGraderNames, checkTags, type Report } from './golden-checks.js';
import { fieldPath, type Problem } from '../core/problems.js';
import { zodIssueProblems } from './yaml-issues.js';
import { type Position, parseYamlSource } from './yaml-source.js';

type Locate = (path: ReadonlyArray<PropertyKey>, options?: { key?: boolean }) => Position;

/** A golden-set file with its cases left unchecked: {@link parseYaml} checks each case on its own. */
const GoldenFileEnvelopeSchema = GoldenFileSchema.extend({ cases: z.array(z.unknown()) });

/** One case as found in a file: the raw value, the parsed case when valid, and where it is. */
export interface FoundCase {
  raw: unknown;
  parsed?: GoldenCase;
  /** Path of the case inside its file (`['cases', 3]` in YAML, `[]` for a JSONL line). */
  path: PropertyKey[];
  line: number;
  locate: Locate;
}

/** A golden-set file after parsing and per-file checks (cross-file checks come later). */
export interface ParsedGoldenFile {
  file: string;
  cases: FoundCase[];
  knowledge: KnowledgeDoc[];
  defaults: { tags?: Record<string, string | string[]>; graders?: string[] };
  problems: Problem[];
}

/**
 * Parses one golden-set file (YAML, or JSONL when the name ends in `.jsonl`) and checks every
 * case. `file` is the name used in problems.
 */
export function parseGoldenFile(file: string, text: string, knownGraders?: ReadonlySet<string>): ParsedGoldenFile {
  text = text.replace(/^\uFEFF/, ''); // a byte-order mark is not content
  return file.toLowerCase().endsWith('.jsonl') ? parseJsonl(file, text, knownGraders) : parseYaml(file, text, knownGraders);
}

function parseYaml(file: string, text: string, knownGraders?: ReadonlySet<string>): ParsedGoldenFile {
  const result: ParsedGoldenFile = { file, cases: [], knowledge: [], defaults: {}, problems: [] };
  const source = parseYamlSource(text);
  if (source.errors.length > 0) {
    result.problems.push(...source.errors.map((e) => ({ file, line: e.line, column: e.column, message: `invalid YAML: ${e.message}` })));
    return result;
  }
  const value = source.value;
  if (value === null || value === undefined) {
    result.problems.push({ file, line: 1, column: 1, message: 'empty file: a golden-set file needs `cases`' });
    return result;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'a list' : typeof value;
    result.problems.push({ file, line: 1, column: 1, message: `expected a mapping with \`cases:\` at the top level, got ${got}` });
    return result;
  }
  const report = reporter(file, source.locate, [], result.problems);
  // The file around its cases; each case is checked once, below (not a second time as part of the file).
  const whole = GoldenFileEnvelopeSchema.safeParse(value);
  if (!whole.success) {
    result.problems.push(...zodIssueProblems(whole.error.issues, { file, schema: GoldenFileEnvelopeSchema, value, locate: source.locate }));
  }
  const record = value as Record<string, unknown>;

  const knowledge = Array.isArray(record['knowledge']) ? record['knowledge'] : [];
  const seen = new Map<string, number>();
  knowledge.forEach((doc, i) => {
    const parsed = KnowledgeDocSchema.safeParse(doc);
    if (!parsed.success) return;
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      const line = source.locate(['knowledge', earlier, 'id']).line;
      report(['knowledge', i, 'id'], `duplicate knowledge id "${parsed.data.id}" (also at knowledge[${earlier}], line ${line})`);
    }
    else {
      seen.set(parsed.data.id, i);
      result.knowledge.push(parsed.data);
    }
  });
  const defaults = GoldenDefaultsSchema.safeParse(record['defaults'] ?? {});
  if (defaults.success) {
    result.defaults = defaults.data;
    checkTags(defaults.data.tags, (path, message, o) => report(['defaults', 'tags', ...path], message, o));
    checkGraderNames(defaults.data.graders, knownGraders, (path, message) => report(['defaults', 'graders', ...path], message));
  }

  const cases = record['cases'];
  if (Array.isArray(cases) && cases.length === 0) report(['cases'], 'no cases: `cases` is an empty list');
  if (!Array.isArray(cases)) return result;
  const ctx = { knowledgeIds: new Set(seen.keys()), knownGraders };
  cases.forEach((raw, i) => {
    const path = ['cases', i];
    const found: FoundCase = { raw, path, line: source.locate(path).line, locate: source.locate };
    const parsed = GoldenCaseSchema.safeParse(raw);
    if (parsed.success) found.parsed = parsed.data;
    else {
      const locate: Locate = (p, options) => source.locate([...path, ...p], options);
      result.problems.push(...zodIssueProblems(parsed.error.issues, { file, schema: GoldenCaseSchema, value: raw, locate, basePath: path }));
      missingConversation(raw, (p, message) => report([...path, ...p], message));
    }
    const checkable = parsed.success ? parsed.data : withoutInvalidParts(raw, parsed.error.issues);
    if (checkable) checkCase(checkable, ctx, (p, message, o) => report([...path, ...p], message, o));
    result.cases.push(found);
  });
  return result;
}

function parseJsonl(file: string, text: string, knownGraders?: ReadonlySet<string>): ParsedGoldenFile {
  const result: ParsedGoldenFile = { file, cases: [], knowledge: [], defaults: {}, problems: [] };
  const ctx = { knowledgeIds: new Set<string>(), knownGraders };
  text.split('\n').forEach((lineText, index) => {
    const line = index + 1;
    if (lineText.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(lineText);
    } catch (error) {
      const message = (error as Error).message;
      const at = /position (\d+)/.exec(message);
      result.problems.push({ file, line, ...(at ? { column: Number(at[1]) + 1 } : {}), message: `invalid JSON: ${message}` });
      return;
    }
    // Positions inside the line are only needed for problems: parse the line as YAML lazily.
    let located: Locate | undefined;
    const locate: Locate = (path, options) => {
      located ??= parseYamlSource(lineText, index).locate;
      return located(path, options);
    };
    const found: FoundCase = { raw, path: [], line, locate };
    const parsed = GoldenCaseSchema.safeParse(raw);
    const report = reporter(file, locate, [], result.problems);
    if (parsed.success) found.parsed = parsed.data;
    else {
      result.problems.push(...zodIssueProblems(parsed.error.issues, { file, schema: GoldenCaseSchema, value: raw, locate }));
      missingConversation(raw, report);
    }
    const checkable = parsed.success ? parsed.data : withoutInvalidParts(raw, parsed.error.issues);
    if (checkable) checkCase(checkable, ctx, report);
    result.cases.push(found);
  });
  if (result.cases.length === 0 && result.problems.length === 0) {
    result.problems.push({ file, line: 1, column: 1, message: 'empty file: a JSONL golden set needs one case per line' });
  }
  return result;
}

/**
 * The case parsed again without the parts zod rejected (unknown keys, an invalid `outcome`, a
 * wrong type), so that one bad field does not hide the other problems of the case (dangling
 * knowledge ids, unknown graders, regexes, roles). The rejected parts themselves are reported
 * from the first parse. An invalid element of a list drops the whole list. undefined when what is
 * left is not a case (e.g. its `id` was the invalid part).
 */
function withoutInvalidParts(raw: unknown, issues: readonly z.core.$ZodIssue[]): GoldenCase | undefined {
  const copy: unknown = structuredClone(raw);
  let pending = issues;
  for (let round = 0; round < 5; round++) {
    for (const issue of pending) {
      if (issue.code === 'unrecognized_keys') {
        const target = valueAt(copy, issue.path);
        if (isRecord(target)) for (const key of issue.keys) delete target[key];
        continue;
      }
      let at = issue.path;
      // A required key already dropped: drop what holds it. Never leave a hole in a list: drop the list.
      if (at.length > 0 && valueAt(copy, at) === undefined) at = at.slice(0, -1);
      while (at.length > 0 && Array.isArray(valueAt(copy, at.slice(0, -1)))) at = at.slice(0, -1);
      if (at.length === 0) return undefined;
      const parent = valueAt(copy, at.slice(0, -1));
      if (isRecord(parent)) delete parent[at[at.length - 1] as string];
    }
    const again = GoldenCaseSchema.safeParse(copy);
    if (again.success) return again.data;
    pending = again.error.issues;
  }
  return undefined;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let target = root;
  for (const segment of path) target = isRecord(target) || Array.isArray(target) ? (target as Record<PropertyKey, unknown>)[segment] : undefined;
  return target;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A case with none of `turns`, `user`, `transcript` (zod skips this refinement when other keys fail). */
function missingConversation(raw: unknown, report: Report): void {
  if (isRecord(raw) && !('turns' in raw) && !('transcript' in raw) && !('user' in raw)) {
    report([], MISSING_CONVERSATION);
  }
}

/** A Report that locates the path in the file and records a problem. */
export function reporter(file: string, locate: Locate, base: PropertyKey[], into: Problem[]): Report {
  return (path, message, options) => {
    const full = [...base, ...path];
    into.push({ file, ...locate(full, options), field: fieldPath(full) || undefined, message });
  };
}
