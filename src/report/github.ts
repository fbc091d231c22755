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
 * GitHub Actions annotations for a verdict: `::error` for each blocking rule (and an
 * inconclusive verdict), `::warning` for limits crossed without significance and for
 * pairing/hash warnings.
 */
export function githubAnnotations(v: Verdict): string {
  const lines: string[] = [];
  const title = escapeProperty(`convotest gate ${v.verdict}`);
  for (const r of v.rules) {
    if (r.blocking && r.rule !== 'maxErrorRate') lines.push(`::error title=${title}::${escapeData(r.message)}`);
    else if (r.blocking) lines.push(`::error title=${title}::${escapeData(`inconclusive: ${r.message}`)}`);
    else if (r.exceeded) lines.push(`::warning title=${escapeProperty('convotest gate')}::${escapeData(r.message)}`);
  }
  if (v.verdict === 'inconclusive' && v.pairing.shared === 0) lines.push(`::error title=${title}::no shared cases to compare`);
  for (const w of v.warnings) lines.push(`::warning title=${escapeProperty('convotest gate')}::${escapeData(w)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
