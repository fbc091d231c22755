import type { Verdict } from '../core/gate/types.js';

/** Escapes a GitHub Actions workflow-command message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow-command property value (title, file). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions annotations for a verdict: `::error` for each of its reasons (blocking rules,
 * or why it is inconclusive), `::warning` for limits crossed without significance and for the
 * verdict's warnings (pairing, hashes, damaged records).
 */
export function githubAnnotations(v: Verdict): string {
  const lines: string[] = [];
  const title = escapeProperty(`convotest gate ${v.verdict}`);
  for (const r of v.reasons) lines.push(`::error title=${title}::${escapeData(v.verdict === 'inconclusive' ? `inconclusive: ${r}` : r)}`);
  for (const r of v.rules) {
    if (!r.blocking && r.exceeded) lines.push(`::warning title=${escapeProperty('convotest gate')}::${escapeData(r.message)}`);
  }
  for (const w of v.warnings) lines.push(`::warning title=${escapeProperty('convotest gate')}::${escapeData(w)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
