import type { ResolvedCase } from '../../schema/golden-set.js';
import type { TranscriptMessage } from '../../schema/run-record.js';
import { textOf } from '../grade-helpers.js';
import { type ContentKeys, contentKeys, type KeySet, type KeySink } from './content.js';
import type { GroundingSettings } from './grounding.js';
import { indexSources, type SourceIndex } from './support.js';

/**
 * The sources a reply is checked against (knowledge, system text, tool results, the conversation
 * before it) and their indexes: built once per distinct material and incrementally per message.
 */

/** The sources of one reply: grounding material (knowledge, system text, tool results) and the conversation before it. */
export interface ReplySources {
  material: string[];
  conversation: string[];
}

/** Knowledge, the system text when allowed, tool results, and the other messages before `upTo` (tool-call arguments included). */
export function sourcesBefore(
  c: ResolvedCase,
  transcript: readonly TranscriptMessage[],
  upTo: number,
  systemAsSource: boolean,
): ReplySources {
  const material = c.knowledge.flatMap((k) => [k.title ?? '', k.content]);
  if (systemAsSource && c.system) material.push(c.system);
  const conversation: string[] = [];
  for (const m of transcript.slice(0, upTo)) {
    (m.role === 'tool' ? material : conversation).push(textOf(m));
    for (const call of m.tool_calls ?? []) conversation.push(call.function.arguments);
  }
  return { material, conversation };
}

/** The sources of a reply, indexed: for claims (one index per message), and as content words. */
export interface IndexedSources {
  claims: readonly SourceIndex[];
  material: KeySet;
  conversation: KeySet;
  hasMaterial: boolean;
}

/** Keys in either of two sets. */
export class EitherKeys implements KeySet {
  constructor(
    private readonly a: KeySet,
    private readonly b: KeySet,
  ) {}
  has(key: string): boolean {
    return this.a.has(key) || this.b.has(key);
  }
  hasPair(first: string, second: string): boolean {
    return this.a.hasPair(first, second) || this.b.hasPair(first, second);
  }
}

export function indexReplySources(sources: ReplySources, settings: GroundingSettings): IndexedSources {
  return {
    claims: [indexSources([...sources.material, ...sources.conversation, ...settings.knownTerms])],
    material: contentKeys([...sources.material, ...settings.knownTerms]),
    conversation: contentKeys(sources.conversation),
    hasMaterial: sources.material.some((t) => t.trim() !== ''),
  };
}

/**
 * Content keys of a conversation's messages with the position of the message that first said
 * each (pairs as a map per first word); with `wanted`, only its words and pairs of its words.
 */
class FirstSeen implements KeySink {
  private readonly words = new Map<string, number>();
  private readonly pairs = new Map<string, Map<string, number>>();
  /** The position that {@link word} and {@link pair} record. */
  position = -1;
  constructor(private readonly wanted: ReadonlySet<string> | null) {}
  word(key: string): void {
    if ((this.wanted === null || this.wanted.has(key)) && !this.words.has(key)) this.words.set(key, this.position);
  }
  pair(first: string, second: string): void {
    if (this.wanted !== null && !(this.wanted.has(first) && this.wanted.has(second))) return;
    let next = this.pairs.get(first);
    if (next === undefined) {
      next = new Map();
      this.pairs.set(first, next);
    }
    if (!next.has(second)) next.set(second, this.position);
  }
  /** Position of the first message with `key` (Infinity: none). */
  wordAt(key: string): number {
    return this.words.get(key) ?? Infinity;
  }
  pairAt(first: string, second: string): number {
    return this.pairs.get(first)?.get(second) ?? Infinity;
  }
}

/** The keys of a {@link FirstSeen} said before message `upTo`, or found in `base`. */
class SeenBefore implements KeySet {
  constructor(
    private readonly seen: FirstSeen,
    private readonly upTo: number,
    private readonly base: KeySet | null,
  ) {}
  has(key: string): boolean {
    return (this.base !== null && this.base.has(key)) || this.seen.wordAt(key) < this.upTo;
  }
  hasPair(first: string, second: string): boolean {
    return (this.base !== null && this.base.hasPair(first, second)) || this.seen.pairAt(first, second) < this.upTo;
  }
}

/**
 * A case's grounding material indexed before any message: knowledge, system text and known
 * terms. The same for every case with the same material (a variant's system prompt, a shared
 * knowledge base), so a grader builds it once per distinct material (see {@link MaterialIndexes}).
 */
export interface MaterialIndex {
  claims: SourceIndex;
  keys: ContentKeys;
  /** Whether the knowledge or system text says anything (known terms alone are not material). */
  hasMaterial: boolean;
}

/**
 * Indexes of grounding material by its text, kept by a grader for its run (a run grades many
 * cases with the same system text; indexing it is most of the cost of a short conversation).
 * The indexes are immutable once built (their lazy parts are computed once and kept).
 */
export class MaterialIndexes {
  private readonly built = new Map<string, MaterialIndex>();
  /** `knownTerms`: the grader's, added to every material. */
  constructor(
    private readonly knownTerms: readonly string[],
    private readonly limit = 256,
  ) {}

  of(material: readonly string[]): MaterialIndex {
    // one text (a system prompt) is its own key: no copy, and its hash is kept by the string
    const key = material.length === 1 ? material[0]! : material.join('\u0000');
    let index = this.built.get(key);
    if (index === undefined) {
      if (this.built.size >= this.limit) this.built.clear();
      const texts = [...material, ...this.knownTerms];
      index = { claims: indexSources(texts), keys: contentKeys(texts), hasMaterial: material.some((t) => t.trim() !== '') };
      this.built.set(key, index);
    }
    return index;
  }
}

/**
 * Indexes of the sources of every reply of a transcript, built incrementally: each message is
 * indexed once and a reply's view is the messages before it (a conversation of n messages costs
 * O(n) indexing, not O(n²)). The case's material comes from `materials` when given (built once
 * per distinct material), else is indexed here.
 */
export function replySourceIndexes(
  c: ResolvedCase,
  transcript: readonly TranscriptMessage[],
  settings: GroundingSettings,
  materials: MaterialIndexes = new MaterialIndexes(settings.knownTerms, 1),
  /** Keys kept of the messages' content (see {@link wantedKeys}; null: all). */
  wanted: ReadonlySet<string> | null = null,
): (upTo: number) => IndexedSources {
  const base = materials.of(sourcesBefore(c, transcript, 0, settings.systemAsSource).material);
  const claimParts: SourceIndex[] = [base.claims];
  const material = new FirstSeen(wanted);
  const conversation = new FirstSeen(wanted);
  const firstTool = transcript.findIndex((m) => m.role === 'tool' && textOf(m).trim() !== '');
  let done = 0;
  return (upTo) => {
    for (; done < upTo; done++) {
      const m = transcript[done]!;
      const texts = [textOf(m), ...(m.tool_calls ?? []).map((call) => call.function.arguments)];
      claimParts.push(indexSources(texts));
      const seen = m.role === 'tool' ? material : conversation;
      seen.position = done;
      contentKeys(texts, seen);
    }
    return {
      claims: claimParts.slice(0, upTo + 1),
      material: new SeenBefore(material, upTo, base.keys),
      conversation: new SeenBefore(conversation, upTo, null),
      hasMaterial: base.hasMaterial || (firstTool !== -1 && firstTool < upTo),
    };
  };
}
