import * as z from 'zod';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import { fieldPath } from '../core/problems.js';
import { TAU_AIRLINE_WRITES, type TauTask, tauExpect, tauSimulatedUser } from '../core/tau-bench.js';
import { globToRegex } from '../grading/outcomes/detect.js';
import { type GoldenCase, GoldenCaseSchema } from '../schema/golden-set.js';
import { importConversation, readRecords } from './import-openai.js';

/** Options of {@link importTauBench}. */
export interface TauImportOptions {
  /** Name of the input shown in errors. */
  file: string;
  /** Globs of the state-changing tools whose calls a task expects (default: the airline writes). */
  writes?: readonly string[];
  /** `max_turns` of the simulated customers made from tasks (default {@link TAU_DEFAULT_MAX_TURNS}). */
  maxTurns?: number;
  /** Tags added to every case. */
  tags?: Record<string, string>;
}

/** The cases made from a τ-bench file, with how many came from tasks and from trajectories. */
export interface TauImport {
  cases: GoldenCase[];
  tasks: number;
  trajectories: number;
}

/** Customer messages a simulated τ-bench customer may send (τ-bench itself stops after 30 agent steps). */
export const TAU_DEFAULT_MAX_TURNS = 20;

const id = z.union([z.string().min(1), z.number()]);
const TaskSchema = z.looseObject(
  {
    user_id: z.string().min(1).optional(),
    instruction: z.string({ error: 'a τ-bench task needs its instruction (the customer\'s goal)' }).trim().min(1, 'the instruction is empty'),
    actions: z.array(z.object({ name: z.string().min(1), kwargs: z.record(z.string(), z.unknown()).default({}) })).default([]),
    outputs: z.array(z.string().min(1)).default([]),
  },
  { error: 'expected a τ-bench task object (user_id, instruction, actions, outputs)' },
);
const TrajectorySchema = z.looseObject({
  task_id: id.optional(),
  trial: z.number().int().nonnegative().optional(),
  reward: z.number().optional(),
  info: z.looseObject({ task: TaskSchema, reward_info: z.looseObject({ info: z.looseObject({ r_actions: z.number().nullish() }).nullish() }).nullish() }),
  traj: z.array(z.unknown()),
});

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Converts τ-bench tasks or recorded trajectories (a JSON array or JSONL; both kinds may mix)
 * into golden-set cases:
 * - a task (`{ user_id, instruction, actions, outputs }`, optionally wrapped as `{ task_id, task }`)
 *   becomes a simulated-customer case (`user:` from core/tau-bench.ts `tauSimulatedUser`);
 * - a trajectory (`{ task_id, trial, reward, info: { task }, traj }`) becomes a transcript case
 *   (the policy as `system`, tool calls and tool results kept), with `reward` in `metadata`;
 * both with the task's expectations (`tauExpect`: state-changing actions as `expect.tools`,
 * outputs as `must_match`, graders `actions` and `rules`). Throws InputError naming the record and field.
 *
 * @example
 * importTauBench(text, { file: 'trajectories.json' }).cases.length // 100
 */
export function importTauBench(text: string, opts: TauImportOptions): TauImport {
  const records = readRecords(text, opts.file);
  const writes = (opts.writes ?? TAU_AIRLINE_WRITES).map(globToRegex);
  const isWrite = (name: string) => writes.some((re) => re.test(name));
  const maxTurns = opts.maxTurns ?? TAU_DEFAULT_MAX_TURNS;
  const fail = (index: number, path: PropertyKey[], message: string): never => {
    throw new InputError(`${opts.file}: record ${index}: ${path.length > 0 ? `${fieldPath(path)}: ` : ''}${message}`);
  };
  const parse = <T>(schema: z.ZodType<T>, value: unknown, index: number, base: PropertyKey[]): T => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    return fail(index, [...base, ...issue.path], issue.message);
  };

  const cases: GoldenCase[] = [];
  let tasks = 0;
  let trajectories = 0;
  records.forEach((record, index) => {
    if (!isRecord(record)) return fail(index, [], 'expected an object (a τ-bench task or trajectory)');
    if ('traj' in record) {
      const t = parse(TrajectorySchema, record, index, []);
      const taskId = t.task_id ?? index;
      const rActions = t.info.reward_info?.info?.r_actions ?? undefined;
      // Messages are read by the OpenAI-log importer: the same checks and errors.
      const conversation =
        importConversation(t.traj, (path, message) => fail(index, ['traj', ...path], message)) ?? fail(index, ['traj'], 'unreadable messages');
      trajectories++;
      cases.push({
        id: `tau-${taskId}${t.trial !== undefined ? `-trial-${t.trial}` : ''}`,
        description: t.info.task.instruction,
        tags: { task_id: String(taskId), ...(t.trial !== undefined ? { trial: String(t.trial) } : {}), ...opts.tags },
        ...(conversation.system !== '' ? { system: conversation.system } : {}),
        transcript: conversation.transcript,
        expect: tauExpect(t.info.task, isWrite),
        ...(t.reward !== undefined ? { metadata: { reward: t.reward, ...(rActions !== undefined ? { r_actions: rActions } : {}) } } : {}),
      });
      return;
    }
    const wrapped = isRecord(record['task']);
    if (!wrapped && !('instruction' in record) && !('actions' in record)) {
      return fail(index, [], 'neither a τ-bench task (instruction, actions, outputs) nor a trajectory (traj, info.task)');
    }
    const task: TauTask = parse(TaskSchema, wrapped ? record['task'] : record, index, wrapped ? ['task'] : []);
    const given = record['task_id'] ?? record['id'];
    const taskId = typeof given === 'string' || typeof given === 'number' ? given : index;
    tasks++;
    cases.push({
      id: `tau-${String(taskId)}`,
      description: task.instruction,
      tags: { task_id: String(taskId), ...opts.tags },
      user: tauSimulatedUser(task, { maxTurns }),
      expect: tauExpect(task, isWrite),
    });
  });

  uniqueIds(cases);
  cases.forEach((c, index) => {
    const checked = GoldenCaseSchema.safeParse(c);
    if (!checked.success) fail(index, checked.error.issues[0]!.path, checked.error.issues[0]!.message);
  });
  return { cases: cases.map(ordered), tasks, trajectories };
}

/** Same ids (a task listed twice) get `-2`, `-3`… in file order. */
function uniqueIds(cases: GoldenCase[]): void {
  const used = new Set<string>();
  for (const c of cases) {
    let candidate = c.id;
    for (let n = 2; used.has(candidate); n++) candidate = `${c.id}-${n}`;
    c.id = candidate;
    used.add(candidate);
  }
}

/** Keys in reading order: id, description, tags, system, the conversation, expect, metadata. */
function ordered(c: GoldenCase): GoldenCase {
  const { id: caseId, description, tags, system, user, transcript, expect, metadata, ...rest } = c;
  return {
    id: caseId,
    ...(description !== undefined ? { description } : {}),
    tags,
    ...(system !== undefined ? { system } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(transcript !== undefined ? { transcript } : {}),
    ...(expect !== undefined ? { expect } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...rest,
  };
}

/**
 * The golden-set file text: JSONL (one case per line) for a `.jsonl` name, else YAML with a
 * header comment saying where the cases came from and which tools count as writes.
 */
export function tauGoldenText(result: TauImport, opts: { out: string; source: string; writes: readonly string[] }): string {
  if (opts.out.endsWith('.jsonl')) return result.cases.map((c) => `${JSON.stringify(c)}\n`).join('');
  const header = [
    `Imported by \`convotest import tau-bench\` from ${opts.source}:`,
    `${result.tasks} tasks → simulated-customer cases, ${result.trajectories} trajectories → transcript cases.`,
    `expect.tools = the task's actions among the writes (${opts.writes.join(', ')}) and transfer_to_human_agents.`,
    'Grade with an `actions` grader whose `writes` are these globs to score like τ-bench (an extra transfer changes no',
    'booking); the shipped graders/actions.yaml also counts an unexpected transfer_to_human* call as a wrong action.',
  ];
  const body = stringify({ cases: result.cases }, { lineWidth: 0, aliasDuplicateObjects: false });
  return `${header.map((l) => `# ${l}`).join('\n')}\n${body}`;
}
