import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../core/problems.js';

/** Extensions of golden-set files picked up from folders and globs. */
export const GOLDEN_EXTENSIONS = ['.yaml', '.yml', '.jsonl'] as const;

/**
 * Expands files, folders (searched recursively) and globs (`*`, `**`, `?`, `{a,b}`) into
 * absolute file paths, sorted and without duplicates. Folders and globs keep only files with
 * one of `extensions`; a file named explicitly is always kept. Hidden folders and
 * `node_modules` are skipped. A path that matches nothing is a problem, not an exception.
 *
 * @example
 * await findFiles(['golden-sets', 'extra/*.jsonl'], { cwd, extensions: GOLDEN_EXTENSIONS })
 */
export async function findFiles(
  paths: readonly string[],
  opts: { cwd?: string; extensions: readonly string[] },
): Promise<{ files: string[]; problems: Problem[] }> {
  const cwd = opts.cwd ?? process.cwd();
  const files = new Set<string>();
  const problems: Problem[] = [];
  const wanted = (file: string) => opts.extensions.includes(path.extname(file).toLowerCase());
  for (const given of paths) {
    if (isGlob(given)) {
      const { base, pattern } = splitGlob(given);
      const matcher = globToRegExp(pattern);
      const baseDir = path.resolve(cwd, base);
      const found = (await walk(baseDir)).filter((f) => wanted(f) && matcher.test(toPosix(path.relative(baseDir, f))));
      if (found.length === 0) problems.push({ file: given, message: 'no files match this pattern' });
      for (const f of found) files.add(f);
      continue;
    }
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) {
      problems.push({ file: given, message: 'no such file or folder' });
    } else if (info.isDirectory()) {
      const found = (await walk(absolute)).filter(wanted);
      if (found.length === 0) problems.push({ file: given, message: `no ${opts.extensions.map((e) => `*${e}`).join(', ')} files in this folder` });
      for (const f of found) files.add(f);
    } else files.add(absolute);
  }
  return { files: [...files].sort(), problems };
}

/** A path as shown to the user: relative to `cwd` with forward slashes, or absolute when outside it. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  if (relative === '') return toPosix(path.basename(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : toPosix(relative);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') out.push(...(await walk(full)));
    } else if (entry.isFile()) out.push(full);
  }
  return out;
}

function isGlob(p: string): boolean {
  return /[*?{]/.test(p);
}

/** `golden-sets/**\/*.yaml` → base `golden-sets`, pattern `**\/*.yaml`. */
function splitGlob(glob: string): { base: string; pattern: string } {
  const parts = toPosix(glob).split('/');
  const firstWild = parts.findIndex(isGlob);
  return { base: parts.slice(0, firstWild).join('/') || '.', pattern: parts.slice(firstWild).join('/') };
}

/** A small glob matcher: `**` any folders, `*` and `?` within one path segment, `{a,b}` either. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${pattern.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
        i = end;
      }
    } else out += escapeRegExp(ch);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
