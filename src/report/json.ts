import type { Verdict } from '../core/gate/types.js';

/** The verdict as JSON (stable key order as built; non-finite numbers become null). */
export function gateJson(v: Verdict): string {
  return `${JSON.stringify({ format: 'convotest.verdict/1', ...v }, (_k, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
