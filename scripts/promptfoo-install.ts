/**
 * Installs promptfoo into a scratch folder outside the project (never into package.json), for
 * the interop tests (test/promptfoo-*.test.ts), `.ci/run` and bench/vs-promptfoo.ts.
 * promptfoo 0.121.x is the newest line that runs on Node 20 (0.122 needs Node 22).
 *
 *   npx tsx scripts/promptfoo-install.ts            # installs into $CONVOTEST_PROMPTFOO_DIR or $TMPDIR/convotest-promptfoo
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The promptfoo version range the interop is tested with. */
export const PROMPTFOO_VERSION = '0.121';

/** The default scratch folder: `$CONVOTEST_PROMPTFOO_DIR`, else `$TMPDIR/convotest-promptfoo`. */
export function defaultPromptfooDir(): string {
  return process.env['CONVOTEST_PROMPTFOO_DIR'] ?? join(process.env['TMPDIR'] ?? tmpdir(), 'convotest-promptfoo');
}

/** An installed promptfoo: its CLI entry (run it with node) and version. */
export interface PromptfooInstall {
  entry: string;
  version: string;
  dir: string;
}

/** The promptfoo installed in `dir`, or undefined. */
export function findPromptfoo(dir = defaultPromptfooDir()): PromptfooInstall | undefined {
  const pkg = join(dir, 'node_modules/promptfoo/package.json');
  if (!existsSync(pkg)) return undefined;
  const meta = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string; bin: Record<string, string> | string };
  const bin = typeof meta.bin === 'string' ? meta.bin : meta.bin['promptfoo'];
  if (!bin) return undefined;
  return { entry: join(dir, 'node_modules/promptfoo', bin), version: meta.version, dir };
}

/**
 * promptfoo in `dir`, installed with npm first when it is not there (minutes: it is large).
 * Throws when npm fails (offline, registry down).
 *
 * @example const pf = ensurePromptfoo(); execFileSync(process.execPath, [pf.entry, 'eval', '-c', 'promptfooconfig.yaml']);
 */
export function ensurePromptfoo(options: { dir?: string; version?: string; log?: (line: string) => void } = {}): PromptfooInstall {
  const dir = options.dir ?? defaultPromptfooDir();
  const found = findPromptfoo(dir);
  if (found) return found;
  const version = options.version ?? PROMPTFOO_VERSION;
  options.log?.(`installing promptfoo@${version} into ${dir} (once; it is large) …`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"pf-scratch","private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `promptfoo@${version}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const installed = findPromptfoo(dir);
  if (!installed) throw new Error(`npm installed promptfoo@${version} into ${dir}, but its CLI entry is missing`);
  return installed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pf = ensurePromptfoo({ log: (line) => console.error(line) });
  console.log(`promptfoo ${pf.version} in ${pf.dir}`);
}
