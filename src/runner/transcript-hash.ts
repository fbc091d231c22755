import { sha256 } from '../io/hash-chain.js';
import type { TranscriptMessage } from '../schema/run-record.js';

/**
 * The identity of a conversation for human labels: roles, contents and tool calls, nothing
 * measured (latency, usage, cache flags), so a regrade or a re-run with the same replies
 * carries the reviewer's labels over.
 */
export function transcriptHash(transcript: readonly TranscriptMessage[]): string {
  return sha256(
    JSON.stringify(
      transcript.map((m) => [m.role, m.content ?? '', m.tool_calls?.map((c) => [c.function.name, c.function.arguments]) ?? [], m.tool_call_id ?? '']),
    ),
  );
}
