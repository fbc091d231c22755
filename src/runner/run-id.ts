import { randomBytes } from 'node:crypto';

/** A sortable, unique run id: `2026-11-22T10-00-00-000-a1b2c3` (UTC time, then 3 random bytes). */
export function newRunId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-').replace('Z', '')}-${randomBytes(3).toString('hex')}`;
}
