import * as z from 'zod';
import { didYouMean, fieldPath, type Problem } from '../core/problems.js';
import type { Position } from './yaml-source.js';

/** What is needed to turn zod issues into located problems. */
export interface IssueContext {
  file: string;
  /** The schema that produced the issues (to list known keys for typo suggestions). */
  schema: z.ZodType;
  /** The value that was parsed (to tell a missing key from a wrong type). */
  value: unknown;
  locate(path: ReadonlyArray<PropertyKey>, options?: { key?: boolean }): Position;
  /** Prefix added to every field path (e.g. none for YAML, none for a JSONL line). */
  basePath?: ReadonlyArray<PropertyKey>;
}

type Issue = z.core.$ZodIssue;

/**
 * Turns zod issues into problems with line, column, field path and a readable message:
 * unknown keys name the key and suggest the closest known one, missing keys say so,
 * wrong types say what was expected and what was found.
 */
export function zodIssueProblems(issues: readonly Issue[], ctx: IssueContext): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) addIssue(issue, [], ctx, out);
  return out;
}

function addIssue(issue: Issue, prefix: PropertyKey[], ctx: IssueContext, out: Problem[]): void {
  const path = [...prefix, ...issue.path];
  const problem = (at: PropertyKey[], message: string, key = false): void => {
    out.push({ file: ctx.file, ...ctx.locate(at, { key }), field: fieldPath([...(ctx.basePath ?? []), ...at]), message });
  };
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(ctx.schema, path);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known) || nestedHint(ctx.schema, path, key, known);
        problem([...path, key], `unknown key "${key}"${hint}`, true);
      }
      return;
    }
    case 'invalid_type': {
      const found = valueAt(ctx.value, path);
      if (found.missing) problem(path, `missing required key "${String(path.at(-1))}"`);
      else problem(path, `expected ${issue.expected}, got ${describe(found.value)}`);
      return;
    }
    case 'invalid_union': {
      // Report the branch whose type matched (e.g. an object with a typo), else the expected types.
      const matched = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (matched.length === 1) {
        for (const inner of matched[0]!) addIssue(inner, path, ctx, out);
        return;
      }
      const expected = issue.errors
        .flat()
        .filter((i) => i.code === 'invalid_type' && i.path.length === 0)
        .map((i) => (i.code === 'invalid_type' ? i.expected : ''));
      const found = valueAt(ctx.value, path);
      problem(path, expected.length > 0 ? `expected ${[...new Set(expected)].join(' or ')}, got ${describe(found.value)}` : issue.message);
      return;
    }
    case 'invalid_value': {
      const found = valueAt(ctx.value, path);
      const options = issue.values.map((v) => String(v));
      problem(path, `${JSON.stringify(found.value)} is not one of: ${options.join(', ')}${didYouMean(String(found.value), options)}`);
      return;
    }
    case 'too_small': {
      const empty = issue.minimum === 1 || issue.minimum === 1n;
      if (empty && issue.origin === 'string') problem(path, 'must not be empty');
      else if (empty && issue.origin === 'array') problem(path, 'must not be an empty list');
      else problem(path, lowerFirst(issue.message));
      return;
    }
    default:
      problem(path, lowerFirst(issue.message));
  }
}

/** ` (did you mean "expect.outcome"?)` when the key belongs to an object one level down. */
function nestedHint(schema: z.ZodType, path: PropertyKey[], key: string, known: readonly string[]): string {
  const parent = known.find((k) => knownKeysAt(schema, [...path, k]).includes(key));
  return parent === undefined ? '' : ` (did you mean "${parent}.${key}"?)`;
}

/** The keys a strict object at `path` accepts (from every union branch that reaches it). */
export function knownKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let current: z.ZodType[] = [schema];
  for (const segment of path) current = current.flatMap(unwrap).flatMap((s) => child(s, segment));
  return [...new Set(current.flatMap(unwrap).flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : [])))];
}

function unwrap(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(unwrap);
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return [schema];
}

function child(schema: z.ZodType, segment: PropertyKey): z.ZodType[] {
  if (schema instanceof z.ZodObject) {
    const next = (schema.shape as Record<string, z.ZodType>)[String(segment)];
    return next ? [next] : [];
  }
  if (schema instanceof z.ZodArray) return [schema.element as z.ZodType];
  if (schema instanceof z.ZodRecord) return [schema.valueType as z.ZodType];
  return [];
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): { value: unknown; missing: boolean } {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return { value: undefined, missing: true };
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return { value, missing: false };
}

/** `null`, `array`, `string "x"`... for "expected X, got Y" messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}
