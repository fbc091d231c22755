import type { ResolvedCase } from '../../schema/golden-set.js';
import type { Message } from '../../schema/message.js';
import { fence, neutralise, renderKnowledge, renderTranscript } from './fence.js';

/**
 * The placeholders every judge prompt may use, rendered from the case and the transcript.
 * Case data is fenced and neutralised like the transcript: only the rubric itself is trusted.
 */
export const CONTEXT_PLACEHOLDERS = ['transcript', 'knowledge', 'reference', 'case.id', 'case.description', 'case.tags'] as const;

/** The verdict key of a message: `message_<transcript index>`. */
export function messageKey(index: number): string {
  return `message_${index}`;
}

/** A short value on one line (ids, tag values), neutralised. */
function inline(text: string): string {
  return neutralise(text.replace(/\s+/g, ' '));
}

/** Tags as `key: value` lines (lists joined with commas). */
function renderTags(tags: ResolvedCase['tags']): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('\n');
}

/**
 * The values of {@link CONTEXT_PLACEHOLDERS} (and `case.tags.<key>`) for one conversation; with
 * `used`, only those the template uses (a value renders the same whichever others are asked for).
 */
export function contextValues(
  testCase: ResolvedCase,
  transcript: readonly Message[],
  redact?: (text: string) => string,
  used?: ReadonlySet<string>,
): Record<string, string> {
  const wanted = (name: string) => !used || used.has(name);
  const values: Record<string, string> = {};
  if (wanted('transcript')) values.transcript = renderTranscript(transcript, redact ? { redact } : {});
  if (wanted('knowledge')) {
    // A recorded system prompt (imported transcripts) is knowledge the agent had, too.
    values.knowledge = renderKnowledge(
      testCase.system ? [...testCase.knowledge, { id: 'system-prompt', title: 'Agent system prompt', content: testCase.system }] : testCase.knowledge,
    );
  }
  if (wanted('reference')) values.reference = fence('reference', testCase.expect?.reference ?? '(no reference answer)');
  if (wanted('case.id')) values['case.id'] = inline(testCase.id);
  if (wanted('case.description')) values['case.description'] = fence('case_description', testCase.description ?? '');
  if (wanted('case.tags')) values['case.tags'] = fence('case_tags', renderTags(testCase.tags));
  for (const [k, v] of Object.entries(testCase.tags)) {
    if (wanted(`case.tags.${k}`)) values[`case.tags.${k}`] = inline(Array.isArray(v) ? v.join(', ') : v);
  }
  return values;
}
