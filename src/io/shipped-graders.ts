import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../package-root.js';

/**
 * What the build found in one shipped grader file, under the SHA-256 of its bytes: its
 * definitions as parsed, and whether checking them (kind options, patterns, pattern warnings:
 * everything `validate` checks) found nothing to report.
 */
export interface ShippedGraderEntry {
  definitions: Array<{ definition: Record<string, unknown>; line: number; path: PropertyKey[] }>;
  checked: boolean;
}

/** The build's record of the shipped grader files, by the SHA-256 of each file's bytes. */
export type ShippedGraderManifest = Map<string, ShippedGraderEntry>;

/**
 * Where `npm run build` writes the record (scripts/shipped-graders.ts). Why: every command that
 * reads grader definitions reads the 11 shipped files, one of them through the `yaml` package
 * (its anchors), and `validate` checked them all again, compiling every pattern for RE2: about a
 * third of a small `validate`'s CPU for files that only change with the package.
 */
export const SHIPPED_GRADERS_MANIFEST = path.join(PACKAGE_ROOT, 'dist/shipped-graders.json');

/**
 * Whether the module at `moduleUrl` is the built code of the package at `root` (under its
 * `dist/`). The record says what the build's code found, so only that code may rely on it: run
 * from source (tsx, the tests), a changed check in src/ must see the shipped files again.
 */
export function isBuiltModule(moduleUrl: string, root = PACKAGE_ROOT): boolean {
  const relative = path.relative(path.join(root, 'dist'), fileURLToPath(moduleUrl));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Whether this code is the build the record came with. */
export const RUNNING_BUILT_CODE = isBuiltModule(import.meta.url);

/**
 * The build's record, or undefined when there is none (running from source before a build) or
 * it cannot be read. A file is taken from it only when its bytes hash to an entry, so an edited
 * or stale file is parsed and checked as any other.
 */
export function readShippedGraderManifest(file = SHIPPED_GRADERS_MANIFEST): ShippedGraderManifest | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { files?: unknown }).files)) return undefined;
  const manifest: ShippedGraderManifest = new Map();
  for (const entry of (raw as { files: Array<{ sha256: string } & ShippedGraderEntry> }).files) {
    manifest.set(entry.sha256, { definitions: entry.definitions, checked: entry.checked === true });
  }
  return manifest;
}

/** Writes the record (for scripts/shipped-graders.ts). */
export async function writeShippedGraderManifest(entries: ReadonlyArray<{ file: string; sha256: string } & ShippedGraderEntry>, file = SHIPPED_GRADERS_MANIFEST): Promise<void> {
  await writeFile(file, `${JSON.stringify({ files: entries })}\n`);
}
