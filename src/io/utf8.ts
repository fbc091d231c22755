/**
 * Decoding the files a user writes (golden sets, grader definitions, config). They must be UTF-8:
 * a Latin-1 file would otherwise be read with `é` turned into U+FFFD, silently changing case ids
 * and expected text. Invalid input is refused with where the first bad byte is.
 */

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Where the first byte that is not valid UTF-8 sits. */
export interface Utf8Fault {
  /** 0-based byte offset. */
  offset: number;
  /** 1-based line and column (in bytes) of that byte. */
  line: number;
  column: number;
  message: string;
}

/** The text of `bytes` (a leading byte-order mark removed), or where it stops being UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { fault: Utf8Fault } {
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    const offset = firstInvalid(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const hex = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return {
      fault: {
        offset,
        line,
        column: offset - lineStart + 1,
        message: `not UTF-8: byte 0x${hex} at offset ${offset} is not valid UTF-8 (save the file as UTF-8; Latin-1/Windows-1252 is not read)`,
      },
    };
  }
}

/** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const n = b[i + k];
      if (n === undefined || (n & 0xc0) !== 0x80) return i;
      // Overlong, surrogate and out-of-range forms (the ranges of the second byte that UTF-8 forbids).
      if (k === 1 && ((c === 0xe0 && n < 0xa0) || (c === 0xed && n > 0x9f) || (c === 0xf0 && n < 0x90) || (c === 0xf4 && n > 0x8f))) return i;
    }
    i += need + 1;
  }
  return b.length;
}
