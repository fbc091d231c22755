import type { ConversationExpect, ExpectedTool, SimulatedUser } from '../schema/golden-set.js';

/**
 * The τ-bench → golden-set mapping (pure): what a τ-bench task expects of the agent, and the
 * simulated customer it describes. `io/import-tau-bench.ts` parses the files and builds cases.
 */

/** One expected action of a τ-bench task: a tool call with its arguments. */
export interface TauAction {
  name: string;
  kwargs: Record<string, unknown>;
}

/** A τ-bench task as the importer reads it (`user_id`, `instruction`, `actions`, `outputs`). */
export interface TauTask {
  user_id?: string | undefined;
  instruction: string;
  actions: TauAction[];
  outputs: string[];
}

/** The airline domain's state-changing tools (τ-bench `tau_bench/envs/airline/tools`). */
export const TAU_AIRLINE_WRITES: readonly string[] = ['book_reservation', 'cancel_reservation', 'update_reservation_*', 'send_certificate'];

/** Handing the customer over is always an expected action (τ-bench scores it like a write). */
export const TAU_TRANSFER_TOOL = 'transfer_to_human_agents';

/** Free-text arguments no agent writes word for word (the transfer's `summary`): left out of the expected arguments. */
export const TAU_FREE_TEXT_ARGS: readonly string[] = ['summary'];

/** The graders the imported cases name: what the agent changed, and the facts it had to say. */
export const TAU_GRADERS: readonly string[] = ['actions', 'rules'];

/**
 * The conversation-level expectations of a task: its actions among the state-changing tools
 * (`isWrite`, plus {@link TAU_TRANSFER_TOOL}) as `tools` (free-text arguments left out), its
 * `outputs` as case-insensitive literal `must_match` patterns ({@link literalPattern}), and the graders `actions` and
 * `rules`. Read-only actions (lookups, searches) are left out: the `actions` grader ignores them.
 *
 * @example
 * tauExpect({ instruction: '…', actions: [{ name: 'cancel_reservation', kwargs: { reservation_id: 'ZFA04Y' } }], outputs: ['327'] },
 *   (name) => name.startsWith('cancel_'))
 * // → { tools: [{ name: 'cancel_reservation', arguments: { reservation_id: 'ZFA04Y' } }], must_match: ['(?i)3,?2,?7'], graders: ['actions', 'rules'] }
 */
export function tauExpect(task: TauTask, isWrite: (name: string) => boolean): ConversationExpect {
  const tools: ExpectedTool[] = task.actions
    .filter((a) => a.name === TAU_TRANSFER_TOOL || isWrite(a.name))
    .map((a) => ({ name: a.name, arguments: Object.fromEntries(Object.entries(a.kwargs).filter(([k]) => !TAU_FREE_TEXT_ARGS.includes(k))) }));
  const mustMatch = task.outputs.map(literalPattern);
  return { tools, ...(mustMatch.length > 0 ? { must_match: mustMatch } : {}), graders: [...TAU_GRADERS] };
}

/**
 * A case-insensitive pattern matching `text` literally, digits also with thousands separators
 * (τ-bench compares outputs after removing commas: `23553` is said as `$23,553`).
 */
export function literalPattern(text: string): string {
  return `(?i)${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/(\d)(?=\d)/g, '$1,?')}`;
}

// "You are calm." / "You are emotional and a bit angry, but ..." describe how the customer
// behaves; sentences that also say what the customer wants stay in the goal.
const PERSONA_START =
  /^You are (?:(?:very|quite|rather|a bit|a little|somewhat|also|an?|not)\s+)*(?:reactive|calm|emotional|angry|upset|impatient|patient|persistent|polite|rude|confident|private|mysterious|shy|friendly|curious|cautious|nervous|anxious|busy|direct|terse|chatty|talkative|stubborn|demanding|cooperative|detail-oriented|good at|person)\b/;
const WANTS = /\b(?:want|wants|need|needs|would like|looking for|trying to|prefer|reservation|flight|book|cancel|change|refund)\b/i;

/** Sentences of an instruction (split after `.`, `!` or `?` followed by white space). */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Ids the customer knows and the agent will ask for, found in the instruction's words. */
const FACT_PATTERNS: ReadonlyArray<{ key: string; re: RegExp }> = [
  { key: 'reservation_id', re: /\b[Rr]eservation(?:\s+(?:ID|[Ii]d|number|code))?(?:\s+is)?:?\s+([A-Z0-9]{6})\b/g },
  { key: 'order_id', re: /(#W\d{7})\b/g },
];

/**
 * The simulated customer of a task. The instruction is the goal, except: a sentence that only
 * says who the customer is (`You are mia_li_3668.`) becomes the `user_id` fact, and sentences
 * that only describe behaviour (`You are calm.`, `You are reactive to the agent …`) become the
 * persona. Facts: `user_id` and the reservation or order ids the instruction names (they also
 * stay in the goal, which the simulator reads whole).
 *
 * @example
 * tauSimulatedUser({ user_id: 'mia_li_3668', instruction: 'You are mia_li_3668. You want to cancel reservation ZFA04Y. You are calm.', actions: [], outputs: [] }, { maxTurns: 20 })
 * // → { goal: 'You want to cancel reservation ZFA04Y.', persona: 'You are calm.',
 * //     facts: { user_id: 'mia_li_3668', reservation_id: 'ZFA04Y' }, max_turns: 20 }
 */
export function tauSimulatedUser(
  task: TauTask,
  opts: { maxTurns: number },
): SimulatedUser {
  const goal: string[] = [];
  const persona: string[] = [];
  const userId = task.user_id?.trim();
  for (const s of sentences(task.instruction)) {
    if (userId && new RegExp(`^You are\\s+${escapeRegex(userId)}\\s*[.!]?$`).test(s)) continue;
    if (PERSONA_START.test(s) && !WANTS.test(s)) persona.push(s);
    else goal.push(s);
  }
  const facts: Record<string, string | number | boolean> = { ...(userId ? { user_id: userId } : {}) };
  for (const { key, re } of FACT_PATTERNS) {
    const found = [...new Set([...task.instruction.matchAll(re)].map((m) => m[1]!))];
    found.forEach((value, i) => (facts[i === 0 ? key : `${key}_${i + 1}`] = value));
  }
  return {
    // An instruction made only of identity and behaviour still has a goal: the whole text.
    goal: goal.length > 0 ? goal.join(' ') : task.instruction.trim(),
    ...(persona.length > 0 && goal.length > 0 ? { persona: persona.join(' ') } : {}),
    ...(Object.keys(facts).length > 0 ? { facts } : {}),
    max_turns: opts.maxTurns,
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
