import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from 'zod';
import { ConvotestError } from '../errors.js';
import type { AgentConfig } from '../schema/config.js';
import { ToolCallSchema, UsageSchema } from '../schema/message.js';
import { raceAbort, throwIfAborted } from './abort.js';
import type { Agent, AgentFunction, AgentInput, AgentReply } from './agent.js';
import { type AgentDeps, defaultNow } from './deps.js';

type ModuleAgentConfig = Extract<AgentConfig, { kind: 'module' }>;

/** What a module agent function must return (checked on every reply). */
export const ModuleReplySchema = z.object({
  content: z.string(),
  toolCalls: z.array(ToolCallSchema).optional(),
  usage: UsageSchema.optional(),
  latencyMs: z.number().nonnegative().optional(),
  model: z.string().optional(),
  escalated: z.boolean().optional(),
});

/**
 * A module agent: a TS or JS file (relative to the config directory) whose default export, or the
 * export named by `export`, is an {@link AgentFunction}. The file is loaded once at creation with
 * jiti, so TypeScript works on plain Node. Each reply passes the input plus the variant's
 * `options`, validates what comes back (E_AGENT naming the file and field otherwise), measures
 * latency around the call, and rejects with E_ABORTED as soon as the signal aborts even when the
 * function ignores it.
 */
export async function createModuleAgent(name: string, config: ModuleAgentConfig, deps: AgentDeps): Promise<Agent> {
  const file = resolve(deps.configDir, config.path);
  const fn = await loadAgentFunction(name, file, config.export);
  const now = deps.now ?? defaultNow;

  return {
    name,
    kind: 'module',
    async reply(input: AgentInput): Promise<AgentReply> {
      throwIfAborted(name, input.signal);
      const started = now();
      const call = Promise.resolve()
        .then(() => fn({ ...input, options: config.options }))
        .catch((error: unknown) => {
          if (error instanceof ConvotestError) throw error;
          const why = error instanceof Error ? error.message : String(error);
          throw new ConvotestError('E_AGENT', `agent "${name}": ${file} threw: ${why}`, { cause: error });
        });
      const raw = await raceAbort(name, input.signal, call);
      const latencyMs = Math.max(0, now() - started);
      const parsed = ModuleReplySchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'reply';
        throw new ConvotestError(
          'E_AGENT',
          `agent "${name}": ${file} returned an invalid reply: ${where}: ${issue?.message ?? 'invalid'}`,
        );
      }
      const { latencyMs: _own, ...reply } = parsed.data;
      return { ...reply, latencyMs };
    },
  };
}

async function loadAgentFunction(name: string, file: string, exportName: string): Promise<AgentFunction> {
  try {
    await access(file);
  } catch {
    throw new ConvotestError('E_CONFIG', `agent "${name}": module file ${file} does not exist`);
  }
  // jiti (a TypeScript loader, a tenth of a second to load) only when a module agent is used.
  const { createJiti } = await import('jiti');
  let mod: unknown;
  try {
    mod = await createJiti(import.meta.url, { moduleCache: false }).import(file);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ConvotestError('E_CONFIG', `agent "${name}": cannot load ${file}: ${why}`, { cause: error });
  }
  const exported = mod !== null && typeof mod === 'object' ? (mod as Record<string, unknown>)[exportName] : undefined;
  if (typeof exported !== 'function') {
    const names = mod !== null && typeof mod === 'object' ? Object.keys(mod).join(', ') || 'none' : 'none';
    throw new ConvotestError(
      'E_CONFIG',
      `agent "${name}": ${file} has no function export "${exportName}" (exports: ${names})`,
    );
  }
  return exported as AgentFunction;
}
