import { InputError } from '../errors.js';
import type { ResolvedCase } from '../schema/golden-set.js';

/** `--filter intent=refund` (repeatable: all must hold; a key may repeat to allow several values) and `--case id`. */
export interface Selection {
  filters: Array<{ key: string; value: string }>;
  caseIds: string[];
}

export function parseFilters(raw: readonly string[]): Selection['filters'] {
  return raw.map((f) => {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InputError(`--filter "${f}": expected tag=value, e.g. --filter intent=refund`);
    return { key: f.slice(0, eq).trim(), value: f.slice(eq + 1).trim() };
  });
}

/** The cases a selection keeps, in their order. Unknown `--case` ids are an error naming them. */
export function selectCases(cases: readonly ResolvedCase[], selection: Selection): ResolvedCase[] {
  const byKey = new Map<string, Set<string>>();
  for (const { key, value } of selection.filters) byKey.set(key, (byKey.get(key) ?? new Set()).add(value));
  const ids = new Set(selection.caseIds);
  const known = new Set(cases.map((c) => c.id));
  const unknown = [...ids].filter((id) => !known.has(id));
  if (unknown.length > 0) throw new InputError(`--case: no case with id ${unknown.map((id) => `"${id}"`).join(', ')}`);
  return cases.filter((c) => {
    if (ids.size > 0 && !ids.has(c.id)) return false;
    for (const [key, values] of byKey) {
      const tag = c.tags[key];
      const have = Array.isArray(tag) ? tag : tag === undefined ? [] : [tag];
      if (!have.some((v) => values.has(v))) return false;
    }
    return true;
  });
}
