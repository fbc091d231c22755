/**
 * What the reader of a run record saw that a number built on the record must not hide: a last
 * line cut mid-way, result lines repeated verbatim (skipped), no result at all, no summary line.
 * Filled by `readRun` (src/io/run-reader.ts) once the results have been read to the end.
 */
export interface RecordIntegrity {
  /** Result lines read (after de-duplication). */
  results: number;
  /** Line number of a last line cut mid-way (skipped): the record ends before it. */
  truncatedLine?: number;
  /** Result lines that repeat an earlier line of the same (case, variant, repeat) byte for byte: skipped. */
  duplicateLines: number;
  /** The first few of them, as `line 7 = line 6 (case c3, variant main, repeat 0)`. */
  duplicateExamples: string[];
  /** Lines of an unknown type (skipped). */
  unknownLines: number;
  /** No summary line: the run was killed, or the file was cut. */
  summaryMissing: boolean;
}

/** A record read cleanly. */
export const cleanIntegrity = (results = 0): RecordIntegrity => ({ results, duplicateLines: 0, duplicateExamples: [], unknownLines: 0, summaryMissing: false });

/**
 * The integrity facts of one record as sentences (none when it was read cleanly), for every
 * command that reads records to print and for the gate verdict to carry.
 * @example integrityNotes('candidate', 'runs/pr.jsonl', reader.integrity)
 */
export function integrityNotes(role: string, path: string, i: RecordIntegrity): string[] {
  const notes: string[] = [];
  const who = `${role} ${path}`;
  if (i.results === 0) notes.push(`${who} holds a header and no result (header-only record)`);
  if (i.truncatedLine !== undefined) {
    notes.push(`${who} was cut mid-line at line ${i.truncatedLine}: read up to line ${i.truncatedLine - 1} (${i.results} results)`);
  }
  if (i.duplicateLines > 0) {
    notes.push(`${who} repeats ${i.duplicateLines} result line(s) verbatim, counted once: ${i.duplicateExamples.join('; ')}${i.duplicateLines > i.duplicateExamples.length ? '; …' : ''}`);
  }
  if (i.unknownLines > 0) notes.push(`${who} has ${i.unknownLines} line(s) of an unknown type, skipped`);
  if (i.summaryMissing && i.results > 0 && i.truncatedLine === undefined) notes.push(`${who} has no summary line: the run did not finish`);
  return notes;
}
