import MiniSearch from 'minisearch';
import type { AgentConfig } from '../schema/config.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { Message, ToolCall } from '../schema/message.js';
import { throwIfAborted } from './abort.js';
import type { Agent, AgentInput, AgentReply } from './agent.js';
import { type AgentDeps, defaultNow } from './deps.js';
import { type Passage, processTerm, splitPassages } from './passages.js';
import { caseLanguage, PHRASES } from './phrases.js';

type BaselineAgentConfig = Extract<AgentConfig, { kind: 'baseline' }>;

/** The tool the baseline calls when it hands over. */
export const HANDOFF_TOOL = 'transfer_to_human';

interface Hit {
  passage: Passage;
  score: number;
}

/**
 * The retrieval baseline: no model, no key, deterministic. It indexes the case's knowledge
 * documents as passages (BM25+ via minisearch; stopwords dropped, light stemming, prefix matches)
 * and answers with the best-ranked passage for the last user message ("Here is what I found: …")
 * when that passage contains at least `minScore` distinct words of the question (a measure that,
 * unlike raw BM25 scores, does not shrink when a case has only one or two short documents).
 * When the last message falls short, it retries with all user messages so far (follow-ups like
 * "and how long does that take?"). When still nothing matches, or the case has
 * no knowledge, it says it cannot help and escalates: a `transfer_to_human` tool call with a
 * `reason` and a handoff sentence, in the case's `language` tag (en, es, de, fr). After a tool
 * result it closes with one short line. It is the floor every model variant should beat.
 */
export async function createBaselineAgent(name: string, config: BaselineAgentConfig, deps: AgentDeps): Promise<Agent> {
  const now = deps.now ?? defaultNow;
  // Per-agent cache of one index per case object (the same case is answered turn after turn).
  const indexes = new WeakMap<ResolvedCase, MiniSearch<Passage> | null>();
  const indexFor = (testCase: ResolvedCase): MiniSearch<Passage> | null => {
    if (!indexes.has(testCase)) indexes.set(testCase, buildIndex(testCase));
    return indexes.get(testCase) ?? null;
  };

  return {
    name,
    kind: 'baseline',
    async reply(input: AgentInput): Promise<AgentReply> {
      throwIfAborted(name, input.signal);
      const started = now();
      const phrases = PHRASES[caseLanguage(input.case.tags)];
      const finish = (reply: Omit<AgentReply, 'latencyMs'>): AgentReply => ({
        ...reply,
        latencyMs: Math.max(0, now() - started),
      });

      if (input.messages.at(-1)?.role === 'tool') return finish({ content: phrases.queued });

      const index = indexFor(input.case);
      const userTexts = input.messages.filter((m) => m.role === 'user').map((m) => m.content ?? '');
      const last = userTexts.at(-1) ?? '';
      if (!index) return finish(handoff(phrases.handoff, 'the case has no knowledge documents', input.messages));

      const hit = best(index, last, config.minScore) ?? best(index, userTexts.join(' '), config.minScore);
      if (!hit) {
        const top = index.search(last)[0];
        const why = top
          ? `the best passage matches ${matchScore(top.queryTerms)} question word(s), under minScore ${config.minScore}`
          : 'no passage matched the question';
        return finish(handoff(phrases.handoff, why, input.messages));
      }
      return finish({ content: `${phrases.found} ${hit.passage.text}` });
    },
  };
}

function buildIndex(testCase: ResolvedCase): MiniSearch<Passage> | null {
  const passages = splitPassages(testCase.knowledge);
  if (passages.length === 0) return null;
  const index = new MiniSearch<Passage>({
    fields: ['title', 'text'],
    storeFields: ['id', 'docId', 'title', 'text'],
    processTerm,
    searchOptions: { boost: { title: 1.5 }, prefix: (term) => term.length >= 4 },
  });
  index.addAll(passages);
  return index;
}

function best(index: MiniSearch<Passage>, query: string, minScore: number): Hit | undefined {
  const top = index.search(query)[0];
  if (!top || matchScore(top.queryTerms) < minScore) return undefined;
  const passage: Passage = { id: String(top.id), docId: String(top.docId), title: String(top.title), text: String(top.text) };
  return { passage, score: top.score };
}

/** The threshold score: distinct question words (stopwords aside) found in the passage. */
function matchScore(queryTerms: string[]): number {
  return new Set(queryTerms).size;
}

function handoff(sentence: string, reason: string, messages: Message[]): Omit<AgentReply, 'latencyMs'> {
  const n = messages.filter((m) => m.role === 'assistant').length;
  const call: ToolCall = {
    id: `call_${HANDOFF_TOOL}_${n}`,
    type: 'function',
    function: { name: HANDOFF_TOOL, arguments: JSON.stringify({ reason }) },
  };
  return { content: sentence, toolCalls: [call], escalated: true };
}
