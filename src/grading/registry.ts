import { createHash } from 'node:crypto';
import path from 'node:path';
import { didYouMean, fieldPath, type Problem } from '../core/problems.js';
import { zodIssueProblems } from '../io/yaml-issues.js';
import type { Position } from '../io/yaml-source.js';
import { GraderDefinitionBaseSchema, type GraderDefinition } from '../schema/grader-definition.js';
import type { GraderInfo } from '../schema/run-record.js';
import { accuracyKind } from './accuracy.js';
import { actionsKind } from './actions.js';
import { customKind } from './custom.js';
import type { Grader, GraderDeps, GraderKind } from './grader.js';
import { groundingKind } from './grounding/grounding.js';
import { hallucinationKind } from './hallucination.js';
import { judgeKind } from './judge.js';
import { escalationKind } from './outcomes/escalation.js';
import { fallbackKind } from './outcomes/fallback.js';
import { resolutionKind } from './outcomes/resolution.js';
import { turnsToResolutionKind } from './outcomes/turns-to-resolution.js';
import { regexKind } from './regex.js';
import { rulesKind } from './rules.js';
import { sentimentKind } from './sentiment.js';
import { sentimentJudgeKind } from './sentiment-judge.js';

/** Names of the grader kinds that ship with convotest. */
export type BuiltinGraderKind =
  | 'regex'
  | 'rules'
  | 'escalation'
  | 'fallback'
  | 'resolution'
  | 'actions'
  | 'turns-to-resolution'
  | 'grounding'
  | 'sentiment'
  | 'custom'
  | 'judge'
  | 'accuracy'
  | 'hallucination'
  | 'sentiment-judge';

/** The built-in grader kinds by name (a missing entry fails to compile). */
export const builtinGraderKinds: Record<BuiltinGraderKind, GraderKind> = {
  regex: regexKind,
  rules: rulesKind,
  escalation: escalationKind,
  fallback: fallbackKind,
  resolution: resolutionKind,
  actions: actionsKind,
  'turns-to-resolution': turnsToResolutionKind,
  grounding: groundingKind,
  sentiment: sentimentKind,
  custom: customKind,
  judge: judgeKind,
  accuracy: accuracyKind,
  hallucination: hallucinationKind,
  'sentiment-judge': sentimentJudgeKind,
};

/** A grader definition and where it was written (src/io/grader-files.ts returns these). */
export interface DefinitionSource {
  file: string;
  line?: number;
  definition: Record<string, unknown>;
  /** Path of the definition inside its file (`['graders', 2]` in a list file). */
  path?: PropertyKey[];
  /** Locates a path inside the definition, for precise problem lines. */
  locate?: (path: ReadonlyArray<PropertyKey>, options?: { key?: boolean }) => Position;
}

/** What {@link loadGraders} needs besides the definitions. */
export interface LoadGradersDeps extends Omit<GraderDeps, 'baseDir'> {
  /** Kinds by name (default: the built-ins). */
  kinds?: Record<string, GraderKind>;
  /** Folder that definition file paths are relative to (default: the process's cwd). */
  cwd?: string;
}

/** sha256 (hex) of the canonical JSON of a value: object keys sorted, no whitespace. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Validates grader definitions with their kind's options schema (strict: a misspelt key is an
 * error naming file, line and field) and creates the graders. A kind that needs a judge when
 * none is configured is listed in `infos` with `skipped` and creates no grader.
 *
 * @example
 * const { graders, infos, problems } = loadGraders(
 *   [{ file: 'graders/pii-leak.yaml', line: 1, definition: { name: 'pii-leak', kind: 'regex', must_not_match: ['@'] } }],
 *   {},
 * );
 */
export function loadGraders(
  definitions: readonly DefinitionSource[],
  deps: LoadGradersDeps,
): { graders: Grader[]; infos: GraderInfo[]; problems: Problem[] } {
  const kinds: Record<string, GraderKind> = deps.kinds ?? builtinGraderKinds;
  const graders: Grader[] = [];
  const infos: GraderInfo[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, DefinitionSource>();
  for (const source of definitions) {
    const { file, definition } = source;
    const at = source.path ?? [];
    const locate = source.locate ?? (() => ({ line: source.line ?? 0, column: 0 }));
    const issues = (schema: Parameters<typeof zodIssueProblems>[1]['schema'], list: Parameters<typeof zodIssueProblems>[0]) =>
      zodIssueProblems(list, { file, schema, value: definition, locate, basePath: at }).map(clean);
    const clean = (p: Problem): Problem => {
      const out = { ...p };
      if (!out.line) delete out.line;
      if (!out.column) delete out.column;
      return out;
    };
    const problem = (field: string, message: string) =>
      problems.push(clean({ file, ...locate([field]), field: fieldPath([...at, field]), message }));

    const base = GraderDefinitionBaseSchema.safeParse(definition);
    if (!base.success) {
      problems.push(...issues(GraderDefinitionBaseSchema, base.error.issues));
      continue;
    }
    const name = base.data.name;
    const kind = kinds[base.data.kind];
    if (kind === undefined) {
      const known = Object.keys(kinds).sort();
      problem('kind', `unknown grader kind "${base.data.kind}"${didYouMean(base.data.kind, known)}; known kinds: ${known.join(', ')}`);
      continue;
    }
    const earlier = seen.get(name);
    if (earlier) {
      problem('name', `duplicate grader name "${name}" (also in ${earlier.file}${earlier.line ? `:${earlier.line}` : ''})`);
      continue;
    }
    seen.set(name, source);
    const parsed = kind.options.safeParse(definition);
    if (!parsed.success) {
      problems.push(...issues(kind.options, parsed.error.issues));
      continue;
    }
    const valid = parsed.data as GraderDefinition;
    const info: GraderInfo = {
      name,
      kind: valid.kind,
      scope: valid.scope ?? kind.defaultScope,
      threshold: valid.threshold ?? kind.defaultThreshold,
      hash: canonicalHash(definition),
      source: source.line ? `${file}:${source.line}` : file,
    };
    if (kind.needsJudge && deps.judge === undefined) {
      infos.push({ ...info, skipped: 'needs a judge model and none is configured' });
      continue;
    }
    try {
      const baseDir = path.dirname(path.resolve(deps.cwd ?? process.cwd(), file));
      const grader = kind.create(valid, { ...deps, baseDir });
      graders.push(grader);
      infos.push({ ...info, scope: grader.scope, threshold: grader.threshold });
    } catch (error) {
      problem('kind', `cannot create grader "${name}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { graders, infos, problems };
}
