import type { ExpectedTool } from '../../schema/golden-set.js';
import type { FoundToolCall } from './detect.js';

/** Numbers and numeric strings compare as numbers; other strings trimmed and case-folded. */
function normalise(value: unknown): unknown {
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^-?\d+(?:\.\d+)?$/.test(t.replace(/,/g, ''))) return Number(t.replace(/,/g, ''));
    return t.toLowerCase();
  }
  return value;
}

/**
 * Deep equality after normalisation. Arrays match as multisets (order ignored), objects need
 * the same keys (undefined/null-valued keys ignored).
 */
export function looseEqual(a: unknown, b: unknown): boolean {
  const x = normalise(a);
  const y = normalise(b);
  if (typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) < 1e-9;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    const used = new Set<number>();
    return x.every((item) => {
      const j = y.findIndex((other, k) => !used.has(k) && looseEqual(item, other));
      if (j < 0) return false;
      used.add(j);
      return true;
    });
  }
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const keys = new Set([...Object.keys(xo), ...Object.keys(yo)].filter((k) => xo[k] != null || yo[k] != null));
    return [...keys].every((k) => looseEqual(xo[k], yo[k]));
  }
  return x === y;
}

/** true when every key given in `expected` deep-equals (loosely) the same key of `actual`. */
export function argumentsMatch(expected: Record<string, unknown> | undefined, actual: unknown): boolean {
  if (expected === undefined) return true;
  const obj = actual !== null && typeof actual === 'object' && !Array.isArray(actual) ? (actual as Record<string, unknown>) : {};
  return Object.entries(expected).every(([k, v]) => looseEqual(v, obj[k]));
}

/** Expected tool calls against the calls made. */
export interface ToolMatch {
  /** true when every expected call was made with matching arguments. */
  allMatched: boolean;
  matched: Array<{ name: string; turn: number }>;
  /** Expected calls not made; `argumentsDiffer` when a call of that name was made with other arguments. */
  missing: Array<{ name: string; argumentsDiffer: boolean; index: number }>;
  /** Names of calls made that no expected tool names. */
  extra: string[];
  /** Indexes (into the calls) of the calls no expected call used. */
  unused: number[];
  /** Transcript index of the call that completed the expected list (null when incomplete or none expected). */
  completedAt: number | null;
}

/**
 * Matches expected tool calls to the calls made, each call used once, order ignored.
 *
 * @example
 * matchTools([{ name: 'cancel', arguments: { id: 'A1' } }], [{ turn: 3, name: 'cancel', args: { id: 'a1', why: 'x' } }]).allMatched // true
 */
export function matchTools(expected: readonly ExpectedTool[], calls: readonly FoundToolCall[]): ToolMatch {
  const used = new Set<number>();
  const matched: ToolMatch['matched'] = [];
  const missing: ToolMatch['missing'] = [];
  for (const [index, e] of expected.entries()) {
    const j = calls.findIndex((c, k) => !used.has(k) && c.name === e.name && argumentsMatch(e.arguments, c.args));
    if (j >= 0) {
      used.add(j);
      matched.push({ name: e.name, turn: calls[j]!.turn });
    } else {
      missing.push({ name: e.name, argumentsDiffer: calls.some((c) => c.name === e.name), index });
    }
  }
  const names = new Set(expected.map((e) => e.name));
  const extra = calls.filter((c) => !names.has(c.name)).map((c) => c.name);
  const allMatched = missing.length === 0;
  const completedAt = allMatched && matched.length > 0 ? Math.max(...matched.map((m) => m.turn)) : null;
  const unused = calls.flatMap((_, k) => (used.has(k) ? [] : [k]));
  return { allMatched, matched, missing, extra, unused, completedAt };
}
