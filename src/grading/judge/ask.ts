import type { z } from 'zod';
import { ConvotestError, errorInfo } from '../../errors.js';
import type { ModelParams } from '../../schema/config.js';
import type { Message, Usage } from '../../schema/message.js';
import { UsageSchema } from '../../schema/message.js';
import type { ChatModel } from '../../models/chat.js';

/** One judge question: the prompt, the verdict schema and an optional check beyond the schema. */
export interface JudgeQuestion<T> {
  messages: Message[];
  schema: { name: string; schema: z.ZodType<T> };
  /** A check the schema cannot express (every criterion present…): a message, or null when fine. */
  check?: (verdict: T) => string | null;
  params?: ModelParams;
  /** Index of a repeated identical question (judge `samples`): keeps cached answers apart. */
  sample?: number;
  signal?: AbortSignal;
}

/** A judge's answer: the verdict or the error, with the usage of every attempt. */
export type JudgeAnswer<T> =
  | { ok: true; verdict: T; usage: Usage; attempts: number; model: string }
  | { ok: false; error: { code: string; message: string }; usage: Usage; attempts: number };

const MAX_FEEDBACK = 2000;

export function addUsage(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  const sum: Usage = { input: a.input + b.input, output: a.output + b.output, cached: a.cached + b.cached };
  if (a.estimated || b.estimated) sum.estimated = true;
  return sum;
}

export const ZERO_USAGE: Usage = { input: 0, output: 0, cached: 0 };

/** Usage a model layer may attach to the error of a reply it could not parse. */
function usageOf(error: unknown): Usage | undefined {
  const parsed = UsageSchema.safeParse((error as { usage?: unknown } | null)?.usage);
  return parsed.success ? parsed.data : undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Asks the judge once and, when the answer cannot be used (unparsable, not matching the schema,
 * or failing `check`), once more with the problem appended (repair). A second unusable answer is
 * an `E_JUDGE_PARSE` error. Provider errors are returned with their own code and not retried
 * here: the SDK's own retries already ran. Never throws (except when `signal` aborts).
 */
export async function askJudge<T>(judge: ChatModel, question: JudgeQuestion<T>): Promise<JudgeAnswer<T>> {
  let messages = question.messages;
  let usage = ZERO_USAGE;
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    let raw = '';
    try {
      const reply = await judge.chat({
        messages,
        schema: question.schema,
        ...(question.params ? { params: question.params } : {}),
        ...(question.sample !== undefined ? { sample: question.sample } : {}),
        ...(question.signal ? { signal: question.signal } : {}),
      });
      usage = addUsage(usage, reply.usage);
      raw = reply.content;
      const value = reply.parsed ?? parseJson(reply.content);
      const parsed = question.schema.schema.safeParse(value);
      if (value === undefined) {
        problem = 'the answer is not valid JSON';
      } else if (parsed.success) {
        const failed = question.check?.(parsed.data) ?? null;
        if (failed === null) return { ok: true, verdict: parsed.data, usage, attempts: attempt, model: reply.model };
        problem = failed;
      } else {
        problem = `the answer does not match the schema: ${describeIssues(parsed.error)}`;
      }
    } catch (error) {
      if (question.signal?.aborted) throw error;
      usage = addUsage(usage, usageOf(error));
      if (!(error instanceof ConvotestError && error.code === 'E_JUDGE_PARSE')) {
        return { ok: false, error: errorInfo(error), usage, attempts: attempt };
      }
      problem = error.message;
      const rawText = (error as { raw?: unknown }).raw;
      if (typeof rawText === 'string') raw = rawText;
    }
    messages = [
      ...question.messages,
      { role: 'assistant', content: raw === '' ? '(an answer that could not be parsed)' : raw.slice(0, MAX_FEEDBACK) },
      {
        role: 'user',
        content: `Your previous answer could not be used: ${problem.slice(0, MAX_FEEDBACK)}\nAnswer again with one complete verdict that matches the "${question.schema.name}" schema exactly.`,
      },
    ];
  }
  return {
    ok: false,
    error: { code: 'E_JUDGE_PARSE', message: `judge answer unusable after one repair: ${problem.slice(0, MAX_FEEDBACK)}` },
    usage,
    attempts: 2,
  };
}

function parseJson(text: string): unknown {
  const trimmed = text.trim().replace(/^```(?:json)?\s*|\s*```$/g, '');
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}
