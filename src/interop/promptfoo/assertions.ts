import { posix } from 'node:path';
import type { PromptfooAssertion } from './config-schema.js';
import { fileJavascriptModule, inlineJavascriptModule, isJsonModule, type ModuleOptions } from './modules.js';
import { escapeRegex, listValues, renderTemplate, shortHash, slashed } from './text.js';

/**
 * promptfoo assertions → convotest checks, one handler per assertion type (the map is typed by
 * name, so a type listed in {@link MAPPED_TYPES} without a handler fails to compile). Pure.
 *
 * - text checks (equals, contains, icontains, contains-any/all, icontains-any/all, regex,
 *   starts-with and their `not-` forms) → the turn's `expect.must_match` / `must_not_match`
 *   regexes, checked by the shipped `rules` grader;
 * - `llm-rubric` → a `judge` grader with the rubric as its one criterion;
 * - `factuality` → the turn's `expect.reference`, graded by the shipped `accuracy` grader;
 * - `javascript`, `is-json` → `custom` graders whose modules are written beside the definitions;
 * - `cost`, `latency` → notes in the case's metadata (convotest records both for every turn);
 * - anything else → unmapped, with the reason.
 */

export interface GeneratedGrader {
  name: string;
  definition: Record<string, unknown>;
  /** A module for `custom` graders: file name (beside the definitions, in the modules folder) and text. */
  module?: { file: string; text: string };
}

/** What one assertion became. */
export type MappedAssertion =
  | { kind: 'patterns'; must_match?: string[]; must_not_match?: string[] }
  | { kind: 'grader'; grader: GeneratedGrader; perTurn: boolean }
  | { kind: 'reference'; reference: string }
  | { kind: 'note'; note: string }
  | { kind: 'unmapped'; reason: string };

export interface AssertionContext {
  /** Where it was written: `tests[3].assert[1]`. */
  at: string;
  /** The test's variables (assertion values are templates too). */
  vars: Record<string, unknown>;
  /** Folder of the promptfoo config, relative to the modules folder (posix), for `file://` values. */
  configDirFromModules: string;
  /** Prefix of generated grader names (`pf-<set>`). */
  prefix: string;
}

type Handler = (a: PromptfooAssertion, inverse: boolean, c: AssertionContext) => MappedAssertion;

const unmapped = (reason: string): MappedAssertion => ({ kind: 'unmapped', reason });

function textValue(a: PromptfooAssertion, c: AssertionContext): string | undefined {
  if (typeof a.value === 'number') return String(a.value);
  return typeof a.value === 'string' ? renderTemplate(a.value, c.vars) : undefined;
}

function listOf(a: PromptfooAssertion, c: AssertionContext): string[] | undefined {
  const rendered = typeof a.value === 'string' ? renderTemplate(a.value, c.vars) : a.value;
  const list = listValues(rendered);
  return list && list.length > 0 && list.every((v) => v !== '') ? list : undefined;
}

/** must_match when the check is positive, must_not_match when it is a `not-` form. */
const patterns = (list: string[], inverse: boolean): MappedAssertion => (inverse ? { kind: 'patterns', must_not_match: list } : { kind: 'patterns', must_match: list });

/** A literal text check: `wrap` turns the escaped value into a pattern. */
function literal(wrap: (escaped: string) => string, flags = ''): Handler {
  return (a, inverse, c) => {
    const value = textValue(a, c);
    if (value === undefined) return unmapped(`"${a.type}" needs a string value`);
    if (value === '') return unmapped(`"${a.type}" with an empty value (a regex that matches only empty text never matches in convotest)`);
    return patterns([slashed(wrap(escapeRegex(value)), flags)], inverse);
  };
}

/** contains-any: one pattern matching any of the listed strings. */
function containsAny(flags: string): Handler {
  return (a, inverse, c) => {
    const list = listOf(a, c);
    if (!list) return unmapped(`"${a.type}" needs a non-empty list of strings`);
    return patterns([slashed(`(?:${list.map(escapeRegex).join('|')})`, flags)], inverse);
  };
}

/** contains-all: one pattern per listed string. */
function containsAll(flags: string): Handler {
  return (a, inverse, c) => {
    const list = listOf(a, c);
    if (!list) return unmapped(`"${a.type}" needs a non-empty list of strings`);
    if (!inverse) return patterns(list.map((v) => slashed(escapeRegex(v), flags)), false);
    // Fails only when every value is there: one pattern that matches exactly then.
    return patterns([slashed(`^${list.map((v) => `(?=[\\s\\S]*${escapeRegex(v)})`).join('')}[\\s\\S]`, flags)], true);
  };
}

function moduleOptions(a: PromptfooAssertion, inverse: boolean, label: string): ModuleOptions {
  return {
    label,
    ...(a.threshold !== undefined ? { threshold: a.threshold } : {}),
    ...(inverse ? { inverse } : {}),
    ...(a.config ? { config: a.config } : {}),
  };
}

function customGrader(c: AssertionContext, kind: string, key: string, description: string, text: string): MappedAssertion {
  const name = `${c.prefix}-${kind}-${shortHash(key)}`;
  return {
    kind: 'grader',
    perTurn: true,
    grader: {
      name,
      definition: { name, kind: 'custom', description, module: `./${c.prefix}/${name}.mjs`, threshold: 1 },
      module: { file: `${name}.mjs`, text },
    },
  };
}

const handlers = {
  equals: (a, inverse, c) => {
    if (a.value !== null && typeof a.value === 'object') return unmapped('"equals" with a JSON value (promptfoo compares parsed JSON; convotest patterns compare text)');
    return literal((v) => `^${v}$`)(a, inverse, c);
  },
  contains: literal((v) => v),
  icontains: literal((v) => v, 'i'),
  'contains-any': containsAny(''),
  'icontains-any': containsAny('i'),
  'contains-all': containsAll(''),
  'icontains-all': containsAll('i'),
  'starts-with': literal((v) => `^${v}`),
  regex: (a, inverse, c) => {
    const value = textValue(a, c);
    if (!value) return unmapped('"regex" needs a non-empty string value');
    try {
      new RegExp(value);
    } catch (error) {
      return unmapped(`"regex" value is not a valid regular expression: ${(error as Error).message}`);
    }
    return patterns([slashed(value)], inverse);
  },
  'is-json': (a, inverse, c) => {
    if (a.value !== undefined && a.value !== null && a.value !== '') {
      return unmapped('"is-json" with a JSON schema value (convotest has no JSON-schema grader; drop the schema to import the JSON check alone)');
    }
    const type = `${inverse ? 'not-' : ''}is-json`;
    const text = isJsonModule(c.at, type, moduleOptions(a, inverse, type));
    return customGrader(c, inverse ? 'not-json' : 'json', type, `promptfoo ${type}: the reply ${inverse ? 'is not' : 'is'} valid JSON`, text);
  },
  javascript: (a, inverse, c) => {
    if (typeof a.value !== 'string' || a.value.trim() === '') return unmapped('"javascript" needs code or a file:// reference as its value');
    const type = `${inverse ? 'not-' : ''}javascript`;
    const options = moduleOptions(a, inverse, type);
    const key = JSON.stringify([a.value, options]);
    if (a.value.startsWith('file://')) {
      const ref = a.value.slice('file://'.length);
      const colon = ref.lastIndexOf(':');
      const [file, fn] = colon > 0 && !/^[A-Za-z]:[\\/]/.test(ref.slice(0, colon + 2)) ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, undefined];
      if (!/\.(?:m?js|cjs|ts|mts|cts)$/.test(file)) return unmapped(`"javascript" file ${file} is not a JavaScript/TypeScript module`);
      const relative = posix.isAbsolute(file) ? file : posix.join(c.configDirFromModules, file);
      const text = fileJavascriptModule(c.at, type, a.value, relative, fn || undefined, options);
      return customGrader(c, 'js', key, `promptfoo ${type} ${a.value}`, text);
    }
    const firstLine = a.value.trim().split('\n')[0]!;
    const text = inlineJavascriptModule(c.at, type, a.value, options);
    return customGrader(c, 'js', key, `promptfoo ${type}: ${firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine}`, text);
  },
  'llm-rubric': (a, inverse, c) => {
    if (inverse) return unmapped('"not-llm-rubric" (a judge rubric that must fail) has no convotest equivalent');
    const rubric = textValue(a, c);
    if (!rubric) return unmapped('"llm-rubric" needs the rubric text as its value');
    const threshold = a.threshold;
    const name = `${c.prefix}-rubric-${shortHash(JSON.stringify([rubric, threshold]))}`;
    const scale =
      threshold === undefined
        ? { min: 0, max: 1, labels: { '0': 'the agent does not satisfy the rubric', '1': 'the agent satisfies the rubric' } }
        : { min: 0, max: 10, labels: { '0': 'does not satisfy the rubric at all', '10': 'fully satisfies the rubric' } };
    return {
      kind: 'grader',
      perTurn: false,
      grader: {
        name,
        definition: {
          name,
          kind: 'judge',
          description: `promptfoo llm-rubric: ${rubric.length > 100 ? `${rubric.slice(0, 97)}...` : rubric}`,
          threshold: threshold ?? 1,
          scale,
          criteria: [{ id: 'rubric', description: rubric }],
        },
      },
    };
  },
  factuality: (a, inverse, c) => {
    if (inverse) return unmapped('"not-factuality" has no convotest equivalent');
    const reference = textValue(a, c);
    return reference ? { kind: 'reference', reference } : unmapped('"factuality" needs the reference answer as its value');
  },
  cost: (a, inverse) => ({ kind: 'note', note: `cost ${inverse ? '>' : '<='} ${a.threshold ?? '(no threshold)'} USD per call: convotest records each turn's cost; gate on it with the cost rules` }),
  latency: (a, inverse) => ({ kind: 'note', note: `latency ${inverse ? '>' : '<='} ${a.threshold ?? '(no threshold)'} ms: convotest records each turn's latency; gate on its percentiles` }),
} satisfies Record<string, Handler>;

/** The promptfoo assertion types the importer maps (with their `not-` forms where promptfoo has them). */
export type MappedType = keyof typeof handlers;
export const MAPPED_TYPES = Object.keys(handlers) as MappedType[];

/** Why the common types we do not map have no convotest equivalent. */
const KNOWN_UNMAPPED: Record<string, string> = {
  similar: 'embedding similarity needs an embedding model; convotest has no embedding grader',
  'model-graded-closedqa': 'closed-QA judge: no convotest grader asks this question (use llm-rubric)',
  'model-graded-factuality': 'use factuality (mapped to accuracy)',
  'answer-relevance': 'answer relevance needs embeddings; no convotest grader',
  'context-faithfulness': 'RAG context metrics: use convotest grounding/hallucination with case knowledge instead',
  'context-recall': 'RAG context metrics: no convotest grader',
  'context-relevance': 'RAG context metrics: no convotest grader',
  python: 'python assertions cannot run inside convotest (Node.js)',
  ruby: 'ruby assertions cannot run inside convotest (Node.js)',
  webhook: 'webhook assertions call a remote service; no convotest grader',
  'contains-json': 'no convotest grader extracts JSON from a reply',
  levenshtein: 'no edit-distance grader in convotest',
  'rouge-n': 'no ROUGE grader in convotest',
  bleu: 'no BLEU grader in convotest',
  gleu: 'no GLEU grader in convotest',
  meteor: 'no METEOR grader in convotest',
  perplexity: 'needs token log-probabilities, which convotest does not record',
  'perplexity-score': 'needs token log-probabilities, which convotest does not record',
  'select-best': 'compares outputs of several prompts; convotest grades each conversation alone',
  'max-score': 'compares outputs of several prompts; convotest grades each conversation alone',
  moderation: 'needs a moderation API; no convotest grader',
  'assert-set': 'assertion groups with their own threshold have no convotest equivalent (list the assertions directly)',
  'is-valid-openai-tools-call': 'tool-call checks: use expect.tools (the actions grader)',
  'is-valid-openai-function-call': 'tool-call checks: use expect.tools (the actions grader)',
  'classifier': 'needs a HuggingFace classifier; no convotest grader',
  'g-eval': 'use llm-rubric (mapped to a judge rubric)',
};

/** The `not-` forms promptfoo has for the mapped types (`not-cost` does not exist, for example). */
const NO_INVERSE = new Set<MappedType>(['cost', 'latency']);

/**
 * Maps one promptfoo assertion. Modifiers convotest cannot honour make it unmapped (`transform`
 * changes what is checked); `weight` and `metric` only change promptfoo's reporting and are
 * returned as notes by the caller.
 */
export function mapAssertion(a: PromptfooAssertion, c: AssertionContext): MappedAssertion {
  const inverse = a.type.startsWith('not-');
  const base = inverse ? a.type.slice(4) : a.type;
  if (a.transform !== undefined) return unmapped(`"transform" on the output cannot be applied by convotest graders`);
  if (base in handlers && !(inverse && NO_INVERSE.has(base as MappedType))) {
    return (handlers as Record<string, Handler>)[base]!(a, inverse, c);
  }
  const known = KNOWN_UNMAPPED[base];
  return unmapped(known ?? `no convotest equivalent for promptfoo "${a.type}"`);
}
