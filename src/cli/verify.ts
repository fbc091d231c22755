import { access } from 'node:fs/promises';
import { Command } from 'commander';
import type { VerifyResult } from '../io/verify.js';
import type { CliContext } from './main.js';

const DEFAULT_KEY_ENV = 'CONVOTEST_SIGNING_KEY';

/** Reads `config.signingKeyEnv` from the record's own header line, if present. */
async function headerKeyEnv(path: string): Promise<string | undefined> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8').catch(() => '');
  try {
    const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { config?: { signingKeyEnv?: unknown } };
    const name = header.config?.signingKeyEnv;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function describe(path: string, r: VerifyResult): string {
  if (!r.ok) return `TAMPERED  ${path}  ${r.problem?.message ?? 'unknown problem'}`;
  const sig = r.signature === 'valid' ? ', signature valid' : r.signature === 'unchecked' ? ', signed (not checked: no key)' : ', unsigned';
  return `OK  ${path}  ${r.lines} lines, digest ${r.digest ?? '-'}${sig}`;
}

/** `convotest verify <run>`: checks the hash chain (and signature) of a run record and its labels file. */
export function verifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .description('check that a run record (and its labels file) was not altered, reordered or truncated')
    .argument('<run>', 'run record (runs/<id>.jsonl)')
    .option('--key-env <name>', `env var holding the HMAC signing key (default: the record's signingKeyEnv, else ${DEFAULT_KEY_ENV})`)
    .option('--labels <file>', 'labels file to verify (default: <run>.labels.jsonl when present)')
    .addHelpText(
      'after',
      `
Examples:
  convotest verify runs/2026-01-01T10-00-00.jsonl
  CONVOTEST_SIGNING_KEY=... convotest verify runs/r1.jsonl
  convotest verify runs/r1.jsonl --key-env AUDIT_KEY

Exit codes: 0 intact, 1 altered/removed/reordered/truncated or bad signature, 2 unreadable.`,
    )
    .action(async (run: string, opts: { keyEnv?: string; labels?: string }) => {
      const [{ labelsPathFor }, { verifyFile }] = await Promise.all([import('../io/labels.js'), import('../io/verify.js')]);
      const keyEnv = opts.keyEnv ?? (await headerKeyEnv(run)) ?? DEFAULT_KEY_ENV;
      const key = process.env[keyEnv] || undefined;
      const result = await verifyFile(run, { kind: 'run', ...(key ? { key } : {}) });
      ctx.stdout.write(`${describe(run, result)}\n`);
      for (const w of result.warnings) ctx.stdout.write(`  warning: ${w}\n`);
      if (!result.ok) ctx.setExitCode(1);

      const labelsPath = opts.labels ?? labelsPathFor(run);
      const exists = await access(labelsPath).then(
        () => true,
        () => false,
      );
      if (opts.labels || exists) {
        const labels = await verifyFile(labelsPath, { kind: 'labels', ...(key ? { key } : {}) });
        ctx.stdout.write(`${describe(labelsPath, labels)}\n`);
        if (!labels.ok) ctx.setExitCode(1);
      }
    });
}
