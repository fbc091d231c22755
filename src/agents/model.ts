import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConvotestError } from '../errors.js';
import type { ChatModel } from '../models/chat.js';
import type { AgentConfig, ModelRef } from '../schema/config.js';
import type { Message } from '../schema/message.js';
import { abortedError, throwIfAborted } from './abort.js';
import type { Agent, AgentInput, AgentReply } from './agent.js';
import type { AgentDeps } from './deps.js';
import { offeredTools } from './tools.js';

type ModelAgentConfig = Extract<AgentConfig, { kind: 'model' }>;

/**
 * A model agent: provider + model + system prompt + params + tools. One `reply()` is one model
 * call; the runner does tool round-trips (it appends the scripted tool results and calls again).
 *
 * System prompt precedence: the variant's `system` (inline), else its `systemFile` (read once,
 * relative to the config directory), else the case's own `system`, else none.
 * Tools: `input.tools` when the runner passes them, else the variant's `tools` setting
 * (`expected` = the case's expected tools as open schemas, a list, or `none`).
 */
export async function createModelAgent(name: string, config: ModelAgentConfig, deps: AgentDeps): Promise<Agent> {
  const variantSystem = config.system ?? (config.systemFile ? await readSystemFile(name, config.systemFile, deps) : undefined);
  const chat = await buildChatModel(refOf(config), deps);

  return {
    name,
    kind: 'model',
    provider: config.provider,
    model: config.model,
    async reply(input: AgentInput): Promise<AgentReply> {
      throwIfAborted(name, input.signal);
      const system = variantSystem ?? input.system ?? input.case.system;
      const messages: Message[] = system ? [{ role: 'system', content: system }, ...input.messages] : input.messages;
      const tools = input.tools ?? offeredTools(config.tools, input.case);
      try {
        const response = await chat.chat({
          messages,
          ...(tools ? { tools } : {}),
          params: config.params,
          signal: input.signal,
        });
        return {
          content: response.content,
          ...(response.toolCalls.length > 0 ? { toolCalls: response.toolCalls } : {}),
          usage: response.usage,
          latencyMs: response.latencyMs,
          model: response.model,
        };
      } catch (error) {
        if (input.signal.aborted) throw abortedError(name, input.signal);
        throw error;
      }
    },
  };
}

function refOf(config: ModelAgentConfig): ModelRef {
  const { provider, model, baseURL, baseURLEnv, apiKeyEnv, maxRetries, timeoutMs, rpm } = config;
  return { provider, model, baseURL, baseURLEnv, apiKeyEnv, maxRetries, timeoutMs, rpm };
}

async function readSystemFile(name: string, file: string, deps: AgentDeps): Promise<string> {
  const path = resolve(deps.configDir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConvotestError('E_CONFIG', `agent "${name}": cannot read systemFile ${path}`, { cause: error });
  }
}

async function buildChatModel(ref: ModelRef, deps: AgentDeps): Promise<ChatModel> {
  if (deps.createChatModel) return deps.createChatModel(ref);
  const models = await import('../models/index.js');
  return models.loadChatModel(ref, {
    env: deps.env,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
}
