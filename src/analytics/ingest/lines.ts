import { open } from 'node:fs/promises';

/** A run of consecutive lines of a file; `first` is the 1-based number of `lines[0]`. */
export interface LineRun {
  first: number;
  lines: string[];
}

const CHUNK = 1 << 20;

/**
 * The lines of a text file (UTF-8), in runs of about a MB, without their `\n` or `\r\n`; a last
 * line without a newline is included, an empty file gives no line. The file is read into one
 * reused buffer and split on its bytes (0x0A never occurs inside a UTF-8 sequence, so a line's
 * bytes decode alone exactly as they would within the whole text); each line is decoded on its
 * own. Decoding a MB-long chunk into one string and slicing it cost 6× more CPU (1.8 s against
 * 0.3 s per million 235-byte lines), which dominated a pass over millions of short lines. A line
 * longer than the buffer grows it.
 * @example for await (const { first, lines } of fileLines('events.jsonl')) lines.forEach((l, i) => check(l, first + i));
 */
export async function* fileLines(file: string): AsyncGenerator<LineRun> {
  const handle = await open(file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let held = 0; // bytes of an unfinished line kept at the start of the buffer
    let n = 0;
    for (;;) {
      if (held === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
      const { bytesRead } = await handle.read(buffer, held, buffer.length - held, null);
      const end = held + bytesRead;
      // At the end of the file the rest is the last line; otherwise lines up to the last newline.
      const cut = bytesRead === 0 ? end : buffer.lastIndexOf(10, end - 1) + 1;
      if (cut > 0) {
        const lines = splitLines(buffer, cut);
        yield { first: n + 1, lines };
        n += lines.length;
        buffer.copy(buffer, 0, cut, end);
      }
      held = end - cut;
      if (bytesRead === 0) return;
    }
  } finally {
    await handle.close();
  }
}

/** The lines of `buffer[0, end)`, decoded one by one; a trailing `\n` ends the last line rather than starting an empty one. */
function splitLines(buffer: Buffer, end: number): string[] {
  const lines: string[] = [];
  let at = 0;
  while (at < end) {
    let nl = buffer.indexOf(10, at);
    if (nl < 0 || nl >= end) nl = end;
    const stop = nl > at && buffer[nl - 1] === 13 ? nl - 1 : nl;
    lines.push(buffer.toString('utf8', at, stop));
    at = nl + 1;
  }
  return lines;
}
