import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
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
