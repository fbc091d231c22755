import type { RunResult } from '../schema/run-record.js';

/**
 * Slices are tag values: `intent=refund`. A case belongs to one slice per value of each tag key
 * (an array tag value puts it in each of its values).
 */
export interface SliceId {
  key: string;
  value: string;
}

/** `key=value` */
export const sliceName = (s: SliceId): string => `${s.key}=${s.value}`;

/** Every slice of a case's tags, optionally only for some keys. */
export function slicesOf(tags: RunResult['tags'], keys?: readonly string[]): SliceId[] {
  const out: SliceId[] = [];
  for (const [key, raw] of Object.entries(tags)) {
    if (keys && !keys.includes(key)) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) out.push({ key, value });
  }
  return out;
}

/**
 * Parses a slice selector: `intent=refund` (one slice) or `intent` (every value of the key).
 * @example parseSliceSelector('intent=refund') // { key: 'intent', value: 'refund' }
 */
export function parseSliceSelector(selector: string): { key: string; value?: string } {
  const eq = selector.indexOf('=');
  if (eq < 0) return { key: selector.trim() };
  return { key: selector.slice(0, eq).trim(), value: selector.slice(eq + 1).trim() };
}

/** Whether tags fall in a selected slice. */
export function inSlice(tags: RunResult['tags'], slice: SliceId): boolean {
  const raw = tags[slice.key];
  if (raw === undefined) return false;
  return Array.isArray(raw) ? raw.includes(slice.value) : raw === slice.value;
}
