/** Errored conversations of one cause: how many, and one case to look at. */
export interface ErrorGroup {
  code: string;
  /** The message with quoted names (case ids, variants) elided, so one cause is one group. */
  cause: string;
  count: number;
  /** The first case that errored this way. */
  example: string;
}

/**
 * Tallies errors by cause (code and message, quoted names elided) as results arrive.
 *
 * @example
 * const tally = createErrorTally();
 * tally.add('refund-window', { code: 'E_PROVIDER', message: 'openai gpt-4o: connection failed: connect ECONNREFUSED 127.0.0.1:9' });
 * tally.groups(); // [{ code: 'E_PROVIDER', cause: 'openai gpt-4o: connection failed: …', count: 1, example: 'refund-window' }]
 */
export function createErrorTally(): { add(caseId: string, error: { code: string; message: string }): void; groups(): ErrorGroup[] } {
  const groups = new Map<string, ErrorGroup>();
  return {
    add(caseId, error) {
      const cause = error.message.replace(/"[^"\n]*"/g, '"…"');
      const key = `${error.code}\u0000${cause}`;
      const group = groups.get(key);
      if (group) group.count += 1;
      else groups.set(key, { code: error.code, cause, count: 1, example: caseId });
    },
    groups: () => [...groups.values()].sort((a, b) => b.count - a.count),
  };
}

/**
 * `12 of 90 conversations errored: E_PROVIDER openai gpt-4o: connection failed: … (12), e.g. refund-window`
 * (the three commonest causes, then how many more).
 */
export function formatErrorGroups(groups: readonly ErrorGroup[], conversations: number, shown = 3): string {
  const errored = groups.reduce((n, g) => n + g.count, 0);
  const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 159)}…` : text);
  const parts = groups.slice(0, shown).map((g) => `${g.code} ${clip(g.cause)} (${g.count}), e.g. ${g.example}`);
  const more = groups.length > shown ? `; and ${groups.length - shown} more cause${groups.length - shown === 1 ? '' : 's'}` : '';
  return `${errored} of ${conversations} conversation${conversations === 1 ? '' : 's'} errored: ${parts.join('; ')}${more}`;
}
