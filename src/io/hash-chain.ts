import { createHmac, hash } from 'node:crypto';

/**
 * The hash chain shared by run records and label files: every line is a JSON object whose
 * `prev` is the SHA-256 (hex) of the previous line's exact bytes (without the newline).
 * The first line's `prev` is GENESIS.
 */
export const GENESIS = '0'.repeat(64);

/** SHA-256 (hex) of a text's UTF-8 bytes, in one call (no Hash object per line). */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
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

const PREV_HEAD = /^\{"prev":"([0-9a-f]{64})",/;

/**
 * The `prev` a line written by {@link chainLine} starts with, and the line's text after it as an
 * object without `prev`; undefined for a line of another shape.
 */
export function splitPrev(line: string): { prev: string; rest: string } | undefined {
  const m = PREV_HEAD.exec(line);
  return m ? { prev: m[1]!, rest: `{${line.slice(m[0].length)}` } : undefined;
}

/**
 * {@link chainLine} for a value already serialised (`{…}` without `prev`, e.g. a line taken from
 * another record by {@link splitPrev}): the same bytes chainLine would write for it.
 */
export function chainText(objectText: string, prev: string): { line: string; hash: string } {
  const line = `{"prev":${JSON.stringify(prev)}${objectText === '{}' ? '' : ','}${objectText.slice(1)}`;
  return { line, hash: sha256(line) };
}

const SIGNED_TAIL = /,"signature":"([0-9a-f]{64})"\}$/;

/**
 * Signs a serialised line: appends `signature` = HMAC-SHA256(key, line) as its last key, so the
 * signature covers every byte of the line (and, through `prev`/`digest`, every line before it).
 *
 * @example
 * signLine('{"prev":"…","type":"summary","errors":0}', key) // '{"prev":"…",…,"errors":0,"signature":"9f2c…"}'
 */
export function signLine(line: string, key: string): string {
  return `${line.slice(0, -1)},"signature":${JSON.stringify(hmac(key, line))}}`;
}

/** The exact bytes {@link signLine} signed and the signature; undefined when the line carries none as its last key. */
export function signedPart(line: string): { signed: string; signature: string } | undefined {
  const m = SIGNED_TAIL.exec(line);
  return m ? { signed: `${line.slice(0, m.index)}}`, signature: m[1]! } : undefined;
}
