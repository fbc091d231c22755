import type { GoldenCase, GoldenFile, Turn, TurnExpect } from '../../schema/golden-set.js';
import type { LoadedPrompt, LoadedPromptfoo, LoadedTest, PromptfooAssertion, PromptfooTest } from './config-schema.js';
import { type GeneratedGrader, mapAssertion } from './assertions.js';
import { renderTemplate, resolveVars, slug, usesConversation } from './text.js';

/**
 * promptfoo tests → a convotest golden set. Pure: the promptfoo config comes in read
 * (src/interop/promptfoo/read.ts), the golden set, grader definitions, grader modules and the
 * report of what was not mapped go out (the CLI writes them).
 *
 * - Each test (× each prompt, × each combination of list-valued vars, as promptfoo expands
 *   them) is one user turn: the prompt rendered with the test's vars (a chat prompt's system
 *   message becomes the case's `system`, its last user message the turn).
 * - Tests whose prompt uses `_conversation` are turns of one conversation per
 *   `metadata.conversationId` (promptfoo's grouping), in file order: one multi-turn case.
 * - `defaultTest` vars, assertions and metadata are merged into every test, as promptfoo does.
 * - Every assertion is mapped (src/interop/promptfoo/assertions.ts) or reported with why, and
 *   kept in the case's `metadata.promptfoo.unmapped`: nothing is dropped silently.
 */

export interface ImportOptions {
  /** Prefix of case ids and generated grader names, e.g. `pf-support`. */
  prefix: string;
  /** Folder of the promptfoo config, relative to the generated modules' folder (posix). */
  configDirFromModules: string;
}

/** An assertion (or a test, or a prompt) that was not imported, and why. */
export interface Unmapped {
  case?: string;
  turn?: number;
  at: string;
  type?: string;
  reason: string;
}

export interface PromptfooImport {
  golden: GoldenFile;
  graders: GeneratedGrader[];
  unmapped: Unmapped[];
  /** Counts for the summary line. */
  stats: { tests: number; cases: number; turns: number; assertions: number; mapped: number; notes: number };
}

/** Assertion keys the mapping reads; any other key given is named in the case's notes. */
const USED_KEYS = new Set(['type', 'value', 'threshold']);

/** Test keys that change what promptfoo checks or sends and are not imported (named in the case's notes). */
const TEST_KEYS_NOT_USED = ['threshold', 'options', 'provider', 'providerOutput', 'prompts', 'assertScoringFunction'];

interface Step {
  at: string;
  test: PromptfooTest;
  vars: Record<string, unknown>;
  prompt: LoadedPrompt;
}

/** promptfoo expands list-valued vars into one test per combination. */
function expandVars(vars: Record<string, unknown>): Array<Record<string, unknown>> {
  let combos: Array<Record<string, unknown>> = [{}];
  for (const [key, value] of Object.entries(vars)) {
    const values = Array.isArray(value) && !key.startsWith('_') ? value : [value];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

function mergeDefault(defaults: PromptfooTest, test: PromptfooTest): PromptfooTest {
  return {
    ...defaults,
    ...test,
    vars: { ...defaults.vars, ...test.vars },
    assert: [...(defaults.assert ?? []), ...(test.assert ?? [])],
    metadata: { ...defaults.metadata, ...test.metadata },
    options: { ...defaults.options, ...test.options },
  };
}

interface RenderedTurn {
  user: string;
  system?: string;
  /** Chat messages other than the system prompt and the last user message (few-shot). */
  dropped: number;
}

/** Renders a prompt for one test: text → the user turn; chat JSON → system + last user message. */
function renderTurn(prompt: LoadedPrompt, vars: Record<string, unknown>): RenderedTurn | { error: string } {
  let text: string;
  try {
    text = renderTemplate(prompt.template, { ...vars, _conversation: [] });
  } catch (error) {
    return { error: `prompt ${prompt.label} cannot be rendered: ${(error as Error).message.split('\n')[0]}` };
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let messages: unknown;
    try {
      messages = JSON.parse(trimmed);
    } catch {
      messages = undefined;
    }
    if (Array.isArray(messages) && messages.every((m) => m && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string')) {
      const list = messages as Array<{ role: string; content?: unknown }>;
      const contentOf = (m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''));
      const system = list.filter((m) => m.role === 'system').map(contentOf);
      const lastUser = list.map((m) => m.role).lastIndexOf('user');
      if (lastUser < 0) return { error: `chat prompt ${prompt.label} has no user message` };
      const user = contentOf(list[lastUser]!);
      if (user.trim() === '') return { error: `prompt ${prompt.label} renders an empty user message` };
      return { user, ...(system.length > 0 ? { system: system.join('\n\n') } : {}), dropped: list.length - system.length - 1 };
    }
  }
  if (trimmed === '') return { error: `prompt ${prompt.label} renders an empty message` };
  return { user: text, dropped: 0 };
}

/**
 * Converts a read promptfoo config into a golden set, grader definitions and the report.
 *
 * @example
 * const { golden, graders, unmapped } = importPromptfoo(loaded, { prefix: 'pf-support', configDirFromModules: '../..' });
 */
export function importPromptfoo(loaded: LoadedPromptfoo, options: ImportOptions): PromptfooImport {
  const unmapped: Unmapped[] = loaded.unread.map((u) => ({ ...u }));
  const graders = new Map<string, GeneratedGrader>();
  const stats = { tests: loaded.tests.length, cases: 0, turns: 0, assertions: 0, mapped: 0, notes: 0 };
  if (loaded.prompts.length === 0) unmapped.push({ at: 'prompts', reason: 'no prompt: every test needs one to become a user turn' });

  // Conversations in order of first appearance: one per (prompt, conversation id) for prompts
  // using _conversation, else one per test.
  const groups = new Map<string, Step[]>();
  loaded.prompts.forEach((prompt, p) => {
    loaded.tests.forEach(({ at, test: raw }: LoadedTest, t) => {
      const test = mergeDefault(loaded.defaultTest, raw);
      expandVars(test.vars ?? {}).forEach((combo, v, combos) => {
        const vars = resolveVars(combo);
        const chained = usesConversation(prompt.template);
        const conversationId = test.metadata?.['conversationId'];
        const key = chained ? `p${p}:c${conversationId === undefined ? '' : String(conversationId)}` : `p${p}:t${t}:v${v}`;
        const stepAt = combos.length > 1 ? `${at} (vars combination ${v + 1})` : at;
        const steps = groups.get(key) ?? [];
        steps.push({ at: stepAt, test, vars, prompt });
        groups.set(key, steps);
      });
    });
  });

  const cases: GoldenCase[] = [];
  const ids = new Set<string>();
  const multiPrompt = loaded.prompts.length > 1;
  for (const steps of groups.values()) {
    const first = steps[0]!;
    // A conversation is named by its conversationId, a single test by its description.
    const conversationId = steps.length > 1 ? first.test.metadata?.['conversationId'] : undefined;
    const named = conversationId !== undefined ? String(conversationId) : first.test.description;
    const described = named ? slug(named) : '';
    const base = `${options.prefix}-${cases.length + 1}${described ? `-${described}` : ''}${multiPrompt ? `-p${loaded.prompts.indexOf(first.prompt) + 1}` : ''}`;
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
    ids.add(id);

    const turns: Turn[] = [];
    const systems = new Set<string>();
    const vars: Array<Record<string, unknown>> = [];
    const sources: string[] = [];
    const perTurnGraders: Record<string, number[]> = {};
    const notes: Array<{ turn: number; at: string; type: string; note: string }> = [];
    const caseUnmapped: Unmapped[] = [];
    for (const step of steps) {
      const rendered = renderTurn(step.prompt, step.vars);
      if ('error' in rendered) {
        const u = { at: step.at, reason: `test not imported: ${rendered.error}` };
        unmapped.push(u);
        caseUnmapped.push(u);
        continue;
      }
      const turn = turns.length;
      if (rendered.system !== undefined) systems.add(rendered.system);
      if (rendered.dropped > 0) {
        caseUnmapped.push({ turn, at: `${step.at} prompt ${step.prompt.label}`, reason: `${rendered.dropped} chat message(s) besides the system prompt and the last user message (few-shot examples) are not imported` });
      }
      for (const key of TEST_KEYS_NOT_USED) {
        const value = key === 'options' ? Object.keys(step.test.options ?? {}).filter((k) => k !== 'transform' && k !== 'postprocess') : step.test[key];
        if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
        notes.push({ turn, at: step.at, type: 'test', note: `${key}${key === 'options' ? ` (${(value as string[]).join(', ')})` : ''} not used: convotest replays the turn with each variant and grades with its own graders` });
      }
      const expect: Required<Pick<TurnExpect, 'must_match' | 'must_not_match' | 'graders'>> & { reference?: string } = { must_match: [], must_not_match: [], graders: [] };
      (step.test.assert ?? []).forEach((a: PromptfooAssertion, i) => {
        stats.assertions++;
        const at = `${step.at}.assert[${i}]`;
        const transformed = step.test.options?.['transform'] ?? step.test.options?.['postprocess'];
        const mapped =
          transformed !== undefined
            ? ({ kind: 'unmapped', reason: "the test's options.transform changes the output every assertion sees; convotest graders check the reply itself" } as const)
            : mapAssertion(a, { at, vars: step.vars, configDirFromModules: options.configDirFromModules, prefix: options.prefix });
        const report = (reason: string) => caseUnmapped.push({ turn, at, type: a.type, reason });
        switch (mapped.kind) {
          case 'patterns':
            expect.must_match.push(...(mapped.must_match ?? []));
            expect.must_not_match.push(...(mapped.must_not_match ?? []));
            break;
          case 'grader':
            graders.set(mapped.grader.name, mapped.grader);
            if (!expect.graders.includes(mapped.grader.name)) expect.graders.push(mapped.grader.name);
            if (mapped.perTurn) (perTurnGraders[mapped.grader.name] ??= []).push(turn);
            break;
          case 'reference':
            if (expect.reference !== undefined) {
              report('a second factuality reference for the same turn (convotest keeps one reference per turn)');
              return;
            }
            expect.reference = mapped.reference;
            if (!expect.graders.includes('accuracy')) expect.graders.push('accuracy');
            break;
          case 'note':
            notes.push({ turn, at, type: a.type, note: mapped.note });
            stats.notes++;
            break;
          case 'unmapped':
            report(mapped.reason);
            return;
        }
        stats.mapped++;
        const ignored = Object.keys(a).filter((k) => !USED_KEYS.has(k) && !(k === 'config' && a.type.endsWith('javascript')) && !(k === 'weight' && a.weight === 1));
        if (ignored.length > 0) {
          notes.push({ turn, at, type: a.type, note: `${ignored.map((k) => `${k}: ${JSON.stringify(a[k])}`).join(', ')} not used (convotest counts every check of a turn alike; its judge is the config's)` });
        }
      });
      const turnExpect: TurnExpect = {
        ...(expect.must_match.length > 0 ? { must_match: expect.must_match } : {}),
        ...(expect.must_not_match.length > 0 ? { must_not_match: expect.must_not_match } : {}),
        ...(expect.reference !== undefined ? { reference: expect.reference } : {}),
        ...(expect.graders.length > 0 ? { graders: expect.graders } : {}),
      };
      turns.push({ user: rendered.user, ...(Object.keys(turnExpect).length > 0 ? { expect: turnExpect } : {}) });
      vars.push(step.vars);
      sources.push(step.at);
    }
    if (systems.size > 1) caseUnmapped.push({ at: sources.join(', '), reason: 'the turns render different system prompts; the first is kept' });
    // A group whose every test failed to render made no case: its entries carry no case id.
    for (const u of caseUnmapped) if (!unmapped.includes(u)) unmapped.push(turns.length > 0 ? { case: id, ...u } : u);
    if (turns.length === 0) continue;
    const metadata = {
      promptfoo: {
        file: loaded.file,
        tests: sources,
        prompt: first.prompt.label,
        vars,
        ...(first.test.metadata && Object.keys(first.test.metadata).length > 0 ? { metadata: first.test.metadata } : {}),
        ...(Object.keys(perTurnGraders).length > 0 ? { graders: perTurnGraders } : {}),
        ...(notes.length > 0 ? { notes } : {}),
        ...(caseUnmapped.length > 0 ? { unmapped: caseUnmapped.map(({ turn, at, type, reason }) => ({ ...(turn !== undefined ? { turn } : {}), at, ...(type ? { type } : {}), reason })) } : {}),
      },
    };
    const tags: Record<string, string> = { source: 'promptfoo' };
    cases.push({
      id,
      ...(first.test.description ? { description: first.test.description } : {}),
      tags,
      ...(systems.size > 0 ? { system: [...systems][0]! } : {}),
      turns,
      metadata,
    });
    stats.turns += turns.length;
  }
  stats.cases = cases.length;
  return {
    golden: {
      description: `Imported from promptfoo ${loaded.file}${loaded.description ? `: ${loaded.description}` : ''}`,
      cases,
    },
    graders: [...graders.values()],
    unmapped,
    stats,
  };
}
