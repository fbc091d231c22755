import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { ConvotestError } from '../errors.js';
import { type Label, type LabelInput, LabelSchema } from '../schema/label.js';
import { GENESIS, chainLine, sha256, signLine } from './hash-chain.js';

/** `runs/r1.jsonl` → `runs/r1.labels.jsonl`: the labels file that sits beside a run record. */
export function labelsPathFor(runPath: string): string {
  return `${runPath.replace(/\.jsonl$/, '')}.labels.jsonl`;
}

/**
 * Reads a labels file (a missing file is no labels). Lines that do not parse are skipped with a
 * warning; `convotest verify` is the place that judges the chain.
 */
export async function readLabels(path: string): Promise<{ labels: Label[]; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { labels: [], warnings: [] };
    throw new ConvotestError('E_RECORD', `${path}: cannot read labels`, { cause: error });
  }
  const labels: Label[] = [];
  const warnings: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const parsed = LabelSchema.safeParse(JSON.parse(line));
      if (parsed.success) labels.push(parsed.data);
      else warnings.push(`${path}:${i + 1}: not a label (${parsed.error.issues[0]?.message})`);
    } catch {
      warnings.push(`${path}:${i + 1}: not valid JSON`);
    }
  });
  return { labels, warnings };
}

export interface LabelAppender {
  readonly path: string;
  /** Appends one label (chained to the previous line); resolves to the stored label. */
  append(input: LabelInput): Promise<Label>;
}

/**
 * Opens a labels file for appending (created on first label). Appends are serialised, so
 * concurrent requests still form one chain. The file is never rewritten. With `signingKey`
 * (the run's `signingKeyEnv`), every line ends with an HMAC signature of the line.
 *
 * @example
 * const labels = await openLabels('runs/r1.labels.jsonl', { reviewer: 'ana', runId: 'r1', now: () => new Date() });
 * await labels.append({ caseId: 'refund-1', grader: 'helpful', transcriptHash, verdict: 'agree' });
 */
export async function openLabels(
  path: string,
  options: { reviewer: string; runId?: string; now: () => Date; signingKey?: string },
): Promise<LabelAppender> {
  let prev = GENESIS;
  try {
    const bytes = await readFile(path);
    if (bytes.length > 0) {
      if (bytes[bytes.length - 1] !== 0x0a) {
        throw new ConvotestError('E_RECORD', `${path}: the last line is incomplete; run \`convotest verify\` before adding labels`);
      }
      const body = bytes.subarray(0, bytes.length - 1);
      const lastLine = body.subarray(body.lastIndexOf(0x0a) + 1);
      prev = createHash('sha256').update(lastLine).digest('hex');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let queue: Promise<unknown> = Promise.resolve();
  return {
    path,
    append(input) {
      const next = queue.then(async () => {
        const label: Label = {
          type: 'label',
          prev,
          ...input,
          reviewer: options.reviewer,
          at: options.now().toISOString(),
          ...(options.runId ? { runId: options.runId } : {}),
        };
        const chained = chainLine(label, prev);
        const line = options.signingKey ? signLine(chained.line, options.signingKey) : chained.line;
        await appendFile(path, `${line}\n`, { mode: 0o644 });
        prev = options.signingKey ? sha256(line) : chained.hash;
        return label;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
