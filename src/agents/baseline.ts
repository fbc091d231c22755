import MiniSearch from 'minisearch';
import type { AgentConfig } from '../schema/config.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { Message, ToolCall } from '../schema/message.js';
import { throwIfAborted } from './abort.js';
import type { Agent, AgentInput, AgentReply } from './agent.js';
import { type AgentDeps, defaultNow } from './deps.js';
import { type Passage, processTerm, splitPassages } from './passages.js';
import { caseLanguage, PHRASES, WANTS_HUMAN } from './phrases.js';

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
 * no knowledge, or the customer asks for a person, it says it cannot help and escalates: a
 * `transfer_to_human` tool call with a `reason` and a handoff sentence, in the case's `language`
 * tag (en, es, de, fr). It hands over once: after a tool result, or on later questions it cannot
 * answer, it says a colleague will continue. A passage already quoted is not repeated while another
 * one qualifies. It is the floor every model variant should beat.
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

      // Hand over once; after that, a question it cannot answer gets the "colleague will continue" line.
      const handedOver = input.messages.some((m) => m.tool_calls?.some((c) => c.function.name === HANDOFF_TOOL));
      const escalate = (reason: string): AgentReply =>
        finish(handedOver ? { content: phrases.queued } : handoff(phrases.handoff, reason, input.messages));

      const userTexts = input.messages.filter((m) => m.role === 'user').map((m) => m.content ?? '');
      const last = userTexts.at(-1) ?? '';
      if (WANTS_HUMAN.test(last)) return escalate('the customer asked for a human');
      const index = indexFor(input.case);
      if (!index) return escalate('the case has no knowledge documents');

      const said = input.messages.filter((m) => m.role === 'assistant').map((m) => m.content ?? '');
      const hit = pick(index, last, config.minScore, said) ?? pick(index, userTexts.join(' '), config.minScore, said);
      if (!hit) {
        const top = index.search(last)[0];
        return escalate(
          top
            ? `the best passage matches ${matchScore(top.queryTerms)} question word(s), under minScore ${config.minScore}`
            : 'no passage matched the question',
        );
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

/**
 * The best-ranked passage with at least `minScore` matched question words, preferring one not
 * already quoted in the conversation (so a follow-up gets the next passage, not the same one).
 */
function pick(index: MiniSearch<Passage>, query: string, minScore: number, said: string[]): Hit | undefined {
  const candidates = index.search(query).filter((r) => matchScore(r.queryTerms) >= minScore);
  const fresh = candidates.find((r) => !said.some((text) => text.includes(String(r.text)))) ?? candidates[0];
  if (!fresh) return undefined;
  const passage: Passage = {
    id: String(fresh.id),
    docId: String(fresh.docId),
    title: String(fresh.title),
    text: String(fresh.text),
  };
  return { passage, score: fresh.score };
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
