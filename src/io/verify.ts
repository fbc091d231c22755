import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConvotestError } from '../errors.js';
import { GENESIS, hmac, signedPart } from './hash-chain.js';

/** What went wrong first, with the 1-based line number in the file. */
export interface ChainProblem {
  line: number;
  kind: 'altered' | 'removed' | 'reordered' | 'truncated' | 'signature';
  message: string;
}

/** The outcome of checking one hash-chained file. */
export interface VerifyResult {
  ok: boolean;
  /** Complete lines in the file. */
  lines: number;
  /** The chain's final digest (from the summary line of a run record; the last line's hash otherwise). */
  digest?: string;
  /** `valid`/`invalid` when checked with a key; `absent` when unsigned; `unchecked` when signed but no key given. */
  signature: 'valid' | 'invalid' | 'absent' | 'unchecked';
  problem?: ChainProblem;
  warnings: string[];
}

export interface VerifyOptions {
  /** Run records end with a `summary` line carrying the digest; label files do not. */
  kind: 'run' | 'labels';
  /** HMAC key; when given, a run record's summary line, and every line of a labels file, must carry a valid `signature`. */
  key?: string;
}

const hashBytes = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Splits bytes on `\n`; `cut` is true when the last line lacks its newline. */
function splitLines(bytes: Uint8Array): { lines: Uint8Array[]; cut: boolean } {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  const cut = start < bytes.length;
  if (cut) lines.push(bytes.subarray(start));
  return { lines, cut };
}

/**
 * Checks the hash chain of a run record or labels file held in memory: every line's `prev` must be
 * the SHA-256 of the previous line's exact bytes (64 zeros for the first), and a run record must
 * end with a `summary` whose `digest` is the hash of the line before it. With a key, the summary
 * line (and every line of a labels file) must end with `signature` = HMAC-SHA256(key, the line
 * before that key). Reports the first line at fault.
 */
export function verifyChain(bytes: Uint8Array, options: VerifyOptions): VerifyResult {
  const { lines, cut } = splitLines(bytes);
  const hashes = lines.map(hashBytes);
  const warnings: string[] = [];
  const complete = cut ? lines.length - 1 : lines.length;
  const fail = (problem: ChainProblem): VerifyResult => ({ ok: false, lines: complete, signature: 'absent', problem, warnings });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const values: Array<{ prev?: unknown; type?: unknown; digest?: unknown; signature?: unknown; results?: unknown }> = [];
  const texts: string[] = [];

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    let value: (typeof values)[number];
    try {
      texts[i] = decoder.decode(lines[i]);
      value = JSON.parse(texts[i]!);
      if (typeof value !== 'object' || value === null) throw new Error('not an object');
    } catch {
      if (cut && i === lines.length - 1) return fail({ line: n, kind: 'truncated', message: `line ${n} is cut mid-line (the file was truncated)` });
      return fail({ line: n, kind: 'altered', message: `line ${n} was altered (it is no longer a valid JSON object)` });
    }
    if (cut && i === lines.length - 1) {
      return fail({ line: n, kind: 'truncated', message: `line ${n} has no newline at the end (the file was truncated)` });
    }
    values.push(value);
    const expected = i === 0 ? GENESIS : hashes[i - 1];
    if (value.prev === expected) continue;
    const j = typeof value.prev === 'string' ? hashes.indexOf(value.prev) : -1;
    if (i === 0) return fail({ line: 1, kind: 'removed', message: 'line 1 does not start the chain: the first line(s) were removed or replaced' });
    if (j >= 0 || value.prev === GENESIS) {
      const after = j >= 0 ? `line ${j + 1}` : 'nothing (it claims to be the first line)';
      return fail({ line: n, kind: 'reordered', message: `line ${n} is out of order: it follows ${after} in the chain` });
    }
    return fail({
      line: i,
      kind: 'altered',
      message: `line ${i} was altered, or a line after it was removed (line ${n}'s prev does not match line ${i})`,
    });
  }

  if (options.kind === 'labels') {
    const digest = hashes.at(-1);
    let signature: VerifyResult['signature'] = values.some((v) => typeof v.signature === 'string') ? 'unchecked' : 'absent';
    if (options.key !== undefined && texts.length > 0) {
      for (let i = 0; i < texts.length; i++) {
        const part = signedPart(texts[i]!);
        if (!part) return fail({ line: i + 1, kind: 'signature', message: `line ${i + 1} is not signed, but a signing key was given (it was added without the key, or its signature was removed)` });
        if (hmac(options.key, part.signed) !== part.signature) {
          return { ...fail({ line: i + 1, kind: 'signature', message: `line ${i + 1}: the signature does not match (the line was edited, or the key is wrong)` }), signature: 'invalid' };
        }
      }
      signature = 'valid';
    }
    return { ok: true, lines: complete, signature, warnings, ...(digest ? { digest } : {}) };
  }
  const first = values[0];
  if (first?.type !== 'header') return fail({ line: 1, kind: 'removed', message: 'line 1 is not the run header' });
  const last = values.at(-1);
  if (last?.type !== 'summary' || values.length < 2) {
    return fail({ line: complete + 1, kind: 'truncated', message: `no summary line after line ${complete}: the record was truncated (or the run was killed)` });
  }
  const digest = hashes[values.length - 2];
  if (last.digest !== digest) {
    return fail({ line: complete, kind: 'altered', message: `line ${complete}: the summary's digest does not match the chain` });
  }
  const results = values.filter((v) => v.type === 'result').length;
  if (typeof last.results === 'number' && last.results !== results) {
    warnings.push(`the summary counts ${last.results} results, the record holds ${results}`);
  }
  let signature: VerifyResult['signature'] = typeof last.signature === 'string' ? 'unchecked' : 'absent';
  if (options.key !== undefined) {
    if (signature === 'absent') {
      return fail({ line: complete, kind: 'signature', message: 'a signing key was given but the record carries no signature' });
    }
    // The signature covers the whole summary line (hash-chain.ts signLine), so its counts too.
    const part = signedPart(texts.at(-1)!);
    if (part && hmac(options.key, part.signed) === part.signature) signature = 'valid';
    else if (last.signature === hmac(options.key, digest ?? '')) {
      // Records written before the signature covered the summary line: HMAC of the digest alone.
      signature = 'valid';
      warnings.push(`line ${complete}: an older signature, over the chain's digest only: the summary line's own counts are not covered`);
    } else {
      return {
        ...fail({ line: complete, kind: 'signature', message: `line ${complete} (the summary): the signature does not match (the line was edited, the chain was rebuilt, or the key is wrong)` }),
        signature: 'invalid',
      };
    }
  } else if (signature === 'unchecked') {
    warnings.push('the record is signed but no key was given: signature not checked');
  }
  return { ok: true, lines: complete, signature, warnings, ...(digest ? { digest } : {}) };
}

/** Reads and verifies a file; an unreadable file is an E_RECORD error (exit 2). */
export async function verifyFile(path: string, options: VerifyOptions): Promise<VerifyResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ConvotestError('E_RECORD', `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  if (bytes.length === 0 && options.kind === 'run') throw new ConvotestError('E_RECORD', `${path}: empty file, not a run record`);
  return verifyChain(bytes, options);
}
