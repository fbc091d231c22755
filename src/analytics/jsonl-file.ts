import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Streams values to a JSONL file in ~1 MB writes (honouring back-pressure), stopping after
 * `limit` lines; resolves to the number of lines written.
 *
 * @example
 * const n = await writeJsonl('events.jsonl', syntheticTraffic({ seed: 1, sessions: 100, days: 7 }));
 */
export async function writeJsonl(file: string, values: Iterable<unknown>, limit = Number.POSITIVE_INFINITY): Promise<number> {
  const out = createWriteStream(file, 'utf8');
  let n = 0;
  let chunk = '';
  for (const value of values) {
    if (n >= limit) break;
    chunk += `${JSON.stringify(value)}\n`;
    n++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return n;
}
