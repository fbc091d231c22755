import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';

/**
 * Refuses an output path that already exists, before any work starts: a record is never
 * overwritten, and finding out after a long run that it cannot be written wastes the run.
 *
 * @example assertNewOutput('runs/r1.jsonl', '--out') // throws when runs/r1.jsonl exists
 */
export function assertNewOutput(file: string, flag: string): void {
  if (existsSync(file)) throw new InputError('exists: choose another --out or delete it', { file, field: flag });
}
