import { createHash, createHmac } from 'node:crypto';

/**
 * The hash chain shared by run records and label files: every line is a JSON object whose
 * `prev` is the SHA-256 (hex) of the previous line's exact bytes (without the newline).
 * The first line's `prev` is GENESIS.
 */
export const GENESIS = '0'.repeat(64);

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hmac(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/** Serialises `value` with `prev` first, returning the line (no newline) and its hash. */
export function chainLine(value: object, prev: string): { line: string; hash: string } {
  const { prev: _ignored, ...rest } = value as { prev?: unknown };
  const line = JSON.stringify({ prev, ...rest });
  return { line, hash: sha256(line) };
}
